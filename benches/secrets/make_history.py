#!/usr/bin/env python3
"""Write a `git fast-import` stream of a repository with many commits.

usage: make_history.py CORPUS N_COMMITS MANIFEST [--seed N] > stream

The first commit adds 300 real source files (first 4 KiB of files taken from
CORPUS); every later commit edits one of them. Fake secrets (seeded) are
committed in config files at spread-out commits and deleted 50 commits later,
so only a history scan can find them. MANIFEST lists them.
"""
import json
import os
import random
import string
import sys

AN = string.ascii_letters + string.digits
B32 = string.ascii_uppercase + "234567"
HEX = "0123456789abcdef"


def main():
    corpus, n, manifest = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    seed = int(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[4] == "--seed" else 7
    rng = random.Random(seed)
    r = lambda a, k: "".join(rng.choice(a) for _ in range(k))

    files = []
    for d, _, fs in os.walk(corpus):
        for f in fs:
            if f.endswith(".rs"):
                files.append(os.path.join(d, f))
    files.sort()
    rng.shuffle(files)
    tree = {}
    for i, p in enumerate(files[:300]):
        with open(p, "rb") as fh:
            data = fh.read(4096)
        rel = f"src/m{i % 20}/{os.path.basename(p)[:-3]}_{i}.rs"
        tree[rel] = bytearray(data)
    paths = sorted(tree)

    makers = [
        lambda: f'AWS_ACCESS_KEY_ID="AKIA{r(B32, 16)}"',
        lambda: f"GITHUB_TOKEN=ghp_{r(AN, 36)}",
        lambda: f"SLACK_BOT_TOKEN=xoxb-{r(string.digits, 12)}-{r(string.digits, 13)}-{r(AN, 24)}",
        lambda: f"STRIPE_SECRET_KEY=sk_live_{r(AN, 24)}",
        lambda: f"GITLAB_TOKEN=glpat-{r(AN, 20)}",
        lambda: f"DATABASE_URL=postgres://app:{r(AN, 20)}@db.internal:5432/app",
        lambda: f"SENDGRID_API_KEY=SG.{r(AN, 22)}.{r(AN, 43)}",
        lambda: f"NPM_TOKEN=npm_{r(AN, 36)}",
        lambda: f"DIGITALOCEAN_TOKEN=dop_v1_{r(HEX, 64)}",
        lambda: f"GOOGLE_API_KEY=AIza{r(AN + '-_', 35)}",
    ]
    plant_at = {max(2, (k + 1) * n // (len(makers) + 1)): k for k in range(len(makers))}
    remove_at = {c + 50: k for c, k in plant_at.items()}
    planted = []
    out = sys.stdout.buffer

    def data(b):
        out.write(b"data %d\n" % len(b))
        out.write(b)
        out.write(b"\n")

    ts = 1_600_000_000
    for c in range(1, n + 1):
        out.write(b"commit refs/heads/main\n")
        out.write(b"mark :%d\n" % c)
        who = b"Dev <dev@example.com> %d +0000\n" % (ts + c * 60)
        out.write(b"author " + who + b"committer " + who)
        data(b"change %d" % c)
        if c > 1:
            out.write(b"from :%d\n" % (c - 1))
        if c == 1:
            for p in paths:
                out.write(b"M 100644 inline " + p.encode() + b"\n")
                data(bytes(tree[p]))
            continue
        p = paths[c % len(paths)]
        tree[p] += b"// revision %d\n" % c
        out.write(b"M 100644 inline " + p.encode() + b"\n")
        data(bytes(tree[p]))
        if c in plant_at:
            k = plant_at[c]
            cfg = f"config/deploy_{k}.env"
            out.write(b"M 100644 inline " + cfg.encode() + b"\n")
            data(f"# deploy settings\nREGION=eu-west-1\n{makers[k]()}\n".encode())
            planted.append({"family": k, "path": cfg, "start": 3, "end": 3, "commit": c})
        if c in remove_at:
            out.write(b"D config/deploy_%d.env\n" % remove_at[c])
    out.write(b"done\n")
    with open(manifest, "w") as fh:
        json.dump(planted, fh, indent=1)


if __name__ == "__main__":
    main()

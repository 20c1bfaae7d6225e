#!/usr/bin/env python3
"""Re-run readyctl on the real-world corpus and score it against the judged
verdicts in expected.tsv.

The corpus is not in this repository (and not run in CI: no network there).
Bring each repository of corpus.tsv onto the machine at the commit listed (a
snapshot, e.g. with the search tool's `fetch`, then `git clone` it) into
$READYCTL_CORPUS/<name> (default /tmp/corpus), build readyctl, then:

    python3 benches/realworld/run.py [--bin target/debug/readyctl] [--show-wrong]

Prints one row per repository, every verdict that disagrees with the judged
one, and the totals: accuracy over clear-cut verdicts (expected not `?`),
median findings per repository, and the longest line of human output.
"""
import argparse, json, os, statistics, subprocess, sys, time

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--bin", default=os.path.join(here, "..", "..", "target", "debug", "readyctl"))
ap.add_argument("--corpus", default=os.environ.get("READYCTL_CORPUS", "/tmp/corpus"))
ap.add_argument("--show-wrong", action="store_true", default=True)
args = ap.parse_args()

def tsv(name):
    with open(os.path.join(here, name)) as f:
        return [l.rstrip("\n").split("\t") for l in f if l.strip() and not l.startswith("#")]

corpus = tsv("corpus.tsv")
expected = {(r[0], r[1]): (r[2], r[3]) for r in tsv("expected.tsv")}

right = wrong = unclear = 0
findings, longest, rows, wrongs, missing = [], (0, ""), [], [], []
for name, repo, commit, kind in corpus:
    path = os.path.join(args.corpus, name)
    if not os.path.isdir(path):
        missing.append(f"{name}: bring github:{repo} at {commit} into {path}")
        continue
    head = subprocess.run(["git", "-C", path, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    if head != commit:
        print(f"warning: {name} is at {head[:12]}, the judgement is for {commit[:12]}", file=sys.stderr)
    t0 = time.monotonic()
    out = subprocess.run([args.bin, "check", path, "--offline", "--no-progress", "--format", "json"],
                         capture_output=True, text=True)
    took = time.monotonic() - t0
    if out.returncode not in (0, 1):
        wrongs.append(f"{name}: exit {out.returncode}: {out.stderr.strip()[:200]}")
        continue
    report = json.loads(out.stdout)
    human = subprocess.run([args.bin, "check", path, "--offline", "--no-progress", "--color", "never"],
                           capture_output=True, text=True).stdout
    for line in human.splitlines():
        if len(line) > longest[0]:
            longest = (len(line), f"{name}: {line[:80]}…")
    n = sum(len(c["findings"]) for c in report["checks"])
    findings.append(n)
    r = w = u = 0
    for c in report["checks"]:
        exp = expected.get((name, c["id"]))
        if exp is None:
            continue  # not judged (health.reachable offline, or a check newer than the judgement)
        if exp[0] == "?":
            u += 1
        elif exp[0] == c["status"]:
            r += 1
        else:
            w += 1
            wrongs.append(f"{name} {c['id']}: {c['status']}, judged {exp[0]} ({exp[1]}) — {c['message'][:120]}")
    right, wrong, unclear = right + r, wrong + w, unclear + u
    rows.append(f"{name:40} {r:3} right {w:2} wrong {u:2} unclear  {n:3} findings  {took:5.2f}s")

print("\n".join(rows))
if wrongs:
    print("\nwrong verdicts:")
    print("\n".join("  " + x for x in wrongs))
if missing:
    print("\nnot on this machine:")
    print("\n".join("  " + x for x in missing))
judged = right + wrong
if judged:
    print(f"\naccuracy: {right}/{judged} clear-cut verdicts right ({100.0 * right / judged:.1f}%), {unclear} not clear-cut")
    print(f"findings per repository: median {statistics.median(findings)}, max {max(findings)}")
    print(f"longest human-output line: {longest[0]} characters ({longest[1]})")

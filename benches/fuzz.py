#!/usr/bin/env python3
"""Mutation run for issue 13 (hostile input): mutated repositories through
`readyctl check`, `scaffold --missing` and `init` for a given time budget.

A case is a seed repository (examples/*, this repository's own tracked files,
and any directory given with --seed) copied to a temporary directory and
changed by 1 to 4 random mutations: truncated, bit-flipped, spliced or
oversized files, deep nesting, NUL bytes and invalid UTF-8, FIFOs and
symlinks (inside, outside, loops, dangling) at the paths readyctl opens by
name, invalid readyctl.yaml values, hostile checklist markers, and a planted
secret. Each run is bounded by --timeout seconds.

A failure is: an exit code outside 0/1/2 (a panic is 101, a signal is
negative), a timeout (a hang), a planted secret printed whole, a write
outside the case's directory, or a run whose peak RSS exceeds --rss-mb (300
MB, issue 13's memory bound; measured per readyctl process by GNU time).
Each case has its own random generator (run seed and case number), so a
failing case is built again, as it was before any command ran, under --keep
with a FAILURE.json that says why and how to replay it
(`--rng S --case N`).

Prints one line of figures at the end (and JSON with --json).
"""

import argparse
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def checksummed(prefix, body):
    """A fake GitHub-style token with the base62 CRC32 readyctl verifies."""
    n = zlib.crc32(body.encode())
    digits = []
    for _ in range(6):
        digits.append(B62[n % 62])
        n //= 62
    return f"{prefix}_{body}{''.join(reversed(digits))}"


def fake_token(rng):
    body = "".join(rng.choice(B62) for _ in range(30))
    return checksummed("ghp", body)


# Config values a user (or an attacker) might write; most are invalid.
BAD_CONFIG = [
    "version: 2\n",
    "version: -1\n",
    "version: 1\nhealth:\n  timeout: 1e20\n",
    "version: 1\nhealth:\n  timeout: 99999999999999999999h\n",
    "version: 1\nhealth:\n  timeout: \"5 parsecs\"\n",
    "version: 1\nhealth:\n  retries: 4294967295\n",
    "version: 1\nhealth:\n  concurrency: 18446744073709551615\n",
    "version: 1\nhealth:\n  concurrency: 0\n",
    "version: 1\nhealth:\n  endpoints:\n    - name: a\n      url: ftp://x/\n",
    "version: 1\nhealth:\n  endpoints:\n    - name: a\n      url: http://127.0.0.1:9/\n      expect_status: 999\n",
    "version: 1\nhealth:\n  endpoints:\n    - name: a\n      url: http://127.0.0.1:9/\n      method: 'GE T'\n",
    "version: 1\nsecrets:\n  allow_paths: [\"a/{b\"]\n",
    "version: 1\nsecrets:\n  baseline: ../outside.json\n",
    "version: 1\nsecrets:\n  baseline: /tmp/readyctl-fuzz-outside.json\n",
    "version: 1\nchecks:\n  paths: [/etc]\n",
    "version: 1\nchecklist: ../../etc/passwd\n",
    "version: 1\nchecks:\n  skip: [\"[\"]\n",
    "version: 1\nchecks:\n  severity: {nope.nope: error}\n",
    "version: 1\nresilience:\n  failover_target: 0s\n",
    "version: 1\nwaivers:\n  - check: docs.rollback\n    reason: x\n    owner: y\n    expires: 2020-13-45\n",
    "version: 1\nlevels: []\n",
    "version: 1\nservices:\n  - name: a\n    path: ../..\n",
    "&a [*a, *a, *a]\n",
    "a: &a [1]\nb: [*a, *a, *a, *a, *a, *a, *a, *a]\n",
    "version: 1\n" + "x:\n " * 2000 + "1\n",
    "version: 1\nchecks:\n  skip: [" + "[" * 5000 + "]" * 5000 + "]\n",
]

NAMED = [
    "readyctl.yaml",
    "deployment-readiness.md",
    ".gitignore",
    ".readyctlignore",
    ".readyctl-baseline.json",
    "README.md",
    "main.tf",
    ".github/workflows/ci.yml",
    ".gitlab-ci.yml",
    "Dockerfile",
    "docs/RUNBOOK.md",
    "monitoring/alerts.yml",
    ".readyctl/checks/x.yaml",
]


def files_of(case):
    out = []
    for d, dirs, names in os.walk(case):
        if ".git" in dirs:
            dirs.remove(".git")
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(d, n)
            if os.path.isfile(p) and not os.path.islink(p):
                out.append(p)
    return out


def make_room(p):
    """Remove whatever stands at `p` (file, link or directory) and create its parent."""
    if os.path.lexists(p):
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p, ignore_errors=True)
        else:
            os.unlink(p)
    os.makedirs(os.path.dirname(p), exist_ok=True)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.lexists(path) and (os.path.islink(path) or not os.path.isfile(path)):
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)


def mutate(rng, case, outside, planted):
    """Apply one mutation to the tree at `case`; returns its name."""
    files = files_of(case)
    target = rng.choice(files) if files else os.path.join(case, "README.md")
    named = os.path.join(case, rng.choice(NAMED))
    kind = rng.randrange(21)
    if kind == 0 and files:
        data = open(target, "rb").read()
        write(target, data[: rng.randrange(len(data) + 1)])
        return "truncate"
    if kind == 1 and files:
        data = bytearray(open(target, "rb").read())
        for _ in range(rng.randrange(1, 32)):
            if data:
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        write(target, bytes(data))
        return "bitflip"
    if kind == 2 and len(files) > 1:
        a = open(rng.choice(files), "rb").read()
        b = open(target, "rb").read()
        write(target, b[: rng.randrange(len(b) + 1)] + a[rng.randrange(len(a) + 1) :])
        return "splice"
    if kind == 3:
        # One line repeated: many headings, items, resources, rules.
        unit = rng.choice(
            [
                "# h\n",
                "- [ ] item <!-- readyctl: docs.rollback -->\n",
                "<!-- readyctl: nope -->",
                'resource "aws_s3_bucket" "b" { bucket = "x" }\n',
                "  - alert: A\n    expr: up == 0\n",
                "RUN echo hi\n",
                "a: [\n",
                "{",
                "*",
                "|x|\n",
            ]
        )
        write(named, unit * rng.choice([1000, 20000, 200000]))
        return "repeat"
    if kind == 4:
        depth = rng.choice([100, 2000, 20000])
        opener, closer = rng.choice([("[", "]"), ("{", "}"), ("(", ")"), ("> ", ""), ("- ", "")])
        write(named, opener * depth + "x" + closer * depth + "\n")
        return "nest"
    if kind == 5:
        write(named, bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4096))))
        return "random-bytes"
    if kind == 6:
        p = named
        make_room(p)
        os.mkfifo(p)
        return "fifo"
    if kind == 7:
        p = named
        make_room(p)
        dest = rng.choice(
            [os.path.join(outside, "victim"), "/etc/passwd", "/dev/zero", p, "nowhere", case]
        )
        os.symlink(dest, p)
        return "symlink"
    if kind == 8:
        # A directory symlinked outside, where scaffolds write.
        p = os.path.join(case, rng.choice(["docs", "terraform", ".github/workflows", "monitoring"]))
        make_room(p)
        os.symlink(outside, p)
        return "dir-symlink-out"
    if kind == 9:
        write(os.path.join(case, "readyctl.yaml"), rng.choice(BAD_CONFIG))
        return "bad-config"
    if kind == 10:
        # Deep directories (beyond PATH_MAX with long names).
        d = case
        for _ in range(rng.choice([10, 40])):
            d = os.path.join(d, "d" * 120)
        try:
            os.makedirs(d, exist_ok=True)
            write(os.path.join(d, "f.txt"), 'password = "x"\n')
        except OSError:
            pass
        return "deep-dirs"
    if kind == 11:
        write(named, "x" * rng.choice([10_000, 2_000_000, 11 * 1024 * 1024]))
        return "huge-line"
    if kind == 12:
        write(
            os.path.join(case, "deployment-readiness.md"),
            f"# Ready\n\n- [ ] rotate {planted} <!-- readyctl: {planted} -->\n"
            "- [ ] <!-- readyctl: -->\n- [x] <!-- readyctl: docs.rollback docs.rollback -->\n",
        )
        return "checklist-secret"
    if kind == 13:
        write(
            os.path.join(case, "readyctl.yaml"),
            f"version: 1\n{planted}: 1\nhealth:\n  endpoints:\n"
            f"    - name: hook\n      url: https://hooks.slack.com/services/{planted}/x\n",
        )
        return "config-secret"
    if kind == 14:
        write(os.path.join(case, rng.choice(["app.py", "src/config.js", "deploy/values.yaml"])),
              f'token = "{planted}"\n')
        return "planted-secret"
    if kind == 15 and files:
        data = open(target, "rb").read()
        pos = rng.randrange(len(data) + 1)
        junk = rng.choice([b"\x00", b"\xff\xfe", "\u202e".encode(), b"\r", b"\t" * 100, "é".encode()[:1]])
        write(target, data[:pos] + junk * rng.randrange(1, 64) + data[pos:])
        return "odd-bytes"
    if kind == 16:
        write(
            os.path.join(case, ".readyctl/checks", f"c{rng.randrange(9)}.yaml"),
            rng.choice(
                [
                    "id: team.x\ntitle: X\nseverity: error\nexplain: {what: a, why: b, fix: c, example: d}\n"
                    "rule:\n  file_lacks:\n    files: [\"**\"]\n    pattern: \"(a+)+$\"\n",
                    "id: team.y\ntitle: Y\nseverity: error\nexplain: {what: a, why: b, fix: c, example: d}\n"
                    "rule:\n  file_exists:\n    files: [\"" + "{" * 300 + "a" + "}" * 300 + "\"]\n",
                    "id: ../../x\n",
                    "rule: " * 500,
                ]
            ),
        )
        return "declarative"
    if kind == 17:
        # An ignore file that ignores everything, or its negation.
        write(os.path.join(case, rng.choice([".gitignore", ".readyctlignore"])),
              rng.choice(["*\n", "!*\n**\n!**/\n", "/" * 5000 + "\n", "[\n"]))
        return "ignore-rules"
    if kind == 18:
        write(os.path.join(case, ".readyctl-baseline.json"),
              rng.choice(['{"version": 1, "secrets": ' + "[" * 10000 + "]" * 10000 + "}",
                          '{"version": 99}', "null", '{"version": 1, "secrets": [{"rule": 1}]}']))
        return "baseline"
    if kind == 19:
        # Many distinct keys: Terraform JSON, YAML, a checklist line.
        n = rng.choice([1000, 50000, 200000])
        which = rng.randrange(3)
        if which == 0:
            body = {"variable": {f"v{i}": {"type": "string"} for i in range(n)}}
            write(os.path.join(case, "main.tf.json"), json.dumps(body, indent=1))
        elif which == 1:
            write(os.path.join(case, "monitoring/alerts.yml"),
                  "groups:\n- name: g\n  rules:\n" +
                  "".join(f"  - alert: A{i}\n    expr: up == 0\n" for i in range(n // 4)))
        else:
            write(os.path.join(case, "deployment-readiness.md"),
                  "- [ ] x " + "".join(f"<!-- readyctl: a.b{i} -->" for i in range(n)) + "\n")
        return "many-keys"
    if files:
        os.unlink(target)
        return "delete"
    return "none"


TIME = "/usr/bin/time"


def run(cmd, cwd, timeout):
    """(exit code or 'timeout', combined output, peak RSS in KiB, CPU seconds)
    of one readyctl process.

    The figures come from GNU time (`/usr/bin/time`, Debian's `time`), which
    forks readyctl from its own small process and reports that child's
    rusage. (Not from wait4 or RUSAGE_CHILDREN here: a child forked from
    this Python process starts with Python's high-water RSS, and exec keeps
    it, so a 500 MB Python would make `true` look 500 MB.)"""
    fd, stats = tempfile.mkstemp(prefix="readyctl-fuzz-time-")
    os.close(fd)
    p = subprocess.Popen(
        [TIME, "-f", "%M %U %S", "-o", stats] + cmd,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        env=dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1",
                 NO_COLOR="1"),
    )
    try:
        out, _ = p.communicate(timeout=timeout)
        code = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        code = "timeout"
    rss_kb, cpu = 0, 0.0
    try:
        with open(stats) as f:
            lines = f.read().splitlines()
        os.unlink(stats)
    except OSError:
        lines = []
    for line in lines:
        if line.startswith("Command terminated by signal ") and code != "timeout":
            code = -int(line.rsplit(" ", 1)[1])
        parts = line.split()
        if len(parts) == 3 and parts[0].isdigit():
            rss_kb, cpu = int(parts[0]), float(parts[1]) + float(parts[2])
    return code, out, rss_kb, cpu


def seeds(extra):
    out = []
    ex = os.path.join(ROOT, "examples")
    for n in sorted(os.listdir(ex)):
        if os.path.isdir(os.path.join(ex, n)):
            out.append(("examples/" + n, os.path.join(ex, n)))
    out.append(("readyctl", None))  # this repository's files at HEAD
    for s in extra:
        out.append((os.path.basename(s.rstrip("/")), s))
    return out


def head_tree(dest):
    """This repository's committed files at HEAD (not the work tree, which
    may change during a run), files under 2 MB, extracted under `dest`.
    Returns the commit."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, check=True, text=True).stdout.strip()
    os.makedirs(dest)
    archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=ROOT,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", dest], input=archive, check=True)
    for d, _, names in os.walk(dest):
        for n in names:
            p = os.path.join(d, n)
            if os.path.isfile(p) and not os.path.islink(p) and os.path.getsize(p) >= 2_000_000:
                os.unlink(p)
    return commit


HEAD_TREE = None


def materialize(seed, dest):
    name, path = seed
    shutil.copytree(path or HEAD_TREE, dest, symlinks=True, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".git"))


def listing(d):
    try:
        return sorted(os.listdir(d))
    except OSError:
        return []


FORMATS = ["human", "json", "sarif", "junit", "markdown", "github", "gitlab"]


def build_case(rng_seed, n, all_seeds, base):
    """Build case `n` of run `rng_seed` under `base` (`repo/` and `outside/`).
    Each case has a random generator of its own, so that one case can be
    built again alone (`--case N`) with the same tree and commands."""
    rng = random.Random(f"{rng_seed}/{n}")
    case = os.path.join(base, "repo")
    outside = os.path.join(base, "outside")
    os.makedirs(case)
    os.makedirs(outside)
    seed = rng.choice(all_seeds)
    materialize(seed, case)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=case, check=True)
    planted = fake_token(rng)
    applied = []
    for _ in range(rng.randrange(1, 5)):
        try:
            applied.append(mutate(rng, case, outside, planted))
        except OSError as e:
            applied.append(f"error:{e.errno}")
    commands = [
        ["check", ".", "--offline", "--no-progress", "--format", rng.choice(FORMATS)],
        ["scaffold", "--missing", "."],
        ["init", "."],
    ]
    if rng.random() < 0.2:
        commands.append(["check", ".", "--offline", "--no-progress", "--history"])
    if rng.random() < 0.2:
        commands.append(["baseline", "."])
    return seed, planted, applied, commands


def keep_case(args, rng_seed, n, all_seeds, failure):
    """Build case `n` again, as it was before any command ran, under
    --keep, with a file saying how it failed and how to replay it."""
    kept = os.path.join(args.keep, f"{rng_seed}-{n}")
    shutil.rmtree(kept, ignore_errors=True)
    try:
        build_case(rng_seed, n, all_seeds, kept)
    except OSError as e:
        failure["keep_error"] = str(e)
    with open(os.path.join(kept, "FAILURE.json"), "w") as f:
        replay = (f"python3 benches/fuzz.py --bin {args.bin} --rng {rng_seed} --case {n}"
                  f" --rss-mb {args.rss_mb} --timeout {args.timeout:g}")
        json.dump(dict(failure, replay=replay), f, indent=2)
    return kept


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=300, help="seconds of wall time")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "readyctl"))
    ap.add_argument("--seed", action="append", default=[], help="extra seed repository")
    ap.add_argument("--rng", type=int, default=None, help="random seed (default: time)")
    ap.add_argument("--case", type=int, action="append", default=[],
                    help="run only case N of --rng (replay a kept failure); repeatable")
    ap.add_argument("--first-case", type=int, default=1, help="number of the first case")
    ap.add_argument("--timeout", type=float, default=60, help="seconds per run")
    ap.add_argument("--rss-mb", type=float, default=300,
                    help="peak RSS (MB, 10^6 bytes) of one readyctl run above which it fails")
    ap.add_argument("--keep", default=os.path.join(tempfile.gettempdir(), "readyctl-fuzz-failures"))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rng_seed = args.rng if args.rng is not None else int(time.time())
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"fuzz: {args.bin}: no readyctl binary (cargo build --release, or --bin)")
    if not os.access(TIME, os.X_OK):
        sys.exit(f"fuzz: {TIME} is needed to measure each run (apt-get install time)")
    rss_limit_kb = args.rss_mb * 1e6 / 1024
    all_seeds = seeds(args.seed)
    work = tempfile.mkdtemp(prefix="readyctl-fuzz-")
    global HEAD_TREE
    HEAD_TREE = os.path.join(work, "head")
    commit = head_tree(HEAD_TREE)
    start = time.monotonic()
    cases = runs = 0
    cpu = 0.0
    outcomes = {}
    failures = []
    mutations = {}
    peak = {"rss_kb": 0}
    numbers = iter(args.case) if args.case else None
    n = args.first_case - 1
    stopped = False

    def stop(*_):
        raise KeyboardInterrupt

    # A run stopped early (SIGTERM, Ctrl-C) still prints its figures.
    signal.signal(signal.SIGTERM, stop)
    try:
        while True:
            if numbers is not None:
                n = next(numbers, None)
                if n is None:
                    break
            elif time.monotonic() - start >= args.budget:
                break
            else:
                n += 1
            cases += 1
            base = os.path.join(work, f"c{n}")
            seed, planted, applied, commands = build_case(rng_seed, n, all_seeds, base)
            case = os.path.join(base, "repo")
            outside = os.path.join(base, "outside")
            for m in applied:
                mutations[m] = mutations.get(m, 0) + 1
            before = listing(outside)
            for c in commands:
                runs += 1
                code, out, rss_kb, secs = run([args.bin] + c, case, args.timeout)
                cpu += secs
                outcomes[str(code)] = outcomes.get(str(code), 0) + 1
                if rss_kb > peak["rss_kb"]:
                    peak = {"rss_kb": rss_kb, "case": n, "command": c}
                why = None
                if code == "timeout":
                    why = "timeout"
                elif code not in (0, 1, 2):
                    why = f"exit {code}"
                elif planted.encode() in out:
                    why = "planted secret printed whole"
                elif b"panicked" in out:
                    why = "panic message"
                elif listing(outside) != before:
                    why = "wrote outside the root"
                elif rss_kb > rss_limit_kb:
                    why = f"peak RSS {rss_kb * 1024 / 1e6:.0f} MB, over {args.rss_mb:g} MB"
                if why:
                    failure = {"rng": rng_seed, "case": n, "seed": seed[0], "mutations": applied,
                               "command": c, "why": why, "rss_kb": rss_kb,
                               "cpu_seconds": round(secs, 2),
                               "output": out[-400:].decode("utf-8", "replace")}
                    kept = os.path.join(args.keep, f"{rng_seed}-{n}")
                    failure["kept"] = (kept if any(f["case"] == n for f in failures)
                                       else keep_case(args, rng_seed, n, all_seeds, failure))
                    failures.append(failure)
                    print(f"FAIL case {n} ({seed[0]}; {', '.join(applied)}): "
                          f"readyctl {' '.join(c)}: {why}; kept in {failure['kept']}", flush=True)
            shutil.rmtree(base, ignore_errors=True)
            if cases % 100 == 0:
                print(f"... {cases} cases, {runs} runs, {time.monotonic() - start:.0f} s, "
                      f"{cpu:.0f} CPU-s, {len(failures)} failures", flush=True)
    except KeyboardInterrupt:
        stopped = True
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "stopped_early": stopped,
        "rng": rng_seed,
        "commit": commit,
        "cases": cases,
        "runs": runs,
        "wall_seconds": round(time.monotonic() - start),
        "cpu_seconds": round(cpu),
        "max_rss_kb": peak["rss_kb"],
        "max_rss_case": peak.get("case"),
        "max_rss_command": peak.get("command"),
        "outcomes": outcomes,
        "mutations": mutations,
        "failures": failures,
    }
    hangs = outcomes.get("timeout", 0)
    panics = sum(v for k, v in outcomes.items() if k not in ("0", "1", "2", "timeout"))
    over = sum(1 for f in failures if f["why"].startswith("peak RSS"))
    print(f"fuzz: {cases} cases, {runs} runs, {result['wall_seconds']} s wall, "
          f"{result['cpu_seconds']} CPU-s (readyctl), outcomes {json.dumps(outcomes, sort_keys=True)}, "
          f"{panics} panics, {hangs} hangs, {over} over {args.rss_mb:g} MB RSS, "
          f"{len(failures)} failures; peak RSS {peak['rss_kb'] * 1024 / 1e6:.0f} MB "
          f"(case {peak.get('case')}: {' '.join(peak.get('command') or [])}) "
          f"(rng {rng_seed}, seed tree {commit})")
    if args.json:
        print(json.dumps(result, indent=2))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

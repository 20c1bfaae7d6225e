#!/usr/bin/env python3
"""Generate N readyctl JSON reports for the `readyctl fleet` benchmark.

Usage: gen_reports.py TEMPLATE.json OUT_DIR [N] [SEED]

Each report is the template (a real `readyctl check --format json` report)
with its own repository identity, time, statuses (a share of checks fail, with
a finding each) and, for one repository in ten, three services. Deterministic
for a given seed.
"""
import copy
import json
import os
import random
import sys


def main():
    template = json.load(open(sys.argv[1]))
    out = sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 7)
    os.makedirs(out, exist_ok=True)
    owners = [f"team-{i:02d}" for i in range(40)]
    levels = [None, "bronze", "silver", "gold"]

    def vary(checks):
        checks = copy.deepcopy(checks)
        for c in checks:
            r = rng.random()
            if r < 0.15:
                c["status"] = "fail"
                c["findings"] = [{"message": "generated finding", "path": "src/main.rs", "line": rng.randint(1, 400)}]
            elif r < 0.2:
                c["status"] = "skip"
                c["findings"] = []
            else:
                c["status"] = "pass"
                c["findings"] = []
        return checks

    def summary(checks):
        s = {"pass": 0, "fail": 0, "skip": 0, "error": 0}
        for c in checks:
            s[c["status"]] += 1
        return s

    wide = [c for c in template["checks"] if c["area"] in ("ci", "secrets")]
    rest = [c for c in template["checks"] if c["area"] not in ("ci", "secrets")]
    for i in range(n):
        owner = rng.choice(owners)
        name = f"repo-{i:05d}"
        r = {k: v for k, v in template.items() if k not in ("checks", "services")}
        r["repository"] = {
            "name": name,
            "remote": f"https://github.com/{owner}/{name}.git",
            "commit": "%040x" % rng.getrandbits(160),
            "service": None,
        }
        r["generated_at"] = "2026-11-%02dT%02d:00:00Z" % (rng.randint(1, 30), rng.randint(0, 23))
        lvl = rng.choice(levels)
        r["level"] = {"reached": lvl, "next": None, "missing": []}
        if i % 10 == 0:
            r["checks"] = vary(wide)
            r["services"] = []
            for s in range(3):
                checks = vary(rest)
                r["services"].append({
                    "name": f"svc-{s}", "path": f"services/svc-{s}",
                    "ready": not any(c["status"] == "fail" and c["severity"] == "error" for c in checks),
                    "level": None, "summary": summary(checks), "checks": checks,
                })
            everything = r["checks"] + [c for s in r["services"] for c in s["checks"]]
        else:
            r["checks"] = vary(template["checks"])
            everything = r["checks"]
        r["summary"] = summary(everything)
        r["ready"] = not any(c["status"] == "fail" and c["severity"] == "error" for c in everything)
        with open(os.path.join(out, f"{name}.json"), "w") as f:
            json.dump(r, f, indent=2)


if __name__ == "__main__":
    main()

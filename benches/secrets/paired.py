#!/usr/bin/env python3
"""Paired timing on a shared machine: ROUNDS rounds, each one hyperfine
invocation running every command once (the order alternates between
rounds), so that each round's ratio compares runs made under the same load.

    paired.py ROUNDS OUT.json NAME=COMMAND [NAME=COMMAND ...]

Prints per-round wall and CPU (user+sys) times, each command's wall-time
ratio to the first command per round, and the medians; writes the raw
figures to OUT.json.
"""
import json
import statistics
import subprocess
import sys
import tempfile


def main() -> int:
    rounds = int(sys.argv[1])
    out = sys.argv[2]
    named = [a.split("=", 1) for a in sys.argv[3:]]
    names = [n for n, _ in named]
    rows = []
    for r in range(rounds):
        order = named if r % 2 == 0 else list(reversed(named))
        with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
            cmd = ["hyperfine", "--style", "none", "--runs", "1", "-i", "--export-json", tmp.name]
            cmd += [c for _, c in order]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            res = json.load(open(tmp.name))["results"]
        by_cmd = {c: res[i] for i, (_, c) in enumerate(order)}
        row = {}
        for n, c in named:
            x = by_cmd[c]
            row[n] = {"wall": x["mean"], "cpu": x["user"] + x["system"]}
        rows.append(row)
        first = row[names[0]]["wall"]
        cells = "  ".join(
            f"{n} {row[n]['wall']:.2f}s (cpu {row[n]['cpu']:.2f})" for n in names
        )
        ratios = "  ".join(f"{names[0]}/{n} {first / row[n]['wall']:.2f}" for n in names[1:])
        print(f"round {r + 1}: {cells}  |  {ratios}", flush=True)
    print("median:")
    for n in names:
        w = statistics.median(x[n]["wall"] for x in rows)
        c = statistics.median(x[n]["cpu"] for x in rows)
        print(f"  {n}: wall {w:.2f} s, cpu {c:.2f} s")
    for n in names[1:]:
        per = [x[names[0]]["wall"] / x[n]["wall"] for x in rows]
        cpu = [x[names[0]]["cpu"] / x[n]["cpu"] for x in rows]
        print(
            f"  {names[0]}/{n}: wall ratio median {statistics.median(per):.2f} "
            f"(rounds {min(per):.2f}-{max(per):.2f}), cpu ratio median {statistics.median(cpu):.2f}"
        )
    json.dump({"names": names, "rounds": rows}, open(out, "w"), indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())

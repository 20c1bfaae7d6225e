#!/usr/bin/env python3
"""Generate a synthetic repository of N files for readyctl benchmarks.

Usage: gen_tree.py DIR [N] [SEED]

The tree looks like a large monorepo: many services, each with source files,
configs, a few Markdown documents, and some Terraform. Deterministic for a
given seed. Holds no secrets.
"""
import os
import random
import sys

def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 42)
    os.makedirs(out, exist_ok=True)
    kinds = [
        ("rs", 30), ("py", 20), ("go", 15), ("ts", 15), ("json", 5),
        ("yaml", 5), ("md", 4), ("tf", 3), ("txt", 3),
    ]
    population = [k for k, w in kinds for _ in range(w)]
    words = "deploy service handler request response config error retry cache token value index buffer stream".split()
    per_dir = 40
    for i in range(n):
        svc = i // 2000
        sub = (i // per_dir) % 50
        d = os.path.join(out, f"services/svc{svc:03d}/pkg{sub:02d}")
        os.makedirs(d, exist_ok=True)
        ext = rng.choice(population)
        path = os.path.join(d, f"f{i:06d}.{ext}")
        lines = rng.randint(5, 60)
        with open(path, "w") as f:
            if ext == "md":
                f.write(f"# Notes {i}\n\n")
                for _ in range(lines // 5):
                    f.write(f"## {rng.choice(words).title()}\n\n{' '.join(rng.choices(words, k=12))}\n\n- item\n\n")
            elif ext == "tf":
                f.write(f'resource "null_resource" "r{i}" {{\n  triggers = {{\n    k = "{rng.choice(words)}"\n  }}\n}}\n')
            else:
                for _ in range(lines):
                    f.write(" ".join(rng.choices(words, k=rng.randint(3, 12))) + "\n")
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("# monorepo\n")

if __name__ == "__main__":
    main()

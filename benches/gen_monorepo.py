#!/usr/bin/env python3
"""Generate a monorepo of S services for the per-service benchmark.

Usage: gen_monorepo.py EXAMPLE_SERVICE_DIR OUT_DIR [S] [FILES_PER_SERVICE]

Each service is a copy of the bundled example service (docs, checklist,
Terraform, Kubernetes manifests, monitoring) plus FILES_PER_SERVICE generated
source files; the root holds a GitHub workflow, a .gitignore and a
readyctl.yaml declaring every service. Holds no secrets.
"""
import os
import shutil
import sys


def main():
    example, out = sys.argv[1], sys.argv[2]
    s = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    files = int(sys.argv[4]) if len(sys.argv) > 4 else 400
    os.makedirs(out, exist_ok=True)
    lines = []
    for i in range(s):
        name = f"svc-{i:02d}"
        d = os.path.join(out, "services", name)
        shutil.copytree(example, d, dirs_exist_ok=True)
        for j in range(files):
            p = os.path.join(d, "src", f"pkg{j // 40:02d}", f"mod{j:04d}.py")
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as f:
                f.write(f'"""Module {j} of {name}."""\n\n')
                for k in range(30):
                    f.write(f"def handler_{k}(request):\n    return {{'service': '{name}', 'n': {k}}}\n\n")
        lines.append(f"  - name: {name}\n    path: services/{name}\n")
    with open(os.path.join(out, "readyctl.yaml"), "w") as f:
        f.write("version: 1\nservices:\n" + "".join(lines))
    os.makedirs(os.path.join(out, ".github", "workflows"), exist_ok=True)
    shutil.copy(os.path.join(os.path.dirname(example), "ci", "github", "release-gate.yml"),
                os.path.join(out, ".github", "workflows", "release-gate.yml"))
    with open(os.path.join(out, ".gitignore"), "w") as f:
        f.write(".env\n*.tfstate*\n*.pem\n*.key\n.terraform/\n")


if __name__ == "__main__":
    main()

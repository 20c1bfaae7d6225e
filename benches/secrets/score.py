#!/usr/bin/env python3
"""Score scanner reports against the plant manifest.

usage: score.py TOOL REPORT MANIFEST
TOOL is readyctl, gitleaks, betterleaks or kingfisher. Prints
`found/planted total-findings` and lists misses on stderr.
"""
import json
import os
import sys


def norm(p):
    p = p.replace("\\", "/")
    for marker in ("/planted/", "/clean/"):
        if marker in p:
            p = p.split(marker, 1)[1]
    return p.lstrip("./") if p.startswith("./") else p


def load(tool, report):
    if not os.path.exists(report) or os.path.getsize(report) == 0:
        return []
    with open(report) as fh:
        text = fh.read()
    out = []
    if tool == "readyctl":
        data = json.loads(text)
        for c in data["checks"]:
            if c["id"] == "secrets.none-committed":
                for f in c.get("findings", []):
                    out.append((f.get("path", ""), f.get("line", 0)))
    elif tool in ("gitleaks", "betterleaks"):
        data = json.loads(text) if text.lstrip().startswith("[") else [json.loads(l) for l in text.splitlines() if l.strip()]
        for f in data or []:
            path = f.get("File") or f.get("file") or ""
            line = f.get("StartLine") or f.get("startLine") or f.get("line") or 0
            out.append((norm(path), int(line)))
    elif tool == "kingfisher":
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            data = [json.loads(l) for l in text.splitlines() if l.strip()]
        items = data.get("findings", data) if isinstance(data, dict) else data
        for f in items:
            fi = f.get("finding", f)
            path = fi.get("path") or fi.get("file") or ""
            line = fi.get("line") or fi.get("line_num") or fi.get("start_line") or 0
            out.append((norm(str(path)), int(line)))
    return out


def main():
    tool, report, manifest = sys.argv[1:4]
    findings = load(tool, report)
    planted = json.load(open(manifest)) if manifest != "-" else []
    found = 0
    for p in planted:
        hit = any(
            path.endswith(p["path"]) and p["start"] - 1 <= line <= p["end"] + 1
            for path, line in findings
        )
        if hit:
            found += 1
        else:
            print(f"  {tool} missed {p['family']} at {p['path']}:{p['start']}", file=sys.stderr)
    print(f"{found}/{len(planted)} {len(findings)}")


if __name__ == "__main__":
    main()

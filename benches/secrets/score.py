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
    elif tool == "gitleaks":
        for f in json.loads(text) or []:
            out.append((norm(f.get("File", "")), int(f.get("StartLine", 0))))
    elif tool == "betterleaks":
        data = json.loads(text)
        for f in data.get("findings") or []:
            loc = f.get("location", {})
            out.append((norm(loc.get("path", "")), int(loc.get("start_line", 0))))
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

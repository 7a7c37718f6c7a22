#!/usr/bin/env python3
"""Issue 7's benchmark: `gate check` writing every output format at once, against JSON alone.

Generates facts with N items (default 10,000), each one finding of `findings.gate` (80% block,
15% warn, 5% info), builds gate in release mode, and times, best of RUNS (default 5):

  json only:    gate check findings.gate --facts things=items.json --format json --output json.json
  every format: the same, plus --output FORMAT=FILE for human, sarif, junit, markdown, github, gitlab

Prints both times and their ratio (the goal: under 2x). Knobs: N=…, RUNS=…, GATE_BIN=… (skip
the build and time that binary).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
N = int(os.environ.get("N", "10000"))
RUNS = int(os.environ.get("RUNS", "5"))
NOW = "2026-12-06T10:00:00Z"
FORMATS = ["human", "sarif", "junit", "markdown", "github", "gitlab"]


def items(n):
    out = []
    for i in range(n):
        level = "block" if i % 20 < 16 else ("warn" if i % 20 < 19 else "info")
        out.append({
            "name": f"package-{i:05}",
            "version": f"1.{i % 7}.{i % 13}",
            "level": level,
            "ok": False,
            "reason": f"license AGPL-3.0-only reached through app -> lib-{i % 97} -> package-{i:05}",
        })
    return {"items": out}


def best(cmd, cwd):
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if done.returncode != 1:
            sys.exit(f"expected a no-go (exit 1), got {done.returncode}: {done.stderr.decode()}")
    return min(times)


def main():
    gate = os.environ.get("GATE_BIN") and os.path.abspath(os.environ["GATE_BIN"])
    if not gate:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
        gate = os.path.join(target, "release", "gate")
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "items.json"), "w") as f:
            json.dump(items(N), f, indent=1)
        policy = os.path.join(ROOT, "bench", "formats", "findings.gate")
        base = [gate, "check", policy, "--facts", "things=items.json", "--now", NOW,
                "--format", "json", "--output", "json.json"]
        every = base + [a for fmt in FORMATS for a in ("--output", f"{fmt}={fmt}.out")]
        subprocess.run(every, cwd=tmp, stdout=subprocess.DEVNULL)  # warm the page cache
        findings = len(json.load(open(os.path.join(tmp, "json.json")))["findings"])
        json_only = best(base, tmp)
        all_formats = best(every, tmp)
        sizes = {fmt: os.path.getsize(os.path.join(tmp, f"{fmt}.out")) for fmt in FORMATS}
        sizes["json"] = os.path.getsize(os.path.join(tmp, "json.json"))
    print(f"{findings} findings, best of {RUNS}")
    print(f"json only:    {json_only * 1000:8.1f} ms")
    print(f"every format: {all_formats * 1000:8.1f} ms")
    print(f"ratio:        {all_formats / json_only:8.2f}x (goal: under 2x)")
    print("sizes: " + ", ".join(f"{k} {v / 1024:.0f} KiB" for k, v in sorted(sizes.items())))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark of the `source` producer (issue 4), in one run:

  (a) gate's scan against bare `syn::parse_file` of the same files in the same process
      (`cargo bench --bench source`): files/s, MiB/s, the ratio, and peak memory as the tree
      grows (100, 300, 600 crates of the local cargo registry);
  (b) gate against Semgrep running one equivalent logging rule (bench/source/semgrep-rule.yaml)
      on the same tree, whole process each: `gate facts --source DIR...` and
      `semgrep scan --config … DIR...`.

Run from the repository root: `python3 bench/source/run.py`. Semgrep is installed into
bench/tools/semgrep-venv (PyPI) when missing. Knobs: RUNS (default 3), GATE_SOURCE_CRATES
(default 100,300,600), SEMGREP_CRATES (default 300: the tree for (b)). Nothing asserts a time.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VENV = os.path.join(ROOT, "bench", "tools", "semgrep-venv")
SEMGREP = os.path.join(VENV, "bin", "semgrep")
GATE = os.environ.get("GATE_BIN", os.path.join(ROOT, "target", "release", "gate"))
RUNS = int(os.environ.get("RUNS", "3"))
SIZES = os.environ.get("GATE_SOURCE_CRATES", "100,300,600")
SEMGREP_CRATES = int(os.environ.get("SEMGREP_CRATES", "300"))


def sh(cmd, **kw):
    return subprocess.run(cmd, cwd=ROOT, text=True, capture_output=True, **kw)


def wall(cmd):
    t0 = time.perf_counter()
    r0 = os.times()
    p = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r1 = os.times()
    return time.perf_counter() - t0, (r1.children_user - r0.children_user) + (r1.children_system - r0.children_system), p.returncode


def main():
    print(f"== machine: {os.cpu_count()} cores; {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    if not os.path.exists(SEMGREP):
        print("== installing semgrep into bench/tools/semgrep-venv", flush=True)
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "-q", "semgrep"], check=True)
    print("== " + sh([SEMGREP, "--version"]).stdout.strip().replace("\n", " ") + " (semgrep)")
    print("== building gate (cargo build --release)", flush=True)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)

    with tempfile.TemporaryDirectory() as tmp:
        listing = os.path.join(tmp, "crates.txt")
        print(f"\n== (a) gate's scan vs bare syn::parse_file, same files, same process: cargo bench --bench source", flush=True)
        env = dict(os.environ, GATE_SOURCE_CRATES=SIZES, GATE_SOURCE_LIST=listing,
                   GATE_SOURCE_REPS=str(RUNS))
        p = subprocess.run(["cargo", "bench", "--quiet", "--bench", "source"], cwd=ROOT, env=env,
                           text=True, capture_output=True)
        print(p.stdout.rstrip())
        if p.returncode != 0:
            print(p.stderr[-2000:])
            return 2
        with open(listing) as f:
            crates = [l.strip() for l in f if l.strip()][:SEMGREP_CRATES]

        with open(listing) as f:
            every = [l.strip() for l in f if l.strip()]
        print("\n== (c) peak memory of the whole gate process (`/usr/bin/time -f %M`) as the tree grows")
        for n in [int(x) for x in SIZES.split(",")]:
            cmd = ["/usr/bin/time", "-f", "%M", GATE, "facts", "--now", "2026-11-27T12:00:00Z"] + \
                [a for c in every[:n] for a in ("--source", c)]
            p = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            kib = int(p.stderr.strip().splitlines()[-1]) if p.stderr.strip() else 0
            print(f"  {n:>4} crates: peak RSS {kib / 1024:7.1f} MiB (exit {p.returncode})", flush=True)

        print(f"\n== (b) gate vs Semgrep on {len(crates)} crates, whole process, {RUNS} runs each, alternating")
        gate_cmd = [GATE, "facts", "--now", "2026-11-27T12:00:00Z"] + [a for c in crates for a in ("--source", c)]
        semgrep_cmd = [SEMGREP, "scan", "--config", os.path.join(HERE, "semgrep-rule.yaml"), "--metrics=off",
                       "--disable-version-check", "--quiet", "--json", "-j", str(os.cpu_count() or 2),
                       "--max-target-bytes", "0"] + crates
        print("  gate:    " + " ".join(gate_cmd[:6]) + f" … ({len(crates)} `--source` folders)")
        print("  semgrep: " + " ".join(semgrep_cmd[:12]) + f" … ({len(crates)} folders)")
        # One run each for the outcome.
        g = sh(gate_cmd)
        s = sh(semgrep_cmd)
        try:
            import json
            facts = json.loads(g.stdout)["source"]
            print(f"  gate:    exit {g.returncode}: {facts['files']} files, {facts['lines']} lines, "
                  f"{len(facts['regulated'])} regulated items, {len(facts['unclassified'])} unclassified suspects, "
                  f"{len(facts['parse_errors'])} files not parsed")
        except Exception as e:  # noqa: BLE001
            print(f"  gate:    exit {g.returncode}: no facts ({e}): {g.stderr[-500:]}")
        try:
            import json
            out = json.loads(s.stdout)
            scanned = len(out.get("paths", {}).get("scanned", []))
            print(f"  semgrep: exit {s.returncode}: {scanned} files scanned, {len(out.get('results', []))} results, "
                  f"{len(out.get('errors', []))} errors")
        except Exception as e:  # noqa: BLE001
            print(f"  semgrep: exit {s.returncode}: no JSON ({e}): {s.stderr[-500:]}")
        times = {"gate": [], "semgrep": []}
        for i in range(RUNS):
            for name, cmd in ([("gate", gate_cmd), ("semgrep", semgrep_cmd)] if i % 2 == 0
                              else [("semgrep", semgrep_cmd), ("gate", gate_cmd)]):
                times[name].append(wall(cmd))
        med = {k: statistics.median(w for w, _, _ in v) for k, v in times.items()}
        cpu = {k: statistics.median(c for _, c, _ in v) for k, v in times.items()}
        for k in ("gate", "semgrep"):
            print(f"  {k:8} median {med[k] * 1e3:9.1f} ms   CPU {cpu[k] * 1e3:9.1f} ms")
        ratio = med["semgrep"] / med["gate"]
        print(f"  ratio semgrep/gate (median wall time): {ratio:.1f}")
        print("  goal (gate faster than Semgrep): " + ("met" if ratio > 1 else "NOT met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

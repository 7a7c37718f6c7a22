#!/usr/bin/env python3
"""Issue 6 benchmark: the data-refresh scan of a ~1 GB CSV against ripgrep.

Generates a CSV extract of ROWS rows (~100 bytes each, mostly clean: ids, names, cities, dates,
amounts, order references, UUIDs; every 5,000th row holds an email, an SSN, a card number, an
IBAN and an IP address) under target/bench-data/, then, in the same run, after a warm-up read:

- `rg -c` with the equivalent candidate regexes (email, SSN, card, IBAN, IPv4; ASCII word
  boundaries, rg's fastest form), which only matches;
- `gate facts --plan <plan>` (`max_findings` high, so that every block is scanned), which parses the CSV (quotes, field counts, rows),
  runs every built-in detector (also phone and IPv6) and validates each candidate (Luhn,
  mod-97, SSA rules, octets);

best of RUNS each, and gate's peak RSS with `/usr/bin/time -f %M`. The generated files are
deleted at the end unless KEEP=1.

    python3 bench/data/run.py            # ROWS=10000000 RUNS=3 KEEP=0
"""

import os
import platform
import random
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "target", "bench-data")
GATE = os.path.join(ROOT, "target", "release", "gate")
ROWS = int(os.environ.get("ROWS", "10000000"))
RUNS = int(os.environ.get("RUNS", "3"))
NOW = "2026-11-27T12:00:00Z"
CHUNK = 50_000

B = r"(?-u:\b)"
RG_PATTERNS = [
    r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
    B + r"[0-9]{3}-[0-9]{2}-[0-9]{4}" + B,
    B + r"[0-9](?:[ -]?[0-9]){12,18}" + B,
    B + r"[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}" + B,
    B + r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}" + B,
]

FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Niklaus"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman", "Wirth"]
CITY = ["Lisbon", "Oslo", "Austin", "Kyoto", "Nairobi", "Quito", "Perth", "Tallinn", "Recife", "Lyon"]
STATUS = ["shipped", "pending", "cancelled", "returned", "delivered"]
HEADER = "id,first_name,last_name,city,signup_date,amount,status,order_ref,session,notes\n"
SENSITIVE = [
    "jane.roe@example.com",
    "123-45-6789",
    "4111 1111 1111 1111",
    "GB82 WEST 1234 5698 7654 32",
    "10.20.30.7",
]


def generate(path):
    rnd = random.Random(6)
    uuids = ["%032x" % rnd.getrandbits(128) for _ in range(1000)]
    uuids = [f"{u[:8]}-{u[8:12]}-{u[12:16]}-{u[16:20]}-{u[20:]}" for u in uuids]
    with open(path, "w", buffering=1 << 22) as f:
        f.write(HEADER)
        for base in range(0, ROWS, CHUNK):
            rows = []
            for i in range(base, min(base + CHUNK, ROWS)):
                note = "ok" if i % 7 else "gift wrap, leave at door"
                if i % 5000 == 2500:
                    note = "contact " + SENSITIVE[(i // 5000) % len(SENSITIVE)]
                rows.append(
                    f"{i + 1},{FIRST[i % 10]},{LAST[(i // 10) % 10]},{CITY[(i * 7) % 10]},"
                    f"2024-{1 + i % 12:02d}-{1 + i % 28:02d},{(i * 37) % 100000 / 100:.2f},"
                    f"{STATUS[i % 5]},ORD-{i * 13 % 10000000:07d},{uuids[i % 1000]},"
                    f"\"{note}\"\n"
                )
            f.write("".join(rows))


def best(cmd, runs=RUNS):
    times = []
    out = None
    for _ in range(runs):
        t = time.perf_counter()
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t)
        if out.returncode not in (0, 1):
            sys.exit(f"{cmd[0]} failed: {out.stderr.decode()[:2000]}")
    return min(times), out


def main():
    for tool in ("rg", "/usr/bin/time"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: apt-get install -y ripgrep time")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    os.makedirs(OUT, exist_ok=True)
    csv = os.path.join(OUT, "extract.csv")
    plan = os.path.join(OUT, "gate.toml")
    try:
        t = time.perf_counter()
        generate(csv)
        size = os.path.getsize(csv)
        print(f"generated {csv}: {size / 1e6:.0f} MB, {ROWS} rows in {time.perf_counter() - t:.0f}s")
        with open(plan, "w") as f:
            f.write('[data]\npaths = ["extract.csv"]\nmax_findings = 1000000\n')
        # Warm the page cache for both.
        subprocess.run(["cat", csv], stdout=subprocess.DEVNULL, check=True)
        rg = ["rg", "-c", "--no-config"] + sum((["-e", p] for p in RG_PATTERNS), []) + [csv]
        rg_t, rg_out = best(rg)
        gate = [GATE, "facts", "--plan", plan, "--now", NOW]
        gate_t, gate_out = best(gate)
        rss = subprocess.run(
            ["/usr/bin/time", "-f", "%M"] + gate,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=True,
        )
        peak_kib = int(rss.stderr.decode().strip().splitlines()[-1])
        rg_rss = subprocess.run(
            ["/usr/bin/time", "-f", "%M"] + rg, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        rg_kib = int(rg_rss.stderr.decode().strip().splitlines()[-1])
        import json

        data = json.loads(gate_out.stdout)["data"]
        print(f"machine: {platform.machine()}, {os.cpu_count()} cpus, {platform.platform()}")
        print(f"rg -c (5 patterns):  {rg_t:6.2f}s  {size / rg_t / 1e6:7.0f} MB/s  "
              f"{rg_out.stdout.decode().strip()} matching lines, peak RSS {rg_kib / 1024:.0f} MiB")
        print(f"gate facts [data]:   {gate_t:6.2f}s  {size / gate_t / 1e6:7.0f} MB/s  "
              f"{data['rows']} rows, {len(data['findings'])} findings kept"
              f" (truncated: {data['truncated']}), peak RSS {peak_kib / 1024:.0f} MiB")
        print(f"ratio gate/rg throughput: {rg_t / gate_t:.2f}x")
    finally:
        if os.environ.get("KEEP") != "1":
            shutil.rmtree(OUT, ignore_errors=True)


if __name__ == "__main__":
    main()

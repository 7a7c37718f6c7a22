#!/usr/bin/env python3
"""Issue 5 benchmark: ingesting raw load-test streams.

Generates a 10-million-sample JMeter CSV (JTL) and a 10-million-point k6 `--out json` NDJSON
under target/bench-load/, then, in the same run, times `wc -l FILE` (the I/O floor) and
`gate facts --load FILE > /dev/null` on each (best of RUNS, after a warm-up read of the file so both
see a warm page cache), and measures gate's peak RSS with `/usr/bin/time -f %M`.

    python3 bench/load/run.py            # SAMPLES=10000000 RUNS=3 KEEP=0 NO_BUILD=0 GATE_BIN=…

GATE_BIN names the gate binary to time (default target/release/gate; with it set, nothing is
built), e.g. one built with `CARGO_TARGET_DIR=/tmp/perf-target cargo build --release`; BASE_BIN
names an earlier build to time in the same rounds. `wc -l`, gate (and the earlier build) run
interleaved, round by round, and the load average is printed before and after each file.

The generated files are deleted at the end unless KEEP=1. No packages beyond the standard library.
"""

import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "target", "bench-load")
GATE = os.environ.get("GATE_BIN") or os.path.join(ROOT, "target", "release", "gate")
# An earlier build to time in the same rounds (before/after comparisons); optional.
BASE = os.environ.get("BASE_BIN")
SAMPLES = int(os.environ.get("SAMPLES", "10000000"))
RUNS = int(os.environ.get("RUNS", "3"))
NOW = "2026-11-27T12:00:00Z"
T0_MS = 1795773600000  # 2026-11-27T10:00:00Z
RATE = 2800  # requests per second: 10 M samples over about an hour (120 windows of 30 s)
CHUNK = 100_000

JTL_HEADER = (
    "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,"
    "failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n"
)
LABELS = [
    ("GET /products", "https://shop.example.test/products"),
    ("GET /products/{id}", "https://shop.example.test/products/42"),
    ("POST /cart", "https://shop.example.test/cart"),
    ("POST /checkout", "https://shop.example.test/checkout"),
    ("GET /search", "https://shop.example.test/search?q=lamp"),
]


def elapsed_ms(i):
    # A skewed, deterministic spread: mostly 20-200 ms, a tail to ~2 s.
    x = (i * 2654435761) % 1000
    return 20 + (x * x * x) // 500_000 if x < 990 else 1000 + x


def gen_jtl(path):
    with open(path, "w", buffering=1 << 22) as f:
        f.write(JTL_HEADER)
        for base in range(0, SAMPLES, CHUNK):
            rows = []
            for i in range(base, min(base + CHUNK, SAMPLES)):
                label, url = LABELS[i % 5]
                el = elapsed_ms(i)
                ok = i % 997 != 0
                code, msg = ("200", "OK") if ok else ("500", "Internal Server Error")
                rows.append(
                    f"{T0_MS + i * 1000 // RATE},{el},{label},{code},{msg},Shop 1-{i % 50 + 1},text,"
                    f"{'true' if ok else 'false'},,1832,143,50,50,{url},{el - 3 if el > 3 else 0},0,{i % 7}\n"
                )
            f.write("".join(rows))


K6_TAGS = (
    '{{"expected_response":"{exp}","group":"","method":"{method}","name":"{name}","proto":"HTTP/1.1",'
    '"scenario":"shop","status":"{status}","tls_version":"tls1.3","url":"{url}"}}'
)


def k6_time(ms):
    s, frac = divmod(ms, 1000)
    t = time.gmtime(s)
    return time.strftime("%Y-%m-%dT%H:%M:%S", t) + f".{frac:03d}123456Z"


def gen_k6(path):
    """k6 writes one point per metric per request: here 5 (http_reqs, http_req_duration,
    http_req_waiting, http_req_failed, iteration_duration), so 10 M points are 2 M requests."""
    metrics = [
        ("vus", "gauge", "default"),
        ("http_reqs", "counter", "default"),
        ("http_req_duration", "trend", "time"),
        ("http_req_waiting", "trend", "time"),
        ("http_req_failed", "rate", "default"),
        ("iteration_duration", "trend", "time"),
    ]
    with open(path, "w", buffering=1 << 22) as f:
        for name, typ, contains in metrics:
            f.write(
                f'{{"type":"Metric","data":{{"type":"{typ}","contains":"{contains}","tainted":null,'
                f'"thresholds":[],"submetrics":null}},"metric":"{name}"}}\n'
            )
        requests = SAMPLES // 5
        rate = RATE // 5
        for base in range(0, requests, CHUNK // 5):
            rows = []
            for i in range(base, min(base + CHUNK // 5, requests)):
                label, url = LABELS[i % 5]
                method, name = label.split(" ", 1)
                ok = i % 997 != 0
                tags = K6_TAGS.format(
                    exp="true" if ok else "false",
                    method=method,
                    name=name,
                    status="200" if ok else "500",
                    url=url,
                )
                t = k6_time(T0_MS + i * 1000 // rate)
                d = elapsed_ms(i) + (i % 1000) / 1000
                p = '{{"type":"Point","data":{{"time":"{t}","value":{v},"tags":{tags}}},"metric":"{m}"}}\n'
                rows.append(p.format(t=t, v=1, tags=tags, m="http_reqs"))
                rows.append(p.format(t=t, v=f"{d:.6f}", tags=tags, m="http_req_duration"))
                rows.append(p.format(t=t, v=f"{d * 0.9:.6f}", tags=tags, m="http_req_waiting"))
                rows.append(p.format(t=t, v=0 if ok else 1, tags=tags, m="http_req_failed"))
                rows.append(
                    p.format(
                        t=t,
                        v=f"{d + 1000:.6f}",
                        tags='{"group":"","scenario":"shop"}',
                        m="iteration_duration",
                    )
                )
            f.write("".join(rows))


def timed(cmd):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"{cmd} failed ({r.returncode}): {r.stderr.decode()[-2000:]}")
    return took


def interleaved(cmds, runs):
    """Times each command `runs` times, round by round (A, B, C, A, B, C, …), so that a busy
    machine slows them alike; returns each one's best and all its times."""
    times = [[] for _ in cmds]
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            times[i].append(timed(cmd))
    return [(min(t), t) for t in times]


def peak_rss_kib(cmd):
    r = subprocess.run(
        ["/usr/bin/time", "-f", "%M"] + cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return int(r.stderr.decode().strip().splitlines()[-1])


def warm(path):
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def main():
    print(f"== machine: {os.cpu_count()} cores, {platform.machine()}; {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}; load average {os.getloadavg()}")
    if os.environ.get("NO_BUILD") != "1" and not os.environ.get("GATE_BIN"):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    os.makedirs(OUT, exist_ok=True)
    files = [
        ("JMeter JTL CSV", os.path.join(OUT, f"results-{SAMPLES}.jtl"), gen_jtl),
        ("k6 NDJSON", os.path.join(OUT, f"results-{SAMPLES}.ndjson"), gen_k6),
    ]
    rows = []
    for what, path, gen in files:
        if not os.path.exists(path):
            t = time.perf_counter()
            gen(path)
            print(f"generated {path} in {time.perf_counter() - t:.0f} s", flush=True)
        size = os.path.getsize(path)
        mb = size / 1e6
        warm(path)
        load_before = os.getloadavg()[0]
        gate_cmd = [GATE, "facts", "--now", NOW, "--load", path]
        cmds = [["wc", "-l", path], gate_cmd]
        if BASE:
            cmds.append([BASE, "facts", "--now", NOW, "--load", path])
        res = interleaved(cmds, RUNS)
        (wc, wc_all), (g, g_all) = res[0], res[1]
        rss = peak_rss_kib(gate_cmd)
        load_after = os.getloadavg()[0]
        base = None
        if BASE:
            b, b_all = res[2]
            base = (b, peak_rss_kib(cmds[2]))
        rows.append((what, size, wc, g, rss, base))
        print(
            f"{what}: {mb:.0f} MB; load average {load_before:.2f} -> {load_after:.2f}; "
            f"wc -l best {wc:.3f} s ({mb / wc:.0f} MB/s) of {['%.3f' % x for x in wc_all]}; "
            f"gate best {g:.3f} s ({mb / g:.0f} MB/s) of {['%.3f' % x for x in g_all]}; "
            f"gate/wc {wc / g:.2f}; gate peak RSS {rss / 1024:.1f} MiB",
            flush=True,
        )
        if base:
            print(
                f"  earlier build: best {b:.3f} s ({mb / b:.0f} MB/s) of {['%.3f' % x for x in b_all]}; "
                f"base/wc {wc / b:.2f}; peak RSS {base[1] / 1024:.1f} MiB",
                flush=True,
            )
    print()
    print("| input | size | `wc -l` | gate | gate / `wc -l` | gate peak RSS |" + (" earlier build | earlier / `wc -l` |" if BASE else ""))
    print("|---|---|---|---|---|---|" + ("---|---|" if BASE else ""))
    for what, size, wc, g, rss, base in rows:
        mb = size / 1e6
        extra = ""
        if base:
            extra = f" {base[0]:.2f} s ({mb / base[0]:,.0f} MB/s) | {wc / base[0]:.2f} |"
        print(
            f"| {what} | {mb:,.0f} MB | {wc:.2f} s ({mb / wc:,.0f} MB/s) | {g:.2f} s ({mb / g:,.0f} MB/s) "
            f"| **{wc / g:.2f}** | **{rss / 1024:.1f} MiB** |" + extra
        )
    if os.environ.get("KEEP") != "1":
        for _, path, _ in files:
            os.remove(path)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark (a): cold `gate check` of the release policy on the demo facts, whole process,
against regorus evaluating the equivalent Rego policy (bench/release.rego) on the same facts.

Called by bench/run.sh after both binaries are built; standard library only. Steps:
 1. builds regorus's input from fixtures/demo/*.json plus the clock gate would make from --now
    and the plan's time zone, into a temporary directory;
 2. checks that both tools report the same findings (rule, level, message, waived) on the demo,
    on a few other clocks that exercise the deploy-window rules and the waiver's expiry, and on
    changed facts under which every other rule fires; exits 1 at the end if any differ;
 3. times RUNS cold runs of each whole process, alternating, after a few warm-up runs;
 4. reports median and p90 wall time and the ratio gate/regorus (also of the fastest runs and of
    CPU time, which other work on a shared machine disturbs least), and the peak RSS of one run
    each.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from zoneinfo import ZoneInfo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# GATE_BIN: another gate binary to time (e.g. an experimental build); default the release build.
GATE = os.path.abspath(os.environ.get("GATE_BIN", os.path.join(ROOT, "target", "release", "gate")))
HARNESS = os.path.join(ROOT, "bench", "target", "release", "regorus-harness")
REGO = os.path.join(ROOT, "bench", "release.rego")
PLAN = os.path.join("fixtures", "demo", "gate.toml")
ZONE = "America/New_York"  # the plan's `timezone`
DEMO_NOW = "2026-11-27T16:55:00-05:00"
RUNS = int(os.environ.get("RUNS", "50"))
WARMUP = 5

# Other clocks for the equivalence check: what each one exercises.
CLOCKS = [
    (DEMO_NOW, "the demo: Friday 16:55, ring waived"),
    ("2026-11-28T23:30:00-05:00", "Saturday night: weekend and night"),
    ("2026-11-25T05:59:30-05:00", "Wednesday 05:59:30: night, seconds shown"),
    ("2026-12-22T10:00:00-05:00", "Tuesday in the year-end freeze"),
    ("2027-07-01T09:00:00-04:00", "the ring waiver has expired"),
    ("2026-06-01T12:00:00-04:00", "the ring waiver runs more than a year ahead"),
]


def gate_cmd(now, plan=PLAN):
    return [GATE, "check", "--plan", plan, "--now", now, "--format", "json"]


def regorus_cmd(input_path):
    return [HARNESS, REGO, input_path, "data.release.report"]


def clock_facts(now):
    """The `clock` namespace as gate makes it: the instant read in the plan's time zone."""
    local = datetime.fromisoformat(now).astimezone(ZoneInfo(ZONE))
    return {
        "now": now,
        "date": local.strftime("%Y-%m-%d"),
        "time": local.strftime("%H:%M:%S"),
        "weekday": local.strftime("%A").lower(),
        "zone": ZONE,
    }


def demo_facts():
    doc = {}
    for ns in ["licenses", "load", "security", "tests"]:
        with open(os.path.join(ROOT, "fixtures", "demo", ns + ".json")) as f:
            doc[ns] = json.load(f)
    return doc


def write_input(tmp, now, name, facts=None):
    doc = dict(facts or demo_facts())
    doc["clock"] = clock_facts(now)
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


def every_rule_fires():
    """The demo facts changed so that every rule of the release policy but the clock rules has a
    finding, and `allowed by` meets `WITH` and `-or-later` terms that it allows."""
    doc = demo_facts()
    pkgs = doc["licenses"]["packages"]
    pkgs.append({"name": "mystery", "version": "0.1.0", "license": None, "kind": "normal",
                 "workspace": False, "direct": True, "path": "checkout -> mystery", "source": "registry"})
    pkgs.append({"name": "bindgen-ish", "version": "0.3.0", "license": "GPL-3.0-or-later", "kind": "build",
                 "workspace": False, "direct": False, "path": "checkout -> ring -> bindgen-ish", "source": "registry"})
    pkgs.append({"name": "lgpl-tool", "version": "1.0.0", "license": "LGPL-2.1-or-later", "kind": "build",
                 "workspace": False, "direct": False, "path": "checkout -> lgpl-tool", "source": "registry"})
    pkgs.append({"name": "classpath", "version": "1.0.0", "license": "Apache-2.0 WITH LLVM-exception OR GPL-2.0-only",
                 "kind": "normal", "workspace": False, "direct": True, "path": "checkout -> classpath", "source": "registry"})
    pkgs.append({"name": "agpl-codegen", "version": "2.0.0", "license": "AGPL-3.0-only", "kind": "build",
                 "workspace": False, "direct": True, "path": "checkout -> agpl-codegen", "source": "git"})
    load = doc["load"]
    load["latency"]["p99"] = "312ms"
    load["requests"]["error_rate"] = 0.0075
    load["requests"]["dropped"] = 3
    load["duration"] = "9m"
    doc["security"]["scans"][0]["completed"] = False
    doc["security"]["findings"][2]["justification"] = ""
    return doc


def write_plan(tmp, facts):
    """A plan like fixtures/demo/gate.toml over other facts."""
    d = os.path.join(tmp, "plan")
    os.makedirs(d, exist_ok=True)
    for ns in ["licenses", "load", "security", "tests"]:
        with open(os.path.join(d, ns + ".json"), "w") as f:
            json.dump(facts[ns], f)
    policy = os.path.relpath(os.path.join(ROOT, "policies", "release.gate"), d)
    with open(os.path.join(d, "gate.toml"), "w") as f:
        f.write(f'policy = "{policy}"\ntimezone = "{ZONE}"\n\n[facts]\n')
        for ns in ["licenses", "load", "security", "tests"]:
            f.write(f'{ns} = "{ns}.json"\n')
    return os.path.join(d, "gate.toml")


def findings_of(cmd):
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"`{' '.join(cmd)}` failed with exit code {p.returncode}:\n{p.stderr}{p.stdout}")
    rep = json.loads(p.stdout)
    found = sorted(
        (f["rule"], f["level"], f["message"], bool(f["waived"])) for f in rep["findings"]
    )
    blocking = sum(1 for f in found if f[1] == "block" and not f[3])
    return rep["verdict"], p.returncode, found, blocking


def percentile(xs, p):
    xs = sorted(xs)
    k = (len(xs) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def wall(cmd):
    """Wall time of one whole process, and its CPU time (user + system) from getrusage."""
    import resource

    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return t, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def peak_rss_kib(cmd):
    """Peak RSS of one run: /usr/bin/time -v when present, else getrusage of the child."""
    if os.path.exists("/usr/bin/time"):
        p = subprocess.run(
            ["/usr/bin/time", "-v"] + cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
        )
        for line in p.stderr.splitlines():
            if "Maximum resident set size" in line:
                return int(line.rsplit(":", 1)[1]), "/usr/bin/time -v"
    import resource

    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.chdir(ROOT)
        os.execv(cmd[0], cmd)
    _, _, usage = os.wait4(pid, 0)
    return usage.ru_maxrss, "wait4 ru_maxrss"


def main():
    for exe in (GATE, HARNESS):
        if not os.path.exists(exe):
            sys.exit(f"{exe} is missing: run bench/run.sh, which builds it")
    tmp = tempfile.mkdtemp(prefix="gate-bench-")
    try:
        print("== (a) equivalence: gate vs regorus, same facts, same clock")
        all_same = True
        for i, (now, what) in enumerate(CLOCKS):
            inp = write_input(tmp, now, f"input-{i}.json")
            gv, gc, gf, gb = findings_of(gate_cmd(now))
            rv, rc, rf, rb = findings_of(regorus_cmd(inp))
            same = gf == rf and gv == rv and gc == rc
            all_same &= same
            print(
                f"  --now {now} ({what}): gate {gv}, {gb} blocking of {len(gf)} findings; "
                f"regorus {rv}, {rb} blocking of {len(rf)} findings: "
                + ("same findings" if same else "DIFFERENT")
            )
            if not same:
                for f in sorted(set(gf) - set(rf)):
                    print(f"    only gate:    {f}")
                for f in sorted(set(rf) - set(gf)):
                    print(f"    only regorus: {f}")
        # Every rule of the policy fires, on a Monday at noon (no clock rule) and on the demo's
        # Friday afternoon (all of them).
        changed = every_rule_fires()
        plan = write_plan(tmp, changed)
        for i, now in enumerate(["2026-11-23T12:00:00-05:00", DEMO_NOW]):
            inp = write_input(tmp, now, f"input-changed-{i}.json", changed)
            gv, gc, gf, gb = findings_of(gate_cmd(now, plan))
            rv, rc, rf, rb = findings_of(regorus_cmd(inp))
            same = gf == rf and gv == rv and gc == rc
            all_same &= same
            rules = len({f[0] for f in gf})
            print(
                f"  --now {now} (changed facts: every rule but the clock rules fires): gate {gv}, {gb} blocking of "
                f"{len(gf)} findings from {rules} rules; regorus {rv}, {rb} blocking of {len(rf)} findings: "
                + ("same findings" if same else "DIFFERENT")
            )
            if not same:
                for f in sorted(set(gf) - set(rf)):
                    print(f"    only gate:    {f}")
                for f in sorted(set(rf) - set(gf)):
                    print(f"    only regorus: {f}")
        demo_input = os.path.join(tmp, "input-0.json")
        # Committed copy of the demo input, for running the harness by hand.
        shutil.copy(demo_input, os.path.join(ROOT, "bench", "demo-input.json"))

        g, r = gate_cmd(DEMO_NOW), regorus_cmd(demo_input)
        print()
        print(f"== (a) cold whole-process runs, {RUNS} of each, alternating ({WARMUP} warm-up runs each not counted)")
        print("  gate:    " + " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in g))
        print("  regorus: " + " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in r))
        for _ in range(WARMUP):
            wall(g)
            wall(r)
        rg, rr = [], []
        for i in range(RUNS):
            # Alternate which goes first, so neither always runs right after the other.
            if i % 2 == 0:
                rg.append(wall(g))
                rr.append(wall(r))
            else:
                rr.append(wall(r))
                rg.append(wall(g))
        tg, tr = [w for w, _ in rg], [w for w, _ in rr]
        cg, cr = [c for _, c in rg], [c for _, c in rr]
        mg, mr = statistics.median(tg), statistics.median(tr)
        for name, ts in (("gate", tg), ("regorus", tr)):
            print(
                f"  {name:8} median {statistics.median(ts) * 1e3:7.2f} ms   p90 {percentile(ts, 0.9) * 1e3:7.2f} ms"
                f"   min {min(ts) * 1e3:7.2f} ms   max {max(ts) * 1e3:7.2f} ms"
            )
        ratio = mg / mr
        print(f"  ratio gate/regorus (median wall time): {ratio:.3f}")
        print(
            f"  ratio gate/regorus (p90 wall time):    {percentile(tg, 0.9) / percentile(tr, 0.9):.3f}"
        )
        # On a shared machine the fastest run of each, and CPU time, are the least disturbed by
        # other work.
        print(f"  ratio gate/regorus (min wall time):    {min(tg) / min(tr):.3f}")
        print(
            f"  CPU time (user+sys) median: gate {statistics.median(cg) * 1e3:.2f} ms, regorus "
            f"{statistics.median(cr) * 1e3:.2f} ms, ratio {statistics.median(cg) / statistics.median(cr):.3f}"
        )
        rss_g, how = peak_rss_kib(g)
        rss_r, _ = peak_rss_kib(r)
        print(f"  peak RSS of one run ({how}): gate {rss_g} KiB, regorus {rss_r} KiB")
        goal = ratio <= 1.0
        print(f"  goal (gate no slower than regorus): {'met' if goal else 'NOT met'}")
        print(f"  same findings on every clock: {'yes' if all_same else 'NO'}")
        return 0 if all_same else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

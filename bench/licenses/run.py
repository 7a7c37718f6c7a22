#!/usr/bin/env python3
"""Benchmark: gate's `licenses` producer and policy against `cargo deny check licenses` and against
`cargo metadata` alone, on two real-looking workspaces (bench/licenses/ws-250, ws-550).

From the repository root (after `cargo build --release`):

    python3 bench/licenses/run.py
    RUNS=30 python3 bench/licenses/run.py          # timed runs of each command (default 15)
    GATE_BIN=/path/to/gate python3 bench/licenses/run.py
    CARGO_DENY=/path/to/cargo-deny python3 bench/licenses/run.py
    WORKSPACES=ws-550 python3 bench/licenses/run.py  # one workspace only

Standard library only. Steps, for each workspace:
 1. setup, not timed: installs cargo-deny into bench/tools when bench/tools/bin/cargo-deny is
    missing (`cargo install cargo-deny --locked --root bench/tools`), and runs
    `cargo fetch --locked` once, so that every timed command can run `--offline`;
 2. runs each command once and prints its exit code and a one-line outcome (cargo metadata's
    package count, cargo-deny's "licenses ok" or its rejections, gate's verdict), whether
    cargo-deny and gate judged the tree alike, and which packages each looked at (cargo-deny's
    graph from `cargo-deny list`, gate's from `gate facts`, `cargo metadata`'s resolve);
 3. checks with narrower allow-lists (the same terms removed from both tools' lists, see NARROWED),
    under which both must reject exactly the same packages: evidence that both judge the same tree;
 4. times RUNS whole-process runs of each command, alternating (the order rotates run by run), after
    WARMUP runs of each that are not counted; prints median and min wall time, median CPU time,
    the ratios cargo-deny/gate and gate/metadata, and whether each goal is met.

Goals (from the issue): gate at least 3x faster than cargo-deny end to end, and within 1.3x of
`cargo metadata` alone. Nothing asserts a time: the script exits 1 only when the tools judge a
tree differently, 2 when setup fails. A missing or failing gate (exit code 2, no JSON verdict) is
reported and gate's timing is skipped; the rest still runs.
"""

import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TOOLS = os.path.join(ROOT, "bench", "tools")
GATE = os.path.abspath(os.environ.get("GATE_BIN", os.path.join(ROOT, "target", "release", "gate")))
DENY = os.path.abspath(os.environ.get("CARGO_DENY", os.path.join(TOOLS, "bin", "cargo-deny")))
DENY_CONFIG = os.path.join(HERE, "deny.toml")
POLICY = os.path.join(HERE, "licenses.gate")
RUNS = int(os.environ.get("RUNS", "15"))
WARMUP = 2
WORKSPACES = os.environ.get("WORKSPACES", "ws-250,ws-550").split(",")

GOAL_DENY_OVER_GATE = 3.0  # gate at least 3x faster than cargo-deny
GOAL_GATE_OVER_METADATA = 1.3  # gate within 1.3x of cargo metadata alone

# The equivalence checks: these terms are removed from both allow-lists, so that both tools must
# reject the packages that need them, and nothing else. The first exercises `AND`, `OR` and the rare
# licenses (webpki-roots' CDLA-Permissive-2.0, the ICU crates' Unicode-3.0, ...); the second
# rejects every MIT-only package, among them packages that are in `cargo metadata`'s resolve but
# that cargo-deny leaves out of its graph (unreachable with the features the workspace enables).
NARROWED = [
    ["Unicode-3.0", "CDLA-Permissive-2.0", "MPL-2.0", "BSD-3-Clause"],
    ["MIT"],
]


def rel(path):
    return os.path.relpath(path, ROOT) if os.path.isabs(path) and path.startswith(ROOT) else path


def show(cmd):
    return " ".join(rel(c) for c in cmd)


def metadata_cmd(ws):
    return ["cargo", "metadata", "--format-version", "1", "--locked", "--offline",
            "--manifest-path", os.path.join(ws, "Cargo.toml")]


def deny_cmd(ws, config=DENY_CONFIG):
    # cargo-deny 0.20: --config, --offline and --locked are options of cargo-deny itself, before
    # the subcommand; --offline and --locked are passed on to its own `cargo metadata`.
    return [DENY, "--manifest-path", os.path.join(ws, "Cargo.toml"), "--config", config,
            "--offline", "--locked", "--color", "never", "check", "licenses"]


def gate_cmd(ws, plan=None):
    return [GATE, "check", "--plan", plan or os.path.join(ws, "gate.toml"), "--format", "json"]


def setup_deny():
    if os.path.exists(DENY):
        return
    if "CARGO_DENY" in os.environ:
        sys.exit(f"CARGO_DENY={DENY} does not exist")
    print(f"== installing cargo-deny into {rel(TOOLS)} (once; several minutes on 2 cores)", flush=True)
    cmd = ["cargo", "install", "cargo-deny", "--locked", "--root", TOOLS]
    if subprocess.run(cmd, cwd=ROOT).returncode != 0 or not os.path.exists(DENY):
        print(f"`{show(cmd)}` failed", file=sys.stderr)
        sys.exit(2)


def fetch(ws):
    cmd = ["cargo", "fetch", "--locked", "--manifest-path", os.path.join(ws, "Cargo.toml")]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if p.returncode != 0:
        print(f"`{show(cmd)}` failed:\n{p.stderr}", file=sys.stderr)
        sys.exit(2)


def run(cmd, env=None):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)


def count_packages(ws):
    p = run(metadata_cmd(ws))
    if p.returncode != 0:
        print(f"`{show(metadata_cmd(ws))}` failed:\n{p.stderr}", file=sys.stderr)
        sys.exit(2)
    doc = json.loads(p.stdout)
    nodes = len(doc["resolve"]["nodes"])
    members = len(doc["workspace_members"])
    return nodes, members, p


def deny_outcome(ws, config=DENY_CONFIG):
    """cargo-deny's judgement: (exit code, passed, one line, rejected (name, version) set).

    The human-format run (the timed command) gives the "licenses ok" / "licenses FAILED" line; a
    second run with `--format json` gives the rejected crates, one diagnostic per line."""
    cmd = deny_cmd(ws, config)
    p = run(cmd)
    text = p.stderr + p.stdout
    summary = [ln.strip() for ln in text.splitlines() if re.match(r"\s*licenses (ok|FAILED)", ln)]
    line = summary[-1] if summary else (text.strip().splitlines() or ["(no output)"])[-1]
    passed = p.returncode == 0 and bool(summary) and summary[-1] == "licenses ok"
    j = run(cmd[:1] + ["--format", "json"] + cmd[1:])
    rejected, codes = set(), {}
    for ln in (j.stderr + j.stdout).splitlines():
        try:
            d = json.loads(ln)
        except ValueError:
            continue
        f = d.get("fields", {})
        if d.get("type") != "diagnostic":
            continue
        key = f"{f.get('severity')}[{f.get('code')}]"
        codes[key] = codes.get(key, 0) + 1
        if f.get("severity") == "error":
            for g in f.get("graphs", []):
                k = g.get("Krate") or {}
                if k.get("name"):
                    rejected.add((k["name"], k["version"]))
    if codes:
        line += " (" + ", ".join(f"{n} {k}" for k, n in sorted(codes.items())) + ")"
    if rejected:
        line += f"; {len(rejected)} packages rejected"
    return p.returncode, passed, line, rejected


def gate_outcome(p):
    """gate's judgement from its JSON report: (verdict or None, one line, packages with findings)."""
    try:
        rep = json.loads(p.stdout)
    except (json.JSONDecodeError, ValueError):
        err = (p.stderr.strip() or p.stdout.strip() or "(no output)").splitlines()[0]
        return None, f"no JSON report: {err}", set()
    verdict = rep.get("verdict")
    findings = rep.get("findings") or []
    errors = rep.get("errors") or []
    found = set()
    for f in findings:
        m = re.match(r"(\S+) (\S+) is licensed", f.get("message", ""))
        if m and f.get("level") == "block" and not f.get("waived"):
            found.add((m.group(1), m.group(2)))
    line = f"verdict {verdict}, {len(findings)} findings, {len(errors)} errors"
    if errors:
        e = errors[0]
        line += f": {e.get('code', '')} {e.get('message', '')}".rstrip()
    return verdict, line, found


def gate_packages(ws):
    """The (name, version) of every package gate's producer collected (`gate facts --plan`)."""
    p = run([GATE, "facts", "--plan", os.path.join(ws, "gate.toml")])
    if p.returncode != 0:
        return None
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        return None
    for path in (("licenses", "packages"), ("facts", "licenses", "packages")):
        d = doc
        for k in path:
            d = d.get(k) if isinstance(d, dict) else None
        if isinstance(d, list):
            return {(x.get("name"), x.get("version")) for x in d}
    return None


def wall(cmd):
    """Wall time of one whole process, and its CPU time (user + system, children included)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    rc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    t = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return t, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), rc


def narrowed_check(ws, tmp, terms):
    """Both tools with `terms` removed from their lists: the packages each rejects."""
    with open(DENY_CONFIG) as f:
        deny_text = f.read()
    with open(POLICY) as f:
        policy_text = f.read()
    for term in terms:
        deny_text = re.sub(rf'^\s*"{re.escape(term)}",\n', "", deny_text, flags=re.M)
        policy_text = policy_text.replace(f'"{term}", ', "").replace(f'"{term}",', "")
    name = os.path.basename(ws)
    cfg = os.path.join(tmp, f"deny-{name}.toml")
    with open(cfg, "w") as f:
        f.write(deny_text)
    pol = os.path.join(tmp, f"narrow-{name}.gate")
    with open(pol, "w") as f:
        f.write(policy_text)
    plan = os.path.join(tmp, f"gate-{name}.toml")
    with open(plan, "w") as f:
        f.write(f'policy = "{os.path.basename(pol)}"\n\n[licenses]\nmanifest = "{os.path.join(ws, "Cargo.toml")}"\ntarget = "all"\n')
    _, _, _, deny_rejected = deny_outcome(ws, cfg)
    if not os.path.exists(GATE):
        return deny_rejected, None, "gate is missing"
    verdict, line, gate_rejected = gate_outcome(run(gate_cmd(ws, plan)))
    if verdict not in ("go", "no-go"):
        return deny_rejected, None, line
    return deny_rejected, gate_rejected, line


def deny_crates(ws):
    """The (name, version) of every crate in cargo-deny's graph (`cargo-deny list`)."""
    cmd = [DENY, "--manifest-path", os.path.join(ws, "Cargo.toml"), "--config", DENY_CONFIG,
           "--offline", "--locked", "list", "--format", "json", "--layout", "crate"]
    p = run(cmd)
    try:
        return {tuple(k.split(" ")[:2]) for k in json.loads(p.stdout)}
    except (ValueError, AttributeError):
        return None


def diff_lines(a_name, a, b_name, b, limit=12):
    out = []
    for who, xs in ((f"only {a_name}:", sorted(a - b)), (f"only {b_name}:", sorted(b - a))):
        if xs:
            shown = ", ".join(f"{n} {v}" for n, v in xs[:limit]) + (f", ... ({len(xs)} in all)" if len(xs) > limit else "")
            out.append(f"    {who:22} {shown}")
    return out


def fmt_ms(s):
    return f"{s * 1e3:8.1f} ms"


def bench_workspace(name, tmp):
    ws = os.path.join(HERE, name)
    fetch(ws)
    nodes, members, mp = count_packages(ws)
    meta_pkgs = {(x["name"], x["version"]) for x in json.loads(mp.stdout)["packages"]}
    deny_pkgs = deny_crates(ws)
    print()
    print(f"== {rel(ws)}: {nodes} packages in `cargo metadata` resolve.nodes ({nodes - members} "
          f"third-party, {members} workspace members)")
    if deny_pkgs is not None:
        dropped = meta_pkgs - deny_pkgs
        print(f"  cargo-deny's graph (`cargo-deny list`): {len(deny_pkgs)} packages; it leaves out {len(dropped)} "
              "resolve nodes that no enabled feature or real target reaches")
        for ln in diff_lines("cargo metadata", meta_pkgs, "cargo-deny", deny_pkgs, limit=30):
            print(ln)
    cmds = {
        "cargo metadata": metadata_cmd(ws),
        "cargo-deny": deny_cmd(ws),
        # gate reuses its last `cargo metadata` result while Cargo.lock and the workspace's
        # manifests are unchanged (target/gate/); `--no-cache` times the first run after a change.
        "gate": gate_cmd(ws),
        "gate --no-cache": gate_cmd(ws) + ["--no-cache"],
    }
    for tool, cmd in cmds.items():
        print(f"  {tool + ':':16} {show(cmd)}" + (" > /dev/null" if tool == "cargo metadata" else ""))

    # One run of each, for its outcome.
    print(f"  {'cargo metadata':16} exit {mp.returncode}: {nodes} packages resolved")
    deny_rc, deny_ok, deny_line, deny_rejected = deny_outcome(ws)
    print(f"  {'cargo-deny':16} exit {deny_rc}: {deny_line}")
    gate_ok = os.path.exists(GATE)
    verdict = None
    gate_rc = None
    same = None  # None: gate not compared
    same_pkgs = None
    if not gate_ok:
        print(f"  {'gate':16} missing: {rel(GATE)} does not exist (build it with `cargo build --release`"
              " or set GATE_BIN); gate is not timed")
    else:
        gp = run(cmds["gate"])
        gate_rc = gp.returncode
        verdict, gate_line, gate_found = gate_outcome(gp)
        print(f"  {'gate':16} exit {gp.returncode}: {gate_line}")
        if verdict not in ("go", "no-go") or gp.returncode not in (0, 1):
            gate_ok = False
            if gp.stderr.strip():
                for ln in gp.stderr.strip().splitlines()[:5]:
                    print(f"  {'':16}   {ln}")
            print(f"  {'':16} gate failed: gate is not timed")
        else:
            same = (verdict == "go") == deny_ok and gate_found == deny_rejected
            print(f"  same judgement: {'yes' if same else 'NO'} (cargo-deny "
                  f"{'passes' if deny_ok else 'fails'} the tree, gate says {verdict})")
            for ln in diff_lines("gate", gate_found, "cargo-deny", deny_rejected):
                print(ln)
            gate_pkgs = gate_packages(ws)
            if gate_pkgs is None:
                print("  gate's package set: unknown (`gate facts --plan` gave no licenses.packages)")
            else:
                same_pkgs = gate_pkgs == deny_pkgs
                like = ("cargo-deny's graph" if same_pkgs else
                        "cargo metadata's resolve" if gate_pkgs == meta_pkgs else "neither")
                print(f"  gate's producer collected {len(gate_pkgs)} packages: the same set as {like}")
                if not same_pkgs and deny_pkgs is not None:
                    for ln in diff_lines("gate", gate_pkgs, "cargo-deny", deny_pkgs):
                        print(ln)

    # Narrower lists: the same packages rejected by both.
    for terms in NARROWED:
        d_rej, g_rej, g_line = narrowed_check(ws, tmp, terms)
        print(f"  with {', '.join(terms)} removed from both lists: cargo-deny rejects {len(d_rej)} packages"
              + (f", gate {len(g_rej)}: " + ("the same packages" if d_rej == g_rej else "DIFFERENT packages")
                 if g_rej is not None else f"; gate not compared ({g_line})"))
        if g_rej is not None:
            # gate reads every package of `cargo metadata`'s resolve; cargo-deny leaves out the
            # ones no enabled feature reaches. Judge the packages both looked at.
            g_cmp = g_rej & deny_pkgs if deny_pkgs else g_rej
            extra = g_rej - g_cmp
            if extra:
                print(f"    gate also rejects {len(extra)} packages cargo-deny does not look at: "
                      + ", ".join(f"{n} {v}" for n, v in sorted(extra)))
            same = (same is not False) and d_rej == g_cmp
            if d_rej == g_cmp:
                print("    on the packages both look at: the same packages")
            for ln in diff_lines("gate", g_cmp, "cargo-deny", d_rej):
                print(ln)

    # Timing. A run whose exit code differs from the outcome run's is flagged.
    expected_rc = {"cargo metadata": mp.returncode, "cargo-deny": deny_rc, "gate": gate_rc,
                   "gate --no-cache": gate_rc}
    timed = [t for t in cmds if not t.startswith("gate") or gate_ok]
    print(f"  timing: {RUNS} runs of each, alternating ({WARMUP} warm-up runs each not counted)", flush=True)
    for _ in range(WARMUP):
        for t in timed:
            wall(cmds[t])
    res = {t: [] for t in timed}
    bad_rc = {t: set() for t in timed}
    for i in range(RUNS):
        order = timed[i % len(timed):] + timed[:i % len(timed)]
        for t in order:
            w, c, rc = wall(cmds[t])
            res[t].append((w, c))
            if rc != expected_rc[t]:
                bad_rc[t].add(rc)
    med = {}
    for t in timed:
        ws_ = [w for w, _ in res[t]]
        cs = [c for _, c in res[t]]
        med[t] = (statistics.median(ws_), min(ws_), statistics.median(cs))
        extra = f"   (unexpected exit codes {sorted(bad_rc[t])})" if bad_rc[t] else ""
        print(f"  {t:16} median {fmt_ms(med[t][0])}   min {fmt_ms(med[t][1])}   "
              f"max {fmt_ms(max(ws_))}   CPU median {fmt_ms(med[t][2])}{extra}")
    out = {"name": name, "packages": nodes, "deny_packages": len(deny_pkgs) if deny_pkgs else None,
           "med": med, "same": same, "same_pkgs": same_pkgs}
    m_med, m_min, m_cpu = med["cargo metadata"]
    d_med, d_min, d_cpu = med["cargo-deny"]
    print(f"  ratio cargo-deny/cargo metadata (median wall time): {d_med / m_med:.2f}   "
          f"(min {d_min / m_min:.2f}, CPU {d_cpu / m_cpu:.2f})")
    if "gate" in med:
        g_med, g_min, g_cpu = med["gate"]
        r1, r2 = d_med / g_med, g_med / m_med
        print(f"  ratio cargo-deny/gate    (median wall time): {r1:.2f}   (min {d_min / g_min:.2f}, CPU {d_cpu / g_cpu:.2f})")
        print(f"  ratio gate/cargo metadata (median wall time): {r2:.2f}   (min {g_min / m_min:.2f}, CPU {g_cpu / m_cpu:.2f})")
        print(f"  goal (gate at least {GOAL_DENY_OVER_GATE:g}x faster than cargo-deny): "
              + ("met" if r1 >= GOAL_DENY_OVER_GATE else "NOT met"))
        print(f"  goal (gate within {GOAL_GATE_OVER_METADATA:g}x of cargo metadata alone): "
              + ("met" if r2 <= GOAL_GATE_OVER_METADATA else "NOT met"))
        out["ratios"] = (r1, r2)
        n_med, n_min, n_cpu = med["gate --no-cache"]
        n1, n2 = d_med / n_med, n_med / m_med
        print(f"  without the cache: cargo-deny/gate {n1:.2f} (min {d_min / n_min:.2f}), "
              f"gate/cargo metadata {n2:.2f} (min {n_min / m_min:.2f}); goals "
              + ("met" if n1 >= GOAL_DENY_OVER_GATE else "NOT met") + ", "
              + ("met" if n2 <= GOAL_GATE_OVER_METADATA else "NOT met"))
        out["ratios_nocache"] = (n1, n2)
    else:
        print("  goals: not measured (gate was not timed)")
    return out


def main():
    print(f"== machine: {os.cpu_count()} cores; {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    setup_deny()
    for cmd in (["cargo", "--version"], [DENY, "--version"]):
        p = run(cmd)
        print(f"== {show(cmd)}: {(p.stdout or p.stderr).strip()}")
    print(f"== gate: {rel(GATE)}" + ("" if os.path.exists(GATE) else " (missing)"))
    tmp = tempfile.mkdtemp(prefix="gate-bench-licenses-")
    results = []
    try:
        for name in WORKSPACES:
            results.append(bench_workspace(name.strip(), tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    print("== summary (median wall time)")
    print(f"  {'workspace':10} {'packages':>8} {'in deny':>8} {'metadata':>11} {'cargo-deny':>11} {'gate':>11}"
          f" {'deny/gate':>10} {'gate/meta':>10} {'no cache':>11} {'deny/gate':>10} {'gate/meta':>10}"
          "  same judgement, same packages")
    for r in results:
        med = r["med"]
        g = fmt_ms(med["gate"][0]) if "gate" in med else f"{'-':>11}"
        r1, r2 = (f"{r['ratios'][0]:10.2f}", f"{r['ratios'][1]:10.2f}") if "ratios" in r else (f"{'-':>10}",) * 2
        yn = {True: "yes", False: "NO", None: "-"}
        n = fmt_ms(med["gate --no-cache"][0]) if "gate --no-cache" in med else f"{'-':>11}"
        n1, n2 = (f"{r['ratios_nocache'][0]:10.2f}", f"{r['ratios_nocache'][1]:10.2f}") \
            if "ratios_nocache" in r else (f"{'-':>10}",) * 2
        print(f"  {r['name']:10} {r['packages']:8} {r['deny_packages'] or '-':>8} {fmt_ms(med['cargo metadata'][0])} "
              f"{fmt_ms(med['cargo-deny'][0])} {g} {r1} {r2} {n} {n1} {n2}  {yn[r['same']]}, {yn[r['same_pkgs']]}")
    print(f"  goals: cargo-deny/gate >= {GOAL_DENY_OVER_GATE:g}, gate/metadata <= {GOAL_GATE_OVER_METADATA:g}")
    return 1 if any(r["same"] is False for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())

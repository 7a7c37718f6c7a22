//! Benchmarks (b) and (c): evaluation time of a 50-rule license policy over generated
//! `licenses` facts, through gate's library API. Run with `cargo bench --bench eval`.
//!
//! (b) 10,000 packages × 50 rules: the median time of `evaluate()` alone (the policy already
//!     loaded and checked, the facts already converted), against the 50 ms goal, and the peak
//!     memory of the process (VmHWM).
//! (c) 1,000 to 100,000 packages with the same 50 rules: time per package-rule at each size and
//!     the ratio of the largest to the smallest (linear growth keeps it near 1).
//!
//! Reports numbers only: nothing here asserts a time. The results are in BENCHMARKS.md.
//! Set `GATE_BENCH_SIZES=1000,5000` to run other sizes for (c), `GATE_BENCH_REPS=3` to time
//! fewer runs, `GATE_BENCH_PROFILE=K` to evaluate only rule shape K (or `all`) for a profiler,
//! `GATE_BENCH_POLICY=1` to print the generated policy.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use gate::diag::{Diagnostic, render};
use gate::eval::{Outcome, evaluate};
use gate::facts::{Facts, Namespace, Origin, clock, json};
use gate::policy::check::{Available, check};
use gate::policy::ir::Policy;
use gate::policy::load::{Reader, load};
use gate::span::SourceMap;
use serde_json::{Value as J, json};
use std::collections::{BTreeSet, HashMap};
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

const RULES: usize = 50;
const GOAL: Duration = Duration::from_millis(50);

// ---------------------------------------------------------------------------------------------
// The policy: 50 rules over `licenses.packages`, each walking every package once.
// ---------------------------------------------------------------------------------------------

const LETS: &str = r#"
## Licenses legal approved for code we ship.
let approved = [
  "MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "Zlib", "0BSD", "BSL-1.0",
  "Unicode-3.0", "Unicode-DFS-2016", "CC0-1.0", "Unlicense", "MPL-2.0",
]

## Licenses acceptable for build-time tools.
let approved_for_build = [
  "MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "Zlib", "0BSD", "BSL-1.0",
  "Unicode-3.0", "Unicode-DFS-2016", "CC0-1.0", "Unlicense", "MPL-2.0",
  "LGPL-2.1-only", "LGPL-3.0-only", "GPL-2.0-only", "GPL-3.0-only",
]

## Packages security has banned outright.
let denied_names = [
  "pkg-13", "pkg-101", "pkg-777", "pkg-1234", "pkg-4242", "pkg-9999", "pkg-31337",
  "left-pad", "event-stream", "flatmap-stream", "colors", "faker", "node-ipc", "ua-parser-js",
]
"#;

fn level(k: usize) -> &'static str {
    match k % 5 {
        0..=2 => "block",
        3 => "warn",
        _ => "info",
    }
}

/// Rule `k` of the 50: one of thirteen shapes, each varied by `k` so no two rules are the same.
fn rule(k: usize) -> String {
    let lv = level(k);
    let shape = k % 13;
    let body = match shape {
        0 => r#"  for pkg in licenses.packages where pkg.kind == "normal" and not pkg.workspace
  require pkg.license != none
    else "{pkg.name} {pkg.version} declares no license (via {pkg.path})""#
            .to_string(),
        1 => r#"  for pkg in licenses.packages where pkg.kind == "normal" and not pkg.workspace and pkg.license != none
  require pkg.license allowed by approved
    else "{pkg.name} {pkg.version} is licensed {pkg.license}, which legal has not approved (via {pkg.path})""#
            .to_string(),
        2 => r#"  for pkg in licenses.packages where pkg.kind == "build" and not pkg.workspace
  require pkg.license != none and pkg.license allowed by approved_for_build
    else "build tool {pkg.name} {pkg.version} is licensed {pkg.license} (via {pkg.path})""#
            .to_string(),
        3 => format!(
            r#"  for pkg in licenses.packages
  forbid pkg.name matches "^(evil|bad)-pkg-[0-9]*{d}$"
    because "{{pkg.name}} looks like a typo-squat""#,
            d = k % 10
        ),
        4 => format!(
            r#"  for pkg in licenses.packages where pkg.kind != "dev"
  forbid pkg.direct and pkg.version < "0.{m}.0"
    because "{{pkg.name}} {{pkg.version}} is a direct dependency below 0.{m}""#,
            m = 1 + k % 3
        ),
        5 => format!(
            r#"  for pkg in licenses.packages
  forbid pkg.path contains " -> tmp-pkg-{d}"
    because "{{pkg.name}} is reached through a temporary package: {{pkg.path}}""#,
            d = k % 10
        ),
        6 => r#"  for pkg in licenses.packages where pkg.source == "git"
  require pkg.kind == "dev" or pkg.direct
    else "{pkg.name} comes from git and is linked indirectly (via {pkg.path})""#
            .to_string(),
        7 => r#"  for pkg in licenses.packages
  forbid pkg.name in denied_names
    because "{pkg.name} is banned (via {pkg.path})""#
            .to_string(),
        8 => r#"  for pkg in licenses.packages where pkg.kind == "normal"
  forbid any suffix in ["-sys", "-ffi", "-bindings"] where ends_with(pkg.name, suffix)
    because "{pkg.name} links native code""#
            .to_string(),
        9 => format!(
            r#"  for pkg in licenses.packages
  require len(pkg.name) <= {n} and lower(pkg.name) == pkg.name
    else "{{pkg.name}}: package names are lowercase and at most {n} characters""#,
            n = 30 + k
        ),
        10 => r#"  for pkg in licenses.packages where pkg.kind == "dev" and pkg.license != none
  forbid pkg.license allowed by ["AGPL-3.0-only", "AGPL-3.0-or-later", "SSPL-1.0"]
    because "{pkg.name} is only available under a network-copyleft license""#
            .to_string(),
        11 => format!(
            r#"  require (count p in licenses.packages where p.license == none) <= {n}
    else "too many packages declare no license""#,
            n = 100_000 + k
        ),
        _ => r#"  require all p in licenses.packages where len(p.path) > 0 and starts_with(p.path, "app")
    else "every package is reached from the app""#
            .to_string(),
    };
    let name = [
        "declared",
        "approved",
        "build_tools",
        "typo_squat",
        "pre_release",
        "tmp_path",
        "git_source",
        "denied",
        "native",
        "name_style",
        "network_copyleft",
        "undeclared_count",
        "reachable",
    ][shape];
    format!("## Rule {k}: {name}.\nrule r{k:02}_{name}: {lv} {{\n{body}\n}}\n")
}

fn policy_text() -> String {
    let mut s = String::from(
        "## Generated for benches/eval.rs: 50 rules over licenses.packages.\npolicy \"bench\" version \"1.0\"\n",
    );
    s.push_str(LETS);
    for k in 0..RULES {
        s.push('\n');
        s.push_str(&rule(k));
    }
    s.push_str(WAIVERS);
    s
}

const WAIVERS: &str = r#"
waive r01_approved where pkg.name == "pkg-17"
  until 2027-06-30 by "legal@example.com" because "LEGAL-1"
waive r14_approved where pkg.direct and pkg.license allowed by ["GPL-3.0-only"]
  until 2027-06-30 by "legal@example.com" because "LEGAL-2"
waive r03_typo_squat where starts_with(pkg.name, "bad-")
  until 2027-06-30 by "security@example.com" because "SEC-3"
waive r07_denied
  until 2027-01-31 by "security@example.com" because "SEC-4"
"#;

/// A policy of rule `k` alone (no waivers): what one rule of its shape costs.
fn one_rule_text(k: usize) -> String {
    format!("policy \"bench-one\"\n{LETS}\n{}", rule(k))
}

struct MemReader(HashMap<String, String>);

impl Reader for MemReader {
    fn read(&self, path: &Path) -> Result<(String, String), gate::policy::load::ReadError> {
        let key = path.display().to_string();
        self.0
            .get(&key)
            .map(|t| (t.clone(), key))
            .ok_or_else(|| "no such file".into())
    }
}

// ---------------------------------------------------------------------------------------------
// The facts: N packages with a realistic mix of licenses, kinds, sources and paths.
// ---------------------------------------------------------------------------------------------

/// xorshift64*: the same packages on every run and every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Picks from (weight, value) pairs.
    fn pick<T: Copy>(&mut self, table: &[(u64, T)]) -> T {
        let total: u64 = table.iter().map(|(w, _)| w).sum();
        let mut x = self.below(total);
        for (w, v) in table {
            if x < *w {
                return *v;
            }
            x -= w;
        }
        table[table.len() - 1].1
    }
}

const LICENSES: &[(u64, Option<&str>)] = &[
    (40, Some("MIT OR Apache-2.0")),
    (18, Some("MIT")),
    (10, Some("Apache-2.0")),
    (5, Some("BSD-3-Clause")),
    (3, Some("ISC")),
    (3, Some("Apache-2.0 OR MIT OR Zlib")),
    (2, Some("Unicode-3.0 AND (MIT OR Apache-2.0)")),
    (3, Some("MPL-2.0")),
    (2, Some("Apache-2.0 WITH LLVM-exception")),
    (2, Some("LGPL-2.1-or-later")),
    (2, Some("GPL-3.0-only")),
    (1, Some("MIT OR GPL-2.0-or-later")),
    (1, Some("AGPL-3.0-only")),
    (1, Some("Apache-2.0 AND ISC AND OpenSSL")),
    (1, Some("CDLA-Permissive-2.0")),
    (3, None),
];

fn packages(n: usize) -> J {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ n as u64);
    let mut out = Vec::with_capacity(n + 1);
    out.push(json!({
        "name": "app", "version": "1.0.0", "license": "MIT", "kind": "normal",
        "workspace": true, "direct": false, "path": "app", "source": "path",
    }));
    for i in 1..n {
        let prefix = rng.pick(&[(95, ""), (2, "tmp-"), (1, "evil-"), (1, "bad-"), (1, "Big")]);
        let suffix = rng.pick(&[(94, ""), (3, "-sys"), (2, "-ffi"), (1, "-bindings")]);
        let name = format!("{prefix}pkg-{i}{suffix}");
        let version = format!(
            "{}.{}.{}",
            rng.pick(&[(30, 0), (60, 1), (10, 2)]),
            rng.below(40),
            rng.below(30)
        );
        let kind = rng.pick(&[(75, "normal"), (15, "build"), (10, "dev")]);
        let direct = rng.below(100) < 15;
        let depth = if direct { 0 } else { 1 + rng.below(3) };
        let mut path = String::from("app");
        for _ in 0..depth {
            let via = rng.below(i as u64 + 1);
            let tmp = if rng.below(100) < 2 { "tmp-" } else { "" };
            path.push_str(&format!(" -> {tmp}pkg-{via}"));
        }
        path.push_str(&format!(" -> {name}"));
        let source = rng.pick(&[(95, "registry"), (3, "git"), (2, "path")]);
        out.push(json!({
            "name": name,
            "version": version,
            "license": rng.pick(LICENSES),
            "kind": kind,
            "workspace": rng.below(200) == 0,
            "direct": direct,
            "path": path,
            "source": source,
        }));
    }
    json!({ "packages": out })
}

fn facts_for(n: usize) -> Facts {
    let doc = packages(n);
    let schema = gate::schema::namespace("licenses").expect("gate has a `licenses` namespace");
    let value = match json::typed_namespace(&doc, schema) {
        Ok(v) => v,
        Err((errors, _)) => panic!("generated facts do not fit the schema: {errors:?}"),
    };
    let mut facts = Facts::default();
    facts.insert(
        "licenses",
        Namespace {
            value,
            origin: Origin::Builtin("bench"),
        },
    );
    // Tuesday 2026-11-24 10:00 UTC: the waivers are active, none too long.
    let now = jiff::Timestamp::from_second(1_795_514_400)
        .expect("a valid instant")
        .to_zoned(jiff::tz::TimeZone::UTC);
    facts.insert(
        "clock",
        Namespace {
            value: clock::facts(&now, "UTC"),
            origin: Origin::Builtin("bench"),
        },
    );
    facts
}

// ---------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------

/// A line of /proc/self/status in KiB (VmHWM, VmRSS); 0 where there is no /proc.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// Resets VmHWM to the current RSS (Linux: `echo 5 > /proc/self/clear_refs`).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn median(xs: &mut [Duration]) -> Duration {
    xs.sort();
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

struct Measured {
    median: Duration,
    min: Duration,
    max: Duration,
    reps: usize,
    outcome: Outcome,
}

fn measure(policy: &Policy, sources: &SourceMap, facts: &Facts, reps: usize) -> Measured {
    // One run to warm caches; then `reps` timed runs, each a whole evaluate().
    let outcome = evaluate(policy, facts, sources, Vec::new());
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t0 = Instant::now();
        let o = evaluate(black_box(policy), black_box(facts), sources, Vec::new());
        times.push(t0.elapsed());
        black_box(o);
    }
    let min = times.iter().copied().min().unwrap_or_default();
    let max = times.iter().copied().max().unwrap_or_default();
    Measured {
        median: median(&mut times),
        min,
        max,
        reps,
        outcome,
    }
}

fn describe(o: &Outcome) -> String {
    let waived = o.findings.iter().filter(|f| f.waived.is_some()).count();
    format!(
        "verdict {}, {} findings ({} waived), {} errors",
        o.verdict.name(),
        o.findings.len(),
        waived,
        o.errors.len()
    )
}

fn sizes() -> Vec<usize> {
    std::env::var("GATE_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| vec![1_000, 10_000, 30_000, 100_000])
}

/// `GATE_BENCH_REPS` overrides the number of timed runs (for profiling under valgrind, say).
fn reps_override() -> Option<usize> {
    std::env::var("GATE_BENCH_REPS")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .filter(|n| *n > 0)
}

fn reps_for(n: usize) -> usize {
    if let Some(r) = reps_override() {
        return r;
    }
    match n {
        0..=2_000 => 51,
        2_001..=20_000 => 21,
        20_001..=50_000 => 11,
        _ => 7,
    }
}

/// Loads and checks a policy held in memory; panics with the diagnostics if it does not check.
fn compile(text: &str) -> (Policy, SourceMap, Duration) {
    let root = Path::new("bench.gate");
    let reader = MemReader(HashMap::from([(
        root.display().to_string(),
        text.to_string(),
    )]));
    let mut sources = SourceMap::default();
    let t0 = Instant::now();
    let (loaded, mut diags) = load(root, &reader, &mut sources);
    let available = Available::Only(BTreeSet::from([
        "licenses".to_string(),
        "clock".to_string(),
    ]));
    let (policy, mut check_diags) = check(&loaded, &sources, &available);
    let took = t0.elapsed();
    diags.append(&mut check_diags);
    if diags.iter().any(Diagnostic::is_error) {
        eprintln!("{}", render(&diags, &sources, false));
        panic!("the generated policy does not check");
    }
    (policy, sources, took)
}

/// `GATE_BENCH_PROFILE=K` (a rule shape, 0 to 12) or `=all`: evaluates only that, on the first
/// of `GATE_BENCH_SIZES` packages (default 10,000), once plus `GATE_BENCH_REPS` times (default
/// 1), and prints one line — a small target for `valgrind --tool=callgrind` or `perf record`.
fn profile(which: &str) {
    let text = match which.parse::<usize>() {
        Ok(k) if k < 13 => one_rule_text(k),
        _ => policy_text(),
    };
    let (policy, sources, _) = compile(&text);
    let n = if std::env::var_os("GATE_BENCH_SIZES").is_some() {
        sizes().first().copied().unwrap_or(10_000)
    } else {
        10_000
    };
    let facts = facts_for(n);
    let m = measure(&policy, &sources, &facts, reps_override().unwrap_or(1));
    println!(
        "profile {which}, {n} packages: median {:.2} ms; {}",
        ms(m.median),
        describe(&m.outcome)
    );
}

fn main() {
    if let Ok(which) = std::env::var("GATE_BENCH_PROFILE") {
        profile(&which);
        return;
    }
    let text = policy_text();
    if std::env::var_os("GATE_BENCH_POLICY").is_some() {
        println!("{text}");
    }
    let (policy, sources, front) = compile(&text);
    assert_eq!(policy.rules.len(), RULES, "the policy has 50 rules");
    println!(
        "gate eval bench: {} rules, {} waivers; policy of {} lines loaded and checked in {:.2} ms",
        policy.rules.len(),
        policy.waivers.len(),
        text.lines().count(),
        ms(front)
    );
    println!(
        "peak RSS before any facts: VmHWM {:.1} MiB",
        mib(status_kib("VmHWM:"))
    );

    // (b) 10,000 packages × 50 rules.
    let resettable = reset_peak();
    let base_rss = status_kib("VmRSS:");
    let t0 = Instant::now();
    let facts = facts_for(10_000);
    let convert = t0.elapsed();
    let b = measure(&policy, &sources, &facts, reps_override().unwrap_or(31));
    let peak = status_kib("VmHWM:");
    println!();
    println!("== (b) 10,000 packages x 50 rules");
    println!(
        "  generating and schema-checking the facts: {:.1} ms (not part of the evaluation time)",
        ms(convert)
    );
    println!("  outcome: {}", describe(&b.outcome));
    println!(
        "  evaluate(): median {:.2} ms over {} runs (min {:.2} ms, max {:.2} ms)",
        ms(b.median),
        b.reps,
        ms(b.min),
        ms(b.max)
    );
    println!(
        "  goal (under 50 ms): {}",
        if b.median < GOAL { "met" } else { "NOT met" }
    );
    println!(
        "  peak memory: VmHWM {:.1} MiB for the whole process ({:.1} MiB above the RSS before the facts were built{})",
        mib(peak),
        mib(peak.saturating_sub(base_rss)),
        if resettable {
            ""
        } else {
            "; VmHWM could not be reset, so it may include earlier work"
        }
    );
    drop(b);

    // Where the time goes: each of the 13 rule shapes alone, on the same 10,000 packages.
    println!();
    println!("== (diagnostic) each rule shape alone, 10,000 packages");
    for k in 0..13 {
        let (one, one_sources, _) = compile(&one_rule_text(k));
        let m = measure(&one, &one_sources, &facts, reps_override().unwrap_or(21));
        let name = one.rules.first().map_or("?", |r| r.name.as_str());
        println!(
            "  {:<22} median {:7.2} ms, {:6.1} ns per package, {:>5} findings",
            name,
            ms(m.median),
            m.median.as_secs_f64() * 1e9 / 10_000.0,
            m.outcome.findings.len()
        );
    }
    drop(facts);

    // (c) growth from 1,000 to 100,000 packages.
    println!();
    println!("== (c) growth with the same 50 rules");
    let mut per_unit = Vec::new();
    for n in sizes() {
        reset_peak();
        let facts = facts_for(n);
        let m = measure(&policy, &sources, &facts, reps_for(n));
        drop(facts);
        let unit = m.median.as_secs_f64() * 1e9 / (n as f64 * RULES as f64);
        println!(
            "  {:>7} packages: evaluate() median {:9.2} ms over {:>2} runs, {:6.1} ns per package-rule, VmHWM {:7.1} MiB; {}",
            n,
            ms(m.median),
            m.reps,
            unit,
            mib(status_kib("VmHWM:")),
            describe(&m.outcome)
        );
        per_unit.push((n, unit));
    }
    if let (Some(lo), Some(hi)) = (
        per_unit.iter().map(|(_, u)| *u).reduce(f64::min),
        per_unit.iter().map(|(_, u)| *u).reduce(f64::max),
    ) {
        let first = per_unit.first().map_or(0.0, |(_, u)| *u);
        let last = per_unit.last().map_or(0.0, |(_, u)| *u);
        println!(
            "  time per package-rule: largest/smallest {:.2}; at the largest size/at the smallest size {:.2} (1.00 is exactly linear)",
            hi / lo,
            last / first
        );
    }
}

//! Benchmark of the `source` producer's scan (issue 4): gate's scan of real crates from the
//! local cargo registry against bare `syn::parse_file` of the same files in the same process,
//! both on the same thread pool (2 threads on the benchmark machine), and peak memory as the
//! tree grows. Semgrep is timed by `bench/source/run.py`, which runs this first.
//!
//! Knobs: `GATE_SOURCE_CRATES=100,300,600` (how many crate folders, in name order, from
//! `~/.cargo/registry/src/*/`), `GATE_SOURCE_REPS=3`, `GATE_SOURCE_LIST=FILE` (write the crate
//! folders of the largest size to FILE, one per line, for run.py), `GATE_SOURCE_COUNTS=1` (print
//! how much the scan keeps: declarations, macro value uses, types and impls).
//! Nothing asserts a time; the results are in BENCHMARKS.md.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use gate::facts::source::{scan_tree, walk};
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn registry_crates() -> Vec<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .expect("a home folder");
    let mut out = Vec::new();
    for index in std::fs::read_dir(home.join("registry/src")).expect("a cargo registry") {
        let index = index.unwrap().path();
        for krate in std::fs::read_dir(&index).unwrap() {
            let p = krate.unwrap().path();
            if p.is_dir() {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

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

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// Bare syn: read, check UTF-8, parse, forget the spans — nothing else.
fn bare(files: &[PathBuf]) -> (usize, usize) {
    files
        .par_iter()
        .map(|f| {
            let Ok(bytes) = std::fs::read(f) else {
                return (0, 0);
            };
            let n = bytes.len();
            let ok = String::from_utf8(bytes)
                .ok()
                .map(|t| syn::parse_file(&t).is_ok())
                .unwrap_or(false);
            proc_macro2::extra::invalidate_current_thread_spans();
            (usize::from(ok), n)
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
}

fn main() {
    let sizes: Vec<usize> = std::env::var("GATE_SOURCE_CRATES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| vec![100, 300, 600]);
    let reps: usize = std::env::var("GATE_SOURCE_REPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let crates = registry_crates();
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(64 << 20)
        .build()
        .unwrap();
    println!(
        "gate source bench: {} crates in the local registry; {} threads",
        crates.len(),
        pool.current_num_threads()
    );
    if let (Ok(list), Some(&n)) = (std::env::var("GATE_SOURCE_LIST"), sizes.iter().max()) {
        let text: String = crates
            .iter()
            .take(n)
            .map(|c| format!("{}\n", c.display()))
            .collect();
        std::fs::write(list, text).unwrap();
    }
    for &n in &sizes {
        let roots: Vec<PathBuf> = crates.iter().take(n).cloned().collect();
        let (units, _) = walk::files(&roots);
        let files: Vec<PathBuf> = units.iter().map(|u| u.path.clone()).collect();
        // Warm the file cache, then alternate.
        let (parsed, bytes) = pool.install(|| bare(&files));
        let mut bare_t = Vec::new();
        let mut gate_t = Vec::new();
        let mut peak = 0;
        let mut found = (0, 0, 0);
        for _ in 0..reps {
            let t0 = Instant::now();
            let r = pool.install(|| bare(&files));
            bare_t.push(t0.elapsed());
            assert_eq!(r.0, parsed);
            reset_peak();
            let t0 = Instant::now();
            let (scanned, problems) = scan_tree(&roots);
            gate_t.push(t0.elapsed());
            peak = peak.max(status_kib("VmHWM:"));
            if std::env::var_os("GATE_SOURCE_COUNTS").is_some() {
                let d: usize = scanned.iter().map(|f| f.declared.len()).sum();
                let m: usize = scanned
                    .iter()
                    .map(|f| f.macros.iter().map(|m| m.uses.len()).sum::<usize>())
                    .sum();
                let t: usize = scanned.iter().map(|f| f.types.len() + f.impls.len()).sum();
                println!(
                    "    retained: {d} declarations, {m} macro value uses, {t} types and impls; VmRSS now {:.1} MiB",
                    status_kib("VmRSS:") as f64 / 1024.0
                );
            }
            found = (
                scanned.len(),
                scanned.iter().filter(|f| f.parse_error.is_some()).count(),
                problems.len(),
            );
            drop(scanned);
        }
        let (b, g) = (median(bare_t), median(gate_t));
        let mb = bytes as f64 / (1 << 20) as f64;
        println!(
            "  {n:>4} crates, {} files, {mb:.1} MiB: bare syn {:7.1} ms ({:6.0} files/s, {:5.1} MiB/s); gate scan {:7.1} ms ({:6.0} files/s, {:5.1} MiB/s); gate/bare throughput {:.2}; VmHWM during the scan {:.1} MiB; {} files scanned, {} not parsed, {} walk problems",
            files.len(),
            b.as_secs_f64() * 1e3,
            files.len() as f64 / b.as_secs_f64(),
            mb / b.as_secs_f64(),
            g.as_secs_f64() * 1e3,
            files.len() as f64 / g.as_secs_f64(),
            mb / g.as_secs_f64(),
            b.as_secs_f64() / g.as_secs_f64(),
            peak as f64 / 1024.0,
            found.0,
            found.1,
            found.2,
        );
    }
}

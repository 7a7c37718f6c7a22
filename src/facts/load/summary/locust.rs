//! Locust's results: the `--csv PREFIX` files (`PREFIX_stats.csv`, with `PREFIX_failures.csv`
//! and `PREFIX_stats_history.csv` beside it) and the `--json` / `--json-file` stats list.
//!
//! Locust is a closed model: each user waits for a response before its next task. Times are
//! milliseconds. Locust keeps response times rounded (to 2 significant digits above 100 ms, to
//! 3 above 1 s), so its percentiles, and those gate computes from `--json`, are as exact as those
//! buckets.

use super::{Fields, no_requests, ptr};
use crate::diag::Diagnostic;
use crate::facts::load::model::{Endpoint, Latency, LoadResult, Model, Requests, Window};
use crate::facts::load::record::MAX_WINDOWS;
use crate::facts::results::{self, Input, Problem};
use crate::span::SourceMap;
use serde_json::Value as J;
use std::collections::BTreeMap;

const MS: f64 = 1e6;
const WHAT: &str = "the Locust results";
/// Windows made from Locust's per-second counts are 30 s long (the default of `load.windows`).
const WINDOW_SECS: i64 = 30;

pub(super) fn is_stats_csv(text: &str) -> bool {
    text.trim_start().starts_with("Type,Name,Request Count,")
}

/// One CSV row, with where it is for errors.
struct Row<'a> {
    line: u64,
    text: &'a str,
    fields: csv::StringRecord,
}

/// A CSV read whole: its header and rows, or the problems of its syntax.
fn rows<'a>(
    text: &'a str,
    problems: &mut Vec<Problem>,
) -> Option<(csv::StringRecord, Vec<Row<'a>>)> {
    let lines: Vec<&str> = text.lines().collect();
    // The header is read as a record: the reader's position is then right for every row.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(false)
        .from_reader(text.as_bytes());
    let mut header = csv::StringRecord::new();
    if let Err(e) = reader.read_record(&mut header) {
        problems.push(Problem::at_line(
            1,
            1,
            lines.first().copied().unwrap_or(""),
            format!("the header does not read as CSV: {e}"),
        ));
        return None;
    }
    let mut out = Vec::new();
    let mut next = 1u64;
    loop {
        let mut fields = csv::StringRecord::new();
        let read = reader.read_record(&mut fields);
        // Locust writes one record a line (its names are one line), so the n-th record after
        // the header is on line n + 1. (The reader's own positions lag a record behind.)
        next += 1;
        let line = next;
        match read {
            Ok(false) => break,
            Ok(true) => {
                let text = lines
                    .get(
                        usize::try_from(line)
                            .unwrap_or(usize::MAX)
                            .saturating_sub(1),
                    )
                    .copied()
                    .unwrap_or("");
                out.push(Row { line, text, fields });
            }
            Err(e) => {
                let text = lines
                    .get(
                        usize::try_from(line)
                            .unwrap_or(usize::MAX)
                            .saturating_sub(1),
                    )
                    .copied()
                    .unwrap_or("");
                let reason = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!("the row has {len} fields, the header {expected_len}"),
                    _ => e.to_string(),
                };
                problems.push(Problem::at_line(line, 1, text, reason));
                if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                    break;
                }
            }
        }
    }
    Some((header, out))
}

/// Typed access to one CSV row's columns, by header name.
struct Cols<'h> {
    header: &'h csv::StringRecord,
}

impl Cols<'_> {
    fn index(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The 1-based column where field `i` starts (fields are not quoted in Locust's numbers).
    fn column(row: &Row, i: usize) -> u64 {
        let before: usize = row
            .fields
            .iter()
            .take(i)
            .map(|f| f.chars().count() + 1)
            .sum();
        before as u64 + 1
    }

    fn text<'r>(&self, row: &'r Row, name: &str) -> Option<&'r str> {
        row.fields.get(self.index(name)?)
    }

    /// A number; `N/A` (Locust's "no value") and an absent column are `None`.
    fn number(&self, row: &Row, name: &str, problems: &mut Vec<Problem>) -> Option<f64> {
        let i = self.index(name)?;
        let raw = row.fields.get(i)?.trim();
        if raw == "N/A" || raw.is_empty() {
            return None;
        }
        match raw.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Some(x),
            _ => {
                problems.push(Problem::at_line(
                    row.line,
                    Self::column(row, i),
                    row.text,
                    format!("`{name}` must be a number, not `{raw}`"),
                ));
                None
            }
        }
    }

    fn count(&self, row: &Row, name: &str, problems: &mut Vec<Problem>) -> Option<u64> {
        let x = self.number(row, name, problems)?;
        if x.fract() != 0.0 {
            let i = self.index(name).unwrap_or(0);
            problems.push(Problem::at_line(
                row.line,
                Self::column(row, i),
                row.text,
                format!("`{name}` must be a whole number, not `{x}`"),
            ));
            return None;
        }
        Some(x as u64)
    }

    fn latency(&self, row: &Row, problems: &mut Vec<Problem>) -> Latency {
        let mut ms = |name: &str| self.number(row, name, problems).map(|x| x * MS);
        // Every column is read, so that each bad number is reported.
        let median = ms("Median Response Time");
        Latency {
            min: ms("Min Response Time"),
            mean: ms("Average Response Time"),
            p50: ms("50%").or(median),
            p90: ms("90%"),
            p95: ms("95%"),
            p99: ms("99%"),
            p999: ms("99.9%"),
            max: ms("Max Response Time"),
        }
    }
}

/// Reads `PREFIX_stats.csv`, and its siblings when they exist.
pub(super) fn read_stats_csv(
    input: &Input,
    sources: &mut SourceMap,
) -> Result<LoadResult, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut diags = Vec::new();
    let mut r = LoadResult {
        tool: "locust".into(),
        file: input.shown.clone(),
        format: "stats-csv".into(),
        model: Some(Model::Closed),
        ..LoadResult::default()
    };
    let mut aggregated = None;
    if let Some((header, rows)) = rows(&input.text, &mut problems) {
        let cols = Cols { header: &header };
        for need in ["Type", "Name", "Request Count", "Failure Count"] {
            if cols.index(need).is_none() {
                problems.push(Problem::at_line(
                    1,
                    1,
                    input.text.lines().next().unwrap_or(""),
                    format!("the header has no `{need}` column"),
                ));
            }
        }
        let names: Vec<&str> = rows
            .iter()
            .filter_map(|row| cols.text(row, "Name"))
            .collect();
        for row in &rows {
            let name = cols.text(row, "Name").unwrap_or("");
            let kind = cols.text(row, "Type").unwrap_or("");
            let total = cols.count(row, "Request Count", &mut problems);
            let failed = cols.count(row, "Failure Count", &mut problems);
            let latency = cols.latency(row, &mut problems);
            let (Some(total), Some(failed)) = (total, failed) else {
                continue;
            };
            let requests = Requests {
                total,
                failed,
                ..Requests::default()
            };
            if kind.is_empty() && name == "Aggregated" {
                r.achieved_rate = cols.number(row, "Requests/s", &mut problems);
                aggregated = Some((row.line, row.text.to_string(), requests, latency));
                continue;
            }
            // A name requested with two methods is two rows: tell them apart by the method.
            let shown = if names.iter().filter(|n| **n == name).count() > 1 {
                format!("{kind} {name}")
            } else {
                name.to_string()
            };
            r.endpoints.push(Endpoint {
                name: shown,
                requests,
                latency,
            });
        }
        match &aggregated {
            None if problems.is_empty() => problems.push(Problem::whole("there is no `Aggregated` row: the file is not complete")),
            Some((line, text, requests, _)) if requests.total == 0 => problems.push(
                Problem::at_line(*line, 1, text, "the `Aggregated` row counts no requests: the test did not run")
                    .help("an empty load test is evidence of nothing, not a pass: check the step that runs it"),
            ),
            _ => {}
        }
    }
    diags.extend(
        problems
            .drain(..)
            .map(|p| results::located("load-field", WHAT, input, p)),
    );
    if let Some((_, _, requests, latency)) = aggregated {
        r.samples = requests.total;
        r.requests = requests;
        r.latency = latency;
    }

    let prefix = input
        .path
        .to_string_lossy()
        .strip_suffix("_stats.csv")
        .map(str::to_string);
    if let Some(prefix) = prefix {
        let failures = std::path::PathBuf::from(format!("{prefix}_failures.csv"));
        if failures.is_file() {
            match results::read(&failures, WHAT, None, sources) {
                Ok(f) => match read_failures(&f) {
                    Ok(timeouts) => apply_timeouts(&mut r, &timeouts),
                    Err(ps) => diags.extend(
                        ps.into_iter()
                            .map(|p| results::located("load-field", WHAT, &f, p)),
                    ),
                },
                Err(d) => diags.push(d),
            }
        }
        let history = std::path::PathBuf::from(format!("{prefix}_stats_history.csv"));
        if history.is_file() {
            match results::read(&history, WHAT, None, sources) {
                Ok(h) => match read_history(&h) {
                    Ok(seconds) => {
                        if let (Some(first), Some(last)) = (seconds.first(), seconds.last()) {
                            r.started_ms = Some(first.0 * 1000);
                            r.duration = Some((last.0 - first.0) as f64 * 1e9);
                        }
                        match windows(&per_second_from_totals(&seconds)) {
                            Ok(w) => r.windows = w,
                            Err(why) => diags.push(results::located(
                                "load-field",
                                WHAT,
                                &h,
                                Problem::whole(format!("the `Timestamp` column: {why}")),
                            )),
                        }
                    }
                    Err(ps) => diags.extend(
                        ps.into_iter()
                            .map(|p| results::located("load-field", WHAT, &h, p)),
                    ),
                },
                Err(d) => diags.push(d),
            }
        }
    }
    if diags.is_empty() { Ok(r) } else { Err(diags) }
}

/// `PREFIX_failures.csv`: (method, name) → requests that timed out. Locust names each failure
/// by its exception (`ReadTimeout(…)`, `ConnectTimeout(…)`, `HTTPError('500 …')`), so a
/// timeout is an error whose text says `timeout` or `timed out`.
fn read_failures(input: &Input) -> Result<BTreeMap<(String, String), u64>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut out = BTreeMap::new();
    if let Some((header, rows)) = rows(&input.text, &mut problems) {
        let cols = Cols { header: &header };
        for need in ["Method", "Name", "Error", "Occurrences"] {
            if cols.index(need).is_none() {
                problems.push(Problem::at_line(
                    1,
                    1,
                    input.text.lines().next().unwrap_or(""),
                    format!("the header has no `{need}` column"),
                ));
            }
        }
        for row in &rows {
            let Some(n) = cols.count(row, "Occurrences", &mut problems) else {
                continue;
            };
            let error = cols.text(row, "Error").unwrap_or("").to_lowercase();
            let timeout = error.contains("timeout") || error.contains("timed out");
            let key = (
                cols.text(row, "Method").unwrap_or("").to_string(),
                cols.text(row, "Name").unwrap_or("").to_string(),
            );
            *out.entry(key).or_insert(0) += if timeout { n } else { 0 };
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn apply_timeouts(r: &mut LoadResult, timeouts: &BTreeMap<(String, String), u64>) {
    r.requests.timeouts = Some(timeouts.values().sum());
    for e in &mut r.endpoints {
        let n = timeouts
            .iter()
            .filter(|((method, name), _)| *name == e.name || format!("{method} {name}") == e.name)
            .map(|(_, n)| n)
            .sum();
        e.requests.timeouts = Some(n);
    }
}

/// `PREFIX_stats_history.csv`: the `Aggregated` rows, one a second, as (epoch second, total
/// requests so far, total failures so far). Its percentile columns are over Locust's rolling
/// last 10 s, not over any window gate could name, so windows get counts but no latency.
fn read_history(input: &Input) -> Result<Vec<(i64, u64, u64)>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    if let Some((header, rows)) = rows(&input.text, &mut problems) {
        let cols = Cols { header: &header };
        for row in &rows {
            if cols.text(row, "Name") != Some("Aggregated") {
                continue;
            }
            let ts = cols.count(row, "Timestamp", &mut problems);
            let total = cols.count(row, "Total Request Count", &mut problems);
            let failed = cols.count(row, "Total Failure Count", &mut problems);
            if let (Some(ts), Some(total), Some(failed)) = (ts, total, failed) {
                out.push((ts as i64, total, failed));
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Running totals → requests and failures in each second (the second that ends at the row).
fn per_second_from_totals(rows: &[(i64, u64, u64)]) -> Vec<(i64, u64, u64)> {
    let mut prev = (0, 0);
    let mut out = Vec::new();
    for &(ts, total, failed) in rows {
        out.push((
            ts,
            total.saturating_sub(prev.0),
            failed.saturating_sub(prev.1),
        ));
        prev = (total, failed);
    }
    out
}

/// Per-second counts → fixed windows of [`WINDOW_SECS`], from the first second; the last window
/// is as long as the seconds it holds. Seconds that span more windows than the raw streams keep
/// ([`MAX_WINDOWS`]) are refused, with the span in seconds: such a file is not a test's history.
fn windows(seconds: &[(i64, u64, u64)]) -> Result<Vec<Window>, String> {
    let (Some(first), Some(last)) = (
        seconds.iter().map(|s| s.0).min(),
        seconds.iter().map(|s| s.0).max(),
    ) else {
        return Ok(Vec::new());
    };
    let span = i128::from(last) - i128::from(first);
    let count = usize::try_from(span / i128::from(WINDOW_SECS) + 1)
        .ok()
        .filter(|n| *n <= MAX_WINDOWS)
        .ok_or_else(|| {
            format!(
                "the seconds run from {first} to {last}, over {span} s: more than {MAX_WINDOWS} windows of {WINDOW_SECS} s"
            )
        })?;
    let mut counts = vec![(0u64, 0u64); count];
    for &(sec, n, nf) in seconds {
        let i = usize::try_from((sec - first) / WINDOW_SECS).unwrap_or(0);
        if let Some(c) = counts.get_mut(i) {
            c.0 = c.0.saturating_add(n);
            c.1 = c.1.saturating_add(nf);
        }
    }
    let mut out = Vec::with_capacity(count);
    for (i, (total, failed)) in counts.into_iter().enumerate() {
        // `first` and `last` bound every start and end: none overflows.
        let start = first + i as i64 * WINDOW_SECS;
        let end = (start + WINDOW_SECS).min(last + 1);
        out.push(Window {
            start_ms: start.saturating_mul(1000),
            length: (end - start) as f64 * 1e9,
            requests: Requests {
                total,
                failed,
                ..Requests::default()
            },
            latency: Latency::default(),
        });
    }
    Ok(out)
}

/// `locust --json`: one entry per (method, name), each with its response-time histogram
/// `{"ms": count}` (Locust's rounded buckets). There is no aggregated entry: gate merges them.
pub(super) fn read_json(doc: &J, f: &mut Fields) -> Option<LoadResult> {
    let list = doc.as_array()?;
    let mut r = LoadResult {
        tool: "locust".into(),
        format: "json".into(),
        model: Some(Model::Closed),
        ..LoadResult::default()
    };
    let mut all: BTreeMap<u64, u64> = BTreeMap::new();
    let mut seconds: BTreeMap<i64, (u64, u64)> = BTreeMap::new();
    // The latest second and where it is: a history too long for windows is located there.
    let mut far: Option<(i64, String)> = None;
    let (mut total, mut failed, mut sum_ms) = (0u64, 0u64, 0.0f64);
    let (mut first, mut last) = (f64::INFINITY, f64::NEG_INFINITY);
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut names = Vec::new();
    for (i, e) in list.iter().enumerate() {
        let at = format!("/{i}");
        if f.object(Some(e), &at).is_none() {
            continue;
        }
        let name = f
            .string(e.get("name"), &ptr(&at, "name"))
            .unwrap_or("")
            .to_string();
        let method = f
            .string(e.get("method"), &ptr(&at, "method"))
            .unwrap_or("")
            .to_string();
        let n = f.need_count(e, &at, "num_requests");
        let nf = f.need_count(e, &at, "num_failures");
        let total_ms = f.non_negative(
            e.get("total_response_time"),
            &ptr(&at, "total_response_time"),
        );
        let emin = f.non_negative(e.get("min_response_time"), &ptr(&at, "min_response_time"));
        let emax = f.non_negative(e.get("max_response_time"), &ptr(&at, "max_response_time"));
        if let Some(t) = f.non_negative(e.get("start_time"), &ptr(&at, "start_time")) {
            first = first.min(t);
        }
        if let Some(t) = f.non_negative(
            e.get("last_request_timestamp"),
            &ptr(&at, "last_request_timestamp"),
        ) {
            last = last.max(t);
        }
        let hist = histogram(e, &ptr(&at, "response_times"), f);
        for (key, is_fail) in [("num_reqs_per_sec", false), ("num_fail_per_sec", true)] {
            let hat = ptr(&at, key);
            for (sec, count) in buckets(e.get(key), &hat, f) {
                let Ok(sec) = i64::try_from(sec) else {
                    f.problem(
                        &ptr(&hat, &sec.to_string()),
                        format!("`{sec}` is not a time in seconds"),
                    );
                    continue;
                };
                if far.as_ref().is_none_or(|(s, _)| sec > *s) {
                    far = Some((sec, ptr(&hat, &sec.to_string())));
                }
                let slot = seconds.entry(sec).or_insert((0, 0));
                if is_fail {
                    slot.1 = slot.1.saturating_add(count);
                } else {
                    slot.0 = slot.0.saturating_add(count);
                }
            }
        }
        let (Some(n), Some(nf)) = (n, nf) else {
            continue;
        };
        total += n;
        failed += nf;
        sum_ms += total_ms.unwrap_or(0.0);
        min = min.min(emin.unwrap_or(f64::INFINITY));
        max = max.max(emax.unwrap_or(f64::NEG_INFINITY));
        for (k, v) in &hist {
            *all.entry(*k).or_insert(0) += v;
        }
        let latency = latency_of(&hist, n, total_ms, emin, emax);
        names.push((method, name, n, nf, latency));
    }
    if total == 0 && f.problems.is_empty() {
        f.problems.push(no_requests(""));
    }
    for (method, name, n, nf, latency) in &names {
        let dup = names.iter().filter(|x| x.1 == *name).count() > 1;
        r.endpoints.push(Endpoint {
            name: if dup {
                format!("{method} {name}")
            } else {
                name.clone()
            },
            requests: Requests {
                total: *n,
                failed: *nf,
                ..Requests::default()
            },
            latency: latency.clone(),
        });
    }
    r.requests = Requests {
        total,
        failed,
        ..Requests::default()
    };
    r.samples = total;
    r.latency = latency_of(
        &all,
        total,
        Some(sum_ms),
        min.is_finite().then_some(min),
        max.is_finite().then_some(max),
    );
    if first.is_finite() && last.is_finite() && last >= first {
        r.started_ms = Some((first * 1000.0).round() as i64);
        let secs = last - first;
        r.duration = Some(secs * 1e9);
        if secs > 0.0 {
            r.achieved_rate = Some(total as f64 / secs);
        }
    }
    let per_second: Vec<(i64, u64, u64)> =
        seconds.into_iter().map(|(s, (n, nf))| (s, n, nf)).collect();
    match windows(&per_second) {
        Ok(w) => r.windows = w,
        Err(why) => {
            let at = far.map(|(_, at)| at).unwrap_or_default();
            f.problem(&at, why);
        }
    }
    Some(r)
}

/// `{"12": 3, …}`: integer keys with counts.
fn buckets(v: Option<&J>, at: &str, f: &mut Fields) -> Vec<(u64, u64)> {
    let Some(map) = f.object(v, at) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in map {
        let kat = ptr(at, k);
        let Ok(key) = k.parse::<u64>() else {
            f.problem(&kat, format!("`{k}` is not a whole number"));
            continue;
        };
        if let Some(c) = f.count(Some(v), &kat) {
            out.push((key, c));
        }
    }
    out
}

fn histogram(e: &J, at: &str, f: &mut Fields) -> BTreeMap<u64, u64> {
    if e.get("response_times").is_none() {
        f.problem(
            at.rsplit_once('/').map_or("", |x| x.0),
            "`response_times` is missing",
        );
    }
    let mut out = BTreeMap::new();
    for (k, c) in buckets(e.get("response_times"), at, f) {
        *out.entry(k).or_insert(0) += c;
    }
    out
}

/// Locust's own percentile rule (`calculate_response_time_percentile`): walking the buckets from
/// the slowest, the first whose cumulative count leaves at most `n × q` requests faster.
fn percentile(hist: &BTreeMap<u64, u64>, n: u64, q: f64) -> Option<f64> {
    if n == 0 {
        return None;
    }
    let below = (n as f64 * q) as u64;
    let mut processed = 0;
    for (ms, c) in hist.iter().rev() {
        processed += c;
        if n.saturating_sub(processed) <= below {
            return Some(*ms as f64 * MS);
        }
    }
    hist.keys().next().map(|ms| *ms as f64 * MS)
}

fn latency_of(
    hist: &BTreeMap<u64, u64>,
    n: u64,
    total_ms: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
) -> Latency {
    let counted: u64 = hist.values().sum();
    Latency {
        min: min.map(|x| x * MS),
        mean: total_ms.filter(|_| n > 0).map(|t| t / n as f64 * MS),
        p50: percentile(hist, counted, 0.5),
        p90: percentile(hist, counted, 0.9),
        p95: percentile(hist, counted, 0.95),
        p99: percentile(hist, counted, 0.99),
        p999: percentile(hist, counted, 0.999),
        max: max.map(|x| x * MS),
    }
}

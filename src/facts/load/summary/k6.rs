//! k6's end-of-test summaries: the legacy `--summary-export` file and the `handleSummary()` data
//! object written as JSON (`JSON.stringify(data)`).
//!
//! The two differ in where a metric's statistics sit (on the metric itself, or under `values`)
//! and in how thresholds are written. Metric times are milliseconds.

use super::{Fields, no_requests, ptr};
use crate::facts::load::model::{Endpoint, Latency, LoadResult, Requests, Threshold};
use crate::facts::results::Problem;
use serde_json::Value as J;

const MS: f64 = 1e6;

/// One k6 metric: its name, its statistics and where they are.
struct Metric<'a> {
    name: &'a str,
    /// The metric's object (where its thresholds are) and its pointer.
    obj: &'a J,
    obj_at: String,
    /// Its statistics (the object itself, or its `values`) and their pointer.
    stats: &'a J,
    at: String,
}

pub(super) fn read(doc: &J, handle: bool, f: &mut Fields) -> Option<LoadResult> {
    let metrics = f.object(doc.get("metrics"), "/metrics")?;
    let mut all: Vec<Metric> = Vec::new();
    for (name, m) in metrics {
        let at = ptr("/metrics", name);
        if f.object(Some(m), &at).is_none() {
            continue;
        }
        let obj_at = at.clone();
        let (stats, at) = if handle {
            let vat = ptr(&at, "values");
            match f.object(m.get("values"), &vat) {
                Some(_) => (&m["values"], vat),
                None => {
                    if m.get("values").is_none() {
                        f.problem(&at, format!("metric `{name}` has no `values`"));
                    }
                    continue;
                }
            }
        } else {
            (m, at)
        };
        all.push(Metric {
            name,
            obj: m,
            obj_at,
            stats,
            at,
        });
    }
    let find = |name: &str| all.iter().find(|m| m.name == name);

    let mut r = LoadResult {
        tool: "k6".into(),
        format: if handle {
            "handle-summary"
        } else {
            "summary-export"
        }
        .into(),
        ..LoadResult::default()
    };

    // Requests: `http_reqs` counts every HTTP request. Without it the test made none.
    let total = match find("http_reqs") {
        Some(m) => {
            r.achieved_rate = f.non_negative(m.stats.get("rate"), &ptr(&m.at, "rate"));
            f.need_count(m.stats, &m.at, "count")
        }
        None => {
            f.problems.push(no_requests("/metrics").help(
                "k6 writes `http_reqs` once the test has made an HTTP request: this test made none",
            ));
            None
        }
    };
    if total == Some(0) {
        f.problems.push(no_requests(&ptr("/metrics", "http_reqs")));
    }
    // `http_req_failed` is a Rate metric: its `passes` are the samples that were non-zero, that
    // is the FAILED requests; its `fails` are the requests that did not fail.
    let failed = match find("http_req_failed") {
        Some(m) => rate_counts(m, f).map(|(failed, _)| failed),
        None => {
            f.problems.push(
                Problem::at_pointer(
                    "/metrics",
                    "there is no `http_req_failed` metric: gate cannot tell how many requests failed",
                )
                .help("k6 v0.31 and later write it; check that `systemTags` keeps `expected_response`"),
            );
            None
        }
    };
    // `dropped_iterations` is written only when an iteration could not start on time; its
    // absence is read as 0 by the producer (`load::produce`), for every k6 form alike.
    let dropped = find("dropped_iterations").and_then(|m| f.need_count(m.stats, &m.at, "count"));

    match find("http_req_duration") {
        Some(m) => {
            r.latency = trend(m, f);
            r.samples = f
                .count(m.stats.get("count"), &ptr(&m.at, "count"))
                .or(total)
                .unwrap_or(0);
        }
        None => f.problem(
            "/metrics",
            "there is no `http_req_duration` metric: the file has no request latency",
        ),
    }
    if handle {
        // `state.testRunDurationMs`: the whole run, setup and teardown included.
        r.duration = f
            .non_negative(
                doc.get("state").and_then(|s| s.get("testRunDurationMs")),
                "/state/testRunDurationMs",
            )
            .map(|ms| ms * MS);
    }
    // A summary export carries no duration, start, executor or target rate; they stay unknown.

    r.endpoints = endpoints(&all, f);
    r.thresholds = thresholds(&all, handle, f);
    let (Some(total), Some(failed)) = (total, failed) else {
        return None;
    };
    if failed > total {
        f.problem(
            &ptr("/metrics", "http_req_failed"),
            format!("{failed} failed requests are more than the {total} in `http_reqs`"),
        );
    }
    r.requests = Requests {
        total,
        failed,
        dropped,
        timeouts: None,
    };
    Some(r)
}

/// A Rate metric's (passes, fails): non-zero samples and zero samples.
fn rate_counts(m: &Metric, f: &mut Fields) -> Option<(u64, u64)> {
    let passes = f.need_count(m.stats, &m.at, "passes");
    let fails = f.need_count(m.stats, &m.at, "fails");
    Some((passes?, fails?))
}

/// A Trend metric's statistics: only those the file has (`summaryTrendStats` picks them).
fn trend(m: &Metric, f: &mut Fields) -> Latency {
    let mut get = |k: &str| f.latency(m.stats, &m.at, k, MS);
    Latency {
        min: get("min"),
        mean: get("avg"),
        p50: get("med"),
        p90: get("p(90)"),
        p95: get("p(95)"),
        p99: get("p(99)"),
        p999: get("p(99.9)"),
        max: get("max"),
    }
}

/// The submetrics k6 keeps for a `name` tag (`http_req_duration{name:checkout}`, created when a
/// threshold names them) are the endpoints. An endpoint needs its request count, from
/// `http_reqs{name:…}` or, failing that, `http_req_failed{name:…}` (its passes and fails are all
/// its requests); a submetric with latency but no count is left out of `endpoints` (its
/// thresholds still are facts), since a made-up count would be evidence of nothing.
fn endpoints(all: &[Metric], f: &mut Fields) -> Vec<Endpoint> {
    let mut names: Vec<&str> = Vec::new();
    for m in all {
        if let Some((_, tag)) = submetric(m.name)
            && !names.contains(&tag)
        {
            names.push(tag);
        }
    }
    let mut out = Vec::new();
    for name in names {
        let sub = |metric: &str| {
            all.iter()
                .find(|m| submetric(m.name) == Some((metric, name)))
        };
        let rates = sub("http_req_failed").and_then(|m| rate_counts(m, f));
        let total = match sub("http_reqs") {
            Some(m) => f.need_count(m.stats, &m.at, "count"),
            None => rates.map(|(p, q)| p + q),
        };
        let latency = sub("http_req_duration")
            .map(|m| trend(m, f))
            .unwrap_or_default();
        let (Some(total), Some((failed, _))) = (total, rates) else {
            continue;
        };
        out.push(Endpoint {
            name: name.to_string(),
            requests: Requests {
                total,
                failed,
                dropped: None,
                timeouts: None,
            },
            latency,
        });
    }
    out
}

/// `metric{name:tag}` → (`metric`, `tag`); other submetrics (`{expected_response:true}`, several
/// tags) are not endpoints.
fn submetric(name: &str) -> Option<(&str, &str)> {
    let (metric, rest) = name.split_once('{')?;
    let tags = rest.strip_suffix('}')?;
    let tag = tags.strip_prefix("name:")?;
    (!tag.contains(',')).then_some((metric, tag))
}

/// Thresholds on every metric, in file order. In a `--summary-export` file each is
/// `"p(95)<500": false`, and the boolean is `true` when the threshold FAILED: k6 shipped it
/// reversed and kept it for compatibility (grafana/k6#1498, grafana/k6-docs#30). The
/// `handleSummary()` data writes `{"ok": true}` for a threshold that passed.
fn thresholds(all: &[Metric], handle: bool, f: &mut Fields) -> Vec<Threshold> {
    let mut out = Vec::new();
    for m in all {
        let at = ptr(&m.obj_at, "thresholds");
        let Some(list) = f.object(m.obj.get("thresholds"), &at) else {
            continue;
        };
        for (expression, v) in list {
            let vat = ptr(&at, expression);
            let passed = if handle {
                let ok = f
                    .object(Some(v), &vat)
                    .and_then(|o| o.get("ok"))
                    .map(|ok| (ok.as_bool(), ok));
                match ok {
                    Some((Some(ok), _)) => Some(ok),
                    Some((None, _)) => {
                        f.problem(&ptr(&vat, "ok"), "`ok` must be a boolean");
                        None
                    }
                    None => {
                        if v.is_object() {
                            f.problem(&vat, "the threshold has no `ok`");
                        }
                        None
                    }
                }
            } else {
                match v.as_bool() {
                    // `true` means the threshold was crossed, i.e. it failed.
                    Some(failed) => Some(!failed),
                    None => {
                        f.problem(
                            &vat,
                            format!("`{expression}` must be a boolean, not {}", super::kind(v)),
                        );
                        None
                    }
                }
            };
            if let Some(passed) = passed {
                out.push(Threshold {
                    metric: m.name.to_string(),
                    expression: expression.clone(),
                    passed,
                });
            }
        }
    }
    out
}

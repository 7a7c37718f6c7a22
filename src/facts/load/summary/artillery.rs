//! Artillery's `--output` report (Artillery 2): `aggregate` for the whole test and
//! `intermediate[]`, one per 10 s period, each with `counters` (`http.requests`,
//! `http.responses`, `http.codes.<status>`, `errors.<code>`, `vusers.*`) and `summaries`
//! (`http.response_time` {`min`, `max`, `count`, `mean`, `median`, `p90`, `p95`, `p99`, `p999`}
//! in milliseconds). The `metrics-by-endpoint` plugin adds per-endpoint summaries and counters.
//!
//! Artillery's phases are arrival rates: virtual users arrive whether or not earlier ones are
//! done, an open model.

use super::{Fields, no_requests, ptr};
use crate::facts::load::model::{Endpoint, Latency, LoadResult, Model, Requests, Window};
use serde_json::{Map, Value as J};

const MS: f64 = 1e6;
const ENDPOINT: &str = "plugins.metrics-by-endpoint.";
const ENDPOINT_TIME: &str = "plugins.metrics-by-endpoint.response_time.";
/// Artillery reports a period every 10 s; a report with a single period says no more.
const PERIOD_MS: f64 = 10_000.0;

pub(super) fn read(doc: &J, f: &mut Fields) -> Option<LoadResult> {
    let agg = f.object(doc.get("aggregate"), "/aggregate")?;
    let mut r = LoadResult {
        tool: "artillery".into(),
        format: "report".into(),
        model: Some(Model::Open),
        ..LoadResult::default()
    };
    let all = counters(agg, "/aggregate", f);
    let requests = sent(&all);
    if requests.as_ref().is_none_or(|q| q.total == 0) {
        f.problems.push(no_requests("/aggregate/counters"));
    }
    let summaries = f.object(agg.get("summaries"), "/aggregate/summaries");
    match summaries.and_then(|s| s.get("http.response_time")) {
        Some(s) => {
            let at = ptr("/aggregate/summaries", "http.response_time");
            r.latency = latency(s, &at, f);
            r.samples = f.count(s.get("count"), &ptr(&at, "count")).unwrap_or(0);
        }
        None => {
            if requests.as_ref().is_some_and(|q| q.total > 0) {
                f.problem(
                    "/aggregate/summaries",
                    "there is no `http.response_time` summary: the report has no request latency",
                );
            }
        }
    }
    let rates = f.object(agg.get("rates"), "/aggregate/rates");
    r.achieved_rate = rates.and_then(|x| {
        f.non_negative(
            x.get("http.request_rate"),
            "/aggregate/rates/http.request_rate",
        )
    });
    let first = f.count(agg.get("firstMetricAt"), "/aggregate/firstMetricAt");
    let last = f.count(agg.get("lastMetricAt"), "/aggregate/lastMetricAt");
    if let Some(first) = first {
        r.started_ms = i64::try_from(first).ok();
        if let Some(last) = last.filter(|l| *l >= first) {
            r.duration = Some((last - first) as f64 * MS);
        }
    }
    // Endpoints: one `response_time.<name>` summary each, with `<name>.codes.*` and
    // `<name>.errors.*` counters.
    if let Some(summaries) = summaries {
        for (key, s) in summaries {
            let Some(name) = key.strip_prefix(ENDPOINT_TIME) else {
                continue;
            };
            let at = ptr("/aggregate/summaries", key);
            let prefix = format!("{ENDPOINT}{name}.");
            let Some(q) = requests_by_codes(&all, &prefix) else {
                continue;
            };
            r.endpoints.push(Endpoint {
                name: name.to_string(),
                requests: q,
                latency: latency(s, &at, f),
            });
        }
    }
    // Windows: Artillery's own periods. Each period's key is its start, epoch milliseconds.
    let list = match doc.get("intermediate") {
        Some(J::Array(list)) => list.as_slice(),
        Some(other) => {
            f.problem(
                "/intermediate",
                format!("`intermediate` must be a list, not {}", super::kind(other)),
            );
            &[]
        }
        None => &[],
    };
    let mut periods = Vec::new();
    for (i, p) in list.iter().enumerate() {
        let at = format!("/intermediate/{i}");
        let Some(obj) = f.object(Some(p), &at) else {
            continue;
        };
        let start = match obj.get("period") {
            Some(J::String(s)) => s.parse::<i64>().ok(),
            Some(J::Number(n)) => n.as_i64(),
            _ => None,
        };
        let Some(start) = start else {
            f.problem(
                &ptr(&at, "period"),
                "`period` must be a time in milliseconds since the epoch",
            );
            continue;
        };
        let c = counters(obj, &at, f);
        // A period in which no request was sent has no `http.requests`.
        let q = sent(&c).unwrap_or_default();
        let sat = ptr(&ptr(&at, "summaries"), "http.response_time");
        let l = obj
            .get("summaries")
            .and_then(|s| s.get("http.response_time"))
            .map(|s| latency(s, &sat, f))
            .unwrap_or_default();
        periods.push((start, q, l));
    }
    periods.sort_by_key(|p| p.0);
    let step = periods
        .windows(2)
        .map(|w| (w[1].0 - w[0].0) as f64)
        .find(|d| *d > 0.0)
        .unwrap_or(PERIOD_MS);
    r.windows = periods
        .into_iter()
        .map(|(start_ms, requests, latency)| Window {
            start_ms,
            length: step * MS,
            requests,
            latency,
        })
        .collect();
    r.requests = requests?;
    Some(r)
}

/// A period's counters as (name, count).
fn counters(obj: &Map<String, J>, at: &str, f: &mut Fields) -> Vec<(String, u64)> {
    let at = ptr(at, "counters");
    let Some(map) = f.object(obj.get("counters"), &at) else {
        return Vec::new();
    };
    map.iter()
        .filter_map(|(k, v)| f.count(Some(v), &ptr(&at, k)).map(|n| (k.clone(), n)))
        .collect()
}

fn get(counters: &[(String, u64)], name: &str) -> Option<u64> {
    counters.iter().find(|c| c.0 == name).map(|c| c.1)
}

/// `http.requests` sent; failed are those with no response (`http.requests` − `http.responses`:
/// an error such as `ETIMEDOUT` instead) and those answered 400 or above.
fn sent(counters: &[(String, u64)]) -> Option<Requests> {
    let total = get(counters, "http.requests")?;
    let responses = get(counters, "http.responses").unwrap_or(0);
    let bad = status_failures(counters, "http.codes.");
    let failed = total.saturating_sub(responses) + bad;
    Some(Requests {
        total,
        failed: failed.min(total),
        dropped: None,
        timeouts: Some(timeouts(counters, "errors.")),
    })
}

/// An endpoint's requests: its responses by status plus its errors.
fn requests_by_codes(counters: &[(String, u64)], prefix: &str) -> Option<Requests> {
    let codes = format!("{prefix}codes.");
    let errors = format!("{prefix}errors.");
    let answered: u64 = counters
        .iter()
        .filter(|c| c.0.starts_with(&codes))
        .map(|c| c.1)
        .sum();
    let errored: u64 = counters
        .iter()
        .filter(|c| c.0.starts_with(&errors))
        .map(|c| c.1)
        .sum();
    let total = answered + errored;
    (total > 0).then(|| Requests {
        total,
        failed: status_failures(counters, &codes) + errored,
        dropped: None,
        timeouts: Some(timeouts(counters, &errors)),
    })
}

fn status_failures(counters: &[(String, u64)], prefix: &str) -> u64 {
    counters
        .iter()
        .filter_map(|(k, n)| Some((k.strip_prefix(prefix)?.parse::<u16>().ok()?, n)))
        .filter(|(code, _)| *code >= 400)
        .map(|(_, n)| n)
        .sum()
}

/// Errors that are timeouts (`errors.ETIMEDOUT`, `errors.ESOCKETTIMEDOUT`).
fn timeouts(counters: &[(String, u64)], prefix: &str) -> u64 {
    counters
        .iter()
        .filter(|(k, _)| {
            k.strip_prefix(prefix)
                .is_some_and(|e| e.to_ascii_uppercase().contains("TIMEDOUT"))
        })
        .map(|c| c.1)
        .sum()
}

fn latency(s: &J, at: &str, f: &mut Fields) -> Latency {
    if f.object(Some(s), at).is_none() {
        return Latency::default();
    }
    let mut ms = |k: &str| f.latency(s, at, k, MS);
    Latency {
        min: ms("min"),
        mean: ms("mean"),
        p50: ms("median").or_else(|| ms("p50")),
        p90: ms("p90"),
        p95: ms("p95"),
        p99: ms("p99"),
        p999: ms("p999"),
        max: ms("max"),
    }
}

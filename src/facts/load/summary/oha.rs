//! oha's `--output-format json`: `summary` {`successRate`, `total` (the run, seconds), `slowest`,
//! `fastest`, `average`, `requestsPerSec`}, `latencyPercentiles` {`p10` … `p99.99`} in seconds,
//! `statusCodeDistribution` {status: count} and `errorDistribution` {message: count}.
//!
//! oha's `--latency-correction` corrects for coordinated omission, but its JSON does not say
//! whether it was on (a corrected and an uncorrected run write the same fields), so
//! `co_corrected` is left to the plan.

use super::{Fields, no_requests, ptr};
use crate::facts::load::model::{Latency, LoadResult, Requests};
use serde_json::Value as J;

const S: f64 = 1e9;
/// The error oha gives the requests still in flight when `-z` ends the run: cut off by the end of
/// the test, not answered wrongly, so they are not counted as requests.
const DEADLINE: &str = "aborted due to deadline";

pub(super) fn read(doc: &J, f: &mut Fields) -> Option<LoadResult> {
    let mut r = LoadResult {
        tool: "oha".into(),
        format: "json".into(),
        ..LoadResult::default()
    };
    let summary = &doc["summary"];
    f.object(doc.get("summary"), "/summary");
    r.duration = f.latency(summary, "/summary", "total", S);
    r.achieved_rate = f.non_negative(summary.get("requestsPerSec"), "/summary/requestsPerSec");
    let p = &doc["latencyPercentiles"];
    f.object(doc.get("latencyPercentiles"), "/latencyPercentiles");
    let at = "/latencyPercentiles";
    r.latency = Latency {
        min: f.latency(summary, "/summary", "fastest", S),
        mean: f.latency(summary, "/summary", "average", S),
        p50: f.latency(p, at, "p50", S),
        p90: f.latency(p, at, "p90", S),
        p95: f.latency(p, at, "p95", S),
        p99: f.latency(p, at, "p99", S),
        p999: f.latency(p, at, "p99.9", S),
        max: f.latency(summary, "/summary", "slowest", S),
    };

    // Every request either got a status or an error.
    let (mut answered, mut bad) = (0u64, 0u64);
    match f.object(doc.get("statusCodeDistribution"), "/statusCodeDistribution") {
        Some(codes) => {
            for (code, n) in codes {
                let at = ptr("/statusCodeDistribution", code);
                let n = f.count(Some(n), &at).unwrap_or(0);
                match code.parse::<u16>() {
                    Ok(c) => {
                        answered += n;
                        if c >= 400 {
                            bad += n;
                        }
                    }
                    Err(_) => f.problem(&at, format!("`{code}` is not an HTTP status")),
                }
            }
        }
        None => f.problem(
            "",
            "`statusCodeDistribution` is missing: gate cannot count the requests",
        ),
    }
    // oha always writes `errorDistribution` (`{}` when nothing failed); without it the errored
    // requests are unknown, so the counts that need them are errors, not zeros.
    let (mut errored, mut timeouts) = (0u64, 0u64);
    if doc.get("errorDistribution").is_none() {
        f.problem(
            "",
            "`errorDistribution` is missing: gate cannot count the requests that got no answer",
        );
    }
    if let Some(errors) = f.object(doc.get("errorDistribution"), "/errorDistribution") {
        for (message, n) in errors {
            let n = f
                .count(Some(n), &ptr("/errorDistribution", message))
                .unwrap_or(0);
            if message == DEADLINE {
                continue;
            }
            errored += n;
            if message.to_lowercase().contains("timeout") {
                timeouts += n;
            }
        }
    }
    let total = answered + errored;
    if total == 0 && f.problems.is_empty() {
        f.problems.push(no_requests("/statusCodeDistribution"));
    }
    r.requests = Requests {
        total,
        failed: bad + errored,
        dropped: None,
        timeouts: Some(timeouts),
    };
    // The latencies are those of the answered requests.
    r.samples = answered;
    Some(r)
}

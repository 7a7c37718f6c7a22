//! vegeta's `report -type=json`: one object with `latencies` in nanoseconds (`total`, `mean`,
//! `50th`, `90th`, `95th`, `99th`, `max`, `min`), `requests`, `rate` (requests per second sent),
//! `throughput` (successful ones per second, waiting included), `success` (the ratio of 2xx/3xx
//! responses), `duration` and `wait` in nanoseconds, `earliest` as RFC 3339, `status_codes`
//! (`"0"` for a request that got no response) and `errors` (each distinct error once).

use super::{Fields, no_requests, ptr};
use crate::facts::load::model::{Latency, LoadResult, Requests};
use serde_json::Value as J;

pub(super) fn read(doc: &J, f: &mut Fields) -> Option<LoadResult> {
    let mut r = LoadResult {
        tool: "vegeta".into(),
        format: "report".into(),
        ..LoadResult::default()
    };
    let l = &doc["latencies"];
    f.object(doc.get("latencies"), "/latencies");
    let mut ns = |k: &str| f.latency(l, "/latencies", k, 1.0);
    r.latency = Latency {
        min: ns("min"),
        mean: ns("mean"),
        p50: ns("50th"),
        p90: ns("90th"),
        p95: ns("95th"),
        p99: ns("99th"),
        p999: None,
        max: ns("max"),
    };
    let total = f.need_count(doc, "", "requests");
    if total == Some(0) {
        f.problems.push(no_requests("/requests"));
    }
    r.achieved_rate = f.non_negative(doc.get("rate"), "/rate");
    // `duration` is the attack, first request to last; `wait` the time after it for the last
    // responses. The test took both.
    let duration = f.non_negative(doc.get("duration"), "/duration");
    let wait = f.non_negative(doc.get("wait"), "/wait");
    r.duration = duration.map(|d| d + wait.unwrap_or(0.0));
    r.started_ms = f.time(doc.get("earliest"), "/earliest");

    // Failed requests: a status of 0 (no response) or 400 and above, as vegeta's own `success`
    // counts them. The exact counts are in `status_codes`; `success` is only a ratio.
    let failed = match f.object(doc.get("status_codes"), "/status_codes") {
        Some(codes) => {
            let mut failed = 0;
            for (code, n) in codes {
                let at = ptr("/status_codes", code);
                let n = f.count(Some(n), &at);
                match code.parse::<u16>() {
                    Ok(c) if c == 0 || c >= 400 => failed += n.unwrap_or(0),
                    Ok(_) => {}
                    Err(_) => f.problem(&at, format!("`{code}` is not an HTTP status")),
                }
            }
            Some(failed)
        }
        None => {
            let success = f.non_negative(doc.get("success"), "/success");
            match (success, total) {
                (Some(s), Some(t)) if s <= 1.0 => Some(t - (s * t as f64).round() as u64),
                (Some(_), _) => {
                    f.problem("/success", "`success` is a ratio and cannot be above 1");
                    None
                }
                _ => {
                    f.problem("", "there is neither `status_codes` nor `success`: gate cannot tell how many requests failed");
                    None
                }
            }
        }
    };
    let (total, failed) = (total?, failed?);
    if failed > total {
        f.problem(
            "/status_codes",
            format!("{failed} failed requests are more than the {total} in `requests`"),
        );
    }
    r.requests = Requests {
        total,
        failed,
        ..Requests::default()
    };
    r.samples = total;
    Some(r)
}

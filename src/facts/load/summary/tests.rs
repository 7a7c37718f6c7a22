#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use super::*;
use serde_json::json;
use std::path::Path;

fn fixture(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/load/summary")
        .join(rel)
}

fn load(rel: &str, tool: Option<Tool>) -> (Result<LoadResult, Vec<Diagnostic>>, SourceMap) {
    let mut sources = SourceMap::default();
    let input = match results::read(&fixture(rel), "the load results", None, &mut sources) {
        Ok(i) => i,
        Err(d) => return (Err(vec![d]), sources),
    };
    (read(&input, tool, &mut sources), sources)
}

fn facts(rel: &str, tool: Option<Tool>) -> (LoadResult, J) {
    match load(rel, tool) {
        (Ok(r), _) => {
            let j = r.to_json();
            (r, j)
        }
        (Err(ds), sources) => panic!("{}", crate::diag::render(&ds, &sources, false)),
    }
}

/// The diagnostics, rendered, with each one's (code, line, column).
fn errors(rel: &str, tool: Option<Tool>) -> (Vec<(&'static str, usize, usize)>, String) {
    let (r, sources) = load(rel, tool);
    let Err(ds) = r else {
        panic!("{rel} read without error")
    };
    let at = ds
        .iter()
        .map(|d| {
            let l = d.location(&sources);
            (
                d.code,
                l.as_ref().map_or(0, |l| l.line),
                l.map_or(0, |l| l.column),
            )
        })
        .collect();
    let messages: Vec<String> = ds
        .iter()
        .map(|d| format!("{} (help: {:?})", d.message, d.help))
        .collect();
    (
        at,
        format!(
            "{}\n{}",
            messages.join("\n"),
            crate::diag::render(&ds, &sources, false)
        ),
    )
}

#[test]
fn k6_summary_export() {
    let (r, j) = facts("k6/summary-export.json", None);
    assert_eq!(r.format, "summary-export");
    assert_eq!(
        j["requests"],
        json!({"total": 1200, "failed": 13, "error_rate": 0.010833, "dropped": 3})
    );
    assert_eq!(
        j["latency"],
        json!({"min": "3.2481ms", "mean": "140.3625ms", "p50": "92.1ms", "p90": "301.2ms",
               "p95": "412.0789ms", "max": "1.2045s"})
    );
    assert_eq!(j["achieved_rate"], json!(19.998));
    assert!(j.get("duration").is_none());
    assert_eq!(j["co_corrected"], J::Null);
    assert_eq!(j["samples"], json!(1200));
    assert_eq!(
        j["endpoints"],
        json!([{"name": "checkout",
                "requests": {"total": 300, "failed": 13, "error_rate": 0.043333},
                "latency": {"min": "30.0004ms", "mean": "310.5ms", "p50": "280.25ms", "p90": "520.75ms",
                            "p95": "640.5ms", "max": "1.2045s"}}])
    );
    // `false` in a summary export is a threshold that passed.
    assert_eq!(
        j["thresholds"],
        json!([
            {"metric": "http_req_duration", "expression": "p(95)<500", "passed": true},
            {"metric": "http_req_duration{name:checkout}", "expression": "p(95)<600", "passed": false},
            {"metric": "http_req_failed", "expression": "rate<0.01", "passed": false},
        ])
    );
}

#[test]
fn k6_handle_summary() {
    let (r, j) = facts("k6/handle-summary.json", Some(Tool::K6));
    assert_eq!(r.format, "handle-summary");
    assert_eq!(
        j["requests"],
        json!({"total": 600, "failed": 2, "error_rate": 0.003333})
    );
    assert_eq!(
        j["latency"],
        json!({"min": "2.0789ms", "mean": "88.41ms", "p50": "61.5ms", "p90": "180.25ms",
               "p95": "260.5ms", "p99": "702.75ms", "max": "950.125ms"})
    );
    assert_eq!(j["duration"], json!("30012.345678ms"));
    assert_eq!(j["achieved_rate"], json!(19.992));
    assert_eq!(j["samples"], json!(600));
    assert_eq!(j["endpoints"][0]["name"], json!("search"));
    assert_eq!(
        j["endpoints"][0]["requests"],
        json!({"total": 200, "failed": 2, "error_rate": 0.01})
    );
    assert_eq!(j["endpoints"][0]["latency"]["p99"], json!("800.5ms"));
    assert_eq!(
        j["thresholds"],
        json!([
            {"metric": "http_req_failed", "expression": "rate<0.01", "passed": true},
            {"metric": "http_req_duration", "expression": "p(95)<250", "passed": false},
            {"metric": "http_req_duration", "expression": "p(99)<1000", "passed": true},
            {"metric": "http_req_duration{name:search}", "expression": "p(95)<400", "passed": true},
        ])
    );
}

#[test]
fn vegeta_report() {
    let (r, j) = facts("vegeta/report.json", None);
    assert_eq!((r.tool.as_str(), r.format.as_str()), ("vegeta", "report"));
    assert_eq!(
        j["requests"],
        json!({"total": 600, "failed": 8, "error_rate": 0.013333})
    );
    assert_eq!(
        j["latency"],
        json!({"min": "1.250002ms", "mean": "4.000189ms", "p50": "3.512045ms", "p90": "6.02031ms",
               "p95": "7.811044ms", "p99": "15.250987ms", "max": "30.120455ms"})
    );
    assert_eq!(j["duration"], json!("11987.331233ms"));
    assert_eq!(j["started"], json!("2026-12-06T20:00:00Z"));
    assert_eq!(j["achieved_rate"], json!(50.07));
    assert_eq!(j["samples"], json!(600));
}

#[test]
fn the_tool_named_must_match_the_file() {
    let (at, text) = errors("k6/summary-export.json", Some(Tool::Locust));
    assert_eq!(at[0].0, "load-format", "{text}");
    assert!(text.contains("not like locust output"), "{text}");
}

#[test]
fn locust_stats_csv_with_its_siblings() {
    let (r, j) = facts("locust/run_stats.csv", None);
    assert_eq!(
        (r.tool.as_str(), r.format.as_str()),
        ("locust", "stats-csv")
    );
    assert!(
        r.file
            .ends_with("fixtures/load/summary/locust/run_stats.csv"),
        "{}",
        r.file
    );
    assert_eq!(
        j["requests"],
        json!({"total": 70, "failed": 1, "error_rate": 0.014286, "timeouts": 0})
    );
    // Locust's buckets round 126.47 ms to 130 ms: its p99 is above its exact max.
    assert_eq!(
        j["latency"],
        json!({"min": "3.462006ms", "mean": "28.471362ms", "p50": "14ms", "p90": "92ms",
               "p95": "95ms", "p99": "130ms", "p999": "130ms", "max": "126.465586ms"})
    );
    assert_eq!(j["model"], json!("closed"));
    assert_eq!(j["achieved_rate"], json!(7.771));
    assert_eq!(j["duration"], json!("9s"));
    assert_eq!(j["started"], json!("2026-12-06T20:51:54Z"));
    assert_eq!(j["samples"], json!(70));
    let names: Vec<_> = r
        .endpoints
        .iter()
        .map(|e| (e.name.as_str(), e.requests.total, e.requests.failed))
        .collect();
    assert_eq!(names, [("/catalog", 53, 0), ("/checkout", 17, 1)]);
    assert_eq!(j["endpoints"][1]["latency"]["p50"], json!("91ms"));
    // Counts from the history's running totals; its percentiles are over Locust's rolling 10 s,
    // not the window, so the window has no latency.
    let w = &j["windows"];
    assert_eq!(w.as_array().map(Vec::len), Some(1));
    assert_eq!(w[0]["start"], json!("2026-12-06T20:51:54Z"));
    assert_eq!(w[0]["length"], json!("10s"));
    assert_eq!(w[0]["requests"], json!(70));
    assert_eq!(w[0]["error_rate"], json!(0.014286));
    assert_eq!(w[0]["latency"], json!({}));
}

#[test]
fn locust_json_percentiles_from_its_histograms() {
    let (r, j) = facts("locust/run.json", Some(Tool::Locust));
    assert_eq!(r.format, "json");
    assert_eq!(
        j["requests"],
        json!({"total": 76, "failed": 1, "error_rate": 0.013158})
    );
    assert_eq!(
        j["latency"],
        json!({"min": "3.462006ms", "mean": "31.130713ms", "p50": "15ms", "p90": "93ms",
               "p95": "100ms", "p99": "130ms", "p999": "130ms", "max": "126.465586ms"})
    );
    assert_eq!(j["duration"], json!("9716.638565ms"));
    assert_eq!(j["achieved_rate"], json!(7.822));
    assert_eq!(j["started"], json!("2026-12-06T20:51:54.226Z"));
    // The same percentile rule as Locust's CSV: /catalog's p50 and p90 agree with run_stats.csv.
    assert_eq!(j["endpoints"][0]["latency"]["p50"], json!("12ms"));
    assert_eq!(j["endpoints"][0]["latency"]["p90"], json!("21ms"));
    assert_eq!(j["windows"][0]["requests"], json!(76));
}

#[test]
fn artillery_report() {
    let (r, j) = facts("artillery/report.json", None);
    assert_eq!(
        (r.tool.as_str(), r.format.as_str()),
        ("artillery", "report")
    );
    assert_eq!(
        j["requests"],
        json!({"total": 72, "failed": 6, "error_rate": 0.083333, "timeouts": 0})
    );
    assert_eq!(
        j["latency"],
        json!({"min": "2ms", "mean": "41.7ms", "p50": "24.8ms", "p90": "106.7ms",
               "p95": "108.9ms", "p99": "120.3ms", "p999": "120.3ms", "max": "133ms"})
    );
    assert_eq!(j["model"], json!("open"));
    assert_eq!(j["achieved_rate"], json!(6));
    assert_eq!(j["duration"], json!("11.907s"));
    assert_eq!(j["samples"], json!(72));
    let names: Vec<_> = r
        .endpoints
        .iter()
        .map(|e| (e.name.as_str(), e.requests.total, e.requests.failed))
        .collect();
    assert_eq!(names, [("catalog", 36, 0), ("checkout", 36, 6)]);
    assert_eq!(j["endpoints"][1]["latency"]["p95"], json!("111.1ms"));
    let windows: Vec<_> = r
        .windows
        .iter()
        .map(|w| (w.start_ms, w.length, w.requests.total))
        .collect();
    assert_eq!(
        windows,
        [(1_796_590_470_000, 1e10, 32), (1_796_590_480_000, 1e10, 40)]
    );
}

#[test]
fn oha_json() {
    let (r, j) = facts("oha/corrected.json", None);
    assert_eq!((r.tool.as_str(), r.format.as_str()), ("oha", "json"));
    // The 4 requests cut off by `-z` are not requests that failed.
    assert_eq!(
        j["requests"],
        json!({"total": 179, "failed": 20, "error_rate": 0.111732, "timeouts": 0})
    );
    assert_eq!(j["latency"]["min"], json!("39.427964ms"));
    assert_eq!(j["latency"]["p50"], json!("363.998857ms"));
    assert_eq!(j["latency"]["p999"], json!("568.862297ms"));
    assert_eq!(j["latency"]["max"], json!("568.862297ms"));
    assert_eq!(j["duration"], json!("5001.9378ms"));
    assert_eq!(j["achieved_rate"], json!(36.586));
    // oha's JSON does not say whether `--latency-correction` was on.
    assert_eq!(j["co_corrected"], J::Null);
    let (_, j) = facts("oha/plain.json", Some(Tool::Oha));
    assert_eq!(j["requests"]["total"], json!(100));
}

#[test]
fn broken_inputs_are_located_errors() {
    let (at, text) = errors("broken/truncated.json", None);
    assert_eq!(at[0].0, "results-truncated", "{text}");
    assert!(text.contains("truncated.json"), "{text}");

    let (at, text) = errors("broken/wrong-type.json", None);
    assert_eq!(
        at,
        [("load-field", 75, 22), ("load-field", 37, 22)],
        "{text}"
    );
    assert!(
        text.contains("`count` must be a number, not a string"),
        "{text}"
    );
    assert!(text.contains("wrong-type.json"), "{text}");

    let (at, text) = errors("broken/empty.json", None);
    assert_eq!(at[0].0, "results-empty", "{text}");

    let (at, text) = errors("broken/no-duration.json", Some(Tool::K6));
    assert_eq!(at.len(), 1, "{text}");
    assert!(text.contains("no `http_req_duration`"), "{text}");

    let (at, text) = errors("broken/bad-number_stats.csv", None);
    assert_eq!(at, [("load-field", 2, 19)], "{text}");
    assert!(
        text.contains("`Median Response Time` must be a number, not `abc`"),
        "{text}"
    );

    let (at, text) = errors("broken/no-requests_stats.csv", Some(Tool::Locust));
    assert_eq!(at, [("load-field", 2, 1)], "{text}");
    assert!(text.contains("the test did not run"), "{text}");

    // Seconds 25 years apart would be ~26 million windows: refused, located at the latest second.
    let (at, text) = errors("broken/locust-span.json", Some(Tool::Locust));
    assert_eq!(at.len(), 1, "{text}");
    assert_eq!(at[0].0, "load-field", "{text}");
    assert!(
        text.contains("the seconds run from 1000000000 to 1796590323")
            && text.contains("more than 20000 windows of 30 s"),
        "{text}"
    );
    assert!(text.contains("/0/num_reqs_per_sec/1796590323"), "{text}");

    let (at, text) = errors("broken/unknown.json", None);
    assert_eq!(at[0].0, "load-format", "{text}");
    assert!(text.contains("Locust"), "{text}");
}

#[test]
fn oha_without_its_error_distribution_is_an_error_not_zero_failures() {
    let text = std::fs::read_to_string(fixture("oha/plain.json")).unwrap();
    let mut doc: J = serde_json::from_str(&text).unwrap();
    doc.as_object_mut().unwrap().remove("errorDistribution");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oha.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    let mut sources = SourceMap::default();
    let input = results::read(&path, "the load results", None, &mut sources).unwrap();
    let Err(ds) = read(&input, Some(Tool::Oha), &mut sources) else {
        panic!("read without `errorDistribution`")
    };
    assert!(
        ds.iter()
            .any(|d| d.message.contains("`errorDistribution` is missing")),
        "{ds:?}"
    );
}

//! The `load` producer's raw streams end to end: the fixtures under fixtures/load/stream (JMeter
//! JTL CSV, k6 `--out json` NDJSON, vegeta JSON lines; see their README.md), read through the
//! binary. The expected facts are computed by hand from the fixtures (comments say how).

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::expect_used,
    clippy::print_stderr
)]

use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Output;

mod common;

use common::{NOW, gate_in, root};

fn dir() -> PathBuf {
    root().join("fixtures/load/stream")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `gate facts --load FILE…` in the fixtures folder: the `load` namespace.
fn load(files: &[&str]) -> (Output, Value) {
    let mut args = vec!["facts", "--now", NOW];
    for f in files {
        args.extend(["--load", f]);
    }
    let out = gate_in(&dir(), &args);
    let facts = serde_json::from_slice::<Value>(&out.stdout)
        .map(|v| v["load"].clone())
        .unwrap_or(Value::Null);
    (out, facts)
}

fn ok(files: &[&str]) -> Value {
    let (out, facts) = load(files);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    facts
}

fn starts(facts: &Value) -> Vec<&str> {
    facts["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["start"].as_str().unwrap())
        .collect()
}

fn names(facts: &Value) -> Vec<&str> {
    facts["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect()
}

/// The namespace as pretty JSON (serde_json's own writer: with `arbitrary_precision`, insta's
/// JSON serializer would spell every number as a private struct).
fn snapshot(name: &str, facts: &Value) {
    insta::assert_snapshot!(name, serde_json::to_string_pretty(facts).unwrap());
}

#[test]
fn a_jmeter_jtl_gives_exact_facts() {
    let f = ok(&["jmeter/results.jtl"]);
    assert_eq!(f["tool"], "jmeter");
    // 16 rows: a 500, a read timeout and a failed assertion (code 200, success false).
    assert_eq!(
        f["requests"],
        json!({"total": 16, "failed": 3, "error_rate": 0.1875, "timeouts": 1})
    );
    assert_eq!(f["samples"], 16);
    assert_eq!(f["latency"]["min"], "88ms");
    assert_eq!(f["latency"]["max"], "10s");
    // 11,963 ms over 16 samples, exactly.
    assert_eq!(f["latency"]["mean"], "747.6875ms");
    // Sorted: 88 90 93 95 97 99 101 105 | 115 …: the 8th of 16 is 105 ms.
    assert_eq!(f["latency"]["p50"], "105ms");
    // First start 10:00:00.000, last end 10:01:09.615 (69500 + 115 ms).
    assert_eq!(f["duration"], "1.16025m");
    assert_eq!(f["started"], "2026-11-27T10:00:00+00:00");
    assert_eq!(f["co_corrected"], Value::Null);
    assert_eq!(names(&f), ["GET /products", "POST /checkout"]);
    assert_eq!(f["endpoints"][1]["requests"]["failed"], 3);
    assert_eq!(f["endpoints"][1]["requests"]["timeouts"], 1);
    // Windows of 30 s from the first start, by when each request ended: 7, 6 and 3 requests.
    assert_eq!(
        starts(&f),
        [
            "2026-11-27T10:00:00+00:00",
            "2026-11-27T10:00:30+00:00",
            "2026-11-27T10:01:00+00:00"
        ]
    );
    let w = f["windows"].as_array().unwrap();
    let counts: Vec<u64> = w.iter().map(|w| w["requests"].as_u64().unwrap()).collect();
    assert_eq!(counts, [7, 6, 3]);
    let p99: Vec<&str> = w.iter().map(|w| w["p99"].as_str().unwrap()).collect();
    assert_eq!(p99, ["310ms", "10s", "128ms"]);
    // Window 2: 90 93 97 132 250 10000 ms; the 3rd of 6 is 97 ms.
    assert_eq!(w[1]["latency"]["p50"], "97ms");
    snapshot("jtl", &f);
}

#[test]
fn a_jtl_with_only_four_columns_is_read_by_name() {
    let f = ok(&["jmeter/minimal.jtl"]);
    // Without `responseCode` or `responseMessage` a timeout cannot be told: not produced.
    assert_eq!(
        f["requests"],
        json!({"total": 4, "failed": 1, "error_rate": 0.25})
    );
    // 80 90 120 250 ms.
    assert_eq!(f["latency"]["p50"], "90ms");
    assert_eq!(f["latency"]["mean"], "135ms");
    assert_eq!(f["duration"], "6.09s");
    assert_eq!(names(&f), ["Home", "Search"]);
    assert_eq!(starts(&f), ["2026-11-27T10:00:00+00:00"]);
}

#[test]
fn a_k6_point_stream_gives_exact_facts() {
    let f = ok(&["k6/results.ndjson"]);
    assert_eq!(f["tool"], "k6");
    // Failures by `http_req_failed` (a Rate: 1 is a failed request): the 500 and the timeout.
    assert_eq!(
        f["requests"],
        json!({"total": 10, "failed": 2, "error_rate": 0.2, "dropped": 2, "timeouts": 1})
    );
    assert_eq!(f["latency"]["min"], "45.123456ms");
    assert_eq!(f["latency"]["max"], "5.000417s");
    // 5,791.873556 ms / 10, to the nanosecond below.
    assert_eq!(f["latency"]["mean"], "579.187355ms");
    // 45.12 47.5 48.25 52.5 61.0001 | …: the 5th of 10 is 61.0001 ms, 61.0 at 3 digits.
    assert_eq!(f["latency"]["p50"], "61ms");
    // First start 10:00:00.215 - 45.123456 ms; last end 10:00:49.950 (times are +01:00).
    assert_eq!(f["duration"], "49780.123456ms");
    assert_eq!(names(&f), ["home", "login"]);
    assert_eq!(f["endpoints"][1]["requests"]["failed"], 2);
    // The grid starts at the first start, to the millisecond.
    assert_eq!(
        starts(&f),
        [
            "2026-11-27T10:00:00.169+00:00",
            "2026-11-27T10:00:30.169+00:00"
        ]
    );
    assert_eq!(f["windows"][0]["requests"], 6);
    assert_eq!(f["windows"][0]["error_rate"], 0.333333);
    assert_eq!(f["windows"][1]["error_rate"], 0);
    snapshot("k6", &f);
}

#[test]
fn vegeta_json_lines_give_exact_facts() {
    let f = ok(&["vegeta/results.json"]);
    assert_eq!(f["tool"], "vegeta");
    // The 500 and the client timeout (code 0) failed; 201 is a success.
    assert_eq!(
        f["requests"],
        json!({"total": 8, "failed": 2, "error_rate": 0.25, "timeouts": 1})
    );
    assert_eq!(f["latency"]["min"], "9.87ms");
    assert_eq!(f["latency"]["max"], "2s");
    // 9.87 10.5 11 12.345678 | …: the 4th of 8, 12.3 ms at 3 digits.
    assert_eq!(f["latency"]["p50"], "12.3ms");
    assert_eq!(f["duration"], "2.5s");
    assert_eq!(
        names(&f),
        [
            "GET http://127.0.0.1:8080/products",
            "POST http://127.0.0.1:8080/checkout"
        ]
    );
    snapshot("vegeta", &f);
}

#[test]
fn two_jtl_files_merge_their_histograms() {
    let f = ok(&["jmeter/results.jtl", "jmeter/results-agent2.jtl"]);
    assert_eq!(f["tool"], "jmeter");
    assert_eq!(
        f["requests"],
        json!({"total": 24, "failed": 4, "error_rate": 0.166667, "timeouts": 1})
    );
    // All 24 sorted: 88 90 93 95 97 99 101 105 115 120 128 132 | 140 160 …: the 12th is 132 ms.
    // (The files' own medians are 105 and 180 ms: averaging them would say 142.5 ms.)
    assert_eq!(f["latency"]["p50"], "132ms");
    assert_eq!(f["sources"][0]["latency"]["p50"], "105ms");
    assert_eq!(f["sources"][1]["latency"]["p50"], "180ms");
    assert_eq!(f["latency"]["min"], "88ms");
    assert_eq!(f["latency"]["max"], "10s");
    assert_eq!(names(&f), ["GET /products", "POST /checkout"]);
    assert_eq!(f["endpoints"][0]["requests"]["total"], 12);
    // One grid for both files: agent 2's samples fall in the same three windows.
    let counts: Vec<u64> = f["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["requests"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [7 + 4, 6 + 3, 3 + 1]);
}

#[test]
fn a_summary_among_streams_is_not_merged() {
    let (out, f) = load(&["jmeter/results.jtl", "../summary/k6/summary-export.json"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("load-not-merged"), "{err}");
    assert!(f["latency"].get("p99").is_none(), "{f}");
    assert!(f["latency"].get("p50").is_none(), "{f}");
    // Windows would leave the summary's requests out: not produced.
    assert!(f.get("windows").is_none(), "{f}");
    assert_eq!(f["sources"].as_array().unwrap().len(), 2);
    assert_eq!(f["sources"][0]["latency"]["p99"], "10s");
}

#[test]
fn every_broken_stream_is_a_located_error() {
    for (file, at, code) in [
        (
            "broken/truncated.jtl",
            "broken/truncated.jtl:7:41",
            "results-truncated",
        ),
        (
            "broken/not-a-number.jtl",
            "broken/not-a-number.jtl:5:15",
            "load-field",
        ),
        (
            "broken/no-elapsed.jtl",
            "broken/no-elapsed.jtl:1:1",
            "load-field",
        ),
        ("broken/empty.jtl", "broken/empty.jtl:1:1", "results-empty"),
        (
            "broken/header-only.jtl",
            "broken/header-only.jtl:2:1",
            "load-empty",
        ),
        (
            "broken/broken-line.ndjson",
            "broken/broken-line.ndjson:20:70",
            "load-syntax",
        ),
    ] {
        let (out, _) = load(&[file]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{file}: {err}");
        assert!(err.contains(at), "{file}: expected `{at}` in {err}");
        assert!(err.contains(code), "{file}: expected `{code}` in {err}");
    }
    // vegeta's binary form is refused with the command that converts it.
    let (out, _) = load(&["broken/results.gob"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("broken/results.gob"), "{err}");
    assert!(err.contains("vegeta encode --to json"), "{err}");
}

#[test]
fn p99_in_every_window_is_a_policy() {
    let check = |file: &str| {
        let out = gate_in(
            &dir(),
            &[
                "check",
                "windows.gate",
                "--load",
                file,
                "--now",
                NOW,
                "--format",
                "json",
            ],
        );
        let report: Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
        (out.status.code(), report)
    };
    // Windows 1 and 2 of the JTL have p99 310 ms and 10 s.
    let (code, report) = check("jmeter/results.jtl");
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(report["verdict"], "no-go");
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "the window from 2026-11-27T10:00:00+00:00 has p99 310ms, over 300ms",
            "the window from 2026-11-27T10:00:30+00:00 has p99 10s, over 300ms"
        ]
    );
    // Every window of the four-column JTL is under 300 ms.
    let (code, report) = check("jmeter/minimal.jtl");
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["verdict"], "go");
}

/// The fast and the general reading of a vegeta line agree: `"error": null` is no error, and a
/// `null` method or URL names no endpoint "null" (a `\` in a line sends it to the general reading).
#[test]
fn vegeta_null_fields_read_the_same_on_both_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let line = |attack: &str, seq: u32| {
        format!(
            "{{\"attack\":\"{attack}\",\"seq\":{seq},\"code\":200,\"timestamp\":\"2026-11-27T12:00:0{seq}Z\",\"latency\":1000000,\"bytes_out\":0,\"bytes_in\":2,\"error\":null,\"body\":null,\"method\":\"GET\",\"url\":\"http://127.0.0.1/\"}}\n"
        )
    };
    let text = format!("{}{}", line("plain", 0), line("esc\\\\aped", 1));
    let file = tmp.path().join("results.json");
    std::fs::write(&file, text).unwrap();
    let facts = ok(&[&format!("vegeta={}", file.display())]);
    assert_eq!(facts["requests"]["total"], 2, "{facts}");
    assert_eq!(facts["requests"]["failed"], 0, "{facts}");
    assert_eq!(names(&facts), ["GET http://127.0.0.1/"]);
}

/// A request whose `status` tag is not a status is a located error, never a success.
#[test]
fn a_k6_point_with_a_bad_status_tag_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("k6.ndjson");
    std::fs::write(
        &file,
        "{\"type\":\"Point\",\"data\":{\"time\":\"2026-11-27T10:00:00Z\",\"value\":12.5,\"tags\":{\"method\":\"GET\",\"name\":\"home\",\"status\":\"OK\"}},\"metric\":\"http_req_duration\"}\n",
    )
    .unwrap();
    let (out, _) = load(&[&format!("k6={}", file.display())]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("the `status` tag is not an HTTP status: `OK`"),
        "{err}"
    );
    assert!(err.contains("k6.ndjson:1:"), "{err}");
}

/// A k6 point without a `status` tag cannot say whether its request failed: only the file's
/// `http_req_failed` points can, and without them the failures are unknown — an error, not zero.
#[test]
fn k6_points_without_a_status_need_http_req_failed() {
    let point = |metric: &str, value: &str| {
        format!(
            "{{\"type\":\"Point\",\"data\":{{\"time\":\"2026-11-27T10:00:00Z\",\"value\":{value},\"tags\":{{\"method\":\"GET\",\"name\":\"home\"}}}},\"metric\":\"{metric}\"}}\n"
        )
    };
    let tmp = tempfile::tempdir().unwrap();
    let without = tmp.path().join("without.ndjson");
    std::fs::write(&without, point("http_req_duration", "12.5").repeat(3)).unwrap();
    let (out, _) = load(&[&format!("k6={}", without.display())]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("3 `http_req_duration` points have no `status`")
            && err.contains("cannot tell how many requests failed"),
        "{err}"
    );
    assert!(err.contains("without.ndjson"), "{err}");

    let with = tmp.path().join("with.ndjson");
    let text = [
        point("http_req_duration", "12.5"),
        point("http_req_failed", "1"),
        point("http_req_duration", "13.5"),
        point("http_req_failed", "0"),
    ]
    .concat();
    std::fs::write(&with, text).unwrap();
    let facts = ok(&[&format!("k6={}", with.display())]);
    assert_eq!(facts["requests"]["total"], json!(2));
    assert_eq!(facts["requests"]["failed"], json!(1));
}

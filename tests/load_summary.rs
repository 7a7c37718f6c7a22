//! The load summary readers end to end: `gate facts --load [TOOL=]FILE` on the fixtures under
//! `fixtures/load/summary/` (see its README for which were made by which tool).

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

mod common;

use common::{NOW, gate_in, root};
use serde_json::{Value, json};

fn facts(load: &str) -> Value {
    let out = gate_in(&root(), &["facts", "--now", NOW, "--load", load]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["load"].clone()
}

fn fails(load: &str) -> String {
    let out = gate_in(&root(), &["facts", "--now", NOW, "--load", load]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn each_tool_is_told_apart_by_its_content() {
    for (file, tool) in [
        ("k6/summary-export.json", "k6"),
        ("k6/handle-summary.json", "k6"),
        ("locust/run_stats.csv", "locust"),
        ("locust/run.json", "locust"),
        ("artillery/report.json", "artillery"),
        ("oha/corrected.json", "oha"),
        ("vegeta/report.json", "vegeta"),
    ] {
        let load = facts(&format!("fixtures/load/summary/{file}"));
        assert_eq!(load["tool"], json!(tool), "{file}");
    }
}

#[test]
fn k6_thresholds_and_validity_are_facts() {
    let load = facts("k6=fixtures/load/summary/k6/summary-export.json");
    assert_eq!(load["requests"]["dropped"], json!(3));
    assert_eq!(load["latency"]["p95"], json!("412.0789ms"));
    assert!(load["latency"].get("p99").is_none(), "{load}");
    assert_eq!(load["thresholds"][1]["passed"], json!(false));
}

#[test]
fn broken_files_exit_2_naming_the_file() {
    let err = fails("k6=fixtures/load/summary/broken/wrong-type.json");
    assert!(err.contains("wrong-type.json:75:22"), "{err}");
    let err = fails("fixtures/load/summary/broken/truncated.json");
    assert!(
        err.contains("results-truncated") && err.contains("truncated.json"),
        "{err}"
    );
    let err = fails("fixtures/load/summary/broken/empty.json");
    assert!(err.contains("is empty"), "{err}");
    let err = fails("fixtures/load/summary/broken/bad-number_stats.csv");
    assert!(err.contains("bad-number_stats.csv:2:19"), "{err}");
    let err = fails("fixtures/load/summary/broken/no-requests_stats.csv");
    assert!(err.contains("did not run"), "{err}");
    let err = fails("fixtures/load/summary/broken/unknown.json");
    assert!(err.contains("load-format"), "{err}");
}

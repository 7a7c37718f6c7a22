//! The `source` producer end to end: the fixture crates under fixtures/source (their expected
//! facts are written down in fixtures/source/EXPECTED.md), bad inputs, and the inventory.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::expect_used,
    clippy::print_stderr
)]

use serde_json::Value;
use std::path::Path;
use std::process::Output;

mod common;

use common::{NOW, gate_in, root};

fn source_facts_in(dir: &Path, paths: &[&str]) -> (Output, Value) {
    let mut args = vec!["facts", "--now", NOW];
    for p in paths {
        args.extend(["--source", p]);
    }
    let out = gate_in(dir, &args);
    let facts = serde_json::from_slice::<Value>(&out.stdout)
        .map(|v| v["source"].clone())
        .unwrap_or(Value::Null);
    (out, facts)
}

fn write(dir: &Path, rel: &str, text: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn bad_files_are_reported_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "app/src/lib.rs",
        b"/// gate: regulated(pii, id = \"email\")\npub struct Email(pub String);\n",
    );
    write(d, "app/src/broken.rs", b"pub fn f( {\n");
    write(
        d,
        "app/src/latin1.rs",
        b"fn main() { let s = \"caf\xe9\"; }\n",
    );
    let deep = format!(
        "fn f() {{ let x = {}1{}; }}\n",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    write(d, "app/src/deep.rs", deep.as_bytes());
    // A big generated table: parsed, however long it is (under the 4 MiB limit).
    let mut table = String::from("pub static TABLE: &[u32] = &[\n");
    for i in 0..150_000 {
        table.push_str(&format!("    {i},\n"));
    }
    table.push_str("];\n");
    write(d, "app/src/generated.rs", table.as_bytes());
    #[cfg(unix)]
    std::os::unix::fs::symlink(".", d.join("app/src/loop")).unwrap();
    let (out, facts) = source_facts_in(d, &["app"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(facts["files"], 5, "{facts}");
    let errors: Vec<(String, u64, String)> = facts["parse_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                e["line"].as_u64().unwrap(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let files: Vec<&str> = errors.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(files, ["broken.rs", "deep.rs", "latin1.rs"], "{errors:?}");
    assert!(errors[2].2.contains("not UTF-8"), "{errors:?}");
    assert!(errors[1].2.contains("nest deeper"), "{errors:?}");
    // The good file was still read.
    assert_eq!(facts["regulated"][0]["path"], "Email");
}

#[test]
fn a_file_over_the_limit_is_reported_unread() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let f = std::fs::File::create(d.join("big.rs")).unwrap();
    f.set_len(5 << 20).unwrap();
    let (out, facts) = source_facts_in(d, &["big.rs"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        facts["parse_errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("larger than the 4 MiB"),
        "{facts}"
    );
}

#[test]
fn a_malformed_annotation_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "src/lib.rs",
        b"pub struct P {\n    #[regulated(id = \"x\")]\n    pub ssn: String,\n}\n",
    );
    let out = gate_in(
        d,
        &[
            "check",
            root().join("policies/release.gate").to_str().unwrap(),
            "--source",
            "src",
            "--now",
            NOW,
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "regulated-annotation")
        .unwrap_or_else(|| panic!("{}", report["errors"]));
    assert_eq!(e["location"]["file"], "src/lib.rs");
    assert_eq!(e["location"]["line"], 2);
}

#[test]
fn a_missing_source_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = source_facts_in(dir.path(), &["nowhere"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

/// Every key the expected document gives must match; the lists must match element by element
/// (the expected documents leave out columns and word exposures' `detail` loosely: the
/// snapshots pin both).
fn assert_subset(want: &Value, got: &Value, at: &str) {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, v) in w.iter().filter(|(k, _)| *k != "detail") {
                let gv = g
                    .get(k)
                    .unwrap_or_else(|| panic!("{at}/{k}: missing in the facts"));
                assert_subset(v, gv, &format!("{at}/{k}"));
            }
        }
        (Value::Array(w), Value::Array(g)) => {
            assert_eq!(
                w.len(),
                g.len(),
                "{at}: {} expected, {} found:\n{}",
                w.len(),
                g.len(),
                serde_json::to_string_pretty(got).unwrap()
            );
            for (i, (a, b)) in w.iter().zip(g).enumerate() {
                assert_subset(a, b, &format!("{at}/{i}"));
            }
        }
        _ => assert_eq!(want, got, "{at}"),
    }
}

fn fixture(name: &str) -> Value {
    let dir = root().join("fixtures/source").join(name);
    let (out, facts) = source_facts_in(&dir, &["src"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    facts
}

fn expected(name: &str) -> Value {
    let text =
        std::fs::read_to_string(root().join(format!("fixtures/source/expected/{name}.json")))
            .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v.get("source").cloned().unwrap_or(v)
}

#[test]
fn the_clinic_gives_exactly_the_expected_facts() {
    let got = fixture("clinic");
    assert_subset(&expected("clinic"), &got, "source");
    insta::assert_json_snapshot!("source-clinic", got);
}

#[test]
fn the_payments_module_gives_exactly_the_expected_facts() {
    let got = fixture("payments");
    assert_subset(&expected("payments"), &got, "source");
    insta::assert_json_snapshot!("source-payments", got);
}

#[test]
fn the_web_api_gives_exactly_the_expected_facts() {
    let got = fixture("webapi");
    assert_subset(&expected("webapi"), &got, "source");
    insta::assert_json_snapshot!("source-webapi", got);
}

fn item<'a>(facts: &'a Value, path: &str) -> &'a Value {
    facts["regulated"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == path)
        .unwrap_or_else(|| panic!("no regulated item `{path}`"))
}

/// No false exposures: a secret type under `derive(Debug)` is protected; a field with
/// `#[serde(skip)]` is not serialized; a redacting `serialize_with` is not an exposure; veil's
/// `#[redact]` protects; `#[instrument(skip(…))]` records nothing.
#[test]
fn protection_is_not_reported_as_exposure() {
    let clinic = fixture("clinic");
    let name = item(&clinic, "records::Patient::name");
    assert_eq!(name["protection"], "secret-type");
    assert_eq!(name["protected"], true);
    assert_eq!(name["exposures"], serde_json::json!([]));
    let ssn_kinds: Vec<&str> = item(&clinic, "records::Patient::ssn")["exposures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        !ssn_kinds.contains(&"serialize"),
        "ssn is #[serde(skip)]: {ssn_kinds:?}"
    );
    let payments = fixture("payments");
    for i in payments["regulated"].as_array().unwrap() {
        if i["protection"] != "none" {
            assert_eq!(
                i["protected"],
                i["exposures"].as_array().unwrap().is_empty(),
                "{i}"
            );
        }
    }
}

#[test]
fn broken_annotations_stop_the_run_with_every_error_located() {
    let dir = root().join("fixtures/source/broken");
    let out = gate_in(&dir, &["facts", "--source", ".", "--now", NOW]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("malformed_annotations.rs:"))
        .collect();
    assert_eq!(lines.len(), 4, "{stderr}");
    for line in [
        "malformed_annotations.rs:8:",
        "malformed_annotations.rs:10:",
        "malformed_annotations.rs:12:",
        "malformed_annotations.rs:14:",
    ] {
        assert!(stderr.contains(line), "no error at {line}:\n{stderr}");
    }
}

#[test]
fn the_inventory_lists_every_item_for_an_auditor() {
    let dir = root().join("fixtures/source/payments");
    let out = gate_in(
        &dir,
        &[
            "source",
            "inventory",
            "--source",
            "src",
            "--now",
            NOW,
            "--format",
            "markdown",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!(
        "source-inventory-payments",
        String::from_utf8(out.stdout).unwrap()
    );
    let out = gate_in(
        &dir,
        &[
            "source",
            "inventory",
            "--source",
            "src",
            "--now",
            NOW,
            "--format",
            "json",
        ],
    );
    let inv: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        inv["totals"]["items"],
        expected("payments")["regulated"].as_array().unwrap().len()
    );
}

#[test]
fn the_regulated_data_policy_blocks_the_clinic_and_cites_its_clauses() {
    let dir = root().join("fixtures/source/clinic");
    let out = gate_in(
        &dir,
        &[
            "check",
            root()
                .join("policies/regulated-data.gate")
                .to_str()
                .unwrap(),
            "--source",
            "src",
            "--now",
            NOW,
            "--format",
            "json",
        ],
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", report["errors"]);
    let mut rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    rules.dedup();
    insta::assert_json_snapshot!("source-clinic-policy-rules", rules);
}

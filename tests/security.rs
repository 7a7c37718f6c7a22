//! The `security` producer end to end, through the `gate` binary: the fixtures under
//! fixtures/security (real clippy-sarif and Semgrep output, hand-made ZAP, cargo-audit, npm audit
//! and Trivy reports — fixtures/security/README.md says which), the broken ones, and the security
//! rules of the release policy over them.

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
    root().join("fixtures/security")
}

/// `gate facts` in fixtures/security with these flags; the `security` namespace.
fn facts(flags: &[&str]) -> (Output, Value) {
    let mut args = vec!["facts", "--now", NOW];
    args.extend(flags);
    let out = gate_in(&dir(), &args);
    let facts = serde_json::from_slice::<Value>(&out.stdout)
        .map(|v| v["security"].clone())
        .unwrap_or(Value::Null);
    (out, facts)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const ALL: &[&str] = &[
    "--sarif",
    "clippy.sarif",
    "--sarif",
    "semgrep.sarif",
    "--zap",
    "zap.json",
    "--cargo-audit",
    "cargo-audit.json",
    "--npm-audit",
    "npm-audit.json",
    "--trivy",
    "trivy.json",
];

/// The fields of a finding that say what it is, in order.
fn key(f: &Value) -> Value {
    json!([
        f["tool"],
        f["rule"],
        f["severity"],
        f["suppressed"],
        f["file"],
        f["line"],
        f["column"],
        f["cwe"],
        f["advisory"],
        f["package"],
        f["fixed_in"],
        f["score"],
    ])
}

#[test]
fn every_fixture_gives_its_exact_facts() {
    let (out, sec) = facts(ALL);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!(
        "security-all-fixtures",
        serde_json::to_string_pretty(&sec).unwrap()
    );

    assert_eq!(
        sec["counts"],
        json!({"critical": 3, "high": 6, "medium": 11, "low": 3, "info": 1})
    );
    let scans: Vec<Value> = sec["scans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            json!([
                s["tool"],
                s["version"],
                s["started"],
                s["completed"],
                s["file"],
                s["format"],
                s["findings"]
            ])
        })
        .collect();
    assert_eq!(
        scans,
        [
            json!(["clippy", null, null, false, "clippy.sarif", "sarif", 4]),
            json!([
                "Semgrep OSS",
                "1.187.0",
                null,
                true,
                "semgrep.sarif",
                "sarif",
                3
            ]),
            json!([
                "ZAP",
                "2.15.0",
                "2026-11-24T10:04:51.2362114+00:00",
                true,
                "zap.json",
                "zap",
                4
            ]),
            json!([
                "cargo-audit",
                null,
                null,
                true,
                "cargo-audit.json",
                "cargo-audit",
                5
            ]),
            json!([
                "npm audit",
                null,
                null,
                true,
                "npm-audit.json",
                "npm-audit",
                5
            ]),
            json!([
                "Trivy",
                "0.58.1",
                "2026-11-26T09:15:02.123456789+00:00",
                true,
                "trivy.json",
                "trivy",
                6
            ]),
        ]
    );
    let findings: Vec<Value> = sec["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(key)
        .collect();
    let n = Value::Null;
    let expected = [
        // clippy: level warning → medium, 1-based columns as clippy-sarif writes them.
        json!([
            "clippy",
            "clippy::ptr_arg",
            "medium",
            false,
            "src/main.rs",
            1,
            14,
            n,
            n,
            n,
            n,
            n
        ]),
        json!([
            "clippy",
            "clippy::needless_range_loop",
            "medium",
            false,
            "src/main.rs",
            3,
            14,
            n,
            n,
            n,
            n,
            n
        ]),
        json!([
            "clippy",
            "clippy::assign_op_pattern",
            "medium",
            false,
            "src/main.rs",
            4,
            9,
            n,
            n,
            n,
            n,
            n
        ]),
        json!([
            "clippy",
            "clippy::len_zero",
            "medium",
            false,
            "src/main.rs",
            11,
            8,
            n,
            n,
            n,
            n,
            n
        ]),
        // Semgrep: the rule's security-severity "8.8" → high; the nosemgrep line is suppressed.
        json!([
            "Semgrep OSS",
            "sql-injection-format",
            "high",
            false,
            "src/app.py",
            7,
            5,
            "CWE-89",
            n,
            n,
            n,
            8.8
        ]),
        json!([
            "Semgrep OSS",
            "sql-injection-format",
            "high",
            true,
            "src/app.py",
            13,
            5,
            "CWE-89",
            n,
            n,
            n,
            8.8
        ]),
        json!([
            "Semgrep OSS",
            "weak-hash-md5",
            "medium",
            false,
            "src/app.py",
            18,
            12,
            "CWE-327",
            n,
            n,
            n,
            n
        ]),
        // ZAP: riskcode 3/2/1/0; confidence 0 is a suppressed false positive; cweid -1 is none.
        json!(["ZAP", "40012", "high", false, n, n, n, "CWE-79", n, n, n, n]),
        json!([
            "ZAP", "10038", "medium", false, n, n, n, "CWE-693", n, n, n, n
        ]),
        json!(["ZAP", "10021", "low", true, n, n, n, "CWE-693", n, n, n, n]),
        json!(["ZAP", "10027", "info", false, n, n, n, n, n, n, n, n]),
        // cargo-audit: CVSS vectors scored (7.5, 6.2), no vector → medium, warnings by kind.
        json!([
            "cargo-audit",
            "RUSTSEC-2021-0078",
            "high",
            false,
            n,
            n,
            n,
            n,
            "RUSTSEC-2021-0078",
            "hyper",
            ">=0.14.10",
            7.5
        ]),
        json!([
            "cargo-audit",
            "RUSTSEC-2020-0071",
            "medium",
            false,
            n,
            n,
            n,
            n,
            "RUSTSEC-2020-0071",
            "time",
            ">=0.2.23",
            6.2
        ]),
        json!([
            "cargo-audit",
            "RUSTSEC-2021-0124",
            "medium",
            false,
            n,
            n,
            n,
            n,
            "RUSTSEC-2021-0124",
            "tokio",
            ">=1.8.4, <1.9.0 or >=1.13.1",
            n
        ]),
        json!([
            "cargo-audit",
            "unmaintained",
            "low",
            false,
            n,
            n,
            n,
            n,
            "RUSTSEC-2021-0139",
            "ansi_term",
            n,
            n
        ]),
        json!([
            "cargo-audit",
            "yanked",
            "low",
            false,
            n,
            n,
            n,
            n,
            n,
            "nb-connect",
            n,
            n
        ]),
        // npm audit: one finding per advisory in `via`; mkdirp's string `via` adds none.
        json!([
            "npm audit",
            "GHSA-p6mc-m468-83gw",
            "high",
            false,
            n,
            n,
            n,
            "CWE-770",
            "GHSA-p6mc-m468-83gw",
            "lodash",
            n,
            7.4
        ]),
        json!([
            "npm audit",
            "GHSA-35jh-r3h4-6jhm",
            "high",
            false,
            n,
            n,
            n,
            "CWE-77",
            "GHSA-35jh-r3h4-6jhm",
            "lodash",
            n,
            7.2
        ]),
        json!([
            "npm audit",
            "GHSA-29mw-wpgm-hmr9",
            "medium",
            false,
            n,
            n,
            n,
            "CWE-400",
            "GHSA-29mw-wpgm-hmr9",
            "lodash",
            n,
            5.3
        ]),
        json!([
            "npm audit",
            "GHSA-xvch-5gv4-984h",
            "critical",
            false,
            n,
            n,
            n,
            "CWE-1321",
            "GHSA-xvch-5gv4-984h",
            "minimist",
            "1.2.8",
            9.8
        ]),
        json!([
            "npm audit",
            "GHSA-vh95-rmgr-6w4m",
            "medium",
            false,
            n,
            n,
            n,
            "CWE-1321",
            "GHSA-vh95-rmgr-6w4m",
            "minimist",
            "1.2.8",
            5.6
        ]),
        // Trivy: UNKNOWN → medium; the ModifiedFindings entry is suppressed.
        json!([
            "Trivy",
            "CVE-2024-5535",
            "critical",
            false,
            n,
            n,
            n,
            "CWE-200",
            "CVE-2024-5535",
            "libssl3",
            "3.0.15-1~deb12u1",
            9.1
        ]),
        json!([
            "Trivy",
            "CVE-2026-0001",
            "medium",
            false,
            n,
            n,
            n,
            n,
            "CVE-2026-0001",
            "zlib1g",
            n,
            n
        ]),
        json!([
            "Trivy",
            "CVE-2021-32715",
            "low",
            false,
            "app/Cargo.lock",
            n,
            n,
            "CWE-444",
            "CVE-2021-32715",
            "hyper",
            "0.14.10",
            3.1
        ]),
        json!([
            "Trivy",
            "CVE-2022-24713",
            "high",
            true,
            "app/Cargo.lock",
            n,
            n,
            "CWE-400",
            "CVE-2022-24713",
            "regex",
            "1.5.5",
            n
        ]),
        json!([
            "Trivy",
            "DS002",
            "high",
            false,
            "Dockerfile",
            1,
            n,
            n,
            n,
            n,
            n,
            n
        ]),
        json!([
            "Trivy",
            "aws-access-key-id",
            "critical",
            false,
            "/app/config/.env",
            3,
            n,
            n,
            n,
            n,
            n,
            n
        ]),
    ];
    assert_eq!(findings, expected);

    // Details worth pinning beyond the key fields.
    let f = &sec["findings"];
    assert_eq!(
        f[5]["justification"],
        Value::Null,
        "semgrep gives no reason"
    );
    assert_eq!(f[9]["justification"], "ZAP confidence 0: false positive");
    assert_eq!(
        f[7]["url"],
        "http://localhost:8080/search?q=%3C%2Ffont%3E%3CscrIpt%3Ealert%281%29%3B%3C%2FscRipt%3E%3Cfont%3E"
    );
    assert_eq!(f[7]["instances"], 2);
    assert_eq!(f[7]["confidence"], "medium");
    assert_eq!(f[15]["message"], "`nb-connect` 1.2.0 is yanked");
    // `url` is where a dynamic scan found it; `reference` is the page that explains it.
    assert_eq!(
        f[0]["reference"],
        "https://rust-lang.github.io/rust-clippy/rust-1.95.0/index.html#ptr_arg"
    );
    assert_eq!(
        f[16]["reference"],
        "https://github.com/advisories/GHSA-p6mc-m468-83gw"
    );
    assert_eq!(f[16]["url"], Value::Null);
    assert_eq!(
        f[21]["reference"],
        "https://avd.aquasec.com/nvd/cve-2024-5535"
    );
    assert_eq!(f[11]["installed"], "0.14.9");
    assert_eq!(
        f[24]["justification"],
        "vulnerable_code_not_in_execute_path: we never call the affected API"
    );
    // clippy-sarif writes no invocations: said as a warning, named in the file.
    let err = stderr(&out);
    assert!(err.contains("security-no-invocation"), "{err}");
    assert!(err.contains("clippy.sarif:4:5"), "{err}");
}

#[test]
fn a_glob_reads_every_file_and_a_failed_run_is_not_completed() {
    let (out, sec) = facts(&["--sarif", "*.sarif"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let scans: Vec<Value> = sec["scans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| json!([s["file"], s["completed"], s["findings"]]))
        .collect();
    assert_eq!(
        scans,
        [
            json!(["clippy.sarif", false, 4]),
            json!(["failed-run.sarif", false, 3]),
            json!(["semgrep.sarif", true, 3]),
        ]
    );
}

#[test]
fn every_broken_input_is_a_located_error() {
    let cases = [
        (
            "--sarif",
            "broken/truncated.sarif",
            "results-truncated",
            true,
        ),
        (
            "--sarif",
            "broken/version-2.0.0.sarif",
            "security-format",
            true,
        ),
        ("--sarif", "broken/bad-level.sarif", "security-field", true),
        ("--sarif", "broken/rule-index.sarif", "security-field", true),
        ("--zap", "broken/zap-riskcode.json", "security-field", true),
        (
            "--npm-audit",
            "broken/npm-audit-v1.json",
            "security-format",
            true,
        ),
        (
            "--npm-audit",
            "broken/npm-audit-error.json",
            "security-format",
            true,
        ),
        (
            "--trivy",
            "broken/trivy-schema-1.json",
            "security-format",
            true,
        ),
        // Empty: no line to point at, but an error all the same.
        ("--sarif", "broken/empty.sarif", "results-empty", false),
        // A file of another format.
        ("--zap", "semgrep.sarif", "security-format", true),
        ("--sarif", "zap.json", "security-format", true),
        ("--trivy", "npm-audit.json", "security-format", true),
        ("--cargo-audit", "trivy.json", "security-format", true),
        ("--npm-audit", "cargo-audit.json", "security-format", true),
    ];
    let located = regex::Regex::new(r"\[([^\]:]+):(\d+):(\d+)\]").unwrap();
    for (flag, file, code, has_place) in cases {
        let (out, _) = facts(&[flag, file]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{file}: {err}");
        assert!(err.contains(code), "{file}: wanted {code}: {err}");
        assert!(err.contains(&format!("`{file}`")), "{file}: {err}");
        if has_place {
            let c = located
                .captures(&err)
                .unwrap_or_else(|| panic!("{file}: no place: {err}"));
            assert_eq!(&c[1], file, "{err}");
        }
    }
}

#[test]
fn the_exact_places_of_broken_fields() {
    let place = |flag: &str, file: &str| -> String {
        let (out, _) = facts(&[flag, file]);
        let err = stderr(&out);
        let re = regex::Regex::new(r"\[([^\]]+:\d+:\d+)\]").unwrap();
        re.captures(&err)
            .map(|c| c[1].to_string())
            .unwrap_or_else(|| panic!("{err}"))
    };
    assert_eq!(
        place("--sarif", "broken/bad-level.sarif"),
        "broken/bad-level.sarif:52:20"
    );
    assert_eq!(
        place("--sarif", "broken/rule-index.sarif"),
        "broken/rule-index.sarif:157:24"
    );
    assert_eq!(
        place("--sarif", "broken/version-2.0.0.sarif"),
        "broken/version-2.0.0.sarif:2:14"
    );
    assert_eq!(
        place("--zap", "broken/zap-riskcode.json"),
        "broken/zap-riskcode.json:55:23"
    );
    assert_eq!(
        place("--trivy", "broken/trivy-schema-1.json"),
        "broken/trivy-schema-1.json:2:20"
    );
}

#[test]
fn every_problem_of_a_file_is_reported_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("two.sarif");
    let text = std::fs::read_to_string(dir().join("broken/bad-level.sarif"))
        .unwrap()
        .replace("\"ruleIndex\": 3", "\"ruleIndex\": 12");
    std::fs::write(&path, text).unwrap();
    let out = gate_in(tmp.path(), &["facts", "--now", NOW, "--sarif", "two.sarif"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("is not a SARIF level"), "{err}");
    assert!(err.contains("rule index 12 is out of range"), "{err}");
}

#[test]
fn the_release_rules_over_the_fixtures_are_a_no_go() {
    let mut args = vec![
        "check",
        "security.gate",
        "--now",
        NOW,
        "--format",
        "json",
        "--sarif",
        "failed-run.sarif",
    ];
    args.extend(ALL);
    let out = gate_in(&dir(), &args);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(report["verdict"], "no-go", "{report}");
    let got: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
                f["witness"][0]["evidence"]["source"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect();
    insta::assert_json_snapshot!("security-release-rules", got);
    // The witness of a SARIF finding names the result in the SARIF file.
    assert!(
        got.iter()
            .any(|(rule, _, at)| rule == "no_high_findings" && at.starts_with("semgrep.sarif:1:")),
        "{got:?}"
    );
    // Both scans that did not complete block: the failed run and clippy's (no invocations).
    let incomplete: Vec<&str> = got
        .iter()
        .filter(|(rule, _, _)| rule == "scans_completed")
        .map(|(_, m, _)| m.as_str())
        .collect();
    assert_eq!(
        incomplete,
        [
            "the Semgrep OSS scan did not complete: its results prove nothing",
            "the clippy scan did not complete: its results prove nothing",
        ]
    );
}

#[test]
fn complete_scans_without_findings_are_a_go() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("clean.sarif"),
        r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "semgrep"}},
            "invocations": [{"executionSuccessful": true}], "results": []}]}"#,
    )
    .unwrap();
    std::fs::copy(
        dir().join("security.gate"),
        tmp.path().join("security.gate"),
    )
    .unwrap();
    let out = gate_in(
        tmp.path(),
        &[
            "check",
            "security.gate",
            "--now",
            NOW,
            "--sarif",
            "clean.sarif",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let facts_out = gate_in(
        tmp.path(),
        &["facts", "--now", NOW, "--sarif", "clean.sarif"],
    );
    let v: Value = serde_json::from_slice(&facts_out.stdout).unwrap();
    assert_eq!(v["security"]["findings"], json!([]));
    assert_eq!(
        v["security"]["counts"],
        json!({"critical": 0, "high": 0, "medium": 0, "low": 0, "info": 0})
    );
}

#[test]
fn the_plan_names_the_scans_and_a_missing_one_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let results = tmp.path().join("results");
    std::fs::create_dir_all(&results).unwrap();
    for f in ["semgrep.sarif", "clippy.sarif", "zap.json", "trivy.json"] {
        std::fs::copy(dir().join(f), results.join(f)).unwrap();
    }
    std::fs::write(
        tmp.path().join("gate.toml"),
        "[security]\nsarif = [\"results/*.sarif\"]\nzap = \"results/zap.json\"\ntrivy = \"results/trivy.json\"\n",
    )
    .unwrap();
    let out = gate_in(tmp.path(), &["facts", "--now", NOW]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> = v["security"]["scans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "results/clippy.sarif",
            "results/semgrep.sarif",
            "results/zap.json",
            "results/trivy.json"
        ]
    );

    std::fs::write(
        tmp.path().join("gate.toml"),
        "[security]\ncargo_audit = \"results/audit.json\"\n",
    )
    .unwrap();
    let out = gate_in(tmp.path(), &["facts", "--now", NOW]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("results-missing"), "{err}");
    assert!(
        err.contains("gate.toml:2:"),
        "the plan entry is named: {err}"
    );
}

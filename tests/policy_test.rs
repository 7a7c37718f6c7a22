//! `gate test`: policy tests kept beside the policies, end to end — passing and failing suites,
//! malformed test files (each a located error, exit 2), JUnit and JSON results, coverage.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

fn gate_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gate"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A small policy whose coverage is known exactly.
const POLICY: &str = r#"policy "tiny"

rule p99: block {
  require load.latency.p99 <= 300ms
}

rule friday: warn {
  forbid clock.weekday == friday and clock.time >= 16:00
}

rule custom: block {
  for c in change.items where c.risky
  require c.approved
}
"#;

/// Two tests: p99 and friday are seen firing and passing; `custom` only passes (no items), its
/// filter and condition are never evaluated; `clock.time >= 16:00` is never false. Rules: 5 of 6
/// outcomes; branches: 5 of 10.
const SUITE: &str = r#"policy = "tiny.gate"
tz = "Europe/Paris"
[inline.change]
items = []

[[test]]
name = "a quiet wednesday"
now = 2026-12-02T10:00:00+01:00
facts = { load = "fast.json" }
expect = { verdict = "go", only = true }

[[test]]
name = "a slow friday evening"
now = 2026-12-04T17:00:00+01:00
facts = { load = "slow.json" }
[test.expect]
verdict = "no-go"
only = true
findings = [
  { rule = "p99", level = "block" },
  { rule = "friday", level = "warn", waived = false },
]
"#;

fn fixture(suite: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tiny.gate"), POLICY).unwrap();
    std::fs::write(
        dir.path().join("fast.json"),
        r#"{"latency": {"p99": "100ms"}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("slow.json"),
        r#"{"latency": {"p99": "400ms"}}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("tiny.test.toml"), suite).unwrap();
    dir
}

#[test]
fn a_passing_suite_exits_0() {
    let dir = fixture(SUITE);
    let out = gate_in(dir.path(), &["test"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("test a quiet wednesday ... ok"), "{stdout}");
    assert!(
        stdout.contains("test a slow friday evening ... ok"),
        "{stdout}"
    );
    assert!(
        stdout.contains("test result: ok. 2 passed; 0 failed; 0 broken"),
        "{stdout}"
    );
}

#[test]
fn the_shipped_policies_pass_their_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Without coverage the rules run as `gate check` runs them (shared tests, fused walks).
    let out = gate_in(root, &["test", "policies"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = gate_in(root, &["test", "policies", "--min-coverage", "90"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn a_failing_expectation_exits_1_with_the_difference() {
    let suite = SUITE.replace(
        "expect = { verdict = \"go\", only = true }",
        "expect = { verdict = \"no-go\", findings = [{ rule = \"p99\", contains = \"latency\" }] }",
    );
    let dir = fixture(&suite);
    let out = gate_in(dir.path(), &["test", "tiny.test.toml"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("test a quiet wednesday ... FAILED"),
        "{stdout}"
    );
    assert!(
        stdout.contains("---- a quiet wednesday (tiny.test.toml:7:8) ----"),
        "{stdout}"
    );
    assert!(
        stdout.contains("verdict: expected no-go, got go"),
        "{stdout}"
    );
    assert!(
        stdout.contains("missing finding: rule `p99`, message containing \"latency\""),
        "{stdout}"
    );
    assert!(stdout.contains("actual findings: none"), "{stdout}");
    assert!(
        stdout.contains("test result: FAILED. 1 passed; 1 failed; 0 broken"),
        "{stdout}"
    );
}

#[test]
fn an_unexpected_finding_fails_an_only_test() {
    let suite = SUITE.replace(
        "  { rule = \"friday\", level = \"warn\", waived = false },\n",
        "",
    );
    let dir = fixture(&suite);
    let out = gate_in(dir.path(), &["test"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("unexpected finding: [warn] friday:"),
        "{stdout}"
    );
}

/// Each malformed suite: exit 2, the error at its place in the test file, and the help.
fn broken(suite: &str, wants: &[&str]) {
    let dir = fixture(suite);
    let out = gate_in(dir.path(), &["test", "tiny.test.toml"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}{stderr}", text(&out.stdout));
    for w in wants {
        assert!(stderr.contains(w), "wanted {w:?} in:\n{stderr}");
    }
}

#[test]
fn a_test_file_that_is_not_toml_is_a_located_error() {
    broken(
        "policy = \"tiny.gate\"\n[[test]\nname = \"x\"\n",
        &["the test file is not valid TOML", "[tiny.test.toml:2:"],
    );
}

#[test]
fn an_unknown_key_says_what_was_meant() {
    broken(
        &SUITE.replace("verdict = \"go\", only", "verdit = \"go\", only"),
        &[
            "unknown key `verdit` in `[test.expect]`",
            "[tiny.test.toml:10:12]",
            "did you mean `verdict`?",
        ],
    );
}

#[test]
fn a_test_without_now_is_an_error() {
    broken(
        &SUITE.replace("now = 2026-12-02T10:00:00+01:00\n", ""),
        &[
            "the test `a quiet wednesday` has no `now`",
            "[tiny.test.toml:7:8]",
            "tests never read the system clock",
        ],
    );
}

#[test]
fn a_facts_file_that_does_not_exist_is_an_error_at_its_name() {
    broken(
        &SUITE.replace("fast.json", "missing.json"),
        &[
            "cannot read the `load` facts",
            "no such file",
            "[tiny.test.toml:9:18]",
            "relative to the test file",
        ],
    );
}

#[test]
fn a_wrong_verdict_word_is_an_error() {
    broken(
        &SUITE.replace("verdict = \"no-go\"", "verdict = \"nogo\""),
        &[
            "`nogo` is not a `verdict`",
            "[tiny.test.toml:17:11]",
            "did you mean `no-go`?",
        ],
    );
}

#[test]
fn a_wrong_fact_in_inline_facts_is_located_in_the_toml() {
    broken(
        &SUITE.replace(
            "facts = { load = \"fast.json\" }",
            "inline.load = { latency = { p99 = 100 } }",
        ),
        &["`load` facts at `/latency/p99`", "[tiny.test.toml:9:35]"],
    );
}

#[test]
fn an_expected_rule_that_does_not_exist_is_an_error() {
    broken(
        &SUITE.replace("{ rule = \"p99\", level", "{ rule = \"p98\", level"),
        &["the policy has no rule `p98`", "did you mean `p99`?"],
    );
}

#[test]
fn no_test_files_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = gate_in(dir.path(), &["test"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no policy tests (`*.test.toml`)"));
}

#[test]
fn coverage_counts_are_exact() {
    let dir = fixture(SUITE);
    let out = gate_in(dir.path(), &["test", "--coverage", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &j["coverage"];
    assert_eq!(c["rules"].as_array().unwrap().len(), 3);
    assert_eq!(c["rules_covered"], 2);
    assert_eq!(c["branches"], 5);
    assert_eq!(c["branches_covered"], 2);
    // rules 2+2+1 of 6, branches 2+2+1+0+0 of 10: 10 of 16.
    assert_eq!(c["outcomes"], 16);
    assert_eq!(c["outcomes_seen"], 10);
    assert_eq!(c["percent"].to_string(), "62.5");
    let custom = &c["rules"][2];
    assert_eq!(custom["rule"], "custom");
    assert_eq!(custom["fired"], false);
    assert_eq!(custom["passed"], true);
    assert_eq!(j["passed"], 2);

    let out = gate_in(dir.path(), &["test", "--coverage"]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("coverage: 62.5% of outcomes seen (rules 2/3 both fired and passed, branches 2/5 both true and false)"),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("tiny.gate:8:38  `clock.time >= 16:00` (condition of `friday`): never false"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "tiny.gate:12:31  `c.risky` (filter of `for c` of `custom`): never evaluated"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("tiny.gate:11:1  rule `custom` never fired"),
        "{stdout}"
    );
}

#[test]
fn min_coverage_fails_below_the_minimum() {
    let dir = fixture(SUITE);
    let out = gate_in(dir.path(), &["test", "--min-coverage", "80"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("coverage 62.5% is below the minimum of 80% (`--min-coverage`)"),
        "{stdout}"
    );
    let out = gate_in(dir.path(), &["test", "--min-coverage", "60"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn junit_results_parse_back() {
    use quick_xml::events::Event;
    let suite = SUITE.replace("verdict = \"go\", only", "verdict = \"no-go\", only");
    let dir = fixture(&suite);
    let out = gate_in(
        dir.path(),
        &["test", "--format", "junit", "--output", "results.xml"],
    );
    assert_eq!(out.status.code(), Some(1));
    // The human results still go to standard output.
    assert!(text(&out.stdout).contains("test result: FAILED"));
    let xml = std::fs::read_to_string(dir.path().join("results.xml")).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut cases: Vec<(String, bool)> = Vec::new();
    let mut failure_text = String::new();
    let mut in_failure = false;
    let mut suites_attrs = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let attr = |name: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == name)
                        .map(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned()
                        })
                        .unwrap_or_default()
                };
                match e.local_name().as_ref() {
                    "testsuites" => {
                        suites_attrs = vec![attr("tests"), attr("failures"), attr("errors")];
                    }
                    "testcase" => cases.push((attr("name"), false)),
                    "failure" => {
                        in_failure = true;
                        assert_eq!(attr("message"), "verdict: expected no-go, got go");
                        if let Some(last) = cases.last_mut() {
                            last.1 = true;
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_failure => {
                failure_text.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) if in_failure => {
                failure_text
                    .push_str(quick_xml::escape::resolve_predefined_entity(&r).unwrap_or("?"));
            }
            Event::End(e) if e.local_name().as_ref() == "failure" => in_failure = false,
            _ => {}
        }
    }
    assert_eq!(suites_attrs, ["2", "1", "0"]);
    assert_eq!(
        cases,
        [
            ("a quiet wednesday".to_string(), true),
            ("a slow friday evening".to_string(), false)
        ]
    );
    assert!(
        failure_text.contains("actual findings: none"),
        "{failure_text}"
    );
}

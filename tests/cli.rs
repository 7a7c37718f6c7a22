//! End to end: the `gate` binary as pipelines use it (language.md, "Command-line contract").
//!
//! The contract examples are copied into `tests/fixtures/examples` so these tests do not depend on
//! `../shared`. Every run passes `--now`: nothing here reads the system clock.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DEMO_NOW: &str = "2026-11-27T16:55:00-05:00";
const NOW: &str = "2026-11-27T12:00:00Z";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn examples() -> PathBuf {
    root().join("tests/fixtures/examples")
}

fn gate_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gate"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

/// Runs from the crate root, where `fixtures/demo` and `policies/` are.
fn gate(args: &[&str]) -> Output {
    gate_in(&root(), args)
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Standard output holds exactly one JSON object, and nothing else.
fn one_json(out: &Output) -> serde_json::Value {
    let text = stdout(out);
    let mut values = serde_json::Deserializer::from_str(&text).into_iter::<serde_json::Value>();
    let first = values
        .next()
        .unwrap_or_else(|| panic!("no JSON on stdout; stderr: {}", stderr(out)))
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{text}"));
    assert!(values.next().is_none(), "more than one JSON value:\n{text}");
    assert!(first.is_object(), "not an object: {first}");
    first
}

fn codes(report: &serde_json::Value) -> Vec<String> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap_or("").to_string())
        .collect()
}

fn error_with<'a>(report: &'a serde_json::Value, code: &str) -> &'a serde_json::Value {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == code)
        .unwrap_or_else(|| panic!("no `{code}` error in {}", report["errors"]))
}

fn assert_error(out: &Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(out));
    let report = one_json(out);
    assert_eq!(report["verdict"], "error");
    assert!(report["findings"].is_array());
    assert!(!report["errors"].as_array().unwrap().is_empty());
    for e in report["errors"].as_array().unwrap() {
        assert!(e["message"].is_string(), "{e}");
    }
    report
}

fn unwaived_blocks(report: &serde_json::Value) -> Vec<String> {
    let mut rules: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["level"] == "block" && f["waived"] == false)
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    rules.sort();
    rules
}

// --- the contract examples -------------------------------------------------------------------

/// One `# expect:` line: where it is, the arguments, the verdict and the unwaived block rules.
type Expectation = (String, Vec<String>, String, Option<Vec<String>>);

/// `# expect: gate check ARGS... => VERDICT [rule, rule]` lines, as ../shared/check-examples reads them.
fn expectations() -> Vec<Expectation> {
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "gate"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for (n, line) in text.lines().enumerate() {
            let Some(rest) = line.strip_prefix("# expect: gate ") else {
                continue;
            };
            let (command, want) = rest.split_once("=>").unwrap();
            let want = want.trim();
            let (verdict, rules) = match want.split_once('[') {
                Some((v, r)) => (
                    v.trim().to_string(),
                    Some(
                        r.trim_end_matches(']')
                            .split(',')
                            .map(|s| s.trim().to_string())
                            .filter(|s| !s.is_empty())
                            .collect::<Vec<_>>(),
                    ),
                ),
                None => (want.to_string(), None),
            };
            let args: Vec<String> = command.split_whitespace().map(str::to_string).collect();
            out.push((format!("{name}:{}", n + 1), args, verdict, rules));
        }
    }
    out
}

#[test]
fn contract_examples_give_the_verdicts_in_their_headers() {
    let cases = expectations();
    assert!(cases.len() >= 11, "only {} expectations found", cases.len());
    let mut failures = Vec::new();
    for (at, mut args, verdict, rules) in cases {
        // Never the system clock: the examples that do not read it get a fixed instant.
        if !args.iter().any(|a| a == "--now") {
            args.extend(["--now".into(), NOW.into()]);
        }
        args.extend(["--format".into(), "json".into()]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = gate_in(&examples(), &refs);
        let want_code = match verdict.as_str() {
            "go" => 0,
            "no-go" => 1,
            _ => 2,
        };
        if out.status.code() != Some(want_code) {
            failures.push(format!(
                "{at}: exit {:?}, want {want_code}",
                out.status.code()
            ));
        }
        let report = one_json(&out);
        if report["verdict"] != verdict.as_str() {
            failures.push(format!(
                "{at}: verdict {}, want {verdict}",
                report["verdict"]
            ));
        }
        if let Some(mut rules) = rules {
            rules.sort();
            let got = unwaived_blocks(&report);
            if got != rules {
                failures.push(format!(
                    "{at}: unwaived block findings {got:?}, want {rules:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn load_example_says_why_security_is_missing() {
    let out = gate_in(
        &examples(),
        &[
            "check",
            "load-and-security.gate",
            "--facts",
            "load=facts/load.json",
            "--now",
            NOW,
            "--format",
            "json",
        ],
    );
    let report = assert_error(&out);
    let e = error_with(&report, "fact-not-produced");
    assert!(e["message"].as_str().unwrap().contains("`security`"), "{e}");
    assert_eq!(e["location"]["file"], "load-and-security.gate");
}

#[test]
fn load_example_messages_show_the_values() {
    let out = gate_in(
        &examples(),
        &[
            "check",
            "load.gate",
            "--facts",
            "load=facts/load.json",
            "--now",
            NOW,
            "--format",
            "json",
        ],
    );
    let report = one_json(&out);
    let p99 = &report["findings"][0];
    assert_eq!(p99["rule"], "p99_latency");
    assert_eq!(p99["message"], "p99 latency 312ms is over the 250ms budget");
    assert_eq!(p99["location"]["file"], "load.gate");
    assert!(p99["location"]["line"].as_u64().unwrap() >= 1);
}

#[test]
fn licenses_example_waives_mystery_until_the_waiver_expires() {
    let run = |now: &str| {
        one_json(&gate_in(
            &examples(),
            &[
                "check",
                "licenses.gate",
                "--facts",
                "licenses=facts/licenses.json",
                "--now",
                now,
                "--format",
                "json",
            ],
        ))
    };
    let before = run(NOW);
    let waived: Vec<&serde_json::Value> = before["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["waived"] == true)
        .collect();
    assert_eq!(waived.len(), 1);
    assert!(
        waived[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("mystery ")
    );
    assert_eq!(waived[0]["waiver"]["by"], "legal@example.com");
    assert_eq!(waived[0]["waiver"]["until"], "2027-01-31");
    let after = run("2027-02-15T12:00:00Z");
    let kinds: Vec<&str> = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"waiver-expired"), "{kinds:?}");
    assert!(
        after["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["waived"] == false)
    );
}

// --- the demo ---------------------------------------------------------------------------------

/// README's first command: `gate run` over the demo's staging sequence.
fn demo(format: &str) -> Output {
    gate(&[
        "run",
        "--plan",
        "fixtures/demo/gate.toml",
        "--now",
        DEMO_NOW,
        "--format",
        format,
    ])
}

/// The release gate alone over the demo's facts, with `gate check`: what `--replay` of
/// `gate facts` decides again (a replay runs no steps).
fn demo_check() -> Output {
    gate(&[
        "check",
        "policies/release.gate",
        "--plan",
        "fixtures/demo/gate.toml",
        "--now",
        DEMO_NOW,
        "--format",
        "json",
    ])
}

#[test]
fn demo_is_no_go_with_a_full_human_report() {
    let out = demo("human");
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let text = stdout(&out);
    assert!(text.starts_with("NO-GO "), "{text}");
    insta::assert_snapshot!("demo-human", text);
}

#[test]
fn demo_is_no_go_with_a_full_json_report() {
    let out = demo("json");
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let report = one_json(&out);
    assert_eq!(report["verdict"], "no-go");
    assert_eq!(report["clock"]["zone"], "America/New_York");
    for f in report["findings"].as_array().unwrap() {
        for key in ["rule", "level", "message", "waived", "location"] {
            assert!(!f[key].is_null(), "finding without `{key}`: {f}");
        }
        for key in ["file", "line", "column"] {
            assert!(
                !f["location"][key].is_null(),
                "location without `{key}`: {f}"
            );
        }
    }
    assert!(unwaived_blocks(&report).contains(&"friday_afternoon".to_string()));
    // The report names gate's version; keep the snapshot valid across releases.
    insta::with_settings!({filters => vec![(r#""gate": "[^"]*""#, r#""gate": "[version]""#)]}, {
        insta::assert_snapshot!("demo-json", stdout(&out));
    });
}

#[test]
fn json_reports_are_byte_identical_between_runs() {
    let a = demo("json");
    let b = demo("json");
    assert_eq!(a.status.code(), Some(1));
    assert_eq!(stdout(&a), stdout(&b));
    let c = demo("human");
    let d = demo("human");
    assert_eq!(stdout(&c), stdout(&d));
}

#[test]
fn output_writes_the_report_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let out = gate(&[
        "run",
        "--plan",
        "fixtures/demo/gate.toml",
        "--now",
        DEMO_NOW,
        "--format",
        "json",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "", "the report went to stdout too");
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(written, stdout(&demo("json")));

    let human = dir.path().join("report.txt");
    let out = gate(&[
        "run",
        "--plan",
        "fixtures/demo/gate.toml",
        "--now",
        DEMO_NOW,
        "--output",
        human.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        std::fs::read_to_string(&human).unwrap(),
        stdout(&demo("human"))
    );
}

#[test]
fn output_to_an_unwritable_place_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("no/such/folder/report.json");
    let out = gate(&[
        "check",
        "--plan",
        "fixtures/demo/gate.toml",
        "--now",
        DEMO_NOW,
        "--format",
        "json",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot write the report"),
        "{}",
        stderr(&out)
    );
}

// --- facts and replay -------------------------------------------------------------------------

fn save_demo_facts(dir: &Path, now: &str) -> PathBuf {
    let out = gate(&["facts", "--plan", "fixtures/demo/gate.toml", "--now", now]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let saved = dir.join("facts.json");
    std::fs::write(&saved, &out.stdout).unwrap();
    saved
}

/// What a decision is, without where its evidence was read from.
fn decision(report: &serde_json::Value) -> serde_json::Value {
    let mut r = report.clone();
    for f in r["findings"].as_array_mut().unwrap() {
        for w in f["witness"].as_array_mut().unwrap() {
            w["evidence"] = serde_json::Value::Null;
        }
    }
    r
}

#[test]
fn facts_prints_every_namespace_of_the_demo() {
    let out = gate(&[
        "facts",
        "--plan",
        "fixtures/demo/gate.toml",
        "--now",
        DEMO_NOW,
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let facts = one_json(&out);
    for ns in ["clock", "licenses", "load", "security", "tests"] {
        assert!(facts[ns].is_object(), "no `{ns}` in gate facts");
    }
    assert_eq!(facts["clock"]["now"], DEMO_NOW);
    assert_eq!(facts["clock"]["weekday"], "friday");
    assert_eq!(facts["clock"]["zone"], "America/New_York");
}

#[test]
fn replay_of_the_demo_facts_gives_the_same_decision() {
    let dir = tempfile::tempdir().unwrap();
    let saved = save_demo_facts(dir.path(), DEMO_NOW);
    let direct = demo_check();
    let replay = gate(&[
        "check",
        "policies/release.gate",
        "--replay",
        saved.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(
        replay.status.code(),
        direct.status.code(),
        "stderr: {}",
        stderr(&replay)
    );
    let (a, b) = (one_json(&direct), one_json(&replay));
    assert_eq!(a["verdict"], b["verdict"]);
    assert_eq!(
        a["clock"], b["clock"],
        "the replay did not take the saved clock"
    );
    assert_eq!(decision(&a), decision(&b));
}

/// A replay decides exactly as the direct run did; its evidence points into the saved facts, the
/// document it actually read.
#[test]
fn replayed_evidence_points_into_the_saved_facts() {
    let dir = tempfile::tempdir().unwrap();
    let saved = save_demo_facts(dir.path(), DEMO_NOW);
    let replay = gate(&[
        "check",
        "policies/release.gate",
        "--replay",
        saved.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let replayed: serde_json::Value = serde_json::from_slice(&replay.stdout).unwrap();
    let direct: serde_json::Value = serde_json::from_slice(&demo_check().stdout).unwrap();
    assert_eq!(decision(&replayed), decision(&direct));
    let evidence = &replayed["findings"][0]["witness"][0]["evidence"];
    assert_eq!(evidence["source"], saved.to_str().unwrap());
    assert!(
        evidence["pointer"]
            .as_str()
            .unwrap()
            .starts_with("/licenses/packages/")
    );
    assert!(evidence["line"].as_u64().unwrap() > 1);
}

#[test]
fn facts_from_the_command_line_round_trip_through_replay() {
    let dir = tempfile::tempdir().unwrap();
    let facts = gate_in(
        &examples(),
        &[
            "facts",
            "--facts",
            "licenses=facts/licenses.json",
            "--now",
            NOW,
        ],
    );
    assert_eq!(facts.status.code(), Some(0), "stderr: {}", stderr(&facts));
    let saved = dir.path().join("saved.json");
    std::fs::write(&saved, &facts.stdout).unwrap();
    let direct = gate_in(
        &examples(),
        &[
            "check",
            "licenses.gate",
            "--facts",
            "licenses=facts/licenses.json",
            "--now",
            NOW,
            "--format",
            "json",
        ],
    );
    let replay = gate_in(
        &examples(),
        &[
            "check",
            "licenses.gate",
            "--replay",
            saved.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(replay.status.code(), Some(1));
    let parse = |out: &std::process::Output| -> serde_json::Value {
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert_eq!(decision(&parse(&replay)), decision(&parse(&direct)));
}

#[test]
fn replay_takes_the_clock_from_the_saved_facts_unless_now_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let saved = save_demo_facts(dir.path(), DEMO_NOW);
    let replay = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "policies/release.gate",
            "--replay",
            saved.to_str().unwrap(),
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        one_json(&gate(&args))
    };
    let saved_clock = replay(&[]);
    assert_eq!(saved_clock["clock"]["now"], DEMO_NOW);
    assert_eq!(saved_clock["clock"]["zone"], "America/New_York");
    assert!(unwaived_blocks(&saved_clock).contains(&"friday_afternoon".to_string()));

    // Monday morning in New York: no longer Friday afternoon.
    let monday = replay(&["--now", "2026-11-30T10:00:00-05:00"]);
    assert_eq!(monday["clock"]["now"], "2026-11-30T10:00:00-05:00");
    assert!(!unwaived_blocks(&monday).contains(&"friday_afternoon".to_string()));
}

#[test]
fn replay_of_a_file_that_is_not_a_facts_object_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("saved.json");
    std::fs::write(&saved, "[1, 2, 3]\n").unwrap();
    let out = gate(&[
        "check",
        "policies/deploy-window.gate",
        "--replay",
        saved.to_str().unwrap(),
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    let report = assert_error(&out);
    let e = error_with(&report, "facts-json");
    assert_eq!(e["location"]["line"], 1);
}

#[test]
fn facts_schema_is_json_naming_the_namespaces() {
    let out = gate(&["facts", "--schema"]);
    assert_eq!(out.status.code(), Some(0));
    let schema = one_json(&out);
    for ns in ["clock", "licenses", "load", "security", "tests"] {
        assert!(
            schema["properties"][ns].is_object(),
            "the schema does not name `{ns}`"
        );
    }
    let text = stdout(&out);
    for field in [
        "packages", "latency", "p99", "findings", "severity", "cases", "weekday",
    ] {
        assert!(
            text.contains(&format!("\"{field}\"")),
            "no `{field}` in the schema"
        );
    }
}

// --- explain ----------------------------------------------------------------------------------

#[test]
fn explain_describes_every_rule() {
    let out = gate(&["explain", "policies/release.gate"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    for rule in [
        "p99_latency",
        "approved_licenses",
        "friday_afternoon",
        "no_high_findings",
        "tests_pass",
    ] {
        assert!(
            text.contains(&format!("rule {rule} ")),
            "no `{rule}` in:\n{text}"
        );
    }
    insta::assert_snapshot!("explain-release", text);
}

#[test]
fn explain_one_rule() {
    let out = gate(&["explain", "policies/release.gate", "p99_latency"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("p99_latency"));
    assert!(!text.contains("approved_licenses"));
    insta::assert_snapshot!("explain-p99", text);
}

#[test]
fn explain_an_unknown_rule_is_an_error_with_a_suggestion() {
    let out = gate(&["explain", "policies/release.gate", "p99_latenc"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(err.contains("`p99_latenc`"), "{err}");
    assert!(err.contains("did you mean `p99_latency`?"), "{err}");
}

#[test]
fn explain_a_broken_policy_is_an_error() {
    let out = gate(&["explain", "tests/broken/bad-regex.gate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad-regex"), "{}", stderr(&out));
}

// --- bad command lines and bad inputs --------------------------------------------------------

#[test]
fn json_for_an_unknown_flag() {
    let out = gate(&[
        "check",
        "policies/release.gate",
        "--bogus",
        "--format",
        "json",
    ]);
    let report = assert_error(&out);
    assert_eq!(codes(&report), ["usage"]);
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("--bogus")
    );
}

#[test]
fn json_for_a_missing_policy_argument() {
    let out = gate(&["check", "--now", NOW, "--format", "json"]);
    let report = assert_error(&out);
    assert_eq!(codes(&report), ["usage"]);
}

#[test]
fn json_for_a_policy_file_that_does_not_exist() {
    let out = gate(&["check", "no-such.gate", "--now", NOW, "--format=json"]);
    let report = assert_error(&out);
    let e = error_with(&report, "policy-unreadable");
    assert!(
        e["message"].as_str().unwrap().contains("`no-such.gate`"),
        "{e}"
    );
}

#[test]
fn json_for_a_bad_value_of_a_flag() {
    let out = gate(&[
        "check",
        "policies/release.gate",
        "--color",
        "purple",
        "--format",
        "json",
    ]);
    let report = assert_error(&out);
    assert_eq!(codes(&report), ["usage"]);
}

#[test]
fn human_usage_errors_go_to_stderr() {
    let out = gate(&["check", "policies/release.gate", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("--bogus"));
}

#[test]
fn help_exits_0() {
    let out = gate(&["check", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("--replay"));
}

fn deploy_window(extra: &[&str]) -> Output {
    let mut args = vec!["check", "policies/deploy-window.gate", "--format", "json"];
    args.extend_from_slice(extra);
    gate(&args)
}

#[test]
fn unknown_time_zone() {
    let report = assert_error(&deploy_window(&["--now", NOW, "--tz", "Mars/Olympus_Mons"]));
    let e = error_with(&report, "bad-zone");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("`Mars/Olympus_Mons`"),
        "{e}"
    );
}

#[test]
fn now_without_an_offset() {
    let report = assert_error(&deploy_window(&["--now", "2026-11-27T16:55:00"]));
    let e = error_with(&report, "bad-now");
    assert!(e["message"].as_str().unwrap().contains("offset"), "{e}");
}

#[test]
fn a_bad_clock_is_reported_once() {
    let report = assert_error(&deploy_window(&["--now", NOW, "--tz", "Mars/Olympus_Mons"]));
    assert_eq!(codes(&report), ["bad-zone"]);
    let report = assert_error(&deploy_window(&["--now", "2026-11-27T16:55:00"]));
    assert_eq!(codes(&report), ["bad-now"]);
}

#[test]
fn facts_without_an_equals_sign() {
    let report = assert_error(&deploy_window(&["--now", NOW, "--facts", "load"]));
    let e = error_with(&report, "usage");
    assert!(e["message"].as_str().unwrap().contains("NAME=PATH"), "{e}");
}

#[test]
fn a_missing_facts_file() {
    let report = assert_error(&deploy_window(&[
        "--now",
        NOW,
        "--facts",
        "change=no/such/file.json",
    ]));
    let e = error_with(&report, "facts-unreadable");
    let message = e["message"].as_str().unwrap();
    assert!(message.contains("`no/such/file.json`"), "{message}");
    assert!(message.contains("no such file"), "{message}");
}

#[test]
fn an_empty_facts_file() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, "  \n").unwrap();
    let spec = format!("change={}", empty.display());
    let report = assert_error(&deploy_window(&["--now", NOW, "--facts", &spec]));
    let e = error_with(&report, "facts-empty");
    assert!(e["message"].as_str().unwrap().contains("is empty"), "{e}");
}

#[test]
fn a_facts_file_that_is_not_json_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("change.json");
    std::fs::write(&bad, "{\n  \"version\": \"2.3.1\",\n  \"author\": sam\n}\n").unwrap();
    let spec = format!("change={}", bad.display());
    let report = assert_error(&deploy_window(&["--now", NOW, "--facts", &spec]));
    let e = error_with(&report, "facts-json");
    assert_eq!(e["location"]["file"], bad.display().to_string());
    assert_eq!(e["location"]["line"], 3);
    assert!(e["location"]["column"].as_u64().unwrap() >= 13, "{e}");
}

#[test]
fn a_schema_error_in_an_own_namespace_points_into_the_json() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("load.json");
    std::fs::write(
        &bad,
        "{\n  \"tool\": \"k6\",\n  \"latency\": {\n    \"p50\": \"38ms\",\n    \"p99\": true\n  }\n}\n",
    )
    .unwrap();
    let spec = format!("load={}", bad.display());
    let out = gate(&[
        "check",
        "tests/fixtures/examples/load.gate",
        "--facts",
        &spec,
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    let report = assert_error(&out);
    let e = error_with(&report, "fact-schema");
    assert!(
        e["message"].as_str().unwrap().contains("/latency/p99"),
        "{e}"
    );
    assert_eq!(e["location"]["file"], bad.display().to_string());
    assert_eq!(e["location"]["line"], 5);
    assert_eq!(e["location"]["column"], 12);
}

#[test]
fn an_unknown_field_in_an_own_namespace_is_a_schema_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("load.json");
    std::fs::write(&bad, "{\n  \"tool\": \"k6\",\n  \"latncy\": {}\n}\n").unwrap();
    let spec = format!("load={}", bad.display());
    let out = gate(&[
        "check",
        "tests/fixtures/examples/load.gate",
        "--facts",
        &spec,
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    let report = assert_error(&out);
    let e = error_with(&report, "fact-schema");
    assert_eq!(e["location"]["line"], 3, "{e}");
}

#[test]
fn bad_namespace_names() {
    let report = assert_error(&deploy_window(&[
        "--now",
        NOW,
        "--facts",
        "Load=tests/fixtures/examples/facts/load.json",
    ]));
    assert!(
        error_with(&report, "bad-namespace")["message"]
            .as_str()
            .unwrap()
            .contains("`Load`")
    );
    let report = assert_error(&deploy_window(&[
        "--now",
        NOW,
        "--facts",
        "clock=tests/fixtures/examples/facts/load.json",
    ]));
    error_with(&report, "bad-namespace");
}

#[test]
fn a_plan_with_an_unknown_key_suggests_the_right_one() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("gate.toml");
    std::fs::write(&plan, "policy = \"release.gate\"\ntimezon = \"UTC\"\n").unwrap();
    let out = gate(&[
        "check",
        "policies/deploy-window.gate",
        "--plan",
        plan.to_str().unwrap(),
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    let report = assert_error(&out);
    let e = error_with(&report, "plan-unknown-key");
    assert!(e["message"].as_str().unwrap().contains("`timezon`"), "{e}");
    assert_eq!(e["help"], "did you mean `timezone`?");
    assert_eq!(e["location"]["line"], 2);
    assert_eq!(e["location"]["column"], 1);
}

#[test]
fn a_plan_that_is_not_toml_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("gate.toml");
    std::fs::write(&plan, "policy = \"release.gate\"\ntimezone = \n").unwrap();
    let out = gate(&[
        "check",
        "--plan",
        plan.to_str().unwrap(),
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    let report = assert_error(&out);
    let e = error_with(&report, "plan-syntax");
    assert_eq!(e["location"]["line"], 2, "{e}");
}

#[test]
fn gate_toml_in_the_current_folder_is_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("facts")).unwrap();
    std::fs::copy(
        examples().join("facts/load.json"),
        dir.path().join("facts/load.json"),
    )
    .unwrap();
    std::fs::copy(examples().join("load.gate"), dir.path().join("load.gate")).unwrap();
    std::fs::write(
        dir.path().join("gate.toml"),
        "policy = \"load.gate\"\ntimezone = \"Europe/Berlin\"\n\n[facts]\nload = \"facts/load.json\"\n",
    )
    .unwrap();
    let out = gate_in(dir.path(), &["check", "--now", NOW, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let report = one_json(&out);
    assert_eq!(report["clock"]["zone"], "Europe/Berlin");
    assert_eq!(report["policy"]["name"], "load");
    assert_eq!(unwaived_blocks(&report), ["p99_latency"]);
}

#[test]
fn the_demo_runs_from_its_own_folder() {
    let out = gate_in(
        &root().join("fixtures/demo"),
        &["run", "--now", DEMO_NOW, "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let report = one_json(&out);
    assert_eq!(report["policy"]["name"], "staging");
}

#[test]
fn use_climbs_two_folders() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("a/b");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(
        dir.path().join("lib.gate"),
        "rule from_lib: block {\n  require false\n}\n",
    )
    .unwrap();
    std::fs::write(
        deep.join("p.gate"),
        "policy \"p\"\nuse \"../../lib.gate\"\n",
    )
    .unwrap();
    let out = gate_in(
        &deep,
        &["check", "p.gate", "--now", NOW, "--format", "json"],
    );
    let report = one_json(&out);
    assert_eq!(report["errors"], serde_json::json!([]));
    assert_eq!(unwaived_blocks(&report), ["from_lib"]);
}

#[test]
fn tz_overrides_the_plan() {
    let out = gate(&[
        "run",
        "--plan",
        "fixtures/demo/gate.toml",
        "--now",
        DEMO_NOW,
        "--tz",
        "Asia/Tokyo",
        "--format",
        "json",
    ]);
    let report = one_json(&out);
    assert_eq!(report["clock"]["zone"], "Asia/Tokyo");
    assert_eq!(report["clock"]["now"], "2026-11-28T06:55:00+09:00");
    // Saturday morning in Tokyo: the weekend and night rules, not Friday afternoon.
    let blocks = unwaived_blocks(&report);
    assert!(
        !blocks.contains(&"friday_afternoon".to_string()),
        "{blocks:?}"
    );
    assert!(blocks.contains(&"weekend".to_string()), "{blocks:?}");
}

#[test]
fn quiet_prints_nothing_and_keeps_the_exit_code() {
    let out = gate(&[
        "run",
        "--plan",
        "fixtures/demo/gate.toml",
        "--now",
        DEMO_NOW,
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
}

//! The CI output formats (issue 7): every format written from one `gate run` of the demo, each
//! snapshotted and checked by a consumer — SARIF against the official SARIF 2.1.0 JSON schema
//! (`tests/fixtures/schemas/sarif-2.1.0-rtm.5.json`, from the npm package
//! `@microsoft/jest-sarif` 1.0.0-beta.0, MIT), JUnit XML parsed with quick-xml and read back by
//! gate's own JUnit reader (the `tests` producer, which reads nextest, Surefire, pytest, jest and
//! gotestsum files), GitLab's code quality fields, GitHub's workflow-command escaping and cap,
//! the Markdown summary's 1 MiB limit — and malformed `--output` specs.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::expect_used,
    clippy::print_stderr
)]

use gate::eval::{FindingKind, Verdict};
use gate::policy::ast::Level;
use gate::report::{self, EvidenceOut, FindingOut, Report, Summary, WitnessOut};
use gate::span::Location;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::path::Path;
use std::process::Output;

mod common;

use common::{NOW, gate_in, root};

const DEMO_NOW: &str = "2026-11-27T16:55:00-05:00";
const FORMATS: [(&str, &str); 7] = [
    ("json", "gate.json"),
    ("human", "gate.txt"),
    ("sarif", "gate.sarif"),
    ("junit", "gate.xml"),
    ("markdown", "gate.md"),
    ("github", "annotations.txt"),
    ("gitlab", "gl-code-quality.json"),
];

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The demo with `--format json` on standard output and every format written to `dir`.
fn demo_everything(dir: &Path) -> Output {
    let mut args: Vec<String> = [
        "run",
        "--plan",
        "fixtures/demo/gate.toml",
        "--now",
        DEMO_NOW,
        "--format",
        "json",
    ]
    .map(String::from)
    .to_vec();
    for (format, file) in FORMATS {
        args.push("--output".into());
        args.push(format!("{format}={}", dir.join(file).display()));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    gate_in(&root(), &args)
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

/// gate's version, kept out of the snapshots.
fn unversioned(text: &str) -> String {
    let v = env!("CARGO_PKG_VERSION");
    text.replace(&format!("\"{v}\""), "\"[version]\"")
}

#[test]
fn every_format_comes_from_one_run_and_json_matches_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = demo_everything(dir.path());
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    assert_eq!(stderr(&out), "");
    // `--output json=FILE` is byte for byte what `--format json` prints.
    assert_eq!(read(dir.path(), "gate.json").as_bytes(), &out.stdout[..]);
    let human = read(dir.path(), "gate.txt");
    assert!(human.starts_with("NO-GO "), "{human}");
    assert!(!human.contains('\x1b'), "a file never gets colour");

    // SARIF is written compact; the snapshot is its pretty form.
    let sarif: Value = serde_json::from_str(&read(dir.path(), "gate.sarif")).unwrap();
    let sarif = serde_json::to_string_pretty(&sarif).unwrap();
    insta::assert_snapshot!("demo-sarif", unversioned(&sarif));
    insta::assert_snapshot!("demo-junit", unversioned(&read(dir.path(), "gate.xml")));
    insta::assert_snapshot!("demo-markdown", read(dir.path(), "gate.md"));
    insta::assert_snapshot!("demo-github", read(dir.path(), "annotations.txt"));
    insta::assert_snapshot!("demo-gitlab", read(dir.path(), "gl-code-quality.json"));
}

#[test]
fn format_flag_prints_each_format_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let all = demo_everything(dir.path());
    assert_eq!(all.status.code(), Some(1));
    for (format, file) in FORMATS {
        if format == "human" {
            continue;
        }
        let out = gate_in(
            &root(),
            &[
                "run",
                "--plan",
                "fixtures/demo/gate.toml",
                "--now",
                DEMO_NOW,
                "--format",
                format,
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            read(dir.path(), file),
            "`--format {format}` and `--output {format}=FILE` differ"
        );
    }
}

/// The official schema, as vendored. One pattern in it (`run.language`) has a lone `]`, which
/// ECMA-262 reads as a literal and Rust's regex engine refuses; it is escaped here, meaning the
/// same.
fn sarif_validator() -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/schemas/sarif-2.1.0-rtm.5.json"))
            .unwrap();
    let lone = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert!(text.contains(lone), "the vendored schema changed");
    let text = text.replace(lone, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#);
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft4::new(&schema).unwrap()
}

fn schema_errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn sarif_follows_the_official_schema() {
    let dir = tempfile::tempdir().unwrap();
    demo_everything(dir.path());
    let sarif: Value = serde_json::from_str(&read(dir.path(), "gate.sarif")).unwrap();
    let validator = sarif_validator();
    assert_eq!(schema_errors(&validator, &sarif), Vec::<String>::new());

    // The validator does reject what breaks the schema.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = json!("fatal");
    broken["runs"][0]["columnKind"] = json!("bytes");
    assert!(schema_errors(&validator, &broken).len() >= 2);

    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let json_report: Value = serde_json::from_str(&read(dir.path(), "gate.json")).unwrap();
    assert_eq!(
        rules.len() as u64,
        json_report["summary"]["rules"].as_u64().unwrap(),
        "every rule of the policy"
    );
    let results = run["results"].as_array().unwrap();
    let mut fingerprints = HashSet::new();
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert!(fingerprints.insert(r["partialFingerprints"]["gateFinding/v1"].clone()));
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(!uri.starts_with('/'), "relative paths: {uri}");
    }
    // The AGPL finding is at its package in licenses.json, with the rule as related location.
    let agpl = results
        .iter()
        .find(|r| r["message"]["text"].as_str().unwrap().contains("AGPL"))
        .unwrap();
    let at = &agpl["locations"][0]["physicalLocation"];
    assert_eq!(at["artifactLocation"]["uri"], "fixtures/demo/licenses.json");
    assert_eq!(at["region"]["startLine"], 8);
    assert_eq!(
        agpl["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "policies/licenses.gate"
    );
    // The waived one is suppressed with the waiver's reason.
    let ring = results
        .iter()
        .find(|r| r["message"]["text"].as_str().unwrap().starts_with("ring "))
        .unwrap();
    assert_eq!(ring["suppressions"][0]["kind"], "external");
    assert!(
        ring["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .contains("LEGAL-142")
    );
}

#[test]
fn fingerprints_do_not_depend_on_the_clock_or_line_numbers() {
    // The demo three minutes later: the Friday-afternoon message changes, its fingerprint not.
    let a = tempfile::tempdir().unwrap();
    demo_everything(a.path());
    let later = tempfile::tempdir().unwrap();
    let file = later.path().join("gl.json");
    let out = gate_in(
        &root(),
        &[
            "run",
            "--plan",
            "fixtures/demo/gate.toml",
            "--now",
            "2026-11-27T16:58:00-05:00",
            "--quiet",
            "--output",
            &format!("gitlab={}", file.display()),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let fp = |text: &str| -> Vec<Value> {
        let v: Value = serde_json::from_str(text).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].clone())
            .collect()
    };
    let before = fp(&read(a.path(), "gl-code-quality.json"));
    assert_eq!(before, fp(&std::fs::read_to_string(&file).unwrap()));
    assert!(!before.is_empty());
    // Evidence and rule moved down, messages reworded: the same fingerprints.
    let rep = big_report(50);
    let mut moved = rep.clone();
    for f in &mut moved.findings {
        f.location.line += 2;
        f.message.push_str(" (again)");
        for w in &mut f.witness {
            if let Some(e) = &mut w.evidence {
                e.line = e.line.map(|l| l + 7);
            }
        }
    }
    assert_eq!(
        report::ci::fingerprints(&rep),
        report::ci::fingerprints(&moved)
    );
}

#[test]
fn junit_is_well_formed_with_unique_cases_and_gate_reads_it_back() {
    let dir = tempfile::tempdir().unwrap();
    demo_everything(dir.path());
    let xml = read(dir.path(), "gate.xml");
    // Parse it whole with quick-xml and collect the cases.
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut cases: Vec<(String, String)> = Vec::new();
    let mut elements = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                let name = e.local_name().as_ref().to_string();
                if name == "testcase" {
                    let get = |key: &str| {
                        e.attributes()
                            .map(|a| a.unwrap())
                            .find(|a| a.key.local_name().as_ref() == key)
                            .map(|a| {
                                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                    .unwrap()
                                    .into_owned()
                            })
                            .unwrap()
                    };
                    cases.push((get("classname"), get("name")));
                }
                elements.push(name);
            }
            _ => {}
        }
    }
    assert_eq!(elements[0], "testsuites");
    assert_eq!(elements[1], "testsuite");
    let rep: Value = serde_json::from_str(&read(dir.path(), "gate.json")).unwrap();
    let findings = rep["findings"].as_array().unwrap();
    let with_findings: HashSet<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    let rules = rep["summary"]["rules"].as_u64().unwrap() as usize;
    let block = rep["summary"]["block"].as_u64().unwrap() as usize;
    let waived = rep["summary"]["waived"].as_u64().unwrap() as usize;
    let total = rules - with_findings.len() + findings.len();
    assert_eq!(
        cases.len(),
        total,
        "a case per passing rule and per finding"
    );
    let unique: HashSet<&(String, String)> = cases.iter().collect();
    assert_eq!(unique.len(), cases.len(), "test case names are unique");
    assert_eq!(elements.iter().filter(|e| *e == "failure").count(), block);
    assert_eq!(elements.iter().filter(|e| *e == "skipped").count(), waived);

    // gate's own JUnit reader takes it as any CI's test results.
    let file = dir.path().join("gate.xml");
    let out = gate_in(
        &root(),
        &[
            "facts",
            "--now",
            DEMO_NOW,
            "--junit",
            &format!("gate={}", file.display()),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let facts: Value = serde_json::from_slice(&out.stdout).unwrap();
    let t = &facts["tests"];
    assert_eq!(
        (&t["total"], &t["failed"], &t["skipped"], &t["passed"]),
        (
            &json!(total),
            &json!(block),
            &json!(waived),
            &json!(total - block - waived)
        )
    );
}

#[test]
fn gitlab_report_has_the_fields_gitlab_reads() {
    let dir = tempfile::tempdir().unwrap();
    demo_everything(dir.path());
    let issues: Value = serde_json::from_str(&read(dir.path(), "gl-code-quality.json")).unwrap();
    let issues = issues.as_array().unwrap();
    let rep: Value = serde_json::from_str(&read(dir.path(), "gate.json")).unwrap();
    let open = rep["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["waived"] == false)
        .count();
    assert_eq!(issues.len(), open, "unwaived findings only");
    let mut fingerprints = HashSet::new();
    for i in issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(i[key].as_str().is_some_and(|s| !s.is_empty()), "{key}: {i}");
        }
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&i["severity"].as_str().unwrap())
        );
        let path = i["location"]["path"].as_str().unwrap();
        assert!(!path.starts_with('/') && !path.starts_with("./"), "{path}");
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(fingerprints.insert(i["fingerprint"].as_str().unwrap().to_string()));
    }
    let blockers = issues.iter().filter(|i| i["severity"] == "blocker").count();
    assert_eq!(blockers as u64, rep["summary"]["block"].as_u64().unwrap());
}

/// A policy over a custom namespace whose file name and values carry every character GitHub's
/// workflow commands need escaped.
fn odd_run(dir: &Path, items: usize, args: &[&str]) -> Output {
    let facts = "odd,na:me%1.json";
    let list: Vec<Value> = (0..items)
        .map(|i| json!({"name": format!("item {i}: 100%,\r\ndone"), "ok": false}))
        .collect();
    std::fs::write(
        dir.join(facts),
        serde_json::to_string_pretty(&json!({ "items": list })).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("odd.gate"),
        "policy \"odd\"\n\n## Every item is ok.\nrule all_ok: block {\n  for item in things.items\n  require item.ok\n    else \"{item.name} is not ok\"\n}\n\n## Items should be ok.\nrule mostly_ok: warn {\n  for item in things.items\n  require item.ok\n    else \"{item.name} should be ok\"\n}\n",
    )
    .unwrap();
    let mut all = vec![
        "check",
        "odd.gate",
        "--facts",
        "things=odd,na:me%1.json",
        "--now",
        NOW,
    ];
    all.extend(args);
    gate_in(dir, &all)
}

#[test]
fn github_annotations_escape_percent_cr_lf_colon_and_comma() {
    let dir = tempfile::tempdir().unwrap();
    let out = odd_run(dir.path(), 1, &["--format", "github"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        "::error file=odd%2Cna%3Ame%251.json,line=3,col=5,title=gate block%3A all_ok::item 0: 100%25,%0D%0Adone is not ok%0Arule `all_ok` at odd.gate:6:3"
    );
    // Every line is one command: the CR and LF in the value did not break it.
    assert!(text.lines().all(|l| l.starts_with("::")), "{text}");
}

#[test]
fn github_annotations_are_capped_with_an_overflow_note() {
    let dir = tempfile::tempdir().unwrap();
    let out = odd_run(dir.path(), 25, &["--format", "github"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let errors = lines.iter().filter(|l| l.starts_with("::error ")).count();
    let warnings = lines.iter().filter(|l| l.starts_with("::warning ")).count();
    assert_eq!(errors, 10);
    assert_eq!(warnings, 10, "9 findings and the note");
    let last = lines.last().unwrap();
    assert!(
        last.starts_with("::warning title=gate::31 more findings not shown as annotations (15 errors, 16 warnings)"),
        "{last}"
    );
}

fn finding(i: usize) -> FindingOut {
    FindingOut {
        rule: "approved_licenses".into(),
        level: if i.is_multiple_of(10) {
            Level::Warn
        } else {
            Level::Block
        },
        kind: FindingKind::Rule,
        message: format!(
            "package-{i} 1.0.{i} is licensed AGPL-3.0-only, which legal has not approved (via app -> lib-{i} -> package-{i}) | <b>*not*</b>"
        ),
        waived: false,
        waiver: None,
        location: Location {
            file: "policies/licenses.gate".into(),
            line: 34,
            column: 3,
        },
        witness: vec![WitnessOut {
            name: "pkg".into(),
            display: format!("package-{i}"),
            value: json!({"name": format!("package-{i}")}),
            evidence: Some(EvidenceOut {
                namespace: "licenses".into(),
                source: "facts/licenses.json".into(),
                pointer: format!("/packages/{i}"),
                line: Some(i + 3),
                column: Some(5),
            }),
        }],
        doc: None,
        notes: vec![],
        audit: false,
    }
}

fn big_report(n: usize) -> Report {
    Report {
        gate: "0.0.0".into(),
        schema: report::SCHEMA_VERSION,
        verdict: Verdict::NoGo,
        policy: None,
        clock: None,
        summary: Summary {
            rules: 1,
            block: n - n / 10,
            warn: n / 10,
            ..Summary::default()
        },
        findings: (0..n).map(finding).collect(),
        errors: vec![],
        warnings: vec![],
        stage: None,
    }
}

#[test]
fn markdown_summary_stays_under_one_mib_with_ten_thousand_findings() {
    let rep = big_report(10_000);
    let md = report::markdown::render(&rep, report::markdown::STEP_SUMMARY_LIMIT);
    assert!(md.len() <= 1 << 20, "{} bytes", md.len());
    assert!(
        md.len() > (1 << 20) - 4096,
        "the space is used: {}",
        md.len()
    );
    let shown = md
        .lines()
        .filter(|l| l.starts_with("| `approved_licenses`"))
        .count();
    let note = md.lines().find(|l| l.contains("more not shown")).unwrap();
    assert!(
        note.contains(&format!("{} findings and errors", 10_000 - shown)),
        "{note}"
    );
    // The tables end where rows stop: no half row.
    assert!(
        md.lines()
            .filter(|l| l.starts_with("| "))
            .all(|l| l.ends_with(" |"))
    );
    // A small report is whole.
    let small = report::markdown::render(&big_report(20), report::markdown::STEP_SUMMARY_LIMIT);
    assert!(!small.contains("more not shown"));
    assert!(
        small.contains("&#124; &lt;b&gt;\\*not\\*&lt;/b&gt;"),
        "escaped: {small}"
    );
}

#[test]
fn sarif_and_junit_of_ten_thousand_findings_are_valid() {
    let rep = big_report(10_000);
    let sarif: Value = serde_json::from_str(&report::sarif::render(&rep, &[])).unwrap();
    assert_eq!(
        schema_errors(&sarif_validator(), &sarif),
        Vec::<String>::new()
    );
    let fps: HashSet<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["partialFingerprints"]["gateFinding/v1"])
        .collect();
    assert_eq!(fps.len(), 10_000);
    let xml = report::junit::render(&rep, &[]);
    assert_eq!(xml.matches("<testcase ").count(), 10_000);
}

#[test]
fn an_error_report_is_valid_sarif_with_notifications() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.gate"),
        "rule x: block {\n  require nope.value\n}\n",
    )
    .unwrap();
    let out = gate_in(
        dir.path(),
        &[
            "check",
            "bad.gate",
            "--now",
            NOW,
            "--format",
            "sarif",
            "--output",
            "junit=j.xml",
            "--output",
            "gitlab=g.json",
            "--output",
            "markdown=s.md",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        schema_errors(&sarif_validator(), &sarif),
        Vec::<String>::new()
    );
    let inv = &sarif["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let n = &inv["toolExecutionNotifications"][0];
    assert_eq!(n["level"], "error");
    assert_eq!(
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "bad.gate"
    );
    let junit = read(dir.path(), "j.xml");
    assert!(junit.contains("<error message="), "{junit}");
    let gl: Value = serde_json::from_str(&read(dir.path(), "g.json")).unwrap();
    assert_eq!(gl[0]["severity"], "critical");
    assert_eq!(gl[0]["location"]["path"], "bad.gate");
    assert!(read(dir.path(), "s.md").contains("**ERROR**"));
}

fn check(args: &[&str]) -> Output {
    let mut all = vec![
        "check",
        "--plan",
        "fixtures/demo/gate.toml",
        "--now",
        DEMO_NOW,
    ];
    all.extend(args);
    gate_in(&root(), &all)
}

#[test]
fn malformed_output_specs_are_usage_errors_naming_the_argument() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["--output", "sarf=x.sarif"],
            "`sarf` before `=` is not an output format (did you mean `sarif`?)",
        ),
        (&["--output", "json="], "the file after `json=` is missing"),
        (
            &["--output", "junit=no/such/folder/x.xml"],
            "the folder `no/such/folder` does not exist",
        ),
        (
            &["--output", "a.json", "--output", "b.json"],
            "`--output a.json` and `--output b.json` both name the report's file",
        ),
        (
            &["--output", "sarif=/tmp/x", "--output", "junit=/tmp/x"],
            "`/tmp/x` is named by two `--output`s",
        ),
    ];
    for (args, wanted) in cases {
        let out = check(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains(wanted), "{args:?}: {err}");
        if args[1].contains('=') && args.len() == 2 {
            assert!(
                err.contains(&format!("'{}'", args[1])),
                "the argument is quoted: {err}"
            );
        }
        // With `--format json`, still exactly one JSON object.
        let mut json_args = args.to_vec();
        json_args.extend(["--format", "json"]);
        let out = check(&json_args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let rep: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(rep["verdict"], "error");
        let message = rep["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(wanted), "{message}");
    }
}

#[test]
fn gate_run_writes_every_output_too() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("run.sarif");
    let md = dir.path().join("run.md");
    let out = gate_in(
        &root(),
        &[
            "run",
            "--plan",
            "fixtures/demo/gate.toml",
            "--now",
            DEMO_NOW,
            "--quiet",
            "--output",
            &format!("sarif={}", sarif.display()),
            "--output",
            &format!("markdown={}", md.display()),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(schema_errors(&sarif_validator(), &v), Vec::<String>::new());
    assert!(std::fs::read_to_string(&md).unwrap().contains("**NO-GO**"));
}

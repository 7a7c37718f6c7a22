//! The broken-policy corpus: `tests/broken/*.gate`, one mistake per file.
//!
//! Each file opens with comment lines that say what it must give:
//!
//! ```text
//! # error: CODE            the diagnostic code the mistake must produce, located in the right file
//! # also: CODE ...         other codes that may legitimately appear too
//! # cascade: CODE ...      extra codes that appear today but should not (a known bug)
//! # facts: NS[=PATH] ...   namespaces to mount (NS alone mounts ../fixtures/broken/NS.json)
//! # at: PATH               the file the located error must be in (default: the policy itself)
//! ```
//!
//! Files in subfolders (`tests/broken/lib/`) are helpers that the cases `use`; they are not cases.
//! Every case is run from `tests/broken`, so the paths in the snapshots are stable.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "2026-11-27T12:00:00Z";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus_dir() -> PathBuf {
    root().join("tests").join("broken")
}

#[derive(Debug)]
struct Case {
    /// The file name, e.g. `bad-regex.gate`.
    file: String,
    error: String,
    also: Vec<String>,
    cascade: Vec<String>,
    facts: Vec<String>,
    at: Option<String>,
}

impl Case {
    fn stem(&self) -> &str {
        self.file.trim_end_matches(".gate")
    }
}

fn header(file: &str, text: &str) -> Case {
    let mut case = Case {
        file: file.to_string(),
        error: String::new(),
        also: Vec::new(),
        cascade: Vec::new(),
        facts: Vec::new(),
        at: None,
    };
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        let Some((key, value)) = line.trim_start_matches('#').trim().split_once(':') else {
            continue;
        };
        let words = value.split_whitespace().map(str::to_string);
        match key.trim() {
            "error" => case.error = value.trim().to_string(),
            "also" => case.also.extend(words),
            "cascade" => case.cascade.extend(words),
            "facts" => case.facts.extend(words.map(|w| {
                if w.contains('=') {
                    w
                } else {
                    format!("{w}=../fixtures/broken/{w}.json")
                }
            })),
            "at" => case.at = Some(value.trim().to_string()),
            _ => {}
        }
    }
    case
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "gate") && path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.push(header(&name, &text));
        }
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

fn gate(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gate"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

fn check(dir: &Path, file: &str, facts: &[String], format: &str) -> Output {
    let mut args = vec!["check", file, "--now", NOW, "--format", format];
    for f in facts {
        args.push("--facts");
        args.push(f);
    }
    gate(dir, &args)
}

fn json_report(out: &Output) -> serde_json::Value {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}):\n{text}"))
}

/// The human rendering, as the snapshot holds it.
fn human(dir: &Path, case: &Case) -> String {
    let out = check(dir, &case.file, &case.facts, "human");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    let err = String::from_utf8_lossy(&out.stderr);
    if !err.is_empty() {
        text.push_str("--- stderr ---\n");
        text.push_str(&err);
    }
    text
}

/// What is wrong with one case's JSON report; empty when it holds.
fn problems(case: &Case, out: &Output, strict: bool) -> Vec<String> {
    let mut p = Vec::new();
    if out.status.code() != Some(2) {
        p.push(format!("exit code {:?}, want 2", out.status.code()));
    }
    let report = json_report(out);
    if report["verdict"] != "error" {
        p.push(format!("verdict {}, want \"error\"", report["verdict"]));
    }
    let errors = report["errors"].as_array().cloned().unwrap_or_default();
    let want_file = case.at.clone().unwrap_or_else(|| case.file.clone());
    let located = errors.iter().any(|e| {
        let loc = &e["location"];
        e["code"] == case.error.as_str()
            && loc["file"].as_str().is_some_and(|f| {
                Path::new(f).file_name() == Path::new(&want_file).file_name()
                    && f.ends_with(want_file.trim_start_matches("./"))
            })
            && loc["line"].as_u64().is_some_and(|l| l >= 1)
            && loc["column"].as_u64().is_some_and(|c| c >= 1)
    });
    if !located {
        p.push(format!(
            "no `{}` error located in `{want_file}` (line and column >= 1); errors: {}",
            case.error,
            serde_json::to_string(&errors).unwrap()
        ));
    }
    let mut allowed: BTreeSet<&str> = BTreeSet::new();
    allowed.insert(&case.error);
    allowed.extend(case.also.iter().map(String::as_str));
    if !strict {
        allowed.extend(case.cascade.iter().map(String::as_str));
    }
    for e in &errors {
        let code = e["code"].as_str().unwrap_or("");
        if !allowed.contains(code) {
            p.push(format!("unexpected `{code}` error: {}", e["message"]));
        }
    }
    for e in &errors {
        let message = e["message"].as_str().unwrap_or("");
        if message.starts_with(|c: char| c.is_uppercase()) || message.ends_with('.') {
            p.push(format!(
                "message is not lowercase without a final period: {message}"
            ));
        }
    }
    p
}

#[test]
fn the_corpus_has_at_least_45_cases_each_naming_its_code() {
    let cases = cases();
    assert!(cases.len() >= 45, "only {} broken policies", cases.len());
    for c in &cases {
        assert!(
            !c.error.is_empty(),
            "{} does not start with `# error: CODE`",
            c.file
        );
        assert!(
            c.error
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch == '-'),
            "{}: `{}` is not a kebab-case code",
            c.file,
            c.error
        );
    }
}

#[test]
fn broken_policies_give_exit_2_and_a_located_error_with_their_code() {
    let dir = corpus_dir();
    let mut failures = Vec::new();
    for case in cases() {
        let out = check(&dir, &case.file, &case.facts, "json");
        for p in problems(&case, &out, false) {
            failures.push(format!("{}: {p}", case.file));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn broken_policies_render_for_people() {
    let dir = corpus_dir();
    for case in cases() {
        let text = human(&dir, &case);
        assert!(
            text.starts_with("ERROR "),
            "{}: the human report does not open with the verdict:\n{text}",
            case.file
        );
        assert!(
            text.contains(&format!("gate::{}", case.error)),
            "{}: the human report does not name `{}`:\n{text}",
            case.file,
            case.error
        );
        insta::assert_snapshot!(case.stem().to_string(), text);
    }
}

/// A mistake should produce its own error only, not errors about what follows from it.
#[test]
fn broken_policies_report_no_cascading_errors() {
    let dir = corpus_dir();
    let mut failures = Vec::new();
    for case in cases().into_iter().filter(|c| !c.cascade.is_empty()) {
        let out = check(&dir, &case.file, &case.facts, "json");
        for p in problems(&case, &out, true) {
            failures.push(format!("{}: {p}", case.file));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every diagnostic code that the policy front end and the fact readers can give, read from
/// the source so that a new code without a broken policy (or a CLI test) fails here.
fn codes_in_source() -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    for folder in ["src/policy", "src/facts"] {
        for entry in std::fs::read_dir(root().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for marker in ["Diagnostic::error(", "self.error(", "c.error("] {
                for (at, _) in text.match_indices(marker) {
                    let rest = text[at + marker.len()..].trim_start();
                    let Some(rest) = rest.strip_prefix('"') else {
                        continue;
                    };
                    let code: String = rest.chars().take_while(|c| *c != '"').collect();
                    if !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                    {
                        codes.insert(code);
                    }
                }
            }
        }
    }
    codes
}

/// Codes whose cases cannot be a policy file in the corpus; the named tests cover them.
const COVERED_ELSEWHERE: &[(&str, &str)] = &[
    (
        "results-missing",
        "results_input.rs: a missing file, a glob matching nothing",
    ),
    ("results-glob", "results_input.rs: `results/[.xml`"),
    ("results-unreadable", "results_input.rs: a folder"),
    (
        "results-empty",
        "results_input.rs: an empty SARIF and JUnit file",
    ),
    (
        "results-too-large",
        "results_input.rs: a sparse SARIF over 1 GiB",
    ),
    ("results-encoding", "results_input.rs: a Latin-1 byte"),
    ("results-truncated", "results_input.rs: a SARIF cut short"),
    ("results-syntax", "results_input.rs: malformed ZAP JSON"),
    (
        "approvals-unknown-key",
        "sequence_inputs.rs: a field no sign-off has",
    ),
    ("approvals-type", "sequence_inputs.rs: `who = 3`"),
    (
        "build-input",
        "facts::build unit tests: a broken manifest above the crate, a member without `Cargo.toml`",
    ),
    (
        "approvals-missing",
        "sequence_inputs.rs: a sign-off without `who`",
    ),
    (
        "approvals-value",
        "sequence_inputs.rs: `at = \"yesterday\"`",
    ),
    (
        "approvals-input",
        "sequence_inputs.rs: a sign-off file that does not exist",
    ),
    (
        "approvals-subject",
        "sequence_inputs.rs: nothing says which release is current",
    ),
    (
        "toml-syntax",
        "sequence_inputs.rs: a sign-off file cut short",
    ),
    (
        "artifact-input",
        "sequence_inputs.rs: an artifact that does not exist",
    ),
    ("release-version", "sequence_inputs.rs: `version = \"2.3\"`"),
    (
        "release-input",
        "sequence_inputs.rs: a manifest that does not exist",
    ),
    (
        "internal",
        "no input causes it: a producer built a document its schema rejects (a bug)",
    ),
    ("facts-empty", "cli.rs: an empty facts file"),
    (
        "facts-unreadable",
        "cli.rs: a missing facts file; robustness.rs: a directory",
    ),
    (
        "facts-too-large",
        "robustness.rs: a sparse facts file over 1 GiB",
    ),
    (
        "bad-namespace",
        "cli.rs: `--facts Load=…` and `--facts clock=…`",
    ),
    (
        "policy-unreadable",
        "broken.rs: invalid UTF-8; robustness.rs: a directory",
    ),
];

#[test]
fn every_diagnostic_code_has_a_broken_policy() {
    let codes = codes_in_source();
    assert!(
        codes.len() >= 20,
        "found only {} codes in src/policy and src/facts: {codes:?}",
        codes.len()
    );
    let covered: BTreeSet<String> = cases().into_iter().map(|c| c.error).collect();
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| !covered.contains(*c) && !COVERED_ELSEWHERE.iter().any(|(e, _)| e == c))
        .collect();
    assert!(
        missing.is_empty(),
        "diagnostic codes with no broken policy in tests/broken: {missing:?}"
    );
}

/// Invalid UTF-8 is written at test time rather than committed.
fn invalid_utf8_policy() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes =
        b"# error: policy-unreadable\npolicy \"invalid-utf8\"\n\nrule a: block {\n  require \"caf"
            .to_vec();
    bytes.push(0xE9); // Latin-1 `é`: not UTF-8
    bytes.extend_from_slice(b"\" != \"\"\n}\n");
    std::fs::write(dir.path().join("invalid-utf8.gate"), bytes).unwrap();
    (dir, "invalid-utf8.gate".to_string())
}

#[test]
fn invalid_utf8_policy_is_an_error_naming_the_place() {
    let (dir, file) = invalid_utf8_policy();
    let out = check(dir.path(), &file, &[], "json");
    assert_eq!(out.status.code(), Some(2));
    let report = json_report(&out);
    assert_eq!(report["verdict"], "error");
    let e = &report["errors"][0];
    assert_eq!(e["code"], "policy-unreadable");
    let message = e["message"].as_str().unwrap();
    assert!(message.contains("UTF-8"), "{message}");
    assert_eq!(e["location"]["line"], 5);
    assert_eq!(e["location"]["column"], 15);
    let case = header(&file, "# error: policy-unreadable");
    insta::assert_snapshot!("invalid-utf8", human(dir.path(), &case));
}

#[test]
fn invalid_utf8_policy_error_is_located() {
    let (dir, file) = invalid_utf8_policy();
    let out = check(dir.path(), &file, &[], "json");
    let case = header(&file, "# error: policy-unreadable");
    let p = problems(&case, &out, true);
    assert!(p.is_empty(), "{}", p.join("\n"));
}

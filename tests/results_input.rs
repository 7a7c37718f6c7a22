//! What every results producer shares (`facts::results`): a missing, unreadable, empty, huge,
//! non-UTF-8, truncated or malformed results file is an error that names the file — and the
//! place, where there is one — with exit 2. Never zero findings.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

mod common;

use common::NOW;
use std::path::Path;

/// `gate facts` with `flags`, in `dir`: exit 2 and the error output.
fn refused(dir: &Path, flags: &[&str]) -> String {
    let mut args = vec!["facts", "--now", NOW];
    args.extend_from_slice(flags);
    let out = common::gate_in(dir, &args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{flags:?}: {err}");
    assert!(
        out.stdout.is_empty(),
        "facts were printed despite the error"
    );
    err
}

#[test]
fn a_missing_file_or_a_glob_matching_nothing_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = refused(dir.path(), &["--sarif", "scan.sarif"]);
    assert!(err.contains("gate::results-missing"), "{err}");
    assert!(err.contains("`scan.sarif` does not exist"), "{err}");
    let err = refused(dir.path(), &["--junit", "e2e=results/*.xml"]);
    assert!(err.contains("no file matches"), "{err}");
    assert!(err.contains("`results/*.xml`"), "{err}");
}

#[test]
fn a_bad_glob_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = refused(dir.path(), &["--junit", "e2e=results/[.xml"]);
    assert!(err.contains("gate::results-glob"), "{err}");
}

#[test]
fn a_folder_is_not_a_results_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("scan.sarif")).unwrap();
    let err = refused(dir.path(), &["--sarif", "scan.sarif"]);
    assert!(err.contains("gate::results-unreadable"), "{err}");
    assert!(err.contains("is a directory"), "{err}");
}

#[test]
fn an_empty_results_file_is_evidence_of_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("scan.sarif"), "  \n").unwrap();
    std::fs::write(dir.path().join("e2e.xml"), "").unwrap();
    let err = refused(
        dir.path(),
        &["--sarif", "scan.sarif", "--junit", "e2e=e2e.xml"],
    );
    assert!(err.contains("`scan.sarif` is empty"), "{err}");
    assert!(err.contains("`e2e.xml` is empty"), "{err}");
    assert!(err.contains("evidence of nothing"), "{err}");
}

#[test]
fn a_results_file_over_a_gibibyte_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let file = std::fs::File::create(dir.path().join("huge.sarif")).unwrap();
    file.set_len((1 << 30) + 1).unwrap(); // sparse: no disk used
    let err = refused(dir.path(), &["--sarif", "huge.sarif"]);
    assert!(err.contains("gate::results-too-large"), "{err}");
}

#[test]
fn text_that_is_not_utf8_is_located_at_the_first_bad_byte() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"{\n  \"version\": \"2.1.0\",\n  \"runs\": [{\"x\": \"caf".to_vec();
    bytes.push(0xE9);
    bytes.extend_from_slice(b"\"}]\n}\n");
    std::fs::write(dir.path().join("scan.sarif"), bytes).unwrap();
    let err = refused(dir.path(), &["--sarif", "scan.sarif"]);
    assert!(err.contains("gate::results-encoding"), "{err}");
    assert!(err.contains("scan.sarif:3:"), "{err}");
}

#[test]
fn truncated_and_malformed_json_are_located() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("cut.sarif"),
        "{\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\"tool\": {\"driver\": {\"name\": \"semgrep\"",
    )
    .unwrap();
    std::fs::write(dir.path().join("bad.json"), "{\n  \"site\": [,]\n}\n").unwrap();
    let err = refused(dir.path(), &["--sarif", "cut.sarif", "--zap", "bad.json"]);
    assert!(err.contains("gate::results-truncated"), "{err}");
    assert!(err.contains("`cut.sarif` ends early"), "{err}");
    assert!(err.contains("gate::results-syntax"), "{err}");
    assert!(err.contains("bad.json:2:"), "{err}");
}

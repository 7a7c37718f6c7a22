//! The plan's `[load]`, `[security]` and `[tests]` sections and their command-line flags: every
//! mistake is a located error with exit 2, before any results file is read.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

mod common;

use common::{NOW, root};
use std::process::Output;

fn gate(args: &[&str]) -> Output {
    common::gate_in(&root(), args)
}

/// `gate check --format json` with a plan holding `text`: the report's errors.
fn plan_errors(text: &str) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("gate.toml");
    std::fs::write(&plan, text).unwrap();
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
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["errors"].as_array().unwrap().clone()
}

fn find<'a>(errors: &'a [serde_json::Value], code: &str, needle: &str) -> &'a serde_json::Value {
    errors
        .iter()
        .find(|e| e["code"] == code && e["message"].as_str().unwrap().contains(needle))
        .unwrap_or_else(|| panic!("no `{code}` error mentioning {needle}: {errors:#?}"))
}

#[test]
fn a_misspelt_load_tool_suggests_the_tool() {
    let errors = plan_errors("[load]\nk6s = \"results/k6.json\"\n");
    let e = find(&errors, "plan-unknown-key", "`load.k6s`");
    assert_eq!(e["help"], "did you mean `k6`?");
    assert_eq!(e["location"]["line"], 2);
    assert_eq!(e["location"]["column"], 1);
}

#[test]
fn load_options_are_checked() {
    let errors = plan_errors(
        "[load]\nk6 = \"k6.json\"\nwindow = 30\ntarget_rate = -4\nmodel = \"opne\"\nco_corrected = \"yes\"\n",
    );
    let at = |needle: &str| find(&errors, "plan-value", needle)["location"]["line"].clone();
    assert_eq!(at("`load.window`"), 3);
    assert_eq!(at("`load.target_rate`"), 4);
    assert_eq!(at("`load.model`"), 5);
    let e = find(&errors, "plan-type", "`load.co_corrected`");
    assert_eq!(e["location"]["line"], 6);
}

#[test]
fn a_results_section_must_name_files() {
    let errors = plan_errors("[security]\n\n[tests]\ne2e = []\n");
    find(&errors, "plan-value", "`[security]` names no results file");
    let e = find(&errors, "plan-value", "`tests.e2e` lists no file");
    assert_eq!(e["location"]["line"], 4);
}

#[test]
fn security_keys_and_types_are_checked() {
    let errors = plan_errors("[security]\nsarif = 3\nsemgrep = \"x.sarif\"\n");
    let e = find(&errors, "plan-type", "`security.sarif` must be a path");
    assert_eq!(e["location"]["line"], 2);
    let e = find(&errors, "plan-unknown-key", "`security.semgrep`");
    assert!(e["help"].as_str().unwrap().contains("sarif"), "{e}");
}

#[test]
fn a_kind_of_suite_is_a_plain_word() {
    let errors = plan_errors("[tests]\n\"End To End\" = \"e2e.xml\"\nuat = [\"a.xml\", 4]\n");
    let e = find(&errors, "plan-value", "`End To End` is not a kind of suite");
    assert_eq!(e["location"]["line"], 2);
    let e = find(&errors, "plan-type", "`tests.uat` lists paths");
    assert_eq!(e["location"]["line"], 3);
}

#[test]
fn bad_results_flags_are_usage_errors() {
    let out = gate(&[
        "facts",
        "--now",
        NOW,
        "--load",
        "k7=results.json",
        "--junit",
        "regression",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`k7` is not a load tool gate reads"), "{err}");
    assert!(err.contains("did you mean `k6`?"), "{err}");
    assert!(
        err.contains("`--junit regression` is not of the form KIND=GLOB"),
        "{err}"
    );
}

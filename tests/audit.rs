//! Audit mode: `--stage NAME` runs the same policy with the `block` rules the plan's
//! `[stage.NAME] audit` lists only warning, and the report says what they would have blocked.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

mod common;

use common::NOW;
use std::path::Path;

const POLICY: &str = r#"policy "rollout"

## The new rule, rolled out in audit mode first.
rule no_critical: block {
  for f in security.findings
  forbid f.severity == critical
    because "{f.rule} is critical"
}

## An old rule that keeps blocking.
rule scans_completed: block {
  for s in security.scans
  require s.completed else "the {s.tool} scan did not complete"
}
"#;

const FACTS: &str = r#"{
  "findings": [{"tool": "trivy", "rule": "CVE-2026-1", "severity": "critical", "message": "m", "suppressed": false}],
  "counts": {"critical": 1, "high": 0, "medium": 0, "low": 0, "info": 0},
  "scans": [{"tool": "trivy", "completed": true}]
}"#;

fn workspace(plan: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gate.toml"), plan).unwrap();
    std::fs::write(dir.path().join("policy.gate"), POLICY).unwrap();
    std::fs::write(dir.path().join("security.json"), FACTS).unwrap();
    dir
}

const PLAN: &str = "policy = \"policy.gate\"\n\n[facts]\nsecurity = \"security.json\"\n\n[stage.canary]\naudit = [\"no_critical\"]\n\n[stage.production]\naudit = []\n";

fn check(dir: &Path, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut args = vec!["check", "--now", NOW, "--format", "json"];
    args.extend_from_slice(extra);
    let out = common::gate_in(dir, &args);
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code(), report)
}

#[test]
fn in_an_audit_stage_the_rule_warns_and_says_what_it_would_have_blocked() {
    let dir = workspace(PLAN);
    let (code, report) = check(dir.path(), &["--stage", "canary"]);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(report["verdict"], "go");
    let f = &report["findings"][0];
    assert_eq!(f["rule"], "no_critical");
    assert_eq!(f["level"], "warn");
    assert_eq!(f["audit"], true);
    assert_eq!(report["stage"]["name"], "canary");
    assert_eq!(
        report["stage"]["audited"],
        serde_json::json!(["no_critical"])
    );
    assert_eq!(report["summary"]["block"], 0);

    // The human report lists the downgraded rule and what it would have blocked.
    let out = common::gate_in(dir.path(), &["check", "--now", NOW, "--stage", "canary"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("audit"), "{text}");
    assert!(text.contains("would have blocked"), "{text}");
}

#[test]
fn outside_the_stage_the_rule_blocks() {
    let dir = workspace(PLAN);
    for extra in [&[][..], &["--stage", "production"][..]] {
        let (code, report) = check(dir.path(), extra);
        assert_eq!(code, Some(1), "{report:#}");
        assert_eq!(report["findings"][0]["level"], "block");
        assert!(
            report["findings"][0].get("audit").is_none() || report["findings"][0]["audit"] == false
        );
    }
}

#[test]
fn an_unknown_stage_or_rule_is_an_error() {
    let dir = workspace(PLAN);
    let (code, report) = check(dir.path(), &["--stage", "canry"]);
    assert_eq!(code, Some(2));
    let e = &report["errors"][0];
    assert!(
        e["message"].as_str().unwrap().contains("no stage `canry`"),
        "{e}"
    );
    assert_eq!(e["help"], "did you mean `canary`?");

    let dir = workspace(&PLAN.replace("[\"no_critical\"]", "[\"no_criticl\"]"));
    let (code, report) = check(dir.path(), &["--stage", "canary"]);
    assert_eq!(code, Some(2));
    let e = &report["errors"][0];
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("`no_criticl`, which is not a rule"),
        "{e}"
    );
    assert_eq!(e["help"], "did you mean `no_critical`?");
    assert_eq!(e["location"]["line"], 7);
}

//! `gate run`: the staging sequence end to end — commands with retries and timeouts, producer
//! steps, logs, `stop_on_failure`, Ctrl-C, and every plan mistake refused before anything runs.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

mod common;

use common::{NOW, root};
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Writes `gate.toml` and `policy.gate` into a fresh folder.
fn workspace(plan: &str, policy: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gate.toml"), plan).unwrap();
    std::fs::write(dir.path().join("policy.gate"), policy).unwrap();
    dir
}

const STEPS_PASS: &str = r#"policy "staging"

## Every step of the staging sequence passed.
rule steps_pass: block {
  for s in steps
  require s.status == "passed" else "step {s.name} {s.status}: {s.message}"
}
"#;

fn run_json(dir: &Path, extra: &[&str]) -> (Output, serde_json::Value) {
    let mut args = vec!["run", "--now", NOW, "--format", "json"];
    args.extend_from_slice(extra);
    let out = common::gate_in(dir, &args);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out, report)
}

fn step_findings(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

/// A policy that turns every step into a finding, so the tests can read each step's facts.
const EVERY_STEP: &str = r#"policy "every-step"

rule step: info {
  for s in steps
  forbid true because "{s.name}|{s.kind}|{s.status}|{s.exit_code}|{s.attempts}|{s.message}"
}

rule pipeline: info {
  forbid true because "{pipeline.steps}|{pipeline.failed}|{pipeline.interrupted}"
}
"#;

#[test]
fn a_sequence_records_each_step_with_retries_timeouts_and_producers() {
    let plan = format!(
        r#"policy = "policy.gate"

[[step]]
name = "deploy to staging"
run = "echo deploying; echo to stderr >&2"

[[step]]
name = "flaky smoke"
run = "test -f marker || {{ touch marker; exit 3; }}"
retries = 2

[[step]]
name = "slow check"
run = "sleep 10"
timeout = "300ms"

[[step]]
name = "read test results"
produce = "tests"

[[step]]
name = "broken check"
run = "exit 7"

[tests]
e2e = "{}"
"#,
        root().join("fixtures/tests/nextest.xml").display()
    );
    let dir = workspace(&plan, EVERY_STEP);
    let (out, report) = run_json(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    let messages = step_findings(&report);
    assert_eq!(
        messages,
        [
            "deploy to staging|command|passed|0|1|none",
            "flaky smoke|command|passed|0|2|none",
            "slow check|command|timed-out|none|1|timed out after 300ms",
            "read test results|producer|passed|none|1|none",
            "broken check|command|failed|7|1|exited with code 7",
            "5|2|false",
        ]
    );
    // Each command's output is in its log, stdout and stderr alike; the facts name the log.
    let log =
        std::fs::read_to_string(dir.path().join(".gate/logs/01-deploy-to-staging.log")).unwrap();
    assert!(
        log.contains("deploying") && log.contains("to stderr"),
        "{log}"
    );
    let log = std::fs::read_to_string(dir.path().join(".gate/logs/02-flaky-smoke.log")).unwrap();
    assert!(
        log.contains("attempt 1 of 3") && log.contains("attempt 2 of 3"),
        "{log}"
    );
    assert!(!log.contains("attempt 3 of 3"), "{log}");
    // The producer step's facts are there for the policy: tests.cases was read.
    let tests_policy = r#"policy "t"
rule tests_read: block { require tests.total > 0 }
rule steps_pass: warn { for s in steps require s.status == "passed" }
"#;
    std::fs::write(dir.path().join("policy.gate"), tests_policy).unwrap();
    std::fs::remove_file(dir.path().join("marker")).unwrap();
    let (out, report) = run_json(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(report["verdict"], "go");
}

#[test]
fn a_failed_step_fails_the_policy_and_stop_on_failure_skips_the_rest() {
    let plan = r#"policy = "policy.gate"

[[step]]
name = "migrate"
run = "exit 1"
stop_on_failure = true

[[step]]
name = "deploy"
run = "touch deployed"
"#;
    let dir = workspace(plan, STEPS_PASS);
    let (out, report) = run_json(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    assert_eq!(
        step_findings(&report),
        [
            "step migrate failed: exited with code 1",
            "step deploy skipped: step `migrate` failed, and its `stop_on_failure` stops the run",
        ]
    );
    assert!(!dir.path().join("deployed").exists(), "a skipped step ran");
}

/// Refused before anything runs: exit 2, the error located in the plan, and no step ran.
fn refused(plan: &str, policy: &str) -> Vec<serde_json::Value> {
    let plan = format!("{plan}\n[[step]]\nname = \"canary\"\nrun = \"touch ran\"\n");
    let dir = workspace(&plan, policy);
    let (out, report) = run_json(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2), "{report:#}");
    assert_eq!(report["verdict"], "error");
    assert!(
        !dir.path().join("ran").exists(),
        "a step ran before the plan was checked"
    );
    assert!(
        !dir.path().join(".gate").exists(),
        "logs were written before the plan was checked"
    );
    report["errors"].as_array().unwrap().clone()
}

fn error<'a>(errors: &'a [serde_json::Value], code: &str, needle: &str) -> &'a serde_json::Value {
    errors
        .iter()
        .find(|e| e["code"] == code && e["message"].as_str().unwrap().contains(needle))
        .unwrap_or_else(|| panic!("no `{code}` error with {needle}: {errors:#?}"))
}

#[test]
fn plan_mistakes_are_refused_before_anything_runs() {
    let errors = refused(
        "policy = \"policy.gate\"\n\n[[step]]\nname = \"deploy\"\nrun = \"no-such-deploy-tool --env staging\"\ntimout = \"5m\"\n",
        STEPS_PASS,
    );
    let e = error(
        &errors,
        "plan-command",
        "`no-such-deploy-tool` is not on `PATH`",
    );
    assert_eq!(e["location"]["line"], 5);
    let e = error(&errors, "plan-unknown-key", "`step.timout`");
    assert_eq!(e["help"], "did you mean `timeout`?");
    assert_eq!(e["location"]["line"], 6);

    let errors = refused(
        "policy = \"policy.gate\"\n\n[[step]]\nrun = \"true\"\n\n[[step]]\nname = \"read\"\nproduce = \"lod\"\n",
        STEPS_PASS,
    );
    error(&errors, "plan-value", "needs a `name`");
    let e = error(
        &errors,
        "plan-value",
        "`lod` is not one of gate's producers",
    );
    assert_eq!(e["help"], "did you mean `load`?");

    let errors = refused(
        "policy = \"policy.gate\"\n\n[[step]]\nname = \"scan\"\nproduce = \"security\"\n",
        STEPS_PASS,
    );
    let e = error(
        &errors,
        "plan-value",
        "the plan has no `[security]` section",
    );
    assert_eq!(e["location"]["line"], 3);

    let errors = refused(
        "policy = \"policy.gate\"\n\n[[step]]\nname = \"a\"\nrun = \"./missing.sh\"\ncwd = \"nowhere\"\n\n[[step]]\nname = \"a\"\nrun = \"true\"\ntimeout = \"soon\"\nretries = 99\n",
        STEPS_PASS,
    );
    error(&errors, "plan-value", "which is not a folder");
    error(&errors, "plan-command", "`./missing.sh` does not exist");
    error(&errors, "plan-value", "`step.timeout` is a duration");
    error(&errors, "plan-value", "`step.retries` is a whole number");
}

#[test]
fn a_missing_input_no_step_could_write_is_refused_before_anything_runs() {
    // `refused` adds a command step at the end: the config step comes before any command.
    let errors = refused(
        "policy = \"policy.gate\"\n\n[[step]]\nname = \"validate\"\nproduce = \"config\"\n\n[config]\nstaging = \"deploy/staging.toml\"\nproduction = \"deploy/production.toml\"\n",
        STEPS_PASS,
    );
    let e = error(&errors, "plan-missing-input", "`deploy/staging.toml`");
    assert_eq!(e["location"]["line"], 8);
    error(&errors, "plan-missing-input", "`deploy/production.toml`");
}

#[test]
fn an_input_a_step_may_write_is_looked_for_when_its_producer_runs() {
    let plan = r#"policy = "policy.gate"

[[step]]
name = "write results"
run = "mkdir -p results && printf '<testsuite name=\"s\"><testcase name=\"t\"/></testsuite>' > results/e2e.xml"

[[step]]
name = "read results"
produce = "tests"

[tests]
e2e = "results/e2e.xml"
"#;
    let dir = workspace(plan, STEPS_PASS);
    let (out, report) = run_json(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(report["verdict"], "go");
}

#[test]
fn a_broken_policy_is_refused_before_anything_runs() {
    let errors = refused(
        "policy = \"policy.gate\"\n",
        "policy \"p\"\nrule a: block {\n  require pipeline.cycle_tim < 1h\n}\n",
    );
    error(&errors, "unknown-field", "cycle_tim");
}

#[test]
fn ctrl_c_stops_the_running_step_and_the_verdict_is_an_error() {
    let plan = r#"policy = "policy.gate"

[[step]]
name = "long load test"
run = "sleep 30; touch finished"

[[step]]
name = "after"
run = "touch after"
"#;
    let dir = workspace(plan, STEPS_PASS);
    let child = Command::new(env!("CARGO_BIN_EXE_gate"))
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["run", "--now", NOW, "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the step is running: its log exists.
    let log = dir.path().join(".gate/logs/01-long-load-test.log");
    let start = std::time::Instant::now();
    while !log.exists() && start.elapsed() < std::time::Duration::from_secs(20) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "the step was not stopped"
    );
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "error");
    let codes: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"run-interrupted"), "{codes:?}");
    assert!(
        !dir.path().join("after").exists(),
        "a step after the interruption ran"
    );
    // The interrupted command's process group was stopped: it never finishes.
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(!dir.path().join("finished").exists());
}

/// Mistakes in the command line's results flags and reports are refused before any step runs,
/// and each is reported once.
#[test]
fn bad_flags_are_refused_before_anything_runs() {
    let plan = "policy = \"policy.gate\"\n\n[[step]]\nname = \"canary\"\nrun = \"touch ran\"\n";
    let dir = workspace(plan, STEPS_PASS);
    let (out, report) = run_json(dir.path(), &["--load", "nosuchtool=x.json"]);
    assert_eq!(out.status.code(), Some(2), "{report:#}");
    assert!(
        !dir.path().join("ran").exists(),
        "a step ran before the flags were checked"
    );
    let errors = report["errors"].as_array().unwrap();
    let about_load: Vec<_> = errors
        .iter()
        .filter(|e| e["message"].as_str().unwrap().contains("nosuchtool"))
        .collect();
    assert_eq!(about_load.len(), 1, "{errors:#?}");

    let out = common::gate_in(
        dir.path(),
        &[
            "run",
            "--now",
            NOW,
            "--output",
            "r.json",
            "--output",
            "json=r.json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !dir.path().join("ran").exists(),
        "a step ran before --output was checked"
    );
}

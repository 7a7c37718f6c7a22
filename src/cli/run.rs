//! `gate run`: the plan's staging sequence, step by step, then the decision over everything it
//! collected. Everything knowable before a step runs — the plan, the policy, the commands — is
//! checked first, so a typo fails in a second, not after a half-hour load test.

use super::args::RunArgs;
use super::collect::{self, Ran};
use super::{Decided, FsReader, Output, decide_after, progress, report_decision};
use gate::diag::Diagnostic;
use gate::eval::{Outcome, Verdict};
use gate::facts::{Facts, Namespace, Origin, json};
use gate::plan::producer::Producer;
use gate::plan::run::{self as runner, Status};
use gate::plan::steps::{Action, Step};
use gate::policy::check::{Available, check};
use gate::span::SourceMap;
use serde_json::json;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Set by Ctrl-C: the running step is stopped and the rest skipped. A second Ctrl-C exits.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

pub fn run(a: RunArgs) -> u8 {
    if a.quiet {
        progress::silence();
    }
    let output = a.output_args();
    if let Some(message) = &output.conflict {
        // Refused before any step runs, not after the whole sequence.
        return super::outputs::refuse(message, &output);
    }
    let mut sources = SourceMap::default();
    let Some(plan_path) = collect::plan_path(&a.sources) else {
        return refuse(
            vec![Diagnostic::error(
                "usage",
                "`gate run` needs a plan: `--plan gate.toml`, or a `gate.toml` in the current folder",
            )
            .help("the plan names the steps of the staging sequence and the producers to run")],
            sources,
            &output,
        );
    };
    let plan = match gate::plan::load(&plan_path, &mut sources) {
        Ok(p) => p,
        Err(d) => return refuse(d, sources, &output),
    };
    let mut problems = preflight(&a, &plan);
    // The results flags (`--load`, `--junit`, …) are read once, now: a mistake in one is refused
    // before the steps run.
    let results = super::results::configs(&a.sources.results, Some(&plan), &mut problems);
    if let Some(policy) = a
        .policy
        .clone()
        .or_else(|| plan.policy.as_ref().map(|(p, _)| p.clone()))
    {
        // The policy is checked now, with every namespace allowed; which ones were produced is
        // checked again once they are.
        let mut scratch = SourceMap::default();
        let (loaded, mut diags) = gate::policy::load::load(&policy, &FsReader, &mut scratch);
        let (_, mut more) = check(&loaded, &scratch, &Available::Everything);
        diags.append(&mut more);
        if diags.iter().any(Diagnostic::is_error) {
            return refuse(diags, scratch, &output);
        }
    } else {
        problems.push(
            Diagnostic::error(
                "usage",
                "no policy to decide with: name a `.gate` file, or set `policy` in the plan",
            )
            .help("run `gate run policies/release.gate --plan gate.toml`"),
        );
    }
    if problems.iter().any(Diagnostic::is_error) {
        return refuse(problems, sources, &output);
    }

    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    let plan_dir = plan_path
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let log_dir = a
        .log_dir
        .clone()
        .unwrap_or_else(|| plan_dir.join(".gate").join("logs"));
    let mut ran = Ran {
        plan: plan.clone(),
        producers: Default::default(),
        facts: Facts::default(),
        attempted: Default::default(),
        errors: problems,
        results: None,
    };
    let started = jiff::Timestamp::now();
    let clock = Instant::now();
    let total = plan.steps.len();
    let mut outcomes: Vec<runner::Outcome> = Vec::new();
    let mut stop: Option<String> = None;
    for (i, step) in plan.steps.iter().enumerate() {
        if let Some(why) = &stop {
            outcomes.push(runner::Outcome::skipped(why));
            continue;
        }
        say(&format!("[{}/{total}] {} …", i + 1, step.name));
        let o = match &step.action {
            Action::Command { .. } => {
                let log = log_dir.join(format!("{:02}-{}.log", i + 1, slug(&step.name)));
                runner::command(step, &log, &INTERRUPTED)
            }
            Action::Producer(producer) => {
                let name = producer.name();
                let at = jiff::Timestamp::now();
                let t0 = Instant::now();
                let produced =
                    collect::produce(*producer, Some(&plan), &a.sources, &results, &mut sources);
                let (status, message) = match &produced {
                    Some(Ok(_)) => (Status::Passed, None),
                    Some(Err(d)) => (
                        Status::Failed,
                        d.iter().find(|d| d.is_error()).map(|d| d.message.clone()),
                    ),
                    None => (
                        Status::Failed,
                        Some(format!("the plan does not configure the `{name}` producer")),
                    ),
                };
                if let Some(p) = produced {
                    collect::record(name, p, &mut ran.attempted, &mut ran.facts, &mut ran.errors);
                }
                ran.producers.insert(*producer);
                let interrupted = INTERRUPTED.load(Ordering::SeqCst);
                runner::Outcome {
                    status: if interrupted {
                        Status::Interrupted
                    } else {
                        status
                    },
                    exit_code: None,
                    attempts: 1,
                    started: Some(at),
                    duration: t0.elapsed(),
                    log: None,
                    message,
                }
            }
        };
        say(&format!(
            "[{}/{total}] {} {} in {}",
            i + 1,
            step.name,
            o.status.name(),
            human_duration(o.duration)
        ));
        if o.status == Status::Interrupted {
            stop = Some("the run was interrupted before this step".into());
        } else if matches!(o.status, Status::Failed | Status::TimedOut) && step.stop_on_failure {
            stop = Some(format!(
                "step `{}` failed, and its `stop_on_failure` stops the run",
                step.name
            ));
        }
        outcomes.push(o);
    }
    let interrupted = INTERRUPTED.load(Ordering::SeqCst);
    if interrupted {
        ran.errors.push(
            Diagnostic::error(
                "run-interrupted",
                "the run was interrupted: its facts are incomplete, so nothing may be decided from them",
            )
            .help("run it again to the end"),
        );
    }
    match sequence_facts(
        &plan.steps,
        &outcomes,
        started,
        clock.elapsed(),
        interrupted,
    ) {
        Ok((steps, pipeline)) => {
            ran.facts.insert("steps", steps);
            ran.facts.insert("pipeline", pipeline);
        }
        Err(mut d) => ran.errors.append(&mut d),
    }
    ran.attempted
        .extend(["steps".to_string(), "pipeline".to_string()]);
    ran.results = Some(results);
    let decided: Decided = decide_after(
        &a.sources,
        None,
        a.policy.as_deref(),
        true,
        sources,
        Some(ran),
    );
    report_decision(decided, &output)
}

/// Problems with the steps that only the whole plan shows: a producer step for a section the
/// plan does not have.
fn preflight(a: &RunArgs, plan: &gate::plan::Plan) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let flags = |p: Producer| match p {
        Producer::Load => !a.sources.results.load.is_empty(),
        Producer::Tests => !a.sources.results.junit.is_empty(),
        Producer::Security => {
            let r = &a.sources.results;
            !(r.sarif.is_empty()
                && r.zap.is_empty()
                && r.cargo_audit.is_empty()
                && r.npm_audit.is_empty()
                && r.trivy.is_empty())
        }
        Producer::Source => !a.sources.source_paths.is_empty(),
        Producer::Licenses => {
            a.sources.licenses.manifest_path.is_some() || a.sources.licenses.sbom.is_some()
        }
        Producer::Config
        | Producer::Data
        | Producer::Monitoring
        | Producer::Release
        | Producer::Approvals
        | Producer::Build
        | Producer::Artifact => false,
    };
    // A producer whose inputs no command could have written yet reads them as they are now:
    // a missing one is refused before anything runs. (After a command step, a missing input is
    // an error when its producer runs: the command may be what writes it.)
    let mut command_before = false;
    let mut checked = std::collections::BTreeSet::new();
    for step in &plan.steps {
        match &step.action {
            Action::Command { .. } => command_before = true,
            Action::Producer(p) if !command_before && !flags(*p) => {
                checked.insert(*p);
                missing_inputs(plan, *p, &mut out);
            }
            Action::Producer(_) => {}
        }
    }
    if !command_before {
        // No command at all: every producer reads its inputs as they are now.
        for p in Producer::ALL {
            if !checked.contains(&p) && plan.configures(p) && !flags(p) {
                missing_inputs(plan, p, &mut out);
            }
        }
    }
    for step in &plan.steps {
        if let Action::Producer(p) = step.action
            && !plan.configures(p)
            && !flags(p)
        {
            let name = p.name();
            out.push(
                Diagnostic::error(
                    "plan-value",
                    format!(
                        "step `{}` runs the `{name}` producer, but the plan has no `[{name}]` section",
                        step.name
                    ),
                )
                .at(step.at, "nothing to produce")
                .help(format!("add `[{name}]` to the plan with its inputs")),
            );
        }
    }
    out
}

/// Each input of producer `p` that does not exist, as an error at the plan entry naming it.
fn missing_inputs(plan: &gate::plan::Plan, p: Producer, out: &mut Vec<Diagnostic>) {
    let name = p.name();
    for (path, at) in plan.inputs(p) {
        if !path.exists() {
            let mut d = Diagnostic::error(
                "plan-missing-input",
                format!(
                    "the `{name}` producer reads `{}`, which does not exist, and no step before it could write it",
                    gate::facts::shown(&path)
                ),
            )
            .help("fix the path, or add the step that writes it before the producer's step");
            if let Some(at) = at {
                d = d.at(at, "does not exist");
            }
            out.push(d);
        }
    }
}

/// The error report of a run refused before anything ran.
fn refuse(errors: Vec<Diagnostic>, sources: SourceMap, output: &Output) -> u8 {
    let outcome = Outcome {
        verdict: Verdict::Error,
        findings: Vec::new(),
        errors,
        rules: 0,
        failed: Vec::new(),
    };
    report_decision(
        Decided {
            sources,
            facts: Facts::default(),
            policy: None,
            policy_info: None,
            docs: Vec::new(),
            outcome,
            clock: None,
            stage: None,
        },
        output,
    )
}

/// One progress line on a terminal; nothing in CI or with `--quiet`.
fn say(line: &str) {
    if progress::quiet() {
        return;
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "gate run: {line}");
}

fn human_duration(d: std::time::Duration) -> String {
    gate::value::duration_text(rust_decimal::Decimal::from(
        u64::try_from(d.as_millis()).unwrap_or(u64::MAX) * 1_000_000,
    ))
}

/// A step's name as a file name: `Deploy to staging` → `deploy-to-staging`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-');
    if out.is_empty() {
        "step".into()
    } else {
        out.chars().take(60).collect()
    }
}

/// The `steps` and `pipeline` namespaces.
fn sequence_facts(
    steps: &[Step],
    outcomes: &[runner::Outcome],
    started: jiff::Timestamp,
    elapsed: std::time::Duration,
    interrupted: bool,
) -> Result<(Namespace, Namespace), Vec<Diagnostic>> {
    let ms = |d: std::time::Duration| serde_json::Value::String(format!("{}ms", d.as_millis()));
    let list: Vec<serde_json::Value> = steps
        .iter()
        .zip(outcomes)
        .map(|(s, o)| {
            json!({
                "name": s.name,
                "kind": match s.action { Action::Command { .. } => "command", Action::Producer(_) => "producer" },
                "status": o.status.name(),
                "duration": ms(o.duration),
                "exit_code": o.exit_code,
                "attempts": o.attempts,
                "started": o.started.map(|t| t.to_string()),
                "log": o.log.as_ref().map(|l| gate::facts::shown(l)),
                "message": o.message,
            })
        })
        .collect();
    let failed = outcomes
        .iter()
        .filter(|o| matches!(o.status, Status::Failed | Status::TimedOut))
        .count();
    let steps_value = json::produced("steps", &serde_json::Value::Array(list))?;
    let pipeline_value = json::produced(
        "pipeline",
        &json!({
            "cycle_time": ms(elapsed),
            "started": started.to_string(),
            "steps": steps.len(),
            "failed": failed,
            "interrupted": interrupted,
        }),
    )?;
    let inputs: Vec<(String, String)> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(i, o)| {
            o.log
                .as_ref()
                .map(|l| (format!("/{i}"), gate::facts::shown(l)))
        })
        .collect();
    Ok((
        Namespace {
            value: steps_value,
            origin: Origin::Producer {
                what: "gate run".into(),
                inputs: std::sync::Arc::new(inputs),
            },
        },
        Namespace {
            value: pipeline_value,
            origin: Origin::Builtin("gate run"),
        },
    ))
}

//! The `tests` producer: regression, end-to-end and acceptance test results as JUnit XML (nextest,
//! Surefire/Failsafe, pytest, jest-junit, gotestsum), normalised into facts.md's `tests`
//! namespace.
//!
//! `xml` reads one file into suites and test cases (every problem located by byte offset),
//! `retries` joins each test's runs into one case (flaky, failed, attempts), and this module
//! reads the files, counts, and makes the namespace: `/cases/N` is located at that case's
//! `<testcase>` in its JUnit file, `/suites/N` at its `<testsuite>`.
//!
//! Counts: `total` = `passed` + `failed` + `errors` + `skipped`, a retried test counted once;
//! `passed` includes the flaky ones. Durations: a case's is all its attempts together; a suite's
//! is its `time`, else the sum of its cases; the namespace's is each file's root `time` (else its
//! top-level suites'), added up.

pub mod retries;
pub mod xml;

use super::results::{self, Named, Problem};
use super::{Namespace, Origin};
use crate::diag::Diagnostic;
use crate::span::SourceMap;
use crate::value::duration_json;
use retries::Status;
use rust_decimal::Decimal;
use serde_json::{Value as J, json};

/// The validated `[tests]` configuration: for each kind of suite (`regression`, `e2e`, `uat`, …
/// — the plan's keys), the JUnit files or globs that hold its results.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    pub suites: Vec<(String, Named)>,
}

/// Counts of one suite, or of all.
#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    total: usize,
    passed: usize,
    failed: usize,
    errors: usize,
    skipped: usize,
    flaky: usize,
}

impl Counts {
    fn add(&mut self, c: &retries::Case) {
        self.total += 1;
        match c.status {
            Status::Passed => self.passed += 1,
            Status::Failed => self.failed += 1,
            Status::Error => self.errors += 1,
            Status::Skipped => self.skipped += 1,
        }
        if c.flaky {
            self.flaky += 1;
        }
    }

    fn merge(&mut self, o: &Counts) {
        self.total += o.total;
        self.passed += o.passed;
        self.failed += o.failed;
        self.errors += o.errors;
        self.skipped += o.skipped;
        self.flaky += o.flaky;
    }
}

const NS_PER_SECOND: i64 = 1_000_000_000;

fn sum(a: Option<Decimal>, b: Option<Decimal>) -> Option<Decimal> {
    a.zip(b).map(|(a, b)| a + b)
}

/// `record` with its `duration`, when it is known; without the field otherwise.
fn with_duration(mut record: J, seconds: Option<Decimal>) -> J {
    if let (Some(s), J::Object(m)) = (seconds, &mut record) {
        m.insert("duration".into(), J::String(duration(s)));
    }
    record
}

/// Seconds as a duration's exact JSON form.
fn duration(seconds: Decimal) -> String {
    duration_json(
        seconds
            .checked_mul(Decimal::from(NS_PER_SECOND))
            .unwrap_or(Decimal::MAX),
    )
}

/// Runs the producer: reads every JUnit file and makes the `tests` namespace.
pub fn produce(
    config: &Config,
    sources: &mut SourceMap,
) -> Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>> {
    if config.suites.is_empty() {
        return Err(vec![
            Diagnostic::error("junit-none", "no test results were named").help(
                "name JUnit files by kind of suite: `regression = \"results/junit/*.xml\"` under `[tests]` in the plan, or `--junit regression=PATH`",
            ),
        ]);
    }
    let mut errors = Vec::new();
    let mut suites_json = Vec::new();
    let mut cases_json = Vec::new();
    let mut inputs: Vec<(String, String)> = Vec::new();
    let mut all = Counts::default();
    // Durations add up only while every part is known: a time the file does not give is left
    // out of the facts (reading it is an error), never counted as zero.
    let mut total_seconds = Some(Decimal::ZERO);
    let mut files_read: Vec<String> = Vec::new();
    for (kind, named) in &config.suites {
        let what = format!("the `{kind}` test results");
        let (files, missing) = results::expand_all(std::slice::from_ref(named), &what);
        errors.extend(missing);
        for f in files {
            let input = match results::read(&f.path, &what, f.at, sources) {
                Ok(i) => i,
                Err(d) => {
                    errors.push(d);
                    continue;
                }
            };
            let report = match xml::parse(&input.text) {
                Ok(r) => r,
                Err(problems) => {
                    errors.extend(
                        problems
                            .into_iter()
                            .map(|(code, p)| results::located(code, &what, &input, p)),
                    );
                    continue;
                }
            };
            if report.cases() == 0 {
                errors.push(results::located(
                    "junit-empty",
                    &what,
                    &input,
                    Problem::at_offset(report.root, "no test cases: the suite did not run")
                        .help("an empty suite is evidence of nothing: check the step that runs the tests and writes this file"),
                ));
                continue;
            }
            files_read.push(input.shown.clone());
            let file = sources.get(input.file);
            let place = |offset: usize| {
                let (line, column) = file.map_or_else(
                    || xml::line_col(&input.text, offset),
                    |f| f.line_col(offset),
                );
                format!("{}:{line}:{column}", input.shown)
            };
            let mut file_seconds = Some(Decimal::ZERO);
            for suite in report.suites {
                if suite.cases.is_empty() && suite.parent {
                    // A suite that only holds other suites: they are listed themselves.
                    if suite.top {
                        file_seconds = sum(file_seconds, suite.time);
                    }
                    continue;
                }
                let cases = retries::join(suite.cases);
                let name = if suite.name.is_empty() {
                    input.shown.clone()
                } else {
                    suite.name.clone()
                };
                let mut counts = Counts::default();
                let mut case_seconds = Some(Decimal::ZERO);
                for c in &cases {
                    counts.add(c);
                    case_seconds = sum(case_seconds, c.seconds);
                    inputs.push((format!("/cases/{}", cases_json.len()), place(c.offset)));
                    cases_json.push(with_duration(
                        json!({
                            "suite": name,
                            "kind": kind,
                            "name": c.name,
                            "classname": c.classname,
                            "file": c.file,
                            "line": c.line,
                            "status": c.status.name(),
                            "flaky": c.flaky,
                            "attempts": c.attempts,
                            "message": c.message,
                        }),
                        c.seconds,
                    ));
                }
                let seconds = suite.time.or(case_seconds);
                if suite.top {
                    file_seconds = sum(file_seconds, seconds);
                }
                inputs.push((
                    format!("/suites/{}", suites_json.len()),
                    place(suite.offset),
                ));
                suites_json.push(with_duration(
                    json!({
                        "name": name,
                        "kind": kind,
                        "file": input.shown,
                        "total": counts.total,
                        "passed": counts.passed,
                        "failed": counts.failed,
                        "errors": counts.errors,
                        "skipped": counts.skipped,
                        "flaky": counts.flaky,
                    }),
                    seconds,
                ));
                all.merge(&counts);
            }
            total_seconds = sum(total_seconds, report.time.or(file_seconds));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let doc = with_duration(
        json!({
            "total": all.total,
            "passed": all.passed,
            "failed": all.failed,
            "errors": all.errors,
            "skipped": all.skipped,
            "flaky": all.flaky,
            "suites": suites_json,
            "cases": cases_json,
        }),
        total_seconds,
    );
    let value = crate::facts::json::produced("tests", &doc)?;
    Ok((
        Namespace {
            value,
            origin: Origin::Producer {
                what: format!(
                    "the tests producer, from {}",
                    files_read
                        .iter()
                        .map(|f| format!("`{f}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                inputs: std::sync::Arc::new(inputs),
            },
        },
        Vec::new(),
    ))
}

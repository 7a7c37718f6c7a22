//! The results of `gate test` for people (like `cargo test`), as JUnit XML for CI, and as JSON.

use super::coverage::{Tally, Tracker};
use crate::report::Problem;
use crate::report::junit::attr as xml;
use crate::span::Location;
use serde::Serialize;
use std::fmt::Write as _;

/// How one test ended.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Status {
    /// Everything expected happened.
    Ok,
    /// The differences, one per line item.
    Failed { differences: Vec<String> },
    /// The test could not run: its facts are broken.
    Error { errors: Vec<Problem> },
}

#[derive(Clone, Debug, Serialize)]
pub struct TestResult {
    pub name: String,
    pub location: Location,
    #[serde(flatten)]
    pub status: Status,
}

#[derive(Clone, Debug, Serialize)]
pub struct SuiteResult {
    pub file: String,
    /// The policy, as the loader names it; empty when the file names none.
    pub policy: String,
    pub tests: Vec<TestResult>,
    /// Problems of the file or its policy: none of its tests ran.
    pub errors: Vec<Problem>,
}

/// Counts over a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub passed: usize,
    pub failed: usize,
    /// Tests that could not run, and suites of which none could.
    pub errors: usize,
}

pub fn totals(suites: &[SuiteResult]) -> Totals {
    let mut t = Totals::default();
    for s in suites {
        t.errors += usize::from(!s.errors.is_empty());
        for r in &s.tests {
            match r.status {
                Status::Ok => t.passed += 1,
                Status::Failed { .. } => t.failed += 1,
                Status::Error { .. } => t.errors += 1,
            }
        }
    }
    t
}

/// The human report: a line per test, then each failure with its differences, then the count.
pub fn human(suites: &[SuiteResult]) -> String {
    let mut out = String::new();
    for s in suites {
        if !s.errors.is_empty() {
            let _ = writeln!(
                out,
                "{}: broken ({} error{}), no test ran",
                s.file,
                s.errors.len(),
                if s.errors.len() == 1 { "" } else { "s" }
            );
            continue;
        }
        let _ = writeln!(
            out,
            "running {} test{} from {} (policy {})",
            s.tests.len(),
            if s.tests.len() == 1 { "" } else { "s" },
            s.file,
            s.policy
        );
        for r in &s.tests {
            let word = match r.status {
                Status::Ok => "ok",
                Status::Failed { .. } => "FAILED",
                Status::Error { .. } => "ERROR",
            };
            let _ = writeln!(out, "test {} ... {word}", r.name);
        }
    }
    let failures: Vec<&TestResult> = suites
        .iter()
        .flat_map(|s| &s.tests)
        .filter(|r| !matches!(r.status, Status::Ok))
        .collect();
    if !failures.is_empty() {
        out.push_str("\nfailures:\n");
        for r in failures {
            let _ = writeln!(out, "\n---- {} ({}) ----", r.name, r.location);
            match &r.status {
                Status::Failed { differences } => {
                    for d in differences {
                        let _ = writeln!(out, "{d}");
                    }
                }
                Status::Error { errors } => {
                    for e in errors {
                        let at = e
                            .location
                            .as_ref()
                            .map(|l| format!(" ({l})"))
                            .unwrap_or_default();
                        let _ = writeln!(out, "error [{}]: {}{at}", e.code, e.message);
                    }
                }
                Status::Ok => {}
            }
        }
    }
    let t = totals(suites);
    let word = if t.failed == 0 && t.errors == 0 {
        "ok"
    } else {
        "FAILED"
    };
    let _ = writeln!(
        out,
        "\ntest result: {word}. {} passed; {} failed; {} broken",
        t.passed, t.failed, t.errors
    );
    out
}

/// The coverage table: per rule whether it fired and passed and its branches, then every
/// branch not seen both ways, at its place.
pub fn coverage(tracker: &Tracker) -> String {
    let t = tracker.tally();
    let mut out = String::new();
    let _ = writeln!(out, "\ncoverage: {}", summary(&t));
    let width = tracker
        .rules()
        .map(|r| r.rule.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(out, "\n{:width$}  fired  passed  branches  where", "rule");
    let yes = |b: bool| if b { "yes" } else { "no" };
    for r in tracker.rules() {
        let covered = r.branches.iter().filter(|b| b.covered()).count();
        let _ = writeln!(
            out,
            "{:width$}  {:5}  {:6}  {:>8}  {}",
            r.rule,
            yes(r.fired),
            yes(r.passed),
            format!("{covered}/{}", r.branches.len()),
            r.location
        );
    }
    let mut missing = String::new();
    for r in tracker.rules() {
        if !r.fired {
            let _ = writeln!(missing, "  {}  rule `{}` never fired", r.location, r.rule);
        }
        if !r.passed {
            let _ = writeln!(missing, "  {}  rule `{}` never passed", r.location, r.rule);
        }
        for b in r.branches.iter().filter(|b| !b.covered()) {
            let never = match (b.seen_true, b.seen_false) {
                (false, false) => "never evaluated",
                (true, _) => "never false",
                (_, true) => "never true",
            };
            let _ = writeln!(
                missing,
                "  {}  `{}` ({} of `{}`): {never}",
                b.location, b.text, b.decision, r.rule
            );
        }
    }
    if !missing.is_empty() {
        out.push_str("\nnot covered:\n");
        out.push_str(&missing);
    }
    out
}

/// `92.3% (rules 11/12 fired and passed, branches 20/22 true and false)`.
pub fn summary(t: &Tally) -> String {
    format!(
        "{:.1}% of outcomes seen (rules {}/{} both fired and passed, branches {}/{} both true and false)",
        t.percent(),
        t.rules_covered,
        t.rules,
        t.branches_covered,
        t.branches
    )
}

/// JUnit XML for the tests themselves: a `<testsuite>` per test file, a `<testcase>` per test,
/// a `<failure>` with the differences, an `<error>` for a test that could not run.
pub fn junit(suites: &[SuiteResult]) -> String {
    let t = totals(suites);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"gate test\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
        t.passed + t.failed + t.errors,
        t.failed,
        t.errors
    );
    for s in suites {
        let st = totals(std::slice::from_ref(s));
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
            xml(&s.file),
            s.tests.len().max(usize::from(!s.errors.is_empty())),
            st.failed,
            st.errors
        );
        if !s.errors.is_empty() {
            let text: Vec<String> = s.errors.iter().map(problem_line).collect();
            let _ = writeln!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\">\n      <error message=\"{}\" type=\"broken\">{}</error>\n    </testcase>",
                xml(&s.file),
                xml(&s.file),
                xml(text.first().map_or("", String::as_str)),
                xml(&text.join("\n"))
            );
        }
        for r in &s.tests {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\"",
                xml(&r.name),
                xml(&s.file),
                xml(&r.location.file),
                r.location.line
            );
            match &r.status {
                Status::Ok => out.push_str("/>\n"),
                Status::Failed { differences } => {
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{}\" type=\"expectation\">{}</failure>\n    </testcase>",
                        xml(differences.first().map_or("", String::as_str)),
                        xml(&differences.join("\n"))
                    );
                }
                Status::Error { errors } => {
                    let text: Vec<String> = errors.iter().map(problem_line).collect();
                    let _ = writeln!(
                        out,
                        ">\n      <error message=\"{}\" type=\"broken\">{}</error>\n    </testcase>",
                        xml(text.first().map_or("", String::as_str)),
                        xml(&text.join("\n"))
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn problem_line(p: &Problem) -> String {
    match &p.location {
        Some(l) => format!("{l}: [{}] {}", p.code, p.message),
        None => format!("[{}] {}", p.code, p.message),
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    schema: u32,
    #[serde(flatten)]
    totals: Totals,
    suites: &'a [SuiteResult],
    coverage: Option<JsonCoverage<'a>>,
}

#[derive(Serialize)]
struct JsonCoverage<'a> {
    percent: f64,
    #[serde(flatten)]
    tally: Tally,
    rules: Vec<&'a super::coverage::RuleCoverage>,
}

/// One JSON object: the totals, each suite with each test's status and differences, and the
/// coverage when it was measured.
pub fn json(suites: &[SuiteResult], coverage: Option<&Tracker>) -> String {
    let report = JsonReport {
        schema: 1,
        totals: totals(suites),
        suites,
        coverage: coverage.map(|c| {
            let tally = c.tally();
            JsonCoverage {
                percent: (tally.percent() * 10.0).round() / 10.0,
                tally,
                rules: c.rules().collect(),
            }
        }),
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn xml_text_is_escaped() {
        // A character XML 1.0 forbids becomes U+FFFD; a line break survives an attribute.
        assert_eq!(
            xml("a<b & \"c\"\u{1}\n"),
            "a&lt;b &amp; &quot;c&quot;\u{FFFD}&#10;"
        );
    }
}

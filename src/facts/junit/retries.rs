//! Retries: one test's runs, however its tool wrote them, become one case with a status, whether
//! it was flaky and how many attempts it took.
//!
//! The dialects, as read from each tool's real output (fixtures/tests/README.md):
//! - nextest (`retries`) and Surefire/Failsafe (`rerunFailingTestsCount`) write one `<testcase>`
//!   per test: a flaky test passes with `<flakyFailure>`/`<flakyError>` children, a test that
//!   failed every attempt has `<failure>`/`<error>` and `<rerunFailure>`/`<rerunError>`
//!   children. `xml` turns those into the runs of one [`TestCase`].
//! - pytest-rerunfailures (16.x) repeats the `<testcase>`: every rerun attempt is an *empty*
//!   `<testcase>` (no `<failure>`, though it failed), and the last one says how the test ended.
//! - gotestsum `--rerun-fails` repeats the `<testcase>` too, each failed run with its `<failure>`.
//! - jest-junit writes one `<testcase>` with the final result only: a test that passed on a
//!   `jest.retryTimes` retry cannot be told from one that passed at once.
//!
//! So: `<testcase>`s of one test (same suite, `classname` and `name`) are joined in document
//! order. A test is run again only because it did not pass, so every run but the last is a
//! failed one whatever its element says; the last run says how the test ended. Passed after
//! failing → passed and flaky. Failed or errored at the end → failed or error (a test that never
//! passed is failed). Skipped at the end after a failed run → failed: a failure is never
//! hidden by a later skip.

use super::xml::{Outcome, TestCase};
use rust_decimal::Decimal;

/// The status a case ends with (facts.md's `status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    Skipped,
    Error,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
            Status::Error => "error",
        }
    }
}

/// One test, all its runs joined.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub name: String,
    pub classname: Option<String>,
    pub file: Option<String>,
    pub line: Option<u64>,
    /// Byte offset of the `<testcase>` that says how it ended (the last).
    pub offset: usize,
    pub status: Status,
    pub flaky: bool,
    pub attempts: usize,
    /// Seconds, all attempts together.
    /// The attempts' times added up; `None` when no attempt gives one (never a guessed zero).
    /// A retry element without its own time (Surefire's `<flakyError>`) adds nothing.
    pub seconds: Option<Decimal>,
    pub message: Option<String>,
}

/// Joins the `<testcase>`s of one suite into cases, in the order each test first appears.
pub fn join(cases: Vec<TestCase>) -> Vec<Case> {
    let mut order: Vec<(Option<String>, String)> = Vec::new();
    let mut groups: std::collections::HashMap<(Option<String>, String), Vec<TestCase>> =
        std::collections::HashMap::new();
    for c in cases {
        let key = (c.classname.clone(), c.name.clone());
        let group = groups.entry(key.clone()).or_default();
        if group.is_empty() {
            order.push(key);
        }
        group.push(c);
    }
    order
        .into_iter()
        .filter_map(|key| groups.remove(&key))
        .filter_map(decide)
        .collect()
}

/// One test's `<testcase>`s (in document order) → its case.
fn decide(elements: Vec<TestCase>) -> Option<Case> {
    let repeated = elements.len() > 1;
    let last = elements.last()?.clone();
    // Every run, in order; a repeated `<testcase>` that is not the last stands for a failed run
    // even when it says nothing (pytest-rerunfailures).
    let count = elements.len();
    let mut runs: Vec<(Outcome, Option<String>)> = Vec::new();
    let mut seconds: Option<Decimal> = None;
    for (i, e) in elements.into_iter().enumerate() {
        let final_element = i + 1 == count;
        let n = e.attempts.len();
        for (j, a) in e.attempts.into_iter().enumerate() {
            if let Some(t) = a.time {
                seconds = Some(seconds.unwrap_or_default() + t);
            }
            let outcome = if !final_element
                && j + 1 == n
                && matches!(a.outcome, Outcome::Passed | Outcome::Skipped)
                && repeated
            {
                Outcome::Failed
            } else {
                a.outcome
            };
            runs.push((outcome, a.message));
        }
    }
    let (end, end_message) = runs.last().cloned()?;
    let earlier_failure = runs[..runs.len() - 1]
        .iter()
        .rev()
        .find(|(o, _)| matches!(o, Outcome::Failed | Outcome::Error))
        .cloned();
    let (status, flaky, message) = match (end, earlier_failure) {
        (Outcome::Passed, Some((_, m))) => (Status::Passed, true, m),
        (Outcome::Passed, None) => (Status::Passed, false, None),
        (Outcome::Failed, _) => (Status::Failed, false, end_message),
        (Outcome::Error, _) => (Status::Error, false, end_message),
        (Outcome::Skipped, Some((o, m))) => (
            if o == Outcome::Error {
                Status::Error
            } else {
                Status::Failed
            },
            false,
            m,
        ),
        (Outcome::Skipped, None) => (Status::Skipped, false, end_message),
    };
    Some(Case {
        name: last.name,
        classname: last.classname,
        file: last.file,
        line: last.line,
        offset: last.offset,
        status,
        flaky,
        attempts: runs.len(),
        seconds,
        message,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;
    use crate::facts::junit::xml;

    fn cases(text: &str) -> Vec<(String, &'static str, bool, usize, Option<String>)> {
        let report = xml::parse(text).unwrap();
        report
            .suites
            .into_iter()
            .flat_map(|s| join(s.cases))
            .map(|c| (c.name, c.status.name(), c.flaky, c.attempts, c.message))
            .collect()
    }

    fn case(
        name: &str,
        status: &'static str,
        flaky: bool,
        attempts: usize,
        message: Option<&str>,
    ) -> (String, &'static str, bool, usize, Option<String>) {
        (
            name.into(),
            status,
            flaky,
            attempts,
            message.map(str::to_string),
        )
    }

    #[test]
    fn nextest_flaky_and_rerun_failures() {
        let text = r#"<testsuites name="nextest-run" tests="3" time="0.1">
  <testsuite name="billing" tests="3">
    <testcase name="ok" classname="billing" time="0.001"/>
    <testcase name="flaky" classname="billing" time="0.004">
      <flakyFailure time="0.004" message="panicked at src/lib.rs:26:9" type="test failure">body</flakyFailure>
    </testcase>
    <testcase name="broken" classname="billing" time="0.032">
      <failure message="first" type="test failure">first run</failure>
      <rerunFailure time="0.009" message="second" type="test failure"/>
      <rerunFailure time="0.009" message="third" type="test failure"/>
    </testcase>
  </testsuite>
</testsuites>"#;
        assert_eq!(
            cases(text),
            vec![
                case("ok", "passed", false, 1, None),
                case(
                    "flaky",
                    "passed",
                    true,
                    2,
                    Some("panicked at src/lib.rs:26:9")
                ),
                case("broken", "failed", false, 3, Some("third")),
            ]
        );
    }

    #[test]
    fn surefire_flaky_error_and_rerun_error() {
        let text = r#"<testsuite name="com.example.ShopIT" tests="2" errors="1" failures="0" skipped="0" time="1,234.5">
  <testcase name="pays" classname="com.example.ShopIT" time="2.5">
    <flakyError message="Connection refused" type="java.net.ConnectException"><stackTrace>java.net.ConnectException: Connection refused
	at Shop.pay(Shop.java:12)</stackTrace></flakyError>
    <flakyFailure type="org.opentest4j.AssertionFailedError"><stackTrace>expected: &lt;200&gt; but was: &lt;503&gt;
	at ShopIT.pays(ShopIT.java:40)</stackTrace></flakyFailure>
  </testcase>
  <testcase name="ships" classname="com.example.ShopIT" time="1">
    <failure message="expected 3 parcels" type="AssertionError">trace</failure>
    <rerunError message="Timeout after 30s" type="TimeoutException"><stackTrace>t</stackTrace></rerunError>
  </testcase>
</testsuite>"#;
        assert_eq!(
            cases(text),
            vec![
                case(
                    "pays",
                    "passed",
                    true,
                    3,
                    Some("expected: <200> but was: <503>")
                ),
                case("ships", "error", false, 2, Some("Timeout after 30s")),
            ]
        );
        let report = xml::parse(text).unwrap();
        assert_eq!(report.suites[0].time, Some(Decimal::new(12345, 1)));
    }

    #[test]
    fn pytest_reruns_are_empty_repeated_testcases() {
        let text = r#"<testsuites><testsuite name="pytest" tests="4">
<testcase classname="t" name="flaky" time="0.003"/>
<testcase classname="t" name="flaky" time="0.001"/>
<testcase classname="t" name="bad" time="0.001"/>
<testcase classname="t" name="bad" time="0.002"><failure message="AssertionError: no">x</failure></testcase>
<testcase classname="t" name="err" time="0"/>
<testcase classname="t" name="err" time="0"><error message="failed on setup">x</error></testcase>
<testcase classname="u" name="flaky" time="0"/>
</testsuite></testsuites>"#;
        assert_eq!(
            cases(text),
            vec![
                case("flaky", "passed", true, 2, None),
                case("bad", "failed", false, 2, Some("AssertionError: no")),
                case("err", "error", false, 2, Some("failed on setup")),
                // Another class: another test.
                case("flaky", "passed", false, 1, None),
            ]
        );
    }

    #[test]
    fn gotestsum_reruns_repeat_the_failure() {
        let text = r#"<testsuites><testsuite name="example.com/shop/ledger" tests="4">
<testcase classname="example.com/shop/ledger" name="TestRefund" time="0"><failure message="Failed" type="">a</failure></testcase>
<testcase classname="example.com/shop/ledger" name="TestReconcile" time="0.5"><failure message="Failed" type="">b</failure></testcase>
<testcase classname="example.com/shop/ledger" name="TestRefund" time="0"><failure message="Failed" type="">a</failure></testcase>
<testcase classname="example.com/shop/ledger" name="TestReconcile" time="0.25"></testcase>
</testsuite></testsuites>"#;
        assert_eq!(
            cases(text),
            vec![
                case("TestRefund", "failed", false, 2, Some("Failed")),
                case("TestReconcile", "passed", true, 2, Some("Failed")),
            ]
        );
        let report = xml::parse(text).unwrap();
        let joined = join(report.suites[0].cases.clone());
        assert_eq!(joined[1].seconds, Some(Decimal::new(75, 2)));
    }

    #[test]
    fn a_failure_is_not_hidden_by_a_later_skip_and_passed_then_failed_is_failed() {
        let text = r#"<testsuite name="s">
<testcase name="a"><failure message="boom"/></testcase>
<testcase name="a"><skipped message="later skipped"/></testcase>
<testcase name="b"/>
<testcase name="b"><failure message="now broken"/></testcase>
<testcase name="c"><skipped/></testcase>
<testcase name="d"><failure message="assertion"/><error message="teardown"/></testcase>
</testsuite>"#;
        assert_eq!(
            cases(text),
            vec![
                case("a", "failed", false, 2, Some("boom")),
                case("b", "failed", false, 2, Some("now broken")),
                case("c", "skipped", false, 1, None),
                case("d", "failed", false, 1, Some("assertion")),
            ]
        );
    }
}

//! JUnit XML text → a small model ([`Report`]): suites, test cases and each case's attempts. Pure:
//! it takes text and returns the model or every problem it found, each at a byte offset.
//!
//! One reader serves every dialect (nextest, Surefire/Failsafe, pytest, jest-junit, gotestsum):
//! the root is `<testsuites>` or a bare `<testsuite>`; nested `<testsuite>`s are flattened, a
//! child named `parent/child`; a `<testcase>`'s children say how it ended — `<failure>`,
//! `<error>`, `<skipped>`, or none (passed) — and how it was retried: `<flakyFailure>` /
//! `<flakyError>` are failed runs before a final pass, `<rerunFailure>` / `<rerunError>` are
//! failed runs after the first (nextest and Surefire write both). Repeated `<testcase>`s of one
//! test (pytest-rerunfailures, gotestsum `--rerun-fails`) are joined by [`super::retries`].

use crate::facts::results::Problem;
use quick_xml::XmlVersion;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};
use rust_decimal::Decimal;
use std::str::FromStr;

/// How one run of a test ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    Error,
    Skipped,
}

/// One run of a test.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    pub outcome: Outcome,
    /// Seconds, when the file says.
    pub time: Option<Decimal>,
    pub message: Option<String>,
}

/// One `<testcase>` element.
#[derive(Clone, Debug, PartialEq)]
pub struct TestCase {
    pub name: String,
    pub classname: Option<String>,
    /// The test's source file and line, when the element says (`file`, `line`).
    pub file: Option<String>,
    pub line: Option<u64>,
    /// Byte offset of the element's `<`.
    pub offset: usize,
    /// Its runs in the order they ran; the last one is how it ended.
    pub attempts: Vec<Attempt>,
}

/// One `<testsuite>` element, with the test cases directly inside it.
#[derive(Clone, Debug, PartialEq)]
pub struct Suite {
    pub name: String,
    pub offset: usize,
    /// Seconds, when the file says.
    pub time: Option<Decimal>,
    /// Not inside another `<testsuite>`.
    pub top: bool,
    /// Holds other suites.
    pub parent: bool,
    pub cases: Vec<TestCase>,
}

/// A JUnit file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// The root `<testsuites time>`, in seconds.
    pub time: Option<Decimal>,
    /// Byte offset of the root element.
    pub root: usize,
    /// Suites in document order (a parent before its children).
    pub suites: Vec<Suite>,
}

impl Report {
    pub fn cases(&self) -> usize {
        self.suites.iter().map(|s| s.cases.len()).sum()
    }
}

/// Error codes of the problems [`parse`] reports.
pub const TRUNCATED: &str = "results-truncated";
pub const SYNTAX: &str = "junit-syntax";
pub const FORMAT: &str = "junit-format";
pub const FIELD: &str = "junit-field";

/// Longest message kept, in characters.
const MAX_MESSAGE: usize = 500;
/// Deepest nesting of elements read (JUnit files nest a few levels; a suite's name grows with
/// its depth).
const MAX_DEPTH: usize = 256;
/// Most text kept from an element's body while looking for its first line.
const MAX_BODY: usize = 4096;

/// What an open element is, while it is open.
enum Open {
    Root,
    /// Index into `Report::suites`.
    Suite(usize),
    Case(CaseBuild),
    /// A child of a test case that says how a run ended.
    Outcome(OutcomeBuild),
    /// Anything else; `text` when its body belongs to the enclosing outcome (`<stackTrace>`).
    Other {
        text: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Parent {
    Root,
    Suite(usize),
    Case,
    Outcome,
    Other,
}

struct CaseBuild {
    case: TestCase,
    time: Option<Decimal>,
    outcomes: Vec<OutcomeBuild>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// `<failure>`, `<error>`, `<skipped>`: how the (first) run ended.
    Main,
    /// `<rerunFailure>`, `<rerunError>`: a later run that failed too.
    Rerun,
    /// `<flakyFailure>`, `<flakyError>`: an earlier run that failed before the pass.
    Flaky,
}

struct OutcomeBuild {
    role: Role,
    outcome: Outcome,
    time: Option<Decimal>,
    message: Option<String>,
    body: String,
}

/// Reads a JUnit file. Every problem found is returned, each with its error code; a syntax error
/// ends the reading (what follows it cannot be trusted).
pub fn parse(text: &str) -> Result<Report, Vec<(&'static str, Problem)>> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut report = Report::default();
    let mut stack: Vec<(Open, String, usize)> = Vec::new();
    let mut problems: Vec<(&'static str, Problem)> = Vec::new();
    let mut rooted = false;
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(before);
                let code = match &e {
                    quick_xml::Error::Syntax(_) => TRUNCATED,
                    _ => SYNTAX,
                };
                let message = if code == TRUNCATED {
                    format!("the file ends early: {e}")
                } else {
                    format!("not well-formed XML: {e}")
                };
                problems.push((code, Problem::at_offset(at, message)));
                return Err(problems);
            }
        };
        match event {
            Event::Start(e) | Event::Empty(e) if stack.is_empty() && rooted => {
                let name = e.local_name().as_ref().to_string();
                problems.push((
                    SYNTAX,
                    Problem::at_offset(
                        before,
                        format!("a second root element `<{name}>`: an XML file has one"),
                    ),
                ));
                return Err(problems);
            }
            Event::Start(_) if stack.len() >= MAX_DEPTH => {
                problems.push((
                    FORMAT,
                    Problem::at_offset(
                        before,
                        format!("elements nested deeper than {MAX_DEPTH}: this is not a JUnit XML report"),
                    ),
                ));
                return Err(problems);
            }
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_string();
                let open = start(&e, &name, before, text, &stack, &mut report, &mut problems)?;
                rooted = true;
                stack.push((open, name, before));
            }
            Event::Empty(e) => {
                let name = e.local_name().as_ref().to_string();
                let open = start(&e, &name, before, text, &stack, &mut report, &mut problems)?;
                rooted = true;
                end(open, &mut stack, &mut report);
            }
            Event::End(_) => {
                if let Some((open, _, _)) = stack.pop() {
                    end(open, &mut stack, &mut report);
                }
            }
            Event::Text(t) => push_body(&mut stack, &t.xml10_content()),
            Event::CData(t) => push_body(&mut stack, &t.xml10_content()),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    Ok(None) => {
                        quick_xml::escape::resolve_predefined_entity(&r).map(str::to_string)
                    }
                    Err(_) => None,
                };
                match resolved {
                    Some(s) => push_body(&mut stack, &s),
                    None => {
                        problems.push((
                            SYNTAX,
                            Problem::at_offset(
                                before,
                                format!("`&{};` is not an XML entity gate knows", &*r),
                            ),
                        ));
                        return Err(problems);
                    }
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if let Some((_, name, at)) = stack.last() {
        let (line, column) = line_col(text, *at);
        problems.push((
            TRUNCATED,
            Problem::at_offset(
                text.trim_end().len(),
                format!(
                    "the file ends before `<{name}>` (line {line}, column {column}) is closed: it was cut off"
                ),
            )
            .help("a truncated report is evidence of nothing: check that the test run finished writing it"),
        ));
        return Err(problems);
    }
    if !rooted {
        problems.push((
            FORMAT,
            Problem::at_offset(0, "no root element: this is not a JUnit XML report"),
        ));
    }
    if problems.is_empty() {
        Ok(report)
    } else {
        Err(problems)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn start(
    e: &BytesStart<'_>,
    name: &str,
    at: usize,
    text: &str,
    stack: &[(Open, String, usize)],
    report: &mut Report,
    problems: &mut Vec<(&'static str, Problem)>,
) -> Result<Open, Vec<(&'static str, Problem)>> {
    let attrs = match attributes(e, at) {
        Ok(a) => a,
        Err(p) => {
            problems.push((SYNTAX, p));
            return Err(std::mem::take(problems));
        }
    };
    let get = |key: &str| attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let tag = text.get(at..).unwrap_or("");
    let time = |problems: &mut Vec<(&'static str, Problem)>| -> Option<Decimal> {
        let v = get("time")?;
        match seconds(&v) {
            Some(d) => Some(d),
            None => {
                problems.push((
                    FIELD,
                    Problem::at_offset(
                        at + attribute_offset(tag, "time"),
                        format!("`time=\"{v}\"` is not a number of seconds"),
                    )
                    .help("JUnit's `time` is seconds as a decimal number, e.g. `time=\"0.012\"`"),
                ));
                None
            }
        }
    };
    let parent = match stack.last() {
        None => None,
        Some((Open::Root, _, _)) => Some(Parent::Root),
        Some((Open::Suite(i), _, _)) => Some(Parent::Suite(*i)),
        Some((Open::Case(_), _, _)) => Some(Parent::Case),
        Some((Open::Outcome(_), _, _)) => Some(Parent::Outcome),
        Some((Open::Other { .. }, _, _)) => Some(Parent::Other),
    };
    let Some(parent) = parent else {
        // The root.
        return match name {
            "testsuites" => {
                report.root = at;
                report.time = time(problems);
                Ok(Open::Root)
            }
            "testsuite" => {
                report.root = at;
                Ok(suite(get("name"), None, at, time(problems), report))
            }
            _ => {
                problems.push((
                    FORMAT,
                    Problem::at_offset(
                        at,
                        format!(
                            "the root element is `<{name}>`, not `<testsuites>` or `<testsuite>`: this is not a JUnit XML report"
                        ),
                    ),
                ));
                Err(std::mem::take(problems))
            }
        };
    };
    Ok(match (parent, name) {
        (Parent::Root, "testsuite") => suite(get("name"), None, at, time(problems), report),
        (Parent::Suite(i), "testsuite") => {
            let outer = report.suites.get(i).map(|s| s.name.clone());
            if let Some(s) = report.suites.get_mut(i) {
                s.parent = true;
            }
            suite(get("name"), outer, at, time(problems), report)
        }
        (Parent::Suite(_) | Parent::Root, "testcase") => {
            let case_name = match get("name") {
                Some(n) if !n.trim().is_empty() => n.trim().to_string(),
                _ => {
                    problems.push((
                        FIELD,
                        Problem::at_offset(at, "a `<testcase>` without a `name`"),
                    ));
                    String::new()
                }
            };
            let line = get("line").and_then(|l| match l.trim().parse::<u64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    problems.push((
                        FIELD,
                        Problem::at_offset(
                            at + attribute_offset(tag, "line"),
                            format!("`line=\"{l}\"` is not a line number"),
                        ),
                    ));
                    None
                }
            });
            let time = time(problems);
            if parent == Parent::Root {
                // A test case straight inside `<testsuites>`: its suite is the file.
                if !report.suites.iter().any(|s| s.offset == report.root) {
                    let root = report.root;
                    suite(None, None, root, None, report);
                }
            }
            Open::Case(CaseBuild {
                case: TestCase {
                    name: case_name,
                    classname: get("classname")
                        .map(|c| c.trim().to_string())
                        .filter(|c| !c.is_empty()),
                    file: get("file").filter(|f| !f.is_empty()),
                    line,
                    offset: at,
                    attempts: Vec::new(),
                },
                time,
                outcomes: Vec::new(),
            })
        }
        (Parent::Case, child) => {
            let role_outcome = match child {
                "failure" => Some((Role::Main, Outcome::Failed)),
                "error" => Some((Role::Main, Outcome::Error)),
                "skipped" => Some((Role::Main, Outcome::Skipped)),
                "rerunFailure" => Some((Role::Rerun, Outcome::Failed)),
                "rerunError" => Some((Role::Rerun, Outcome::Error)),
                "flakyFailure" => Some((Role::Flaky, Outcome::Failed)),
                "flakyError" => Some((Role::Flaky, Outcome::Error)),
                _ => None,
            };
            match role_outcome {
                Some((role, outcome)) => Open::Outcome(OutcomeBuild {
                    role,
                    outcome,
                    time: if role == Role::Main {
                        None
                    } else {
                        time(problems)
                    },
                    message: get("message").and_then(|m| message(&m)),
                    body: String::new(),
                }),
                None => Open::Other { text: false },
            }
        }
        (Parent::Outcome, "stackTrace") => Open::Other { text: true },
        _ => Open::Other { text: false },
    })
}

fn suite(
    name: Option<String>,
    outer: Option<String>,
    at: usize,
    time: Option<Decimal>,
    report: &mut Report,
) -> Open {
    let own = name.map(|n| n.trim().to_string()).unwrap_or_default();
    let name = match outer {
        Some(o) if !o.is_empty() && !own.is_empty() => format!("{o}/{own}"),
        Some(o) if own.is_empty() => o,
        _ => own,
    };
    report.suites.push(Suite {
        name,
        offset: at,
        time,
        // Cleared when it closes inside another suite.
        top: true,
        parent: false,
        cases: Vec::new(),
    });
    Open::Suite(report.suites.len() - 1)
}

fn end(open: Open, stack: &mut [(Open, String, usize)], report: &mut Report) {
    match open {
        Open::Suite(i) => {
            // A suite closed inside another suite is not top-level.
            if stack.iter().any(|(o, _, _)| matches!(o, Open::Suite(_)))
                && let Some(s) = report.suites.get_mut(i)
            {
                s.top = false;
            }
        }
        Open::Case(mut b) => {
            b.case.attempts = attempts(b.time, b.outcomes);
            let suite = stack
                .iter()
                .rev()
                .find_map(|(o, _, _)| match o {
                    Open::Suite(i) => Some(*i),
                    _ => None,
                })
                .or_else(|| report.suites.iter().position(|s| s.offset == report.root));
            if let Some(s) = suite.and_then(|i| report.suites.get_mut(i)) {
                s.cases.push(b.case);
            }
        }
        Open::Outcome(mut o) => {
            if o.message.is_none() {
                o.message = first_line(&o.body);
            }
            o.body = String::new();
            if let Some((Open::Case(b), _, _)) = stack.last_mut() {
                b.outcomes.push(o);
            }
        }
        Open::Root | Open::Other { .. } => {}
    }
}

/// A test case's runs, in order, from its children.
fn attempts(time: Option<Decimal>, outcomes: Vec<OutcomeBuild>) -> Vec<Attempt> {
    let attempt = |o: OutcomeBuild| Attempt {
        outcome: o.outcome,
        time: o.time,
        message: o.message,
    };
    // How the (first) run ended: the first failure or error in document order, else a skip.
    let main = outcomes
        .iter()
        .position(|o| o.role == Role::Main && o.outcome != Outcome::Skipped)
        .or_else(|| outcomes.iter().position(|o| o.role == Role::Main));
    let mut flaky = Vec::new();
    let mut reruns = Vec::new();
    let mut first = None;
    for (i, o) in outcomes.into_iter().enumerate() {
        if Some(i) == main {
            first = Some(o);
        } else {
            match o.role {
                Role::Flaky => flaky.push(attempt(o)),
                Role::Rerun => reruns.push(attempt(o)),
                Role::Main => {}
            }
        }
    }
    let first = match first {
        Some(o) => Attempt { time, ..attempt(o) },
        None => Attempt {
            outcome: Outcome::Passed,
            time,
            message: None,
        },
    };
    if first.outcome == Outcome::Passed || first.outcome == Outcome::Skipped {
        // `flakyFailure`s ran before the final run.
        flaky.push(first);
        flaky.extend(reruns);
        flaky
    } else {
        let mut all = vec![first];
        all.extend(reruns);
        all
    }
}

fn attributes(e: &BytesStart<'_>, at: usize) -> Result<Vec<(String, String)>, Problem> {
    let mut out = Vec::new();
    for a in e.attributes() {
        let a: Attribute<'_> =
            a.map_err(|err| Problem::at_offset(at, format!("not well-formed XML: {err}")))?;
        let key = a.key.local_name().as_ref().to_string();
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| Problem::at_offset(at, format!("not well-formed XML: {err}")))?
            .into_owned();
        out.push((key, value));
    }
    Ok(out)
}

/// The byte offset of attribute `key` inside the tag that starts `tag` (0 when not found).
fn attribute_offset(tag: &str, key: &str) -> usize {
    let end = tag.find('>').unwrap_or(tag.len());
    let head = tag.get(..end).unwrap_or(tag);
    let bytes = head.as_bytes();
    let mut from = 0;
    while let Some(n) = head.get(from..).and_then(|h| h.find(key)) {
        let i = from + n;
        let before_ok = i > 0 && bytes.get(i - 1).is_some_and(u8::is_ascii_whitespace);
        let after = head.get(i + key.len()..).unwrap_or("").trim_start();
        if before_ok && after.starts_with('=') {
            return i;
        }
        from = i + key.len();
    }
    0
}

fn push_body(stack: &mut [(Open, String, usize)], s: &str) {
    let target = match stack {
        [.., (Open::Outcome(o), _, _)] => Some(o),
        [
            ..,
            (Open::Outcome(o), _, _),
            (Open::Other { text: true }, _, _),
        ] => Some(o),
        _ => None,
    };
    if let Some(o) = target
        && o.body.len() < MAX_BODY
    {
        o.body.push_str(s);
    }
}

/// A message attribute as kept: trimmed, at most [`MAX_MESSAGE`] characters; `None` when empty.
fn message(m: &str) -> Option<String> {
    let m = m.trim();
    if m.is_empty() {
        return None;
    }
    Some(capped(m))
}

fn capped(m: &str) -> String {
    if m.chars().count() > MAX_MESSAGE {
        let mut s: String = m.chars().take(MAX_MESSAGE).collect();
        s.push('…');
        s
    } else {
        m.to_string()
    }
}

/// The first line of an element's text that is not blank, trimmed and capped.
fn first_line(body: &str) -> Option<String> {
    body.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(capped)
}

/// JUnit's `time`: seconds as a decimal number, read exactly. Surefire groups thousands with
/// commas (`1,234.567`, its XSD allows it); a few writers use exponents (`1.5E-4`).
pub fn seconds(v: &str) -> Option<Decimal> {
    let v = v.trim();
    if v.is_empty() || v.starts_with('-') {
        return None;
    }
    let grouped = v.contains(',')
        && v.split('.').next().is_some_and(|int| {
            let mut groups = int.split(',');
            groups.next().is_some_and(|g| {
                (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit())
            }) && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
        });
    let plain = if grouped {
        v.replace(',', "")
    } else {
        v.to_string()
    };
    if plain.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Decimal::from_str_exact(&plain).ok();
    }
    if plain.contains(['e', 'E']) {
        return Decimal::from_scientific(&plain)
            .ok()
            .or_else(|| Decimal::from_str(&plain).ok())
            .filter(|d| !d.is_sign_negative());
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;
    use crate::facts::results::At;

    /// Each problem as (code, line, column, message).
    fn problems(text: &str) -> Vec<(&'static str, usize, usize, String)> {
        match parse(text) {
            Ok(r) => panic!("parsed: {r:?}"),
            Err(ps) => ps
                .into_iter()
                .map(|(code, p)| {
                    let At::Offset(o) = p.at else {
                        panic!("not at an offset: {p:?}")
                    };
                    let (line, column) = line_col(text, o);
                    (code, line, column, p.message)
                })
                .collect(),
        }
    }

    #[test]
    fn a_file_cut_inside_a_tag_is_truncated_at_the_tag() {
        let text = "<testsuites>\n  <testsuite name=\"a\">\n    <testcase name=\"x\" ti";
        let p = problems(text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!((p[0].0, p[0].1, p[0].2), (TRUNCATED, 3, 5), "{p:?}");
    }

    #[test]
    fn a_file_cut_between_tags_names_the_open_element() {
        let text = "<testsuites>\n  <testsuite name=\"a\">\n    <testcase name=\"x\"/>\n";
        let p = problems(text);
        assert_eq!(p[0].0, TRUNCATED);
        assert!(
            p[0].3.contains("`<testsuite>` (line 2, column 3)"),
            "{}",
            p[0].3
        );
        assert_eq!((p[0].1, p[0].2), (3, 25));
    }

    #[test]
    fn a_mismatched_end_tag_is_a_syntax_error_where_it_is() {
        let text = "<testsuite name=\"a\">\n<testcase name=\"x\">\n</testsuite>\n";
        let p = problems(text);
        assert_eq!((p[0].0, p[0].1, p[0].2), (SYNTAX, 3, 1), "{p:?}");
        assert!(p[0].3.contains("</testcase>"), "{}", p[0].3);
    }

    #[test]
    fn a_root_that_is_not_junit_is_a_format_error() {
        let p = problems("<?xml version=\"1.0\"?>\n<checkstyle version=\"8\"/>\n");
        assert_eq!((p[0].0, p[0].1, p[0].2), (FORMAT, 2, 1));
        assert!(p[0].3.contains("`<checkstyle>`"), "{}", p[0].3);
        let p = problems("<?xml version=\"1.0\"?>\n<!-- nothing -->\n");
        assert_eq!(p[0].0, FORMAT);
    }

    #[test]
    fn field_problems_are_all_collected() {
        let text = "<testsuite name=\"s\" time=\"1.5s\">\n  <testcase classname=\"c\"/>\n  <testcase name=\"y\" time=\"-1\" line=\"x\"/>\n</testsuite>";
        let p = problems(text);
        let got: Vec<_> = p.iter().map(|(c, l, col, _)| (*c, *l, *col)).collect();
        assert_eq!(
            got,
            vec![
                (FIELD, 1, 21),
                (FIELD, 2, 3),
                (FIELD, 3, 32),
                (FIELD, 3, 22)
            ],
            "{p:?}"
        );
    }

    #[test]
    fn a_second_root_and_an_unknown_entity_are_syntax_errors() {
        let p = problems(
            "<testsuite name=\"a\"><testcase name=\"x\"/></testsuite>\n<testsuite name=\"b\"/>",
        );
        assert_eq!((p[0].0, p[0].1, p[0].2), (SYNTAX, 2, 1));
        let p = problems(
            "<testsuite name=\"a\"><testcase name=\"x\"><failure>&nbsp;</failure></testcase></testsuite>",
        );
        assert_eq!(p[0].0, SYNTAX);
    }

    #[test]
    fn deep_nesting_is_refused_not_followed() {
        let text = format!(
            "{}{}",
            "<testsuite name=\"n\">\n".repeat(100_000),
            "</testsuite>".repeat(100_000)
        );
        let p = problems(&text);
        assert_eq!(
            (p[0].0, p[0].1, p[0].2),
            (FORMAT, MAX_DEPTH + 1, 1),
            "{p:?}"
        );
    }

    #[test]
    fn seconds_are_exact() {
        assert_eq!(seconds("0.012"), Some(Decimal::new(12, 3)));
        assert_eq!(seconds("1,234.5"), Some(Decimal::new(12345, 1)));
        assert_eq!(seconds("12"), Some(Decimal::from(12)));
        assert_eq!(seconds("1.5E-4"), Some(Decimal::new(15, 5)));
        assert_eq!(seconds(".5"), Some(Decimal::new(5, 1)));
        for bad in ["", "abc", "1,2", "-1", "1.2.3", "1,2345.0", "NaN", "1.5s"] {
            assert_eq!(seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn nested_suites_are_flattened_and_attributes_read() {
        let text = r#"<testsuites time="3">
  <testsuite name="all" time="3">
    <testsuite name="Unit" time="1">
      <testcase name="a" classname="T" file="tests/T.php" line="12" time="1"/>
    </testsuite>
    <testsuite name="">
      <testcase name=" b " time="0.5"><skipped/></testcase>
    </testsuite>
  </testsuite>
  <testcase name="loose"/>
</testsuites>"#;
        let r = parse(text).unwrap();
        let names: Vec<(&str, bool, bool, usize)> = r
            .suites
            .iter()
            .map(|s| (s.name.as_str(), s.top, s.parent, s.cases.len()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("all", true, true, 0),
                ("all/Unit", false, false, 1),
                ("all", false, false, 1),
                ("", true, false, 1),
            ]
        );
        let a = &r.suites[1].cases[0];
        assert_eq!(
            (a.file.as_deref(), a.line, a.classname.as_deref()),
            (Some("tests/T.php"), Some(12), Some("T"))
        );
        assert_eq!(r.suites[2].cases[0].name, "b");
        assert_eq!(r.suites[2].cases[0].attempts[0].outcome, Outcome::Skipped);
        assert_eq!(r.time, Some(Decimal::from(3)));
    }

    #[test]
    fn messages_come_from_the_attribute_else_the_first_line() {
        let text = "<testsuite name=\"s\">\n<testcase name=\"a\"><failure message=\"  \">\n\n  first line  \nsecond</failure></testcase>\n<testcase name=\"b\"><error message=\"boom &amp; bust\">x</error></testcase>\n<testcase name=\"c\"><failure><![CDATA[cdata line\nmore]]></failure></testcase>\n</testsuite>";
        let r = parse(text).unwrap();
        let m: Vec<Option<&str>> = r.suites[0]
            .cases
            .iter()
            .map(|c| c.attempts[0].message.as_deref())
            .collect();
        assert_eq!(
            m,
            vec![Some("first line"), Some("boom & bust"), Some("cdata line")]
        );
        let long = format!(
            "<testsuite name=\"s\"><testcase name=\"a\"><failure message=\"{}\"/></testcase></testsuite>",
            "x".repeat(600)
        );
        let r = parse(&long).unwrap();
        let msg = r.suites[0].cases[0].attempts[0].message.clone().unwrap();
        assert_eq!(msg.chars().count(), MAX_MESSAGE + 1);
    }
}

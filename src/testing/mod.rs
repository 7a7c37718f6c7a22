//! `gate test`: policy tests kept beside the policies (`*.test.toml`). Pure: the CLI reads the
//! files and passes their text in. This module parses a suite (every mistake located in the
//! TOML), turns inline facts into namespaces, judges an outcome against a test's expectations,
//! measures coverage ([`coverage`]) and renders the results ([`render`]).

pub mod coverage;
pub mod render;

use crate::diag::{Diagnostic, suggestion};
use crate::eval::{Finding, FindingKind, Outcome, Verdict};
use crate::facts::{Namespace, Origin, check_namespace_name, json};
use crate::policy::ast::Level;
use crate::policy::ir::Policy;
use crate::schema;
use crate::span::{FileId, SourceMap, Span};
use std::fmt::Write as _;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One `*.test.toml` file: the policy it tests and its tests.
#[derive(Clone, Debug)]
pub struct Suite {
    pub file: FileId,
    /// The policy's path as written, relative to the test file.
    pub policy: String,
    pub policy_span: Span,
    pub tests: Vec<TestCase>,
}

/// One `[[test]]`: facts and a clock in, a verdict and findings expected.
#[derive(Clone, Debug)]
pub struct TestCase {
    pub name: String,
    /// The test's `name`: where results and failures point.
    pub span: Span,
    pub now: jiff::Timestamp,
    /// The policy's time zone (`tz`, else UTC).
    pub zone: String,
    pub tz: jiff::tz::TimeZone,
    /// The namespaces to mount, the suite's defaults merged with the test's own.
    pub facts: Vec<FactSpec>,
    pub expect: Expect,
}

/// A namespace a test mounts.
#[derive(Clone, Debug)]
pub struct FactSpec {
    pub name: String,
    /// The path or the inline table, for errors.
    pub span: Span,
    pub source: FactSource,
}

#[derive(Clone, Debug)]
pub enum FactSource {
    /// A JSON document, relative to the test file: mounted like `--facts NAME=PATH`.
    File(String),
    /// Facts written in the test file itself, as TOML.
    Inline(Inline),
}

/// Inline facts: the TOML converted to JSON, and where each JSON pointer came from in the TOML,
/// so a schema error points into the test file.
#[derive(Clone, Debug)]
pub struct Inline {
    pub json: serde_json::Value,
    spans: Vec<(String, Span)>,
}

/// What a test expects.
#[derive(Clone, Debug)]
pub struct Expect {
    pub verdict: Verdict,
    pub verdict_span: Span,
    /// Each must match a distinct finding; order does not matter.
    pub findings: Vec<ExpectedFinding>,
    /// No unwaived finding other than those in `findings`.
    pub only: bool,
    /// Rules that must produce no finding at all.
    pub absent: Vec<(String, Span)>,
    /// Each must match a distinct error (with `verdict = "error"`).
    pub errors: Vec<ExpectedError>,
}

#[derive(Clone, Debug)]
pub struct ExpectedFinding {
    pub rule: String,
    pub span: Span,
    pub message: Option<String>,
    pub contains: Option<String>,
    pub level: Option<Level>,
    pub waived: Option<bool>,
    pub kind: Option<FindingKind>,
}

#[derive(Clone, Debug)]
pub struct ExpectedError {
    pub span: Span,
    pub code: Option<String>,
    pub message: Option<String>,
    pub contains: Option<String>,
}

const SUITE_KEYS: &[&str] = &["policy", "now", "tz", "facts", "inline", "test"];
const TEST_KEYS: &[&str] = &["name", "now", "tz", "facts", "inline", "omit", "expect"];
const EXPECT_KEYS: &[&str] = &["verdict", "findings", "only", "absent", "errors"];
const FINDING_KEYS: &[&str] = &["rule", "message", "contains", "level", "waived", "kind"];
const ERROR_KEYS: &[&str] = &["code", "message", "contains"];
const VERDICTS: &[&str] = &["go", "no-go", "error"];
const LEVELS: &[&str] = &["block", "warn", "info"];
const KINDS: [&str; 4] = [
    FindingKind::ALL[0].name(),
    FindingKind::ALL[1].name(),
    FindingKind::ALL[2].name(),
    FindingKind::ALL[3].name(),
];

type Value<'i> = Spanned<DeValue<'i>>;

/// Collects the problems of one file.
struct Parser {
    file: FileId,
    diags: Vec<Diagnostic>,
}

impl Parser {
    fn span(&self, r: Range<usize>) -> Span {
        Span::new(self.file, r)
    }

    fn error(&mut self, code: &'static str, message: String, at: Range<usize>, label: &str) {
        let span = self.span(at);
        self.diags
            .push(Diagnostic::error(code, message).at(span, label));
    }

    fn unknown_key(&mut self, key: &str, at: Range<usize>, known: &[&str], place: &str) {
        let help = suggestion(key, known.iter().copied()).unwrap_or_else(|| {
            let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
            format!("the keys of {place} are {}", list.join(", "))
        });
        let span = self.span(at);
        self.diags.push(
            Diagnostic::error("test-key", format!("unknown key `{key}` in {place}"))
                .at(span, "not a key here")
                .help(help),
        );
    }

    fn wrong_type(&mut self, key: &str, want: &str, v: &Value) {
        self.error(
            "test-type",
            format!("`{key}` must be {want}, not {}", v.get_ref().type_str()),
            v.span(),
            "here",
        );
    }

    fn string(&mut self, key: &str, v: &Value) -> Option<String> {
        match v.get_ref().as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.wrong_type(key, "a string", v);
                None
            }
        }
    }

    fn boolean(&mut self, key: &str, v: &Value) -> Option<bool> {
        match v.get_ref().as_bool() {
            Some(b) => Some(b),
            None => {
                self.wrong_type(key, "`true` or `false`", v);
                None
            }
        }
    }

    fn table<'a, 'i>(&mut self, key: &str, v: &'a Value<'i>) -> Option<&'a DeTable<'i>> {
        match v.get_ref().as_table() {
            Some(t) => Some(t),
            None => {
                self.wrong_type(key, "a table", v);
                None
            }
        }
    }

    fn array<'a, 'i>(&mut self, key: &str, v: &'a Value<'i>) -> Option<&'a [Value<'i>]> {
        match v.get_ref().as_array() {
            Some(a) => Some(&a[..]),
            None => {
                self.wrong_type(key, "an array", v);
                None
            }
        }
    }

    /// A word out of a fixed set, with "did you mean" help.
    fn word(&mut self, key: &str, v: &Value, words: &[&str]) -> Option<String> {
        let s = self.string(key, v)?;
        if words.contains(&s.as_str()) {
            return Some(s);
        }
        let list: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
        let help = suggestion(&s, words.iter().copied())
            .unwrap_or_else(|| format!("write one of {}", list.join(", ")));
        let span = self.span(v.span());
        self.diags.push(
            Diagnostic::error(
                "test-value",
                format!("`{s}` is not a `{key}`: it is one of {}", list.join(", ")),
            )
            .at(span, "here")
            .help(help),
        );
        None
    }

    /// `now`: an instant with an offset, as a TOML datetime or a string.
    fn now(&mut self, v: &Value) -> Option<jiff::Timestamp> {
        let text = match v.get_ref() {
            DeValue::String(s) => s.to_string(),
            DeValue::Datetime(d) => d.to_string(),
            _ => {
                self.wrong_type("now", "an instant such as `2026-11-27T12:00:00Z`", v);
                return None;
            }
        };
        match crate::facts::clock::parse_now(&text) {
            Ok(ts) => Some(ts),
            Err(m) => {
                self.error("test-value", format!("`now`: {m}"), v.span(), "here");
                None
            }
        }
    }

    fn zone(&mut self, v: &Value) -> Option<(String, jiff::tz::TimeZone)> {
        let name = self.string("tz", v)?;
        match crate::facts::clock::zone(&name) {
            Ok(tz) => Some((name, tz)),
            Err(m) => {
                self.error("test-value", format!("`tz`: {m}"), v.span(), "here");
                None
            }
        }
    }

    /// `facts = { NAME = "path.json" }`.
    fn fact_files(&mut self, v: &Value, out: &mut Vec<FactSpec>) {
        let Some(t) = self.table("facts", v) else {
            return;
        };
        for (name, path) in t {
            let n = name.get_ref().to_string();
            if !self.namespace_name(&n, name.span()) {
                continue;
            }
            if let Some(p) = self.string(&format!("facts.{n}"), path) {
                out.push(FactSpec {
                    name: n,
                    span: self.span(path.span()),
                    source: FactSource::File(p),
                });
            }
        }
    }

    /// `[inline.NAME]`: facts written as TOML.
    fn inline_facts(&mut self, v: &Value, out: &mut Vec<FactSpec>) {
        let Some(t) = self.table("inline", v) else {
            return;
        };
        for (name, value) in t {
            let n = name.get_ref().to_string();
            if !self.namespace_name(&n, name.span()) {
                continue;
            }
            let mut spans = Vec::new();
            let mut pointer = String::new();
            if let Some(json) = self.json_of(value, &mut pointer, &mut spans) {
                out.push(FactSpec {
                    name: n,
                    span: self.span(value.span()),
                    source: FactSource::Inline(Inline { json, spans }),
                });
            }
        }
    }

    fn namespace_name(&mut self, name: &str, at: Range<usize>) -> bool {
        match check_namespace_name(name) {
            Ok(()) => true,
            Err(m) => {
                self.error("bad-namespace", m, at, "here");
                false
            }
        }
    }

    /// TOML → JSON, exact: numbers keep their text, datetimes become RFC 3339 strings.
    fn json_of(
        &mut self,
        v: &Value,
        pointer: &mut String,
        spans: &mut Vec<(String, Span)>,
    ) -> Option<serde_json::Value> {
        use serde_json::Value as J;
        spans.push((pointer.clone(), self.span(v.span())));
        let number = |text: &str| text.parse::<serde_json::Number>().ok();
        let j = match v.get_ref() {
            DeValue::String(s) => J::String(s.to_string()),
            DeValue::Boolean(b) => J::Bool(*b),
            DeValue::Datetime(d) => J::String(d.to_string()),
            DeValue::Integer(i) => {
                let n = if i.radix() == 10 {
                    number(i.as_str())
                } else {
                    i128::from_str_radix(i.as_str(), i.radix())
                        .ok()
                        .and_then(|x| number(&x.to_string()))
                };
                match n {
                    Some(n) => J::Number(n),
                    None => {
                        self.error(
                            "test-value",
                            format!("`{i}` does not fit a fact number"),
                            v.span(),
                            "here",
                        );
                        return None;
                    }
                }
            }
            DeValue::Float(x) => match number(x.as_str()) {
                Some(n) => J::Number(n),
                None => {
                    self.error(
                        "test-value",
                        format!("`{x}` is not a number facts can hold"),
                        v.span(),
                        "here",
                    );
                    return None;
                }
            },
            DeValue::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    let _ = write!(pointer, "/{i}");
                    let j = self.json_of(item, pointer, spans);
                    pointer.truncate(len);
                    out.push(j?);
                }
                J::Array(out)
            }
            DeValue::Table(t) => {
                let mut out = serde_json::Map::new();
                for (k, item) in t {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&crate::facts::pointer::escape(k.get_ref()));
                    let j = self.json_of(item, pointer, spans);
                    pointer.truncate(len);
                    out.insert(k.get_ref().to_string(), j?);
                }
                J::Object(out)
            }
        };
        Some(j)
    }
}

/// Parses a suite. Every problem of the file is reported at once, each at its place.
pub fn parse_suite(file: FileId, text: &str) -> Result<Suite, Vec<Diagnostic>> {
    let mut p = Parser {
        file,
        diags: Vec::new(),
    };
    let table = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            let at = e.span().unwrap_or(0..1);
            p.error(
                "test-syntax",
                format!("the test file is not valid TOML: {}", e.message().trim()),
                at,
                "here",
            );
            return Err(p.diags);
        }
    };
    let mut policy = None;
    let mut now = None;
    let mut zone = None;
    let mut defaults = Vec::new();
    let mut tests: Option<&[Value]> = None;
    for (key, value) in table.get_ref() {
        match key.get_ref().as_ref() {
            "policy" => {
                policy = p.string("policy", value).map(|s| (s, p.span(value.span())));
            }
            "now" => now = p.now(value),
            "tz" => zone = p.zone(value),
            "facts" => p.fact_files(value, &mut defaults),
            "inline" => p.inline_facts(value, &mut defaults),
            "test" => tests = p.array("test", value),
            other => p.unknown_key(other, key.span(), SUITE_KEYS, "a test file"),
        }
    }
    let (policy, policy_span) = match policy {
        Some(x) => x,
        None => {
            p.diags.push(
                Diagnostic::error("test-missing", "the test file names no `policy`")
                    .at(p.span(0..0), "at the top of the file")
                    .help("add `policy = \"release.gate\"` (relative to the test file)"),
            );
            (String::new(), p.span(0..0))
        }
    };
    let Some(tests) = tests.filter(|t| !t.is_empty()) else {
        p.diags.push(
            Diagnostic::error("test-missing", "the test file has no `[[test]]`")
                .at(p.span(0..0), "at the top of the file")
                .help("add a test: `[[test]]` with `name`, `now`, facts and `[test.expect]`"),
        );
        return Err(p.diags);
    };
    let mut cases = Vec::new();
    let mut names: Vec<(String, Span)> = Vec::new();
    for t in tests {
        if let Some(case) = test_case(&mut p, t, now, zone.as_ref(), &defaults) {
            if let Some((_, first)) = names.iter().find(|(n, _)| *n == case.name) {
                p.diags.push(
                    Diagnostic::error(
                        "test-duplicate",
                        format!("two tests are named `{}`", case.name),
                    )
                    .at(case.span, "named again here")
                    .also(*first, "first here"),
                );
            }
            names.push((case.name.clone(), case.span));
            cases.push(case);
        }
    }
    if p.diags.iter().any(Diagnostic::is_error) {
        return Err(p.diags);
    }
    Ok(Suite {
        file,
        policy,
        policy_span,
        tests: cases,
    })
}

fn test_case(
    p: &mut Parser,
    v: &Value,
    default_now: Option<jiff::Timestamp>,
    default_zone: Option<&(String, jiff::tz::TimeZone)>,
    defaults: &[FactSpec],
) -> Option<TestCase> {
    let t = p.table("test", v)?;
    let errors_before = p.diags.len();
    let mut name = None;
    let mut now = None;
    let mut zone = None;
    let mut own = Vec::new();
    let mut omit: Vec<(String, Span)> = Vec::new();
    let mut expect = None;
    let mut expect_at = None;
    for (key, value) in t {
        match key.get_ref().as_ref() {
            "name" => name = p.string("name", value).map(|s| (s, p.span(value.span()))),
            "now" => now = p.now(value),
            "tz" => zone = p.zone(value),
            "facts" => p.fact_files(value, &mut own),
            "inline" => p.inline_facts(value, &mut own),
            "omit" => {
                for item in p.array("omit", value).unwrap_or_default() {
                    if let Some(s) = p.string("omit", item) {
                        omit.push((s, p.span(item.span())));
                    }
                }
            }
            "expect" => {
                expect_at = Some(key.span());
                expect = p.table("expect", value).and_then(|e| expectations(p, e));
            }
            other => p.unknown_key(other, key.span(), TEST_KEYS, "a `[[test]]`"),
        }
    }
    let whole = v.span();
    let Some((name, span)) = name else {
        p.error(
            "test-missing",
            "a test has no `name`".into(),
            whole.start..whole.start + 1,
            "this test",
        );
        return None;
    };
    let now = now.or(default_now);
    if now.is_none() {
        p.diags.push(
            Diagnostic::error("test-missing", format!("the test `{name}` has no `now`"))
                .at(span, "this test")
                .help("tests never read the system clock: add e.g. `now = 2026-11-27T12:00:00Z`, to the test or the top of the file"),
        );
    }
    if expect.is_none() && expect_at.is_none() {
        p.diags.push(
            Diagnostic::error("test-missing", format!("the test `{name}` expects nothing"))
                .at(span, "this test")
                .help("add `[test.expect]` with at least `verdict = \"go\"`, `\"no-go\"` or `\"error\"`; keys written after a `[[…]]` header belong to that table, so put `expect = {…}` before it"),
        );
    }
    // Merge: the test's own namespaces replace the suite's of the same name; `omit` drops one.
    let mut facts: Vec<FactSpec> = Vec::new();
    for (i, f) in own.iter().enumerate() {
        if let Some(first) = own[..i].iter().find(|g| g.name == f.name) {
            p.diags.push(
                Diagnostic::error(
                    "test-duplicate",
                    format!("the test `{name}` gives the `{}` facts twice", f.name),
                )
                .at(f.span, "again here")
                .also(first.span, "first here"),
            );
        }
    }
    for (n, at) in &omit {
        let known = defaults.iter().any(|d| d.name == *n);
        if !known {
            let help =
                suggestion(n, defaults.iter().map(|d| d.name.as_str())).unwrap_or_else(|| {
                    "`omit` drops a namespace the top of the file gives to every test".into()
                });
            p.diags.push(
                Diagnostic::error(
                    "test-value",
                    format!("`omit`: the suite gives no `{n}` facts to leave out"),
                )
                .at(*at, "here")
                .help(help),
            );
        }
    }
    for d in defaults {
        let replaced = own.iter().any(|f| f.name == d.name);
        let omitted = omit.iter().any(|(n, _)| *n == d.name);
        if !replaced && !omitted {
            facts.push(d.clone());
        }
    }
    facts.extend(own);
    if p.diags.len() > errors_before {
        return None;
    }
    let (zone, tz) = zone
        .or_else(|| default_zone.cloned())
        .unwrap_or_else(|| ("UTC".to_string(), jiff::tz::TimeZone::UTC));
    Some(TestCase {
        name,
        span,
        now: now?,
        zone,
        tz,
        facts,
        expect: expect?,
    })
}

fn expectations(p: &mut Parser, t: &DeTable) -> Option<Expect> {
    let before = p.diags.len();
    let mut verdict = None;
    let mut findings = Vec::new();
    let mut only = false;
    let mut absent = Vec::new();
    let mut errors = Vec::new();
    let mut errors_at = None;
    for (key, value) in t {
        match key.get_ref().as_ref() {
            "verdict" => {
                verdict = p.word("verdict", value, VERDICTS).map(|w| {
                    let v = match w.as_str() {
                        "go" => Verdict::Go,
                        "no-go" => Verdict::NoGo,
                        _ => Verdict::Error,
                    };
                    (v, p.span(value.span()))
                });
            }
            "findings" => {
                for item in p.array("findings", value).unwrap_or_default() {
                    if let Some(f) = expected_finding(p, item) {
                        findings.push(f);
                    }
                }
            }
            "only" => only = p.boolean("only", value).unwrap_or(false),
            "absent" => {
                for item in p.array("absent", value).unwrap_or_default() {
                    if let Some(s) = p.string("absent", item) {
                        absent.push((s, p.span(item.span())));
                    }
                }
            }
            "errors" => {
                errors_at = Some(p.span(key.span()));
                for item in p.array("errors", value).unwrap_or_default() {
                    if let Some(e) = expected_error(p, item) {
                        errors.push(e);
                    }
                }
            }
            other => p.unknown_key(other, key.span(), EXPECT_KEYS, "`[test.expect]`"),
        }
    }
    let Some((verdict, verdict_span)) = verdict else {
        if p.diags.len() == before {
            p.diags.push(
                Diagnostic::error("test-missing", "`[test.expect]` has no `verdict`")
                    .at(
                        errors_at.unwrap_or_else(|| p.span(0..0)),
                        "in this test's expectations",
                    )
                    .help("add `verdict = \"go\"`, `\"no-go\"` or `\"error\"`"),
            );
        }
        return None;
    };
    if let Some(at) = errors_at
        && verdict != Verdict::Error
    {
        p.diags.push(
            Diagnostic::error("test-value", "expected `errors` need `verdict = \"error\"`")
                .at(at, "errors expected here")
                .also(verdict_span, "but this verdict"),
        );
    }
    if p.diags.len() > before {
        return None;
    }
    Some(Expect {
        verdict,
        verdict_span,
        findings,
        only,
        absent,
        errors,
    })
}

fn expected_finding(p: &mut Parser, v: &Value) -> Option<ExpectedFinding> {
    let t = p.table("findings", v)?;
    let mut f = ExpectedFinding {
        rule: String::new(),
        span: p.span(v.span()),
        message: None,
        contains: None,
        level: None,
        waived: None,
        kind: None,
    };
    let mut rule = false;
    for (key, value) in t {
        match key.get_ref().as_ref() {
            "rule" => {
                if let Some(s) = p.string("rule", value) {
                    f.rule = s;
                    f.span = p.span(value.span());
                    rule = true;
                }
            }
            "message" => f.message = p.string("message", value),
            "contains" => f.contains = p.string("contains", value),
            "level" => {
                f.level = p.word("level", value, LEVELS).map(|w| match w.as_str() {
                    "block" => Level::Block,
                    "warn" => Level::Warn,
                    _ => Level::Info,
                });
            }
            "waived" => f.waived = p.boolean("waived", value),
            "kind" => {
                f.kind = p
                    .word("kind", value, &KINDS)
                    .and_then(|w| FindingKind::parse(&w));
            }
            other => p.unknown_key(other, key.span(), FINDING_KEYS, "an expected finding"),
        }
    }
    if !rule {
        p.error(
            "test-missing",
            "an expected finding names no `rule`".into(),
            v.span(),
            "this finding",
        );
        return None;
    }
    Some(f)
}

fn expected_error(p: &mut Parser, v: &Value) -> Option<ExpectedError> {
    let t = p.table("errors", v)?;
    let mut e = ExpectedError {
        span: p.span(v.span()),
        code: None,
        message: None,
        contains: None,
    };
    for (key, value) in t {
        match key.get_ref().as_ref() {
            "code" => e.code = p.string("code", value),
            "message" => e.message = p.string("message", value),
            "contains" => e.contains = p.string("contains", value),
            other => p.unknown_key(other, key.span(), ERROR_KEYS, "an expected error"),
        }
    }
    Some(e)
}

/// Names in the expectations that are not rules of the policy: a typo would make an `absent`
/// pass by itself, so each is an error with "did you mean".
pub fn check_rules(suite: &Suite, policy: &Policy) -> Vec<Diagnostic> {
    let names: Vec<&str> = policy.rules.iter().map(|r| r.name.as_str()).collect();
    let mut diags = Vec::new();
    for case in &suite.tests {
        let wanted = case
            .expect
            .findings
            .iter()
            .map(|f| (f.rule.as_str(), f.span))
            .chain(case.expect.absent.iter().map(|(r, s)| (r.as_str(), *s)));
        for (rule, span) in wanted {
            if !names.contains(&rule) {
                let mut d = Diagnostic::error(
                    "test-unknown-rule",
                    format!("the policy has no rule `{rule}`"),
                )
                .at(span, "not a rule of the policy");
                if let Some(h) = suggestion(rule, names.iter().copied()) {
                    d = d.help(h);
                }
                diags.push(d);
            }
        }
    }
    diags
}

/// Inline facts as a namespace: gate's own are checked against the schema, each problem at its
/// place in the TOML.
pub fn inline_namespace(
    name: &str,
    inline: &Inline,
    whole: Span,
) -> Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>> {
    let origin = Origin::Builtin("inline facts of a test");
    let Some(ns) = schema::namespace(name) else {
        return Ok((
            Namespace {
                value: json::plain(&inline.json),
                origin,
            },
            Vec::new(),
        ));
    };
    let at = |pointer: &str| {
        inline
            .spans
            .iter()
            .filter(|(p, _)| {
                pointer.starts_with(p.as_str())
                    && matches!(pointer.as_bytes().get(p.len()), None | Some(b'/'))
            })
            .max_by_key(|(p, _)| p.len())
            .map_or(whole, |(_, s)| *s)
    };
    let located = |e: json::SchemaError, warning: bool| {
        let pointer = if e.pointer.is_empty() {
            "/"
        } else {
            &e.pointer
        };
        let message = format!("`{name}` facts at `{pointer}`: {}", e.message);
        let d = if warning {
            Diagnostic::warning("fact-note", message)
        } else {
            Diagnostic::error("fact-schema", message)
        }
        .at(at(&e.pointer), e.message.clone());
        match e.help {
            Some(h) => d.help(h),
            None => d,
        }
    };
    match json::typed_namespace_with_notes(&inline.json, ns) {
        Ok((value, notes)) => Ok((
            Namespace { value, origin },
            notes.into_iter().map(|n| located(n, true)).collect(),
        )),
        Err((errors, dropped)) => {
            let mut diags: Vec<Diagnostic> =
                errors.into_iter().map(|e| located(e, false)).collect();
            if dropped > 0 {
                diags.push(Diagnostic::error(
                    "fact-schema",
                    format!("… and {dropped} more problems in the `{name}` facts"),
                ));
            }
            Err(diags)
        }
    }
}

/// Compares an outcome with what the test expects. Each line of the answer is one difference;
/// none means the test passed.
pub fn judge(expect: &Expect, outcome: &Outcome, sources: &SourceMap) -> Vec<String> {
    let mut diffs = Vec::new();
    if outcome.verdict != expect.verdict {
        diffs.push(format!(
            "verdict: expected {}, got {}",
            expect.verdict.name(),
            outcome.verdict.name()
        ));
    }
    // Findings: each expectation takes a distinct finding (a maximum matching, so the order in
    // which they are written never matters).
    let matches = matching(&expect.findings, &outcome.findings, finding_matches);
    for (i, f) in expect.findings.iter().enumerate() {
        if matches.expected[i].is_none() {
            diffs.push(format!("missing finding: {}", describe_expected(f)));
        }
    }
    if expect.only {
        for (j, f) in outcome.findings.iter().enumerate() {
            if f.waived.is_none() && matches.actual[j].is_none() {
                diffs.push(format!("unexpected finding: {}", describe_finding(f)));
            }
        }
    }
    for (rule, _) in &expect.absent {
        for f in outcome
            .findings
            .iter()
            .filter(|f| f.rule == *rule && f.kind == FindingKind::Rule)
        {
            diffs.push(format!(
                "`{rule}` should produce no finding, but: {}",
                describe_finding(f)
            ));
        }
    }
    let errors: Vec<&Diagnostic> = outcome.errors.iter().filter(|d| d.is_error()).collect();
    let err_matches = matching(&expect.errors, &errors, |e, d| error_matches(e, d));
    for (i, e) in expect.errors.iter().enumerate() {
        if err_matches.expected[i].is_none() {
            diffs.push(format!("missing error: {}", describe_expected_error(e)));
        }
    }
    if !diffs.is_empty() {
        diffs.push(actual_findings(outcome));
        if !errors.is_empty() {
            let mut s = String::from("actual errors:");
            for d in &errors {
                let at = d
                    .location(sources)
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default();
                let _ = write!(s, "\n  [{}] {}{at}", d.code, d.message);
            }
            diffs.push(s);
        }
    }
    diffs
}

fn actual_findings(outcome: &Outcome) -> String {
    let mut s = String::from("actual findings:");
    if outcome.findings.is_empty() {
        s.push_str(" none");
    }
    for f in &outcome.findings {
        let _ = write!(s, "\n  {}", describe_finding(f));
    }
    s
}

fn finding_matches(e: &ExpectedFinding, f: &Finding) -> bool {
    e.rule == f.rule
        && e.kind.is_none_or(|k| k == f.kind)
        && e.level.is_none_or(|l| l == f.level)
        && e.waived.is_none_or(|w| w == f.waived.is_some())
        && e.message.as_ref().is_none_or(|m| *m == f.message)
        && e.contains
            .as_ref()
            .is_none_or(|c| f.message.contains(c.as_str()))
}

fn error_matches(e: &ExpectedError, d: &Diagnostic) -> bool {
    e.code.as_ref().is_none_or(|c| c == d.code)
        && e.message.as_ref().is_none_or(|m| *m == d.message)
        && e.contains
            .as_ref()
            .is_none_or(|c| d.message.contains(c.as_str()))
}

/// `[block] p99_latency: the message (waived by …)`.
pub fn describe_finding(f: &Finding) -> String {
    let kind = match f.kind {
        FindingKind::Rule => String::new(),
        k => format!(" ({})", k.name()),
    };
    let waived = match &f.waived {
        Some(w) => format!(" [waived by {} until {}]", w.by, w.until),
        None => String::new(),
    };
    format!(
        "[{}] {}{kind}: {:?}{waived}",
        f.level.name(),
        f.rule,
        f.message
    )
}

fn describe_expected(e: &ExpectedFinding) -> String {
    let mut s = format!("rule `{}`", e.rule);
    if let Some(k) = e.kind {
        let _ = write!(s, ", kind {}", k.name());
    }
    if let Some(l) = e.level {
        let _ = write!(s, ", level {}", l.name());
    }
    if let Some(w) = e.waived {
        let _ = write!(s, ", {}", if w { "waived" } else { "not waived" });
    }
    if let Some(m) = &e.message {
        let _ = write!(s, ", message {m:?}");
    }
    if let Some(c) = &e.contains {
        let _ = write!(s, ", message containing {c:?}");
    }
    s
}

fn describe_expected_error(e: &ExpectedError) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &e.code {
        parts.push(format!("code `{c}`"));
    }
    if let Some(m) = &e.message {
        parts.push(format!("message {m:?}"));
    }
    if let Some(c) = &e.contains {
        parts.push(format!("message containing {c:?}"));
    }
    if parts.is_empty() {
        "any error".into()
    } else {
        parts.join(", ")
    }
}

/// Which actual item each expectation took, and the reverse.
struct Matching {
    expected: Vec<Option<usize>>,
    actual: Vec<Option<usize>>,
}

/// A maximum bipartite matching (augmenting paths): tests hold a handful of expectations.
fn matching<E, A>(expected: &[E], actual: &[A], fits: impl Fn(&E, &A) -> bool) -> Matching {
    let edges: Vec<Vec<usize>> = expected
        .iter()
        .map(|e| (0..actual.len()).filter(|&j| fits(e, &actual[j])).collect())
        .collect();
    let mut m = Matching {
        expected: vec![None; expected.len()],
        actual: vec![None; actual.len()],
    };
    fn augment(i: usize, edges: &[Vec<usize>], seen: &mut [bool], m: &mut Matching) -> bool {
        for &j in &edges[i] {
            if seen[j] {
                continue;
            }
            seen[j] = true;
            let free = match m.actual[j] {
                None => true,
                Some(k) => augment(k, edges, seen, m),
            };
            if free {
                m.actual[j] = Some(i);
                m.expected[i] = Some(j);
                return true;
            }
        }
        false
    }
    for i in 0..expected.len() {
        let mut seen = vec![false; actual.len()];
        augment(i, &edges, &mut seen, &mut m);
    }
    m
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn parse(text: &str) -> Result<Suite, Vec<Diagnostic>> {
        parse_suite(FileId(0), text)
    }

    const GOOD: &str = r#"
policy = "release.gate"
now = 2026-11-27T12:00:00Z
[inline.change]
ticket = "CHG-1"

[[test]]
name = "a"
facts = { load = "testdata/load.json" }
[test.inline.security]
counts = { critical = 0, high = 1.5, medium = 0x10, low = 0, info = 0 }
[test.expect]
verdict = "no-go"
findings = [{ rule = "p99_latency", contains = "312ms" }]

[[test]]
name = "b"
now = "2026-11-28T12:00:00-05:00"
tz = "America/New_York"
omit = ["change"]
expect = { verdict = "go", only = true }
"#;

    #[test]
    fn a_suite_parses_with_defaults_merged() {
        let s = parse(GOOD).unwrap();
        assert_eq!(s.policy, "release.gate");
        assert_eq!(s.tests.len(), 2);
        let a = &s.tests[0];
        let names: Vec<&str> = a.facts.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["change", "load", "security"]);
        let FactSource::Inline(sec) = &a.facts[2].source else {
            panic!("inline")
        };
        assert_eq!(
            sec.json.to_string(),
            r#"{"counts":{"critical":0,"high":1.5,"info":0,"low":0,"medium":16}}"#
        );
        let b = &s.tests[1];
        assert!(b.facts.is_empty());
        assert_eq!(b.zone, "America/New_York");
        assert!(b.expect.only);
    }

    fn codes(text: &str) -> Vec<(&'static str, String)> {
        parse(text)
            .unwrap_err()
            .into_iter()
            .map(|d| (d.code, d.message))
            .collect()
    }

    #[test]
    fn mistakes_are_errors() {
        let e = codes(
            "policy = \"x.gate\"\n[[test]]\nname = \"a\"\nnow = 2026-11-27T12:00:00Z\nexpect = { verdit = \"go\" }\n",
        );
        assert_eq!(e[0].0, "test-key", "{e:?}");
        let e =
            codes("policy = \"x.gate\"\n[[test]]\nname = \"a\"\nexpect = { verdict = \"nogo\" }\n");
        assert!(e.iter().any(|(c, _)| *c == "test-value"), "{e:?}");
        assert!(
            e.iter()
                .any(|(c, m)| *c == "test-missing" && m.contains("`now`")),
            "{e:?}"
        );
        let e = codes("policy = ");
        assert_eq!(e[0].0, "test-syntax");
        let e = codes(
            "policy = \"x\"\nnow = \"2026-11-27T12:00:00\"\n[[test]]\nname = \"a\"\nexpect = { verdict = \"go\" }\n",
        );
        assert!(e.iter().any(|(_, m)| m.contains("offset")), "{e:?}");
    }

    #[test]
    fn matching_is_order_insensitive_and_maximal() {
        let fits = |e: &&str, a: &&str| a.starts_with(*e);
        let m = matching(&["a", "ab"], &["ab", "ac"], fits);
        assert_eq!(m.expected, [Some(1), Some(0)]);
    }
}

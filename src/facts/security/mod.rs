//! The `security` producer: results of security scanners (SARIF 2.1.0 from any analyzer, OWASP
//! ZAP, cargo-audit, npm audit, Trivy), normalised into facts.md's `security` namespace.
//!
//! Each format has a pure reader (`sarif`, `zap`, `cargo_audit`, `npm_audit`, `trivy`) that takes
//! the parsed JSON document and returns a [`Report`] — findings and scans, each with the JSON
//! pointer it came from — or every problem it found, each at its pointer. `produce` reads the
//! files, locates problems and findings in them, and builds the namespace.
//!
//! Every file is also one scan or more (`security.scans`): a scan that did not complete is
//! evidence of nothing, and a policy must be able to say so.

pub mod cargo_audit;
pub mod npm_audit;
pub mod sarif;
pub mod severity;
pub mod trivy;
pub mod zap;

use super::pointer::{Locator, escape};
use super::results::{self, Named, Problem};
use super::{Namespace, Origin, json};
use crate::diag::{Diagnostic, Severity as DiagSeverity};
use crate::span::SourceMap;
use rust_decimal::Decimal;
use serde_json::{Value as J, json};
use severity::Severity;
use std::str::FromStr;

/// The validated `[security]` configuration: the files (or globs) of each format.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    pub sarif: Vec<Named>,
    pub zap: Vec<Named>,
    pub cargo_audit: Vec<Named>,
    pub npm_audit: Vec<Named>,
    pub trivy: Vec<Named>,
}

impl Config {
    pub fn is_empty(&self) -> bool {
        self.sarif.is_empty()
            && self.zap.is_empty()
            && self.cargo_audit.is_empty()
            && self.npm_audit.is_empty()
            && self.trivy.is_empty()
    }
}

/// One finding of one scanner, with the JSON pointer of what it was read from. Made only by
/// [`Finding::new`], which takes the severity: there is no default one.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub at: String,
    pub tool: String,
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub suppressed: bool,
    pub justification: Option<String>,
    pub rule_name: Option<String>,
    pub file: Option<String>,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub end_line: Option<u64>,
    pub url: Option<String>,
    pub cwe: Option<String>,
    pub advisory: Option<String>,
    pub package: Option<String>,
    pub installed: Option<String>,
    pub reference: Option<String>,
    pub fixed_in: Option<String>,
    pub score: Option<Decimal>,
    pub confidence: Option<String>,
    pub instances: Option<u64>,
}

impl Finding {
    /// A finding of `tool` at `at` with its `severity`; everything else is filled in by the
    /// reader.
    pub fn new(at: &str, tool: &str, severity: Severity) -> Finding {
        Finding {
            at: at.to_string(),
            tool: tool.to_string(),
            rule: String::new(),
            severity,
            message: String::new(),
            suppressed: false,
            justification: None,
            rule_name: None,
            file: None,
            line: None,
            column: None,
            end_line: None,
            url: None,
            cwe: None,
            advisory: None,
            package: None,
            installed: None,
            reference: None,
            fixed_in: None,
            score: None,
            confidence: None,
            instances: None,
        }
    }
}

/// One scan: a SARIF run, or a whole report of the other formats.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scan {
    pub at: String,
    pub tool: String,
    pub version: Option<String>,
    /// An RFC 3339 timestamp with its offset.
    pub started: Option<String>,
    pub completed: bool,
    /// Findings of this scan (suppressed ones included).
    pub findings: usize,
}

/// What a reader makes of one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub scans: Vec<Scan>,
    pub findings: Vec<Finding>,
    /// Things worth telling that do not stop the run, with their code.
    pub warnings: Vec<(&'static str, Problem)>,
}

/// A problem with its diagnostic code: `security-format` (not the format at all, or a version
/// gate does not read) or `security-field` (a field of the wrong type or value).
pub type Coded = (&'static str, Problem);

pub const FORMAT: &str = "security-format";
pub const FIELD: &str = "security-field";

/// The formats, as the plan's keys name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Sarif,
    Zap,
    CargoAudit,
    NpmAudit,
    Trivy,
}

impl Format {
    /// How messages name a file of this format.
    pub fn what(self) -> &'static str {
        match self {
            Format::Sarif => "the SARIF results",
            Format::Zap => "the ZAP report",
            Format::CargoAudit => "the cargo-audit report",
            Format::NpmAudit => "the npm audit report",
            Format::Trivy => "the Trivy report",
        }
    }

    /// The `format` of its scans.
    pub fn name(self) -> &'static str {
        match self {
            Format::Sarif => "sarif",
            Format::Zap => "zap",
            Format::CargoAudit => "cargo-audit",
            Format::NpmAudit => "npm-audit",
            Format::Trivy => "trivy",
        }
    }

    /// Reads one parsed document of this format.
    pub fn read(self, doc: &J) -> Result<Report, Vec<Coded>> {
        match self {
            Format::Sarif => sarif::read(doc),
            Format::Zap => zap::read(doc),
            Format::CargoAudit => cargo_audit::read(doc),
            Format::NpmAudit => npm_audit::read(doc),
            Format::Trivy => trivy::read(doc),
        }
    }
}

/// Field access that records what is wrong instead of stopping: the readers use it to report
/// every problem of a file at once.
#[derive(Default)]
pub(crate) struct Fields {
    pub problems: Vec<Coded>,
}

/// The pointer of `key` under `base`.
pub(crate) fn ptr(base: &str, key: &str) -> String {
    format!("{base}/{}", escape(key))
}

/// The pointer of element `i` under `base`.
pub(crate) fn ptr_i(base: &str, i: usize) -> String {
    format!("{base}/{i}")
}

impl Fields {
    pub fn field(&mut self, at: String, message: impl Into<String>) {
        self.problems
            .push((FIELD, Problem::at_pointer(at, message)));
    }

    pub fn field_help(&mut self, at: String, message: impl Into<String>, help: impl Into<String>) {
        self.problems
            .push((FIELD, Problem::at_pointer(at, message).help(help)));
    }

    pub fn format(&mut self, at: String, message: impl Into<String>, help: impl Into<String>) {
        self.problems
            .push((FORMAT, Problem::at_pointer(at, message).help(help)));
    }

    /// An optional string: absent or null is `None`; anything but a string is a problem.
    pub fn opt_str(&mut self, obj: &J, base: &str, key: &str) -> Option<String> {
        match obj.get(key) {
            None | Some(J::Null) => None,
            Some(J::String(s)) => Some(s.clone()),
            Some(other) => {
                self.field(
                    ptr(base, key),
                    format!("`{key}` must be a string, not {}", json::json_kind(other)),
                );
                None
            }
        }
    }

    /// A string the format requires.
    pub fn req_str(&mut self, obj: &J, base: &str, key: &str) -> Option<String> {
        if obj.get(key).is_none_or(J::is_null) {
            self.field(base.to_string(), format!("`{key}` is missing"));
            return None;
        }
        self.opt_str(obj, base, key)
    }

    /// An optional positive integer (a 1-based line or column).
    pub fn opt_pos(&mut self, obj: &J, base: &str, key: &str) -> Option<u64> {
        match obj.get(key) {
            None | Some(J::Null) => None,
            Some(J::Number(n)) if n.as_u64().is_some_and(|n| n >= 1) => n.as_u64(),
            Some(other) => {
                self.field(
                    ptr(base, key),
                    format!("`{key}` must be a positive whole number, not `{other}`"),
                );
                None
            }
        }
    }

    /// An optional array: absent or null is empty; anything but an array is a problem.
    pub fn array<'a>(&mut self, obj: &'a J, base: &str, key: &str) -> &'a [J] {
        match obj.get(key) {
            None | Some(J::Null) => &[],
            Some(J::Array(a)) => a,
            Some(other) => {
                self.field(
                    ptr(base, key),
                    format!("`{key}` must be an array, not {}", json::json_kind(other)),
                );
                &[]
            }
        }
    }

    /// An optional object: absent or null is `None`; anything but an object is a problem.
    pub fn object<'a>(&mut self, obj: &'a J, base: &str, key: &str) -> Option<&'a J> {
        match obj.get(key) {
            None | Some(J::Null) => None,
            Some(o @ J::Object(_)) => Some(o),
            Some(other) => {
                self.field(
                    ptr(base, key),
                    format!("`{key}` must be an object, not {}", json::json_kind(other)),
                );
                None
            }
        }
    }

    /// An optional timestamp with a time zone (RFC 3339), kept as text.
    pub fn opt_time(&mut self, obj: &J, base: &str, key: &str) -> Option<String> {
        let s = self.opt_str(obj, base, key)?;
        if crate::value::parse_datetime(&s).is_some() {
            Some(s)
        } else {
            self.field_help(
                ptr(base, key),
                format!("`{s}` is not a date and time with a time zone"),
                "write RFC 3339: `2026-11-27T12:00:00Z`",
            );
            None
        }
    }

    /// The report: `Ok` when nothing was wrong.
    pub fn finish(self, report: Report) -> Result<Report, Vec<Coded>> {
        if self.problems.is_empty() {
            Ok(report)
        } else {
            Err(self.problems)
        }
    }
}

/// `CWE-89` from the ways scanners write it: `CWE-89`, `cwe-89: Improper …`,
/// `external/cwe/cwe-89`, or a bare number.
pub fn cwe_of(text: &str) -> Option<String> {
    let t = text.trim();
    if let Ok(n) = t.parse::<u32>() {
        return Some(format!("CWE-{n}"));
    }
    let lower = t.to_ascii_lowercase();
    lower.match_indices("cwe").find_map(|(at, _)| {
        let rest = lower[at + 3..].trim_start_matches(['-', '/', '_', ' ', ':']);
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let n: u32 = digits.parse().ok()?;
        Some(format!("CWE-{n}"))
    })
}

/// A scan as produced: its place in the results file, its format and the file.
struct Placed {
    scan: Scan,
    place: String,
    format: Format,
    file: String,
}

/// Runs the producer: reads every scan and makes the `security` namespace.
pub fn produce(
    config: &Config,
    sources: &mut SourceMap,
) -> Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut findings: Vec<(Finding, String)> = Vec::new();
    let mut scans: Vec<Placed> = Vec::new();
    let mut read_files: Vec<String> = Vec::new();
    let groups = [
        (Format::Sarif, &config.sarif),
        (Format::Zap, &config.zap),
        (Format::CargoAudit, &config.cargo_audit),
        (Format::NpmAudit, &config.npm_audit),
        (Format::Trivy, &config.trivy),
    ];
    for (format, named) in groups {
        let what = format.what();
        let (files, errors) = results::expand_all(named, what);
        diags.extend(errors);
        for n in files {
            let input = match results::read(&n.path, what, n.at, sources) {
                Ok(i) => i,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            let doc = match results::json(&input, what, sources) {
                Ok(d) => d,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            let report = match format.read(&doc) {
                Ok(r) => r,
                Err(problems) => {
                    diags.extend(
                        problems
                            .into_iter()
                            .map(|(code, p)| results::located(code, what, &input, p)),
                    );
                    continue;
                }
            };
            for (code, p) in report.warnings {
                let mut d = results::located(code, what, &input, p);
                d.severity = DiagSeverity::Warning;
                diags.push(d);
            }
            let file = sources.get(input.file);
            let mut locator = Locator::default();
            let mut place = |at: &str| -> String {
                match (locator.locate(&input.text, at), file) {
                    (Some(offset), Some(f)) => {
                        let (line, column) = f.line_col(offset);
                        format!("{}:{line}:{column}", input.shown)
                    }
                    _ => input.shown.clone(),
                }
            };
            for f in report.findings {
                let p = place(&f.at);
                findings.push((f, p));
            }
            for scan in report.scans {
                let place = place(&scan.at);
                scans.push(Placed {
                    scan,
                    place,
                    format,
                    file: input.shown.clone(),
                });
            }
            read_files.push(input.shown.clone());
        }
    }
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    let doc = document(&findings, &scans);
    let value = crate::facts::json::produced("security", &doc)?;
    let inputs: Vec<(String, String)> = findings
        .iter()
        .enumerate()
        .map(|(i, (_, place))| (format!("/findings/{i}"), place.clone()))
        .chain(
            scans
                .iter()
                .enumerate()
                .map(|(i, s)| (format!("/scans/{i}"), s.place.clone())),
        )
        .collect();
    Ok((
        Namespace {
            value,
            origin: Origin::Producer {
                what: format!(
                    "the security producer, from {}",
                    read_files
                        .iter()
                        .map(|f| format!("`{f}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                inputs: std::sync::Arc::new(inputs),
            },
        },
        diags,
    ))
}

fn decimal(d: Decimal) -> J {
    serde_json::Number::from_str(&d.normalize().to_string()).map_or(J::Null, J::Number)
}

/// The namespace as JSON, every optional field present (null when unknown).
fn document(findings: &[(Finding, String)], scans: &[Placed]) -> J {
    let mut counts = serde_json::Map::new();
    for s in Severity::ALL {
        let n = findings
            .iter()
            .filter(|(f, _)| !f.suppressed && f.severity == s)
            .count();
        counts.insert(s.name().into(), json!(n));
    }
    json!({
        "findings": findings.iter().map(|(f, _)| json!({
            "tool": f.tool,
            "rule": f.rule,
            "severity": f.severity.name(),
            "message": f.message,
            "suppressed": f.suppressed,
            "file": f.file,
            "line": f.line,
            "url": f.url,
            "cwe": f.cwe,
            "advisory": f.advisory,
            "package": f.package,
            "fixed_in": f.fixed_in,
            "justification": f.justification,
            "rule_name": f.rule_name,
            "column": f.column,
            "end_line": f.end_line,
            "score": f.score.map(decimal),
            "installed": f.installed,
            "reference": f.reference,
            "confidence": f.confidence,
            "instances": f.instances,
        })).collect::<Vec<_>>(),
        "counts": counts,
        "scans": scans.iter().map(|s| json!({
            "tool": s.scan.tool,
            "version": s.scan.version,
            "started": s.scan.started,
            "completed": s.scan.completed,
            "file": s.file,
            "format": s.format.name(),
            "findings": s.scan.findings,
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    /// Every pointer of a document, depth first.
    fn pointers(v: &J, at: String, out: &mut Vec<String>) {
        match v {
            J::Object(m) => {
                for (k, x) in m {
                    pointers(x, ptr(&at, k), out);
                }
            }
            J::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    pointers(x, ptr_i(&at, i), out);
                }
            }
            _ => {}
        }
        out.push(at);
    }

    /// Each fixture, with each of its values replaced by each kind of JSON value, read by every
    /// reader: no panic, and a problem always points into the document.
    #[test]
    fn no_document_makes_a_reader_panic() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/security");
        let formats = [
            Format::Sarif,
            Format::Zap,
            Format::CargoAudit,
            Format::NpmAudit,
            Format::Trivy,
        ];
        let swaps = [
            json!(null),
            json!(0),
            json!(-1),
            json!(1.5e300),
            json!("x"),
            json!([]),
            json!({}),
            json!([{}]),
        ];
        for name in [
            "clippy.sarif",
            "semgrep.sarif",
            "zap.json",
            "cargo-audit.json",
            "npm-audit.json",
            "trivy.json",
        ] {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            let doc: J = serde_json::from_str(&text).unwrap();
            let mut all = Vec::new();
            pointers(&doc, String::new(), &mut all);
            for p in &all {
                for swap in &swaps {
                    let mut d = doc.clone();
                    if p.is_empty() {
                        d = swap.clone();
                    } else if let Some(v) = d.pointer_mut(p) {
                        *v = swap.clone();
                    }
                    for format in formats {
                        match format.read(&d) {
                            Err(problems) => {
                                // A problem points at a value of the document, or at a key
                                // missing from an object that is there.
                                for (_, problem) in &problems {
                                    if let results::At::Pointer(at) = &problem.at {
                                        let parent = at.rsplit_once('/').map_or("", |(p, _)| p);
                                        assert!(
                                            d.pointer(at).is_some() || d.pointer(parent).is_some(),
                                            "{name} {p}: {at} is not in the document: {problem:?}"
                                        );
                                    }
                                }
                            }
                            Ok(report) => {
                                // What a reader accepts, the schema accepts.
                                let findings: Vec<_> = report
                                    .findings
                                    .into_iter()
                                    .map(|f| (f, String::new()))
                                    .collect();
                                let scans: Vec<_> = report
                                    .scans
                                    .into_iter()
                                    .map(|scan| Placed {
                                        scan,
                                        place: String::new(),
                                        format,
                                        file: name.into(),
                                    })
                                    .collect();
                                let schema = crate::schema::namespace("security").unwrap();
                                let built =
                                    json::typed_namespace(&document(&findings, &scans), schema);
                                assert!(built.is_ok(), "{name} {p} {format:?}");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn cwes_are_read_every_way_scanners_write_them() {
        assert_eq!(cwe_of("external/cwe/cwe-089").as_deref(), Some("CWE-89"));
        assert_eq!(
            cwe_of("CWE-89: Improper Neutralization of Special Elements").as_deref(),
            Some("CWE-89")
        );
        assert_eq!(cwe_of("79").as_deref(), Some("CWE-79"));
        assert_eq!(cwe_of("security"), None);
        assert_eq!(cwe_of("cwe"), None);
    }
}

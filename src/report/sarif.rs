//! SARIF 2.1.0, for code scanning (GitHub's, GitLab's, an IDE's viewer): one run, every rule
//! of the policy, one result per finding located in its evidence when it has one and in the
//! policy otherwise, waived findings as suppressed results, gate's errors as notifications.

use super::ci::{self, Place, RuleInfo};
use super::{FindingOut, Problem, Report};
use crate::eval::Verdict;
use crate::policy::ast::Level;
use serde::Serialize;
use serde_json::{Map, Value, json};

/// Where gate's documentation lives, for `tool.driver.informationUri`: the package's homepage
/// or repository; left out while `Cargo.toml` names neither.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|u| !u.is_empty())
}

fn level(l: Level) -> &'static str {
    match l {
        Level::Block => "error",
        Level::Warn => "warning",
        Level::Info => "note",
    }
}

/// A path as a URI reference: relative paths against `%SRCROOT%`, absolute ones as `file:` URIs.
fn artifact(file: &str) -> Value {
    let slashed = file.replace('\\', "/");
    let windows_drive = slashed.len() > 2
        && slashed.as_bytes()[1] == b':'
        && slashed.as_bytes()[0].is_ascii_alphabetic();
    if slashed.starts_with('/') {
        json!({ "uri": format!("file://{}", encode(&slashed)) })
    } else if windows_drive {
        json!({ "uri": format!("file:///{}", encode(&slashed)) })
    } else {
        let rel = slashed.trim_start_matches("./");
        json!({ "uri": encode(rel), "uriBaseId": "%SRCROOT%" })
    }
}

/// Percent-encodes what may not stand in a URI path.
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'/' | b'-'
                    | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
                    | b':'
            );
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `location` objects, serialized straight from the report (no `Value` tree for 10,000 results).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Loc {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: Physical,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

fn physical(p: &Place) -> Loc {
    Loc {
        id: None,
        physical_location: Physical {
            artifact_location: artifact(&p.file),
            region: (p.line > 0).then_some(Region {
                start_line: p.line,
                start_column: (p.column > 0).then_some(p.column),
            }),
        },
        message: None,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Loc>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Loc>,
    partial_fingerprints: Fingerprints<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression<'a>>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "gateFinding/v1")]
    v1: &'a str,
}

#[derive(Serialize)]
struct Suppression<'a> {
    kind: &'static str,
    status: &'static str,
    justification: &'a str,
    location: Loc,
    properties: SuppressionProperties<'a>,
}

#[derive(Serialize)]
struct SuppressionProperties<'a> {
    by: &'a str,
    until: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    gate_level: &'static str,
    gate_kind: crate::eval::FindingKind,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    witness: Vec<WitnessProperty<'a>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
}

#[derive(Serialize)]
struct WitnessProperty<'a> {
    name: &'a str,
    /// How the value reads (`pdf-render`), cut to 200 characters; the JSON report has it whole.
    display: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
}

fn to_value(loc: &Loc) -> Value {
    serde_json::to_value(loc).unwrap_or(Value::Null)
}

fn rule_descriptor(r: &RuleInfo) -> Value {
    let doc = r.doc.as_deref().map(str::trim).filter(|d| !d.is_empty());
    let short = doc
        .map(first_sentence)
        .unwrap_or_else(|| format!("gate rule `{}`", r.name));
    let mut d = Map::new();
    d.insert("id".into(), json!(r.name));
    d.insert("name".into(), json!(r.name));
    d.insert("shortDescription".into(), json!({ "text": short }));
    if let Some(doc) = doc {
        d.insert("fullDescription".into(), json!({ "text": doc }));
    }
    d.insert(
        "defaultConfiguration".into(),
        json!({ "level": level(r.level) }),
    );
    d.insert(
        "properties".into(),
        json!({
            "gateLevel": r.level.name(),
            "policyLocation": r.location.to_string(),
        }),
    );
    Value::Object(d)
}

/// The first sentence of a doc comment, on one line.
fn first_sentence(doc: &str) -> String {
    let flat = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.find(". ") {
        Some(i) => flat[..=i].to_string(),
        None => flat,
    }
}

fn result<'a>(f: &'a FindingOut, rule_index: usize, fingerprint: &'a str) -> SarifResult<'a> {
    let policy = ci::policy_place(f);
    let (locations, related_locations) = match ci::evidence(f) {
        Some(_) => {
            let mut rule = physical(&policy);
            rule.id = Some(1);
            rule.message = Some(Text {
                text: format!("rule `{}` in the policy", f.rule),
            });
            (vec![physical(&ci::place(f))], vec![rule])
        }
        None => (vec![physical(&policy)], Vec::new()),
    };
    let suppressions = f
        .waiver
        .iter()
        .map(|w| Suppression {
            kind: "external",
            status: "accepted",
            justification: &w.because,
            location: physical(&Place {
                file: w.location.file.clone(),
                line: w.location.line,
                column: w.location.column,
            }),
            properties: SuppressionProperties {
                by: &w.by,
                until: &w.until,
            },
        })
        .collect();
    let witness = f
        .witness
        .iter()
        .map(|w| WitnessProperty {
            name: &w.name,
            display: ci::shorten(&w.display, 200),
            namespace: w.evidence.as_ref().map(|e| e.namespace.as_str()),
            source: w.evidence.as_ref().map(|e| e.source.as_str()),
            pointer: w.evidence.as_ref().map(|e| e.pointer.as_str()),
        })
        .collect();
    SarifResult {
        rule_id: &f.rule,
        rule_index,
        level: level(f.level),
        message: Text {
            text: f.message.clone(),
        },
        locations,
        related_locations,
        partial_fingerprints: Fingerprints { v1: fingerprint },
        suppressions,
        properties: ResultProperties {
            gate_level: f.level.name(),
            gate_kind: f.kind,
            witness,
            notes: &f.notes,
        },
    }
}

fn notification(p: &Problem, level: &str) -> Value {
    let mut n = Map::new();
    n.insert("level".into(), json!(level));
    let text = match &p.help {
        Some(h) => format!("{} (help: {h})", p.message),
        None => p.message.clone(),
    };
    n.insert("message".into(), json!({ "text": text }));
    n.insert("descriptor".into(), json!({ "id": p.code }));
    if let Some(l) = &p.location {
        let at = physical(&Place {
            file: l.file.clone(),
            line: l.line,
            column: l.column,
        });
        n.insert("locations".into(), Value::Array(vec![to_value(&at)]));
    }
    Value::Object(n)
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Value,
    invocations: [Value; 1],
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
    properties: Value,
}

/// The SARIF log of a report, compact (a SARIF file of 10,000 results is half the size of its
/// pretty form; viewers indent it themselves). `rules` are the policy's rules (empty when the
/// policy did not load).
pub fn render(report: &Report, rules: &[RuleInfo]) -> String {
    let rules = ci::all_rules(report, rules);
    let fingerprints = ci::fingerprints(report);
    let results: Vec<SarifResult> = report
        .findings
        .iter()
        .zip(&fingerprints)
        .map(|(f, fp)| {
            let index = rules.iter().position(|r| r.name == f.rule).unwrap_or(0);
            result(f, index, fp)
        })
        .collect();
    let mut notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|p| notification(p, "error"))
        .collect();
    notifications.extend(report.warnings.iter().map(|p| notification(p, "warning")));
    let mut invocation = Map::new();
    invocation.insert(
        "executionSuccessful".into(),
        json!(report.verdict != Verdict::Error),
    );
    if !notifications.is_empty() {
        invocation.insert(
            "toolExecutionNotifications".into(),
            Value::Array(notifications),
        );
    }
    let mut props = Map::new();
    props.insert("verdict".into(), json!(report.verdict.name()));
    if let Some(p) = &report.policy {
        props.insert("policy".into(), json!(p.file));
        if let Some(n) = &p.name {
            props.insert("policyName".into(), json!(n));
        }
        if let Some(v) = &p.version {
            props.insert("policyVersion".into(), json!(v));
        }
    }
    if let Some(c) = &report.clock {
        props.insert("decidedAt".into(), json!(c.now));
        props.insert("timeZone".into(), json!(c.zone));
    }
    let mut driver = Map::new();
    driver.insert("name".into(), json!("gate"));
    driver.insert("version".into(), json!(report.gate));
    driver.insert("semanticVersion".into(), json!(report.gate));
    if let Some(uri) = information_uri() {
        driver.insert("informationUri".into(), json!(uri));
    }
    driver.insert(
        "rules".into(),
        Value::Array(rules.iter().map(rule_descriptor).collect()),
    );
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: json!({ "driver": Value::Object(driver) }),
            invocations: [Value::Object(invocation)],
            column_kind: "unicodeCodePoints",
            results,
            properties: Value::Object(props),
        }],
    };
    let mut out = serde_json::to_string(&log).unwrap_or_else(|_| "{}".into());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            artifact("fixtures/my file.json"),
            json!({"uri": "fixtures/my%20file.json", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(artifact("./a/b.gate")["uri"], "a/b.gate");
        assert_eq!(
            artifact("/tmp/x#1.json"),
            json!({"uri": "file:///tmp/x%231.json"})
        );
        assert_eq!(artifact("C:\\w\\p.gate")["uri"], "file:///C:/w/p.gate");
    }

    #[test]
    fn short_description_is_the_first_sentence() {
        assert_eq!(
            first_sentence("No deploys late.  Nobody is on\ncall."),
            "No deploys late."
        );
        assert_eq!(first_sentence("One line"), "One line");
    }
}

//! Step 6: reports. A [`Report`] is the documented, stable model of a decision; each format is a
//! pure function of it. Writing the result somewhere is the caller's job.

pub mod ci;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod inventory;
pub mod junit;
pub mod licenses;
pub mod markdown;
pub mod sarif;

use crate::diag::{Diagnostic, Severity as DiagSeverity};
use crate::eval::{Evidence, Finding, FindingKind, Outcome, Verdict};
use crate::facts::{Origin, pointer};
use crate::policy::ast::Level;
use crate::span::{Location, SourceMap};
use crate::value::{datetime_text, to_json};

impl ClockInfo {
    pub fn new(now: &jiff::Zoned, zone: &str) -> ClockInfo {
        ClockInfo {
            now: datetime_text(now),
            zone: zone.to_string(),
        }
    }
}
use serde::Serialize;

/// `1 rule`, `2 rules`: a count with its noun, for the reports people read.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Version of the JSON report schema; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// The decision as `--format json` writes it.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// gate's version.
    pub gate: String,
    pub schema: u32,
    pub verdict: Verdict,
    pub policy: Option<PolicyInfo>,
    pub clock: Option<ClockInfo>,
    pub summary: Summary,
    pub findings: Vec<FindingOut>,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
    /// Audit mode: the stage decided in (`--stage`) and the rules it turned into warnings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<StageOut>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StageOut {
    pub name: String,
    /// The `block` rules that only warn in this stage.
    pub audited: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PolicyInfo {
    pub name: Option<String>,
    pub version: Option<String>,
    pub file: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ClockInfo {
    pub now: String,
    pub zone: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub rules: usize,
    /// Unwaived findings by level.
    pub block: usize,
    pub warn: usize,
    pub info: usize,
    pub waived: usize,
    pub errors: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct FindingOut {
    pub rule: String,
    pub level: Level,
    pub kind: FindingKind,
    pub message: String,
    pub waived: bool,
    pub waiver: Option<WaiverOut>,
    pub location: Location,
    pub witness: Vec<WitnessOut>,
    /// The rule's doc comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// A `block` finding that audit mode (`--stage`) turned into a warning: it would have blocked.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub audit: bool,
    /// How the evidence was read (a deprecated license id taken as its current name, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct WaiverOut {
    pub by: String,
    pub because: String,
    pub until: String,
    pub location: Location,
}

#[derive(Clone, Debug, Serialize)]
pub struct WitnessOut {
    pub name: String,
    /// How the value reads in a message.
    pub display: String,
    pub value: serde_json::Value,
    pub evidence: Option<EvidenceOut>,
}

#[derive(Clone, Debug, Serialize)]
pub struct EvidenceOut {
    pub namespace: String,
    /// The document the value is in (`facts/licenses.json`), or the producer.
    pub source: String,
    pub pointer: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    pub code: String,
    pub message: String,
    pub location: Option<Location>,
    pub help: Option<String>,
}

impl Problem {
    pub fn from_diagnostic(d: &Diagnostic, sources: &SourceMap) -> Problem {
        Problem {
            code: d.code.to_string(),
            message: d.message.clone(),
            location: d.location(sources),
            help: d.help.clone(),
        }
    }
}

/// One locator per fact document, shared by every witness of a report.
type Locators = std::collections::HashMap<crate::span::FileId, pointer::Locator>;

fn evidence(e: &Evidence, sources: &SourceMap, locators: &mut Locators) -> EvidenceOut {
    match &e.origin {
        Origin::File { file, prefix } => {
            let full = format!("{prefix}{}", e.pointer);
            let locator = locators.entry(*file).or_default();
            let at = sources
                .get(*file)
                .and_then(|f| locator.locate(&f.text, &full).map(|o| f.line_col(o)));
            EvidenceOut {
                namespace: e.namespace.clone(),
                source: sources.name(*file).to_string(),
                pointer: full,
                line: at.map(|a| a.0),
                column: at.map(|a| a.1),
            }
        }
        Origin::Builtin(what) => EvidenceOut {
            namespace: e.namespace.clone(),
            source: (*what).to_string(),
            pointer: e.pointer.clone(),
            line: None,
            column: None,
        },
        Origin::Producer { what, .. } => EvidenceOut {
            namespace: e.namespace.clone(),
            source: e.origin.input_of(&e.pointer).unwrap_or(what).to_string(),
            pointer: e.pointer.clone(),
            line: None,
            column: None,
        },
    }
}

fn finding(
    f: &Finding,
    docs: &dyn Fn(&str) -> Option<String>,
    sources: &SourceMap,
    locators: &mut Locators,
) -> FindingOut {
    FindingOut {
        rule: f.rule.clone(),
        level: f.level,
        kind: f.kind,
        message: f.message.clone(),
        waived: f.waived.is_some(),
        waiver: f.waived.as_ref().map(|w| WaiverOut {
            by: w.by.clone(),
            because: w.because.clone(),
            until: w.until.to_string(),
            location: sources.locate(w.span),
        }),
        location: sources.locate(f.span),
        witness: f
            .witness
            .iter()
            .map(|w| WitnessOut {
                name: w.name.clone(),
                display: w.value.to_string(),
                value: to_json(&w.value),
                evidence: w.evidence.as_ref().map(|e| evidence(e, sources, locators)),
            })
            .collect(),
        notes: f.notes.clone(),
        audit: f.audit,
        doc: if f.kind == FindingKind::Rule {
            docs(&f.rule)
        } else {
            None
        },
    }
}

/// Builds the report of a run. `policy` is absent when the policy could not be loaded at all.
pub fn build(
    outcome: &Outcome,
    policy: Option<PolicyInfo>,
    clock: Option<ClockInfo>,
    docs: &dyn Fn(&str) -> Option<String>,
    sources: &SourceMap,
) -> Report {
    let mut locators = Locators::new();
    let findings: Vec<FindingOut> = outcome
        .findings
        .iter()
        .map(|f| finding(f, docs, sources, &mut locators))
        .collect();
    let mut summary = Summary {
        rules: outcome.rules,
        ..Summary::default()
    };
    for f in &findings {
        if f.waived {
            summary.waived += 1;
        } else {
            match f.level {
                Level::Block => summary.block += 1,
                Level::Warn => summary.warn += 1,
                Level::Info => summary.info += 1,
            }
        }
    }
    let (errors, warnings): (Vec<&Diagnostic>, Vec<&Diagnostic>) = outcome
        .errors
        .iter()
        .partition(|d| d.severity == DiagSeverity::Error);
    summary.errors = errors.len();
    Report {
        gate: env!("CARGO_PKG_VERSION").to_string(),
        schema: SCHEMA_VERSION,
        verdict: outcome.verdict,
        policy,
        clock,
        summary,
        findings,
        errors: errors
            .iter()
            .map(|d| Problem::from_diagnostic(d, sources))
            .collect(),
        warnings: warnings
            .iter()
            .map(|d| Problem::from_diagnostic(d, sources))
            .collect(),
        stage: None,
    }
}

/// The JSON report: one object, pretty-printed, byte-identical for the same inputs.
pub fn json(report: &Report) -> String {
    let mut out = serde_json::to_string_pretty(report).unwrap_or_else(|e| {
        format!("{{\"verdict\": \"error\", \"findings\": [], \"errors\": [{{\"message\": \"cannot write the report: {e}\"}}]}}")
    });
    out.push('\n');
    out
}

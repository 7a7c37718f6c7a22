//! What the CI formats (`sarif`, `junit`, `markdown`, `github`, `gitlab`) share: the policy's
//! rules, where a finding is best shown, a stable fingerprint, a short name for its witness.

use super::{EvidenceOut, FindingOut, Report};
use crate::policy::ast::Level;
use crate::policy::ir::Policy;
use crate::span::{Location, SourceMap};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// A rule of the policy, for formats that list every rule, not only those with findings.
#[derive(Clone, Debug)]
pub struct RuleInfo {
    pub name: String,
    pub level: Level,
    pub doc: Option<String>,
    /// The rule's `require`/`forbid` clause, where its findings point.
    pub location: Location,
}

/// Every rule of a checked policy, in file order.
pub fn rules(policy: &Policy, sources: &SourceMap) -> Vec<RuleInfo> {
    policy
        .rules
        .iter()
        .map(|r| RuleInfo {
            name: r.name.clone(),
            level: r.level,
            doc: r.doc.clone(),
            location: sources.locate(r.check_span),
        })
        .collect()
}

/// The rules a report speaks of: `rules` when the policy was available, followed by any rule
/// that has a finding but is not among them (so every finding has its rule).
pub fn all_rules(report: &Report, rules: &[RuleInfo]) -> Vec<RuleInfo> {
    let mut out: Vec<RuleInfo> = rules.to_vec();
    for f in &report.findings {
        if !out.iter().any(|r| r.name == f.rule) {
            out.push(RuleInfo {
                name: f.rule.clone(),
                level: f.level,
                doc: f.doc.clone(),
                location: f.location.clone(),
            });
        }
    }
    out
}

/// A place in a file, 1-based; `line` 0 when unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Place {
    fn of(l: &Location) -> Place {
        Place {
            file: l.file.clone(),
            line: l.line,
            column: l.column,
        }
    }
}

/// The first witness value located in its evidence file (a line of `licenses.json`, of a SARIF
/// or JUnit input): its name and place.
pub fn evidence(f: &FindingOut) -> Option<(&str, Place)> {
    f.witness.iter().find_map(|w| {
        w.evidence
            .as_ref()
            .and_then(evidence_place)
            .map(|p| (w.name.as_str(), p))
    })
}

/// Where evidence is: its line and column, or a producer's `file:line:col` source.
pub fn evidence_place(e: &EvidenceOut) -> Option<Place> {
    if let Some(line) = e.line {
        return Some(Place {
            file: e.source.clone(),
            line,
            column: e.column.unwrap_or(0),
        });
    }
    let number = |s: &str| s.parse::<usize>().ok().filter(|n| *n > 0);
    let (rest, last) = e.source.rsplit_once(':')?;
    let last = number(last)?;
    match rest.rsplit_once(':') {
        Some((file, line)) if !file.is_empty() && number(line).is_some() => Some(Place {
            file: file.to_string(),
            line: number(line)?,
            column: last,
        }),
        _ if !rest.is_empty() => Some(Place {
            file: rest.to_string(),
            line: last,
            column: 0,
        }),
        _ => None,
    }
}

/// Where a finding is best shown: its evidence when located, else the rule in the policy.
pub fn place(f: &FindingOut) -> Place {
    match evidence(f) {
        Some((_, p)) => p,
        None => Place::of(&f.location),
    }
}

/// The rule's place in the policy.
pub fn policy_place(f: &FindingOut) -> Place {
    Place::of(&f.location)
}

/// `pkg = pdf-render`, `t = one_click_checkout`; the rule's name when the finding has no witness.
pub fn witness_label(f: &FindingOut, max: usize) -> String {
    if f.witness.is_empty() {
        return f.rule.clone();
    }
    f.witness
        .iter()
        .map(|w| format!("{} = {}", w.name, shorten(&w.display, max)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Cuts text to `max` characters with an ellipsis.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

/// Stable fingerprints of a report's findings, in report order: a sha256 of the rule, the kind
/// of finding and each witness's name and what it names (`pdf-render`, `POST /checkout`) — never
/// its measurements, line numbers, messages or the clock, so
/// a finding keeps its fingerprint when the policy or the evidence file moves around it.
/// Findings that would share one get an occurrence number, so every fingerprint is unique.
pub fn fingerprints(report: &Report) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    report
        .findings
        .iter()
        .map(|f| {
            let mut identity = format!("gateFinding/v1\0{}\0{}", f.rule, f.kind.name());
            for w in &f.witness {
                identity.push('\0');
                identity.push_str(&w.name);
                identity.push('=');
                identity.push_str(&w.display);
            }
            let n = seen.entry(identity.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                identity.push_str(&format!("\0#{n}"));
            }
            hex(&Sha256::digest(identity.as_bytes()))
        })
        .collect()
}

/// A stable fingerprint of a gate error: its code, message and place.
pub fn error_fingerprint(code: &str, message: &str, at: Option<&Location>) -> String {
    let mut identity = format!("gateError/v1\0{code}\0{message}");
    if let Some(l) = at {
        identity.push_str(&format!("\0{}", l.file));
    }
    hex(&Sha256::digest(identity.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The policy's name for headlines: its `policy` name, else its file.
pub fn policy_name(report: &Report) -> String {
    report
        .policy
        .as_ref()
        .map(|p| p.name.clone().unwrap_or_else(|| p.file.clone()))
        .unwrap_or_else(|| "policy".into())
}

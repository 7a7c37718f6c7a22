//! `gate explain`: what a rule checks, in words, from the checked policy and its source.

use crate::diag::{Diagnostic, suggestion};
use crate::policy::ast::{CheckKind, Item, Level};
use crate::policy::ir::Policy;
use crate::policy::load::Loaded;
use crate::span::{SourceMap, Span};
use std::fmt::Write as _;

fn text(sources: &SourceMap, span: Span) -> String {
    sources
        .slice(span)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Explains every rule, or the one named.
pub fn explain(
    policy: &Policy,
    loaded: &Loaded,
    sources: &SourceMap,
    only: Option<&str>,
) -> Result<String, Diagnostic> {
    if let Some(name) = only
        && !policy.rules.iter().any(|r| r.name == name)
    {
        let mut d = Diagnostic::error("unknown-rule", format!("the policy has no rule `{name}`"));
        if let Some(s) = suggestion(name, policy.rules.iter().map(|r| r.name.as_str())) {
            d = d.help(s);
        }
        return Err(d);
    }
    let mut out = String::new();
    if only.is_none() {
        let _ = writeln!(
            out,
            "policy {}{}",
            policy
                .name
                .as_deref()
                .map_or("(unnamed)".to_string(), |n| format!("\"{n}\"")),
            policy
                .version
                .as_deref()
                .map(|v| format!(" version {v}"))
                .unwrap_or_default()
        );
        if let Some(doc) = &policy.doc {
            for line in doc.lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
        let _ = writeln!(
            out,
            "{} rules; a finding of a `block` rule stops the release.",
            policy.rules.len()
        );
    }
    for item in loaded.items() {
        let Item::Rule(r) = item else { continue };
        if only.is_some_and(|n| n != r.name.name) {
            continue;
        }
        let Some(def) = policy.rules.iter().find(|d| d.name == r.name.name) else {
            continue;
        };
        let _ = writeln!(out);
        let effect = match r.level {
            Level::Block => "block — a finding stops the release",
            Level::Warn => "warn — findings are reported, the release goes on",
            Level::Info => "info — findings are notes",
        };
        let _ = writeln!(out, "rule {} ({effect})", r.name.name);
        let _ = writeln!(out, "  at {}", sources.locate(r.span));
        if let Some(doc) = &r.doc {
            for line in doc.lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
        for (i, f) in r.fors.iter().enumerate() {
            let lead = if i == 0 { "for each" } else { "and for each" };
            let filter = f
                .filter
                .as_ref()
                .map(|w| format!(" where {}", text(sources, w.span)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {lead} {} in {}{filter},",
                f.var.name,
                text(sources, f.collection.span)
            );
        }
        let cond = text(sources, r.check.condition.span);
        let fires = match r.check.kind {
            CheckKind::Require => {
                format!("  it requires: {cond}\n  a finding wherever that does not hold")
            }
            CheckKind::Forbid => format!("  it forbids: {cond}\n  a finding wherever that holds"),
        };
        let _ = writeln!(out, "{fires}");
        match &r.check.message {
            Some(m) => {
                let _ = writeln!(out, "  saying: {}", sources.slice(m.span));
            }
            None => {
                let _ = writeln!(
                    out,
                    "  saying: the failing condition with its actual values"
                );
            }
        }
        if !def.reads.is_empty() {
            let _ = writeln!(out, "  reads: {}", def.reads.join(", "));
        }
        for w in loaded.items() {
            if let Item::Waive(w) = w
                && w.rule.name == r.name.name
            {
                let filter = w
                    .filter
                    .as_ref()
                    .map(|f| format!(" where {}", text(sources, f.span)))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  waived{filter} until {} by {}: {}",
                    w.until, w.by.value, w.because.value
                );
            }
        }
    }
    Ok(out)
}

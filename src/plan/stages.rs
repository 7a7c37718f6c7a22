//! The plan's `[stage.NAME]` tables: audit mode. In the stage a table names, the `block` rules it
//! lists only warn, so a team can roll a new rule out and see what it would block first
//! (`gate check --stage NAME`).

use crate::diag::{Diagnostic, suggestion};
use crate::span::Span;
use toml::de::DeValue;

/// One stage of the rollout.
#[derive(Clone, Debug, PartialEq)]
pub struct Stage {
    pub name: String,
    pub at: Span,
    /// Rules that only warn in this stage, each with where the plan names it.
    pub audit: Vec<(String, Span)>,
}

const KEYS: &[&str] = &["audit"];

/// Reads `[stage.NAME]` tables; every problem is pushed to `diags`.
pub fn section(
    value: &DeValue,
    at: Span,
    span: &dyn Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Stage> {
    let Some(table) = value.as_table() else {
        diags.push(
            Diagnostic::error(
                "plan-type",
                "`stage` must hold a table per stage: `[stage.canary]`",
            )
            .at(at, "here"),
        );
        return Vec::new();
    };
    let mut stages = Vec::new();
    for (name, body) in table {
        let name_at = span(name.span());
        let name = name.get_ref().to_string();
        if let Err(m) =
            crate::plan::results::check_word(&name, "stage name", "`canary` or `production`")
        {
            diags.push(Diagnostic::error("plan-value", m).at(name_at, "here"));
            continue;
        }
        let Some(body) = body.get_ref().as_table() else {
            diags.push(
                Diagnostic::error(
                    "plan-type",
                    format!("`stage.{name}` must be a table: `[stage.{name}]`"),
                )
                .at(name_at, "here"),
            );
            continue;
        };
        let mut stage = Stage {
            name: name.clone(),
            at: name_at,
            audit: Vec::new(),
        };
        for (k, v) in body {
            match k.get_ref().as_ref() {
                "audit" => match v.get_ref() {
                    DeValue::Array(items) => {
                        for i in items {
                            match i.get_ref().as_str() {
                                Some(rule) => stage.audit.push((rule.to_string(), span(i.span()))),
                                None => diags.push(
                                    Diagnostic::error(
                                        "plan-type",
                                        format!("`stage.{name}.audit` lists rule names (strings)"),
                                    )
                                    .at(span(i.span()), "not a string"),
                                ),
                            }
                        }
                    }
                    other => diags.push(
                        Diagnostic::error(
                            "plan-type",
                            format!(
                                "`stage.{name}.audit` must be a list of rule names, not {}",
                                other.type_str()
                            ),
                        )
                        .at(span(v.span()), "here"),
                    ),
                },
                other => {
                    let help = suggestion(other, KEYS.iter().copied())
                        .unwrap_or_else(|| "a stage's key is `audit`".to_string());
                    diags.push(
                        Diagnostic::error(
                            "plan-unknown-key",
                            format!("unknown key `stage.{name}.{other}`"),
                        )
                        .at(span(k.span()), "unknown")
                        .help(help),
                    );
                }
            }
        }
        stages.push(stage);
    }
    stages
}

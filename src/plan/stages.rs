//! The plan's `[stage.NAME]` tables: audit mode. In the stage a table names, the `block` rules it
//! lists only warn, so a team can roll a new rule out and see what it would block first
//! (`gate check --stage NAME`).

use super::read;
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
        let Some(body) = read::table(body.get_ref(), &format!("stage.{name}"), name_at, diags)
        else {
            continue;
        };
        let mut stage = Stage {
            name: name.clone(),
            at: name_at,
            audit: Vec::new(),
        };
        for (k, v) in body {
            match k.get_ref().as_ref() {
                "audit" => {
                    let shown = format!("stage.{name}.audit");
                    let (items, whole) = ("rule names (strings)", "a list of rule names");
                    stage.audit = read::list(v, &shown, items, whole, span, diags);
                }
                other => {
                    let help = suggestion(other, KEYS.iter().copied())
                        .unwrap_or_else(|| "a stage's key is `audit`".to_string());
                    diags.push(read::unknown(
                        &format!("stage.{name}"),
                        other,
                        span(k.span()),
                        help,
                    ));
                }
            }
        }
        stages.push(stage);
    }
    stages
}

//! The plan's `[approvals]` section.
//!
//! ```toml
//! [approvals]
//! file = "signoff.toml"            # required: the sign-off file
//! subject = "2.3.1"                # optional, a string or a list: what counts as this release;
//!                                  # default: the release version and the artifact's digest
//! ```

use super::read::{path, plan_dir, string, table, unknown_key};
use crate::diag::Diagnostic;
use crate::facts::approvals::{Config, SUBJECT_HELP, Subject};
use crate::span::Span;
use std::path::PathBuf;
use toml::de::DeValue;

const KEYS: &[&str] = &["file", "subject"];

/// Reads `[approvals]`; every problem is pushed to `diags`.
pub fn section(
    value: &DeValue,
    at: Span,
    join: &dyn Fn(&str) -> PathBuf,
    span: &dyn Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Config> {
    let table = table(value, "approvals", at, diags)?;
    let before = diags.len();
    let mut config = Config {
        dir: plan_dir(join),
        at: Some(at),
        ..Config::default()
    };
    for (k, v) in table {
        let key = k.get_ref().as_ref();
        let vspan = span(v.span());
        match key {
            "file" => {
                if let Some(s) = string(v.get_ref(), "approvals.file", vspan, diags) {
                    config.file = Some((path(join, &s), vspan));
                }
            }
            "subject" => {
                let items: Vec<(&DeValue, Span)> = match v.get_ref() {
                    DeValue::Array(items) => items
                        .iter()
                        .map(|i| (i.get_ref(), span(i.span())))
                        .collect(),
                    one => vec![(one, vspan)],
                };
                if items.is_empty() {
                    diags.push(
                        Diagnostic::error("plan-value", "`approvals.subject` lists no subject")
                            .at(vspan, "empty")
                            .help("name this release's version or digest, or leave `subject` out to use `[release]` and `[artifact]`"),
                    );
                }
                for (item, ispan) in items {
                    let Some(s) = string(item, "approvals.subject", ispan, diags) else {
                        continue;
                    };
                    if Subject::parse(&s).is_none() {
                        diags.push(
                            Diagnostic::error(
                                "plan-value",
                                format!(
                                    "`approvals.subject` `{s}` is neither a version nor a digest"
                                ),
                            )
                            .at(ispan, "not a subject")
                            .help(SUBJECT_HELP),
                        );
                        continue;
                    }
                    config.subjects.push((s, ispan));
                }
            }
            other => unknown_key("approvals", other, KEYS, span(k.span()), diags),
        }
    }
    if config.file.is_none() && diags.len() == before {
        diags.push(
            Diagnostic::error(
                "plan-value",
                "`[approvals]` needs `file`: the sign-off file, e.g. `file = \"signoff.toml\"`",
            )
            .at(at, "no file"),
        );
    }
    (diags.len() == before).then_some(config)
}

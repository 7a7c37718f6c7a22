//! The plan's `[config]` section: the staging and production configuration files to compare.

use crate::diag::{Diagnostic, suggestion};
use crate::facts::config::flatten::Format;
use crate::facts::config::{Config, Side};
use crate::span::Span;
use std::path::PathBuf;
use toml::de::DeValue;

const KEYS: &[&str] = &["staging", "production", "secret_keys", "ignore", "format"];

/// Reads `[config]`; every problem is pushed to `diags`.
pub fn section(
    value: &DeValue,
    at: Span,
    join: &dyn Fn(&str) -> PathBuf,
    span: &dyn Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Config> {
    let Some(table) = value.as_table() else {
        diags.push(
            Diagnostic::error("plan-type", "`config` must be a table: `[config]`").at(at, "here"),
        );
        return None;
    };
    let before = diags.len();
    let mut config = Config::default();
    let (mut staging, mut production) = (false, false);
    for (k, v) in table {
        let key = k.get_ref().as_ref();
        let vspan = span(v.span());
        let string = |diags: &mut Vec<Diagnostic>| -> Option<String> {
            match v.get_ref().as_str() {
                Some(s) if !s.trim().is_empty() => Some(s.to_string()),
                Some(_) => {
                    diags.push(
                        Diagnostic::error("plan-value", format!("`config.{key}` is empty"))
                            .at(vspan, "here"),
                    );
                    None
                }
                None => {
                    diags.push(
                        Diagnostic::error(
                            "plan-type",
                            format!(
                                "`config.{key}` must be a string, not {}",
                                v.get_ref().type_str()
                            ),
                        )
                        .at(vspan, "here"),
                    );
                    None
                }
            }
        };
        let strings = |diags: &mut Vec<Diagnostic>| -> Vec<String> {
            match v.get_ref() {
                DeValue::String(s) => vec![s.to_string()],
                DeValue::Array(items) => items
                    .iter()
                    .filter_map(|i| match i.get_ref().as_str() {
                        Some(s) => Some(s.to_string()),
                        None => {
                            diags.push(
                                Diagnostic::error(
                                    "plan-type",
                                    format!("`config.{key}` lists strings (dotted-key globs)"),
                                )
                                .at(span(i.span()), "not a string"),
                            );
                            None
                        }
                    })
                    .collect(),
                other => {
                    diags.push(
                        Diagnostic::error(
                            "plan-type",
                            format!(
                                "`config.{key}` must be a list of strings, not {}",
                                other.type_str()
                            ),
                        )
                        .at(vspan, "here"),
                    );
                    Vec::new()
                }
            }
        };
        match key {
            "staging" => {
                staging = true;
                if let Some(s) = string(diags) {
                    config.staging = Side {
                        path: join(&s),
                        at: Some(vspan),
                    };
                }
            }
            "production" => {
                production = true;
                if let Some(s) = string(diags) {
                    config.production = Side {
                        path: join(&s),
                        at: Some(vspan),
                    };
                }
            }
            "secret_keys" => config.secret_keys = strings(diags),
            "ignore" => config.ignore = strings(diags),
            "format" => {
                if let Some(s) = string(diags) {
                    match Format::from_name(&s.to_lowercase()) {
                        Some(f) => config.format = Some(f),
                        None => {
                            let help = suggestion(&s, Format::NAMES.iter().copied())
                                .unwrap_or_else(|| {
                                    format!("the formats are {}", Format::NAMES.join(", "))
                                });
                            diags.push(
                                Diagnostic::error(
                                    "plan-value",
                                    format!("`{s}` is not a configuration format"),
                                )
                                .at(vspan, "unknown format")
                                .help(help),
                            );
                        }
                    }
                }
            }
            other => {
                let help = suggestion(other, KEYS.iter().copied())
                    .unwrap_or_else(|| format!("the keys of `[config]` are {}", KEYS.join(", ")));
                diags.push(
                    Diagnostic::error("plan-unknown-key", format!("unknown key `config.{other}`"))
                        .at(span(k.span()), "unknown")
                        .help(help),
                );
            }
        }
    }
    for (given, name) in [(staging, "staging"), (production, "production")] {
        if !given {
            diags.push(
                Diagnostic::error("plan-value", format!("`[config]` needs `{name}`: the {name} configuration file"))
                    .at(at, format!("no `{name}`"))
                    .help("e.g. `staging = \"deploy/staging.toml\"` and `production = \"deploy/production.toml\"`"),
            );
        }
    }
    (diags.len() == before).then_some(config)
}

//! The plan's `[config]` section: the staging and production configuration files to compare.

use super::read::{self, suggest, table, unknown_key};
use crate::diag::Diagnostic;
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
    let table = table(value, "config", at, diags)?;
    let before = diags.len();
    let mut config = Config::default();
    let (mut staging, mut production) = (false, false);
    for (k, v) in table {
        let key = k.get_ref().as_ref();
        let vspan = span(v.span());
        let name = format!("config.{key}");
        let one = |diags: &mut Vec<Diagnostic>| read::string(v.get_ref(), &name, vspan, diags);
        let globs = |diags: &mut Vec<Diagnostic>| -> Vec<String> {
            let (items, whole) = ("strings (dotted-key globs)", "a list of strings");
            let listed = read::strings(v, &name, items, whole, span, diags);
            listed.into_iter().map(|(s, _)| s).collect()
        };
        match key {
            "staging" => {
                staging = true;
                if let Some(s) = one(diags) {
                    config.staging = Side {
                        path: join(&s),
                        at: Some(vspan),
                    };
                }
            }
            "production" => {
                production = true;
                if let Some(s) = one(diags) {
                    config.production = Side {
                        path: join(&s),
                        at: Some(vspan),
                    };
                }
            }
            "secret_keys" => config.secret_keys = globs(diags),
            "ignore" => config.ignore = globs(diags),
            "format" => {
                if let Some(s) = one(diags) {
                    match Format::from_name(&s.to_lowercase()) {
                        Some(f) => config.format = Some(f),
                        None => {
                            let help = suggest(&s, Format::NAMES, "formats");
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
            other => unknown_key("config", other, KEYS, span(k.span()), diags),
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

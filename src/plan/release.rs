//! The plan's `[release]` section.
//!
//! ```toml
//! [release]
//! version = "2.3.1"            # or version_from = "cargo" (with manifest = "Cargo.toml") or "git-tag"
//! changelog = "CHANGELOG.md"
//! rollback = "docs/rollback.md"
//! repository = "."             # the git work tree; default: the plan's folder
//! ```

use super::read::{path, plan_dir, string, table, unknown_key};
use crate::diag::{Diagnostic, suggestion};
use crate::facts::release::{Config, VersionFrom};
use crate::span::Span;
use std::path::PathBuf;
use toml::de::DeValue;

const KEYS: &[&str] = &[
    "version",
    "version_from",
    "manifest",
    "changelog",
    "rollback",
    "repository",
];

/// Reads `[release]`; every problem is pushed to `diags`.
pub fn section(
    value: &DeValue,
    at: Span,
    join: &dyn Fn(&str) -> PathBuf,
    span: &dyn Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Config> {
    let table = table(value, "release", at, diags)?;
    let before = diags.len();
    let mut config = Config {
        dir: plan_dir(join),
        at: Some(at),
        ..Config::default()
    };
    for (k, v) in table {
        let key = k.get_ref().as_ref();
        let kspan = span(k.span());
        let vspan = span(v.span());
        if !KEYS.contains(&key) {
            unknown_key("release", key, KEYS, kspan, diags);
            continue;
        }
        let Some(s) = string(v.get_ref(), &format!("release.{key}"), vspan, diags) else {
            continue;
        };
        match key {
            "version" => config.version = Some((s, vspan)),
            "version_from" => match VersionFrom::parse(&s) {
                Some(f) => config.version_from = Some((f, vspan)),
                None => {
                    let help = suggestion(&s, VersionFrom::NAMES.iter().copied())
                        .unwrap_or_else(|| "write `plan`, `cargo` or `git-tag`".into());
                    diags.push(
                        Diagnostic::error(
                            "plan-value",
                            format!("`release.version_from` cannot be `{s}`"),
                        )
                        .at(vspan, "not a version source")
                        .help(help),
                    );
                }
            },
            "manifest" => config.manifest = Some((path(join, &s), vspan)),
            "changelog" => config.changelog = Some((path(join, &s), vspan)),
            "rollback" => config.rollback = Some((path(join, &s), vspan)),
            _ => config.repository = Some((path(join, &s), vspan)),
        }
    }
    match (&config.version, &config.version_from) {
        (None, Some((VersionFrom::Plan, vspan))) => diags.push(
            Diagnostic::error(
                "plan-value",
                "`release.version_from = \"plan\"` needs `release.version`",
            )
            .at(*vspan, "no version in the plan")
            .help("write the version: `version = \"2.3.1\"`"),
        ),
        (Some((_, at)), Some((from, fspan))) if *from != VersionFrom::Plan => diags.push(
            Diagnostic::error(
                "plan-value",
                format!(
                    "`release.version` and `release.version_from = \"{}\"` disagree on where the version comes from",
                    from.name()
                ),
            )
            .at(*at, "the version is written here")
            .also(*fspan, "and read from elsewhere here")
            .help("keep one of the two"),
        ),
        _ => {}
    }
    let effective = match (&config.version_from, &config.version) {
        (Some((from, _)), _) => Some(*from),
        (None, Some(_)) => Some(VersionFrom::Plan),
        (None, None) => None,
    };
    if let (Some((_, mspan)), Some(from)) = (&config.manifest, effective)
        && from != VersionFrom::Cargo
    {
        diags.push(
            Diagnostic::error(
                "plan-value",
                format!(
                    "`release.manifest` would not be read: the version comes from {}",
                    from.describe()
                ),
            )
            .at(*mspan, "unused")
            .help("drop `manifest`, or read the version from it: `version_from = \"cargo\"`"),
        );
    }
    (diags.len() == before).then_some(config)
}

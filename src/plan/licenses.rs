//! The plan's `[licenses]` section: which workspace or SBOM, and how to read it.

use super::read;
use crate::diag::Diagnostic;
use crate::facts::licenses::cargo::{Features, Options, Target};
use crate::facts::licenses::{Config, DEFAULT_THRESHOLD, Input};
use crate::span::Span;
use std::path::PathBuf;
use toml::de::DeValue;

const KEYS: &[&str] = &[
    "manifest",
    "sbom",
    "metadata",
    "target",
    "features",
    "all_features",
    "no_default_features",
    "offline",
    "categories",
    "clarifications",
    "threshold",
    "cache",
];

/// Reads `[licenses]`; `join` resolves a path against the plan's folder, `span` maps a byte
/// range of the plan to a span. Every problem is pushed to `diags`.
pub fn section(
    value: &DeValue,
    at: Span,
    join: &dyn Fn(&str) -> PathBuf,
    span: &dyn Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Config> {
    let table = read::table(value, "licenses", at, diags)?;
    let before = diags.len();
    let mut manifest: Option<(PathBuf, Span)> = None;
    let mut sbom: Option<(PathBuf, Span)> = None;
    let mut metadata: Option<PathBuf> = None;
    let mut target = Target::Host;
    let mut features = Features::default();
    let mut offline = false;
    let mut cache = true;
    let mut categories = None;
    let mut clarifications = None;
    let mut threshold = DEFAULT_THRESHOLD;
    for (k, v) in table {
        let key = k.get_ref().as_ref();
        let vspan = span(v.span());
        let val = v.get_ref();
        let name = format!("licenses.{key}");
        let wrong = |want: &str| read::type_error(&name, want, val, vspan);
        let string = val.as_str();
        let flag = |diags: &mut Vec<Diagnostic>| read::flag(val, &name, vspan, diags);
        match key {
            "manifest" | "sbom" | "metadata" | "categories" | "clarifications" => {
                let Some(s) = string else {
                    diags.push(wrong("a path (a string)"));
                    continue;
                };
                let path = join(s);
                match key {
                    "manifest" => manifest = Some((path, vspan)),
                    "sbom" => sbom = Some((path, vspan)),
                    "metadata" => metadata = Some(path),
                    "categories" => categories = Some((path, Some(vspan))),
                    _ => clarifications = Some((path, Some(vspan))),
                }
            }
            "target" => match string {
                Some("all") => target = Target::All,
                Some("host") => target = Target::Host,
                Some(t) if t.split('-').count() >= 2 => target = Target::Triple(t.to_string()),
                Some(t) => diags.push(
                    Diagnostic::error(
                        "plan-value",
                        format!("`{t}` is not a target: give a triple like `x86_64-unknown-linux-gnu`, `host` or `all`"),
                    )
                    .at(vspan, "here"),
                ),
                None => diags.push(wrong("a string")),
            },
            "features" => {
                let (items, whole) = ("feature names (strings)", "a list of feature names");
                let listed = read::list(v, &name, items, whole, span, diags);
                features.list.extend(listed.into_iter().map(|(f, _)| f));
            }
            "all_features" => features.all = flag(diags).unwrap_or(features.all),
            "no_default_features" => {
                features.no_default = flag(diags).unwrap_or(features.no_default);
            }
            "offline" => offline = flag(diags).unwrap_or(offline),
            "cache" => cache = flag(diags).unwrap_or(cache),
            "threshold" => match read::number::<f32>(val) {
                Some(x) if (0.0..=1.0).contains(&x) => threshold = x,
                Some(_) => diags.push(
                    Diagnostic::error(
                        "plan-value",
                        "`licenses.threshold` is a score between 0 and 1, like 0.9",
                    )
                    .at(vspan, "out of range"),
                ),
                None => diags.push(wrong("a number between 0 and 1")),
            },
            other => read::unknown_key("licenses", other, KEYS, span(k.span()), diags),
        }
    }
    let input = match (manifest, sbom) {
        (Some(_), Some((_, s))) => {
            diags.push(
                Diagnostic::error(
                    "plan-value",
                    "`[licenses]` reads a Cargo workspace (`manifest`) or an SBOM (`sbom`), not both",
                )
                .at(s, "second input"),
            );
            return None;
        }
        (Some((path, s)), None) => Input::Cargo(Options {
            manifest: path,
            at: Some(s),
            metadata,
            target,
            features,
            offline,
            cache,
        }),
        (None, Some((path, s))) => Input::Sbom { path, at: Some(s) },
        (None, None) => match metadata {
            // A saved `cargo metadata` document alone is enough.
            Some(m) => Input::Cargo(Options {
                manifest: PathBuf::from("Cargo.toml"),
                at: None,
                metadata: Some(m),
                target,
                features,
                offline,
                cache,
            }),
            None => {
                diags.push(
                    Diagnostic::error(
                        "plan-value",
                        "`[licenses]` needs an input: `manifest = \"Cargo.toml\"` or `sbom = \"sbom.cdx.json\"`",
                    )
                    .at(at, "no input"),
                );
                return None;
            }
        },
    };
    (diags.len() == before).then_some(Config {
        input,
        categories,
        clarifications,
        threshold,
    })
}

/// `--manifest-path` and friends on the command line, over the plan's section.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub manifest: Option<PathBuf>,
    pub sbom: Option<PathBuf>,
    pub target: Option<String>,
    pub features: Vec<String>,
    pub all_features: bool,
    pub no_default_features: bool,
    pub offline: bool,
    pub no_cache: bool,
}

impl Overrides {
    pub fn any(&self) -> bool {
        self.manifest.is_some()
            || self.sbom.is_some()
            || self.target.is_some()
            || !self.features.is_empty()
            || self.all_features
            || self.no_default_features
            || self.offline
            || self.no_cache
    }

    /// The plan's configuration with these overrides; `None` when neither says what to read.
    pub fn apply(&self, plan: Option<&Config>) -> Result<Option<Config>, Diagnostic> {
        let mut config = match (plan, &self.manifest, &self.sbom) {
            (_, Some(_), Some(_)) => {
                return Err(Diagnostic::error(
                    "usage",
                    "give `--manifest-path` or `--sbom`, not both",
                ));
            }
            (_, Some(m), None) => Config {
                input: Input::Cargo(Options {
                    manifest: m.clone(),
                    at: None,
                    metadata: None,
                    target: Target::Host,
                    features: Features::default(),
                    offline: false,
                    cache: true,
                }),
                categories: plan.and_then(|p| p.categories.clone()),
                clarifications: plan.and_then(|p| p.clarifications.clone()),
                threshold: plan.map_or(DEFAULT_THRESHOLD, |p| p.threshold),
            },
            (_, None, Some(s)) => Config {
                input: Input::Sbom {
                    path: s.clone(),
                    at: None,
                },
                categories: plan.and_then(|p| p.categories.clone()),
                clarifications: plan.and_then(|p| p.clarifications.clone()),
                threshold: plan.map_or(DEFAULT_THRESHOLD, |p| p.threshold),
            },
            (Some(p), None, None) => p.clone(),
            (None, None, None) => {
                if self.any() {
                    return Err(Diagnostic::error(
                        "usage",
                        "`--target`, `--features` and `--offline` need a workspace: `--manifest-path Cargo.toml` or `[licenses] manifest` in the plan",
                    ));
                }
                return Ok(None);
            }
        };
        if let Input::Cargo(opts) = &mut config.input {
            match self.target.as_deref() {
                Some("all") => opts.target = Target::All,
                Some("host") => opts.target = Target::Host,
                Some(t) => opts.target = Target::Triple(t.to_string()),
                None => {}
            }
            if self.all_features {
                opts.features.all = true;
            }
            if self.no_default_features {
                opts.features.no_default = true;
            }
            for f in &self.features {
                opts.features.list.extend(
                    f.split([',', ' '])
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                );
            }
            if self.offline {
                opts.offline = true;
            }
            if self.no_cache {
                opts.cache = false;
            }
        }
        Ok(Some(config))
    }
}

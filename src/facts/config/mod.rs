//! The `config` producer — environment validation: staging configuration against production
//! (TOML, YAML, JSON, `.env`), flattened to dotted keys (`flatten`), compared (`diff`); secret
//! values are never kept (facts.md, `config`).
//!
//! Decisions:
//! - Numbers compare as values (`5432`, `5_432`, `5432.0` are equal, across formats); a string
//!   never equals a number (`"5432"` against `5432` is a difference: the application reads
//!   another type). `.env` values are all strings.
//! - An array of scalars is one value; an array holding tables is indexed (`servers.0.host`).
//! - A key is secret when any of its segments looks secret (words such as `password`, `token`,
//!   `secret`, `api_key`, `private_key`, `credentials`, `auth`, `dsn`), when the plan's
//!   `secret_keys` name it or a table above it, or when either value is a URL with a password
//!   (`postgres://app:pw@db`). A secret's values are never written to facts or messages.
//! - `secret_keys` and `ignore` are globs on dotted keys, case-insensitive: `*` is any run of
//!   characters, dots included (`*.password` matches `db.primary.password`), `?` one character.
//!   A pattern that matches a table matches every key under it.
//! - A file that does not parse is a located error; the excerpt shown with it masks the values
//!   of lines that look secret, so a `.env` line is not echoed to a CI log.

pub mod diff;
pub mod flatten;

use super::{Namespace, Origin, shown};
use crate::diag::{Diagnostic, io_reason};
use crate::span::{SourceFile, SourceMap, Span};
use flatten::{Entry, Flat, Format};
use serde_json::json;
use std::path::PathBuf;

/// One side of the comparison: a file and the plan entry that names it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Side {
    pub path: PathBuf,
    pub at: Option<Span>,
}

/// The validated `[config]` configuration.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    pub staging: Side,
    pub production: Side,
    /// Read both files in this format, whatever their names say.
    pub format: Option<Format>,
    /// Globs on dotted keys whose values are never shown, beyond the secret-looking ones.
    pub secret_keys: Vec<String>,
    /// Globs on dotted keys never compared.
    pub ignore: Vec<String>,
}

/// Largest configuration file read.
const MAX_BYTES: u64 = 64 << 20;

/// Words that make a key segment secret-looking.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "secrets",
    "token",
    "tokens",
    "apikey",
    "accesskey",
    "privatekey",
    "credential",
    "credentials",
    "creds",
    "auth",
    "authorization",
    "bearer",
    "dsn",
    "cookie",
];

/// Word pairs that do: `api_key`, `private-key`, `accessKey`.
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("private", "key"),
    ("access", "key"),
    ("signing", "key"),
    ("encryption", "key"),
    ("master", "key"),
    ("session", "key"),
    ("client", "secret"),
];

/// The words of a key segment: `apiKey`, `API_KEY`, `api-key` → `api`, `key`.
fn words(segment: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in segment.chars() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Whether a dotted key looks secret by its name alone.
pub fn secret_looking(key: &str) -> bool {
    key.split('.').any(|segment| {
        let w = words(segment);
        w.iter().any(|w| SECRET_WORDS.contains(&w.as_str()))
            || w.windows(2)
                .any(|p| SECRET_PAIRS.contains(&(p[0].as_str(), p[1].as_str())))
            || segment.eq_ignore_ascii_case("key")
    })
}

/// Whether a value holds a URL with a password: `scheme://user:password@host`.
pub fn has_credentials(value: &str) -> bool {
    let mut rest = value;
    while let Some(i) = rest.find("://") {
        let after = &rest[i + 3..];
        let authority = after
            .find(['/', '?', '#', ' ', '\t', '"', '\''])
            .map_or(after, |end| &after[..end]);
        if let Some(at) = authority.rfind('@')
            && authority[..at].contains(':')
        {
            return true;
        }
        rest = after;
    }
    false
}

/// A glob on dotted keys (`*` any run, `?` one character), case-insensitive.
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    // Iterative matching with one backtrack point: linear in practice, no recursion.
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        match p.get(i) {
            Some('*') => {
                star = Some((i, j));
                i += 1;
            }
            Some(c) if *c == '?' || *c == t[j] => {
                i += 1;
                j += 1;
            }
            _ => match star {
                Some((si, sj)) => {
                    i = si + 1;
                    j = sj + 1;
                    star = Some((si, sj + 1));
                }
                None => return false,
            },
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// Whether any pattern matches the key or a table above it.
fn named(patterns: &[String], key: &str) -> bool {
    let mut prefixes = vec![key];
    prefixes.extend(key.match_indices('.').map(|(i, _)| &key[..i]));
    patterns.iter().any(|p| prefixes.iter().any(|k| glob(p, k)))
}

/// The file's text as an error excerpt may show it: on every line that looks secret (a
/// secret-looking word, a plan word, or a URL with a password), everything after the first `=`
/// or `:` is masked, character for character, so lines and columns still hold.
fn masked(text: &str, plan_words: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let lower = line.to_lowercase();
        let key_part = lower.split(['=', ':']).next().unwrap_or("");
        let looks = secret_looking(key_part.trim().trim_matches(['"', '\'', '-', ' ']))
            || words(key_part)
                .iter()
                .any(|w| SECRET_WORDS.contains(&w.as_str()))
            || plan_words.iter().any(|w| lower.contains(w.as_str()))
            || has_credentials(line);
        match line.find(['=', ':']) {
            Some(cut) if looks => {
                out.push_str(&line[..=cut]);
                out.extend(line[cut + 1..].chars().map(
                    |c| {
                        if c.is_whitespace() { c } else { '*' }
                    },
                ));
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// A file's text, or why it cannot be read. Nothing of it enters the source map here: a
/// configuration holds secrets.
fn read(side: &Side, what: &str) -> Result<String, Diagnostic> {
    let locate = |d: Diagnostic| match side.at {
        Some(at) => d.at(at, "named here"),
        None => d,
    };
    let name = shown(&side.path);
    let meta = match std::fs::metadata(&side.path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(locate(
                Diagnostic::error(
                    "config-missing",
                    format!("the {what} configuration `{name}` does not exist"),
                )
                .help("check the path: it is relative to the plan file"),
            ));
        }
        Err(e) => {
            return Err(locate(Diagnostic::error(
                "config-unreadable",
                format!(
                    "cannot read the {what} configuration `{name}`: {}",
                    io_reason(&e)
                ),
            )));
        }
    };
    if meta.is_dir() {
        return Err(locate(Diagnostic::error(
            "config-unreadable",
            format!("the {what} configuration `{name}` is a directory, not a file"),
        )));
    }
    if meta.len() > MAX_BYTES {
        return Err(locate(Diagnostic::error(
            "config-unreadable",
            format!(
                "the {what} configuration `{name}` is {} bytes; gate reads configuration files up to 64 MiB",
                meta.len()
            ),
        )));
    }
    let bytes = std::fs::read(&side.path).map_err(|e| {
        locate(Diagnostic::error(
            "config-unreadable",
            format!(
                "cannot read the {what} configuration `{name}`: {}",
                io_reason(&e)
            ),
        ))
    })?;
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(body.to_vec()).map_err(|e| {
        let good = &body[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        locate(Diagnostic::error(
            "config-encoding",
            format!("the {what} configuration `{name}` is not UTF-8 text (line {line})"),
        ))
    })
}

/// Reads and flattens one side.
fn side(
    side: &Side,
    what: &str,
    config: &Config,
    sources: &mut SourceMap,
) -> Result<Flat, Diagnostic> {
    let name = shown(&side.path);
    let Some(format) = config.format.or_else(|| Format::from_path(&side.path)) else {
        let d = Diagnostic::error(
            "config-format",
            format!("gate cannot tell the format of the {what} configuration `{name}` from its name"),
        )
        .help("name it `.toml`, `.yaml`, `.yml`, `.json` or `.env`, or set `format = \"toml\"` (or `yaml`, `json`, `env`) in `[config]`");
        return Err(match side.at {
            Some(at) => d.at(at, "named here"),
            None => d,
        });
    };
    let text = read(side, what)?;
    let flat = flatten::flatten(&text, format).map_err(|f| {
        let plan_words: Vec<String> = config
            .secret_keys
            .iter()
            .filter_map(|p| {
                let last = p.rsplit('.').next().unwrap_or(p);
                let w: String = last.chars().filter(|c| !matches!(c, '*' | '?')).collect();
                (w.len() >= 3).then(|| w.to_lowercase())
            })
            .collect();
        let file = sources.add(SourceFile::new(name.clone(), masked(&text, &plan_words)));
        let start = sources.get(file).map_or(0, |s| s.offset(f.line, f.column));
        let mut d = Diagnostic::error(
            "config-syntax",
            format!(
                "the {what} configuration `{name}:{}:{}` is not valid {}: {}",
                f.line,
                f.column,
                format.name(),
                f.message
            ),
        )
        .at(Span::new(file, start..start + 1), "here");
        if let Some(at) = side.at {
            d = d.also(at, "named here");
        }
        d
    })?;
    if flat.is_empty() {
        // Two files that set nothing have no drift, and would pass: a file without a setting is
        // evidence of nothing (a failed export, a wrong path in the step that writes it).
        let d = Diagnostic::error(
            "config-empty",
            format!("the {what} configuration `{name}` sets nothing to compare"),
        )
        .help("check the step that writes it: it is empty, or holds only comments or empty tables");
        return Err(match side.at {
            Some(at) => d.at(at, "named here"),
            None => d,
        });
    }
    Ok(flat)
}

/// Runs the producer.
pub fn produce(
    config: &Config,
    sources: &mut SourceMap,
) -> Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>> {
    let staging = side(&config.staging, "staging", config, sources);
    let production = side(&config.production, "production", config, sources);
    let (staging, production) = match (staging, production) {
        (Ok(s), Ok(p)) => (s, p),
        (s, p) => {
            return Err([s.err(), p.err()].into_iter().flatten().collect());
        }
    };
    let secret = |key: &str, entries: &[&Entry]| {
        secret_looking(key)
            || named(&config.secret_keys, key)
            || entries
                .iter()
                .any(|e| e.value.strings().iter().any(|s| has_credentials(s)))
    };
    let ignored = |key: &str| named(&config.ignore, key);
    let d = diff::diff(&staging, &production, &secret, &ignored);
    let staging_file = shown(&config.staging.path);
    let production_file = shown(&config.production.path);
    let doc = json!({
        "differences": d.differences.iter().map(|x| json!({
            "key": x.key,
            "staging": x.staging,
            "production": x.production,
            "secret": x.secret,
            "staging_line": x.staging_at.0,
            "production_line": x.production_at.0,
        })).collect::<Vec<_>>(),
        "only_in_staging": d.only_in_staging.iter().map(|(k, _)| k).collect::<Vec<_>>(),
        "only_in_production": d.only_in_production.iter().map(|(k, _)| k).collect::<Vec<_>>(),
        "staging_file": staging_file,
        "production_file": production_file,
        "keys": d.keys,
    });
    let value = crate::facts::json::produced("config", &doc)?;
    let place = |file: &str, (line, column): (usize, usize)| format!("{file}:{line}:{column}");
    let mut inputs: Vec<(String, String)> = Vec::new();
    for (i, x) in d.differences.iter().enumerate() {
        inputs.push((
            format!("/differences/{i}"),
            place(&staging_file, x.staging_at),
        ));
    }
    for (i, (_, at)) in d.only_in_staging.iter().enumerate() {
        inputs.push((format!("/only_in_staging/{i}"), place(&staging_file, *at)));
    }
    for (i, (_, at)) in d.only_in_production.iter().enumerate() {
        inputs.push((
            format!("/only_in_production/{i}"),
            place(&production_file, *at),
        ));
    }
    Ok((
        Namespace {
            value,
            origin: Origin::Producer {
                what: format!("the config producer, `{staging_file}` against `{production_file}`"),
                inputs: std::sync::Arc::new(inputs),
            },
        },
        Vec::new(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_looking_keys() {
        for k in [
            "database.password",
            "DB_PASSWORD",
            "stripe.apiKey",
            "aws.secret_access_key",
            "credentials.aws.id",
            "auth.token",
            "sentry.dsn",
            "jwt.key",
            "github-token",
        ] {
            assert!(secret_looking(k), "{k}");
        }
        for k in [
            "database.url",
            "author",
            "tokenizer.model",
            "keyspace",
            "port",
        ] {
            assert!(!secret_looking(k), "{k}");
        }
    }

    #[test]
    fn globs_match_keys_and_tables() {
        let p = vec!["*.password".to_string(), "vault".to_string()];
        assert!(named(&p, "db.primary.password"));
        assert!(named(&p, "vault.role"));
        assert!(!named(&p, "vaults.role"));
        assert!(glob("build.*", "build.sha"));
        assert!(!glob("build.*", "builder"));
        assert!(glob("a?c", "ABC"));
    }

    #[test]
    fn credentials_in_urls() {
        assert!(has_credentials("postgres://app:hunter2@db:5432/app"));
        assert!(!has_credentials("postgres://db:5432/app"));
        assert!(!has_credentials("https://user@host/path"));
        assert!(!has_credentials("https://host/a:b@c"));
    }

    #[test]
    fn masking_keeps_columns() {
        let m = masked(
            "name = \"app\"\npassword = \"hunter2\"\nurl = \"pg://a:b@h\"\n",
            &[],
        );
        assert_eq!(
            m,
            "name = \"app\"\npassword = *********\nurl = ************\n"
        );
    }
}

//! Clarifications: an organisation's file that fixes the license of a package whose metadata
//! is wrong or missing, with the reason legal gave, pinned by the sha256 of the package's
//! license files so the clarification lapses when those files change.
//!
//! ```toml
//! [[clarify]]
//! name = "ring"
//! version = "0.17"                 # optional: a semver requirement
//! expression = "ISC AND MIT AND OpenSSL"
//! reason = "ring's LICENSE combines ISC, MIT and OpenSSL terms (LEGAL-42)"
//! files = [{ path = "LICENSE", sha256 = "76b39f9b…" }]
//! ```

use crate::diag::{Diagnostic, io_reason};
use crate::license::License;
use crate::span::{FileId, Span};
use sha2::{Digest, Sha256};
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// One clarification, validated.
#[derive(Clone, Debug)]
pub struct Clarification {
    pub name: String,
    pub version: Option<semver::VersionReq>,
    pub license: License,
    pub reason: String,
    /// Files relative to the package's directory, with the sha256 (lowercase hex) legal saw.
    pub files: Vec<(String, String)>,
    /// The `[[clarify]]` entry, for diagnostics.
    pub span: Span,
}

/// What applying a clarification to one package gave.
#[derive(Debug)]
pub enum Outcome<'c> {
    /// No clarification names the package.
    None,
    Applies(&'c Clarification),
    /// A clarification names the package, but a pinned file changed or is missing.
    Lapsed(&'c Clarification, String),
}

/// Reads a clarifications file (`text`, registered as `file`); every problem is reported.
pub fn parse(text: &str, file: FileId) -> Result<Vec<Clarification>, Vec<Diagnostic>> {
    let span = |r: std::ops::Range<usize>| Span::new(file, r);
    let table = DeTable::parse(text).map_err(|e| {
        vec![
            Diagnostic::error(
                "clarification",
                format!(
                    "the clarifications are not valid TOML: {}",
                    e.message().trim()
                ),
            )
            .at(span(e.span().unwrap_or(0..1)), "here"),
        ]
    })?;
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for (key, value) in table.get_ref() {
        if key.get_ref() != "clarify" {
            diags.push(
                Diagnostic::error(
                    "clarification",
                    format!("unknown key `{}` in the clarifications", key.get_ref()),
                )
                .at(span(key.span()), "not `clarify`")
                .help("each clarification is a `[[clarify]]` table"),
            );
            continue;
        }
        let DeValue::Array(items) = value.get_ref() else {
            diags.push(
                Diagnostic::error(
                    "clarification",
                    "`clarify` must be a list of tables: `[[clarify]]`",
                )
                .at(span(value.span()), "here"),
            );
            continue;
        };
        for item in items {
            match entry(item.get_ref(), span(item.span()), &span) {
                Ok(c) => out.push(c),
                Err(mut d) => diags.append(&mut d),
            }
        }
    }
    for (i, a) in out.iter().enumerate() {
        if let Some(b) = out[..i]
            .iter()
            .find(|b| b.name == a.name && b.version.is_none() && a.version.is_none())
        {
            diags.push(
                Diagnostic::error("clarification", format!("`{}` is clarified twice", a.name))
                    .at(a.span, "again here")
                    .also(b.span, "first here"),
            );
        }
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

fn entry(
    v: &DeValue,
    at: Span,
    span: &dyn Fn(std::ops::Range<usize>) -> Span,
) -> Result<Clarification, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let Some(t) = v.as_table() else {
        return Err(vec![
            Diagnostic::error("clarification", "a clarification must be a table").at(at, "here"),
        ]);
    };
    let mut name = None;
    let mut version = None;
    let mut license = None;
    let mut reason = None;
    let mut files = Vec::new();
    for (k, val) in t {
        let key = k.get_ref().as_ref();
        let vspan = span(val.span());
        let text = || val.get_ref().as_str().map(str::to_string);
        let want_string = |diags: &mut Vec<Diagnostic>| {
            diags.push(
                Diagnostic::error(
                    "clarification",
                    format!("`{key}` must be a string, not {}", val.get_ref().type_str()),
                )
                .at(vspan, "here"),
            );
        };
        match key {
            "name" => match text() {
                Some(s) => name = Some(s),
                None => want_string(&mut diags),
            },
            "reason" => match text() {
                Some(s) if !s.trim().is_empty() => reason = Some(s),
                Some(_) => diags.push(
                    Diagnostic::error("clarification", "`reason` is empty")
                        .at(vspan, "say why legal concluded this license"),
                ),
                None => want_string(&mut diags),
            },
            "version" => match text() {
                Some(s) => match semver::VersionReq::parse(&s) {
                    Ok(r) => version = Some(r),
                    Err(e) => diags.push(
                        Diagnostic::error(
                            "clarification",
                            format!("`{s}` is not a semver version requirement: {e}"),
                        )
                        .at(vspan, "here"),
                    ),
                },
                None => want_string(&mut diags),
            },
            "expression" => match text() {
                Some(s) => match License::parse(&s) {
                    Ok(l) => license = Some(l),
                    Err(e) => diags.push(
                        Diagnostic::error(
                            "clarification",
                            format!("`{s}` is not an SPDX expression: {}", e.message),
                        )
                        .at(vspan, "here")
                        .help("a clarification states the license exactly, in strict SPDX"),
                    ),
                },
                None => want_string(&mut diags),
            },
            "files" => match val.get_ref() {
                DeValue::Array(list) => {
                    for f in list {
                        match pinned(f.get_ref(), span(f.span()), span) {
                            Ok(p) => files.push(p),
                            Err(d) => diags.push(d),
                        }
                    }
                }
                other => diags.push(
                    Diagnostic::error(
                        "clarification",
                        format!(
                            "`files` must be a list like `[{{ path = \"LICENSE\", sha256 = \"…\" }}]`, not {}",
                            other.type_str()
                        ),
                    )
                    .at(vspan, "here"),
                ),
            },
            other => diags.push(
                Diagnostic::error("clarification", format!("unknown key `{other}` in a clarification"))
                    .at(span(k.span()), "unknown")
                    .help(
                        crate::diag::suggestion(
                            other,
                            ["name", "version", "expression", "reason", "files"],
                        )
                        .unwrap_or_else(|| {
                            "the keys are `name`, `version`, `expression`, `reason` and `files`"
                                .to_string()
                        }),
                    ),
            ),
        }
    }
    for (missing, have) in [
        ("name", name.is_some()),
        ("expression", license.is_some()),
        ("reason", reason.is_some()),
    ] {
        if !have
            && !diags
                .iter()
                .any(|d| d.message.contains(&format!("`{missing}`")))
        {
            diags.push(
                Diagnostic::error(
                    "clarification",
                    format!("a clarification needs `{missing}`"),
                )
                .at(at, "in this clarification"),
            );
        }
    }
    match (name, license, reason) {
        (Some(name), Some(license), Some(reason)) if diags.is_empty() => Ok(Clarification {
            name,
            version,
            license,
            reason,
            files,
            span: at,
        }),
        _ => Err(diags),
    }
}

fn pinned(
    v: &DeValue,
    at: Span,
    span: &dyn Fn(std::ops::Range<usize>) -> Span,
) -> Result<(String, String), Diagnostic> {
    let bad = || {
        Diagnostic::error(
            "clarification",
            "each pinned file is `{ path = \"LICENSE\", sha256 = \"<64 hex digits>\" }`",
        )
        .at(at, "here")
    };
    let t = v.as_table().ok_or_else(bad)?;
    let get = |k: &str| {
        t.iter()
            .find(|(key, _)| key.get_ref() == k)
            .map(|(_, v)| (v.get_ref().as_str().map(str::to_string), span(v.span())))
    };
    let (Some((Some(path), _)), Some((Some(hash), hspan))) = (get("path"), get("sha256")) else {
        return Err(bad());
    };
    let hash = hash.to_ascii_lowercase();
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Diagnostic::error(
            "clarification",
            format!("`{hash}` is not a sha256: 64 hexadecimal digits"),
        )
        .at(hspan, "here")
        .help("compute it with `sha256sum LICENSE`"));
    }
    Ok((path, hash))
}

/// The sha256 of a file, lowercase hex.
pub fn sha256_file(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| io_reason(&e))?;
    Ok(hex(&Sha256::digest(&bytes)))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Which clarification applies to a package (`dir` is where its pinned files are).
pub fn apply<'c>(
    clarifications: &'c [Clarification],
    name: &str,
    version: &str,
    dir: Option<&Path>,
) -> Outcome<'c> {
    let parsed = semver::Version::parse(version).ok();
    let Some(c) = clarifications.iter().find(|c| {
        c.name == name
            && match (&c.version, &parsed) {
                (None, _) => true,
                (Some(req), Some(v)) => req.matches(v),
                (Some(_), None) => false,
            }
    }) else {
        return Outcome::None;
    };
    for (file, want) in &c.files {
        let Some(dir) = dir else {
            return Outcome::Lapsed(
                c,
                format!("`{file}` cannot be checked: the package has no directory on disk"),
            );
        };
        match sha256_file(&dir.join(file)) {
            Ok(got) if &got == want => {}
            Ok(got) => {
                return Outcome::Lapsed(
                    c,
                    format!(
                        "`{file}` changed: its sha256 is now {got}, the clarification pins {want}"
                    ),
                );
            }
            Err(why) => {
                return Outcome::Lapsed(c, format!("`{file}` cannot be read: {why}"));
            }
        }
    }
    Outcome::Applies(c)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;

    const RING: &str = r#"
[[clarify]]
name = "ring"
version = ">=0.16"
expression = "ISC AND MIT AND OpenSSL"
reason = "ring's LICENSE combines ISC, MIT and OpenSSL terms"
files = [{ path = "LICENSE", sha256 = "a2b1f1b0e3ee3a2f41d1ed2d24e7a8e0c15e0f3b1c8f0b1d8a6b3c1e2d4f5a6b" }]
"#;

    #[test]
    fn a_clarification_reads() {
        let c = parse(RING, FileId(0)).unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].license.canonical(), "ISC AND MIT AND OpenSSL");
        assert_eq!(c[0].files[0].0, "LICENSE");
    }

    #[test]
    fn it_applies_while_the_file_is_unchanged_and_lapses_after() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("LICENSE"), "ISC, MIT and OpenSSL text").unwrap();
        let sum = sha256_file(&dir.path().join("LICENSE")).unwrap();
        let text = RING.replace(
            "a2b1f1b0e3ee3a2f41d1ed2d24e7a8e0c15e0f3b1c8f0b1d8a6b3c1e2d4f5a6b",
            &sum,
        );
        let c = parse(&text, FileId(0)).unwrap();
        assert!(matches!(
            apply(&c, "ring", "0.17.8", Some(dir.path())),
            Outcome::Applies(_)
        ));
        assert!(matches!(
            apply(&c, "ring", "0.15.0", Some(dir.path())),
            Outcome::None
        ));
        assert!(matches!(
            apply(&c, "rings", "0.17.8", Some(dir.path())),
            Outcome::None
        ));
        std::fs::write(dir.path().join("LICENSE"), "changed").unwrap();
        match apply(&c, "ring", "0.17.8", Some(dir.path())) {
            Outcome::Lapsed(_, why) => assert!(why.contains("changed"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_problem_is_reported() {
        let text = "[[clarify]]\nname = \"x\"\nexpression = \"MIT/Apache\"\nreasn = \"typo\"\nfiles = [{ path = \"L\", sha256 = \"abc\" }]\n";
        let diags = parse(text, FileId(0)).unwrap_err();
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("not an SPDX expression")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("unknown key `reasn`")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("not a sha256")),
            "{messages:?}"
        );
        assert!(
            diags
                .iter()
                .any(|d| d.help.as_deref() == Some("did you mean `reason`?"))
        );
    }
}

//! The small readers every plan section shares: each reads one value and reports a located,
//! lowercase `plan-*` diagnostic.

use crate::diag::{Diagnostic, suggestion};
use crate::span::Span;
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::str::FromStr;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Resolves a path against the plan's folder.
pub(crate) type Join<'a> = &'a dyn Fn(&str) -> PathBuf;
/// Maps a byte range of the plan to a span.
pub(crate) type SpanOf<'a> = &'a dyn Fn(std::ops::Range<usize>) -> Span;

/// The section's table, or a `plan-type` error.
pub(crate) fn table<'a, 'i>(
    value: &'a DeValue<'i>,
    name: &str,
    at: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'a DeTable<'i>> {
    let t = value.as_table();
    if t.is_none() {
        diags.push(
            Diagnostic::error("plan-type", format!("`{name}` must be a table: `[{name}]`"))
                .at(at, "here"),
        );
    }
    t
}

/// `plan-type`: "`{name}` must be {want}, not {type}". Here and below, `name` is the value as
/// messages show it (`data.paths`, `step.env.PATH`), and wording that differs between sections
/// is a parameter, so each keeps its messages. Returned, so a caller can add help.
pub(crate) fn type_error(name: &str, want: &str, value: &DeValue, at: Span) -> Diagnostic {
    Diagnostic::error(
        "plan-type",
        format!("`{name}` must be {want}, not {}", value.type_str()),
    )
    .at(at, "here")
}

/// A string, empty or not, or a `plan-type` error.
pub(crate) fn text<'v>(
    value: &'v DeValue,
    name: &str,
    vspan: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'v str> {
    let s = value.as_str();
    if s.is_none() {
        diags.push(type_error(name, "a string", value, vspan));
    }
    s
}

/// A string that is not blank: a `plan-type` error for another type, `plan-value` for a blank one.
pub(crate) fn string(
    value: &DeValue,
    name: &str,
    vspan: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let s = text(value, name, vspan, diags)?;
    if s.trim().is_empty() {
        diags.push(Diagnostic::error("plan-value", format!("`{name}` is empty")).at(vspan, "here"));
        return None;
    }
    Some(s.to_string())
}

/// A list of strings, each with its span. A non-string item is a `plan-type` error ("`{name}`
/// lists {items}") and is left out; a value that is not a list is one ("must be {whole}").
pub(crate) fn list(
    value: &Spanned<DeValue>,
    name: &str,
    items: &str,
    whole: &str,
    span: SpanOf,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, Span)> {
    let DeValue::Array(list) = value.get_ref() else {
        diags.push(type_error(name, whole, value.get_ref(), span(value.span())));
        return Vec::new();
    };
    list.iter()
        .filter_map(|i| {
            let at = span(i.span());
            match i.get_ref().as_str() {
                Some(s) => Some((s.to_string(), at)),
                None => {
                    let message = format!("`{name}` lists {items}");
                    diags.push(Diagnostic::error("plan-type", message).at(at, "not a string"));
                    None
                }
            }
        })
        .collect()
}

/// Like `list`, where one string alone stands for a list of one.
pub(crate) fn strings(
    value: &Spanned<DeValue>,
    name: &str,
    items: &str,
    whole: &str,
    span: SpanOf,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, Span)> {
    match value.get_ref() {
        DeValue::String(s) => vec![(s.to_string(), span(value.span()))],
        _ => list(value, name, items, whole, span, diags),
    }
}

/// `true` or `false`, or a `plan-type` error.
pub(crate) fn flag(
    value: &DeValue,
    name: &str,
    vspan: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<bool> {
    match value {
        DeValue::Boolean(b) => Some(*b),
        other => {
            diags.push(type_error(name, "true or false", other, vspan));
            None
        }
    }
}

/// A whole number `fits` accepts: a `plan-type` error ("must be {want}") for another type, a
/// `plan-value` one ("`{name}` is {range}") for a number that does not parse as `T` or fit.
pub(crate) fn whole<T: FromStr>(
    value: &DeValue,
    name: &str,
    want: &str,
    range: &str,
    fits: impl Fn(&T) -> bool,
    vspan: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    let DeValue::Integer(i) = value else {
        diags.push(type_error(name, want, value, vspan));
        return None;
    };
    let n = i.as_str().parse::<T>().ok().filter(|n| fits(n));
    if n.is_none() {
        diags.push(
            Diagnostic::error("plan-value", format!("`{name}` is {range}")).at(vspan, "here"),
        );
    }
    n
}

/// A number, integer or float, as `T`; `None` for another type. The caller words the error: the
/// sections that take one disagree on what a wrong type and an out-of-range number are.
pub(crate) fn number<T: FromStr>(value: &DeValue) -> Option<T> {
    match value {
        DeValue::Float(f) => f.as_str().parse::<T>().ok(),
        DeValue::Integer(i) => i.as_str().parse::<T>().ok(),
        _ => None,
    }
}

/// A duration above zero written with its unit, in nanoseconds, or a `plan-value` error that
/// shows `example`.
pub(crate) fn duration(
    value: &DeValue,
    name: &str,
    example: &str,
    vspan: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Decimal> {
    let ns = value
        .as_str()
        .and_then(crate::value::parse_duration)
        .filter(|ns| *ns > Decimal::ZERO);
    if ns.is_none() {
        diags.push(
            Diagnostic::error(
                "plan-value",
                format!("`{name}` is a duration with its unit, e.g. `\"{example}\"`"),
            )
            .at(vspan, "here"),
        );
    }
    ns
}

/// A did-you-mean for `word` among `names`, or else all of them: "the {what} are a, b, c".
pub(crate) fn suggest(word: &str, names: &[&str], what: &str) -> String {
    suggestion(word, names.iter().copied())
        .unwrap_or_else(|| format!("the {what} are {}", names.join(", ")))
}

/// `plan-unknown-key` for `{owner}.{key}`; `help` says what was meant or which keys there are.
pub(crate) fn unknown(owner: &str, key: &str, kspan: Span, help: String) -> Diagnostic {
    Diagnostic::error("plan-unknown-key", format!("unknown key `{owner}.{key}`"))
        .at(kspan, "unknown")
        .help(help)
}

/// An unknown key of `[section]`, with a did-you-mean or the section's keys.
pub(crate) fn unknown_key(
    section: &str,
    key: &str,
    keys: &[&str],
    kspan: Span,
    diags: &mut Vec<Diagnostic>,
) {
    let help = suggest(key, keys, &format!("keys of `[{section}]`"));
    diags.push(unknown(section, key, kspan, help));
}

/// A path relative to the plan's folder (`.` rather than an empty path for that folder).
pub(crate) fn path(join: Join, rel: &str) -> PathBuf {
    let p = join(rel);
    if p.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        p
    }
}

/// The plan's folder.
pub(crate) fn plan_dir(join: Join) -> PathBuf {
    path(join, ".")
}

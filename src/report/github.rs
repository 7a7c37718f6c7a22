//! GitHub Actions workflow commands: one annotation per finding (`::error file=…,line=…,col=…,
//! title=…::message`; block → `error`, warn → `warning`, info → `notice`), at the evidence when
//! the witness was located there, else at the rule in the policy; gate's own errors as `error`s.
//! Printed to a step's standard output, the runner turns them into annotations.
//!
//! GitHub shows at most 10 error, 10 warning and 10 notice annotations per step, and 50 per job
//! (actions/toolkit, `docs/problem-matchers.md`, "Limitations"); the rest would vanish
//! silently. So each kind is capped at [`PER_KIND`], and what did not fit is counted in one
//! closing warning, which takes one of the warning places so that it is always shown.
//! Waived findings are not annotated: they do not stop the release.

use super::Report;
use super::ci::{self, Place};
use crate::eval::FindingKind;
use crate::policy::ast::Level;
use std::fmt::Write as _;

/// Annotations of one kind GitHub shows per step.
pub const PER_KIND: usize = 10;

/// Escapes a command's message, as `@actions/core`'s `escapeData`: `%`, CR, LF.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a command's property value, as `@actions/core`'s `escapeProperty`: `%`, CR, LF,
/// `:` and `,`.
pub fn escape_property(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Error,
    Warning,
    Notice,
}

impl Kind {
    fn command(self) -> &'static str {
        match self {
            Kind::Error => "error",
            Kind::Warning => "warning",
            Kind::Notice => "notice",
        }
    }
}

struct Annotation {
    kind: Kind,
    place: Option<Place>,
    title: String,
    message: String,
}

fn line(a: &Annotation) -> String {
    let mut props: Vec<String> = Vec::new();
    if let Some(p) = &a.place {
        props.push(format!("file={}", escape_property(&p.file)));
        if p.line > 0 {
            props.push(format!("line={}", p.line));
            if p.column > 0 {
                props.push(format!("col={}", p.column));
            }
        }
    }
    props.push(format!("title={}", escape_property(&a.title)));
    format!(
        "::{} {}::{}\n",
        a.kind.command(),
        props.join(","),
        escape_data(&a.message)
    )
}

/// The workflow commands of a report, capped at `per_kind` annotations of each kind (use
/// [`PER_KIND`]).
pub fn render(report: &Report, per_kind: usize) -> String {
    let mut all: Vec<Annotation> = Vec::new();
    for p in &report.errors {
        let mut message = p.message.clone();
        if let Some(h) = &p.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        all.push(Annotation {
            kind: Kind::Error,
            place: p.location.as_ref().map(|l| Place {
                file: l.file.clone(),
                line: l.line,
                column: l.column,
            }),
            title: format!("gate error [{}]", p.code),
            message,
        });
    }
    let open = |level: Level| {
        report
            .findings
            .iter()
            .filter(move |f| !f.waived && f.level == level)
    };
    for (level, kind) in [
        (Level::Block, Kind::Error),
        (Level::Warn, Kind::Warning),
        (Level::Info, Kind::Notice),
    ] {
        for f in open(level) {
            let what = match f.kind {
                FindingKind::Rule => f.rule.clone(),
                _ => format!("{} (waiver)", f.rule),
            };
            let mut message = f.message.clone();
            let place = ci::place(f);
            if place != ci::policy_place(f) {
                message.push_str(&format!("\nrule `{}` at {}", f.rule, f.location));
            }
            all.push(Annotation {
                kind,
                place: Some(place),
                title: format!("gate {}: {what}", level.name()),
                message,
            });
        }
    }
    for p in &report.warnings {
        all.push(Annotation {
            kind: Kind::Warning,
            place: p.location.as_ref().map(|l| Place {
                file: l.file.clone(),
                line: l.line,
                column: l.column,
            }),
            title: format!("gate warning [{}]", p.code),
            message: p.message.clone(),
        });
    }

    let count = |k: Kind| all.iter().filter(|a| a.kind == k).count();
    let overflow_without_note: usize = [Kind::Error, Kind::Warning, Kind::Notice]
        .iter()
        .map(|k| count(*k).saturating_sub(per_kind))
        .sum();
    // The closing note is itself a warning: it takes the last warning place when one is needed.
    let warning_cap = if overflow_without_note > 0 {
        per_kind.saturating_sub(1)
    } else {
        per_kind
    };
    let cap = |k: Kind| match k {
        Kind::Warning => warning_cap,
        _ => per_kind,
    };
    let mut used = [0usize; 3];
    let mut left_out = [0usize; 3];
    let mut out = String::new();
    for a in &all {
        let i = a.kind as usize;
        if used[i] < cap(a.kind) {
            used[i] += 1;
            out.push_str(&line(a));
        } else {
            left_out[i] += 1;
        }
    }
    let hidden: usize = left_out.iter().sum();
    if hidden > 0 {
        let mut parts = Vec::new();
        for (n, what) in [
            (left_out[0], "error"),
            (left_out[1], "warning"),
            (left_out[2], "notice"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}{}", if n == 1 { "" } else { "s" }));
            }
        }
        let mut note = String::new();
        let _ = write!(
            note,
            "{hidden} more finding{} not shown as annotations ({}): GitHub shows at most {per_kind} of each kind per step. See the full report or the step summary.",
            if hidden == 1 { "" } else { "s" },
            parts.join(", ")
        );
        out.push_str(&line(&Annotation {
            kind: Kind::Warning,
            place: None,
            title: "gate".into(),
            message: note,
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_actions_toolkit_does() {
        let nasty = "100% a:b,c\r\nd";
        assert_eq!(escape_data(nasty), "100%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property(nasty), "100%25 a%3Ab%2Cc%0D%0Ad");
        // `%` first: an escape sequence in the input is not mistaken for one of ours.
        assert_eq!(escape_property("%3A"), "%253A");
    }
}

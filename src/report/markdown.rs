//! A Markdown summary for a pull request comment or `$GITHUB_STEP_SUMMARY`: the verdict, then
//! tables of blocking findings, warnings, notes, waived findings and errors, witnesses folded
//! in `<details>`. It never grows past a byte limit (GitHub takes at most 1 MiB per step
//! summary): rows stop short of it and a note says how many findings were left out.

use super::ci::{self, Place};
use super::plural;
use super::{FindingOut, Report};
use crate::eval::{FindingKind, Verdict};
use crate::policy::ast::Level;
use std::fmt::Write as _;

/// GitHub's limit for one step's summary: 1 MiB.
pub const STEP_SUMMARY_LIMIT: usize = 1 << 20;

/// Room kept for the closing note and summary line.
const RESERVE: usize = 1024;

/// Escapes text for a table cell: HTML markup, Markdown emphasis, links and code, pipes and
/// line breaks (a cell is one line).
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("&#124;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A path or place in a code span; backticks in it (rare in paths) become quotes.
fn code(s: &str) -> String {
    // In a table a pipe must be escaped even inside a code span (GFM).
    let mut clean = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '`' => clean.push('\''),
            '|' => clean.push_str("\\|"),
            c if c.is_control() => clean.push(' '),
            c => clean.push(c),
        }
    }
    format!("`{clean}`")
}

fn place(p: &Place) -> String {
    if p.line > 0 {
        code(&format!("{}:{}:{}", p.file, p.line, p.column))
    } else {
        code(&p.file)
    }
}

fn witnesses(f: &FindingOut) -> String {
    if f.witness.is_empty() {
        return String::new();
    }
    let mut items = String::new();
    for w in &f.witness {
        let at = match &w.evidence {
            Some(e) => match (e.line, e.column) {
                (Some(l), Some(c)) => format!(" at {}", code(&format!("{}:{l}:{c}", e.source))),
                _ => format!(" in {} {}", code(&e.source), code(&e.pointer)),
            },
            None => String::new(),
        };
        let _ = write!(
            items,
            "<li>{} = {}{at}</li>",
            cell(&w.name),
            cell(&ci::shorten(&w.display, 300))
        );
    }
    for n in &f.notes {
        let _ = write!(items, "<li>note: {}</li>", cell(n));
    }
    format!(
        "<details><summary>{}</summary><ul>{items}</ul></details>",
        cell(&ci::witness_label(f, 40))
    )
}

fn row(f: &FindingOut) -> String {
    let rule = match f.kind {
        FindingKind::Rule => code(&f.rule),
        _ => format!("{} (waiver)", code(&f.rule)),
    };
    let mut message = cell(&f.message);
    if let Some(w) = &f.waiver {
        let _ = write!(
            message,
            "<br>waived by {} until {}: {}",
            cell(&w.by),
            cell(&w.until),
            cell(&w.because)
        );
    }
    let policy = ci::policy_place(f);
    let evidence = ci::place(f);
    let whereabouts = if evidence == policy {
        place(&policy)
    } else {
        format!("{}<br>rule: {}", place(&evidence), place(&policy))
    };
    format!(
        "| {rule} | {message} | {whereabouts} | {} |\n",
        witnesses(f)
    )
}

const HEADER: &str = "| Rule | Finding | Where | Witness |\n|---|---|---|---|\n";

/// The summary of a report, at most `limit` bytes (use [`STEP_SUMMARY_LIMIT`]).
pub fn render(report: &Report, limit: usize) -> String {
    let mut out = String::new();
    let verdict = match report.verdict {
        Verdict::Go => "**GO**",
        Verdict::NoGo => "**NO-GO**",
        Verdict::Error => "**ERROR**",
    };
    let mut title = ci::policy_name(report);
    if let Some(v) = report.policy.as_ref().and_then(|p| p.version.as_ref()) {
        title = format!("{title} {v}");
    }
    let _ = writeln!(out, "## gate: {verdict} — {}\n", cell(&title));
    let s = &report.summary;
    let reason = match report.verdict {
        Verdict::Go => "No blocking findings.".to_string(),
        Verdict::NoGo => format!(
            "{} stop{} the release.",
            plural(s.block, "blocking finding", "blocking findings"),
            if s.block == 1 { "s" } else { "" }
        ),
        Verdict::Error => format!(
            "{}: the release stops until {} fixed.",
            plural(s.errors, "error", "errors"),
            if s.errors == 1 { "it is" } else { "they are" }
        ),
    };
    let _ = writeln!(out, "{reason}\n");
    let _ = write!(
        out,
        "{} · {} blocking · {} · {} · {} waived · {}",
        plural(s.rules, "rule", "rules"),
        s.block,
        plural(s.warn, "warning", "warnings"),
        plural(s.info, "note", "notes"),
        s.waived,
        plural(s.errors, "error", "errors"),
    );
    if let Some(c) = &report.clock {
        let _ = write!(out, " · decided at {} ({})", cell(&c.now), cell(&c.zone));
    }
    out.push_str("\n\n");

    let open = |level: Level| move |f: &&FindingOut| !f.waived && f.level == level;
    let sections: Vec<(&str, Vec<&FindingOut>)> = vec![
        (
            "Blocking",
            report.findings.iter().filter(open(Level::Block)).collect(),
        ),
        (
            "Warnings",
            report.findings.iter().filter(open(Level::Warn)).collect(),
        ),
        (
            "Notes",
            report.findings.iter().filter(open(Level::Info)).collect(),
        ),
        (
            "Waived",
            report.findings.iter().filter(|f| f.waived).collect(),
        ),
    ];
    let total = report.findings.len() + report.errors.len();
    let mut shown = 0usize;
    let mut full = false;
    for (heading, items) in &sections {
        if items.is_empty() || full {
            continue;
        }
        let head = format!("### {heading} ({})\n\n{HEADER}", items.len());
        if out.len() + head.len() + RESERVE > limit {
            full = true;
            break;
        }
        out.push_str(&head);
        for f in items {
            let r = row(f);
            if out.len() + r.len() + RESERVE > limit {
                full = true;
                break;
            }
            out.push_str(&r);
            shown += 1;
        }
        out.push('\n');
    }
    if !report.errors.is_empty() && !full {
        let head = format!(
            "### Errors ({})\n\n| Code | Error | Where |\n|---|---|---|\n",
            report.errors.len()
        );
        if out.len() + head.len() + RESERVE > limit {
            full = true;
        } else {
            out.push_str(&head);
            for p in &report.errors {
                let mut message = cell(&p.message);
                if let Some(h) = &p.help {
                    let _ = write!(message, "<br>help: {}", cell(h));
                }
                let at = p
                    .location
                    .as_ref()
                    .map(|l| code(&l.to_string()))
                    .unwrap_or_default();
                let r = format!("| {} | {message} | {at} |\n", code(&p.code));
                if out.len() + r.len() + RESERVE > limit {
                    full = true;
                    break;
                }
                out.push_str(&r);
                shown += 1;
            }
            out.push('\n');
        }
    }
    if full {
        let _ = writeln!(
            out,
            "**… {} more not shown:** this summary stops short of {} KiB; see the full report (`--output json=FILE` or `--output sarif=FILE`).\n",
            plural(total - shown, "finding or error", "findings and errors"),
            limit / 1024
        );
    }
    if !report.warnings.is_empty() && !full {
        let _ = writeln!(
            out,
            "<details><summary>{} from gate</summary>\n",
            plural(report.warnings.len(), "warning", "warnings")
        );
        for w in &report.warnings {
            let line = format!("- {}: {}\n", code(&w.code), cell(&w.message));
            if out.len() + line.len() + RESERVE / 2 > limit {
                break;
            }
            out.push_str(&line);
        }
        out.push_str("\n</details>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_stay_one_line_and_inert() {
        assert_eq!(
            cell("a|b\n<script>*x*"),
            "a&#124;b<br>&lt;script&gt;\\*x\\*"
        );
        assert_eq!(code("a`b|c"), "`a'b\\|c`");
    }
}

//! The report for people: the verdict first and unmistakable, findings grouped by rule with
//! their witnesses and clickable `file:line:col`, waived findings, errors, a one-line summary.

use super::plural;
use super::{FindingOut, Report};
use crate::eval::{FindingKind, Verdict};
use crate::policy::ast::Level;
use std::fmt::Write as _;

/// ANSI styling, applied only when the output is a terminal and `NO_COLOR` is unset.
#[derive(Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(self, t: &str) -> String {
        self.paint("1", t)
    }
    fn dim(self, t: &str) -> String {
        self.paint("2", t)
    }
    fn red(self, t: &str) -> String {
        self.paint("1;31", t)
    }
    fn green(self, t: &str) -> String {
        self.paint("1;32", t)
    }
    fn yellow(self, t: &str) -> String {
        self.paint("1;33", t)
    }
    fn blue(self, t: &str) -> String {
        self.paint("1;34", t)
    }
}

fn level_tag(level: Level, s: Style) -> String {
    match level {
        Level::Block => s.red("✖ block"),
        Level::Warn => s.yellow("▲ warn "),
        Level::Info => s.blue("ℹ info "),
    }
}

/// Renders a report. `diagnostics` is the miette rendering of the errors and warnings, placed
/// between the findings and the summary.
pub fn render(report: &Report, diagnostics: &str, style: Style) -> String {
    let s = style;
    let mut out = String::new();
    let name = report
        .policy
        .as_ref()
        .map(|p| p.name.clone().unwrap_or_else(|| p.file.clone()))
        .unwrap_or_else(|| "policy".into());
    let headline = match report.verdict {
        Verdict::Go => s.green("GO"),
        Verdict::NoGo => s.red("NO-GO"),
        Verdict::Error => s.yellow("ERROR"),
    };
    let reason = match report.verdict {
        Verdict::Go if report.summary.waived > 0 => {
            format!("no blocking findings ({} waived)", report.summary.waived)
        }
        Verdict::Go => "no blocking findings".to_string(),
        Verdict::NoGo => format!(
            "{} stop{} the release",
            plural(
                report.summary.block,
                "blocking finding",
                "blocking findings"
            ),
            if report.summary.block == 1 { "s" } else { "" }
        ),
        Verdict::Error => format!(
            "{} — the release stops until it is fixed",
            plural(report.summary.errors, "error", "errors")
        ),
    };
    let _ = writeln!(out, "{headline}  {}  {}", s.bold(&name), reason);
    if let Some(c) = &report.clock {
        let _ = writeln!(
            out,
            "{}",
            s.dim(&format!("decided at {} ({})", c.now, c.zone))
        );
    }
    if let Some(stage) = &report.stage {
        let rules = if stage.audited.is_empty() {
            "no rule is audited".to_string()
        } else {
            format!("{} only warn", stage.audited.join(", "))
        };
        let _ = writeln!(out, "{}", s.dim(&format!("stage {}: {rules}", stage.name)));
    }

    // Unwaived findings, grouped by rule in report order (rule order in the files).
    let open: Vec<&FindingOut> = report.findings.iter().filter(|f| !f.waived).collect();
    let mut groups: Vec<(String, Level, Vec<&FindingOut>)> = Vec::new();
    for f in &open {
        let key = format!("{}\u{0}{}\u{0}{}", f.rule, f.level.name(), f.audit);
        match groups.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, items)) => items.push(f),
            None => groups.push((key, f.level, vec![f])),
        }
    }
    // Blocking first, then warnings, then notes; stable within a level.
    groups.sort_by_key(|(_, level, _)| std::cmp::Reverse(*level));
    for (_, level, items) in &groups {
        let first = items[0];
        let _ = writeln!(out);
        let title = match first.kind {
            FindingKind::Rule if first.audit => format!(
                "{} (audit mode: would have blocked {})",
                first.rule,
                plural(items.len(), "time", "times")
            ),
            FindingKind::Rule => first.rule.clone(),
            _ => format!("{} (waiver)", first.rule),
        };
        let _ = writeln!(
            out,
            "{}  {}  {}",
            level_tag(*level, s),
            s.bold(&title),
            s.dim(&first.location.to_string())
        );
        if let Some(doc) = &first.doc {
            for line in doc.lines() {
                let _ = writeln!(out, "   {}", s.dim(line));
            }
        }
        for f in items {
            finding(&mut out, f, s);
        }
    }

    let waived: Vec<&FindingOut> = report.findings.iter().filter(|f| f.waived).collect();
    if !waived.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", s.bold(&format!("Waived ({})", waived.len())));
        for f in waived {
            let _ = writeln!(out, "  {} {}: {}", s.dim("○"), s.bold(&f.rule), f.message);
            if let Some(w) = &f.waiver {
                let _ = writeln!(
                    out,
                    "      waived by {} until {}: {}  {}",
                    w.by,
                    w.until,
                    w.because,
                    s.dim(&w.location.to_string())
                );
            }
            witness(&mut out, f, s);
        }
    }

    if !diagnostics.trim().is_empty() {
        let _ = writeln!(out);
        out.push_str(diagnostics.trim_end());
        out.push('\n');
    }

    let sum = &report.summary;
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{} · {} blocking · {} · {} waived · {} → {}",
        plural(sum.rules, "rule", "rules"),
        sum.block,
        plural(sum.warn, "warning", "warnings"),
        sum.waived,
        plural(sum.errors, "error", "errors"),
        headline
    );
    out
}

fn finding(out: &mut String, f: &FindingOut, s: Style) {
    let _ = writeln!(out, "   • {}", f.message);
    for note in &f.notes {
        let _ = writeln!(out, "       {}", s.dim(&format!("note: {note}")));
    }
    witness(out, f, s);
}

fn witness(out: &mut String, f: &FindingOut, s: Style) {
    for w in &f.witness {
        let at = match &w.evidence {
            Some(e) => match (e.line, e.column) {
                (Some(l), Some(c)) => format!("{}:{l}:{c}", e.source),
                _ => format!("{} {}", e.source, e.pointer),
            },
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "       {} {}",
            s.dim(&format!(
                "{} = {}",
                w.name,
                super::ci::shorten(&w.display, 80)
            )),
            s.dim(&at)
        );
    }
}

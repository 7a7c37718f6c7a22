//! JUnit XML, for CI test tabs (GitLab's `artifacts:reports:junit`, Jenkins, Azure, …): one
//! suite for the policy; a test case per rule without findings (passed) and per finding
//! (blocking → `<failure>`, waived → `<skipped>` with the reason, warnings and notes → passed
//! with `<system-out>`); gate's errors as `<error>` test cases.

use super::ci::{self, RuleInfo};
use super::{FindingOut, Report};
use crate::policy::ast::Level;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// Text as XML character data: markup escaped, characters XML 1.0 forbids replaced.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' => out.push(c),
            '\r' => out.push_str("&#13;"),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// Text as an attribute value in double quotes: line breaks kept as character references (also
/// right as character data, where the references read back as the same characters).
pub(crate) fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// XML 1.0's `Char` production.
fn allowed(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Test case names, unique within their class: a repeated name gets ` (2)`, ` (3)`, ….
#[derive(Default)]
struct Names {
    used: HashSet<(String, String)>,
    /// The next number to try for a name.
    next: HashMap<(String, String), usize>,
}

impl Names {
    fn unique(&mut self, class: &str, name: String) -> String {
        let key = (class.to_string(), name);
        let mut n = self.next.get(&key).copied().unwrap_or(1);
        let numbered = |n: usize| {
            if n == 1 {
                key.1.clone()
            } else {
                format!("{} ({n})", key.1)
            }
        };
        let mut candidate = numbered(n);
        while self.used.contains(&(key.0.clone(), candidate.clone())) {
            n += 1;
            candidate = numbered(n);
        }
        self.used.insert((key.0.clone(), candidate.clone()));
        self.next.insert(key, n + 1);
        candidate
    }
}

fn details(f: &FindingOut) -> String {
    let mut d = String::new();
    let _ = writeln!(d, "{}", f.message);
    let _ = writeln!(d, "rule: {} ({}) at {}", f.rule, f.level.name(), f.location);
    for note in &f.notes {
        let _ = writeln!(d, "note: {note}");
    }
    for w in &f.witness {
        let at = match &w.evidence {
            Some(e) => match (e.line, e.column) {
                (Some(l), Some(c)) => format!(" at {}:{l}:{c}", e.source),
                _ => format!(" at {} {}", e.source, e.pointer),
            },
            None => String::new(),
        };
        let _ = writeln!(d, "{} = {}{at}", w.name, w.display);
    }
    d
}

/// The JUnit XML of a report. `rules` are the policy's rules (empty when it did not load).
pub fn render(report: &Report, rules: &[RuleInfo]) -> String {
    let rules = ci::all_rules(report, rules);
    let mut names = Names::default();
    let mut cases = String::new();
    let (mut tests, mut failures, mut errors, mut skipped) = (0usize, 0usize, 0usize, 0usize);
    for rule in &rules {
        let found: Vec<&FindingOut> = report
            .findings
            .iter()
            .filter(|f| f.rule == rule.name)
            .collect();
        let class = attr(&rule.name);
        if found.is_empty() {
            tests += 1;
            let name = names.unique(&rule.name, rule.name.clone());
            let _ = writeln!(
                cases,
                "    <testcase classname=\"{class}\" name=\"{}\" file=\"{}\" line=\"{}\" time=\"0\"/>",
                attr(&name),
                attr(&rule.location.file),
                rule.location.line
            );
            continue;
        }
        for f in found {
            tests += 1;
            let label = ci::witness_label(f, 60);
            let label = if f.kind == crate::eval::FindingKind::Rule {
                label
            } else {
                format!("{label} (waiver)")
            };
            let name = names.unique(&f.rule, label);
            let place = ci::place(f);
            let _ = writeln!(
                cases,
                "    <testcase classname=\"{class}\" name=\"{}\" file=\"{}\" line=\"{}\" time=\"0\">",
                attr(&name),
                attr(&place.file),
                place.line
            );
            match (&f.waiver, f.level) {
                (Some(w), _) => {
                    skipped += 1;
                    let _ = writeln!(
                        cases,
                        "      <skipped message=\"{}\"/>",
                        attr(&format!(
                            "waived by {} until {}: {}",
                            w.by, w.until, w.because
                        ))
                    );
                    let _ = writeln!(
                        cases,
                        "      <system-out>{}</system-out>",
                        text(&details(f))
                    );
                }
                (None, Level::Block) => {
                    failures += 1;
                    let _ = writeln!(
                        cases,
                        "      <failure message=\"{}\" type=\"block\">{}</failure>",
                        attr(&f.message),
                        text(&details(f))
                    );
                }
                (None, level) => {
                    let _ = writeln!(
                        cases,
                        "      <system-out>{}: {}</system-out>",
                        level.name(),
                        text(&details(f))
                    );
                }
            }
            let _ = writeln!(cases, "    </testcase>");
        }
    }
    for p in &report.errors {
        tests += 1;
        errors += 1;
        let name = names.unique("gate", format!("error: {}", p.code));
        let (file, line) = match &p.location {
            Some(l) => (l.file.clone(), l.line),
            None => (String::new(), 0),
        };
        let mut body = p.message.clone();
        if let Some(l) = &p.location {
            body.push_str(&format!("\nat {l}"));
        }
        if let Some(h) = &p.help {
            body.push_str(&format!("\nhelp: {h}"));
        }
        let at = if file.is_empty() {
            String::new()
        } else {
            format!(" file=\"{}\" line=\"{line}\"", attr(&file))
        };
        let _ = writeln!(
            cases,
            "    <testcase classname=\"gate\" name=\"{}\"{at} time=\"0\">\n      <error message=\"{}\" type=\"{}\">{}</error>\n    </testcase>",
            attr(&name),
            attr(&p.message),
            attr(&p.code),
            text(&body)
        );
    }

    let suite = format!("gate: {}", ci::policy_name(report));
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!(
        "tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\""
    );
    let _ = writeln!(out, "<testsuites name=\"gate\" {counts} time=\"0\">");
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" {counts} time=\"0\">",
        attr(&suite)
    );
    out.push_str("    <properties>\n");
    let mut props: Vec<(&str, String)> = vec![
        ("verdict", report.verdict.name().to_string()),
        ("gate", report.gate.clone()),
    ];
    if let Some(p) = &report.policy {
        props.push(("policy", p.file.clone()));
        if let Some(v) = &p.version {
            props.push(("policy.version", v.clone()));
        }
    }
    if let Some(c) = &report.clock {
        props.push(("decided_at", c.now.clone()));
        props.push(("time_zone", c.zone.clone()));
    }
    for (k, v) in props {
        let _ = writeln!(out, "      <property name=\"{k}\" value=\"{}\"/>", attr(&v));
    }
    out.push_str("    </properties>\n");
    out.push_str(&cases);
    if !report.warnings.is_empty() {
        let lines: Vec<String> = report
            .warnings
            .iter()
            .map(|w| match &w.location {
                Some(l) => format!("warning[{}]: {} at {l}", w.code, w.message),
                None => format!("warning[{}]: {}", w.code, w.message),
            })
            .collect();
        let _ = writeln!(
            out,
            "    <system-err>{}</system-err>",
            text(&lines.join("\n"))
        );
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_forbidden_characters() {
        assert_eq!(text("a<b & c>\u{1}"), "a&lt;b &amp; c&gt;\u{FFFD}");
        assert_eq!(attr("\"x\"\n'y'"), "&quot;x&quot;&#10;&apos;y&apos;");
    }

    #[test]
    fn names_are_made_unique_per_class() {
        let mut n = Names::default();
        assert_eq!(n.unique("r", "t".into()), "t");
        assert_eq!(n.unique("r", "t".into()), "t (2)");
        assert_eq!(n.unique("r", "t".into()), "t (3)");
        assert_eq!(n.unique("s", "t".into()), "t");
    }
}

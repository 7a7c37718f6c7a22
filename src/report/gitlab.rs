//! GitLab's code quality report (`artifacts:reports:codequality`): a JSON array of issues, each
//! with `description`, `check_name`, `fingerprint`, `severity` (`info`, `minor`, `major`,
//! `critical`, `blocker`) and `location` {`path`, `lines` {`begin`}} — the subset of the Code
//! Climate spec GitLab reads. Unwaived findings only (block → `blocker`, warn → `major`,
//! info → `info`) and gate's errors (`critical`); the fingerprint is the finding's stable one,
//! so the merge request widget tells new findings from old.

use super::Report;
use super::ci;
use crate::policy::ast::Level;
use serde::Serialize;

/// One code quality issue, serialized straight from the report.
#[derive(Serialize)]
struct Issue {
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    categories: [&'static str; 1],
    location: IssueLocation,
}

#[derive(Serialize)]
struct IssueLocation {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

fn severity(level: Level) -> &'static str {
    match level {
        Level::Block => "blocker",
        Level::Warn => "major",
        Level::Info => "info",
    }
}

/// Paths relative to the repository root, as GitLab wants them: forward slashes, no `./`.
fn path(file: &str) -> String {
    let slashed = file.replace('\\', "/");
    slashed.trim_start_matches("./").to_string()
}

/// The code quality report of a report.
pub fn render(report: &Report) -> String {
    let fingerprints = ci::fingerprints(report);
    let mut issues: Vec<Issue> = Vec::new();
    for (f, fp) in report.findings.iter().zip(&fingerprints) {
        if f.waived {
            continue;
        }
        let place = ci::place(f);
        let mut description = format!("{}: {}", f.rule, f.message);
        if place != ci::policy_place(f) {
            description.push_str(&format!(" (rule at {})", f.location));
        }
        issues.push(Issue {
            kind: "issue",
            description,
            check_name: format!("gate/{}", f.rule),
            fingerprint: fp.clone(),
            severity: severity(f.level),
            categories: ["Compliance"],
            location: IssueLocation {
                path: path(&place.file),
                lines: Lines {
                    begin: place.line.max(1),
                },
            },
        });
    }
    let fallback = report
        .policy
        .as_ref()
        .map(|p| p.file.clone())
        .unwrap_or_else(|| "gate.toml".into());
    let mut seen = std::collections::HashMap::new();
    for p in &report.errors {
        let n = seen
            .entry((p.code.clone(), p.message.clone()))
            .and_modify(|n| *n += 1)
            .or_insert(1usize);
        let identity = if *n > 1 {
            format!("{}\0#{n}", p.message)
        } else {
            p.message.clone()
        };
        let (file, line) = match &p.location {
            Some(l) => (l.file.clone(), l.line),
            None => (fallback.clone(), 1),
        };
        let mut description = format!("gate error [{}]: {}", p.code, p.message);
        if let Some(h) = &p.help {
            description.push_str(&format!(" (help: {h})"));
        }
        issues.push(Issue {
            kind: "issue",
            description,
            check_name: format!("gate/error/{}", p.code),
            fingerprint: ci::error_fingerprint(&p.code, &identity, p.location.as_ref()),
            severity: "critical",
            categories: ["Bug Risk"],
            location: IssueLocation {
                path: path(&file),
                lines: Lines { begin: line.max(1) },
            },
        });
    }
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}

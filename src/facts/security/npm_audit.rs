//! npm audit's JSON report, version 2 (`npm audit --json`, npm 7 and later): one finding per
//! advisory object in a package's `via`, one scan per report.
//!
//! A string in `via` names another vulnerable package this one depends on: that advisory is a
//! finding of that package, so it is not counted twice. An advisory without its own `severity`
//! takes its package's; `moderate` is medium. npm writes a report only once it has the audit
//! endpoint's answer (it writes `{"error": …}` or `{"message": …}` otherwise, which is refused), so
//! a report is a completed scan. It carries no npm version and no time.

use super::severity::{Severity, parse_score};
use super::{Coded, Fields, Finding, Report, Scan, ptr, ptr_i};
use rust_decimal::Decimal;
use serde_json::Value as J;

const SEVERITIES: &str = "info, low, moderate, high and critical";
const HELP: &str =
    "gate reads `npm audit --json` from npm 7 or later (`\"auditReportVersion\": 2`)";

/// Reads an npm audit v2 report.
pub fn read(doc: &J) -> Result<Report, Vec<Coded>> {
    let mut f = Fields::default();
    let mut report = Report::default();
    match doc.get("auditReportVersion") {
        Some(J::Number(n)) if n.as_u64() == Some(2) => {}
        Some(other) => {
            f.format(
                "/auditReportVersion".into(),
                format!("npm audit report version {other} is not read by gate"),
                HELP,
            );
            return f.finish(report);
        }
        None => {
            not_v2(&mut f, doc);
            return f.finish(report);
        }
    }
    let Some(J::Object(vulns)) = doc.get("vulnerabilities") else {
        f.format(
            String::new(),
            "the npm audit report has no `vulnerabilities` object",
            HELP,
        );
        return f.finish(report);
    };
    for (name, entry) in vulns {
        let at = ptr("/vulnerabilities", name);
        if !entry.is_object() {
            f.field(at, "a vulnerable package must be an object");
            continue;
        }
        let own = match f.req_str(entry, &at, "severity") {
            Some(s) => severity(&mut f, &s, &ptr(&at, "severity")),
            None => None,
        };
        let fix = fixed_in(entry.get("fixAvailable"), name);
        let vbase = ptr(&at, "via");
        for (i, via) in f.array(entry, &at, "via").iter().enumerate() {
            let vat = ptr_i(&vbase, i);
            match via {
                J::String(_) => {}
                J::Object(_) => {
                    if let Some(finding) = advisory(&mut f, via, &vat, name, own, fix.clone()) {
                        report.findings.push(finding);
                    }
                }
                other => f.field(
                    vat,
                    format!("`via` holds package names and advisories, not `{other}`"),
                ),
            }
        }
    }
    report.scans.push(Scan {
        at: String::new(),
        tool: "npm audit".into(),
        completed: true,
        findings: report.findings.len(),
        ..Scan::default()
    });
    f.finish(report)
}

/// Says what a document without `auditReportVersion` is instead: npm 6's report, or what npm
/// writes when the audit fails (`{"error": {"summary": …}}`, or `{"message": …}` with the
/// registry's answer).
fn not_v2(f: &mut Fields, doc: &J) {
    let summary = doc
        .get("error")
        .and_then(|e| e.get("summary").or_else(|| e.get("code")))
        .and_then(J::as_str)
        .filter(|s| !s.is_empty());
    let message = doc.get("message").and_then(J::as_str);
    let failed = "a failed audit is evidence of nothing: check the step that runs it and that the registry answers `npm audit`";
    if doc.get("advisories").is_some() {
        f.format(
            String::new(),
            "this is an npm audit version 1 report (npm 6): gate reads version 2",
            "run the audit with npm 7 or later, which writes `\"auditReportVersion\": 2`",
        );
    } else if let Some(summary) = summary {
        f.format(
            "/error".into(),
            format!("npm audit failed instead of auditing: `{summary}`"),
            failed,
        );
    } else if let Some(message) = message {
        f.format(
            "/message".into(),
            format!("npm audit failed instead of auditing: `{message}`"),
            failed,
        );
    } else if doc.get("error").is_some() {
        f.format(
            "/error".into(),
            "npm audit failed instead of auditing",
            failed,
        );
    } else {
        f.format(
            String::new(),
            "this is not an npm audit report: it has no `auditReportVersion`",
            HELP,
        );
    }
}

fn severity(f: &mut Fields, word: &str, at: &str) -> Option<Severity> {
    let s = Severity::from_word(word)
        .filter(|_| matches!(word, "info" | "low" | "moderate" | "high" | "critical"));
    if s.is_none() {
        f.field_help(
            at.to_string(),
            format!("`{word}` is not an npm audit severity"),
            format!("npm's severities are {SEVERITIES}"),
        );
    }
    s
}

/// `fixAvailable`: `{name, version, isSemVerMajor}` says which install fixes it; `true` and
/// `false` name no version.
fn fixed_in(fix: Option<&J>, package: &str) -> Option<String> {
    let fix = fix?;
    let version = fix.get("version")?.as_str()?;
    match fix.get("name").and_then(J::as_str) {
        Some(n) if n != package => Some(format!("{n}@{version}")),
        _ => Some(version.to_string()),
    }
}

fn advisory(
    f: &mut Fields,
    via: &J,
    at: &str,
    package: &str,
    own: Option<Severity>,
    fixed_in: Option<String>,
) -> Option<Finding> {
    let title = f.opt_str(via, at, "title");
    let url = f.opt_str(via, at, "url");
    let sev = match f.opt_str(via, at, "severity") {
        Some(s) => severity(f, &s, &ptr(at, "severity")),
        None => own,
    };
    let ghsa = url
        .as_deref()
        .and_then(|u| u.rsplit('/').next())
        .filter(|id| id.starts_with("GHSA-"))
        .map(String::from);
    let source = match via.get("source") {
        Some(J::Number(n)) => Some(n.to_string()),
        Some(J::String(s)) => Some(s.clone()),
        _ => None,
    };
    let score = via
        .get("cvss")
        .and_then(|c| c.get("score"))
        .and_then(parse_score)
        .filter(|s| *s > Decimal::ZERO);
    let cwe = via
        .get("cwe")
        .and_then(J::as_array)
        .and_then(|a| a.iter().find_map(J::as_str))
        .and_then(super::cwe_of);
    let Some(rule) = ghsa.clone().or(source) else {
        f.field(
            at.to_string(),
            "the advisory has neither a GitHub advisory `url` nor a `source` id",
        );
        return None;
    };
    let affected = via
        .get("name")
        .and_then(J::as_str)
        .unwrap_or(package)
        .to_string();
    let severity = sev?;
    Some(Finding {
        message: title.unwrap_or_else(|| rule.clone()),
        rule,
        score,
        reference: url,
        cwe,
        advisory: ghsa,
        fixed_in: fixed_in.filter(|_| affected == package),
        package: Some(affected),
        ..Finding::new(at, "npm audit", severity)
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    #[test]
    fn advisories_in_via_become_findings() {
        let doc = json!({"auditReportVersion": 2, "vulnerabilities": {
            "lodash": {"name": "lodash", "severity": "critical", "isDirect": true, "via": [
                {"source": 1096305, "name": "lodash", "dependency": "lodash",
                 "title": "Prototype Pollution in lodash", "url": "https://github.com/advisories/GHSA-p6mc-m468-83gw",
                 "severity": "high", "cwe": ["CWE-770", "CWE-1321"], "cvss": {"score": 7.4, "vectorString": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H"},
                 "range": ">=3.7.0 <4.17.19"},
                {"source": 1, "name": "lodash", "title": "No severity", "url": "https://example.com/x", "cvss": {"score": 0}}
            ], "fixAvailable": {"name": "lodash", "version": "4.17.21", "isSemVerMajor": false}},
            "app-helper": {"name": "app-helper", "severity": "moderate", "via": ["lodash"], "fixAvailable": true}
        }, "metadata": {}});
        let r = read(&doc).unwrap();
        assert_eq!(r.findings.len(), 2);
        let a = &r.findings[0];
        assert_eq!(a.rule, "GHSA-p6mc-m468-83gw");
        assert_eq!(a.advisory.as_deref(), Some("GHSA-p6mc-m468-83gw"));
        assert_eq!(
            (a.severity, a.cwe.as_deref()),
            (Severity::High, Some("CWE-770"))
        );
        assert_eq!(a.score.map(|s| s.to_string()).as_deref(), Some("7.4"));
        assert_eq!(a.fixed_in.as_deref(), Some("4.17.21"));
        let b = &r.findings[1];
        assert_eq!(
            (b.rule.as_str(), b.severity, b.score),
            ("1", Severity::Critical, None)
        );
        assert_eq!(r.scans[0].findings, 2);
    }

    #[test]
    fn version_1_and_errors_are_refused() {
        let v1 = json!({"actions": [], "advisories": {}, "metadata": {}});
        let Err(p) = read(&v1) else { panic!("v1") };
        assert!(p[0].1.message.contains("version 1"), "{p:?}");
        let e = json!({"message": "405 Method Not Allowed", "statusCode": 405});
        let Err(p) = read(&e) else { panic!("error") };
        assert!(p[0].1.message.contains("405"), "{p:?}");
        let bad = json!({"auditReportVersion": 2, "vulnerabilities": {"x": {"severity": "severe", "via": []}}});
        let Err(p) = read(&bad) else {
            panic!("severity")
        };
        assert_eq!(
            p[0].1.at,
            crate::facts::results::At::Pointer("/vulnerabilities/x/severity".into())
        );
    }
}

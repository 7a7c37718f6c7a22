//! OWASP ZAP's traditional JSON report (`-J report.json`, the `traditional-json` template): one
//! finding per alert of each site, one scan per report.
//!
//! ZAP writes every number as a string: `riskcode` "0".."3" is info, low, medium, high;
//! `confidence` "0".."4" is false positive, low, medium, high, confirmed — a false positive
//! (confidence 0) is kept, suppressed, with the reason. The report exists only once the scan has
//! finished (ZAP writes it at the end), so its scan is completed — unless it has no site at all:
//! ZAP then reached nothing (a target that was down), and the scan is not completed, with a
//! warning. `@generated` is local time
//! without a zone, so it is not a start time; `created` (ZAP 2.12+, RFC 3339) is.

use super::severity::Severity;
use super::{Coded, Fields, Finding, Report, Scan, cwe_of, ptr, ptr_i};
use crate::facts::results::Problem;
use serde_json::Value as J;

const CONFIDENCE: [&str; 5] = ["false positive", "low", "medium", "high", "confirmed"];

/// Reads a ZAP traditional JSON report.
pub fn read(doc: &J) -> Result<Report, Vec<Coded>> {
    let mut f = Fields::default();
    let mut report = Report::default();
    if !doc.is_object() || doc.get("site").is_none() {
        f.format(
            String::new(),
            "this is not a ZAP JSON report: it has no `site`",
            "gate reads ZAP's traditional JSON report (`zap-baseline.py -J report.json`, or the `traditional-json` report template)",
        );
        return f.finish(report);
    }
    let tool = doc
        .get("@programName")
        .and_then(J::as_str)
        .unwrap_or("ZAP")
        .to_string();
    let version = f.opt_str(doc, "", "@version");
    let started = f.opt_time(doc, "", "created");
    let sites = f.array(doc, "", "site");
    if sites.is_empty() {
        report.warnings.push((
            "security-nothing-scanned",
            Problem::at_pointer(
                "/site",
                "the ZAP report has no site: ZAP reached nothing to scan, so the scan counts as not completed",
            )
            .help("check that the target was up when ZAP ran"),
        ));
    }
    for (si, site) in sites.iter().enumerate() {
        let sat = ptr_i("/site", si);
        let abase = ptr(&sat, "alerts");
        for (ai, alert) in f.array(site, &sat, "alerts").iter().enumerate() {
            let at = ptr_i(&abase, ai);
            if let Some(finding) = read_alert(&mut f, alert, &at, &tool) {
                report.findings.push(finding);
            }
        }
    }
    report.scans.push(Scan {
        at: String::new(),
        tool,
        version,
        started,
        completed: !sites.is_empty(),
        findings: report.findings.len(),
    });
    f.finish(report)
}

/// A small number ZAP writes as a string ("3"); numbers are taken too.
fn code(f: &mut Fields, obj: &J, at: &str, key: &str, max: u64) -> Option<u64> {
    let v = obj.get(key);
    let n = match v {
        Some(J::String(s)) => s.trim().parse::<u64>().ok(),
        Some(J::Number(n)) => n.as_u64(),
        None | Some(J::Null) => {
            f.field(at.to_string(), format!("the alert has no `{key}`"));
            return None;
        }
        _ => None,
    };
    match n {
        Some(n) if n <= max => Some(n),
        _ => {
            let shown = v.map(J::to_string).unwrap_or_default();
            f.field_help(
                ptr(at, key),
                format!("`{key}` must be a number from 0 to {max}, not {shown}"),
                format!("ZAP writes `{key}` as a string: \"0\" to \"{max}\""),
            );
            None
        }
    }
}

fn read_alert(f: &mut Fields, alert: &J, at: &str, tool: &str) -> Option<Finding> {
    if !alert.is_object() {
        f.field(at.to_string(), "an alert must be an object");
        return None;
    }
    let risk = code(f, alert, at, "riskcode", 3);
    let confidence = match alert.get("confidence") {
        None | Some(J::Null) => None,
        Some(_) => code(f, alert, at, "confidence", 4),
    };
    let name = f
        .opt_str(alert, at, "alert")
        .or_else(|| f.opt_str(alert, at, "name"));
    if name.is_none() {
        f.field(at.to_string(), "the alert has neither `alert` nor `name`");
    }
    let plugin = match alert.get("pluginid") {
        Some(J::String(s)) => Some(s.clone()),
        Some(J::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let cwe = match alert.get("cweid") {
        Some(J::String(s)) if !matches!(s.trim(), "" | "-1" | "0") => cwe_of(s),
        Some(J::Number(n)) if n.as_i64().is_some_and(|n| n > 0) => cwe_of(&n.to_string()),
        _ => None,
    };
    let ibase = ptr(at, "instances");
    let instances = f.array(alert, at, "instances");
    let url = instances
        .first()
        .and_then(|i| f.opt_str(i, &ptr_i(&ibase, 0), "uri"));
    let (risk, name) = (risk?, name?);
    let severity = match risk {
        0 => Severity::Info,
        1 => Severity::Low,
        2 => Severity::Medium,
        _ => Severity::High,
    };
    let false_positive = confidence == Some(0);
    Some(Finding {
        rule: plugin.clone().unwrap_or_else(|| name.clone()),
        rule_name: plugin.is_some().then(|| name.clone()),
        message: name,
        suppressed: false_positive,
        justification: false_positive.then(|| "ZAP confidence 0: false positive".to_string()),
        url,
        cwe,
        confidence: confidence
            .and_then(|c| usize::try_from(c).ok())
            .and_then(|c| CONFIDENCE.get(c))
            .map(|c| (*c).to_string()),
        instances: Some(instances.len() as u64),
        ..Finding::new(at, tool, severity)
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    #[test]
    fn alerts_become_findings() {
        let doc = json!({
            "@programName": "ZAP", "@version": "2.15.0",
            "@generated": "Tue, 3 Dec 2024 10:00:00", "created": "2024-12-03T10:00:00.5Z",
            "site": [{"@name": "http://localhost:8080", "alerts": [
                {"pluginid": "40018", "alert": "SQL Injection", "riskcode": "3", "confidence": "2",
                 "cweid": "89", "instances": [{"uri": "http://localhost:8080/q?id=1", "method": "GET"}, {"uri": "http://localhost:8080/r"}]},
                {"pluginid": "10021", "name": "X-Content-Type-Options Header Missing", "riskcode": "1",
                 "confidence": "0", "cweid": "-1", "instances": []},
            ]}]
        });
        let r = read(&doc).unwrap();
        assert_eq!(r.findings.len(), 2);
        let a = &r.findings[0];
        assert_eq!(
            (
                a.rule.as_str(),
                a.severity,
                a.cwe.as_deref(),
                a.url.as_deref(),
                a.instances
            ),
            (
                "40018",
                Severity::High,
                Some("CWE-89"),
                Some("http://localhost:8080/q?id=1"),
                Some(2)
            )
        );
        assert_eq!(a.rule_name.as_deref(), Some("SQL Injection"));
        assert_eq!(a.confidence.as_deref(), Some("medium"));
        assert!(!a.suppressed);
        let b = &r.findings[1];
        assert_eq!(
            (b.severity, b.cwe.as_deref(), b.url.as_deref()),
            (Severity::Low, None, None)
        );
        assert!(b.suppressed);
        assert_eq!(
            b.justification.as_deref(),
            Some("ZAP confidence 0: false positive")
        );
        assert_eq!(r.scans[0].version.as_deref(), Some("2.15.0"));
        assert_eq!(
            r.scans[0].started.as_deref(),
            Some("2024-12-03T10:00:00.5Z")
        );
        assert!(r.scans[0].completed);
        assert_eq!(r.scans[0].findings, 2);
    }

    #[test]
    fn bad_codes_are_located() {
        let doc = json!({"site": [{"alerts": [
            {"alert": "a", "riskcode": "x", "confidence": "9"},
            {"riskcode": "1"},
        ]}]});
        let Err(p) = read(&doc) else {
            panic!("should fail")
        };
        let at: Vec<String> = p
            .iter()
            .map(|(_, p)| match &p.at {
                crate::facts::results::At::Pointer(s) => s.clone(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            at,
            [
                "/site/0/alerts/0/riskcode",
                "/site/0/alerts/0/confidence",
                "/site/0/alerts/1"
            ]
        );
        assert!(read(&json!({"runs": []})).is_err());
        let empty = read(&json!({"@version": "2.15.0", "site": []})).unwrap();
        assert!(!empty.scans[0].completed);
        assert_eq!(empty.warnings[0].0, "security-nothing-scanned");
    }
}

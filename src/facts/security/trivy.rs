//! Trivy's JSON report (`trivy … --format json`, `"SchemaVersion": 2`): one finding per
//! vulnerability, failed misconfiguration check and secret of each result, one scan per report.
//!
//! - Severity: Trivy's own word (`LOW` … `CRITICAL`). `UNKNOWN` — no source has rated the
//!   vulnerability yet — is `medium`, as an unrated cargo-audit advisory is: it is a known
//!   vulnerability, so not below medium, and nothing says it is worse.
//! - Misconfigurations with `Status` `PASS` are not findings; `EXCEPTION` ones are suppressed
//!   (a Rego exception excused them). Findings Trivy lists under `ModifiedFindings`
//!   (`--show-suppressed`: a `.trivyignore` or VEX statement) are kept, suppressed, with the
//!   statement as their justification.
//! - `file` is the result's `Target` except for OS packages, whose target is the image.
//! - Trivy writes the report only after the scan, so it is completed; `CreatedAt` is its time.

use super::severity::{Severity, parse_score};
use super::{Coded, Fields, Finding, Report, Scan, cwe_of, ptr, ptr_i};
use serde_json::Value as J;

/// Reads a Trivy JSON report.
pub fn read(doc: &J) -> Result<Report, Vec<Coded>> {
    let mut f = Fields::default();
    let mut report = Report::default();
    let help =
        "gate reads `trivy … --format json` from Trivy 0.20 or later (`\"SchemaVersion\": 2`)";
    match doc.get("SchemaVersion") {
        Some(J::Number(n)) if n.as_u64() == Some(2) => {}
        Some(other) => {
            f.format(
                "/SchemaVersion".into(),
                format!("Trivy report schema version {other} is not read by gate"),
                help,
            );
            return f.finish(report);
        }
        None => {
            f.format(
                String::new(),
                "this is not a Trivy JSON report: it has no `SchemaVersion`".to_string(),
                help,
            );
            return f.finish(report);
        }
    }
    let version = doc
        .get("Trivy")
        .and_then(|t| f.opt_str(t, "/Trivy", "Version"));
    let started = f.opt_time(doc, "", "CreatedAt");
    for (ri, result) in f.array(doc, "", "Results").iter().enumerate() {
        let at = ptr_i("/Results", ri);
        let target = f.opt_str(result, &at, "Target");
        let class = result.get("Class").and_then(J::as_str).unwrap_or("");
        let file = target.filter(|_| class != "os-pkgs");
        for (key, kind) in [
            ("Vulnerabilities", "vulnerability"),
            ("Misconfigurations", "misconfig"),
            ("Secrets", "secret"),
        ] {
            let base = ptr(&at, key);
            for (i, item) in f.array(result, &at, key).iter().enumerate() {
                let iat = ptr_i(&base, i);
                if let Some(finding) = read_item(&mut f, item, &iat, kind, file.clone()) {
                    report.findings.push(finding);
                }
            }
        }
        let base = ptr(&at, "ModifiedFindings");
        for (i, m) in f.array(result, &at, "ModifiedFindings").iter().enumerate() {
            let mat = ptr_i(&base, i);
            // Trivy's `FindingType`s (pkg/types/finding.go); licenses are not security findings.
            let kind = match m.get("Type").and_then(J::as_str) {
                Some("vulnerability") => "vulnerability",
                Some("misconfiguration") => "misconfig",
                Some("secret") => "secret",
                Some("license") => continue,
                other => {
                    let shown = other.map_or_else(|| "none".to_string(), |t| format!("`{t}`"));
                    f.field(
                        ptr(&mat, "Type"),
                        format!("the modified finding's type is {shown}, not one Trivy writes"),
                    );
                    continue;
                }
            };
            let Some(item) = m.get("Finding") else {
                f.field(mat, "the modified finding has no `Finding`");
                continue;
            };
            let statement = f
                .opt_str(m, &mat, "Statement")
                .filter(|s| !s.trim().is_empty());
            if let Some(mut finding) =
                read_item(&mut f, item, &ptr(&mat, "Finding"), kind, file.clone())
            {
                finding.suppressed = true;
                finding.justification = statement;
                report.findings.push(finding);
            }
        }
    }
    report.scans.push(Scan {
        at: String::new(),
        tool: "Trivy".into(),
        version,
        started,
        completed: true,
        findings: report.findings.len(),
    });
    f.finish(report)
}

fn severity(f: &mut Fields, obj: &J, at: &str) -> Option<Severity> {
    let word = f.req_str(obj, at, "Severity")?;
    if word == "UNKNOWN" {
        return Some(Severity::Medium);
    }
    let s = Severity::from_word(&word).filter(|_| word.chars().all(|c| c.is_ascii_uppercase()));
    if s.is_none() {
        f.field_help(
            ptr(at, "Severity"),
            format!("`{word}` is not a Trivy severity"),
            "Trivy's severities are UNKNOWN, LOW, MEDIUM, HIGH and CRITICAL",
        );
    }
    s
}

fn read_item(
    f: &mut Fields,
    item: &J,
    at: &str,
    kind: &str,
    file: Option<String>,
) -> Option<Finding> {
    if !item.is_object() {
        f.field(at.to_string(), "a finding must be an object");
        return None;
    }
    let sev = severity(f, item, at);
    // Without a severity the item is dropped at the end (`sev?`), after the rest of it has been
    // read for its problems too; the stand-in below never leaves this function.
    let mut finding = Finding {
        file,
        ..Finding::new(at, "Trivy", sev.unwrap_or(Severity::Critical))
    };
    match kind {
        "vulnerability" => {
            let id = f.req_str(item, at, "VulnerabilityID")?;
            finding.message = f
                .opt_str(item, at, "Title")
                .or_else(|| f.opt_str(item, at, "Description"))
                .unwrap_or_else(|| id.clone());
            finding.package = f.opt_str(item, at, "PkgName");
            finding.installed = f.opt_str(item, at, "InstalledVersion");
            finding.fixed_in = f
                .opt_str(item, at, "FixedVersion")
                .filter(|v| !v.is_empty());
            finding.reference = f.opt_str(item, at, "PrimaryURL");
            finding.cwe = f
                .array(item, at, "CweIDs")
                .iter()
                .find_map(|c| c.as_str().and_then(cwe_of));
            let source = item
                .get("SeveritySource")
                .and_then(J::as_str)
                .unwrap_or("nvd");
            finding.score = item
                .get("CVSS")
                .and_then(|c| c.get(source).or_else(|| c.get("nvd")))
                .and_then(|c| c.get("V3Score"))
                .and_then(parse_score);
            finding.advisory = Some(id.clone());
            finding.rule = id;
        }
        "misconfig" => {
            let id = f
                .opt_str(item, at, "ID")
                .or_else(|| f.opt_str(item, at, "AVDID"));
            let Some(id) = id else {
                f.field(at.to_string(), "the misconfiguration has no `ID`");
                return None;
            };
            match f.opt_str(item, at, "Status").as_deref() {
                Some("PASS") => return None,
                Some("EXCEPTION") => {
                    finding.suppressed = true;
                    finding.justification = Some("Trivy policy exception".into());
                }
                _ => {}
            }
            finding.rule_name = f.opt_str(item, at, "Title");
            finding.message = f
                .opt_str(item, at, "Message")
                .or_else(|| finding.rule_name.clone())
                .unwrap_or_else(|| id.clone());
            finding.reference = f.opt_str(item, at, "PrimaryURL");
            if let Some(cause) = f.object(item, at, "CauseMetadata") {
                let cat = ptr(at, "CauseMetadata");
                finding.line = f.opt_pos(cause, &cat, "StartLine");
                finding.end_line = f.opt_pos(cause, &cat, "EndLine");
            }
            finding.rule = id;
        }
        _ => {
            let id = f.req_str(item, at, "RuleID")?;
            finding.message = f.opt_str(item, at, "Title").unwrap_or_else(|| id.clone());
            finding.line = f.opt_pos(item, at, "StartLine");
            finding.end_line = f.opt_pos(item, at, "EndLine");
            finding.rule = id;
        }
    }
    finding.severity = sev?;
    Some(finding)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    #[test]
    fn a_modified_finding_of_an_unknown_type_is_an_error_not_skipped() {
        let doc = json!({"SchemaVersion": 2, "Results": [{"Target": "x", "ModifiedFindings": [
            {"Type": "misconfig", "Finding": {"ID": "DS026", "Severity": "LOW"}}]}]});
        let Err(problems) = read(&doc) else {
            panic!("read without error")
        };
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0]
                .1
                .message
                .contains("the modified finding's type is `misconfig`"),
            "{problems:?}"
        );
    }

    #[test]
    fn vulnerabilities_misconfigurations_and_secrets() {
        let doc = json!({"SchemaVersion": 2, "CreatedAt": "2026-11-26T09:00:00.123456789Z",
        "ArtifactName": "app:1.0", "Trivy": {"Version": "0.58.1"},
        "Results": [
            {"Target": "app:1.0 (debian 12.8)", "Class": "os-pkgs", "Vulnerabilities": [
                {"VulnerabilityID": "CVE-2024-0001", "PkgName": "libssl3", "InstalledVersion": "3.0.1",
                 "FixedVersion": "3.0.2", "Severity": "HIGH", "Title": "t", "CweIDs": ["CWE-125"],
                 "SeveritySource": "debian", "CVSS": {"nvd": {"V3Score": 7.5}}},
                {"VulnerabilityID": "CVE-2024-0002", "PkgName": "zlib", "Severity": "UNKNOWN"}]},
            {"Target": "Dockerfile", "Class": "config", "Misconfigurations": [
                {"ID": "DS002", "Title": "root user", "Message": "Specify USER", "Severity": "HIGH", "Status": "FAIL",
                 "CauseMetadata": {"StartLine": 1, "EndLine": 1}},
                {"ID": "DS001", "Severity": "MEDIUM", "Status": "PASS"}]},
            {"Target": "config.env", "Class": "secret", "Secrets": [
                {"RuleID": "aws-access-key-id", "Title": "AWS Access Key ID", "Severity": "CRITICAL", "StartLine": 2, "EndLine": 2}],
             "ModifiedFindings": [{"Type": "vulnerability", "Status": "not_affected", "Statement": "not reachable",
                "Finding": {"VulnerabilityID": "CVE-2024-0003", "PkgName": "x", "Severity": "LOW"}},
                {"Type": "misconfiguration", "Status": "ignored", "Source": ".trivyignore",
                 "Finding": {"ID": "DS026", "Title": "no healthcheck", "Severity": "LOW", "Status": "FAIL"}},
                {"Type": "license", "Status": "ignored",
                 "Finding": {"Name": "GPL-3.0", "Severity": "HIGH"}}]}
        ]});
        let r = read(&doc).unwrap();
        let got: Vec<_> = r
            .findings
            .iter()
            .map(|f| {
                (
                    f.rule.as_str(),
                    f.severity.name(),
                    f.file.as_deref(),
                    f.line,
                    f.suppressed,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("CVE-2024-0001", "high", None, None, false),
                ("CVE-2024-0002", "medium", None, None, false),
                ("DS002", "high", Some("Dockerfile"), Some(1), false),
                (
                    "aws-access-key-id",
                    "critical",
                    Some("config.env"),
                    Some(2),
                    false
                ),
                ("CVE-2024-0003", "low", Some("config.env"), None, true),
                // Trivy calls them `misconfiguration` here (and `Misconfigurations` above).
                ("DS026", "low", Some("config.env"), None, true),
            ]
        );
        assert_eq!(
            r.findings[0].score.map(|s| s.to_string()).as_deref(),
            Some("7.5")
        );
        assert_eq!(r.findings[0].fixed_in.as_deref(), Some("3.0.2"));
        assert_eq!(
            r.findings[4].justification.as_deref(),
            Some("not reachable")
        );
        assert_eq!(r.scans[0].version.as_deref(), Some("0.58.1"));
        assert_eq!(
            r.scans[0].started.as_deref(),
            Some("2026-11-26T09:00:00.123456789Z")
        );
    }

    #[test]
    fn other_schema_versions_are_refused() {
        let Err(p) = read(&json!({"SchemaVersion": 1, "Results": []})) else {
            panic!("v1")
        };
        assert_eq!(
            p[0].1.at,
            crate::facts::results::At::Pointer("/SchemaVersion".into())
        );
        assert!(read(&json!({"Results": []})).is_err());
        let Err(p) = read(
            &json!({"SchemaVersion": 2, "Results": [{"Vulnerabilities": [{"VulnerabilityID": "x", "Severity": "SEVERE"}]}]}),
        ) else {
            panic!("severity")
        };
        assert_eq!(
            p[0].1.at,
            crate::facts::results::At::Pointer("/Results/0/Vulnerabilities/0/Severity".into())
        );
    }
}

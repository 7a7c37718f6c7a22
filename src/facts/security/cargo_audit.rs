//! cargo-audit's JSON report (`cargo audit --json`, the `rustsec::report::Report` type): one
//! finding per vulnerability and per warning, one scan per report.
//!
//! - Severity: the advisory's CVSS 3 vector, scored by the CVSS 3.x formula, in the CVSS bands.
//!   An advisory without a CVSS vector (many RustSec advisories have none) is `medium`: it is a
//!   vulnerability, so not below medium, and nothing says it is worse. A CVSS 4 vector is not
//!   scored (it needs the specification's lookup tables): `medium`, with a warning.
//! - Warnings (informational advisories and yanked crates): `rule` is the kind. `unsound` is
//!   `medium` (undefined behaviour reachable from safe code); `unmaintained`, `yanked` and
//!   `notice` are `low`.
//! - The report carries no tool version and no time. cargo-audit writes it only after it has
//!   loaded the advisory database and audited the lockfile, so the scan is completed.

use super::severity::{CvssError, Severity, cvss3_base_tenths, tenths_decimal};
use super::{Coded, Fields, Finding, Report, Scan, ptr, ptr_i};
use crate::facts::results::Problem;
use serde_json::Value as J;

/// Reads a cargo-audit JSON report.
pub fn read(doc: &J) -> Result<Report, Vec<Coded>> {
    let mut f = Fields::default();
    let mut report = Report::default();
    let Some(list) = doc
        .get("vulnerabilities")
        .and_then(|v| v.get("list"))
        .and_then(J::as_array)
    else {
        f.format(
            String::new(),
            "this is not a cargo-audit report: it has no `vulnerabilities.list`",
            "gate reads the output of `cargo audit --json`",
        );
        return f.finish(report);
    };
    for (i, v) in list.iter().enumerate() {
        let at = ptr_i("/vulnerabilities/list", i);
        if let Some(finding) = read_entry(&mut f, &mut report, v, &at, None) {
            report.findings.push(finding);
        }
    }
    if let Some(J::Object(map)) = f.object(doc, "", "warnings") {
        for (kind, list) in map {
            let kbase = ptr("/warnings", kind);
            let list = match list {
                J::Array(a) => a.as_slice(),
                J::Null => &[],
                _ => {
                    f.field(
                        kbase.clone(),
                        format!("`{kind}` must be an array of warnings"),
                    );
                    &[]
                }
            };
            for (i, w) in list.iter().enumerate() {
                let at = ptr_i(&kbase, i);
                let kind = w.get("kind").and_then(J::as_str).unwrap_or(kind);
                if let Some(finding) = read_entry(&mut f, &mut report, w, &at, Some(kind)) {
                    report.findings.push(finding);
                }
            }
        }
    }
    report.scans.push(Scan {
        at: String::new(),
        tool: "cargo-audit".into(),
        completed: true,
        findings: report.findings.len(),
        ..Scan::default()
    });
    f.finish(report)
}

/// The severity of a vulnerability from its advisory's CVSS vector, with the score.
fn cvss(
    f: &mut Fields,
    report: &mut Report,
    vector: Option<String>,
    aat: &str,
) -> (Severity, Option<rust_decimal::Decimal>) {
    let Some(vector) = vector else {
        return (Severity::Medium, None);
    };
    match cvss3_base_tenths(&vector) {
        Ok(t) => {
            let s = tenths_decimal(t);
            (Severity::from_score(s), Some(s))
        }
        Err(CvssError::Unsupported(why)) => {
            report.warnings.push((
                "security-cvss",
                Problem::at_pointer(
                    ptr(aat, "cvss"),
                    format!("{why}: the advisory counts as medium"),
                ),
            ));
            (Severity::Medium, None)
        }
        Err(CvssError::Malformed(why)) => {
            f.field_help(
                ptr(aat, "cvss"),
                format!("`{vector}` is not a CVSS vector: {why}"),
                "a CVSS 3 vector reads `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`",
            );
            (Severity::Medium, None)
        }
    }
}

/// A vulnerability (`warning` is `None`) or a warning of that kind.
fn read_entry(
    f: &mut Fields,
    report: &mut Report,
    v: &J,
    at: &str,
    warning: Option<&str>,
) -> Option<Finding> {
    if !v.is_object() {
        f.field(at.to_string(), "an entry must be an object");
        return None;
    }
    let pat = ptr(at, "package");
    let (name, installed) = match f.object(v, at, "package") {
        Some(p) => (f.req_str(p, &pat, "name"), f.opt_str(p, &pat, "version")),
        None => {
            f.field(at.to_string(), "the entry has no `package`");
            (None, None)
        }
    };
    let aat = ptr(at, "advisory");
    let advisory = f.object(v, at, "advisory");
    if advisory.is_none() && warning.is_none() {
        f.field(at.to_string(), "the vulnerability has no `advisory`");
        return None;
    }
    let id = advisory.and_then(|a| f.req_str(a, &aat, "id"));
    let title = advisory.and_then(|a| f.opt_str(a, &aat, "title"));
    let reference = advisory.and_then(|a| f.opt_str(a, &aat, "url"));
    let vat = ptr(at, "versions");
    let patched: Vec<String> = match f.object(v, at, "versions") {
        Some(vs) => f
            .array(vs, &vat, "patched")
            .iter()
            .filter_map(J::as_str)
            .map(String::from)
            .collect(),
        None => Vec::new(),
    };
    let (severity, score) = match warning {
        Some("unsound") => (Severity::Medium, None),
        Some(_) => (Severity::Low, None),
        None => {
            let vector = advisory.and_then(|a| f.opt_str(a, &aat, "cvss"));
            cvss(f, report, vector, &aat)
        }
    };
    let name = name?;
    let rule = match warning {
        Some(kind) => kind.to_string(),
        None => id.clone()?,
    };
    let message = match (&title, warning) {
        (Some(t), _) => t.clone(),
        (None, Some(kind)) => match &installed {
            Some(v) => format!("`{name}` {v} is {kind}"),
            None => format!("`{name}` is {kind}"),
        },
        (None, None) => rule.clone(),
    };
    Some(Finding {
        rule,
        score,
        message,
        reference,
        advisory: id,
        package: Some(name),
        installed,
        fixed_in: (!patched.is_empty()).then(|| patched.join(" or ")),
        ..Finding::new(at, "cargo-audit", severity)
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    #[test]
    fn vulnerabilities_and_warnings_become_findings() {
        let doc = json!({
            "database": {"advisory-count": 900},
            "lockfile": {"dependency-count": 120},
            "vulnerabilities": {"found": true, "count": 2, "list": [
                {"advisory": {"id": "RUSTSEC-2023-0001", "title": "Data race", "cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
                 "versions": {"patched": [">=1.18.4, <1.19.0", ">=1.20.3"], "unaffected": []},
                 "package": {"name": "tokio", "version": "1.18.0"}},
                {"advisory": {"id": "RUSTSEC-2023-0002", "title": "No score", "cvss": null},
                 "versions": {"patched": [], "unaffected": []},
                 "package": {"name": "foo", "version": "0.1.0"}},
            ]},
            "warnings": {
                "unmaintained": [{"kind": "unmaintained", "package": {"name": "ansi_term", "version": "0.12.1"},
                    "advisory": {"id": "RUSTSEC-2021-0139", "title": "ansi_term is Unmaintained"}, "versions": {"patched": []}}],
                "yanked": [{"kind": "yanked", "package": {"name": "bar", "version": "1.0.0"}, "advisory": null, "versions": null}],
            }
        });
        let r = read(&doc).unwrap();
        let got: Vec<_> = r
            .findings
            .iter()
            .map(|f| {
                (
                    f.rule.as_str(),
                    f.severity.name(),
                    f.message.as_str(),
                    f.fixed_in.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "RUSTSEC-2023-0001",
                    "critical",
                    "Data race",
                    Some(">=1.18.4, <1.19.0 or >=1.20.3")
                ),
                ("RUSTSEC-2023-0002", "medium", "No score", None),
                ("unmaintained", "low", "ansi_term is Unmaintained", None),
                ("yanked", "low", "`bar` 1.0.0 is yanked", None),
            ]
        );
        assert_eq!(
            r.findings[0].score.map(|s| s.to_string()).as_deref(),
            Some("9.8")
        );
        assert_eq!(r.findings[2].advisory.as_deref(), Some("RUSTSEC-2021-0139"));
        assert_eq!(r.findings[3].advisory, None);
        assert!(r.scans[0].completed);
    }

    #[test]
    fn bad_vectors_and_other_formats() {
        let doc = json!({"vulnerabilities": {"list": [
            {"advisory": {"id": "X", "cvss": "AV:N"}, "package": {"name": "p"}},
            {"advisory": {"id": "Y", "cvss": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}, "package": {"name": "q"}},
        ]}});
        let Err(p) = read(&doc) else {
            panic!("a malformed vector is an error")
        };
        assert_eq!(p.len(), 1);
        assert_eq!(
            p[0].1.at,
            crate::facts::results::At::Pointer("/vulnerabilities/list/0/advisory/cvss".into())
        );
        assert!(read(&json!({"auditReportVersion": 2})).is_err());
    }
}

//! SARIF 2.1.0 (OASIS), from any analyzer: one scan per run, one finding per result.
//!
//! - Severity: `properties.security-severity` of the result, else of its rule (a CVSS score,
//!   string or number, in GitHub's bands), else the level — the result's, else the rule's
//!   `defaultConfiguration.level`, else `warning` (SARIF §3.27.10; `none` when the result's `kind`
//!   is not `fail`) — with error → high, warning → medium, note → low, none → info.
//! - Results whose `kind` is `pass` or `notApplicable`, or whose `baselineState` is `absent`, are
//!   not findings: the tool says the problem is not there.
//! - Suppressed: a suppression whose `status` is absent or `accepted` (§3.35.3). One that is
//!   `underReview` or `rejected` does not hide a finding: nobody has accepted it yet.
//! - Completed: every invocation says `executionSuccessful: true`. A run without invocations
//!   claims nothing (clippy-sarif writes none), so it is not completed, with a warning; a run
//!   whose `results` is absent did not produce results (§3.14.23) and is not completed either.

use super::severity::{Severity, parse_score};
use super::{Coded, Fields, Finding, Report, Scan, cwe_of, ptr, ptr_i};
use crate::facts::results::Problem;
use serde_json::Value as J;

const LEVELS: [&str; 4] = ["none", "note", "warning", "error"];
const KINDS: [&str; 6] = [
    "notApplicable",
    "pass",
    "fail",
    "review",
    "open",
    "informational",
];

/// Reads a SARIF log.
pub fn read(doc: &J) -> Result<Report, Vec<Coded>> {
    let mut f = Fields::default();
    let mut report = Report::default();
    if !doc.is_object() || doc.get("runs").is_none() {
        f.format(
            String::new(),
            "this is not SARIF: it has no `runs`",
            "gate reads SARIF 2.1.0 logs: `{\"version\": \"2.1.0\", \"runs\": [...]}`",
        );
        return f.finish(report);
    }
    match doc.get("version") {
        Some(J::String(v)) if v == "2.1.0" => {}
        Some(J::String(v)) => f.format(
            "/version".into(),
            format!("SARIF version `{v}` is not read by gate"),
            "gate reads SARIF 2.1.0: ask the tool for 2.1.0 output",
        ),
        None => f.format(
            String::new(),
            "the SARIF log has no `version`",
            "a SARIF 2.1.0 log says `\"version\": \"2.1.0\"`",
        ),
        Some(_) => f.format(
            "/version".into(),
            "`version` must be the string `2.1.0`",
            "a SARIF 2.1.0 log says `\"version\": \"2.1.0\"`",
        ),
    }
    if let Some(schema) = doc.get("$schema").and_then(J::as_str)
        && !schema.contains("2.1.0")
    {
        f.format(
            "/$schema".into(),
            format!("`{schema}` is not the SARIF 2.1.0 schema"),
            "gate reads SARIF 2.1.0 only",
        );
    }
    let runs = f.array(doc, "", "runs");
    if runs.is_empty() && doc.get("runs").is_some_and(J::is_array) {
        f.format(
            "/runs".into(),
            "the SARIF log has no runs: it records no scan",
            "a scan that found nothing is a run with `\"results\": []`; a log without runs is evidence of nothing",
        );
    }
    for (ri, run) in runs.iter().enumerate() {
        read_run(&mut f, &mut report, run, &ptr_i("/runs", ri));
    }
    f.finish(report)
}

/// A rule (reporting descriptor) with its pointer.
struct Rule<'a> {
    value: &'a J,
    at: String,
}

/// What every result of a run is read against.
struct RunCtx<'a> {
    tool: String,
    tables: Vec<Vec<Rule<'a>>>,
    driver: &'a J,
    dbase: String,
    bases: Option<&'a J>,
    artifacts: Option<&'a Vec<J>>,
}

fn read_run(f: &mut Fields, report: &mut Report, run: &J, base: &str) {
    let tbase = ptr(base, "tool");
    let dbase = ptr(&tbase, "driver");
    let Some(driver) = run
        .get("tool")
        .and_then(|t| t.get("driver"))
        .filter(|d| d.is_object())
    else {
        f.field(base.to_string(), "the run has no `tool.driver`");
        return;
    };
    let tool = f.req_str(driver, &dbase, "name").unwrap_or_default();
    let version =
        f.opt_str(driver, &dbase, "version")
            .or(f.opt_str(driver, &dbase, "semanticVersion"));
    // Rule tables: the driver's, then each extension's (CodeQL puts its rules in packs).
    let mut components: Vec<(&J, String)> = vec![(driver, dbase.clone())];
    if let Some(tool_obj) = run.get("tool") {
        let ebase = ptr(&tbase, "extensions");
        for (i, e) in f.array(tool_obj, &tbase, "extensions").iter().enumerate() {
            components.push((e, ptr_i(&ebase, i)));
        }
    }
    let tables: Vec<Vec<Rule>> = components
        .iter()
        .map(|(c, at)| {
            let rat = ptr(at, "rules");
            f.array(c, at, "rules")
                .iter()
                .enumerate()
                .map(|(i, r)| Rule {
                    value: r,
                    at: ptr_i(&rat, i),
                })
                .collect()
        })
        .collect();
    let ctx = RunCtx {
        tool: tool.clone(),
        tables,
        driver,
        dbase,
        bases: run.get("originalUriBaseIds"),
        artifacts: run.get("artifacts").and_then(J::as_array),
    };

    let mut scan = Scan {
        at: base.to_string(),
        tool: tool.clone(),
        version,
        ..Scan::default()
    };
    let invocations = f.array(run, base, "invocations");
    let ibase = ptr(base, "invocations");
    if invocations.is_empty() {
        report.warnings.push((
            "security-no-invocation",
            Problem::at_pointer(
                base.to_string(),
                format!(
                    "the `{tool}` run has no `invocations`, so it does not say the scan succeeded: it counts as not completed"
                ),
            )
            .help("a policy that requires completed scans blocks on this run; make the tool (or its converter) write `invocations[].executionSuccessful`"),
        ));
    } else {
        scan.started = invocations
            .first()
            .and_then(|i| f.opt_time(i, &ptr_i(&ibase, 0), "startTimeUtc"));
        let mut all = true;
        for (i, inv) in invocations.iter().enumerate() {
            let at = ptr_i(&ibase, i);
            match inv.get("executionSuccessful") {
                Some(J::Bool(b)) => all &= *b,
                None => {
                    all = false;
                    report.warnings.push((
                        "security-no-invocation",
                        Problem::at_pointer(
                            at,
                            format!("the `{tool}` invocation does not say `executionSuccessful`: it counts as not completed"),
                        ),
                    ));
                }
                Some(other) => {
                    all = false;
                    f.field(
                        ptr(&at, "executionSuccessful"),
                        format!("`executionSuccessful` must be true or false, not `{other}`"),
                    );
                }
            }
        }
        scan.completed = all;
    }
    let rbase = ptr(base, "results");
    let results = match run.get("results") {
        None | Some(J::Null) => {
            scan.completed = false;
            report.warnings.push((
                "security-no-results",
                Problem::at_pointer(
                    base.to_string(),
                    format!("the `{tool}` run has no `results`: SARIF says it produced none, so it counts as not completed"),
                )
                .help("a run that found nothing has `\"results\": []`"),
            ));
            &[][..]
        }
        Some(_) => f.array(run, base, "results"),
    };
    let before = report.findings.len();
    for (i, result) in results.iter().enumerate() {
        let at = ptr_i(&rbase, i);
        if !result.is_object() {
            f.field(at, "a result must be an object");
            continue;
        }
        if let Some(finding) = read_result(f, result, &at, &ctx) {
            report.findings.push(finding);
        }
    }
    scan.findings = report.findings.len() - before;
    report.scans.push(scan);
}

/// The rule a result names: by index (`ruleIndex` or `rule.index`) in its tool component, else
/// by id. Returns the rule id too.
fn rule_of<'a, 'c>(
    f: &mut Fields,
    result: &J,
    at: &str,
    ctx: &'c RunCtx<'a>,
) -> Option<(String, Option<&'c Rule<'a>>)> {
    let rule_ref = result.get("rule");
    let component = match rule_ref
        .and_then(|r| r.get("toolComponent"))
        .and_then(|c| c.get("index"))
    {
        None => 0,
        Some(J::Number(n)) => match n.as_u64().and_then(|n| usize::try_from(n).ok()) {
            Some(n) if n + 1 < ctx.tables.len() => n + 1,
            _ => {
                f.field(
                    format!("{at}/rule/toolComponent/index"),
                    format!(
                        "tool component {n} does not exist: the run has {} extensions",
                        ctx.tables.len() - 1
                    ),
                );
                0
            }
        },
        Some(other) => {
            f.field(
                format!("{at}/rule/toolComponent/index"),
                format!("a tool component index must be a number, not `{other}`"),
            );
            0
        }
    };
    let table: &[Rule] = ctx.tables.get(component).map_or(&[], Vec::as_slice);
    let (index, index_at) = match (
        result.get("ruleIndex"),
        rule_ref.and_then(|r| r.get("index")),
    ) {
        (Some(i), _) => (Some(i), ptr(at, "ruleIndex")),
        (None, Some(i)) => (Some(i), format!("{at}/rule/index")),
        (None, None) => (None, String::new()),
    };
    let mut rule: Option<&Rule> = None;
    match index {
        None => {}
        Some(J::Number(n)) if n.as_i64() == Some(-1) => {}
        Some(J::Number(n)) => match n.as_u64().and_then(|n| usize::try_from(n).ok()) {
            Some(n) if n < table.len() => rule = table.get(n),
            _ => f.field_help(
                index_at,
                format!(
                    "rule index {n} is out of range: the tool has {} rules",
                    table.len()
                ),
                "a rule index counts from 0 in `tool.driver.rules`",
            ),
        },
        Some(other) => f.field(
            index_at,
            format!("a rule index must be a number, not `{other}`"),
        ),
    }
    let id = f
        .opt_str(result, at, "ruleId")
        .or_else(|| {
            rule_ref
                .and_then(|r| r.get("id"))
                .and_then(J::as_str)
                .map(String::from)
        })
        .or_else(|| {
            rule.and_then(|r| r.value.get("id"))
                .and_then(J::as_str)
                .map(String::from)
        });
    let Some(id) = id else {
        f.field_help(
            at.to_string(),
            "the result names no rule",
            "give it a `ruleId` (or a `ruleIndex` into `tool.driver.rules`)",
        );
        return None;
    };
    if rule.is_none() {
        rule = table
            .iter()
            .find(|r| r.value.get("id").and_then(J::as_str) == Some(id.as_str()));
    }
    Some((id, rule))
}

fn read_result(f: &mut Fields, result: &J, at: &str, ctx: &RunCtx) -> Option<Finding> {
    let kind = f.opt_str(result, at, "kind");
    if let Some(k) = &kind
        && !KINDS.contains(&k.as_str())
    {
        f.field_help(
            ptr(at, "kind"),
            format!("`{k}` is not a SARIF result kind"),
            format!("the kinds are {}", KINDS.join(", ")),
        );
    }
    if matches!(kind.as_deref(), Some("pass" | "notApplicable")) {
        return None;
    }
    if result.get("baselineState").and_then(J::as_str) == Some("absent") {
        return None;
    }
    let (id, rule) = rule_of(f, result, at, ctx)?;

    // Severity.
    let mut score = None;
    let from_result = result
        .get("properties")
        .and_then(|p| p.get("security-severity"))
        .map(|v| (v, format!("{at}/properties/security-severity")));
    let from_rule = rule.and_then(|r| {
        r.value
            .get("properties")
            .and_then(|p| p.get("security-severity"))
            .map(|v| (v, format!("{}/properties/security-severity", r.at)))
    });
    if let Some((v, vat)) = from_result.or(from_rule) {
        match parse_score(v) {
            Some(s) => score = Some(s),
            None => f.field_help(
                vat,
                format!("`security-severity` must be a CVSS score from 0.0 to 10.0, not `{v}`"),
                "write it as GitHub reads it: `\"7.5\"`",
            ),
        }
    }
    let level = match f.opt_str(result, at, "level") {
        Some(l) if LEVELS.contains(&l.as_str()) => Some(l),
        Some(l) => {
            f.field_help(
                ptr(at, "level"),
                format!("`{l}` is not a SARIF level"),
                "the levels are none, note, warning and error",
            );
            None
        }
        None => rule.and_then(|r| {
            let l = r
                .value
                .get("defaultConfiguration")
                .and_then(|c| c.get("level"))?;
            match l.as_str() {
                Some(s) if LEVELS.contains(&s) => Some(s.to_string()),
                _ => {
                    f.field_help(
                        format!("{}/defaultConfiguration/level", r.at),
                        format!("`{l}` is not a SARIF level"),
                        "the levels are none, note, warning and error",
                    );
                    None
                }
            }
        }),
    };
    let level = level.unwrap_or_else(|| match kind.as_deref() {
        None | Some("fail") => "warning".into(),
        _ => "none".into(),
    });
    let severity = match score {
        Some(s) => Severity::from_score(s),
        None => match level.as_str() {
            "error" => Severity::High,
            "warning" => Severity::Medium,
            "note" => Severity::Low,
            _ => Severity::Info,
        },
    };

    let message = message(f, result, at, rule, ctx);

    let mut finding = Finding {
        rule: id.clone(),
        score,
        message: message.unwrap_or_default(),
        ..Finding::new(at, &ctx.tool, severity)
    };
    if let Some(name) = rule
        .and_then(|r| r.value.get("name"))
        .and_then(J::as_str)
        .filter(|n| *n != id)
    {
        finding.rule_name = Some(name.to_string());
    }
    finding.reference = rule
        .and_then(|r| r.value.get("helpUri"))
        .and_then(J::as_str)
        .map(String::from);
    locate(f, result, at, ctx, &mut finding);
    suppress(f, result, at, &mut finding);

    // CWE: the rule's tags, the result's tags, then CWE taxa.
    let tags = |v: Option<&J>| -> Vec<String> {
        v.and_then(|v| v.get("properties"))
            .and_then(|p| p.get("tags"))
            .and_then(J::as_array)
            .map(|a| a.iter().filter_map(J::as_str).map(String::from).collect())
            .unwrap_or_default()
    };
    let mut all_tags = tags(rule.map(|r| r.value));
    all_tags.extend(tags(Some(result)));
    finding.cwe = all_tags
        .iter()
        .filter(|t| t.to_ascii_lowercase().contains("cwe"))
        .find_map(|t| cwe_of(t))
        .or_else(|| {
            result
                .get("taxa")
                .and_then(J::as_array)
                .into_iter()
                .flatten()
                .filter(|t| {
                    t.get("toolComponent")
                        .and_then(|c| c.get("name"))
                        .and_then(J::as_str)
                        .is_some_and(|n| n.eq_ignore_ascii_case("cwe"))
                })
                .find_map(|t| t.get("id").and_then(J::as_str).and_then(cwe_of))
        });
    Some(finding)
}

/// The first location: file (or URL, for web scanners), line and column.
fn locate(f: &mut Fields, result: &J, at: &str, ctx: &RunCtx, finding: &mut Finding) {
    let lbase = ptr(at, "locations");
    let Some(loc) = f.array(result, at, "locations").first() else {
        return;
    };
    let lat = ptr_i(&lbase, 0);
    let Some(phys) = f.object(loc, &lat, "physicalLocation") else {
        return;
    };
    let pat = ptr(&lat, "physicalLocation");
    if let Some(art) = f.object(phys, &pat, "artifactLocation") {
        let aat = ptr(&pat, "artifactLocation");
        if let Some(uri) = artifact_uri(f, art, &aat, ctx.bases, ctx.artifacts) {
            if uri.starts_with("http://") || uri.starts_with("https://") {
                finding.url = Some(uri);
            } else {
                finding.file = Some(uri);
            }
        }
    }
    if let Some(region) = f.object(phys, &pat, "region") {
        let rat = ptr(&pat, "region");
        finding.line = f.opt_pos(region, &rat, "startLine");
        finding.column = f.opt_pos(region, &rat, "startColumn");
        finding.end_line = f.opt_pos(region, &rat, "endLine");
    }
}

/// Suppressions: the first accepted one hides the finding and gives its justification.
fn suppress(f: &mut Fields, result: &J, at: &str, finding: &mut Finding) {
    let sbase = ptr(at, "suppressions");
    for (i, s) in f.array(result, at, "suppressions").iter().enumerate() {
        let sat = ptr_i(&sbase, i);
        let status = f.opt_str(s, &sat, "status");
        let accepted = match status.as_deref() {
            None | Some("accepted") => true,
            Some("underReview" | "rejected") => false,
            Some(other) => {
                f.field_help(
                    ptr(&sat, "status"),
                    format!("`{other}` is not a SARIF suppression status"),
                    "the statuses are accepted, underReview and rejected",
                );
                false
            }
        };
        let justification = f.opt_str(s, &sat, "justification");
        if accepted && !finding.suppressed {
            finding.suppressed = true;
            finding.justification = justification.filter(|j| !j.trim().is_empty());
        }
    }
}

/// The result's message: `text`, or `id` looked up in the rule's `messageStrings` (then the
/// driver's `globalMessageStrings`), with `{0}`… filled from `arguments`.
fn message(
    f: &mut Fields,
    result: &J,
    at: &str,
    rule: Option<&Rule>,
    ctx: &RunCtx,
) -> Option<String> {
    let mat = ptr(at, "message");
    let Some(m) = f.object(result, at, "message") else {
        f.field(at.to_string(), "the result has no `message`");
        return None;
    };
    let template = if let Some(text) = f.opt_str(m, &mat, "text") {
        text
    } else if let Some(id) = f.opt_str(m, &mat, "id") {
        let lookup = |v: &J, key: &str| {
            v.get(key)
                .and_then(|s| s.get(&id))
                .and_then(|s| s.get("text"))
                .and_then(J::as_str)
                .map(String::from)
        };
        match rule
            .and_then(|r| lookup(r.value, "messageStrings"))
            .or_else(|| lookup(ctx.driver, "globalMessageStrings"))
        {
            Some(t) => t,
            None => {
                f.field_help(
                    ptr(&mat, "id"),
                    format!("message `{id}` is not among the rule's `messageStrings`"),
                    format!(
                        "define it in the rule or in `{}/globalMessageStrings`",
                        ctx.dbase
                    ),
                );
                return None;
            }
        }
    } else {
        f.field(mat, "the message has neither `text` nor `id`");
        return None;
    };
    let args: Vec<String> = m
        .get("arguments")
        .and_then(J::as_array)
        .map(|a| {
            a.iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), String::from))
                .collect()
        })
        .unwrap_or_default();
    Some(fill(&template, &args))
}

/// SARIF message placeholders (§3.11.5): `{n}` is argument n, `{{` and `}}` are braces.
fn fill(template: &str, args: &[String]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if tail.starts_with('{')
            && let Some(end) = tail.find('}')
            && let Some(Ok(n)) = tail.get(1..end).map(str::parse::<usize>)
            && let Some(arg) = args.get(n)
        {
            out.push_str(arg);
            rest = &tail[end + 1..];
            continue;
        }
        out.push_str(&tail[..1]);
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

/// An artifact location's URI: its own `uri` (or that of `artifacts[index]`), resolved against
/// `originalUriBaseIds` when it names a base, without `file://`, percent-decoded.
fn artifact_uri(
    f: &mut Fields,
    art: &J,
    at: &str,
    bases: Option<&J>,
    artifacts: Option<&Vec<J>>,
) -> Option<String> {
    let own = f.opt_str(art, at, "uri");
    let (uri, base_id) = match own {
        Some(u) => (u, art.get("uriBaseId").and_then(J::as_str)),
        None => {
            let a = art
                .get("index")
                .and_then(J::as_u64)
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| artifacts?.get(i))
                .and_then(|a| a.get("location"))?;
            (
                a.get("uri").and_then(J::as_str)?.to_string(),
                a.get("uriBaseId").and_then(J::as_str),
            )
        }
    };
    let resolved = resolve(&uri, base_id, bases, 0);
    Some(local(&resolved))
}

fn resolve(uri: &str, base_id: Option<&str>, bases: Option<&J>, depth: usize) -> String {
    let absolute = uri.starts_with('/') || uri.contains("://");
    let Some(base) = base_id
        .filter(|_| !absolute && depth < 8)
        .and_then(|id| bases?.get(id))
    else {
        return uri.to_string();
    };
    let Some(base_uri) = base.get("uri").and_then(J::as_str) else {
        return uri.to_string();
    };
    let base_uri = resolve(
        base_uri,
        base.get("uriBaseId").and_then(J::as_str),
        bases,
        depth + 1,
    );
    if base_uri.ends_with('/') {
        format!("{base_uri}{uri}")
    } else {
        format!("{base_uri}/{uri}")
    }
}

/// A `file://` URI as a path; percent escapes decoded. Web URLs are kept as they are.
fn local(uri: &str) -> String {
    if uri.starts_with("http://") || uri.starts_with("https://") {
        return uri.to_string();
    }
    let path = uri
        .strip_prefix("file://localhost")
        .or_else(|| uri.strip_prefix("file://"))
        .or_else(|| uri.strip_prefix("file:"))
        .unwrap_or(uri);
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let Some(h) = path.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(h, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| path.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    fn run(results: J, rules: J) -> J {
        json!({"version": "2.1.0", "runs": [{
            "tool": {"driver": {"name": "scanner", "semanticVersion": "1.2.3", "rules": rules}},
            "invocations": [{"executionSuccessful": true, "startTimeUtc": "2026-11-27T10:00:00Z"}],
            "results": results,
        }]})
    }

    fn problems(doc: &J) -> Vec<(String, String)> {
        match read(doc) {
            Ok(_) => Vec::new(),
            Err(p) => p
                .into_iter()
                .map(|(c, p)| {
                    let at = match p.at {
                        crate::facts::results::At::Pointer(p) => p,
                        other => format!("{other:?}"),
                    };
                    (format!("{c} {at}"), p.message)
                })
                .collect(),
        }
    }

    #[test]
    fn severity_comes_from_security_severity_then_level() {
        let doc = run(
            json!([
                {"ruleId": "a", "message": {"text": "x"}, "properties": {"security-severity": 9.1}},
                {"ruleId": "b", "ruleIndex": 1, "message": {"text": "y"}},
                {"ruleId": "c", "level": "note", "message": {"text": "z"}},
                {"ruleId": "d", "message": {"text": "w"}},
                {"ruleId": "e", "kind": "pass", "message": {"text": "fine"}},
                {"ruleId": "f", "kind": "informational", "message": {"text": "i"}},
            ]),
            json!([
                {"id": "a", "defaultConfiguration": {"level": "note"}},
                {"id": "b", "properties": {"security-severity": "7.0"}, "defaultConfiguration": {"level": "note"}},
                {"id": "d", "defaultConfiguration": {"level": "error"}},
            ]),
        );
        let r = read(&doc).unwrap();
        let got: Vec<(&str, &str)> = r
            .findings
            .iter()
            .map(|f| (f.rule.as_str(), f.severity.name()))
            .collect();
        assert_eq!(
            got,
            [
                ("a", "critical"),
                ("b", "high"),
                ("c", "low"),
                ("d", "high"),
                ("f", "info")
            ]
        );
        assert_eq!(
            r.findings[1].score.map(|s| s.to_string()).as_deref(),
            Some("7.0")
        );
        assert_eq!(r.scans.len(), 1);
        assert_eq!(r.scans[0].findings, 5);
        assert!(r.scans[0].completed);
        assert_eq!(r.scans[0].version.as_deref(), Some("1.2.3"));
        assert_eq!(r.scans[0].started.as_deref(), Some("2026-11-27T10:00:00Z"));
    }

    #[test]
    fn locations_suppressions_messages_and_cwes() {
        let mut doc = run(
            json!([{
                "ruleIndex": 0,
                "message": {"id": "default", "arguments": ["name", "users"]},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": "src/my%20app.py", "uriBaseId": "SRC"},
                    "region": {"startLine": 7, "startColumn": 5, "endLine": 8}
                }}],
                "suppressions": [{"kind": "external", "status": "accepted", "justification": "only admins reach it"}]
            }, {
                "ruleId": "sqli",
                "message": {"text": "plain {{braces}}"},
                "suppressions": [{"kind": "inSource", "status": "underReview"}],
                "taxa": [{"id": "79", "toolComponent": {"name": "CWE"}}]
            }, {
                "ruleId": "other",
                "message": {"text": "web"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": "https://example.test/login"}}}],
                "taxa": [{"id": "79", "toolComponent": {"name": "CWE"}}]
            }]),
            json!([{"id": "sqli", "name": "SqlInjection",
                    "messageStrings": {"default": {"text": "`{0}` flows into a query on {1}"}},
                    "properties": {"tags": ["security", "external/cwe/cwe-089"]}}]),
        );
        doc["runs"][0]["originalUriBaseIds"] =
            json!({"SRC": {"uri": "repo/", "uriBaseId": "ROOT"}, "ROOT": {"uri": "file:///work/"}});
        let r = read(&doc).unwrap();
        let f = &r.findings[0];
        assert_eq!(f.rule, "sqli");
        assert_eq!(f.rule_name.as_deref(), Some("SqlInjection"));
        assert_eq!(f.message, "`name` flows into a query on users");
        assert_eq!(f.file.as_deref(), Some("/work/repo/src/my app.py"));
        assert_eq!((f.line, f.column, f.end_line), (Some(7), Some(5), Some(8)));
        assert!(f.suppressed);
        assert_eq!(f.justification.as_deref(), Some("only admins reach it"));
        assert_eq!(f.cwe.as_deref(), Some("CWE-89"));
        let g = &r.findings[1];
        assert_eq!(g.message, "plain {braces}");
        assert!(!g.suppressed, "a suppression under review hides nothing");
        assert_eq!(
            g.cwe.as_deref(),
            Some("CWE-89"),
            "the rule's tag comes first"
        );
        let h = &r.findings[2];
        assert_eq!(
            (h.file.as_deref(), h.url.as_deref()),
            (None, Some("https://example.test/login"))
        );
        assert_eq!(h.cwe.as_deref(), Some("CWE-79"));
    }

    #[test]
    fn placeholders_are_filled_and_stray_braces_kept() {
        let args = ["a".to_string(), "b".to_string()];
        assert_eq!(fill("{1}{0} {{x}} } {7} {", &args), "ba {x} } {7} {");
        assert_eq!(fill("}{}{0", &args), "}{}{0");
    }

    #[test]
    fn a_run_without_invocations_is_not_completed() {
        let doc = json!({"version": "2.1.0", "runs": [
            {"tool": {"driver": {"name": "clippy"}}, "results": []},
            {"tool": {"driver": {"name": "x"}}, "invocations": [{"executionSuccessful": false}], "results": []},
            {"tool": {"driver": {"name": "y"}}, "invocations": [{"executionSuccessful": true}]},
        ]});
        let r = read(&doc).unwrap();
        assert_eq!(
            r.scans.iter().map(|s| s.completed).collect::<Vec<_>>(),
            [false, false, false]
        );
        let codes: Vec<_> = r.warnings.iter().map(|(c, _)| *c).collect();
        assert_eq!(codes, ["security-no-invocation", "security-no-results"]);
    }

    #[test]
    fn every_problem_is_reported_at_its_pointer() {
        let doc = run(
            json!([
                {"ruleId": "a", "level": "fatal", "message": {"text": "x"}},
                {"ruleIndex": 4, "message": {"text": "y"}},
                {"ruleId": "a", "message": {"text": "z"}, "properties": {"security-severity": "high"},
                 "locations": [{"physicalLocation": {"region": {"startLine": 0}}}]},
                {"message": {"text": "no rule"}},
            ]),
            json!([{"id": "a"}]),
        );
        let got = problems(&doc);
        let places: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            places,
            [
                "security-field /runs/0/results/0/level",
                "security-field /runs/0/results/1/ruleIndex",
                "security-field /runs/0/results/1",
                "security-field /runs/0/results/2/properties/security-severity",
                "security-field /runs/0/results/2/locations/0/physicalLocation/region/startLine",
                "security-field /runs/0/results/3",
            ]
        );
        assert!(got[1].1.contains("out of range"), "{got:?}");
    }

    #[test]
    fn versions_and_other_formats_are_refused() {
        let got = problems(
            &json!({"version": "2.0.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]}),
        );
        assert_eq!(got[0].0, "security-format /version");
        let got = problems(&json!({"version": "2.1.0", "runs": []}));
        assert_eq!(got[0].0, "security-format /runs");
        let got = problems(&json!({"runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]}));
        assert_eq!(got[0].0, "security-format ");
        let got = problems(&json!({"site": []}));
        assert_eq!(got[0].0, "security-format ");
        assert!(got[0].1.contains("not SARIF"));
        let got = problems(
            &json!({"version": "2.1.0", "$schema": "https://x/sarif-schema-2.0.0.json", "runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]}),
        );
        assert_eq!(got[0].0, "security-format /$schema");
    }
}

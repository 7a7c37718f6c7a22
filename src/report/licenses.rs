//! The legal review report (`gate licenses report`): what was read and how, each license with
//! its category and packages, each package's declared expression, how its license was
//! concluded, which branch of an `OR` satisfies the policy, the path that pulls it in, the
//! unknowns, the clarifications, the waivers and the findings. One model, three renderings:
//! JSON (the model itself), Markdown (for a pull request) and HTML (a page a lawyer prints).

use crate::eval::{Finding, FindingKind, Outcome};
use crate::facts::Facts;
use crate::facts::licenses::categories::Category;
use crate::license::{AllowList, License, allowed_by};
use crate::policy::ir::{AllowSource, Expr, Node, Policy};
use crate::span::SourceMap;
use crate::value::Value;
use serde::Serialize;
use std::fmt::Write as _;

/// The whole report. Its JSON form is a stable schema (`schema` 1).
#[derive(Clone, Debug, Serialize)]
pub struct LicenseReport {
    pub schema: u32,
    pub verdict: String,
    pub scope: Scope,
    pub totals: Totals,
    /// Every license id, by category in the order of [`Category::ALL`], then by id.
    pub licenses: Vec<LicenseEntry>,
    /// Every package, by name and version.
    pub packages: Vec<PackageEntry>,
    /// Findings of the policy's rules that read `licenses`, and waiver findings.
    pub findings: Vec<FindingEntry>,
    pub waivers: Vec<WaiverEntry>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Scope {
    pub input: String,
    pub file: String,
    pub target: String,
    pub features: String,
    pub license_list: String,
    pub gate: String,
    pub policy: Option<String>,
    pub decided_at: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    pub packages: usize,
    pub licenses: usize,
    pub unknown: usize,
    pub clarified: usize,
    pub rewritten: usize,
    pub blocking: usize,
    pub waived: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct LicenseEntry {
    pub id: String,
    pub name: String,
    pub category: String,
    pub osi_approved: bool,
    pub fsf_libre: bool,
    /// `name version` of every package whose expression names it.
    pub packages: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PackageEntry {
    pub name: String,
    pub version: String,
    pub kind: String,
    pub direct: bool,
    pub workspace: bool,
    pub path: String,
    pub declared: Option<String>,
    pub license: Option<String>,
    /// manifest, license-file, sbom, clarified or none.
    pub concluded_from: String,
    pub notes: Vec<String>,
    pub clarification: Option<String>,
    /// For each rule of the policy with an `allowed by` list that applies to the package: the
    /// terms that satisfy it, or the terms that do not.
    pub policy: Vec<PolicyCheck>,
    /// The package has no license, or a license id outside legal's table.
    pub unknown: bool,
    pub purl: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PolicyCheck {
    pub rule: String,
    pub allowed: bool,
    pub satisfied_by: Vec<String>,
    pub not_allowed: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FindingEntry {
    pub rule: String,
    pub level: String,
    pub message: String,
    pub waived: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct WaiverEntry {
    pub rule: String,
    pub by: String,
    pub because: String,
    pub until: String,
    /// Findings it waived in this run.
    pub waived: Vec<String>,
}

/// Rules that test `pkg.license allowed by [...]` for each element of `licenses.packages`.
fn allow_rules(policy: &Policy) -> Vec<(usize, String, &AllowList)> {
    fn find<'p>(e: &'p Expr, slot: usize, out: &mut Option<&'p AllowList>) {
        if out.is_some() {
            return;
        }
        match &e.node {
            Node::AllowedBy {
                lhs,
                list: AllowSource::Static(list),
            } if matches!(&lhs.node, Node::Field(base, name, _)
                if &**name == "license" && matches!(base.node, Node::Local(s) if s == slot)) =>
            {
                *out = Some(list);
            }
            Node::And(items) | Node::Or(items) => items.iter().for_each(|x| find(x, slot, out)),
            Node::Not(x) => find(x, slot, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (i, rule) in policy.rules.iter().enumerate() {
        let Some(first) = rule.fors.first() else {
            continue;
        };
        let walks_packages = matches!(&first.collection.node, Node::Field(base, name, _)
            if &**name == "packages"
                && matches!(base.node, Node::Namespace(n)
                    if policy.namespaces.get(n).is_some_and(|s| s == "licenses")));
        if !walks_packages {
            continue;
        }
        let mut found = None;
        find(&rule.condition, first.slot, &mut found);
        if let Some(list) = found {
            out.push((i, rule.name.clone(), list));
        }
    }
    out
}

fn s(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::None => None,
        Value::Str(s) => Some(s.to_string()),
        other => Some(other.to_string()),
    }
}

fn field<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    match v {
        Value::Record(r) => r.get(name),
        _ => None,
    }
}

fn list(v: Option<&Value>) -> &[Value] {
    match v {
        Some(Value::List(l)) => l,
        _ => &[],
    }
}

/// Builds the report from the `licenses` facts, the checked policy and its outcome.
pub fn build(
    facts: &Facts,
    policy: Option<&Policy>,
    outcome: &Outcome,
    sources: &SourceMap,
    policy_name: Option<String>,
    decided_at: Option<String>,
) -> Option<LicenseReport> {
    let ns = facts.get("licenses")?;
    let scope_v = field(&ns.value, "scope");
    let get = |k: &str| {
        scope_v
            .and_then(|s| self::s(field(s, k)))
            .unwrap_or_default()
    };
    let scope = Scope {
        input: get("input"),
        file: get("file"),
        target: get("target"),
        features: get("features"),
        license_list: get("license_list"),
        gate: get("gate"),
        policy: policy_name,
        decided_at,
    };
    let rules = policy.map(allow_rules).unwrap_or_default();
    let mut totals = Totals::default();
    let mut packages = Vec::new();
    let mut licenses: Vec<LicenseEntry> = Vec::new();
    for p in list(field(&ns.value, "packages")) {
        let name = s(field(p, "name")).unwrap_or_default();
        let version = s(field(p, "version")).unwrap_or_default();
        let label = format!("{name} {version}");
        let license = field(p, "license");
        let mut unknown = matches!(license, None | Some(Value::None));
        for id in list(field(p, "license_ids")) {
            let id_name = s(field(id, "id")).unwrap_or_default();
            let category = s(field(id, "category")).unwrap_or_else(|| "unknown".into());
            if category == "unknown" {
                unknown = true;
            }
            match licenses.iter_mut().find(|l| l.id == id_name) {
                Some(l) => l.packages.push(label.clone()),
                None => licenses.push(LicenseEntry {
                    id: id_name,
                    name: s(field(id, "name")).unwrap_or_default(),
                    category,
                    osi_approved: matches!(field(id, "osi_approved"), Some(Value::Bool(true))),
                    fsf_libre: matches!(field(id, "fsf_libre"), Some(Value::Bool(true))),
                    packages: vec![label.clone()],
                }),
            }
        }
        let parsed: Option<&License> = match license {
            Some(Value::License(l)) => Some(l),
            _ => None,
        };
        let mut checks = Vec::new();
        if let (Some(l), Some(policy)) = (parsed, policy) {
            for (ri, rule, list) in &rules {
                if crate::eval::filter_holds(policy, facts, sources, *ri, p) == Some(true) {
                    let a = allowed_by(l, list);
                    checks.push(PolicyCheck {
                        rule: rule.clone(),
                        allowed: a.allowed,
                        satisfied_by: a.satisfied_by,
                        not_allowed: a.not_allowed,
                    });
                }
            }
        }
        let concluded_from = s(field(p, "license_source")).unwrap_or_default();
        let notes: Vec<String> = list(field(p, "license_notes"))
            .iter()
            .filter_map(|n| s(Some(n)))
            .collect();
        totals.packages += 1;
        totals.unknown += usize::from(unknown);
        totals.clarified += usize::from(concluded_from == "clarified");
        totals.rewritten += usize::from(notes.iter().any(|n| n.contains("is not strict SPDX")));
        packages.push(PackageEntry {
            name,
            version,
            kind: s(field(p, "kind")).unwrap_or_default(),
            direct: matches!(field(p, "direct"), Some(Value::Bool(true))),
            workspace: matches!(field(p, "workspace"), Some(Value::Bool(true))),
            path: s(field(p, "path")).unwrap_or_default(),
            declared: s(field(p, "declared")),
            license: license.and_then(|l| s(Some(l))),
            concluded_from,
            notes,
            clarification: s(field(p, "clarification")),
            policy: checks,
            unknown,
            purl: s(field(p, "purl")),
        });
    }
    let rank = |c: &str| {
        Category::ALL
            .iter()
            .position(|x| x.name() == c)
            .unwrap_or(Category::ALL.len())
    };
    licenses.sort_by(|a, b| {
        rank(&a.category)
            .cmp(&rank(&b.category))
            .then(a.id.cmp(&b.id))
    });
    totals.licenses = licenses.len();
    let license_rules: Vec<&str> = policy
        .map(|p| {
            p.rules
                .iter()
                .filter(|r| reads_licenses(p, r))
                .map(|r| r.name.as_str())
                .collect()
        })
        .unwrap_or_default();
    let relevant = |f: &Finding| license_rules.contains(&f.rule.as_str());
    let findings: Vec<FindingEntry> = outcome
        .findings
        .iter()
        .filter(|f| relevant(f))
        .map(|f| FindingEntry {
            rule: f.rule.clone(),
            level: f.level.name().to_string(),
            message: f.message.clone(),
            waived: f.waived.is_some(),
        })
        .collect();
    totals.blocking = outcome
        .findings
        .iter()
        .filter(|f| {
            relevant(f) && f.waived.is_none() && f.level == crate::policy::ast::Level::Block
        })
        .count();
    totals.waived = findings.iter().filter(|f| f.waived).count();
    let mut waivers: Vec<WaiverEntry> = Vec::new();
    if let Some(p) = policy {
        for w in &p.waivers {
            let Some(rule) = p.rules.get(w.rule) else {
                continue;
            };
            if !license_rules.contains(&rule.name.as_str()) {
                continue;
            }
            let waived = outcome
                .findings
                .iter()
                .filter(|f| {
                    f.kind == FindingKind::Rule
                        && f.waived.as_ref().is_some_and(|x| x.span == w.span)
                })
                .map(|f| f.message.clone())
                .collect();
            waivers.push(WaiverEntry {
                rule: rule.name.clone(),
                by: w.by.clone(),
                because: w.because.clone(),
                until: w.until.to_string(),
                waived,
            });
        }
    }
    Some(LicenseReport {
        schema: 1,
        verdict: outcome.verdict.name().to_string(),
        scope,
        totals,
        licenses,
        packages,
        findings,
        waivers,
    })
}

fn reads_licenses(p: &Policy, r: &crate::policy::ir::RuleDef) -> bool {
    fn reads(e: &Expr, ns: usize) -> bool {
        match &e.node {
            Node::Namespace(i) => *i == ns,
            Node::Field(b, _, _) | Node::Not(b) | Node::Neg(b) => reads(b, ns),
            Node::Index(a, b) | Node::Range(a, b) => reads(a, ns) || reads(b, ns),
            Node::Call(_, xs) | Node::List(xs) | Node::And(xs) | Node::Or(xs) => {
                xs.iter().any(|x| reads(x, ns))
            }
            Node::Comprehension {
                elem,
                collection,
                filter,
                ..
            } => {
                reads(elem, ns)
                    || reads(collection, ns)
                    || filter.as_ref().is_some_and(|f| reads(f, ns))
            }
            Node::Quantifier {
                collection, filter, ..
            } => reads(collection, ns) || filter.as_ref().is_some_and(|f| reads(f, ns)),
            Node::Arith { first, rest } => {
                reads(first, ns) || rest.iter().any(|(_, x)| reads(x, ns))
            }
            Node::Compare { lhs, rhs, .. } => reads(lhs, ns) || reads(rhs, ns),
            Node::Matches { lhs, .. } => reads(lhs, ns),
            Node::AllowedBy { lhs, list } => {
                reads(lhs, ns) || matches!(list, AllowSource::Dynamic(x) if reads(x, ns))
            }
            Node::Const(_) | Node::Local(_) | Node::Let(_) => false,
        }
    }
    let Some(ns) = p.namespaces.iter().position(|n| n == "licenses") else {
        return false;
    };
    r.fors.iter().any(|f| reads(&f.collection, ns)) || reads(&r.condition, ns)
}

/// The model as JSON.
pub fn json(r: &LicenseReport) -> String {
    let mut text = serde_json::to_string_pretty(r).unwrap_or_default();
    text.push('\n');
    text
}

/// Markdown for a pull request or a wiki page.
pub fn markdown(r: &LicenseReport) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# License review: {}\n", verdict_words(&r.verdict));
    scope_lines(r, &mut o, |k, v| format!("- **{k}:** {v}\n"));
    let t = &r.totals;
    let _ = writeln!(
        o,
        "\n{} packages, {} licenses; {} unknown, {} clarified by legal, {} read loosely; {} blocking findings, {} waived.\n",
        t.packages, t.licenses, t.unknown, t.clarified, t.rewritten, t.blocking, t.waived
    );
    if !r.findings.is_empty() {
        let _ = writeln!(o, "## Findings\n");
        for f in &r.findings {
            let _ = writeln!(
                o,
                "- **{}** `{}`{}: {}",
                f.level,
                f.rule,
                if f.waived { " (waived)" } else { "" },
                md_escape(&f.message)
            );
        }
        o.push('\n');
    }
    let _ = writeln!(o, "## Licenses by category\n");
    let _ = writeln!(
        o,
        "| category | license | OSI | FSF | packages |\n|---|---|---|---|---|"
    );
    for l in &r.licenses {
        let _ = writeln!(
            o,
            "| {} | `{}` {} | {} | {} | {} |",
            l.category,
            l.id,
            md_escape(&l.name),
            yes(l.osi_approved),
            yes(l.fsf_libre),
            md_escape(&l.packages.join(", "))
        );
    }
    let unknown: Vec<&PackageEntry> = r.packages.iter().filter(|p| p.unknown).collect();
    if !unknown.is_empty() {
        let _ = writeln!(o, "\n## Unknowns\n");
        for p in unknown {
            let _ = writeln!(
                o,
                "- {} {} — {} (via {})",
                p.name,
                p.version,
                p.license
                    .as_deref()
                    .map_or("no license".to_string(), |l| format!(
                        "`{l}`, a license outside legal's table"
                    )),
                md_escape(&p.path)
            );
        }
    }
    let clarified: Vec<&PackageEntry> = r
        .packages
        .iter()
        .filter(|p| p.clarification.is_some())
        .collect();
    if !clarified.is_empty() {
        let _ = writeln!(o, "\n## Clarifications\n");
        for p in clarified {
            let _ = writeln!(
                o,
                "- {} {}: `{}` — {}",
                p.name,
                p.version,
                p.license.as_deref().unwrap_or("-"),
                md_escape(p.clarification.as_deref().unwrap_or(""))
            );
        }
    }
    if !r.waivers.is_empty() {
        let _ = writeln!(o, "\n## Waivers\n");
        for w in &r.waivers {
            let _ = writeln!(
                o,
                "- `{}` until {}, by {}: {} ({} finding{} waived)",
                w.rule,
                w.until,
                md_escape(&w.by),
                md_escape(&w.because),
                w.waived.len(),
                if w.waived.len() == 1 { "" } else { "s" }
            );
        }
    }
    let _ = writeln!(o, "\n## Packages\n");
    let _ = writeln!(
        o,
        "| package | kind | declared | concluded | from | policy | pulled in by |\n|---|---|---|---|---|---|---|"
    );
    for p in &r.packages {
        let _ = writeln!(
            o,
            "| {} {} | {}{} | {} | {} | {} | {} | {} |",
            p.name,
            p.version,
            p.kind,
            if p.direct { ", direct" } else { "" },
            p.declared
                .as_deref()
                .map_or("—".into(), |d| format!("`{}`", md_escape(d))),
            p.license
                .as_deref()
                .map_or("none".into(), |d| format!("`{}`", md_escape(d))),
            p.concluded_from,
            md_escape(&policy_words(p)),
            md_escape(&p.path)
        );
    }
    o
}

fn verdict_words(v: &str) -> &'static str {
    match v {
        "go" => "go",
        "no-go" => "no-go",
        "unchecked" => "no policy checked",
        _ => "error",
    }
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn policy_words(p: &PackageEntry) -> String {
    p.policy
        .iter()
        .map(|c| {
            if c.allowed {
                format!("{}: allowed by {}", c.rule, c.satisfied_by.join(" AND "))
            } else {
                format!("{}: not allowed: {}", c.rule, c.not_allowed.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn scope_lines(r: &LicenseReport, o: &mut String, line: impl Fn(&str, &str) -> String) {
    let s = &r.scope;
    let input = match s.input.as_str() {
        "cargo" => "Cargo workspace",
        "spdx" => "SPDX SBOM",
        "cyclonedx" => "CycloneDX SBOM",
        other => other,
    };
    o.push_str(&line("Input", &format!("{input} `{}`", s.file)));
    o.push_str(&line("Target", &s.target));
    o.push_str(&line("Features", &s.features));
    if let Some(p) = &s.policy {
        o.push_str(&line("Policy", p));
    }
    if let Some(d) = &s.decided_at {
        o.push_str(&line("Decided at", d));
    }
    o.push_str(&line(
        "Read by",
        &format!("gate {}, SPDX license list {}", s.gate, s.license_list),
    ));
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn h(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A self-contained page a lawyer can print: no scripts, no external resources.
pub fn html(r: &LicenseReport) -> String {
    let mut o = String::new();
    let title = format!("License review: {}", verdict_words(&r.verdict));
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
        h(&title)
    );
    let _ = writeln!(
        o,
        "<h1>License review: <span class=\"verdict {}\">{}</span></h1>",
        h(&r.verdict),
        h(verdict_words(&r.verdict))
    );
    o.push_str("<dl class=\"scope\">\n");
    scope_lines(r, &mut o, |k, v| {
        format!("<dt>{}</dt><dd>{}</dd>\n", h(k), h(&v.replace('`', "")))
    });
    o.push_str("</dl>\n");
    let t = &r.totals;
    let _ = writeln!(
        o,
        "<p class=\"totals\">{} packages, {} licenses; {} unknown, {} clarified by legal, {} read loosely; {} blocking findings, {} waived.</p>",
        t.packages, t.licenses, t.unknown, t.clarified, t.rewritten, t.blocking, t.waived
    );
    if !r.findings.is_empty() {
        o.push_str("<h2>Findings</h2>\n<ul class=\"findings\">\n");
        for f in &r.findings {
            let _ = writeln!(
                o,
                "<li class=\"{}{}\"><b>{}</b> <code>{}</code>{}: {}</li>",
                h(&f.level),
                if f.waived { " waived" } else { "" },
                h(&f.level),
                h(&f.rule),
                if f.waived { " (waived)" } else { "" },
                h(&f.message)
            );
        }
        o.push_str("</ul>\n");
    }
    o.push_str("<h2>Licenses by category</h2>\n");
    for c in Category::ALL {
        let rows: Vec<&LicenseEntry> = r
            .licenses
            .iter()
            .filter(|l| l.category == c.name())
            .collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(
            o,
            "<h3>{}</h3>\n<p class=\"meaning\">{}</p>\n<table>\n<thead><tr><th>license</th><th>OSI</th><th>FSF</th><th>packages</th></tr></thead>\n<tbody>",
            h(c.name()),
            h(c.meaning())
        );
        for l in rows {
            let _ = writeln!(
                o,
                "<tr><td><code>{}</code><br><small>{}</small></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                h(&l.id),
                h(&l.name),
                yes(l.osi_approved),
                yes(l.fsf_libre),
                h(&l.packages.join(", "))
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    let unknown: Vec<&PackageEntry> = r.packages.iter().filter(|p| p.unknown).collect();
    if !unknown.is_empty() {
        o.push_str("<h2>Unknowns</h2>\n<ul class=\"unknowns\">\n");
        for p in unknown {
            let what = p.license.as_deref().map_or("no license".to_string(), |l| {
                format!("<code>{}</code>, a license outside legal's table", h(l))
            });
            let _ = writeln!(
                o,
                "<li>{} {} — {} (via {})</li>",
                h(&p.name),
                h(&p.version),
                what,
                h(&p.path)
            );
        }
        o.push_str("</ul>\n");
    }
    let clarified: Vec<&PackageEntry> = r
        .packages
        .iter()
        .filter(|p| p.clarification.is_some())
        .collect();
    if !clarified.is_empty() {
        o.push_str("<h2>Clarifications</h2>\n<ul>\n");
        for p in clarified {
            let _ = writeln!(
                o,
                "<li>{} {}: <code>{}</code> — {}</li>",
                h(&p.name),
                h(&p.version),
                h(p.license.as_deref().unwrap_or("-")),
                h(p.clarification.as_deref().unwrap_or(""))
            );
        }
        o.push_str("</ul>\n");
    }
    if !r.waivers.is_empty() {
        o.push_str("<h2>Waivers</h2>\n<table>\n<thead><tr><th>rule</th><th>until</th><th>by</th><th>because</th><th>waived</th></tr></thead>\n<tbody>\n");
        for w in &r.waivers {
            let _ = writeln!(
                o,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                h(&w.rule),
                h(&w.until),
                h(&w.by),
                h(&w.because),
                h(&w.waived.join("; "))
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    o.push_str("<h2>Packages</h2>\n<table class=\"packages\">\n<thead><tr><th>package</th><th>kind</th><th>declared</th><th>concluded</th><th>how</th><th>policy</th><th>pulled in by</th></tr></thead>\n<tbody>\n");
    for p in &r.packages {
        let notes = if p.notes.is_empty() {
            String::new()
        } else {
            format!("<br><small>{}</small>", h(&p.notes.join("; ")))
        };
        let _ = writeln!(
            o,
            "<tr{}><td>{} {}</td><td>{}{}</td><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td></tr>",
            if p.unknown { " class=\"unknown\"" } else { "" },
            h(&p.name),
            h(&p.version),
            h(&p.kind),
            if p.direct { ", direct" } else { "" },
            p.declared
                .as_deref()
                .map_or("—".into(), |d| format!("<code>{}</code>", h(d))),
            p.license
                .as_deref()
                .map_or("none".into(), |d| format!("<code>{}</code>", h(d))),
            h(&p.concluded_from),
            notes,
            h(&policy_words(p)),
            h(&p.path)
        );
    }
    o.push_str("</tbody>\n</table>\n</body>\n</html>\n");
    o
}

const CSS: &str =
    "body { font: 11pt/1.4 Georgia, 'Times New Roman', serif; margin: 2em; color: #111; }
h1 { font-size: 18pt; } h2 { font-size: 14pt; margin-top: 1.5em; border-bottom: 1px solid #999; }
h3 { font-size: 12pt; margin-bottom: 0.2em; } .meaning { margin-top: 0; font-style: italic; }
.verdict.no-go, .verdict.error { color: #a00; } .verdict.go { color: #060; }
dl.scope { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
dt { font-weight: bold; } dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; margin-bottom: 1em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.4em; text-align: left; vertical-align: top; }
thead { display: table-header-group; } tr { page-break-inside: avoid; }
tr.unknown td { background: #fff3cd; } li.block:not(.waived) { color: #a00; }
code { font-family: 'DejaVu Sans Mono', monospace; font-size: 9pt; }
@media print { body { margin: 0; } h2 { page-break-after: avoid; } }
";

//! The data inventory (`gate source inventory`): every regulated item with its category,
//! protection and exposures, the unclassified suspects and the files that could not be read —
//! the evidence an auditor asks for under HIPAA, PCI DSS and GDPR. JSON is the model itself.

use crate::facts::Facts;
use crate::value::Value;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Clone, Debug, Serialize)]
pub struct Inventory {
    pub schema: u32,
    pub scanned: Scanned,
    pub totals: Totals,
    /// By category, then path.
    pub items: Vec<Entry>,
    pub unclassified: Vec<Suspect>,
    pub parse_errors: Vec<ParseError>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Scanned {
    pub files: u64,
    pub lines: u64,
    pub decided_at: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    pub items: usize,
    pub protected: usize,
    pub exposed: usize,
    pub unprotected: usize,
    pub unclassified: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub path: String,
    pub item: String,
    pub category: String,
    pub id: Option<String>,
    pub never_store: bool,
    pub r#type: Option<String>,
    pub at: String,
    pub marked_by: String,
    pub protection: String,
    pub protected: bool,
    pub exposures: Vec<Exposure>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Exposure {
    pub kind: String,
    pub at: String,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Suspect {
    pub path: String,
    pub at: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ParseError {
    pub at: String,
    pub message: String,
}

fn field<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    match v {
        Value::Record(r) => r.get(name),
        _ => None,
    }
}

fn s(v: &Value, name: &str) -> Option<String> {
    match field(v, name)? {
        Value::None => None,
        Value::Str(x) => Some(x.to_string()),
        other => Some(other.to_string()),
    }
}

fn list<'a>(v: &'a Value, name: &str) -> &'a [Value] {
    match field(v, name) {
        Some(Value::List(l)) => l,
        _ => &[],
    }
}

fn at(v: &Value) -> String {
    let file = s(v, "file").unwrap_or_default();
    match (s(v, "line"), s(v, "column")) {
        (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
        (Some(l), None) => format!("{file}:{l}"),
        _ => file,
    }
}

/// The inventory of the `source` facts; `None` when there are none.
pub fn build(facts: &Facts, decided_at: Option<String>) -> Option<Inventory> {
    let ns = &facts.get("source")?.value;
    let mut items: Vec<Entry> = list(ns, "regulated")
        .iter()
        .map(|r| Entry {
            path: s(r, "path").unwrap_or_default(),
            item: s(r, "item").unwrap_or_default(),
            category: s(r, "category").unwrap_or_default(),
            id: s(r, "id"),
            never_store: matches!(field(r, "never_store"), Some(Value::Bool(true))),
            r#type: s(r, "type"),
            at: at(r),
            marked_by: s(r, "marked_by").unwrap_or_default(),
            protection: s(r, "protection").unwrap_or_default(),
            protected: matches!(field(r, "protected"), Some(Value::Bool(true))),
            exposures: list(r, "exposures")
                .iter()
                .map(|e| Exposure {
                    kind: s(e, "kind").unwrap_or_default(),
                    at: at(e),
                    detail: s(e, "detail").unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    items.sort_by(|a, b| (&a.category, &a.path).cmp(&(&b.category, &b.path)));
    let unclassified: Vec<Suspect> = list(ns, "unclassified")
        .iter()
        .map(|u| Suspect {
            path: s(u, "path").unwrap_or_default(),
            at: at(u),
            reason: s(u, "reason").unwrap_or_default(),
        })
        .collect();
    let parse_errors: Vec<ParseError> = list(ns, "parse_errors")
        .iter()
        .map(|p| ParseError {
            at: at(p),
            message: s(p, "message").unwrap_or_default(),
        })
        .collect();
    let num = |name: &str| s(ns, name).and_then(|x| x.parse().ok()).unwrap_or(0);
    let totals = Totals {
        items: items.len(),
        protected: items.iter().filter(|i| i.protected).count(),
        exposed: items.iter().filter(|i| !i.exposures.is_empty()).count(),
        unprotected: items
            .iter()
            .filter(|i| i.protection == "none" && i.exposures.is_empty())
            .count(),
        unclassified: unclassified.len(),
    };
    Some(Inventory {
        schema: 1,
        scanned: Scanned {
            files: num("files"),
            lines: num("lines"),
            decided_at,
        },
        totals,
        items,
        unclassified,
        parse_errors,
    })
}

pub fn json(inv: &Inventory) -> String {
    let mut t = serde_json::to_string_pretty(inv).unwrap_or_default();
    t.push('\n');
    t
}

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Markdown for an auditor: a summary, one table per category, then what needs review.
pub fn markdown(inv: &Inventory) -> String {
    let mut o = String::new();
    let t = &inv.totals;
    let _ = writeln!(o, "# Regulated data inventory\n");
    let _ = writeln!(
        o,
        "{} files, {} lines scanned{}.\n",
        inv.scanned.files,
        inv.scanned.lines,
        inv.scanned
            .decided_at
            .as_deref()
            .map(|d| format!(" at {d}"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        o,
        "{} regulated items: {} protected, {} exposed, {} with no protection; {} unclassified suspects; {} files not read.\n",
        t.items,
        t.protected,
        t.exposed,
        t.unprotected,
        t.unclassified,
        inv.parse_errors.len()
    );
    let mut categories: Vec<&str> = inv.items.iter().map(|i| i.category.as_str()).collect();
    categories.dedup();
    for c in categories {
        let _ = writeln!(o, "## {}\n", c.to_uppercase());
        let _ = writeln!(
            o,
            "| item | kind | id | never store | type | declared at | protection | exposures |\n|---|---|---|---|---|---|---|---|"
        );
        for i in inv.items.iter().filter(|i| i.category == c) {
            let exposures = if i.exposures.is_empty() {
                "none".to_string()
            } else {
                i.exposures
                    .iter()
                    .map(|e| format!("{} at `{}`: {}", e.kind, e.at, e.detail))
                    .collect::<Vec<_>>()
                    .join("<br>")
            };
            let _ = writeln!(
                o,
                "| `{}` | {} | {} | {} | {} | `{}` | {}{} | {} |",
                i.path,
                i.item,
                i.id.as_deref().unwrap_or("—"),
                if i.never_store { "yes" } else { "no" },
                i.r#type
                    .as_deref()
                    .map_or("—".into(), |t| format!("`{}`", md(t))),
                i.at,
                i.protection,
                if i.protected { " (protected)" } else { "" },
                md(&exposures)
            );
        }
        o.push('\n');
    }
    if !inv.unclassified.is_empty() {
        let _ = writeln!(o, "## Unclassified suspects\n");
        for u in &inv.unclassified {
            let _ = writeln!(o, "- `{}` at `{}`: {}", u.path, u.at, md(&u.reason));
        }
        o.push('\n');
    }
    if !inv.parse_errors.is_empty() {
        let _ = writeln!(o, "## Files not read\n");
        for p in &inv.parse_errors {
            let _ = writeln!(o, "- `{}`: {}", p.at, md(&p.message));
        }
    }
    o
}

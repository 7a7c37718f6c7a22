//! The files of a tree joined: which items are regulated (their own annotation, or the
//! annotation of their type — a crate-wide type table), how each is protected, and every place
//! it is exposed. Pure: `FileFacts` in, items out.

use super::model::{
    Annotation, Declared, FileFacts, Form, ItemKind, Loc, MacroKind, MacroUse, TypeDef,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Protective types by default: secrecy's and redact's secrets (matched on the last path
/// segment of any type named in the field's type).
pub const DEFAULT_PROTECTIVE: &[&str] = &[
    "SecretString",
    "SecretBox",
    "SecretSlice",
    "SecretVec",
    "Secret",
    "SecretBytes",
];

/// Names that look regulated, and what they look like: (pattern on the snake_case words of a
/// name, what it suggests).
pub const DEFAULT_SUSPECTS: &[(&str, &str)] = &[
    (
        r"^(ssn|social_security(_number)?|sin)$",
        "a social security number",
    ),
    (
        r"^(dob|date_of_birth|birth_?date|birthday)$",
        "a date of birth",
    ),
    (
        r"^(diagnosis|diagnoses|condition|icd(10)?(_code)?|prescription|medication)$",
        "health data",
    ),
    (
        r"^(mrn|medical_record(_number)?|patient_id|health_record)$",
        "a medical record number",
    ),
    (
        r"^(pan|card_?number|cc_?number|credit_card|card_no)$",
        "a card number",
    ),
    (
        r"^(cvv|cvc|cvv2|card_verification|security_code)$",
        "a card verification code",
    ),
    (
        r"^(iban|bank_account|account_number|routing_number|bic)$",
        "a bank account",
    ),
    (r"^(e_?mail|email_address)$", "an email address"),
    (
        r"^(phone|phone_number|mobile|telephone|tel)$",
        "a phone number",
    ),
    (
        r"^(address|street|street_address|postal_address|home_address|zip_?code|postcode)$",
        "a postal address",
    ),
    (
        r"^(passport(_number)?|national_id|tax_id|tin|driver_?licen[cs]e)$",
        "a national identifier",
    ),
    (
        r"^(ip|ip_address|ip_addr)$",
        "an IP address (personal data under GDPR)",
    ),
];

/// How a value is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protection {
    SecretType,
    Redacted,
    None,
}

impl Protection {
    pub fn name(self) -> &'static str {
        match self {
            Protection::SecretType => "secret-type",
            Protection::Redacted => "redacted",
            Protection::None => "none",
        }
    }
}

/// One place a regulated value leaves the program.
#[derive(Clone, Debug, PartialEq)]
pub struct Exposure {
    pub kind: &'static str,
    pub file: PathBuf,
    pub loc: Loc,
    pub detail: String,
}

/// How an item came to be regulated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkedBy {
    Attribute,
    DocComment,
    Type,
}

impl MarkedBy {
    pub fn name(self) -> &'static str {
        match self {
            MarkedBy::Attribute => "attribute",
            MarkedBy::DocComment => "doc-comment",
            MarkedBy::Type => "type",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub path: String,
    pub name: String,
    pub kind: ItemKind,
    pub annotation: Annotation,
    pub marked_by: MarkedBy,
    pub ty: Option<String>,
    pub file: PathBuf,
    pub loc: Loc,
    pub protection: Protection,
    pub exposures: Vec<Exposure>,
}

impl Item {
    /// Protected only when something protects it and nothing exposes it.
    pub fn protected(&self) -> bool {
        self.protection != Protection::None && self.exposures.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Suspect {
    pub path: String,
    pub file: PathBuf,
    pub loc: Loc,
    pub reason: String,
}

/// The identifiers a type is written with: `Option<Vec<secrecy::SecretString>>` → Option, Vec,
/// secrecy, SecretString.
fn type_idents(ty: &str) -> impl Iterator<Item = &str> {
    ty.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|s| !s.is_empty())
}

/// Joins the files. `protective` are the protective type names (defaults plus the plan's);
/// `suspects` the compiled name patterns.
pub fn resolve(
    files: &[FileFacts],
    protective: &[String],
    suspects: &[(regex::Regex, String)],
) -> (Vec<Item>, Vec<Suspect>) {
    // The type table: struct and enum names → their annotation (if marked) and definition.
    let mut marked: HashMap<&str, (&Annotation, &Path, &Declared)> = HashMap::new();
    let mut defs: HashMap<&str, (&TypeDef, &Path)> = HashMap::new();
    let mut variant_owner: HashMap<&str, &str> = HashMap::new();
    for f in files {
        for d in &f.declared {
            match d.kind {
                ItemKind::Struct | ItemKind::Enum => {
                    if let Some(a) = &d.annotation {
                        marked.insert(d.name.as_str(), (a, f.file.as_path(), d));
                    }
                }
                ItemKind::Variant => {
                    if let Some(owner) = &d.owner {
                        variant_owner.insert(d.path.as_str(), owner.as_str());
                    }
                }
                _ => {}
            }
        }
        for t in &f.types {
            defs.insert(t.path.as_str(), (t, f.file.as_path()));
        }
    }
    let defs_by_name: HashMap<&str, (&TypeDef, &Path)> = defs
        .values()
        .map(|(t, p)| (t.name.as_str(), (*t, *p)))
        .collect();
    let is_protective = |ty: &str| type_idents(ty).any(|i| protective.iter().any(|p| p == i));
    let marked_type_of =
        |ty: &str| type_idents(ty).find_map(|i| marked.get(i).map(|m| (i.to_string(), *m)));

    let mut items = Vec::new();
    let mut suspects_out = Vec::new();
    for f in files {
        for d in &f.declared {
            let (annotation, marked_by) = match &d.annotation {
                Some(a) => (
                    a.clone(),
                    if a.form == Form::Attribute {
                        MarkedBy::Attribute
                    } else {
                        MarkedBy::DocComment
                    },
                ),
                None => {
                    let by_type = match d.kind {
                        ItemKind::Field | ItemKind::Static | ItemKind::Param => {
                            d.ty.as_deref().and_then(marked_type_of)
                        }
                        _ => None,
                    };
                    match by_type {
                        Some((_, (a, _, _))) => (a.clone(), MarkedBy::Type),
                        None => {
                            if let Some(reason) = suspect(d, suspects) {
                                suspects_out.push(Suspect {
                                    path: d.path.clone(),
                                    file: f.file.clone(),
                                    loc: d.loc,
                                    reason,
                                });
                            }
                            continue;
                        }
                    }
                }
            };
            let protection = if d.ty.as_deref().is_some_and(is_protective) {
                Protection::SecretType
            } else if d.redacted {
                Protection::Redacted
            } else {
                Protection::None
            };
            items.push(Item {
                path: d.path.clone(),
                name: d.name.clone(),
                kind: d.kind,
                annotation,
                marked_by,
                ty: d.ty.clone(),
                file: f.file.clone(),
                loc: d.loc,
                protection,
                exposures: Vec::new(),
            });
        }
    }

    // Exposures.
    let declared_by_path: HashMap<&str, (&Declared, &Path)> = files
        .iter()
        .flat_map(|f| {
            f.declared
                .iter()
                .map(move |d| (d.path.as_str(), (d, f.file.as_path())))
        })
        .collect();
    for item in &mut items {
        let Some((decl, _)) = declared_by_path.get(item.path.as_str()).copied() else {
            continue;
        };
        let mut out = Vec::new();
        match item.kind {
            ItemKind::Field => field_exposures(
                item,
                decl,
                &defs,
                &variant_owner,
                &defs_by_name,
                files,
                &mut out,
            ),
            ItemKind::Struct | ItemKind::Enum => {
                if let Some((t, file)) = defs.get(item.path.as_str()) {
                    for (derive, loc) in &t.derives {
                        if derive == "Debug" || derive == "Serialize" || derive == "Display" {
                            out.push(Exposure {
                                kind: derive_kind(derive),
                                file: file.to_path_buf(),
                                loc: *loc,
                                detail: format!(
                                    "`#[derive({derive})]` on `{}` shows its value",
                                    t.name
                                ),
                            });
                        }
                    }
                }
                // Hand-written Debug/Display of a marked type that reads its fields.
                for f in files {
                    for imp in &f.impls {
                        if imp.self_ty == item.name && (!imp.fields.is_empty() || imp.whole) {
                            out.push(Exposure {
                                kind: if imp.trait_name == "Display" {
                                    "display"
                                } else {
                                    "debug"
                                },
                                file: f.file.clone(),
                                loc: imp.fields.first().map_or(imp.loc, |(_, l)| *l),
                                detail: format!(
                                    "`impl {} for {}` shows its value",
                                    imp.trait_name, imp.self_ty
                                ),
                            });
                        }
                    }
                }
            }
            ItemKind::Param => {
                for f in files {
                    for ins in &f.instrumented {
                        let Some(fn_prefix) = item.path.rsplit_once("::").map(|(p, _)| p) else {
                            continue;
                        };
                        if !fn_prefix.ends_with(&ins.function) || ins.skip_all {
                            continue;
                        }
                        if ins.params.iter().any(|(n, _, _)| *n == item.name)
                            && !ins.skipped.contains(&item.name)
                        {
                            out.push(Exposure {
                                kind: "instrument",
                                file: f.file.clone(),
                                loc: ins.loc,
                                detail: format!(
                                    "`#[instrument]` on `{}` records `{}` without `skip`",
                                    ins.function, item.name
                                ),
                            });
                        }
                    }
                }
            }
            ItemKind::Variant => {
                // A derive on the enum shows or writes every variant, this one too.
                let Some(enum_path) = decl.owner.as_deref() else {
                    continue;
                };
                if let Some((t, file)) = defs.get(enum_path) {
                    for (derive, loc) in &t.derives {
                        if derive == "Debug" || derive == "Serialize" {
                            out.push(Exposure {
                                kind: derive_kind(derive),
                                file: file.to_path_buf(),
                                loc: *loc,
                                detail: format!(
                                    "`#[derive({derive})]` on `{}` shows the variant `{}` and its data",
                                    t.name, item.name
                                ),
                            });
                        }
                    }
                }
            }
            ItemKind::Static => {}
        }
        if item.kind != ItemKind::Param {
            log_exposures(item, files, &mut out);
        }
        // A secret type redacts itself in Debug and Display and does not serialize: what it
        // would expose, it does not.
        if item.protection == Protection::SecretType {
            out.retain(|e| e.kind == "error-message" || e.kind == "instrument");
        }
        out.sort_by(|a, b| (&a.file, a.loc, a.kind).cmp(&(&b.file, b.loc, b.kind)));
        out.dedup();
        item.exposures = out;
    }
    items.sort_by(|a, b| (&a.path, &a.file, a.loc).cmp(&(&b.path, &b.file, b.loc)));
    suspects_out.sort_by(|a, b| (&a.path, &a.file, a.loc).cmp(&(&b.path, &b.file, b.loc)));
    (items, suspects_out)
}

/// `write!`/`writeln!` write into a formatter or writer the caller chose: inside a Debug or
/// Display impl they are that impl (read separately); every other macro shows or logs.
fn writes_elsewhere(m: &MacroUse) -> bool {
    let last = m.name.rsplit("::").next().unwrap_or(&m.name);
    !(m.kind == MacroKind::Format && (last == "write" || last == "writeln"))
}

fn derive_kind(derive: &str) -> &'static str {
    match derive {
        "Serialize" => "serialize",
        "Display" => "display",
        _ => "debug",
    }
}

fn suspect(d: &Declared, suspects: &[(regex::Regex, String)]) -> Option<String> {
    if !matches!(d.kind, ItemKind::Field | ItemKind::Static | ItemKind::Param) {
        return None;
    }
    let name = d.name.to_lowercase();
    suspects
        .iter()
        .find(|(re, _)| re.is_match(&name))
        .map(|(_, what)| {
            format!(
                "`{}` looks like {what} but carries no `regulated` annotation",
                d.name
            )
        })
}

#[allow(clippy::too_many_arguments)]
fn field_exposures(
    item: &Item,
    decl: &Declared,
    defs: &HashMap<&str, (&TypeDef, &Path)>,
    variant_owner: &HashMap<&str, &str>,
    defs_by_name: &HashMap<&str, (&TypeDef, &Path)>,
    files: &[FileFacts],
    out: &mut Vec<Exposure>,
) {
    let Some(owner) = decl.owner.as_deref() else {
        return;
    };
    // A field of a variant belongs to the variant's enum; the variant names its templates.
    let (type_path, variant) = match variant_owner.get(owner) {
        Some(e) => (*e, owner.rsplit("::").next()),
        None => (owner, None),
    };
    let Some((def, def_file)) = defs.get(type_path) else {
        return;
    };
    let redacting_type = decl
        .ty
        .as_deref()
        .and_then(|ty| type_idents(ty).find_map(|i| defs_by_name.get(i)))
        .is_some_and(|(t, _)| hand_written_redaction(t, files));
    for (derive, loc) in &def.derives {
        match derive.as_str() {
            "Debug" if item.protection == Protection::None && !redacting_type => out.push(Exposure {
                kind: "debug",
                file: def_file.to_path_buf(),
                loc: *loc,
                detail: format!("`#[derive(Debug)]` on `{}` shows `{}`", def.name, item.name),
            }),
            "Serialize" if !decl.serde_skip && decl.serialize_with.is_none() => out.push(Exposure {
                kind: "serialize",
                file: def_file.to_path_buf(),
                loc: *loc,
                detail: format!(
                    "`#[derive(Serialize)]` on `{}` writes `{}` (no `#[serde(skip)]`, `skip_serializing` or redacting `serialize_with`)",
                    def.name, item.name
                ),
            }),
            _ => {}
        }
    }
    for t in &def.error_templates {
        if t.variant.as_deref() != variant && variant.is_some() {
            continue;
        }
        if t.captures.contains(&item.name) {
            out.push(Exposure {
                kind: "error-message",
                file: def_file.to_path_buf(),
                loc: t.loc,
                detail: format!("`#[error(\"{}\")]` formats `{}`", t.template, item.name),
            });
        }
    }
    for f in files {
        for imp in &f.impls {
            if imp.self_ty != def.name {
                continue;
            }
            for (field, loc) in &imp.fields {
                if *field == item.name {
                    out.push(Exposure {
                        kind: if imp.trait_name == "Display" {
                            "display"
                        } else {
                            "debug"
                        },
                        file: f.file.clone(),
                        loc: *loc,
                        detail: format!(
                            "`impl {} for {}` reads `self.{field}`",
                            imp.trait_name, imp.self_ty
                        ),
                    });
                }
            }
        }
        // `#[instrument]` on a function taking the owner: its Debug shows the field.
        let owner_debug = def.derives.iter().any(|(d, _)| d == "Debug");
        if owner_debug && item.protection == Protection::None {
            for ins in &f.instrumented {
                if ins.skip_all {
                    continue;
                }
                for (param, ty, _) in &ins.params {
                    if ins.skipped.contains(param) {
                        continue;
                    }
                    if type_idents(ty).any(|i| i == def.name) {
                        out.push(Exposure {
                            kind: "instrument",
                            file: f.file.clone(),
                            loc: ins.loc,
                            detail: format!(
                                "`#[instrument]` on `{}` records `{param}: {ty}`, whose Debug shows `{}`",
                                ins.function, item.name
                            ),
                        });
                    }
                }
            }
        }
    }
}

/// A type whose Debug is hand-written and reads none of its fields redacts itself.
fn hand_written_redaction(t: &TypeDef, files: &[FileFacts]) -> bool {
    !t.derives.iter().any(|(d, _)| d == "Debug")
        && files.iter().any(|f| {
            f.impls.iter().any(|i| {
                i.self_ty == t.name && i.trait_name == "Debug" && i.fields.is_empty() && !i.whole
            })
        })
}

/// Printing, formatting and logging macros that receive the item: `p.ssn` for a field `ssn`, a
/// bare `ssn` (a local or a capture `{ssn}`), or the static's name.
fn log_exposures(item: &Item, files: &[FileFacts], out: &mut Vec<Exposure>) {
    let name = item.name.as_str();
    if item.kind == ItemKind::Struct
        || item.kind == ItemKind::Enum
        || item.kind == ItemKind::Variant
    {
        return;
    }
    for f in files {
        for m in &f.macros {
            if !writes_elsewhere(m) {
                continue;
            }
            for u in &m.uses {
                let hit = match item.kind {
                    ItemKind::Field => u.segments.last().is_some_and(|l| l == name),
                    ItemKind::Static => u.segments.iter().any(|s| s == name),
                    _ => false,
                };
                if hit {
                    out.push(Exposure {
                        kind: "log",
                        file: f.file.clone(),
                        loc: u.loc,
                        detail: format!("`{}!` receives `{}`", m.name, u.text),
                    });
                }
            }
        }
    }
}

//! SPDX 2.2/2.3 and CycloneDX 1.4–1.6 JSON SBOMs into a [`super::graph::Graph`]: packages with
//! their declared licenses, the roots (what the SBOM describes) and the dependency edges.
//!
//! Every problem of a document is collected (up to [`MAX_ERRORS`]) and located in its text: a
//! value by its JSON pointer, a syntax error by serde_json's line and column.

use super::graph::{DepKind, Edge, Graph, Package, SourceKind};
use crate::diag::Diagnostic;
use crate::facts::pointer::{Locator, escape};
use crate::span::{FileId, Span};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// Which SBOM format a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Spdx,
    CycloneDx,
}

/// What was read: the graph and a description for the report (`SPDX-2.3`, `CycloneDX 1.6`),
/// the tool that made it if the SBOM says, and notes on how gaps in the SBOM were filled.
#[derive(Clone, Debug, PartialEq)]
pub struct Sbom {
    pub format: Format,
    pub spec: String,
    pub tool: Option<String>,
    pub graph: Graph,
    pub notes: Vec<String>,
}

/// The most diagnostics one document reports; the rest are counted in the last one's help.
const MAX_ERRORS: usize = 50;

const SPDX_VERSIONS: [&str; 2] = ["SPDX-2.2", "SPDX-2.3"];
const CDX_VERSIONS: [&str; 3] = ["1.4", "1.5", "1.6"];

/// Reads one SBOM. `text` is the whole file, already registered as `file` in the source map
/// (spans are byte ranges into `text`).
pub fn read(text: &str, file: FileId) -> Result<Sbom, Vec<Diagnostic>> {
    let doc: Value = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(e) => return Err(vec![syntax(text, file, &e)]),
    };
    let mut cx = Cx {
        text,
        file,
        locator: Locator::default(),
        diags: Vec::new(),
        dropped: 0,
    };
    let sbom = match detect(&doc, &mut cx) {
        Some((Format::Spdx, map)) => Some(read_spdx(map, &mut cx)),
        Some((Format::CycloneDx, map)) => Some(read_cdx(map, &mut cx)),
        None => None,
    };
    if cx.dropped > 0
        && let Some(last) = cx.diags.last_mut()
    {
        let more = format!("{} more problems in this SBOM are not shown", cx.dropped);
        last.help = Some(match last.help.take() {
            Some(h) => format!("{h}\n{more}"),
            None => more,
        });
    }
    match sbom {
        Some(sbom) if !cx.diags.iter().any(Diagnostic::is_error) => Ok(sbom),
        _ => Err(cx.diags),
    }
}

// ---------------------------------------------------------------------------------------------
// Locating things in the text

/// The reading context: the text for locating values, and the problems found so far.
struct Cx<'t> {
    text: &'t str,
    file: FileId,
    locator: Locator,
    diags: Vec<Diagnostic>,
    dropped: usize,
}

impl Cx<'_> {
    /// The span of the value at `pointer`: a string with its quotes, a scalar, a container when
    /// it fits on one line, else its opening bracket.
    fn span(&mut self, pointer: &str) -> Span {
        if self.diags.len() >= MAX_ERRORS {
            // The diagnostic will only be counted: spare the walk.
            return Span::new(self.file, 0..0);
        }
        let range = match self.locator.locate(self.text, pointer) {
            Some(start) => start..token_end(self.text.as_bytes(), start),
            None => 0..0,
        };
        Span::new(self.file, range)
    }

    fn push(&mut self, d: Diagnostic) {
        if self.diags.len() < MAX_ERRORS {
            self.diags.push(d);
        } else {
            self.dropped += 1;
        }
    }

    /// A `sbom-field` error at the value at `pointer`.
    fn field(&mut self, pointer: &str, message: String, label: &str, help: &str) {
        let span = self.span(pointer);
        self.push(
            Diagnostic::error("sbom-field", message)
                .at(span, label)
                .help(help),
        );
    }

    /// `obj[key]` as text: `None` when absent or null, an error when of another type.
    fn opt_str<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        ptr: &str,
        key: &str,
        whose: &str,
    ) -> Option<&'v str> {
        match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                self.field(
                    &format!("{ptr}/{}", escape(key)),
                    format!("`{key}` of {whose} is {}, not text", kind(other)),
                    "expected text",
                    &format!("the SBOM's schema makes `{key}` a string"),
                );
                None
            }
        }
    }

    /// `obj[key]` as a list: empty when absent or null, an error when of another type.
    fn opt_list<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        ptr: &str,
        key: &str,
        whose: &str,
    ) -> &'v [Value] {
        match obj.get(key) {
            None | Some(Value::Null) => &[],
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.field(
                    &format!("{ptr}/{}", escape(key)),
                    format!("`{key}` of {whose} is {}, not a list", kind(other)),
                    "expected a list",
                    &format!("the SBOM's schema makes `{key}` an array"),
                );
                &[]
            }
        }
    }

    /// `item` as an object, or an error naming the list it is in.
    fn object<'v>(
        &mut self,
        item: &'v Value,
        ptr: &str,
        list: &str,
        what: &str,
    ) -> Option<&'v Map<String, Value>> {
        match item {
            Value::Object(map) => Some(map),
            other => {
                self.field(
                    ptr,
                    format!("an entry of `{list}` is {}, not {what}", kind(other)),
                    &format!("expected {what}"),
                    &format!("every entry of `{list}` must be a JSON object"),
                );
                None
            }
        }
    }

    fn dangling(&mut self, ptr: &str, message: String, help: &str) {
        let span = self.span(ptr);
        self.push(
            Diagnostic::error("sbom-dangling-ref", message)
                .at(span, "no element of this SBOM has this id")
                .help(help),
        );
    }

    fn duplicate(&mut self, ptr: &str, first: &str, id: &str, whose: &str) {
        let span = self.span(ptr);
        let first = self.span(first);
        self.push(
            Diagnostic::error(
                "sbom-duplicate-id",
                format!("two elements of this SBOM have the {whose} `{id}`"),
            )
            .at(span, "used again here")
            .also(first, "first used here")
            .help(format!(
                "every {whose} must be unique within an SBOM, or its relationships cannot tell the elements apart"
            )),
        );
    }
}

/// How a JSON value is called in messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The end of the string starting at `i` (on its opening quote).
fn string_end(b: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while let Some(&c) = b.get(j) {
        match c {
            b'\\' => j += 2,
            b'"' => return j + 1,
            _ => j += 1,
        }
    }
    b.len()
}

/// The end of the value's token starting at `i`: a string or scalar whole; a container whole
/// when it closes on the same line, else only its opening bracket.
fn token_end(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        None => i,
        Some(b'"') => string_end(b, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while let Some(&c) = b.get(j) {
                match c {
                    b'"' => j = string_end(b, j),
                    b'\n' => return i + 1,
                    b'{' | b'[' => {
                        depth += 1;
                        j += 1;
                    }
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        j += 1;
                        if depth == 0 {
                            return j;
                        }
                    }
                    _ => j += 1,
                }
            }
            i + 1
        }
        Some(_) => {
            let mut j = i + 1;
            while b
                .get(j)
                .is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
            {
                j += 1;
            }
            j
        }
    }
}

/// Not JSON: located at serde_json's line and (byte) column, or at the last character when
/// the document ends too soon.
fn syntax(text: &str, file: FileId, e: &serde_json::Error) -> Diagnostic {
    let reason = crate::diag::serde_reason(e);
    let eof = e.classify() == serde_json::error::Category::Eof;
    let start = if eof {
        text.trim_end().len().saturating_sub(1)
    } else {
        let line_start: usize = text
            .split_inclusive('\n')
            .take(e.line().saturating_sub(1))
            .map(str::len)
            .sum();
        (line_start + e.column().saturating_sub(1)).min(text.len())
    };
    let start = (0..=start)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let end = text
        .get(start..)
        .and_then(|s| s.chars().next())
        .map_or(start, |c| start + c.len_utf8());
    let d = Diagnostic::error(
        "sbom-syntax",
        format!("the SBOM is not valid JSON: {reason}"),
    );
    if eof {
        d.at(Span::new(file, start..end), "the document ends here")
            .help("the file looks truncated: regenerate the SBOM and check the step that writes it")
    } else {
        d.at(Span::new(file, start..end), reason).help(
            "gate reads SBOMs as JSON (SPDX 2.3 JSON or CycloneDX JSON); tag-value and XML SBOMs are not read",
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Which format

fn detect<'v>(doc: &'v Value, cx: &mut Cx) -> Option<(Format, &'v Map<String, Value>)> {
    const HELP: &str = "gate reads SPDX 2.2/2.3 JSON (with `spdxVersion`) and CycloneDX 1.4–1.6 JSON (with `\"bomFormat\": \"CycloneDX\"`)";
    let Value::Object(map) = doc else {
        let span = cx.span("");
        cx.push(
            Diagnostic::error(
                "sbom-format",
                format!("the SBOM is {}, not a JSON object", kind(doc)),
            )
            .at(span, "expected an SPDX or CycloneDX document")
            .help(HELP),
        );
        return None;
    };
    if let Some(v) = map.get("spdxVersion") {
        match v.as_str() {
            Some(s) if SPDX_VERSIONS.contains(&s) => {}
            Some(s) => {
                let span = cx.span("/spdxVersion");
                cx.push(
                    Diagnostic::error(
                        "sbom-version",
                        format!("SPDX version `{s}` is not supported"),
                    )
                    .at(span, "gate reads SPDX-2.2 and SPDX-2.3")
                    .help("regenerate the SBOM as SPDX 2.3 JSON"),
                );
            }
            None => cx.field(
                "/spdxVersion",
                format!("`spdxVersion` is {}, not text", kind(v)),
                "expected text such as \"SPDX-2.3\"",
                "an SPDX document names its version as a string: \"spdxVersion\": \"SPDX-2.3\"",
            ),
        }
        return Some((Format::Spdx, map));
    }
    if let Some(v) = map.get("bomFormat") {
        if v.as_str() != Some("CycloneDX") {
            let span = cx.span("/bomFormat");
            let shown = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            cx.push(
                Diagnostic::error(
                    "sbom-format",
                    format!("`bomFormat` is `{shown}`, not `CycloneDX`"),
                )
                .at(span, "gate reads only CycloneDX documents by this field")
                .help(HELP),
            );
            return None;
        }
        match map.get("specVersion") {
            Some(Value::String(s)) if CDX_VERSIONS.contains(&s.as_str()) => {}
            Some(Value::String(s)) => {
                let span = cx.span("/specVersion");
                cx.push(
                    Diagnostic::error(
                        "sbom-version",
                        format!("CycloneDX version `{s}` is not supported"),
                    )
                    .at(span, "gate reads CycloneDX 1.4, 1.5 and 1.6")
                    .help("regenerate the SBOM as CycloneDX 1.6 JSON (most generators take a spec-version option)"),
                );
            }
            Some(other) => cx.field(
                "/specVersion",
                format!("`specVersion` is {}, not text", kind(other)),
                "expected text such as \"1.6\"",
                "a CycloneDX document names its version as a string: \"specVersion\": \"1.6\"",
            ),
            None => {
                let span = cx.span("/bomFormat");
                cx.push(
                    Diagnostic::error(
                        "sbom-version",
                        "the CycloneDX SBOM does not say its `specVersion`",
                    )
                    .at(span, "a CycloneDX document without a version")
                    .help("add `\"specVersion\": \"1.6\"` (or regenerate the SBOM)"),
                );
            }
        }
        return Some((Format::CycloneDx, map));
    }
    let spdx3 = map.get("@context").is_some_and(|c| {
        let s = c.to_string();
        s.contains("spdx.org/rdf/3") || s.contains("spdx.org/rdf/v3")
    });
    if spdx3 {
        let span = cx.span("/@context");
        cx.push(
            Diagnostic::error("sbom-version", "SPDX 3 JSON-LD SBOMs are not supported")
                .at(span, "an SPDX 3 document")
                .help("regenerate the SBOM as SPDX 2.3 JSON or CycloneDX 1.6 JSON"),
        );
        return None;
    }
    let span = cx.span("");
    cx.push(
        Diagnostic::error(
            "sbom-format",
            "the document is neither an SPDX nor a CycloneDX SBOM: it has no `spdxVersion` and no `bomFormat`",
        )
        .at(span, "not an SBOM gate can read")
        .help(HELP),
    );
    None
}

// ---------------------------------------------------------------------------------------------
// What both formats share

/// What is known of a package besides the graph's fields, to decide its source.
struct Origin {
    download: Option<String>,
    vcs: bool,
}

/// A purl's type and decoded qualifiers.
struct Purl {
    ty: String,
    qualifiers: Vec<(String, String)>,
}

fn parse_purl(s: &str) -> Option<Purl> {
    let rest = s.get(..4).filter(|p| p.eq_ignore_ascii_case("pkg:"))?;
    let rest = s.get(rest.len()..)?.trim_start_matches('/');
    let rest = rest.split('#').next().unwrap_or(rest);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let ty = path.split('/').next()?.to_ascii_lowercase();
    let qualifiers = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_ascii_lowercase(), percent_decode(v)))
        .collect();
    Some(Purl { ty, qualifiers })
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let hex = |j: usize| b.get(j).and_then(|h| (*h as char).to_digit(16));
        match (c, hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'?'));
                i += 3;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_git_url(s: &str) -> bool {
    let s = s.trim().to_ascii_lowercase();
    s.starts_with("git+") || s.starts_with("git://") || s.starts_with("git@") || {
        let path = s.split(['#', '?', '@']).next().unwrap_or(&s);
        path.ends_with(".git")
    }
}

fn is_local(s: &str) -> bool {
    let s = s.trim();
    s.starts_with("file:") || s.starts_with('/') || s.starts_with("./") || s.starts_with("../")
}

/// Where a package comes from, by its purl, download location and VCS references.
fn source_of(purl: Option<&str>, origin: &Origin, root: bool) -> SourceKind {
    let mut registry_purl = false;
    if let Some(p) = purl.and_then(parse_purl) {
        let q = |k: &str| {
            p.qualifiers
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        if q("vcs_url").is_some_and(is_git_url) || q("repository_url").is_some_and(is_git_url) {
            return SourceKind::Git;
        }
        if matches!(p.ty.as_str(), "github" | "gitlab" | "bitbucket") {
            return SourceKind::Git;
        }
        if q("download_url").is_some_and(is_local)
            || (p.ty == "generic" && p.qualifiers.iter().any(|(_, v)| is_local(v)))
        {
            return SourceKind::Path;
        }
        registry_purl = p.ty != "generic";
    }
    let download = origin
        .download
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty() && !is_none(d));
    if download.is_some_and(|d| d.to_ascii_lowercase().starts_with("git+")) {
        return SourceKind::Git;
    }
    if registry_purl {
        return SourceKind::Registry;
    }
    if origin.vcs {
        return SourceKind::Git;
    }
    if purl.is_none() && root && download.is_none() {
        return SourceKind::Path;
    }
    SourceKind::Registry
}

/// `NOASSERTION` or `NONE`: SPDX's "nothing said".
fn is_none(s: &str) -> bool {
    let s = s.trim();
    s.eq_ignore_ascii_case("NOASSERTION") || s.eq_ignore_ascii_case("NONE")
}

/// Adds an edge once; no self-edges.
fn add_edge(
    g: &mut Graph,
    seen: &mut HashSet<(usize, usize, DepKind)>,
    from: usize,
    to: usize,
    kind: DepKind,
) {
    if from != to && seen.insert((from, to, kind)) {
        g.edges.push(Edge { from, to, kind });
    }
}

/// Fills the gaps of an SBOM that names no root or no dependencies, saying so in `notes`.
fn complete(g: &mut Graph, notes: &mut Vec<String>) {
    if g.packages.is_empty() {
        notes.push("the SBOM lists no packages".into());
        return;
    }
    let n = g.packages.len();
    let mut depended = vec![false; n];
    for e in &g.edges {
        if let Some(d) = depended.get_mut(e.to) {
            *d = true;
        }
    }
    if g.roots.is_empty() {
        g.roots = (0..n).filter(|p| !depended[*p]).collect();
        if g.roots.is_empty() {
            g.roots = (0..n).collect();
            notes.push(
                "no root package, and every package is depended on: every package is taken as a root"
                    .into(),
            );
        } else {
            notes.push(
                "no root package: every package nothing depends on is taken as a root".into(),
            );
        }
    }
    let mut is_root = vec![false; n];
    for &r in &g.roots {
        if let Some(x) = is_root.get_mut(r) {
            *x = true;
        }
    }
    let mut seen: HashSet<(usize, usize, DepKind)> =
        g.edges.iter().map(|e| (e.from, e.to, e.kind)).collect();
    if g.edges.is_empty() {
        let targets: Vec<usize> = (0..n).filter(|p| !is_root[*p]).collect();
        if !link_roots(g, &mut seen, &targets) {
            return;
        }
        notes.push(if g.roots.len() == 1 {
            "no dependency relationships: every package is taken as a direct dependency of the root"
                .into()
        } else {
            "no dependency relationships: every package is taken as a direct dependency of every root"
                .into()
        });
        return;
    }
    // Edges, but none from a root: the root's dependencies are the packages nothing depends on.
    if !g
        .edges
        .iter()
        .any(|e| is_root.get(e.from).copied().unwrap_or(false))
    {
        let targets: Vec<usize> = (0..n).filter(|p| !is_root[*p] && !depended[*p]).collect();
        if !link_roots(g, &mut seen, &targets) {
            return;
        }
        notes.push(if g.roots.len() == 1 {
            "the root has no dependency relationships: every package nothing depends on is taken as its direct dependency"
                .into()
        } else {
            "no root has dependency relationships: every package nothing depends on is taken as a direct dependency of every root"
                .into()
        });
    }
}

/// An edge from every root to each of `targets`, of the kind the SBOM states for the target
/// (normal when it states none). False when there is nothing to link.
fn link_roots(
    g: &mut Graph,
    seen: &mut HashSet<(usize, usize, DepKind)>,
    targets: &[usize],
) -> bool {
    if targets.is_empty() {
        return false;
    }
    for r in g.roots.clone() {
        for &p in targets {
            let k = g.packages[p].stated_kind.unwrap_or(DepKind::Normal);
            add_edge(g, seen, r, p, k);
        }
    }
    true
}

/// Where an id points.
#[derive(Clone, Copy)]
enum Target {
    /// A package, by index.
    Package(usize),
    /// Another element of the document (the document itself, a file, a service).
    Other,
}

// ---------------------------------------------------------------------------------------------
// SPDX

fn read_spdx(map: &Map<String, Value>, cx: &mut Cx) -> Sbom {
    let spec = map
        .get("spdxVersion")
        .and_then(Value::as_str)
        .unwrap_or("SPDX")
        .to_string();
    let doc_id = map
        .get("SPDXID")
        .and_then(Value::as_str)
        .unwrap_or("SPDXRef-DOCUMENT")
        .to_string();
    let tool = map
        .get("creationInfo")
        .and_then(|c| c.get("creators"))
        .and_then(Value::as_array)
        .map(|creators| {
            creators
                .iter()
                .filter_map(Value::as_str)
                .filter_map(|c| c.trim().strip_prefix("Tool:"))
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(", ")
        })
        .filter(|t| !t.is_empty());

    let mut g = Graph::default();
    let mut origins: Vec<Origin> = Vec::new();
    // id → (what it is, the pointer of its id, for duplicates)
    let mut ids: HashMap<String, (Target, String)> = HashMap::new();
    ids.insert(doc_id.clone(), (Target::Other, "/SPDXID".into()));

    for (i, item) in cx
        .opt_list(map, "", "packages", "the SBOM")
        .iter()
        .enumerate()
    {
        let ptr = format!("/packages/{i}");
        let Some(p) = cx.object(item, &ptr, "packages", "a package") else {
            continue;
        };
        let id = cx.opt_str(p, &ptr, "SPDXID", "a package");
        let name = cx.opt_str(p, &ptr, "name", "a package");
        let (Some(id), Some(name)) = (id, name) else {
            // Relationships may still name it: one problem, not one per relationship.
            if let Some(id) = id {
                ids.entry(id.to_string())
                    .or_insert((Target::Other, format!("{ptr}/SPDXID")));
            }
            // A field of the wrong type was reported above; report the missing ones here.
            let absent = |k: &str| matches!(p.get(k), None | Some(Value::Null));
            let (message, at, help) = match (absent("SPDXID"), absent("name"), id, name) {
                (true, true, _, _) => (
                    format!("package {} has neither `SPDXID` nor `name`", i + 1),
                    ptr.clone(),
                    "every SPDX package needs a unique `SPDXID` and a `name`",
                ),
                (true, false, _, name) => (
                    match name {
                        Some(name) => format!("package `{name}` has no `SPDXID`"),
                        None => format!("package {} has no `SPDXID`", i + 1),
                    },
                    if name.is_some() {
                        format!("{ptr}/name")
                    } else {
                        ptr.clone()
                    },
                    "every SPDX package needs a unique `SPDXID` (such as `SPDXRef-Package-…`): relationships name packages by it",
                ),
                (false, true, id, _) => (
                    match id {
                        Some(id) => format!("package `{id}` has no `name`"),
                        None => format!("package {} has no `name`", i + 1),
                    },
                    if id.is_some() {
                        format!("{ptr}/SPDXID")
                    } else {
                        ptr.clone()
                    },
                    "every SPDX package needs a `name`",
                ),
                (false, false, _, _) => continue,
            };
            let span = cx.span(&at);
            cx.push(
                Diagnostic::error("sbom-field", message)
                    .at(span, "this package")
                    .help(help),
            );
            continue;
        };
        let id_ptr = format!("{ptr}/SPDXID");
        if let Some((_, first)) = ids.get(id) {
            let first = first.clone();
            cx.duplicate(&id_ptr, &first, id, "`SPDXID`");
            continue;
        }
        let whose = format!("package `{id}`");
        let version = cx.opt_str(p, &ptr, "versionInfo", &whose).unwrap_or("");
        let concluded = cx.opt_str(p, &ptr, "licenseConcluded", &whose);
        let declared = cx.opt_str(p, &ptr, "licenseDeclared", &whose);
        let download = cx.opt_str(p, &ptr, "downloadLocation", &whose);
        let mut purl = None;
        for (k, r) in cx
            .opt_list(p, &ptr, "externalRefs", &whose)
            .iter()
            .enumerate()
        {
            let rptr = format!("{ptr}/externalRefs/{k}");
            let Some(r) = cx.object(r, &rptr, "externalRefs", "an external reference") else {
                continue;
            };
            let ty = cx.opt_str(r, &rptr, "referenceType", &whose);
            let locator = cx.opt_str(r, &rptr, "referenceLocator", &whose);
            if purl.is_none() && ty.is_some_and(|t| t.eq_ignore_ascii_case("purl")) {
                purl = locator.map(str::to_string);
            }
        }
        let license = [concluded, declared]
            .into_iter()
            .flatten()
            .find(|l| !l.trim().is_empty() && !is_none(l))
            .map(str::to_string);
        ids.insert(id.to_string(), (Target::Package(g.packages.len()), id_ptr));
        origins.push(Origin {
            download: download.map(str::to_string),
            vcs: false,
        });
        g.packages.push(Package {
            id: id.to_string(),
            name: name.to_string(),
            version: version.to_string(),
            declared: license,
            license_file: None,
            source: SourceKind::Registry,
            purl,
            manifest: None,
            pointer: Some(ptr),
            stated_kind: None,
        });
    }

    // Files and snippets are elements relationships may name; they are not packages.
    for list in ["files", "snippets"] {
        for (i, item) in cx.opt_list(map, "", list, "the SBOM").iter().enumerate() {
            let ptr = format!("/{list}/{i}");
            let Some(f) = cx.object(item, &ptr, list, "an object") else {
                continue;
            };
            let Some(id) = cx.opt_str(f, &ptr, "SPDXID", &format!("an entry of `{list}`")) else {
                continue;
            };
            let id_ptr = format!("{ptr}/SPDXID");
            if let Some((_, first)) = ids.get(id) {
                let first = first.clone();
                cx.duplicate(&id_ptr, &first, id, "`SPDXID`");
                continue;
            }
            ids.insert(id.to_string(), (Target::Other, id_ptr));
        }
    }

    const DANGLING_HELP: &str = "name a package (or file) of this SBOM by its `SPDXID`, or an element of another document as `DocumentRef-…:SPDXRef-…`";
    // Resolves an id; `None` for ids that are fine but name nothing here.
    let resolve = |cx: &mut Cx, id: &str, ptr: &str, none_ok: bool| -> Option<Target> {
        if id.starts_with("DocumentRef-") || (none_ok && is_none(id)) {
            return None;
        }
        match ids.get(id) {
            Some((t, _)) => Some(*t),
            None => {
                cx.dangling(
                    ptr,
                    format!("`{id}` is named here, but no package or file of this SBOM has this `SPDXID`"),
                    DANGLING_HELP,
                );
                None
            }
        }
    };

    let mut roots: Vec<usize> = Vec::new();
    let add_root = |roots: &mut Vec<usize>, p: usize| {
        if !roots.contains(&p) {
            roots.push(p);
        }
    };
    for (i, item) in cx
        .opt_list(map, "", "documentDescribes", "the SBOM")
        .iter()
        .enumerate()
    {
        let ptr = format!("/documentDescribes/{i}");
        let Some(id) = item.as_str() else {
            cx.field(
                &ptr,
                format!(
                    "an entry of `documentDescribes` is {}, not an `SPDXID`",
                    kind(item)
                ),
                "expected text",
                "`documentDescribes` lists the `SPDXID`s of the packages the document describes",
            );
            continue;
        };
        if let Some(Target::Package(p)) = resolve(cx, id, &ptr, false) {
            add_root(&mut roots, p);
        }
    }

    let mut seen = HashSet::new();
    for (i, item) in cx
        .opt_list(map, "", "relationships", "the SBOM")
        .iter()
        .enumerate()
    {
        let ptr = format!("/relationships/{i}");
        let Some(r) = cx.object(item, &ptr, "relationships", "a relationship") else {
            continue;
        };
        let whose = "a relationship";
        let a = cx.opt_str(r, &ptr, "spdxElementId", whose);
        let b = cx.opt_str(r, &ptr, "relatedSpdxElement", whose);
        let ty = cx.opt_str(r, &ptr, "relationshipType", whose);
        let missing: Vec<&str> = ["spdxElementId", "relatedSpdxElement", "relationshipType"]
            .into_iter()
            .filter(|k| matches!(r.get(*k), None | Some(Value::Null)))
            .collect();
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(" and ");
            cx.field(
                &ptr,
                format!("a relationship has no {list}"),
                "this relationship",
                "a relationship needs `spdxElementId`, `relationshipType` and `relatedSpdxElement`",
            );
        }
        let ta = a.and_then(|a| resolve(cx, a, &format!("{ptr}/spdxElementId"), false));
        let tb = b.and_then(|b| resolve(cx, b, &format!("{ptr}/relatedSpdxElement"), true));
        let Some(ty) = ty else { continue };
        let ty = ty.trim().to_ascii_uppercase();
        match ty.as_str() {
            "DESCRIBES" => {
                if a == Some(doc_id.as_str())
                    && let Some(Target::Package(p)) = tb
                {
                    add_root(&mut roots, p);
                }
                continue;
            }
            "DESCRIBED_BY" => {
                if b == Some(doc_id.as_str())
                    && let Some(Target::Package(p)) = ta
                {
                    add_root(&mut roots, p);
                }
                continue;
            }
            _ => {}
        }
        let (Some(Target::Package(pa)), Some(Target::Package(pb))) = (ta, tb) else {
            continue;
        };
        if let Some((forward, kind)) = spdx_edge(&ty) {
            let (from, to) = if forward { (pa, pb) } else { (pb, pa) };
            add_edge(&mut g, &mut seen, from, to, kind);
        }
    }

    let mut is_root = vec![false; g.packages.len()];
    for &r in &roots {
        if let Some(x) = is_root.get_mut(r) {
            *x = true;
        }
    }
    for ((p, origin), root) in g.packages.iter_mut().zip(&origins).zip(&is_root) {
        p.source = source_of(p.purl.as_deref(), origin, *root);
    }
    g.roots = roots;
    let mut notes = Vec::new();
    complete(&mut g, &mut notes);
    Sbom {
        format: Format::Spdx,
        spec,
        tool,
        graph: g,
        notes,
    }
}

/// The edge an SPDX relationship `A <type> B` makes: `(true, kind)` for A → B, `(false, kind)`
/// for B → A; `None` for relationships that are not about dependencies.
fn spdx_edge(ty: &str) -> Option<(bool, DepKind)> {
    Some(match ty {
        "DEPENDS_ON" | "CONTAINS" | "HAS_PREREQUISITE" => (true, DepKind::Normal),
        "DEPENDENCY_OF"
        | "RUNTIME_DEPENDENCY_OF"
        | "OPTIONAL_DEPENDENCY_OF"
        | "PROVIDED_DEPENDENCY_OF"
        | "CONTAINED_BY"
        | "PREREQUISITE_FOR" => (false, DepKind::Normal),
        "BUILD_DEPENDENCY_OF" | "BUILD_TOOL_OF" => (false, DepKind::Build),
        "DEV_DEPENDENCY_OF" | "TEST_DEPENDENCY_OF" | "DEV_TOOL_OF" | "TEST_TOOL_OF" => {
            (false, DepKind::Dev)
        }
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// CycloneDX

fn read_cdx(map: &Map<String, Value>, cx: &mut Cx) -> Sbom {
    let spec = format!(
        "CycloneDX {}",
        map.get("specVersion")
            .and_then(Value::as_str)
            .unwrap_or("?")
    );
    let metadata = map.get("metadata").and_then(Value::as_object);
    let tool = metadata.and_then(|m| m.get("tools")).and_then(cdx_tools);

    // Every component in document order: the metadata component first, nested ones after
    // their parent.
    let mut components: Vec<(String, &Map<String, Value>)> = Vec::new();
    let mut stack: Vec<(String, &Value)> = Vec::new();
    for (i, item) in cx
        .opt_list(map, "", "components", "the SBOM")
        .iter()
        .enumerate()
        .rev()
    {
        stack.push((format!("/components/{i}"), item));
    }
    let mut root_ptr = None;
    if let Some(c) = metadata.and_then(|m| m.get("component")) {
        match c {
            Value::Null => {}
            Value::Object(_) => {
                root_ptr = Some("/metadata/component".to_string());
                stack.push(("/metadata/component".into(), c));
            }
            other => cx.field(
                "/metadata/component",
                format!("`metadata.component` is {}, not a component", kind(other)),
                "expected a component object",
                "`metadata.component` describes what the SBOM is about, as a component object",
            ),
        }
    }
    while let Some((ptr, item)) = stack.pop() {
        let list = if ptr.starts_with("/metadata") && !ptr.contains("/components/") {
            "metadata.component"
        } else {
            "components"
        };
        let Some(c) = cx.object(item, &ptr, list, "a component") else {
            continue;
        };
        let children = cx.opt_list(c, &ptr, "components", "a component");
        for (i, child) in children.iter().enumerate().rev() {
            stack.push((format!("{ptr}/components/{i}"), child));
        }
        components.push((ptr, c));
    }

    // Explicit bom-refs first, so a component without one cannot take another's by its purl.
    let mut ids: HashMap<String, (Target, String)> = HashMap::new();
    let mut refs: Vec<Option<String>> = Vec::with_capacity(components.len());
    for (n, (ptr, c)) in components.iter().enumerate() {
        let whose = "a component";
        let r = cx.opt_str(c, ptr, "bom-ref", whose);
        match r {
            Some(r) if ids.contains_key(r) => {
                let first = ids.get(r).map(|(_, f)| f.clone()).unwrap_or_default();
                cx.duplicate(&format!("{ptr}/bom-ref"), &first, r, "`bom-ref`");
                refs.push(None);
            }
            Some(r) => {
                ids.insert(
                    r.to_string(),
                    (Target::Package(n), format!("{ptr}/bom-ref")),
                );
                refs.push(Some(r.to_string()));
            }
            None => refs.push(None),
        }
    }
    // Services may be named by dependencies too.
    let mut services: Vec<(String, &Value)> = cx
        .opt_list(map, "", "services", "the SBOM")
        .iter()
        .enumerate()
        .rev()
        .map(|(i, s)| (format!("/services/{i}"), s))
        .collect();
    while let Some((ptr, item)) = services.pop() {
        let Some(s) = cx.object(item, &ptr, "services", "a service") else {
            continue;
        };
        for (i, child) in cx
            .opt_list(s, &ptr, "services", "a service")
            .iter()
            .enumerate()
            .rev()
        {
            services.push((format!("{ptr}/services/{i}"), child));
        }
        if let Some(r) = cx.opt_str(s, &ptr, "bom-ref", "a service") {
            if let Some((_, first)) = ids.get(r) {
                let first = first.clone();
                cx.duplicate(&format!("{ptr}/bom-ref"), &first, r, "`bom-ref`");
            } else {
                ids.insert(r.to_string(), (Target::Other, format!("{ptr}/bom-ref")));
            }
        }
    }

    let mut g = Graph::default();
    let mut origins: Vec<Origin> = Vec::new();
    let mut index: Vec<Option<usize>> = Vec::with_capacity(components.len());
    for (n, (ptr, c)) in components.iter().enumerate() {
        let Some(name) = cx.opt_str(c, ptr, "name", "a component") else {
            if matches!(c.get("name"), None | Some(Value::Null)) {
                let shown = refs
                    .get(n)
                    .and_then(Option::as_deref)
                    .map_or_else(String::new, |r| format!(" `{r}`"));
                let at = if shown.is_empty() {
                    ptr.clone()
                } else {
                    format!("{ptr}/bom-ref")
                };
                cx.field(
                    &at,
                    format!("component{shown} has no `name`"),
                    "the component without a `name`",
                    "every CycloneDX component needs a `name`",
                );
            }
            index.push(None);
            continue;
        };
        let whose = format!("component `{name}`");
        let version = cx.opt_str(c, ptr, "version", &whose).unwrap_or("");
        let purl = cx.opt_str(c, ptr, "purl", &whose).map(str::to_string);
        let scope = cx.opt_str(c, ptr, "scope", &whose);
        let licenses = cx.opt_list(c, ptr, "licenses", &whose);
        let declared = cdx_licenses(cx, licenses, &format!("{ptr}/licenses"), &whose);
        let mut vcs = false;
        for (k, r) in cx
            .opt_list(c, ptr, "externalReferences", &whose)
            .iter()
            .enumerate()
        {
            let rptr = format!("{ptr}/externalReferences/{k}");
            if let Some(r) = cx.object(r, &rptr, "externalReferences", "an external reference")
                && cx.opt_str(r, &rptr, "type", &whose) == Some("vcs")
            {
                vcs = true;
            }
        }
        // npm marks its dev dependencies with a property, not with `scope`.
        let npm_dev = c
            .get("properties")
            .and_then(Value::as_array)
            .is_some_and(|props| {
                props.iter().any(|p| {
                    p.get("name").and_then(Value::as_str) == Some("cdx:npm:package:development")
                        && p.get("value").and_then(Value::as_str) == Some("true")
                })
            });
        let stated_kind = match scope {
            _ if npm_dev => Some(DepKind::Dev),
            Some("excluded") => Some(DepKind::Dev),
            Some("required" | "optional") => Some(DepKind::Normal),
            _ => None,
        };
        let id = match refs.get(n).cloned().flatten() {
            Some(r) => r,
            None => {
                let id = match &purl {
                    Some(p) if !ids.contains_key(p) => p.clone(),
                    _ => {
                        let mut k = g.packages.len();
                        while ids.contains_key(&format!("component-{k}")) {
                            k += 1;
                        }
                        format!("component-{k}")
                    }
                };
                ids.insert(id.clone(), (Target::Package(n), ptr.clone()));
                id
            }
        };
        index.push(Some(g.packages.len()));
        origins.push(Origin {
            download: None,
            vcs,
        });
        g.packages.push(Package {
            id,
            name: name.to_string(),
            version: version.to_string(),
            declared,
            license_file: None,
            source: SourceKind::Registry,
            purl,
            manifest: None,
            pointer: Some(ptr.clone()),
            stated_kind,
        });
    }
    // Component numbers → package indices (components without a name are not packages).
    let package = |t: Target| match t {
        Target::Package(n) => index.get(n).copied().flatten(),
        Target::Other => None,
    };

    const DANGLING_HELP: &str = "every `ref` and `dependsOn` entry must be the `bom-ref` of a component or service of this SBOM";
    let resolve = |cx: &mut Cx, id: &str, ptr: &str| -> Option<Target> {
        match ids.get(id) {
            Some((t, _)) => Some(*t),
            None => {
                cx.dangling(
                    ptr,
                    format!(
                        "`{id}` is named here, but no component of this SBOM has this `bom-ref`"
                    ),
                    DANGLING_HELP,
                );
                None
            }
        }
    };
    let mut seen = HashSet::new();
    for (i, item) in cx
        .opt_list(map, "", "dependencies", "the SBOM")
        .iter()
        .enumerate()
    {
        let ptr = format!("/dependencies/{i}");
        let Some(d) = cx.object(item, &ptr, "dependencies", "a dependency") else {
            continue;
        };
        let from = match cx.opt_str(d, &ptr, "ref", "a dependency") {
            Some(r) => resolve(cx, r, &format!("{ptr}/ref")).and_then(package),
            None => {
                if matches!(d.get("ref"), None | Some(Value::Null)) {
                    cx.field(
                        &ptr,
                        "an entry of `dependencies` has no `ref`".into(),
                        "this dependency",
                        "each entry of `dependencies` names a component by its `bom-ref` in `ref`",
                    );
                }
                None
            }
        };
        for key in ["dependsOn", "provides"] {
            for (k, to) in cx.opt_list(d, &ptr, key, "a dependency").iter().enumerate() {
                let tptr = format!("{ptr}/{key}/{k}");
                let Some(to) = to.as_str() else {
                    cx.field(
                        &tptr,
                        format!("an entry of `{key}` is {}, not a `bom-ref`", kind(to)),
                        "expected text",
                        &format!("`{key}` lists the `bom-ref`s of components"),
                    );
                    continue;
                };
                let to = resolve(cx, to, &tptr).and_then(package);
                if key == "dependsOn"
                    && let (Some(from), Some(to)) = (from, to)
                {
                    // A dev package's own dependencies are dev too (npm marks them all), but
                    // the edge between two dev packages is normal: only the edge into the dev
                    // subtree is dev, as the graph walk follows dev edges from roots only.
                    let dev = |p: usize| g.packages[p].stated_kind == Some(DepKind::Dev);
                    let kind = if dev(to) && !dev(from) {
                        DepKind::Dev
                    } else {
                        DepKind::Normal
                    };
                    add_edge(&mut g, &mut seen, from, to, kind);
                }
            }
        }
    }

    let root = root_ptr.as_deref().and_then(|rp| {
        g.packages
            .iter()
            .position(|p| p.pointer.as_deref() == Some(rp))
    });
    for (i, (p, origin)) in g.packages.iter_mut().zip(&origins).enumerate() {
        p.source = source_of(p.purl.as_deref(), origin, Some(i) == root);
    }
    g.roots = root.into_iter().collect();
    let mut notes = Vec::new();
    complete(&mut g, &mut notes);
    Sbom {
        format: Format::CycloneDx,
        spec,
        tool,
        graph: g,
        notes,
    }
}

/// `metadata.tools`: a list of `{vendor, name, version}` (1.4) or `{components, services}`
/// (1.5+), as `npm cli 11.19.1, …`.
fn cdx_tools(tools: &Value) -> Option<String> {
    let entries: Vec<&Value> = match tools {
        Value::Array(list) => list.iter().collect(),
        Value::Object(m) => ["components", "services"]
            .iter()
            .filter_map(|k| m.get(*k).and_then(Value::as_array))
            .flatten()
            .collect(),
        _ => Vec::new(),
    };
    let shown: Vec<String> = entries
        .iter()
        .filter_map(|t| {
            let name = t.get("name").and_then(Value::as_str)?;
            let by = ["vendor", "group"]
                .iter()
                .find_map(|k| t.get(*k).and_then(Value::as_str))
                .or_else(|| {
                    t.get("provider")
                        .and_then(|p| p.get("name"))
                        .and_then(Value::as_str)
                })
                .filter(|v| !v.is_empty() && !name.to_lowercase().contains(&v.to_lowercase()));
            let mut s = match by {
                Some(by) => format!("{by} {name}"),
                None => name.to_string(),
            };
            if let Some(v) = t.get("version").and_then(Value::as_str) {
                s.push(' ');
                s.push_str(v);
            }
            Some(s)
        })
        .collect();
    (!shown.is_empty()).then(|| shown.join(", "))
}

/// A component's `licenses` as one expression: an `expression` entry as written, `license`
/// entries (`id`, else `name`) joined with ` AND `; concluded entries win over declared ones.
fn cdx_licenses(cx: &mut Cx, entries: &[Value], ptr: &str, whose: &str) -> Option<String> {
    let mut found: Vec<(bool, &str)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let eptr = format!("{ptr}/{i}");
        let Some(e) = cx.object(e, &eptr, "licenses", "a license") else {
            continue;
        };
        let concluded = |m: &Map<String, Value>| {
            m.get("acknowledgement").and_then(Value::as_str) == Some("concluded")
        };
        if let Some(x) = cx.opt_str(e, &eptr, "expression", whose) {
            found.push((concluded(e), x));
            continue;
        }
        let lptr = format!("{eptr}/license");
        match e.get("license") {
            Some(Value::Object(l)) => {
                let id = cx.opt_str(l, &lptr, "id", whose);
                let name = cx.opt_str(l, &lptr, "name", whose);
                if let Some(text) = id.or(name) {
                    found.push((concluded(l) || concluded(e), text));
                }
            }
            None | Some(Value::Null) => {}
            Some(other) => cx.field(
                &lptr,
                format!("`license` of {whose} is {}, not an object", kind(other)),
                "expected `{\"id\": …}` or `{\"name\": …}`",
                "a CycloneDX license entry is `{\"license\": {\"id\": \"MIT\"}}` or `{\"expression\": \"MIT OR Apache-2.0\"}`",
            ),
        }
    }
    // Python tools list a PyPI trove classifier (`License :: OSI Approved :: MIT License`) next
    // to the SPDX id it restates: the classifier adds nothing then. Alone, a classifier that
    // names one license exactly is read as that license; any other stays as written, which
    // the lax reader refuses (fail closed) until legal clarifies it.
    let has_spdx = found.iter().any(|(_, t)| trove(t).is_none());
    let found: Vec<(bool, &str)> = found
        .into_iter()
        .filter_map(|(c, t)| match trove(t) {
            None => Some((c, t)),
            Some(_) if has_spdx => None,
            Some(Some(id)) => Some((c, id)),
            Some(None) => Some((c, t)),
        })
        .collect();
    let any_concluded = found.iter().any(|(c, _)| *c);
    let mut parts: Vec<&str> = Vec::new();
    for (c, text) in found {
        if (c || !any_concluded)
            && !text.trim().is_empty()
            && !parts.iter().any(|p| p.trim() == text.trim())
        {
            parts.push(text);
        }
    }
    match parts.as_slice() {
        [] => None,
        [one] => Some((*one).to_string()),
        many => Some(
            many.iter()
                .map(|p| {
                    let compound = p.split_whitespace().any(|w| {
                        ["AND", "OR", "WITH"]
                            .iter()
                            .any(|op| w.eq_ignore_ascii_case(op))
                    });
                    if compound {
                        format!("({})", p.trim())
                    } else {
                        p.trim().to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" AND "),
        ),
    }
}

/// `None`: not a trove classifier. `Some(Some(id))`: a classifier naming exactly one SPDX
/// license. `Some(None)`: a classifier that does not say which version or variant it means
/// (`BSD License`, `Apache Software License`).
fn trove(text: &str) -> Option<Option<&'static str>> {
    let rest = text.trim().strip_prefix("License ::")?;
    let name = rest.rsplit("::").next().unwrap_or("").trim();
    const EXACT: &[(&str, &str)] = &[
        ("MIT License", "MIT"),
        ("MIT No Attribution License (MIT-0)", "MIT-0"),
        ("ISC License (ISCL)", "ISC"),
        ("Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0"),
        ("Mozilla Public License 1.1 (MPL 1.1)", "MPL-1.1"),
        ("GNU General Public License v2 (GPLv2)", "GPL-2.0-only"),
        (
            "GNU General Public License v2 or later (GPLv2+)",
            "GPL-2.0-or-later",
        ),
        ("GNU General Public License v3 (GPLv3)", "GPL-3.0-only"),
        (
            "GNU General Public License v3 or later (GPLv3+)",
            "GPL-3.0-or-later",
        ),
        (
            "GNU Lesser General Public License v2 (LGPLv2)",
            "LGPL-2.0-only",
        ),
        (
            "GNU Lesser General Public License v2 or later (LGPLv2+)",
            "LGPL-2.0-or-later",
        ),
        (
            "GNU Lesser General Public License v3 (LGPLv3)",
            "LGPL-3.0-only",
        ),
        (
            "GNU Lesser General Public License v3 or later (LGPLv3+)",
            "LGPL-3.0-or-later",
        ),
        ("GNU Affero General Public License v3", "AGPL-3.0-only"),
        (
            "GNU Affero General Public License v3 or later (AGPLv3+)",
            "AGPL-3.0-or-later",
        ),
        ("Python Software Foundation License", "PSF-2.0"),
        ("The Unlicense (Unlicense)", "Unlicense"),
        ("Boost Software License 1.0 (BSL-1.0)", "BSL-1.0"),
        ("zlib/libpng License", "Zlib"),
        ("Eclipse Public License 2.0 (EPL-2.0)", "EPL-2.0"),
        ("European Union Public Licence 1.2 (EUPL 1.2)", "EUPL-1.2"),
        (
            "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication",
            "CC0-1.0",
        ),
    ];
    Some(EXACT.iter().find(|(n, _)| *n == name).map(|(_, id)| *id))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;
    use crate::facts::licenses::graph::reach;

    macro_rules! fixture {
        ($name:literal) => {
            std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/licenses/sbom/",
                $name
            ))
            .unwrap()
        };
    }

    fn ok(text: &str) -> Sbom {
        match read(text, FileId(0)) {
            Ok(s) => s,
            Err(d) => panic!("{d:#?}"),
        }
    }

    fn errors(text: &str) -> Vec<Diagnostic> {
        match read(text, FileId(0)) {
            Ok(s) => panic!("expected errors, read {s:#?}"),
            Err(d) => d,
        }
    }

    /// (code, the text the primary span covers) of every diagnostic.
    fn located<'t>(text: &'t str, diags: &[Diagnostic]) -> Vec<(&'static str, &'t str)> {
        diags
            .iter()
            .map(|d| {
                let span = d.primary.as_ref().unwrap().span;
                (d.code, &text[span.range()])
            })
            .collect()
    }

    fn pkg<'g>(g: &'g Graph, name: &str) -> (usize, &'g Package) {
        g.packages
            .iter()
            .enumerate()
            .find(|(_, p)| p.name == name)
            .unwrap_or_else(|| panic!("no package {name}"))
    }

    /// `from -kind-> to` by names, in edge order.
    fn edges(g: &Graph) -> Vec<String> {
        g.edges
            .iter()
            .map(|e| {
                format!(
                    "{} -{}-> {}",
                    g.packages[e.from].name,
                    e.kind.name(),
                    g.packages[e.to].name
                )
            })
            .collect()
    }

    #[test]
    fn npm_cyclonedx() {
        let text = fixture!("npm.cdx.json");
        let s = ok(&text);
        let g = &s.graph;
        assert_eq!(s.format, Format::CycloneDx);
        assert_eq!(s.spec, "CycloneDX 1.5");
        assert_eq!(s.tool.as_deref(), Some("npm cli 11.19.1"));
        assert!(s.notes.is_empty(), "{:?}", s.notes);
        // 10 components and the metadata component.
        assert_eq!(g.packages.len(), 11);
        assert_eq!(g.roots, [0]);
        let root = &g.packages[0];
        // npm names the root after its directory; the purl has the package's name.
        assert_eq!(root.name, "npmproj");
        assert_eq!(root.id, "sbom-demo@1.0.0");
        assert_eq!(root.pointer.as_deref(), Some("/metadata/component"));
        assert_eq!(root.declared.as_deref(), Some("MIT"));
        assert_eq!(root.purl.as_deref(), Some("pkg:npm/sbom-demo@1.0.0"));
        let (ms, p) = pkg(g, "ms");
        assert_eq!(p.version, "2.1.2");
        assert_eq!(p.purl.as_deref(), Some("pkg:npm/ms@2.1.2"));
        assert_eq!(p.source, SourceKind::Registry);
        assert_eq!(p.declared.as_deref(), Some("MIT"));
        assert_eq!(p.pointer.as_deref(), Some("/components/8"));
        assert_eq!(p.stated_kind, Some(DepKind::Normal));
        let (debug, _) = pkg(g, "debug");
        assert!(g.edges.contains(&Edge {
            from: debug,
            to: ms,
            kind: DepKind::Normal
        }));
        // npm keeps `scope: required` on dev dependencies and their dependencies, and marks
        // them with the property `cdx:npm:package:development`.
        let (is_odd, p) = pkg(g, "is-odd");
        assert_eq!(p.stated_kind, Some(DepKind::Dev));
        let (is_number, p) = pkg(g, "is-number");
        assert_eq!(p.stated_kind, Some(DepKind::Dev));
        assert!(g.edges.contains(&Edge {
            from: 0,
            to: is_odd,
            kind: DepKind::Dev
        }));
        assert!(g.edges.contains(&Edge {
            from: is_odd,
            to: is_number,
            kind: DepKind::Normal
        }));
        let r = reach(g);
        assert_eq!(r[is_odd].as_ref().unwrap().kind, DepKind::Dev);
        assert_eq!(r[is_number].as_ref().unwrap().kind, DepKind::Dev);
        assert_eq!(r[is_number].as_ref().unwrap().path, [0, is_odd, is_number]);
        assert_eq!(r[ms].as_ref().unwrap().kind, DepKind::Normal);
        assert!(r.iter().all(Option::is_some));
        assert_eq!(g.edges.len(), 10);
    }

    #[test]
    fn npm_spdx() {
        let text = fixture!("npm.spdx.json");
        let s = ok(&text);
        let g = &s.graph;
        assert_eq!(s.format, Format::Spdx);
        assert_eq!(s.spec, "SPDX-2.3");
        assert_eq!(s.tool.as_deref(), Some("npm/cli-11.19.1"));
        assert!(s.notes.is_empty(), "{:?}", s.notes);
        assert_eq!(g.packages.len(), 11);
        assert_eq!(g.roots, [0]);
        assert_eq!(g.packages[0].name, "sbom-demo");
        assert_eq!(g.packages[0].id, "SPDXRef-Package-sbom-demo-1.0.0");
        // The root has a purl, so it does not count as a local path.
        assert_eq!(g.packages[0].source, SourceKind::Registry);
        // npm writes no licenseConcluded: the declared license is taken.
        assert!(!text.contains("licenseConcluded"));
        assert!(
            g.packages
                .iter()
                .all(|p| p.declared.as_deref() == Some("MIT"))
        );
        let (chalk, p) = pkg(g, "chalk");
        assert_eq!(p.purl.as_deref(), Some("pkg:npm/chalk@4.1.2"));
        assert_eq!(p.pointer.as_deref(), Some("/packages/2"));
        assert_eq!(p.version, "4.1.2");
        let (is_odd, _) = pkg(g, "is-odd");
        let (is_number, _) = pkg(g, "is-number");
        let (ansi, _) = pkg(g, "ansi-styles");
        // DEPENDENCY_OF and DEV_DEPENDENCY_OF point from the dependency to its dependent.
        assert!(g.edges.contains(&Edge {
            from: 0,
            to: is_odd,
            kind: DepKind::Dev
        }));
        assert!(g.edges.contains(&Edge {
            from: is_odd,
            to: is_number,
            kind: DepKind::Normal
        }));
        assert!(g.edges.contains(&Edge {
            from: chalk,
            to: ansi,
            kind: DepKind::Normal
        }));
        assert_eq!(g.edges.len(), 10);
        let r = reach(g);
        assert_eq!(r[is_number].as_ref().unwrap().kind, DepKind::Dev);
        assert!(r.iter().all(Option::is_some));
    }

    #[test]
    fn both_npm_documents_make_the_same_graph() {
        let cdx = ok(&fixture!("npm.cdx.json")).graph;
        let spdx = ok(&fixture!("npm.spdx.json")).graph;
        let mut a: Vec<String> = edges(&cdx);
        let mut b: Vec<String> = edges(&spdx);
        a.iter_mut()
            .for_each(|e| *e = e.replace("npmproj", "sbom-demo"));
        a.sort();
        b.sort();
        assert_eq!(a, b);
    }

    #[test]
    fn python_cyclonedx_1_6() {
        let text = fixture!("python.cdx.json");
        let s = ok(&text);
        let g = &s.graph;
        assert_eq!(s.spec, "CycloneDX 1.6");
        assert_eq!(
            s.tool.as_deref(),
            Some("cyclonedx-py 7.5.0, cyclonedx-python-lib 11.12.0")
        );
        assert!(s.notes.is_empty(), "{:?}", s.notes);
        assert_eq!(g.packages.len(), 8);
        assert_eq!(g.roots, [0]);
        let root = &g.packages[0];
        assert_eq!(
            (root.name.as_str(), root.id.as_str()),
            ("sbom-demo", "root-component")
        );
        // The project itself has no purl: it is local.
        assert_eq!(root.source, SourceKind::Path);
        let (_, idna) = pkg(g, "idna");
        assert_eq!(idna.declared.as_deref(), Some("BSD-3-Clause"));
        assert_eq!(idna.id, "idna==3.20");
        assert_eq!(idna.source, SourceKind::Registry);
        assert_eq!(idna.stated_kind, None);
        // An SPDX id and the trove classifier that restates it: the id.
        let (_, requests) = pkg(g, "requests");
        assert_eq!(requests.declared.as_deref(), Some("Apache-2.0"));
        assert_eq!(
            edges(g)[..2],
            [
                "requests -normal-> certifi",
                "requests -normal-> charset-normalizer"
            ]
        );
        // pip and setuptools are in the environment, but nothing the project needs.
        let r = reach(g);
        assert!(r[pkg(g, "pip").0].is_none());
        assert!(r[pkg(g, "urllib3").0].is_some());
    }

    #[test]
    fn cargo_cyclonedx() {
        let text = fixture!("cargo.cdx.json");
        let s = ok(&text);
        let g = &s.graph;
        assert_eq!(s.spec, "CycloneDX 1.5");
        assert_eq!(s.tool.as_deref(), Some("cargo-cyclonedx 0.5.9"));
        assert!(s.notes.is_empty(), "{:?}", s.notes);
        // The crate, its library target (nested in the metadata component) and 4 dependencies;
        // the dev-dependency is left out by cargo-cyclonedx.
        assert_eq!(g.packages.len(), 6);
        assert_eq!(g.roots, [0]);
        assert_eq!(g.packages[0].name, "sbom-demo");
        assert_eq!(g.packages[0].declared.as_deref(), Some("MIT"));
        assert_eq!(g.packages[0].source, SourceKind::Path);
        let (target, p) = pkg(g, "sbom_demo");
        assert_eq!(
            p.pointer.as_deref(),
            Some("/metadata/component/components/0")
        );
        assert_eq!(p.declared, None);
        let (_, helper) = pkg(g, "helper");
        assert_eq!(helper.source, SourceKind::Path);
        assert_eq!(helper.declared.as_deref(), Some("MPL-2.0"));
        let (_, ident) = pkg(g, "unicode-ident");
        assert_eq!(
            ident.declared.as_deref(),
            Some("(MIT OR Apache-2.0) AND Unicode-DFS-2016")
        );
        // A registry purl wins over the `vcs` external reference every crate has.
        assert_eq!(ident.source, SourceKind::Registry);
        assert!(text.contains("\"type\": \"vcs\""));
        // Build-dependencies are `scope: excluded`: read as dev, as CycloneDX has no build scope.
        let (autocfg, p) = pkg(g, "autocfg");
        assert_eq!(p.stated_kind, Some(DepKind::Dev));
        assert_eq!(
            edges(g),
            [
                "sbom-demo -dev-> autocfg",
                "sbom-demo -normal-> helper",
                "sbom-demo -normal-> itoa",
                "sbom-demo -normal-> unicode-ident",
            ]
        );
        let r = reach(g);
        assert_eq!(r[autocfg].as_ref().unwrap().kind, DepKind::Dev);
        // The library target is part of the root, not a dependency of it.
        assert!(r[target].is_none());
    }

    #[test]
    fn a_truncated_document_is_a_syntax_error_at_its_end() {
        let text = fixture!("not-json.json");
        let d = errors(&text);
        assert_eq!(located(&text, &d), [("sbom-syntax", "\"")]);
        assert_eq!(d[0].primary.as_ref().unwrap().span.range().end, text.len());
        assert!(d[0].message.starts_with("the SBOM is not valid JSON: EOF"));
    }

    #[test]
    fn a_syntax_error_is_located_at_its_character() {
        let text = "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\" \"x\"\n}";
        let d = errors(text);
        let span = d[0].primary.as_ref().unwrap().span;
        assert_eq!(d[0].code, "sbom-syntax");
        assert_eq!(&text[span.range()], "\"");
        assert_eq!(span.start as usize, text.find("\"x\"").unwrap());
        // Bytes, not characters, before the error on its line.
        let text = "{\"name\": \"ü\" ]";
        let d = errors(text);
        assert_eq!(located(text, &d), [("sbom-syntax", "]")]);
    }

    #[test]
    fn a_dangling_spdx_relationship_is_located() {
        let text = fixture!("dangling.spdx.json");
        let d = errors(&text);
        assert_eq!(
            located(&text, &d),
            [("sbom-dangling-ref", "\"SPDXRef-Package-ms-2.1.2\"")]
        );
        assert!(d[0].message.contains("`SPDXRef-Package-ms-2.1.2`"));
    }

    #[test]
    fn a_dangling_cyclonedx_dependency_is_located() {
        let text = fixture!("dangling.cdx.json");
        let d = errors(&text);
        assert_eq!(located(&text, &d), [("sbom-dangling-ref", "\"ms@2.1.2\"")]);
    }

    #[test]
    fn an_unknown_format_is_reported() {
        let text = fixture!("unknown-format.json");
        let d = errors(&text);
        assert_eq!(located(&text, &d), [("sbom-format", "{")]);
        let text = r#"{"bomFormat": "SWID", "specVersion": "1.6"}"#;
        assert_eq!(located(text, &errors(text)), [("sbom-format", "\"SWID\"")]);
        let text = "[1, 2]";
        assert_eq!(located(text, &errors(text)), [("sbom-format", "[1, 2]")]);
        let text =
            r#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}"#;
        assert_eq!(
            located(text, &errors(text)),
            [(
                "sbom-version",
                "\"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\""
            )]
        );
    }

    #[test]
    fn unsupported_versions() {
        let text = r#"{"spdxVersion": "SPDX-2.1", "SPDXID": "SPDXRef-DOCUMENT", "packages": []}"#;
        assert_eq!(
            located(text, &errors(text)),
            [("sbom-version", "\"SPDX-2.1\"")]
        );
        let text = r#"{"bomFormat": "CycloneDX", "specVersion": "1.7", "components": []}"#;
        assert_eq!(located(text, &errors(text)), [("sbom-version", "\"1.7\"")]);
        let text = r#"{"bomFormat": "CycloneDX", "components": []}"#;
        assert_eq!(
            located(text, &errors(text)),
            [("sbom-version", "\"CycloneDX\"")]
        );
        for v in ["1.4", "1.5", "1.6"] {
            let text = format!(r#"{{"bomFormat": "CycloneDX", "specVersion": "{v}"}}"#);
            assert_eq!(ok(&text).spec, format!("CycloneDX {v}"));
        }
        let text = r#"{"spdxVersion": "SPDX-2.2", "SPDXID": "SPDXRef-DOCUMENT"}"#;
        assert_eq!(ok(text).spec, "SPDX-2.2");
    }

    #[test]
    fn all_problems_of_a_document_are_reported() {
        let text = r#"{
  "spdxVersion": "SPDX-2.3",
  "SPDXID": "SPDXRef-DOCUMENT",
  "documentDescribes": ["SPDXRef-app", "SPDXRef-gone"],
  "packages": [
    {"SPDXID": "SPDXRef-app", "name": "app", "versionInfo": 1},
    {"name": "nameless-id"},
    {"SPDXID": "SPDXRef-noname"},
    {"SPDXID": "SPDXRef-app", "name": "again"},
    "text",
    {"SPDXID": "SPDXRef-x", "name": "x", "externalRefs": {"referenceType": "purl"}}
  ],
  "relationships": [
    {"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-y"},
    {"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "NOASSERTION"},
    {"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "DocumentRef-other:SPDXRef-z"},
    {"spdxElementId": "SPDXRef-app", "relationshipType": "GENERATED_FROM", "relatedSpdxElement": "SPDXRef-w"},
    {"spdxElementId": "SPDXRef-app", "relatedSpdxElement": "SPDXRef-x"},
    {"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-noname"}
  ]
}"#;
        let d = errors(text);
        assert_eq!(
            located(text, &d),
            [
                ("sbom-field", "1"),
                ("sbom-field", "\"nameless-id\""),
                ("sbom-field", "\"SPDXRef-noname\""),
                ("sbom-duplicate-id", "\"SPDXRef-app\""),
                ("sbom-field", "\"text\""),
                ("sbom-field", "{\"referenceType\": \"purl\"}"),
                ("sbom-dangling-ref", "\"SPDXRef-gone\""),
                ("sbom-dangling-ref", "\"SPDXRef-y\""),
                ("sbom-dangling-ref", "\"SPDXRef-w\""),
                (
                    "sbom-field",
                    "{\"spdxElementId\": \"SPDXRef-app\", \"relatedSpdxElement\": \"SPDXRef-x\"}"
                ),
            ]
        );
        assert_eq!(d[1].message, "package `nameless-id` has no `SPDXID`");
        assert_eq!(d[2].message, "package `SPDXRef-noname` has no `name`");
        assert_eq!(
            d[3].message,
            "two elements of this SBOM have the `SPDXID` `SPDXRef-app`"
        );
        let first = d[3].secondary[0].span;
        assert_eq!(
            first.start as usize,
            text.find("\"SPDXRef-app\", \"name\"").unwrap()
        );
        assert_eq!(d[9].message, "a relationship has no `relationshipType`");
    }

    #[test]
    fn cyclonedx_problems() {
        let text = r#"{
  "bomFormat": "CycloneDX", "specVersion": "1.6",
  "components": [
    {"bom-ref": "a", "name": "a", "components": [{"bom-ref": "b"}]},
    {"bom-ref": "a", "name": "again"},
    {"name": "c", "licenses": {"license": {"id": "MIT"}}}
  ],
  "dependencies": [
    {"ref": "a", "dependsOn": ["b", "nope", 7]},
    {"dependsOn": []}
  ]
}"#;
        let d = errors(text);
        assert_eq!(
            located(text, &d),
            [
                ("sbom-duplicate-id", "\"a\""),
                ("sbom-field", "\"b\""),
                ("sbom-field", "{\"license\": {\"id\": \"MIT\"}}"),
                ("sbom-dangling-ref", "\"nope\""),
                ("sbom-field", "7"),
                ("sbom-field", "{\"dependsOn\": []}"),
            ]
        );
        assert_eq!(d[1].message, "component `b` has no `name`");
    }

    #[test]
    fn many_problems_are_capped() {
        let deps: Vec<String> = (0..80).map(|i| format!("\"gone-{i}\"")).collect();
        let text = format!(
            r#"{{"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": {{"component": {{"bom-ref": "app", "name": "app"}}}}, "dependencies": [{{"ref": "app", "dependsOn": [{}]}}]}}"#,
            deps.join(", ")
        );
        let d = errors(&text);
        assert_eq!(d.len(), MAX_ERRORS);
        assert!(
            d[49]
                .help
                .as_deref()
                .unwrap()
                .ends_with("30 more problems in this SBOM are not shown")
        );
    }

    #[test]
    fn cyclonedx_mapping() {
        let text = r#"{
  "bomFormat": "CycloneDX", "specVersion": "1.6",
  "metadata": {
    "tools": [{"vendor": "acme", "name": "scan", "version": "2"}],
    "component": {"bom-ref": "app", "name": "app", "version": "1.0.0", "purl": "pkg:cargo/app@1.0.0?download_url=file://."}
  },
  "components": [
    {"bom-ref": "lib", "name": "lib", "version": "1", "licenses": [
      {"license": {"id": "MIT", "acknowledgement": "declared"}},
      {"license": {"id": "Apache-2.0", "acknowledgement": "concluded"}},
      {"license": {"name": "Custom", "acknowledgement": "concluded"}}
    ], "components": [
      {"name": "inner", "purl": "pkg:npm/inner@2", "licenses": [{"expression": "MIT OR Apache-2.0"}]}
    ]},
    {"bom-ref": "git", "name": "git", "purl": "pkg:cargo/git@0.1.0?vcs_url=git%2Bhttps://github.com/x/git%400123", "licenses": [
      {"license": {"id": "MIT"}}, {"expression": "GPL-2.0-only WITH Classpath-exception-2.0"}
    ]},
    {"name": "vendored", "externalReferences": [{"type": "vcs", "url": "https://github.com/x/v"}]},
    {"bom-ref": "tool", "name": "tool", "scope": "excluded", "purl": "pkg:generic/tool@1?download_url=file:///opt/tool"},
    {"bom-ref": "opt", "name": "opt", "scope": "optional", "purl": "pkg:github/x/opt@v1"},
    {"bom-ref": "tooldep", "name": "tooldep", "scope": "excluded"}
  ],
  "services": [{"bom-ref": "svc", "name": "api"}],
  "dependencies": [
    {"ref": "app", "dependsOn": ["lib", "git", "tool", "svc", "pkg:npm/inner@2"]},
    {"ref": "lib", "dependsOn": ["component-4", "opt"]},
    {"ref": "tool", "dependsOn": ["tooldep"]}
  ]
}"#;
        let s = ok(text);
        let g = &s.graph;
        assert_eq!(s.tool.as_deref(), Some("acme scan 2"));
        let show: Vec<String> = g
            .packages
            .iter()
            .map(|p| {
                format!(
                    "{} {} {} {:?} {:?} {:?}",
                    p.id,
                    p.pointer.as_deref().unwrap(),
                    p.source.name(),
                    p.declared,
                    p.stated_kind,
                    p.purl.is_some()
                )
            })
            .collect();
        assert_eq!(
            show,
            [
                "app /metadata/component path None None true",
                "lib /components/0 registry Some(\"Apache-2.0 AND Custom\") None false",
                "pkg:npm/inner@2 /components/0/components/0 registry Some(\"MIT OR Apache-2.0\") None true",
                "git /components/1 git Some(\"MIT AND (GPL-2.0-only WITH Classpath-exception-2.0)\") None true",
                "component-4 /components/2 git None None false",
                "tool /components/3 path None Some(Dev) true",
                "opt /components/4 git None Some(Normal) true",
                "tooldep /components/5 registry None Some(Dev) false",
            ]
        );
        assert_eq!(
            edges(g),
            [
                "app -normal-> lib",
                "app -normal-> git",
                "app -dev-> tool",
                "app -normal-> inner",
                "lib -normal-> vendored",
                "lib -normal-> opt",
                // Inside the dev subtree the edges are normal: the walk keeps them dev.
                "tool -normal-> tooldep",
            ]
        );
        assert_eq!(g.roots, [0]);
        assert_eq!(reach(g)[7].as_ref().unwrap().kind, DepKind::Dev);
    }

    #[test]
    fn spdx_mapping() {
        let text = r#"{
  "spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT",
  "creationInfo": {"creators": ["Organization: acme", "Tool: syft-1.0", "Tool: fixer"]},
  "packages": [
    {"SPDXID": "SPDXRef-app", "name": "app", "downloadLocation": "NOASSERTION", "licenseConcluded": "NONE", "licenseDeclared": "MIT"},
    {"SPDXID": "SPDXRef-a", "name": "a", "versionInfo": "1", "licenseConcluded": "Apache-2.0", "licenseDeclared": "MIT",
     "externalRefs": [{"referenceCategory": "SECURITY", "referenceType": "cpe23Type", "referenceLocator": "cpe:2.3:a"},
                      {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:pypi/a@1"}]},
    {"SPDXID": "SPDXRef-b", "name": "b", "downloadLocation": "git+https://github.com/x/b", "licenseConcluded": "NOASSERTION", "licenseDeclared": "NOASSERTION"},
    {"SPDXID": "SPDXRef-c", "name": "c", "downloadLocation": "https://example.com/c.tgz"},
    {"SPDXID": "SPDXRef-d", "name": "d"},
    {"SPDXID": "SPDXRef-e", "name": "e"},
    {"SPDXID": "SPDXRef-f", "name": "f"},
    {"SPDXID": "SPDXRef-g", "name": "g"}
  ],
  "files": [{"SPDXID": "SPDXRef-file", "fileName": "./x"}],
  "relationships": [
    {"spdxElementId": "SPDXRef-app", "relationshipType": "DESCRIBED_BY", "relatedSpdxElement": "SPDXRef-DOCUMENT"},
    {"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-a"},
    {"spdxElementId": "SPDXRef-b", "relationshipType": "BUILD_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-app"},
    {"spdxElementId": "SPDXRef-c", "relationshipType": "TEST_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-app"},
    {"spdxElementId": "SPDXRef-a", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-d"},
    {"spdxElementId": "SPDXRef-e", "relationshipType": "PREREQUISITE_FOR", "relatedSpdxElement": "SPDXRef-a"},
    {"spdxElementId": "SPDXRef-f", "relationshipType": "OPTIONAL_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-a"},
    {"spdxElementId": "SPDXRef-a", "relationshipType": "COPY_OF", "relatedSpdxElement": "SPDXRef-g"},
    {"spdxElementId": "SPDXRef-a", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-file"},
    {"spdxElementId": "SPDXRef-a", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-a"},
    {"spdxElementId": "SPDXRef-a", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "NONE"}
  ]
}"#;
        let s = ok(text);
        let g = &s.graph;
        assert_eq!(s.tool.as_deref(), Some("syft-1.0, fixer"));
        assert_eq!(g.roots, [0]);
        let show: Vec<String> = g
            .packages
            .iter()
            .map(|p| {
                format!(
                    "{} {} {:?} {:?}",
                    p.name,
                    p.source.name(),
                    p.declared,
                    p.purl
                )
            })
            .collect();
        assert_eq!(
            show[..4],
            [
                "app path Some(\"MIT\") None",
                "a registry Some(\"Apache-2.0\") Some(\"pkg:pypi/a@1\")",
                "b git None None",
                "c registry None None",
            ]
        );
        assert_eq!(
            edges(g),
            [
                "app -normal-> a",
                "app -build-> b",
                "app -dev-> c",
                "a -normal-> d",
                "a -normal-> e",
                "a -normal-> f",
            ]
        );
        // g is only a copy of a: nothing reaches it.
        assert!(reach(g)[7].is_none());
        assert!(s.notes.is_empty());
    }

    #[test]
    fn without_roots_or_edges_the_gaps_are_filled_and_noted() {
        // No root, no relationships: every package is a root.
        let text = r#"{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": [
            {"SPDXID": "SPDXRef-a", "name": "a"}, {"SPDXID": "SPDXRef-b", "name": "b"}]}"#;
        let s = ok(text);
        assert_eq!(s.graph.roots, [0, 1]);
        assert!(s.graph.edges.is_empty());
        assert_eq!(
            s.notes,
            ["no root package: every package nothing depends on is taken as a root"]
        );

        // A root, no relationships: everything is a direct dependency of the root.
        let text = r#"{"bomFormat": "CycloneDX", "specVersion": "1.5",
            "metadata": {"component": {"name": "app"}},
            "components": [{"name": "a"}, {"name": "t", "scope": "excluded"}]}"#;
        let s = ok(text);
        assert_eq!(s.graph.roots, [0]);
        assert_eq!(edges(&s.graph), ["app -normal-> a", "app -dev-> t"]);
        assert_eq!(
            s.notes,
            [
                "no dependency relationships: every package is taken as a direct dependency of the root"
            ]
        );

        // No root, but edges: the packages nothing depends on are the roots.
        let text = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6",
            "components": [{"bom-ref": "x", "name": "x"}, {"bom-ref": "y", "name": "y"}, {"bom-ref": "z", "name": "z"}],
            "dependencies": [{"ref": "x", "dependsOn": ["y"]}]}"#;
        let s = ok(text);
        assert_eq!(s.graph.roots, [0, 2]);
        assert_eq!(s.notes.len(), 1);

        // A root that depends on nothing while others do: its dependencies are the packages
        // nothing depends on.
        let text = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6",
            "metadata": {"component": {"bom-ref": "app", "name": "app"}},
            "components": [{"bom-ref": "x", "name": "x"}, {"bom-ref": "y", "name": "y"}],
            "dependencies": [{"ref": "x", "dependsOn": ["y"]}]}"#;
        let s = ok(text);
        assert_eq!(edges(&s.graph), ["x -normal-> y", "app -normal-> x"]);
        assert_eq!(s.notes.len(), 1);
    }

    /// Every value of two real SBOMs replaced, in turn, by null, a number and a list: no panic,
    /// and every problem is located inside the text.
    #[test]
    fn wrong_types_anywhere_are_reported_not_panicked_on() {
        fn paths(v: &Value, at: String, out: &mut Vec<String>) {
            out.push(at.clone());
            match v {
                Value::Object(m) => m
                    .iter()
                    .for_each(|(k, v)| paths(v, format!("{at}/{}", escape(k)), out)),
                Value::Array(a) => a
                    .iter()
                    .enumerate()
                    .for_each(|(i, v)| paths(v, format!("{at}/{i}"), out)),
                _ => {}
            }
        }
        let replacements = [
            Value::Null,
            Value::from(7),
            Value::Array(vec![Value::from(1)]),
        ];
        for text in [fixture!("npm.spdx.json"), fixture!("cargo.cdx.json")] {
            let doc: Value = serde_json::from_str(&text).unwrap();
            let mut all = Vec::new();
            paths(&doc, String::new(), &mut all);
            // Hashes are not read: replacing their parts tells nothing.
            for path in all
                .iter()
                .skip(1)
                .filter(|p| !p.contains("/checksums/") && !p.contains("/hashes/"))
            {
                for r in &replacements {
                    let mut d = doc.clone();
                    *d.pointer_mut(path).unwrap() = r.clone();
                    let text = serde_json::to_string_pretty(&d).unwrap();
                    if let Err(diags) = read(&text, FileId(0)) {
                        assert!(!diags.is_empty());
                        for diag in diags {
                            let span = diag.primary.unwrap().span;
                            assert!(span.end as usize <= text.len(), "{path}");
                            assert!(span.end > span.start, "{path}: {}", diag.message);
                        }
                    }
                }
            }
            // And cut anywhere.
            for cut in (0..text.len()).step_by(97) {
                let cut = (0..=cut).rev().find(|i| text.is_char_boundary(*i)).unwrap();
                let diags = errors(&text[..cut]);
                assert_eq!(diags.len(), 1);
            }
        }
    }

    #[test]
    fn purls() {
        let o = |download: Option<&str>, vcs: bool| Origin {
            download: download.map(str::to_string),
            vcs,
        };
        let src =
            |purl: Option<&str>, origin: Origin, root: bool| source_of(purl, &origin, root).name();
        assert_eq!(
            src(Some("pkg:npm/%40scope/x@1"), o(None, true), false),
            "registry"
        );
        assert_eq!(
            src(
                Some("pkg:cargo/x@1?repository_url=https://github.com/a/x.git"),
                o(None, false),
                false
            ),
            "git"
        );
        assert_eq!(
            src(
                Some("pkg:maven/a/x@1?repository_url=https://repo.example.com/"),
                o(None, false),
                false
            ),
            "registry"
        );
        assert_eq!(src(Some("pkg:generic/x@1"), o(None, true), false), "git");
        assert_eq!(
            src(
                Some("pkg:generic/x@1?download_url=./vendor/x"),
                o(None, false),
                false
            ),
            "path"
        );
        assert_eq!(src(None, o(Some("NOASSERTION"), false), true), "path");
        assert_eq!(src(None, o(Some("NOASSERTION"), false), false), "registry");
        assert_eq!(
            src(None, o(Some("https://x/y.tgz"), false), true),
            "registry"
        );
        assert_eq!(percent_decode("git%2Bhttps%3A//x%4"), "git+https://x%4");
    }
}

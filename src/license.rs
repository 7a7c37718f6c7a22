//! SPDX license expressions and the policy operator `allowed by`.
//!
//! This module is pure: no I/O, no global state. Parsing does all the expensive work once
//! (validation, deprecated-id rewriting, splitting every term into a pre-computed match key)
//! so that [`is_allowed`] is a short-circuiting walk over a small tree that never allocates.
//!
//! # The `allowed by` contract
//!
//! `allowed by LIST` is true when the SPDX license expression can be satisfied using only terms
//! that LIST allows. LIST entries are single terms. A term T is allowed when
//!
//! * LIST holds T (after deprecated-id normalisation; ids are case-sensitive, as in the SPDX list);
//! * or T is `L WITH E` and LIST holds L: an exception only adds permissions;
//! * or T is `X-N-or-later` (or `X-N+`) and LIST holds `X-M-only`/`X-M` or `X-M-or-later`/`X-M+`
//!   with M ≥ N for the same license family X: "or later" only adds choices.
//!
//! An entry that carries an exception (`L WITH E`) allows only terms with that very exception.
//! An exact term (`X-N-only`, `MIT`, `Apache-2.0`) is allowed only by an equal entry.
//! `LicenseRef-…` terms are allowed only by an identical entry.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Range;

use spdx::error::{ParseError, Reason};
use spdx::expression::{ExprNode, Operator};
use spdx::lexer::{Lexer, Token};
use spdx::{AdditionItem, Expression, LicenseId, LicenseItem, LicenseReq, ParseMode};

/// Strict SPDX syntax, except that deprecated ids (and the `+` that the deprecated `GPL-2.0+`
/// family of ids is spelled with) get through, so that we can rewrite them ourselves and say so.
const TOLERANT: ParseMode = ParseMode {
    allow_deprecated: true,
    allow_postfix_plus_on_gpl: true,
    ..ParseMode::STRICT
};

/// Mode for re-reading our own normalised text: strict, but deprecated ids that have no current
/// name (e.g. `Net-SNMP`) stay readable.
const NORMALISED: ParseMode = ParseMode {
    allow_deprecated: true,
    ..ParseMode::STRICT
};

/// Deprecated SPDX ids whose current name is not mechanical (the GNU ids `GPL-2.0`, `GPL-2.0+`,
/// … are handled by rule: bare reads as `-only`, `+` reads as `-or-later`).
///
/// Bare GNU ids with an exception read as `-only`, like bare GNU ids do: the fail-closed reading.
/// `eCos-2.0` and `wxWindows` were always "version 2 or any later version" in their text.
const RENAMED: &[(&str, &str)] = &[
    ("BSD-2-Clause-FreeBSD", "BSD-2-Clause-Views"),
    ("BSD-2-Clause-NetBSD", "BSD-2-Clause"),
    (
        "GPL-2.0-with-GCC-exception",
        "GPL-2.0-only WITH GCC-exception-2.0",
    ),
    (
        "GPL-2.0-with-autoconf-exception",
        "GPL-2.0-only WITH Autoconf-exception-2.0",
    ),
    (
        "GPL-2.0-with-bison-exception",
        "GPL-2.0-only WITH Bison-exception-2.2",
    ),
    (
        "GPL-2.0-with-classpath-exception",
        "GPL-2.0-only WITH Classpath-exception-2.0",
    ),
    (
        "GPL-2.0-with-font-exception",
        "GPL-2.0-only WITH Font-exception-2.0",
    ),
    (
        "GPL-3.0-with-GCC-exception",
        "GPL-3.0-only WITH GCC-exception-3.1",
    ),
    (
        "GPL-3.0-with-autoconf-exception",
        "GPL-3.0-only WITH Autoconf-exception-3.0",
    ),
    ("Nunit", "zlib-acknowledgement"),
    ("StandardML-NJ", "SMLNJ"),
    ("bzip2-1.0.5", "bzip2-1.0.6"),
    ("eCos-2.0", "GPL-2.0-or-later WITH eCos-exception-2.0"),
    (
        "wxWindows",
        "LGPL-2.0-or-later WITH WxWindows-exception-3.1",
    ),
];

/// Loose names from the spdx crate's imprecise-name table that we refuse in lax parsing, because
/// they do not say which license they mean (`gpl`: which version? `bsd`: how many clauses?) and a
/// gate must not guess in the permissive direction.
const AMBIGUOUS_LOOSE_NAMES: &[&str] = &["bsd", "gpl", "lgpl"];

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Why a license expression or an `allowed by` entry could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct LicenseError {
    /// Lowercase, names the input in backticks and says why.
    pub message: String,
    /// Byte range inside the input when known.
    pub span: Option<Range<usize>>,
}

impl LicenseError {
    fn new(message: String, span: Option<Range<usize>>) -> Self {
        Self { message, span }
    }

    fn not_spdx(text: &str, why: &str, span: Option<Range<usize>>) -> Self {
        Self::new(
            format!("`{text}` is not an SPDX license expression: {why}"),
            span,
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Pre-computed match keys
// ---------------------------------------------------------------------------------------------

/// A license version, compared numerically per dotted component; missing components are zero,
/// so `2` == `2.0` and `2.1` < `3.0` < `3.10`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Version([u32; 4]);

impl Version {
    fn parse(text: &str) -> Option<Version> {
        let mut parts = [0u32; 4];
        for (count, component) in text.split('.').enumerate() {
            if component.is_empty() || !component.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            *parts.get_mut(count)? = component.parse().ok()?;
        }
        Some(Version(parts))
    }
}

/// A license family with the version taken out: `GPL-2.0-only` → `GPL` + `2.0`;
/// `GFDL-1.3-invariants-or-later` → `GFDL`…`invariants` + `1.3`; `Apache-1.1` → `Apache` + `1.1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Family {
    prefix: &'static str,
    suffix: &'static str,
    version: Version,
}

impl Family {
    fn same_family(&self, other: &Family) -> bool {
        self.prefix == other.prefix && self.suffix == other.suffix
    }
}

/// The family of an SPDX license id, and whether the id itself says "or later".
///
/// GNU ids carry `-only`/`-or-later` and put the version right after the name, possibly followed
/// by a variant (`GFDL-1.3-invariants-only`). For every other id only a *trailing* version counts:
/// the spdx crate's `LicenseId::base()`/`version()` would put `CC-BY-4.0` and `CC-BY-SA-4.0` in one
/// family `CC` and read `BSD-3-Clause` as version 3 of `BSD`, which would let `CC-BY-3.0+` be
/// satisfied by `CC-BY-SA-4.0`. Ids without a trailing version (`MIT`, `BSD-3-Clause`,
/// `MPL-2.0-no-copyleft-exception`) form no family and only ever match themselves.
fn family_of(id: LicenseId) -> (Option<Family>, bool) {
    let name = id.name;
    if id.is_gnu() {
        let (stem, or_later) = if let Some(stem) = name.strip_suffix("-or-later") {
            (stem, true)
        } else if let Some(stem) = name.strip_suffix("-only") {
            (stem, false)
        } else {
            (name, false)
        };
        let mut start = 0;
        for component in stem.split('-') {
            let end = start + component.len();
            if let Some(version) = Version::parse(component) {
                let prefix = stem.get(..start.saturating_sub(1)).unwrap_or("");
                let suffix = stem.get((end + 1).min(stem.len())..).unwrap_or("");
                return (
                    Some(Family {
                        prefix,
                        suffix,
                        version,
                    }),
                    or_later,
                );
            }
            start = end + 1;
        }
        (None, or_later)
    } else {
        let family = name.rsplit_once('-').and_then(|(prefix, last)| {
            Version::parse(last).map(|version| Family {
                prefix,
                suffix: "",
                version,
            })
        });
        (family, false)
    }
}

/// The license half of a term, ready for matching.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Lic {
    Spdx {
        /// Index in the SPDX list: equal ids compare by one integer.
        index: usize,
        /// `-or-later` (GNU) or `+` (everything else).
        or_later: bool,
        family: Option<Family>,
    },
    /// `LicenseRef-…`, with its `DocumentRef-…:` if any, exactly as printed.
    Ref(String),
}

/// The exception half of a term.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Exc {
    Spdx(usize),
    Ref(String),
}

/// What matching needs to know about a term, kept apart from the term's strings so that the
/// entries of an [`AllowList`] sit densely in memory for the hot path.
#[derive(Clone, Debug)]
struct Key {
    license: Lic,
    exception: Option<Exc>,
}

/// One license term (`L`, `L+`, `L WITH E`) with its canonical text and match key.
#[derive(Clone, Debug)]
struct Term {
    /// Canonical text of the whole term, e.g. `Apache-2.0 WITH LLVM-exception`.
    text: String,
    /// The license id alone, e.g. `Apache-2.0`, `GPL-2.0-or-later`, `LicenseRef-Acme`.
    id: String,
    key: Key,
}

impl Term {
    fn from_req(req: &LicenseReq) -> Term {
        let (license, id) = match &req.license {
            LicenseItem::Spdx { id, or_later } => {
                let (family, gnu_or_later) = family_of(*id);
                (
                    Lic::Spdx {
                        index: id.index,
                        or_later: *or_later || gnu_or_later,
                        family,
                    },
                    id.name.to_owned(),
                )
            }
            LicenseItem::Other(reference) => {
                let text = reference.to_string();
                (Lic::Ref(text.clone()), text)
            }
        };
        let exception = req.addition.as_ref().map(|addition| match addition {
            AdditionItem::Spdx(exception) => Exc::Spdx(exception.index),
            AdditionItem::Other(reference) => Exc::Ref(reference.to_string()),
        });
        Term {
            text: req.to_string(),
            id,
            key: Key { license, exception },
        }
    }
}

impl Key {
    /// Whether this term, used as an `allowed by` entry, allows `term`. The heart of the contract.
    fn allows(&self, term: &Key) -> bool {
        // An entry with an exception allows only terms with that exception; an entry without one
        // allows the term whatever exception it carries (exceptions only add permissions).
        // The contract: "an entry `GPL-2.0-only WITH Classpath-exception-2.0` allows only that
        // exact term" — no or-later widening under an exception entry.
        if let Some(exception) = &self.exception {
            return term.exception.as_ref() == Some(exception) && term.license == self.license;
        }
        match (&term.license, &self.license) {
            (
                Lic::Spdx {
                    index: term_index,
                    or_later: term_or_later,
                    family: term_family,
                },
                Lic::Spdx {
                    index: entry_index,
                    or_later: entry_or_later,
                    family: entry_family,
                },
            ) => {
                if term_index == entry_index && term_or_later == entry_or_later {
                    return true;
                }
                if !term_or_later {
                    // An exact term is allowed only by an equal entry.
                    return false;
                }
                // `X+` may be used as `X` itself (non-GNU ids keep one index for both).
                if term_index == entry_index {
                    return true;
                }
                match (term_family, entry_family) {
                    (Some(term_family), Some(entry_family)) => {
                        term_family.same_family(entry_family)
                            && entry_family.version >= term_family.version
                    }
                    _ => false,
                }
            }
            (Lic::Ref(term_ref), Lic::Ref(entry_ref)) => term_ref == entry_ref,
            _ => false,
        }
    }
}

/// The shape of an expression over its terms (indices into `License::terms`). Operands of the
/// same operator are flattened, so `A AND (B AND C)` is one `All` of three.
#[derive(Clone, Debug)]
enum Node {
    Term(usize),
    All(Vec<Node>),
    Any(Vec<Node>),
}

impl Node {
    fn combine(op: Operator, left: Node, right: Node) -> Node {
        let mut children = Vec::new();
        for node in [left, right] {
            match (op, node) {
                (Operator::And, Node::All(inner)) | (Operator::Or, Node::Any(inner)) => {
                    children.extend(inner)
                }
                (_, node) => children.push(node),
            }
        }
        match op {
            Operator::And => Node::All(children),
            Operator::Or => Node::Any(children),
        }
    }

    /// Canonical text: `AND` binds tighter than `OR`, so only an `OR` inside an `AND` needs
    /// parentheses; every redundant pair in the input is dropped.
    fn render(&self, terms: &[Term], out: &mut String) {
        match self {
            Node::Term(index) => {
                if let Some(term) = terms.get(*index) {
                    out.push_str(&term.text);
                }
            }
            Node::All(children) => {
                for (position, child) in children.iter().enumerate() {
                    if position > 0 {
                        out.push_str(" AND ");
                    }
                    if matches!(child, Node::Any(_)) {
                        out.push('(');
                        child.render(terms, out);
                        out.push(')');
                    } else {
                        child.render(terms, out);
                    }
                }
            }
            Node::Any(children) => {
                for (position, child) in children.iter().enumerate() {
                    if position > 0 {
                        out.push_str(" OR ");
                    }
                    child.render(terms, out);
                }
            }
        }
    }

    /// Allocation-free, short-circuiting evaluation.
    fn allowed(&self, terms: &[Term], list: &AllowList) -> bool {
        match self {
            Node::Term(index) => terms.get(*index).is_some_and(|term| list.allows(&term.key)),
            Node::All(children) => children.iter().all(|child| child.allowed(terms, list)),
            Node::Any(children) => children.iter().any(|child| child.allowed(terms, list)),
        }
    }

    /// Like [`Node::allowed`], collecting the terms of the first satisfying choice into `chosen`.
    fn choose(&self, terms: &[Term], list: &AllowList, chosen: &mut Vec<usize>) -> bool {
        match self {
            Node::Term(index) => {
                let allowed = terms.get(*index).is_some_and(|term| list.allows(&term.key));
                if allowed {
                    chosen.push(*index);
                }
                allowed
            }
            Node::All(children) => children
                .iter()
                .all(|child| child.choose(terms, list, chosen)),
            Node::Any(children) => children.iter().any(|child| {
                let mark = chosen.len();
                let allowed = child.choose(terms, list, chosen);
                if !allowed {
                    chosen.truncate(mark);
                }
                allowed
            }),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// License
// ---------------------------------------------------------------------------------------------

/// A parsed SPDX license expression, as written and as read.
#[derive(Clone, Debug)]
pub struct License {
    written: String,
    canonical: String,
    notes: Vec<String>,
    terms: Vec<Term>,
    tree: Node,
}

impl License {
    /// Strict SPDX parse; deprecated ids (`GPL-2.0`, `GPL-2.0+`, `LGPL-2.1`, …) are accepted and
    /// read as their current names, each rewrite recorded in [`License::notes`]. Anything else
    /// that is not a valid SPDX expression is an error whose message is lowercase, names the
    /// input in backticks and says why.
    pub fn parse(text: &str) -> Result<License, LicenseError> {
        // Structure first, on the text as written, so that error spans point into it.
        Expression::parse_mode(text, TOLERANT).map_err(|error| from_parse_error(text, &error))?;
        let (normalised, notes) = normalise(text)?;
        let expression = Expression::parse_mode(&normalised, NORMALISED).map_err(|error| {
            LicenseError::not_spdx(
                text,
                &format!(
                    "read as `{normalised}`, {}",
                    describe(&normalised, &error).0
                ),
                None,
            )
        })?;
        let (terms, tree) = build_tree(&expression)
            .ok_or_else(|| LicenseError::not_spdx(text, "its structure could not be read", None))?;
        let mut canonical = String::with_capacity(normalised.len());
        tree.render(&terms, &mut canonical);
        Ok(License {
            written: text.to_owned(),
            canonical,
            notes,
            terms,
            tree,
        })
    }

    /// Lax parse for package metadata written loosely (`MIT/Apache-2.0`, imprecise names like
    /// `Apache 2`, lowercase ids, `GPL-2.0 or later`): tries [`License::parse`] first; on fallback
    /// the rewrite is recorded in [`License::notes`]. Names that do not say which license they mean
    /// (`GPL` without a version, `BSD` without a clause count) are refused rather than guessed.
    pub fn parse_lax(text: &str) -> Result<License, LicenseError> {
        let strict_error = match License::parse(text) {
            Ok(license) => return Ok(license),
            Err(error) => error,
        };
        let loose = loosen(text)?;
        let mut license = License::parse(&loose).map_err(|_| {
            // Keep the strict diagnosis (its span points into `text`), but say we tried.
            LicenseError::new(
                format!(
                    "{}; read loosely as `{loose}` it is still not valid",
                    strict_error.message
                ),
                strict_error.span.clone(),
            )
        })?;
        let mut notes = vec![format!(
            "`{text}` is not strict SPDX and reads as `{}`",
            license.canonical
        )];
        notes.append(&mut license.notes);
        license.notes = notes;
        license.written = text.to_owned();
        Ok(license)
    }

    /// The expression exactly as written.
    pub fn as_written(&self) -> &str {
        &self.written
    }

    /// The canonical expression with current ids (what `==` compares and what reports print):
    /// upper-case operators, single spaces, only the parentheses that change the meaning.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// Every rewrite made while reading, e.g. "`GPL-2.0` is deprecated and reads as `GPL-2.0-only`".
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Every distinct license id in the expression (current names, `LicenseRef-…` included,
    /// exceptions and `+` left out), in order of first appearance.
    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for term in &self.terms {
            if !ids.contains(&term.id) {
                ids.push(term.id.clone());
            }
        }
        ids
    }

    /// Every term of the expression (canonical, `WITH` and `+` included), in order, repeats kept.
    pub fn terms(&self) -> impl Iterator<Item = &str> {
        self.terms.iter().map(|term| term.text.as_str())
    }
}

impl PartialEq for License {
    fn eq(&self, other: &Self) -> bool {
        self.canonical == other.canonical
    }
}

impl Eq for License {}

impl Hash for License {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.canonical.hash(state);
    }
}

impl fmt::Display for License {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

impl std::str::FromStr for License {
    type Err = LicenseError;

    /// Same as [`License::parse`] (strict).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        License::parse(text)
    }
}

/// Turns the spdx crate's postfix expression into our terms and tree.
fn build_tree(expression: &Expression) -> Option<(Vec<Term>, Node)> {
    let mut terms = Vec::new();
    let mut stack: Vec<Node> = Vec::new();
    for node in expression.iter() {
        match node {
            ExprNode::Req(req) => {
                stack.push(Node::Term(terms.len()));
                terms.push(Term::from_req(&req.req));
            }
            ExprNode::Op(op) => {
                let right = stack.pop()?;
                let left = stack.pop()?;
                stack.push(Node::combine(*op, left, right));
            }
        }
    }
    let tree = stack.pop()?;
    stack.is_empty().then_some((terms, tree))
}

/// Rewrites deprecated ids to their current names and operators to upper case, token by token,
/// checking what the tolerant parse let through for us (a `+` on a current GNU id).
fn normalise(text: &str) -> Result<(String, Vec<String>), LicenseError> {
    let tokens: Vec<_> = Lexer::new_mode(text, ParseMode::STRICT)
        .collect::<Result<_, _>>()
        .map_err(|error| from_parse_error(text, &error))?;
    let mut out = String::with_capacity(text.len() + 16);
    let mut notes: Vec<String> = Vec::new();
    // Whether the last license term already carries an exception from a deprecated-id rewrite.
    let mut has_exception = false;
    let mut position = 0;
    while let Some(token) = tokens.get(position) {
        position += 1;
        match &token.token {
            Token::Spdx(id) => {
                let plus = tokens
                    .get(position)
                    .filter(|next| next.token == Token::Plus)
                    .map(|next| next.span.end);
                if plus.is_some() {
                    position += 1;
                }
                let end = plus.unwrap_or(token.span.end);
                let span = token.span.start..end;
                let written = text.get(span.clone()).unwrap_or(id.name);
                let reads_as = current_name(*id, plus.is_some(), text, &span)?;
                if id.is_deprecated() {
                    let note = if reads_as == written {
                        format!(
                            "`{written}` is deprecated and has no single current name; it is read as written"
                        )
                    } else {
                        format!("`{written}` is deprecated and reads as `{reads_as}`")
                    };
                    if !notes.contains(&note) {
                        notes.push(note);
                    }
                }
                has_exception = reads_as.contains(" WITH ");
                out.push_str(&reads_as);
            }
            Token::With => {
                if has_exception {
                    return Err(LicenseError::not_spdx(
                        text,
                        "a deprecated id that already names an exception cannot take another `WITH`",
                        Some(token.span.clone()),
                    ));
                }
                out.push_str(" WITH ");
            }
            Token::Exception(exception) => {
                if exception.is_deprecated() {
                    let note = format!(
                        "`{}` is a deprecated exception id; it is read as written",
                        exception.name
                    );
                    if !notes.contains(&note) {
                        notes.push(note);
                    }
                }
                out.push_str(exception.name);
            }
            Token::And => out.push_str(" AND "),
            Token::Or => out.push_str(" OR "),
            Token::OpenParen => out.push('('),
            Token::CloseParen => out.push(')'),
            Token::Plus => out.push('+'),
            Token::LicenseRef { .. } | Token::AdditionRef { .. } | Token::Unknown(_) => {
                has_exception = false;
                out.push_str(text.get(token.span.clone()).unwrap_or_default());
            }
        }
    }
    Ok((out, notes))
}

/// What an SPDX id (with or without a trailing `+`) reads as today.
fn current_name(
    id: LicenseId,
    plus: bool,
    text: &str,
    span: &Range<usize>,
) -> Result<String, LicenseError> {
    let as_written = || {
        let mut name = id.name.to_owned();
        if plus {
            name.push('+');
        }
        name
    };
    if let Some((_, target)) = RENAMED.iter().find(|(old, _)| *old == id.name) {
        if !plus {
            return Ok((*target).to_owned());
        }
        let (license, exception) = match target.split_once(" WITH ") {
            Some((license, exception)) => (license, Some(exception)),
            None => (*target, None),
        };
        let mut reads_as = if let Some(stem) = license.strip_suffix("-only") {
            format!("{stem}-or-later")
        } else if license.ends_with("-or-later") {
            license.to_owned()
        } else {
            format!("{license}+")
        };
        if let Some(exception) = exception {
            reads_as.push_str(" WITH ");
            reads_as.push_str(exception);
        }
        return Ok(reads_as);
    }
    if id.is_gnu() {
        let suffixed = id.name.ends_with("-only") || id.name.ends_with("-or-later");
        if id.is_deprecated() && !suffixed {
            return Ok(spdx::gnu_license_id(id.name, plus)
                .map_or_else(as_written, |current| current.name.to_owned()));
        }
        if plus {
            let stem = id
                .name
                .strip_suffix("-only")
                .or_else(|| id.name.strip_suffix("-or-later"))
                .unwrap_or(id.name);
            let why = match spdx::gnu_license_id(stem, true) {
                Some(current) => format!("a GNU license id takes no `+`; write `{}`", current.name),
                None => "a GNU license id takes no `+`".to_owned(),
            };
            return Err(LicenseError::not_spdx(text, &why, Some(span.clone())));
        }
    }
    Ok(as_written())
}

/// Turns a spdx crate parse error into ours, with a message about the text as written.
fn from_parse_error(text: &str, error: &ParseError) -> LicenseError {
    let (why, span) = describe(text, error);
    LicenseError::not_spdx(text, &why, Some(span))
}

/// Says why, in lowercase, and narrows the span to the offending text.
fn describe(text: &str, error: &ParseError) -> (String, Range<usize>) {
    let span = error.span.clone();
    let snippet = text.get(span.clone()).unwrap_or_default();
    match &error.reason {
        Reason::InvalidCharacters => {
            // The crate's span runs to the end of the input; name only the run of characters
            // that cannot start a term, e.g. the `/` of `MIT/Apache-2.0`.
            let rest = text.get(span.start..).unwrap_or_default();
            let length: usize = rest
                .chars()
                .take_while(|c| {
                    !(c.is_whitespace()
                        || c.is_ascii_alphanumeric()
                        || matches!(c, '-' | '.' | ':' | '(' | ')' | '+'))
                })
                .map(char::len_utf8)
                .sum();
            let length = length.max(rest.chars().next().map_or(0, char::len_utf8));
            let narrowed = span.start..span.start + length;
            let term = text.get(narrowed.clone()).unwrap_or_default();
            (format!("unknown term `{term}`"), narrowed)
        }
        // The tolerant parse turns `X+` on a GNU id into `X-or-later`; when there is none
        // (`GPL-2.0-with-GCC-exception+`) it blames the `+`.
        Reason::UnknownLicense if snippet == "+" => {
            ("this license id takes no `+`".to_owned(), span)
        }
        Reason::UnknownTerm | Reason::UnknownLicense => {
            let why = match suggest(snippet) {
                Some(suggestion) => {
                    format!("unknown term `{snippet}` (did you mean `{suggestion}`?)")
                }
                None => format!("unknown term `{snippet}`"),
            };
            (why, span)
        }
        Reason::UnknownException => (format!("unknown exception id `{snippet}`"), span),
        Reason::UnclosedParens => ("a `(` is never closed".to_owned(), span),
        Reason::UnopenedParens => ("a `)` closes nothing".to_owned(), span),
        Reason::Empty => ("it is empty".to_owned(), span),
        Reason::SeparatedPlus => (
            "a `+` must follow its license id without a space".to_owned(),
            span,
        ),
        Reason::GnuNoPlus | Reason::GnuPlusWithSuffix => {
            ("a GNU license id takes no `+`".to_owned(), span)
        }
        Reason::DeprecatedLicenseId => (format!("`{snippet}` is deprecated"), span),
        Reason::Unexpected(expected) => {
            let expected = expected
                .iter()
                .map(|item| match *item {
                    "<license>" => "a license id".to_owned(),
                    "<addition>" => "an exception id".to_owned(),
                    other => format!("`{other}`"),
                })
                .collect::<Vec<_>>();
            let expected = match expected.as_slice() {
                [one] => one.clone(),
                many => format!("one of {}", many.join(", ")),
            };
            let why = if snippet.trim().is_empty() {
                format!("it ends too early; expected {expected}")
            } else {
                format!("unexpected `{snippet}`; expected {expected}")
            };
            (why, span)
        }
    }
}

/// A current id or exception id that `text` matches ignoring case, for "did you mean".
fn suggest(text: &str) -> Option<&'static str> {
    let bare = text.strip_suffix('+').unwrap_or(text);
    license_ignoring_case(bare).map(|id| id.name).or_else(|| {
        spdx::identifiers::EXCEPTIONS
            .iter()
            .find(|exception| exception.name.eq_ignore_ascii_case(bare))
            .map(|exception| exception.name)
    })
}

/// The license id spelled `name` ignoring ASCII case (no two SPDX ids differ only by case).
fn license_ignoring_case(name: &str) -> Option<LicenseId> {
    spdx::identifiers::LICENSES
        .iter()
        .find(|license| license.name.eq_ignore_ascii_case(name))
        .and_then(|license| spdx::license_id(license.name))
}

// ---------------------------------------------------------------------------------------------
// Lax reading
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
enum Loose<'a> {
    Open,
    Close,
    And,
    Or,
    With,
    /// `or later` after a license: the same as a `+`.
    Later,
    Word(&'a str),
}

/// Splits loosely written text into words, parentheses and operators (`/` is `OR`).
fn loose_tokens(text: &str) -> Vec<(Loose<'_>, Range<usize>)> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let single = match c {
            '(' => Some(Loose::Open),
            ')' => Some(Loose::Close),
            '/' => Some(Loose::Or),
            _ => None,
        };
        if let Some(token) = single {
            tokens.push((token, start..start + 1));
            continue;
        }
        if c.is_whitespace() {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(next, c)) = chars.peek() {
            if c.is_whitespace() || matches!(c, '(' | ')' | '/') {
                break;
            }
            end = next + c.len_utf8();
            chars.next();
        }
        let word = text.get(start..end).unwrap_or_default();
        let token = if word.eq_ignore_ascii_case("and") {
            Loose::And
        } else if word.eq_ignore_ascii_case("or") {
            Loose::Or
        } else if word.eq_ignore_ascii_case("with") {
            Loose::With
        } else {
            Loose::Word(word)
        };
        tokens.push((token, start..end));
    }
    // `… or later` / `… or-later` (as separate words) means `+` on the license before it.
    let mut merged: Vec<(Loose<'_>, Range<usize>)> = Vec::with_capacity(tokens.len());
    let mut iter = tokens.into_iter().peekable();
    while let Some((token, span)) = iter.next() {
        let after_word = matches!(merged.last(), Some((Loose::Word(_), _)));
        if token == Loose::Or
            && after_word
            && let Some((Loose::Word(next), next_span)) = iter.peek()
            && next.eq_ignore_ascii_case("later")
        {
            let end = next_span.end;
            iter.next();
            merged.push((Loose::Later, span.start..end));
            continue;
        }
        if let Loose::Word(word) = token
            && after_word
            && word.eq_ignore_ascii_case("or-later")
        {
            merged.push((Loose::Later, span));
            continue;
        }
        merged.push((token, span));
    }
    merged
}

/// Rewrites loosely written license text into an SPDX expression, or says which part it could
/// not read.
fn loosen(text: &str) -> Result<String, LicenseError> {
    let tokens = loose_tokens(text);
    let mut out = String::with_capacity(text.len() + 16);
    let mut position = 0;
    let mut after_with = false;
    while let Some((token, span)) = tokens.get(position) {
        position += 1;
        match token {
            Loose::Open => out.push('('),
            Loose::Close => out.push(')'),
            Loose::And => out.push_str(" AND "),
            Loose::Or => out.push_str(" OR "),
            Loose::With => {
                out.push_str(" WITH ");
                after_with = true;
                continue;
            }
            Loose::Later => out.push('+'),
            Loose::Word(_) => {
                // A run of adjacent words is one name (`Apache 2`, `Apache License 2.0`).
                let mut words = Vec::new();
                let mut run = span.clone();
                position -= 1;
                while let Some((Loose::Word(word), word_span)) = tokens.get(position) {
                    words.push(*word);
                    run.end = word_span.end;
                    position += 1;
                }
                let mut plus = false;
                if let Some((Loose::Later, _)) = tokens.get(position) {
                    plus = true;
                    position += 1;
                }
                let resolved = if after_with {
                    resolve_exception(&words)
                } else {
                    resolve_license(&words, plus)
                };
                match resolved {
                    Some(resolved) => out.push_str(&resolved),
                    None => {
                        let run_text = text.get(run.clone()).unwrap_or_default();
                        let what = if after_with {
                            "an exception id"
                        } else {
                            "a license"
                        };
                        return Err(LicenseError::new(
                            format!(
                                "`{text}` is not a license expression, even read loosely: cannot read `{run_text}` as {what}"
                            ),
                            Some(run),
                        ));
                    }
                }
            }
        }
        after_with = false;
    }
    Ok(out)
}

fn resolve_exception(words: &[&str]) -> Option<String> {
    let joined = words.join("-");
    spdx::identifiers::EXCEPTIONS
        .iter()
        .find(|exception| exception.name.eq_ignore_ascii_case(&joined))
        .map(|exception| exception.name.to_owned())
        .or_else(|| {
            (words.len() == 1 && joined.starts_with("AdditionRef-")).then_some(joined.clone())
        })
}

fn resolve_license(words: &[&str], or_later: bool) -> Option<String> {
    let mut words = words.to_vec();
    let mut plus = or_later;
    if let Some(last) = words.last_mut()
        && let Some(stripped) = last.strip_suffix('+')
    {
        *last = stripped;
        plus = true;
    }
    if let [word] = words.as_slice()
        && (word.starts_with("LicenseRef-") || word.starts_with("DocumentRef-"))
    {
        return (!plus).then(|| (*word).to_owned());
    }
    let mut id = resolve_name(&words);
    // `MIT License`, `Apache License`: the word "license" adds nothing.
    if id.is_none()
        && let [rest @ .., last] = words.as_slice()
        && !rest.is_empty()
        && (last.eq_ignore_ascii_case("license") || last.eq_ignore_ascii_case("licence"))
    {
        id = resolve_name(rest);
    }
    let id = id?;
    let name = id.name;
    if !plus {
        return Some(name.to_owned());
    }
    if id.is_gnu() {
        if let Some(stem) = name.strip_suffix("-only") {
            return Some(format!("{stem}-or-later"));
        }
        if name.ends_with("-or-later") {
            return Some(name.to_owned());
        }
    }
    // Non-GNU ids take `+`; so do the deprecated bare GNU ids (`GPL-2.0+`), which the strict
    // reading then rewrites to `-or-later` with a note.
    Some(format!("{name}+"))
}

/// One license id for a run of loosely written words, or none when unsure.
fn resolve_name(words: &[&str]) -> Option<LicenseId> {
    if words.is_empty() {
        return None;
    }
    let dashed = words.join("-");
    let spaced = words.join(" ");
    if let Some(id) = license_ignoring_case(&dashed) {
        return Some(id);
    }
    if let Some(id) = license_by_full_name(&spaced) {
        return Some(id);
    }
    // `Apache 2`, `Apache-2`, `GPL 3`: a major version written without its `.0`.
    if words
        .last()
        .is_some_and(|last| !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
        && let Some(id) = license_ignoring_case(&format!("{dashed}.0"))
    {
        return Some(id);
    }
    // Only whole-name matches from the crate's imprecise table: its own lexer matches prefixes,
    // so `apache-2.0` would read as `Apache-2.0` followed by an unknown `.0`.
    for candidate in [spaced.as_str(), dashed.as_str()] {
        if let Some((id, length)) = spdx::imprecise_license_id(candidate) {
            let unambiguous = !AMBIGUOUS_LOOSE_NAMES
                .iter()
                .any(|name| name.eq_ignore_ascii_case(candidate));
            // The table maps `gnu gpl v2` to `GPL-3.0-only`; accept only names whose digits
            // all appear in the id they map to.
            let digits_agree = candidate
                .chars()
                .filter(char::is_ascii_digit)
                .all(|digit| id.name.contains(digit));
            if length == candidate.len() && unambiguous && digits_agree {
                return Some(id);
            }
        }
    }
    None
}

/// The current license whose full name is `name`, ignoring case, when exactly one is.
fn license_by_full_name(name: &str) -> Option<LicenseId> {
    let mut found = spdx::identifiers::LICENSES.iter().filter(|license| {
        license.full_name.eq_ignore_ascii_case(name)
            && license.flags & spdx::flags::IS_DEPRECATED == 0
    });
    let first = found.next()?;
    if found.next().is_some() {
        return None;
    }
    spdx::license_id(first.name)
}

// ---------------------------------------------------------------------------------------------
// allowed by
// ---------------------------------------------------------------------------------------------

/// The entries of an `allowed by` list, validated once.
#[derive(Clone, Debug)]
pub struct AllowList {
    entries: Vec<Key>,
    canonical: Vec<String>,
    notes: Vec<String>,
}

impl AllowList {
    /// Reads every entry as a single strict SPDX term (`L`, `L+`, `L WITH E`, `LicenseRef-…`);
    /// deprecated ids are read as their current names, noted in [`AllowList::notes`]. Errors name
    /// the entry index (0-based, as in the returned pairs) and why (an entry with `OR`/`AND`, or
    /// not an SPDX term); every bad entry is reported, not just the first.
    pub fn new<'a>(
        entries: impl IntoIterator<Item = &'a str>,
    ) -> Result<AllowList, Vec<(usize, LicenseError)>> {
        let mut list = AllowList {
            entries: Vec::new(),
            canonical: Vec::new(),
            notes: Vec::new(),
        };
        let mut errors = Vec::new();
        for (index, entry) in entries.into_iter().enumerate() {
            match License::parse(entry) {
                Err(error) => errors.push((index, LicenseError::new(error.message, error.span))),
                Ok(license) => match (license.tree, license.terms.into_iter().next()) {
                    (Node::Term(_), Some(term)) => {
                        list.notes.extend(
                            license
                                .notes
                                .iter()
                                .map(|note| format!("entry [{index}]: {note}")),
                        );
                        list.canonical.push(term.text.clone());
                        list.entries.push(term.key);
                    }
                    _ => errors.push((index, compound_entry(entry))),
                },
            }
        }
        if errors.is_empty() {
            Ok(list)
        } else {
            Err(errors)
        }
    }

    /// The entries, canonical, in list order.
    pub fn entries(&self) -> &[String] {
        &self.canonical
    }

    /// Deprecated-id rewrites made while reading the entries, each prefixed with its entry index.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// How many entries the list holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the list holds no entry (then it allows nothing).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether some entry allows `term`.
    fn allows(&self, term: &Key) -> bool {
        self.entries.iter().any(|entry| entry.allows(term))
    }
}

/// The error for an entry that parsed but holds an `AND`/`OR`.
fn compound_entry(entry: &str) -> LicenseError {
    let operator = Lexer::new_mode(entry, ParseMode::STRICT)
        .filter_map(Result::ok)
        .find(|token| matches!(token.token, Token::And | Token::Or));
    let (name, span) = match operator {
        Some(token) => (
            if token.token == Token::And {
                "AND"
            } else {
                "OR"
            },
            Some(token.span),
        ),
        None => ("an operator", None),
    };
    LicenseError::new(
        format!(
            "`{entry}` holds `{name}`, but an `allowed by` entry is a single license term; list each license as its own entry"
        ),
        span,
    )
}

/// The outcome with its explanation, for findings that explain themselves.
#[derive(Clone, Debug, PartialEq)]
pub struct Allowance {
    /// Whether the expression can be satisfied using only terms the list allows.
    pub allowed: bool,
    /// When allowed: the terms of one satisfying choice (the first branch of each OR, in written
    /// order, that satisfies the list), canonical, without repeats.
    pub satisfied_by: Vec<String>,
    /// When not allowed: the terms that are not on the list (e.g. `["GPL-3.0-only"]` for
    /// `MIT AND GPL-3.0-only`), canonical, in order, without repeats.
    pub not_allowed: Vec<String>,
}

/// `license allowed by list`, with the explanation.
pub fn allowed_by(license: &License, list: &AllowList) -> Allowance {
    let mut chosen = Vec::new();
    let allowed = license.tree.choose(&license.terms, list, &mut chosen);
    let mut satisfied_by: Vec<String> = Vec::new();
    let mut not_allowed: Vec<String> = Vec::new();
    if allowed {
        for term in chosen.iter().filter_map(|index| license.terms.get(*index)) {
            if !satisfied_by.contains(&term.text) {
                satisfied_by.push(term.text.clone());
            }
        }
    } else {
        for term in license.terms.iter().filter(|term| !list.allows(&term.key)) {
            if !not_allowed.contains(&term.text) {
                not_allowed.push(term.text.clone());
            }
        }
    }
    Allowance {
        allowed,
        satisfied_by,
        not_allowed,
    }
}

/// Quick boolean form of [`allowed_by`] for the evaluator's hot path: never allocates.
pub fn is_allowed(license: &License, list: &AllowList) -> bool {
    license.tree.allowed(&license.terms, list)
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn lic(text: &str) -> License {
        License::parse(text).unwrap_or_else(|e| panic!("`{text}` should parse: {e}"))
    }

    fn list(entries: &[&str]) -> AllowList {
        AllowList::new(entries.iter().copied())
            .unwrap_or_else(|e| panic!("{entries:?} should be a valid list: {e:?}"))
    }

    /// Checks both entry points, so the hot path and the explained path cannot drift apart.
    fn allowed(expression: &str, entries: &[&str]) -> bool {
        let license = lic(expression);
        let list = list(entries);
        let quick = is_allowed(&license, &list);
        let explained = allowed_by(&license, &list);
        assert_eq!(
            quick, explained.allowed,
            "is_allowed and allowed_by disagree on `{expression}` by {entries:?}"
        );
        quick
    }

    // --- OR / AND -----------------------------------------------------------------------------

    /// The contract's first example: one branch of an OR is enough.
    #[test]
    fn or_is_allowed_when_one_branch_is_listed() {
        assert!(allowed("MIT OR GPL-3.0-only", &["MIT"]));
        assert!(allowed("GPL-3.0-only OR MIT", &["MIT"]));
        assert!(!allowed("MIT OR GPL-3.0-only", &["Apache-2.0"]));
    }

    /// The contract's second example: AND needs every term.
    #[test]
    fn and_needs_every_term_listed() {
        assert!(!allowed("MIT AND GPL-3.0-only", &["MIT"]));
        assert!(allowed("MIT AND GPL-3.0-only", &["MIT", "GPL-3.0-only"]));
    }

    /// AND binds tighter than OR, as SPDX says; parentheses override it.
    #[test]
    fn precedence_and_parentheses_are_respected() {
        assert!(allowed("MIT OR Apache-2.0 AND GPL-3.0-only", &["MIT"]));
        assert!(!allowed("(MIT OR Apache-2.0) AND GPL-3.0-only", &["MIT"]));
        assert!(allowed(
            "(MIT OR GPL-3.0-only) AND (BSD-3-Clause OR GPL-3.0-only)",
            &["MIT", "BSD-3-Clause"]
        ));
        assert!(!allowed(
            "(MIT OR GPL-3.0-only) AND (BSD-3-Clause OR GPL-3.0-only)",
            &["MIT"]
        ));
    }

    /// An empty list allows nothing: the gate fails closed.
    #[test]
    fn empty_list_allows_nothing() {
        let empty = AllowList::new([]).unwrap();
        assert!(empty.is_empty());
        assert!(!is_allowed(&lic("MIT"), &empty));
    }

    // --- WITH ---------------------------------------------------------------------------------

    /// An exception only adds permissions, so an entry without one allows the term with one.
    #[test]
    fn entry_without_exception_allows_term_with_exception() {
        assert!(allowed("Apache-2.0 WITH LLVM-exception", &["Apache-2.0"]));
        assert!(allowed(
            "GPL-2.0-only WITH Classpath-exception-2.0",
            &["GPL-2.0-only"]
        ));
        assert!(!allowed("Apache-2.0 WITH LLVM-exception", &["MIT"]));
    }

    /// An entry with an exception allows only that exact term: not the bare license, not another
    /// exception, not another license with the same exception.
    #[test]
    fn entry_with_exception_allows_only_that_exact_term() {
        let entry = ["GPL-2.0-only WITH Classpath-exception-2.0"];
        assert!(allowed("GPL-2.0-only WITH Classpath-exception-2.0", &entry));
        assert!(!allowed("GPL-2.0-only", &entry));
        assert!(!allowed("GPL-2.0-only WITH GCC-exception-2.0", &entry));
        assert!(!allowed(
            "GPL-3.0-only WITH Classpath-exception-2.0",
            &entry
        ));
        assert!(!allowed(
            "LGPL-2.1-only WITH Classpath-exception-2.0",
            &entry
        ));
    }

    /// The or-later rule applies to the license half of a term with an exception.
    #[test]
    fn or_later_rule_applies_under_with() {
        assert!(allowed(
            "GPL-2.0-or-later WITH Classpath-exception-2.0",
            &["GPL-3.0-only"]
        ));
        assert!(!allowed(
            "GPL-3.0-or-later WITH Classpath-exception-2.0",
            &["GPL-2.0-only"]
        ));
        // ... but an entry with an exception allows only that exact term.
        assert!(!allowed(
            "GPL-2.0-or-later WITH Classpath-exception-2.0",
            &["GPL-3.0-only WITH Classpath-exception-2.0"]
        ));
    }

    // --- or later -----------------------------------------------------------------------------

    /// "Or later" only adds choices: GPL-2.0-or-later may be used as GPL-2.0 or as GPL-3.0.
    #[test]
    fn or_later_term_is_allowed_by_same_or_newer_version() {
        assert!(allowed("GPL-2.0-or-later", &["GPL-2.0-only"]));
        assert!(allowed("GPL-2.0-or-later", &["GPL-3.0-only"]));
        assert!(allowed("GPL-2.0-or-later", &["GPL-2.0-or-later"]));
        assert!(allowed("GPL-2.0-or-later", &["GPL-3.0-or-later"]));
        assert!(allowed("LGPL-2.1-or-later", &["LGPL-3.0-only"]));
        assert!(allowed("AGPL-1.0-or-later", &["AGPL-3.0-only"]));
        assert!(allowed(
            "GFDL-1.2-invariants-or-later",
            &["GFDL-1.3-invariants-only"]
        ));
    }

    /// Older versions never satisfy a newer or-later term.
    #[test]
    fn or_later_term_is_not_allowed_by_older_version() {
        assert!(!allowed("GPL-3.0-or-later", &["GPL-2.0-only"]));
        assert!(!allowed("GPL-3.0-or-later", &["GPL-2.0-or-later"]));
        assert!(!allowed("LGPL-3.0-or-later", &["LGPL-2.1-only"]));
    }

    /// An entry `X-N-or-later` accepts X-N under its or-later grant; it says nothing about the
    /// exact `X-N-only` term.
    #[test]
    fn or_later_entry_does_not_allow_only_term() {
        assert!(!allowed("GPL-2.0-only", &["GPL-2.0-or-later"]));
        assert!(!allowed("GPL-3.0-only", &["GPL-2.0-or-later"]));
        assert!(!allowed("Apache-2.0", &["Apache-2.0+"]));
    }

    /// The family must match: GPL, LGPL and AGPL are different licenses, and so are GFDL variants.
    #[test]
    fn or_later_stays_within_the_family() {
        assert!(!allowed("GPL-2.0-or-later", &["LGPL-3.0-only"]));
        assert!(!allowed("LGPL-2.1-or-later", &["GPL-3.0-only"]));
        assert!(!allowed("GPL-2.0-or-later", &["AGPL-3.0-only"]));
        assert!(!allowed("GFDL-1.2-or-later", &["GFDL-1.3-invariants-only"]));
        assert!(!allowed("GFDL-1.2-invariants-or-later", &["GFDL-1.3-only"]));
    }

    /// `X-N+` ≡ `X-N-or-later` for non-GNU licenses, whose family is the id without its
    /// trailing version.
    #[test]
    fn plus_is_or_later_for_non_gnu_licenses() {
        assert!(allowed("Apache-1.1+", &["Apache-2.0"]));
        assert!(allowed("MPL-1.1+", &["MPL-2.0"]));
        assert!(allowed("Apache-2.0+", &["Apache-2.0"]));
        assert!(allowed("Apache-1.0+", &["Apache-1.1+"]));
        assert!(allowed("Apache-2.0+", &["Apache-2.0+"]));
        assert!(!allowed("MPL-2.0+", &["MPL-1.1"]));
        assert!(!allowed("Apache-1.1+", &["MIT"]));
    }

    /// Only a trailing version makes a family: `CC-BY` and `CC-BY-SA` differ (the spdx crate's
    /// `base()` would call both `CC`), `MPL-2.0-no-copyleft-exception` is not `MPL`, and the `2`
    /// of `BSD-2-Clause` is not a version.
    #[test]
    fn family_is_the_id_without_its_trailing_version() {
        assert!(!allowed("CC-BY-3.0+", &["CC-BY-SA-4.0"]));
        assert!(allowed("CC-BY-3.0+", &["CC-BY-4.0"]));
        assert!(!allowed("MPL-1.1+", &["MPL-2.0-no-copyleft-exception"]));
        assert!(!allowed("BSD-2-Clause+", &["BSD-3-Clause"]));
    }

    /// `+` on an unversioned license still offers that license itself.
    #[test]
    fn plus_on_unversioned_license_allows_the_license_itself() {
        assert!(allowed("MIT+", &["MIT"]));
        assert!(!allowed("MIT", &["MIT+"]));
    }

    /// Versions compare numerically per dotted component, not as strings.
    #[test]
    fn versions_compare_numerically() {
        let v = |text| Version::parse(text).unwrap();
        assert!(v("2.1") < v("3.0"));
        assert!(v("2.9") < v("2.10"));
        assert_eq!(v("2"), v("2.0"));
        assert!(Version::parse("1.3c").is_none());
        assert!(Version::parse("").is_none());
        assert!(Version::parse("1..2").is_none());
    }

    // --- exact terms and LicenseRef -----------------------------------------------------------

    /// An exact term is allowed only by an equal entry; case matters as in the SPDX list.
    #[test]
    fn exact_term_needs_equal_entry() {
        assert!(allowed("MIT", &["MIT"]));
        assert!(!allowed("MIT-0", &["MIT"]));
        assert!(!allowed("GPL-2.0-only", &["GPL-3.0-only"]));
        assert!(AllowList::new(["mit"]).is_err());
    }

    /// `LicenseRef-…` terms are allowed only by an identical entry.
    #[test]
    fn license_ref_needs_identical_entry() {
        assert!(allowed("LicenseRef-Acme", &["LicenseRef-Acme"]));
        assert!(!allowed("LicenseRef-Acme", &["LicenseRef-Acme-2"]));
        assert!(!allowed("LicenseRef-Acme", &["MIT"]));
        assert!(!allowed(
            "DocumentRef-x:LicenseRef-Acme",
            &["LicenseRef-Acme"]
        ));
        assert!(allowed(
            "MIT AND LicenseRef-Acme",
            &["LicenseRef-Acme", "MIT"]
        ));
    }

    // --- deprecated ids -----------------------------------------------------------------------

    /// `GPL-2.0` reads as `GPL-2.0-only`, `GPL-2.0+` as `GPL-2.0-or-later`, and the notes say so.
    #[test]
    fn deprecated_gnu_ids_read_as_current_names_with_notes() {
        let gpl = lic("GPL-2.0");
        assert_eq!(gpl.canonical(), "GPL-2.0-only");
        assert_eq!(gpl.as_written(), "GPL-2.0");
        assert_eq!(
            gpl.notes(),
            ["`GPL-2.0` is deprecated and reads as `GPL-2.0-only`"]
        );

        let later = lic("GPL-2.0+");
        assert_eq!(later.canonical(), "GPL-2.0-or-later");
        assert_eq!(
            later.notes(),
            ["`GPL-2.0+` is deprecated and reads as `GPL-2.0-or-later`"]
        );

        assert_eq!(lic("LGPL-2.1").canonical(), "LGPL-2.1-only");
        assert_eq!(lic("LGPL-2.1+").canonical(), "LGPL-2.1-or-later");
        assert_eq!(lic("AGPL-3.0").canonical(), "AGPL-3.0-only");
        assert_eq!(lic("GFDL-1.3").canonical(), "GFDL-1.3-only");
        assert_eq!(lic("GPL-2.0 OR GPL-2.0+").notes().len(), 2);
        assert_eq!(lic("GPL-2.0 OR GPL-2.0").notes().len(), 1);
        assert!(lic("GPL-2.0-only").notes().is_empty());
    }

    /// Deprecated ids are matched as their current names, on both sides of `allowed by`.
    #[test]
    fn deprecated_ids_match_as_current_names() {
        assert!(allowed("GPL-2.0+", &["GPL-3.0-only"]));
        assert!(allowed("GPL-2.0+", &["GPL-2.0"]));
        assert!(!allowed("GPL-2.0", &["GPL-2.0+"]));
        assert!(allowed("GPL-2.0-only", &["GPL-2.0"]));
        assert!(allowed("LGPL-2.1+", &["LGPL-3.0"]));
        let list = list(&["GPL-2.0"]);
        assert_eq!(list.entries(), ["GPL-2.0-only"]);
        assert_eq!(
            list.notes(),
            ["entry [0]: `GPL-2.0` is deprecated and reads as `GPL-2.0-only`"]
        );
    }

    /// A deprecated id that bundles an exception reads as `L WITH E`, so it is allowed by `L`.
    #[test]
    fn deprecated_ids_with_bundled_exception_read_as_with() {
        let classpath = lic("GPL-2.0-with-classpath-exception");
        assert_eq!(
            classpath.canonical(),
            "GPL-2.0-only WITH Classpath-exception-2.0"
        );
        assert_eq!(classpath.ids(), ["GPL-2.0-only"]);
        assert!(allowed(
            "GPL-2.0-with-classpath-exception",
            &["GPL-2.0-only"]
        ));
        assert!(allowed(
            "GPL-2.0-with-classpath-exception",
            &["GPL-2.0-only WITH Classpath-exception-2.0"]
        ));
        assert_eq!(
            lic("eCos-2.0").canonical(),
            "GPL-2.0-or-later WITH eCos-exception-2.0"
        );
        let error =
            License::parse("GPL-2.0-with-classpath-exception WITH GCC-exception-2.0").unwrap_err();
        assert!(
            error.message.contains("already names an exception"),
            "{}",
            error.message
        );
        assert_eq!(error.span, Some(33..37));
    }

    /// Every deprecated id in the spdx crate's list parses, is noted, and (where it has a current
    /// name) reads as ids that are themselves current — so the rewrite table cannot rot silently
    /// when the crate updates its list.
    #[test]
    fn every_deprecated_id_parses_to_current_ids() {
        let no_current_name = ["Net-SNMP"];
        let mut checked = 0;
        for license in spdx::identifiers::LICENSES {
            if license.flags & spdx::flags::IS_DEPRECATED == 0 {
                continue;
            }
            // `GPL-2.0+` etc. are listed as ids of their own; the lexer reads them as id + `+`.
            let parsed = lic(license.name);
            assert!(!parsed.notes().is_empty(), "no note for `{}`", license.name);
            if no_current_name.contains(&license.name) {
                continue;
            }
            for id in parsed.ids() {
                let current = spdx::license_id(&id).unwrap();
                assert!(
                    !current.is_deprecated(),
                    "`{}` reads as deprecated `{id}`",
                    license.name
                );
            }
            checked += 1;
        }
        assert!(checked >= 25, "only {checked} deprecated ids checked");
        for (old, new) in RENAMED {
            let current = Expression::parse(new).unwrap_or_else(|e| panic!("{old}: {e}"));
            assert_eq!(current.requirements().count(), 1, "{old} → {new}");
        }
    }

    /// A `+` on a current GNU id is not SPDX (they spell it `-or-later`).
    #[test]
    fn plus_on_current_gnu_id_is_an_error() {
        let error = License::parse("GPL-2.0-only+").unwrap_err();
        assert!(
            error.message.contains("`GPL-2.0-or-later`"),
            "{}",
            error.message
        );
        assert_eq!(error.span, Some(0..13));
        assert!(License::parse("GPL-2.0-or-later+").is_err());
        let error = License::parse("GPL-2.0-with-GCC-exception+").unwrap_err();
        assert!(error.message.ends_with("takes no `+`"), "{}", error.message);
        assert_eq!(error.span, Some(26..27));
    }

    // --- canonical form -----------------------------------------------------------------------

    /// Equality is on the canonical text: operator case, spacing, redundant parentheses and
    /// deprecated spellings do not matter; term order does.
    #[test]
    fn equality_is_canonical() {
        assert_eq!(lic("MIT OR Apache-2.0"), lic("(MIT or (Apache-2.0))"));
        assert_eq!(lic("GPL-2.0"), lic("GPL-2.0-only"));
        assert_eq!(
            lic("MIT  AND (Apache-2.0 with LLVM-exception)").canonical(),
            "MIT AND Apache-2.0 WITH LLVM-exception"
        );
        assert_eq!(
            lic("(MIT OR Apache-2.0) AND (BSD-3-Clause)").canonical(),
            "(MIT OR Apache-2.0) AND BSD-3-Clause"
        );
        assert_eq!(
            lic("MIT OR (Apache-2.0 AND BSD-3-Clause)").canonical(),
            "MIT OR Apache-2.0 AND BSD-3-Clause"
        );
        assert_ne!(lic("MIT OR Apache-2.0"), lic("Apache-2.0 OR MIT"));
        assert_ne!(lic("MIT OR Apache-2.0"), lic("MIT AND Apache-2.0"));
        assert_eq!(lic("Apache-2.0+").to_string(), "Apache-2.0+");
        assert_eq!("MIT".parse::<License>().unwrap(), lic("MIT"));
    }

    /// `ids()` lists each license once, current names, in order of first appearance.
    #[test]
    fn ids_are_distinct_current_and_in_order() {
        let license = lic(
            "MIT OR (Apache-2.0 WITH LLVM-exception AND MIT) OR GPL-2.0+ OR LicenseRef-Acme OR Apache-1.1+",
        );
        assert_eq!(
            license.ids(),
            [
                "MIT",
                "Apache-2.0",
                "GPL-2.0-or-later",
                "LicenseRef-Acme",
                "Apache-1.1"
            ]
        );
        assert_eq!(license.terms().count(), 6);
    }

    // --- invalid expressions and entries ------------------------------------------------------

    /// The message names the input in backticks, is lowercase and says why; the span points at
    /// the culprit.
    #[test]
    fn invalid_expressions_say_why() {
        let error = License::parse("MIT/Apache-2.0").unwrap_err();
        assert_eq!(
            error.message,
            "`MIT/Apache-2.0` is not an SPDX license expression: unknown term `/`"
        );
        assert_eq!(error.span, Some(3..4));
        assert_eq!(error.to_string(), error.message);

        let cases = [
            ("", "empty"),
            ("MIT OR", "ends too early"),
            ("(MIT", "never closed"),
            ("MIT)", "closes nothing"),
            ("MIT Apache-2.0", "unexpected `Apache-2.0`"),
            ("Nope-1.0", "unknown term `Nope-1.0`"),
            ("mit", "did you mean `MIT`?"),
            ("MIT WITH Apache-2.0", "expected an exception id"),
            ("MIT +", "without a space"),
            ("MIT OR Äpache", "unknown term `Ä`"),
        ];
        for (text, why) in cases {
            let error = License::parse(text).unwrap_err();
            assert!(
                error.message.starts_with(&format!("`{text}` is not")),
                "{}",
                error.message
            );
            assert!(error.message.contains(why), "`{text}`: {}", error.message);
            let reason = error.message.split(": ").nth(1).unwrap();
            assert!(
                !reason.starts_with(|c: char| c.is_uppercase()),
                "{}",
                error.message
            );
            assert!(error.span.is_some(), "`{text}` has no span");
        }
    }

    /// Entries are single terms: `OR`/`AND` entries and non-SPDX entries are policy errors, each
    /// reported with its index, all at once.
    #[test]
    fn invalid_list_entries_are_reported_by_index() {
        let errors = AllowList::new([
            "MIT",
            "MIT OR Apache-2.0",
            "Nope",
            "Apache-2.0 AND MIT",
            "GPL-2.0-only WITH Classpath-exception-2.0",
        ])
        .unwrap_err();
        let indices: Vec<usize> = errors.iter().map(|(index, _)| *index).collect();
        assert_eq!(indices, [1, 2, 3]);
        let [(_, or), (_, nope), (_, and)] = errors.as_slice() else {
            panic!("{errors:?}");
        };
        assert!(or.message.starts_with("`MIT OR Apache-2.0` holds `OR`"));
        assert_eq!(or.span, Some(4..6));
        assert!(nope.message.starts_with("`Nope` is not"));
        assert!(and.message.contains("holds `AND`"), "{}", and.message);
    }

    // --- lax parsing --------------------------------------------------------------------------

    /// Loose metadata reads as SPDX with a note; the strict parser refuses the same text.
    #[test]
    fn lax_parse_reads_loose_metadata() {
        let slash = License::parse_lax("MIT/Apache-2.0").unwrap();
        assert_eq!(slash.canonical(), "MIT OR Apache-2.0");
        assert_eq!(slash.as_written(), "MIT/Apache-2.0");
        assert_eq!(
            slash.notes(),
            ["`MIT/Apache-2.0` is not strict SPDX and reads as `MIT OR Apache-2.0`"]
        );
        let cases = [
            ("Apache 2", "Apache-2.0"),
            ("apache-2.0", "Apache-2.0"),
            ("Apache License 2.0", "Apache-2.0"),
            ("MIT License", "MIT"),
            ("mit or apache2", "MIT OR Apache-2.0"),
            ("GPL-2.0 or later", "GPL-2.0-or-later"),
            ("GPL-2.0-only+", "GPL-2.0-or-later"),
            ("gplv3", "GPL-3.0-only"),
            (
                "MIT / (Apache-2.0 with llvm-exception)",
                "MIT OR Apache-2.0 WITH LLVM-exception",
            ),
        ];
        for (text, canonical) in cases {
            let license = License::parse_lax(text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(license.canonical(), canonical, "`{text}`");
            assert!(!license.notes().is_empty(), "`{text}` has no note");
        }
    }

    /// Strict input through the lax parser is untouched and carries no lax note.
    #[test]
    fn lax_parse_of_strict_input_adds_no_note() {
        let license = License::parse_lax("MIT OR Apache-2.0").unwrap();
        assert!(license.notes().is_empty());
        assert_eq!(license, lic("MIT OR Apache-2.0"));
    }

    /// The lax parser refuses what it would have to guess, rather than guessing permissively.
    #[test]
    fn lax_parse_refuses_to_guess() {
        for text in [
            "gpl",
            "BSD",
            "Foo Bar",
            "MIT Apache-2.0",
            "gnu gpl v2",
            "(MIT",
        ] {
            let error = License::parse_lax(text).unwrap_err();
            assert!(
                error.message.starts_with(&format!("`{text}`")),
                "{}",
                error.message
            );
        }
    }

    // --- Allowance ----------------------------------------------------------------------------

    /// `not_allowed` names the terms that are not on the list.
    #[test]
    fn allowance_names_terms_not_allowed() {
        let outcome = allowed_by(&lic("MIT AND GPL-3.0-only"), &list(&["MIT"]));
        assert_eq!(
            outcome,
            Allowance {
                allowed: false,
                satisfied_by: vec![],
                not_allowed: vec!["GPL-3.0-only".to_owned()],
            }
        );
        let outcome = allowed_by(
            &lic("GPL-3.0-only OR (MIT AND LGPL-2.1-only) OR GPL-3.0-only"),
            &list(&["MIT"]),
        );
        assert_eq!(outcome.not_allowed, ["GPL-3.0-only", "LGPL-2.1-only"]);
    }

    /// `satisfied_by` names the terms of one satisfying OR branch — the first in written order.
    #[test]
    fn allowance_names_the_satisfying_branch() {
        let outcome = allowed_by(&lic("GPL-3.0-only OR MIT"), &list(&["MIT"]));
        assert_eq!(
            outcome,
            Allowance {
                allowed: true,
                satisfied_by: vec!["MIT".to_owned()],
                not_allowed: vec![],
            }
        );
        let outcome = allowed_by(
            &lic(
                "(GPL-3.0-only AND MIT) OR (Apache-2.0 WITH LLVM-exception AND BSD-3-Clause) OR MIT",
            ),
            &list(&["MIT", "Apache-2.0", "BSD-3-Clause"]),
        );
        assert_eq!(
            outcome.satisfied_by,
            ["Apache-2.0 WITH LLVM-exception", "BSD-3-Clause"]
        );
        // A branch that fails half-way must not leave its allowed half behind.
        let outcome = allowed_by(
            &lic("(MIT AND GPL-3.0-only) OR Apache-2.0"),
            &list(&["MIT", "Apache-2.0"]),
        );
        assert_eq!(outcome.satisfied_by, ["Apache-2.0"]);
        let outcome = allowed_by(&lic("MIT AND (MIT OR Apache-2.0)"), &list(&["MIT"]));
        assert_eq!(outcome.satisfied_by, ["MIT"]);
    }
}

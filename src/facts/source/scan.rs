//! One Rust file → [`FileFacts`], from its syntax tree alone (nothing is resolved across files
//! here; `resolve` does that).
//!
//! [`file`] works in three steps:
//! 1. [`guard`] bounds, on the raw text, how deep syn would recurse: syn has no limit of its own,
//!    so a file past the bounds is reported as a parse error instead of overflowing the stack.
//! 2. syn parses the file and a [`Scanner`] walks the tree once ([`Visit`]): declarations and
//!    their `regulated(…)` annotations, types with their derives and error templates, hand-written
//!    `Debug`/`Display` impls, printing/formatting/logging macros with the values they receive,
//!    and `#[instrument]`ed functions. Nothing is skipped: items inside functions, impl blocks and
//!    `#[cfg(test)]` modules count too.
//! 3. proc-macro2's span memory for the thread is released (see [`file`]).
//!
//! Macro arguments are only tokens to syn. A macro this module cares about ([`macro_kind`]) has
//! its tokens split at top-level commas (and semicolons, `log`'s key-value separator), and each
//! part is read tolerantly: directives (`target: …`), levels and sigils are dropped, a tracing
//! field name (`ssn = %x`) is only a name, a `{ … }` field set is read part by part, the format
//! string gives its inline captures, and the value is parsed as an expression whose field-access
//! chains are collected — or, when it does not parse, whose identifier chains are.
//!
//! Cost: the tree is walked without copying it; the only tokens copied are those of the macros
//! above, of attributes gate reads, and of other macros whose source text names one of them.
//! Types are rendered from the source text, not re-printed from tokens.

use proc_macro2::{Delimiter, Ident, Literal, Spacing, Span, TokenStream, TokenTree};
use std::ops::Range;
use std::path::Path;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Attribute, Expr, Fields, FnArg, Lit, Member, Meta, Pat, Signature, Type};

use super::model::{
    Annotation, Declared, ErrorTemplate, FileFacts, FmtImpl, Form, Instrumented, ItemKind, Loc,
    MacroKind, MacroUse, TypeDef, ValueUse,
};

/// How deep brackets, generics and runs of prefix operators may nest (see [`guard`]).
pub const MAX_NESTING: usize = 128;
/// How many tokens one expression may chain at one level without a `,` or `;` (see [`guard`]).
pub const MAX_CHAIN: usize = 4096;
/// A macro argument longer than this (in top-level tokens) is not parsed as an expression; its
/// identifier chains are read instead.
const MAX_ARG_TOKENS: usize = 256;
/// How deep macros inside macro arguments are followed.
const MAX_MACRO_DEPTH: usize = 8;

/// Scans one file's text. `module` is the module path of the file (`billing` for
/// src/billing.rs, `billing::invoice` for src/billing/invoice.rs, `` for lib.rs/main.rs);
/// nested `mod x { … }` blocks extend it. Never panics, whatever the input.
///
/// A file that does not parse (or nests deeper than [`guard`] allows) gets `parse_error` and
/// nothing else but `lines` and `bytes`.
///
/// Stack: the guard keeps syn's recursion bounded, not small. A release build needs about 1 MiB
/// of stack for the deepest file the guard admits, a debug build about 8 MiB; run scans on
/// threads with at least that (rayon's and the test harness's threads have 2 MiB by default).
///
/// Spans: with proc-macro2's `span-locations` feature, every parsed text is copied into a
/// thread-local source map that lives as long as the thread, and positions are 32-bit offsets
/// into all the text ever parsed on that thread. A scan of many files would keep every file in
/// memory and, past 4 GiB of text on one thread, report wrong lines. So each call clears that
/// map when it is done, with `proc_macro2::extra::invalidate_current_thread_spans`: a caller must
/// not hold proc-macro2 spans of its own across a call to `file` on the same thread.
pub fn file(path: &Path, module: &str, text: &str) -> FileFacts {
    let mut facts = FileFacts {
        file: path.to_path_buf(),
        lines: count_lines(text),
        bytes: text.len(),
        ..FileFacts::default()
    };
    let src = strip_preamble(text);
    if let Some(too_deep) = guard(src, MAX_NESTING, MAX_CHAIN) {
        facts.parse_error = Some(too_deep);
        return facts;
    }
    match syn::parse_str::<syn::File>(src) {
        Ok(ast) => {
            let mut scanner = Scanner::new(module, src, &mut facts);
            scanner.visit_file(&ast);
        }
        Err(e) => facts.parse_error = Some((loc(e.span()), e.to_string())),
    }
    // The tree is gone; release the text proc-macro2 keeps for its spans (see above).
    proc_macro2::extra::invalidate_current_thread_spans();
    facts
}

fn count_lines(text: &str) -> usize {
    let newlines = text.bytes().filter(|&b| b == b'\n').count();
    newlines + usize::from(!text.is_empty() && !text.ends_with('\n'))
}

/// A span's start: proc-macro2's column is 0-based in characters, ours is 1-based.
fn loc(span: Span) -> Loc {
    let start = span.start();
    Loc {
        line: start.line,
        column: start.column + 1,
    }
}

/// The location of a byte offset of `src` (at a character boundary).
fn loc_at(src: &str, offset: usize) -> Loc {
    let before = src.get(..offset).unwrap_or(src);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Loc { line, column }
}

/// What `syn::parse_file` removes before parsing: a byte-order mark and a `#!` line (the newline
/// stays, so lines keep their numbers). Spans' byte ranges are offsets into what remains.
fn strip_preamble(text: &str) -> &str {
    let mut s = text.strip_prefix('\u{feff}').unwrap_or(text);
    if s.starts_with("#!") && !skip_blank(s.get(2..).unwrap_or("")).starts_with('[') {
        s = match s.find('\n') {
            Some(i) => s.get(i..).unwrap_or(""),
            None => "",
        };
    }
    s
}

/// Whitespace and non-doc comments at the start of `s` skipped, as syn does for the `#!` check.
fn skip_blank(mut s: &str) -> &str {
    loop {
        let t =
            s.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{200e}' || c == '\u{200f}');
        if t.starts_with("//")
            && (!t.starts_with("///") || t.starts_with("////"))
            && !t.starts_with("//!")
        {
            match t.find('\n') {
                Some(i) => s = t.get(i + 1..).unwrap_or(""),
                None => return "",
            }
        } else if t.starts_with("/**/") {
            s = t.get(4..).unwrap_or("");
        } else if t.starts_with("/*")
            && (!t.starts_with("/**") || t.starts_with("/***"))
            && !t.starts_with("/*!")
        {
            let end = skip_block_comment(t.as_bytes(), 0);
            match t.get(end..) {
                Some(rest) if end < t.len() || t.ends_with("*/") => s = rest,
                _ => return t,
            }
        } else {
            return t;
        }
    }
}

// --- the nesting guard ---------------------------------------------------------------------

/// One bracket level of [`guard`].
#[derive(Default)]
struct Level {
    /// `<` opened at this level and not closed yet.
    angle: usize,
    /// Tokens since the last `,`, `;` or item boundary at this level.
    chain: usize,
    /// Inside a macro call's brackets: tokens to syn, not expressions.
    in_macro: bool,
}

/// A token as [`guard`] sees it.
#[derive(PartialEq)]
enum Tok {
    Open,
    Close(u8),
    Semi,
    Comma,
    AngleOpen,
    AngleClose,
    /// `&`, `*`, `!`, `-`, `|`: each may open a level of syn's recursion.
    Prefix,
    /// Neither opens nor ends a run of prefix operators: `mut`, `dyn`, a lifetime…
    Keep,
    /// An identifier that starts an item or statement (`fn`, `pub`, `let`…).
    ItemWord,
    Ident,
    Other,
}

/// Where syn's recursion on `src` would go past the bounds, as a parse error.
///
/// syn parses by recursive descent without a depth limit, and its trees are visited and
/// dropped recursively, so a file of 100 000 `(` overflows any stack. This pass over the bytes
/// (comments, strings and character literals skipped) bounds what syn recurses on:
/// - nesting: the open brackets, plus the `<` of generics still open (closed by `>`, or
///   forgotten at their level's next `;`, `{`, item keyword or closing bracket), plus the current
///   run of prefix operators (`&&&&x`, `!!!!x`, `|| || ||`): at most [`MAX_NESTING`];
/// - chains: the tokens of one expression at one level (`a + b + …`, `x.f().g()…`, `x???`, long
///   `else if` chains), counted until a `,`, `;` or item boundary, outside macro calls (their
///   bodies stay tokens to syn): at most [`MAX_CHAIN`].
///
/// Both counts over-estimate; real code stays far below them (the deepest of 2 000 files from
/// crates.io nests about 40). The pass is a few percent of syn's parse time.
fn guard(src: &str, max_nesting: usize, max_chain: usize) -> Option<(Loc, String)> {
    let b = src.as_bytes();
    let mut i = 0;
    let mut stack: Vec<Level> = Vec::new();
    let mut cur = Level::default();
    let mut angles = 0usize;
    let mut run = 0usize;
    let mut after_ident = false;
    let mut macro_bang = false;
    let mut after_brace = false;
    let mut after_quote = false;
    while let Some(&c) = b.get(i) {
        let start = i;
        let tok = match c {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                i += 1;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = b[i..]
                    .iter()
                    .position(|&x| x == b'\n')
                    .map_or(b.len(), |p| i + p);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = skip_block_comment(b, i);
                continue;
            }
            b'"' => {
                i = skip_string(b, i + 1);
                Tok::Other
            }
            b'\'' => {
                if b.get(i + 1) == Some(&b'\\') {
                    let mut j = i + 3;
                    while b.get(j).is_some_and(|&x| x != b'\'' && x != b'\n') {
                        j += 1;
                    }
                    i = j + 1;
                    Tok::Other
                } else {
                    let len = b.get(i + 1).map_or(1, |&x| utf8_len(x));
                    if b.get(i + 1 + len) == Some(&b'\'') {
                        i += 2 + len;
                        Tok::Other
                    } else {
                        i += 1;
                        Tok::Keep
                    }
                }
            }
            b'(' | b'[' | b'{' => {
                i += 1;
                Tok::Open
            }
            b')' | b']' | b'}' => {
                i += 1;
                Tok::Close(c)
            }
            b';' => {
                i += 1;
                Tok::Semi
            }
            b',' => {
                i += 1;
                Tok::Comma
            }
            b'<' => match b.get(i + 1) {
                Some(b'<' | b'=' | b'-') => {
                    i += 2;
                    Tok::Other
                }
                _ => {
                    i += 1;
                    Tok::AngleOpen
                }
            },
            b'>' => {
                if b.get(i + 1) == Some(&b'=') {
                    i += 2;
                    Tok::Other
                } else {
                    i += 1;
                    Tok::AngleClose
                }
            }
            b'=' | b'-' if matches!(b.get(i + 1), Some(b'>' | b'=')) => {
                i += 2;
                Tok::Other
            }
            b'&' | b'*' | b'!' | b'|' if b.get(i + 1) == Some(&b'=') => {
                i += 2;
                Tok::Other
            }
            b'&' | b'*' | b'!' | b'-' | b'|' => {
                i += 1;
                Tok::Prefix
            }
            c if is_ident_byte(c) => {
                if let Some(end) = raw_string_end(b, i) {
                    i = end;
                    Tok::Other
                } else {
                    while b.get(i).is_some_and(|&x| is_ident_byte(x)) {
                        i += 1;
                    }
                    match &b[start..i] {
                        _ if after_quote => Tok::Keep,
                        b"mut" | b"dyn" | b"const" | b"move" | b"return" | b"break" | b"box"
                        | b"ref" | b"impl" | b"async" | b"static" => Tok::Keep,
                        b"fn" | b"pub" | b"struct" | b"enum" | b"mod" | b"use" | b"trait"
                        | b"type" | b"let" | b"extern" | b"macro_rules" => Tok::ItemWord,
                        _ => Tok::Ident,
                    }
                }
            }
            _ => {
                i += 1;
                Tok::Other
            }
        };
        // After a `{ … }`, a word or an attribute starts a new item or statement, unless it is
        // `else` (or `as`).
        let word = b.get(start..i).unwrap_or(&[]);
        if after_brace
            && (matches!(tok, Tok::Ident | Tok::Keep) && word != b"else" && word != b"as"
                || c == b'#')
        {
            cur.chain = 0;
        }
        match tok {
            Tok::Open => {
                // Generics do not go on across a block: `if a < b { … }`.
                if c == b'{' {
                    angles = angles.saturating_sub(cur.angle);
                    cur.angle = 0;
                }
                let in_macro = cur.in_macro || macro_bang;
                if !cur.in_macro {
                    cur.chain += 1;
                }
                stack.push(std::mem::replace(
                    &mut cur,
                    Level {
                        in_macro,
                        ..Level::default()
                    },
                ));
                run = 0;
            }
            Tok::Close(_) => {
                angles = angles.saturating_sub(cur.angle);
                cur = stack.pop().unwrap_or_default();
                run = 0;
            }
            Tok::Semi => {
                angles = angles.saturating_sub(cur.angle);
                cur.angle = 0;
                cur.chain = 0;
                run = 0;
            }
            Tok::Comma => {
                cur.chain = 0;
                run = 0;
            }
            Tok::AngleOpen => {
                cur.angle += 1;
                angles += 1;
                cur.chain += 1;
                run = 0;
            }
            Tok::AngleClose => {
                if cur.angle > 0 {
                    cur.angle -= 1;
                    angles = angles.saturating_sub(1);
                }
                cur.chain += 1;
                run = 0;
            }
            Tok::Prefix => {
                run += 1;
                cur.chain += 1;
            }
            Tok::Keep => cur.chain += 1,
            Tok::ItemWord => {
                angles = angles.saturating_sub(cur.angle);
                cur.angle = 0;
                cur.chain = 0;
                run = 0;
            }
            Tok::Ident | Tok::Other => {
                cur.chain += 1;
                run = 0;
            }
        }
        if stack.len() + angles + run > max_nesting {
            let message = format!(
                "brackets, generics and prefix operators nest deeper than {MAX_NESTING} levels here; \
                 gate does not read a file this deep"
            );
            return Some((loc_at(src, start), message));
        }
        if !cur.in_macro && cur.chain > max_chain {
            let message = format!(
                "an expression goes on for more than {MAX_CHAIN} tokens here without a `,` or `;`; \
                 gate does not read a file with one this long"
            );
            return Some((loc_at(src, start), message));
        }
        macro_bang = c == b'!' && tok == Tok::Prefix && after_ident;
        after_ident = matches!(tok, Tok::Ident | Tok::ItemWord);
        after_brace = tok == Tok::Close(b'}');
        after_quote = c == b'\'' && tok == Tok::Keep;
    }
    None
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

fn utf8_len(lead: u8) -> usize {
    match lead {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

/// The end of a string literal whose text starts at `i` (after the opening quote).
fn skip_string(b: &[u8], mut i: usize) -> usize {
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// The end of a (nested) block comment starting at `i`.
fn skip_block_comment(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while let Some(&c) = b.get(i) {
        let next = b.get(i + 1).copied();
        if c == b'/' && next == Some(b'*') {
            depth += 1;
            i += 2;
        } else if c == b'*' && next == Some(b'/') {
            depth = depth.saturating_sub(1);
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

/// The end of a raw string literal (`r#"…"#`, `br"…"`, `cr"…"`) starting at `i`, if one does.
fn raw_string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = match (b.get(i), b.get(i + 1)) {
        (Some(b'r'), _) => i + 1,
        (Some(b'b' | b'c'), Some(b'r')) => i + 2,
        _ => return None,
    };
    let hashes_at = j;
    while b.get(j) == Some(&b'#') {
        j += 1;
    }
    let hashes = j - hashes_at;
    if b.get(j) != Some(&b'"') {
        return None;
    }
    j += 1;
    while let Some(&c) = b.get(j) {
        if c == b'"' && (1..=hashes).all(|k| b.get(j + k) == Some(&b'#')) {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(b.len())
}

// --- the walk --------------------------------------------------------------------------------

/// What the attributes of one item say.
#[derive(Default)]
struct Attrs {
    annotation: Option<Annotation>,
    /// `regulated(…)` annotations seen, well-formed or not.
    attempts: usize,
    derives: Vec<(String, Loc)>,
    /// `derive(displaydoc::Display)`.
    displaydoc: bool,
    /// `#[error("…")]`, `#[display("…")]`, `#[displaydoc("…")]`: template, captures, where.
    templates: Vec<(String, Vec<String>, Loc)>,
    /// The first paragraph of the doc comment (displaydoc's template), when the file names
    /// displaydoc at all.
    doc: Option<(String, Loc)>,
    doc_done: bool,
    serde_skip: bool,
    serialize_with: Option<String>,
    redact: bool,
    /// veil's `#[redact(all, …)]` on a struct, enum or variant.
    redact_all: bool,
    instrument: Option<Instrument>,
}

struct Instrument {
    skipped: Vec<String>,
    skip_all: bool,
    loc: Loc,
}

/// The walk over one file's tree.
struct Scanner<'a> {
    /// The text syn parsed: spans' byte ranges index it.
    src: &'a str,
    module: String,
    /// The type (or trait) whose impl (or definition) is being walked: methods are its paths.
    owner: Option<String>,
    /// That impl's self type as written, for a `self` parameter.
    self_ty: Option<String>,
    /// The hand-written `Debug`/`Display` impl being walked (index into `facts.impls`).
    fmt: Option<usize>,
    /// The file names displaydoc: doc comments may be `Display` templates.
    displaydoc: bool,
    facts: &'a mut FileFacts,
}

impl<'a> Scanner<'a> {
    fn new(module: &str, src: &'a str, facts: &'a mut FileFacts) -> Self {
        Scanner {
            src,
            module: module.to_string(),
            owner: None,
            self_ty: None,
            fmt: None,
            displaydoc: src.contains("displaydoc"),
            facts,
        }
    }

    /// `module::name`, or `name` in the crate root.
    fn path(&self, name: &str) -> String {
        if self.module.is_empty() {
            name.to_string()
        } else {
            format!("{}::{name}", self.module)
        }
    }

    /// The type as written, compacted (`Option < T >` → `Option<T>`), and where it starts.
    fn type_text(&self, ty: &Type) -> (String, Loc) {
        let span = ty.span();
        let text = self
            .src
            .get(span.byte_range())
            .map(compact)
            .unwrap_or_default();
        (text, loc(span))
    }

    /// The source text from the start of `from` to the end of `to`, whitespace collapsed.
    fn shown(&self, from: Span, to: Span) -> String {
        let range = from.byte_range().start..to.byte_range().end;
        match self.src.get(range) {
            Some(s) => s.split_whitespace().collect::<Vec<_>>().join(" "),
            None => "regulated(…)".to_string(),
        }
    }

    fn error(&mut self, at: Loc, message: String) {
        self.facts.annotation_errors.push((at, message));
    }

    // --- attributes ---

    /// Reads what gate needs from an item's attributes. Doc comments are read only when `docs`
    /// (the doc-comment annotation form, displaydoc templates).
    fn read_attrs(&mut self, attrs: &[Attribute], docs: bool) -> Attrs {
        let mut a = Attrs::default();
        for attr in attrs {
            let Some(last) = attr.path().segments.last() else {
                continue;
            };
            let name = &last.ident;
            let at = attr.pound_token.span;
            match &attr.meta {
                Meta::NameValue(nv) => {
                    if name == "doc" {
                        if docs
                            && let Expr::Lit(syn::ExprLit {
                                lit: Lit::Str(s), ..
                            }) = &nv.value
                        {
                            self.doc_line(&mut a, &s.value(), at);
                        }
                    } else if name == "regulated" {
                        self.not_a_list(&mut a, at);
                    }
                }
                Meta::List(l) => {
                    let (from, to) = (path_start(&l.path), l.delimiter.span().close());
                    self.meta_list(&mut a, name, &l.tokens, at, (from, to), docs, 0);
                }
                Meta::Path(p) => self.meta_path(&mut a, name, at, path_start(p), last.ident.span()),
            }
        }
        if a.attempts > 1 {
            a.annotation = None;
        }
        a
    }

    fn meta_path(&mut self, a: &mut Attrs, name: &Ident, at: Span, from: Span, to: Span) {
        if name == "regulated" {
            let shown = self.shown(from, to);
            let result = Err(needs_category(&shown));
            self.set_annotation(a, result, loc(at), &shown);
        } else if name == "redact" {
            a.redact = true;
        } else if name == "instrument" {
            a.instrument = Some(Instrument {
                skipped: Vec::new(),
                skip_all: false,
                loc: loc(at),
            });
        }
    }

    fn not_a_list(&mut self, a: &mut Attrs, at: Span) {
        let message = "`regulated = …` is not an annotation: write `regulated(category, id = \"…\", never_store)`";
        self.set_annotation(a, Err(message.to_string()), loc(at), "regulated = …");
    }

    #[allow(clippy::too_many_arguments)]
    fn meta_list(
        &mut self,
        a: &mut Attrs,
        name: &Ident,
        tokens: &TokenStream,
        at: Span,
        (from, to): (Span, Span),
        docs: bool,
        depth: usize,
    ) {
        if name == "derive" {
            derives(a, tokens);
        } else if name == "regulated" {
            let shown = self.shown(from, to);
            let result = parse_annotation(tokens.clone(), &shown, Form::Attribute, loc(at));
            self.set_annotation(a, result, loc(at), &shown);
        } else if name == "serde" {
            serde(a, tokens);
        } else if name == "redact" {
            a.redact = true;
            a.redact_all |= tokens
                .clone()
                .into_iter()
                .any(|t| matches!(&t, TokenTree::Ident(i) if i == "all"));
        } else if name == "error" || name == "display" || name == "displaydoc" {
            template(a, tokens, at);
        } else if name == "instrument" {
            a.instrument = Some(instrument(tokens, at));
        } else if name == "cfg_attr" && depth < 4 {
            self.cfg_attr(a, tokens, at, docs, depth);
        }
    }

    /// `#[cfg_attr(condition, a, b(…), c = …)]`: `a`, `b(…)` and `c = …` read as attributes.
    fn cfg_attr(
        &mut self,
        a: &mut Attrs,
        tokens: &TokenStream,
        at: Span,
        docs: bool,
        depth: usize,
    ) {
        let toks: Vec<TokenTree> = tokens.clone().into_iter().collect();
        for r in split(&toks, false).into_iter().skip(1) {
            let part = &toks[r];
            let mut k = 0;
            let mut last = None;
            while let Some(t) = part.get(k) {
                match t {
                    TokenTree::Ident(i) => last = Some(i),
                    TokenTree::Punct(p) if p.as_char() == ':' => {}
                    _ => break,
                }
                k += 1;
            }
            let (Some(name), Some(first)) = (last, part.first()) else {
                continue;
            };
            match part.get(k) {
                Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
                    let span = (first.span(), g.span_close());
                    self.meta_list(a, name, &g.stream(), at, span, docs, depth + 1);
                }
                Some(TokenTree::Punct(p)) if p.as_char() == '=' => {
                    if name == "doc" {
                        if docs
                            && let Some(TokenTree::Literal(l)) = part.get(k + 1)
                            && let Some(text) = str_value(l)
                        {
                            self.doc_line(a, &text, at);
                        }
                    } else if name == "regulated" {
                        self.not_a_list(a, at);
                    }
                }
                None => self.meta_path(a, name, at, first.span(), name.span()),
                _ => {}
            }
        }
    }

    /// One line of a doc comment: a `gate: regulated(…)` annotation, or (for displaydoc) part of
    /// the first paragraph.
    fn doc_line(&mut self, a: &mut Attrs, text: &str, at: Span) {
        let t = text.trim();
        if let Some(rest) = t.strip_prefix("gate:")
            && let Some(after) = rest.trim_start().strip_prefix("regulated")
            && !after.starts_with(|c: char| c.is_alphanumeric() || c == '_')
        {
            self.doc_annotation(a, after.trim_start(), at);
            return;
        }
        if !self.displaydoc || a.doc_done {
            return;
        }
        if t.is_empty() {
            a.doc_done = a.doc.is_some();
        } else if let Some((paragraph, _)) = &mut a.doc {
            paragraph.push(' ');
            paragraph.push_str(t);
        } else {
            a.doc = Some((t.to_string(), loc(at)));
        }
    }

    /// `/// gate: regulated(…)`: `after` is what follows `regulated`.
    fn doc_annotation(&mut self, a: &mut Attrs, after: &str, at: Span) {
        let at = loc(at);
        if !after.starts_with('(') {
            let shown = format!(
                "regulated{}{after}",
                if after.is_empty() { "" } else { " " }
            );
            let message = format!(
                "`{shown}` needs its arguments in parentheses, as in `gate: regulated(pii, id = \"email\")`"
            );
            self.set_annotation(a, Err(message), at, &shown);
            return;
        }
        let Some(end) = closing_paren(after) else {
            let shown = format!("regulated{after}");
            let message = format!("`{shown}` is missing its closing `)`");
            self.set_annotation(a, Err(message), at, &shown);
            return;
        };
        let shown = format!("regulated{}", after.get(..=end).unwrap_or(after));
        let inner = after.get(1..end).unwrap_or("");
        let result = match inner.parse::<TokenStream>() {
            Ok(tokens) => parse_annotation(tokens, &shown, Form::DocComment, at),
            Err(e) => Err(format!("`{shown}` cannot be read: {e}")),
        };
        self.set_annotation(a, result, at, &shown);
    }

    fn set_annotation(
        &mut self,
        a: &mut Attrs,
        result: Result<Annotation, String>,
        at: Loc,
        shown: &str,
    ) {
        a.attempts += 1;
        if a.attempts > 1 {
            let message = format!(
                "`{shown}` is a second `regulated(…)` annotation on the same item; an item takes exactly one"
            );
            self.error(at, message);
            return;
        }
        match result {
            Ok(annotation) => a.annotation = Some(annotation),
            Err(message) => self.error(at, message),
        }
    }

    // --- declarations ---

    fn declare(
        &mut self,
        kind: ItemKind,
        path: String,
        name: String,
        at: Loc,
        a: &Attrs,
    ) -> Declared {
        Declared {
            kind,
            path,
            name,
            ty: None,
            owner: None,
            annotation: a.annotation.clone(),
            loc: at,
            serde_skip: a.serde_skip,
            serialize_with: a.serialize_with.clone(),
            redacted: a.redact,
        }
    }

    /// The fields of a struct or variant whose path is `owner`.
    fn fields(&mut self, fields: &Fields, owner: &str, redact_all: bool) {
        for (index, field) in fields.iter().enumerate() {
            let a = self.read_attrs(&field.attrs, true);
            let (ty, ty_loc) = self.type_text(&field.ty);
            let (name, at) = match &field.ident {
                Some(ident) => (ident_name(ident), loc(ident.span())),
                None => (index.to_string(), ty_loc),
            };
            let mut d = self.declare(ItemKind::Field, format!("{owner}::{name}"), name, at, &a);
            d.ty = Some(ty);
            d.owner = Some(owner.to_string());
            d.redacted |= redact_all;
            self.facts.declared.push(d);
        }
    }

    /// Templates of `a` for the type or variant (`variant`), displaydoc's doc template included
    /// when the type derives displaydoc's `Display`.
    fn templates(
        a: &mut Attrs,
        variant: Option<&str>,
        displaydoc: bool,
        out: &mut Vec<ErrorTemplate>,
    ) {
        let doc = if displaydoc { a.doc.take() } else { None };
        let from_doc = doc.map(|(text, at)| {
            let captures = dedup(scan_captures(&text, true).into_iter().map(|(n, _)| n));
            (text, captures, at)
        });
        for (template, captures, at) in a.templates.drain(..).chain(from_doc) {
            out.push(ErrorTemplate {
                variant: variant.map(str::to_string),
                template,
                captures,
                loc: at,
            });
        }
    }

    fn is_displaydoc(&self, a: &Attrs) -> bool {
        a.displaydoc || self.displaydoc && a.derives.iter().any(|(d, _)| d == "Display")
    }

    /// The parameters of a function (`path` is the function's path) and its `#[instrument]`.
    fn function(&mut self, attrs: &[Attribute], sig: &Signature) {
        let name = ident_name(&sig.ident);
        let fn_path = match &self.owner {
            Some(owner) => self.path(&format!("{owner}::{name}")),
            None => self.path(&name),
        };
        let a = self.read_attrs(attrs, false);
        let mut params = Vec::new();
        for input in &sig.inputs {
            match input {
                FnArg::Receiver(r) => {
                    if a.instrument.is_some() {
                        let ty = if r.colon_token.is_some() {
                            self.type_text(&r.ty).0
                        } else {
                            let mut ty = String::new();
                            if let Some((_, lifetime)) = &r.reference {
                                ty.push('&');
                                if let Some(l) = lifetime {
                                    ty.push_str(&format!("'{} ", l.ident));
                                }
                            }
                            if r.reference.is_some() && r.mutability.is_some() {
                                ty.push_str("mut ");
                            }
                            ty.push_str(self.self_ty.as_deref().unwrap_or("Self"));
                            ty
                        };
                        params.push(("self".to_string(), ty, loc(r.self_token.span)));
                    }
                }
                FnArg::Typed(pt) => {
                    let Pat::Ident(pi) = &*pt.pat else { continue };
                    if pi.subpat.is_some() {
                        continue;
                    }
                    let param = ident_name(&pi.ident);
                    let at = loc(pi.ident.span());
                    let pa = if pt.attrs.is_empty() {
                        Attrs::default()
                    } else {
                        self.read_attrs(&pt.attrs, true)
                    };
                    let ty = self.type_text(&pt.ty).0;
                    let path = format!("{fn_path}::{param}");
                    let mut d = self.declare(ItemKind::Param, path, param.clone(), at, &pa);
                    d.ty = Some(ty.clone());
                    self.facts.declared.push(d);
                    if a.instrument.is_some() {
                        params.push((param, ty, at));
                    }
                }
            }
        }
        if let Some(ins) = a.instrument {
            self.facts.instrumented.push(Instrumented {
                function: fn_path,
                params,
                skipped: ins.skipped,
                skip_all: ins.skip_all,
                loc: ins.loc,
            });
        }
    }

    // --- macros ---

    /// A printing, formatting or logging macro: records its [`MacroUse`] and returns its index.
    /// `name` is the path as written, `last` its last segment.
    fn target_macro(
        &mut self,
        name: String,
        last: &str,
        kind: MacroKind,
        tokens: TokenStream,
        at: Loc,
        depth: usize,
    ) -> usize {
        let index = self.facts.macros.len();
        self.facts.macros.push(MacroUse {
            name,
            kind,
            uses: Vec::new(),
            loc: at,
        });
        let toks: Vec<TokenTree> = tokens.into_iter().collect();
        let parts = split(&toks, true);
        let part = |p: usize| {
            parts
                .get(p)
                .and_then(|r| toks.get(r.clone()))
                .unwrap_or(&[])
        };
        // The first part that carries values, and which part is the format string.
        let mut first = 0;
        let format_at = match kind {
            MacroKind::Print | MacroKind::Format => {
                let format_at = match last {
                    "dbg" => None,
                    "assert" | "debug_assert" | "write" | "writeln" => {
                        first = 1;
                        Some(1)
                    }
                    "assert_eq" | "assert_ne" | "debug_assert_eq" | "debug_assert_ne" => Some(2),
                    _ => Some(0),
                };
                format_at.filter(|&f| lone_str(part(f)).is_some())
            }
            MacroKind::Log => {
                while is_directive(part(first)) {
                    first += 1;
                }
                if matches!(last, "event" | "span" | "log") {
                    first += 1;
                }
                (first..parts.len()).find(|&p| lone_str(part(p)).is_some())
            }
        };
        // A span's name is not a format string.
        let captures = !(kind == MacroKind::Log && last.ends_with("span"));
        let mut uses = Vec::new();
        for p in first..parts.len() {
            let toks = part(p);
            if Some(p) == format_at {
                if captures && let Some((lit, repr)) = lone_str(toks) {
                    // Named arguments (`{x}` with `x = …`) are not variables.
                    let named: Vec<String> = (p + 1..parts.len())
                        .filter_map(|q| key_name(part(q)))
                        .collect();
                    let base = loc(lit.span());
                    for (capture, offset) in scan_captures(&repr, false) {
                        if !named.contains(&capture) {
                            let at = offset_loc(base, &repr, offset);
                            uses.push(value_use(vec![capture], at));
                        }
                    }
                }
                continue;
            }
            self.part_uses(toks, kind == MacroKind::Log, &mut uses, depth);
        }
        if let Some(f) = self.fmt
            && uses
                .iter()
                .any(|u| u.segments.len() == 1 && u.segments[0] == "self")
            && let Some(imp) = self.facts.impls.get_mut(f)
        {
            imp.whole = true;
        }
        if let Some(m) = self.facts.macros.get_mut(index) {
            m.uses = uses;
        }
        index
    }

    /// The values one argument of a macro receives.
    fn part_uses(&mut self, part: &[TokenTree], log: bool, out: &mut Vec<ValueUse>, depth: usize) {
        // tracing's `{ a = x, b = y }` field set.
        if log
            && let [TokenTree::Group(g)] = part
            && g.delimiter() == Delimiter::Brace
        {
            let inner: Vec<TokenTree> = g.stream().into_iter().collect();
            for r in split(&inner, true) {
                self.part_uses(&inner[r], log, out, depth);
            }
            return;
        }
        let mut value = strip_sigil(part);
        // `field = value`, `field.sub = %value`: the field is only a name.
        if let Some(eq) = key_len(value) {
            value = strip_sigil(value.get(eq + 1..).unwrap_or(&[]));
        }
        if value.is_empty() {
            return;
        }
        if let Some(u) = simple_chain(value) {
            out.push(u);
            return;
        }
        if let [TokenTree::Literal(_)] = value {
            return;
        }
        #[cfg(test)]
        {
            let mut txt: String = value.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ");
            txt.truncate(60);
            STATS.with(|s| s.borrow_mut().push(txt));
        }
        if value.len() <= MAX_ARG_TOKENS
            && let Ok(expr) = syn::parse2::<Expr>(value.iter().cloned().collect())
        {
            let mut uses = ExprUses {
                scanner: self,
                out,
                depth,
            };
            uses.visit_expr(&expr);
            return;
        }
        self.token_uses(value, out, depth, true);
    }

    /// A macro met inside a macro's arguments: a printing/formatting/logging one is recorded on
    /// its own and its uses are the outer macro's too; another one has its identifier chains read.
    fn nested_macro(&mut self, m: &syn::Macro, out: &mut Vec<ValueUse>, depth: usize) {
        let Some(last) = m.path.segments.last() else {
            return;
        };
        let last = last.ident.to_string();
        match macro_kind(&last) {
            Some(kind) if depth < MAX_MACRO_DEPTH => {
                let at = loc(path_start(&m.path));
                let index = self.target_macro(
                    path_text(&m.path),
                    &last,
                    kind,
                    m.tokens.clone(),
                    at,
                    depth + 1,
                );
                if let Some(inner) = self.facts.macros.get(index) {
                    out.extend(inner.uses.iter().cloned());
                }
            }
            _ => {
                let toks: Vec<TokenTree> = m.tokens.clone().into_iter().collect();
                self.token_uses(&toks, out, depth, true);
            }
        }
    }

    /// Tokens that are not read as an expression: printing/formatting/logging macros among them
    /// are recorded (and their uses are `out`'s too), and, when `collect`, every identifier chain
    /// (`a . b . c`, not a function's or method's name, not a path `a::b`, not `name =`) is a use.
    fn token_uses(
        &mut self,
        t: &[TokenTree],
        out: &mut Vec<ValueUse>,
        depth: usize,
        collect: bool,
    ) {
        let mut i = 0;
        while let Some(tree) = t.get(i) {
            let id = match tree {
                TokenTree::Group(g) => {
                    let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                    self.token_uses(&inner, out, depth, collect);
                    i += 1;
                    continue;
                }
                TokenTree::Ident(id) => id,
                _ => {
                    i += 1;
                    continue;
                }
            };
            // A path: `a::b::c`.
            let start = i;
            let mut end = i + 1;
            while is_path_sep(t, end) && matches!(t.get(end + 2), Some(TokenTree::Ident(_))) {
                end += 3;
            }
            if let (Some(TokenTree::Punct(bang)), Some(TokenTree::Group(g))) =
                (t.get(end), t.get(end + 1))
                && bang.as_char() == '!'
            {
                let last = match t.get(end - 1) {
                    Some(TokenTree::Ident(l)) => l.to_string(),
                    _ => String::new(),
                };
                match macro_kind(&last) {
                    Some(kind) if depth < MAX_MACRO_DEPTH => {
                        let name = t[start..end]
                            .iter()
                            .filter_map(|t| match t {
                                TokenTree::Ident(i) => Some(i.to_string()),
                                _ => None,
                            })
                            .collect::<Vec<_>>()
                            .join("::");
                        let index = self.target_macro(
                            name,
                            &last,
                            kind,
                            g.stream(),
                            loc(id.span()),
                            depth + 1,
                        );
                        if collect && let Some(inner) = self.facts.macros.get(index) {
                            out.extend(inner.uses.iter().cloned());
                        }
                    }
                    _ if last == "macro_rules" => {}
                    _ => {
                        let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                        self.token_uses(&inner, out, depth, collect);
                    }
                }
                i = end + 2;
                continue;
            }
            let after_path_sep = start >= 2 && is_path_sep(t, start - 2);
            if !collect || end - start > 1 || after_path_sep || is_keyword(id) {
                i = end;
                continue;
            }
            let mut segments = vec![ident_name(id)];
            let mut j = i + 1;
            while let (Some(TokenTree::Punct(dot)), Some(member)) = (t.get(j), t.get(j + 1))
                && dot.as_char() == '.'
                && dot.spacing() == Spacing::Alone
                && let Some(names) = member_names(member)
            {
                segments.extend(names);
                j += 2;
            }
            match t.get(j) {
                // A function's or method's name is not a value.
                Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
                    segments.pop();
                }
                // Nor is a field's name in `name = value`.
                Some(TokenTree::Punct(p))
                    if p.as_char() == '=' && p.spacing() == Spacing::Alone =>
                {
                    segments.clear();
                }
                _ => {}
            }
            if !segments.is_empty() {
                out.push(value_use(segments, loc(id.span())));
            }
            i = j;
        }
    }

    /// `self.field` in a macro's tokens, inside a hand-written `Debug`/`Display` impl.
    fn self_fields(&mut self, f: usize, t: &[TokenTree]) {
        let mut i = 0;
        while let Some(tree) = t.get(i) {
            match tree {
                TokenTree::Group(g) => {
                    let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                    self.self_fields(f, &inner);
                }
                TokenTree::Ident(id) if id == "self" => {
                    if let (Some(TokenTree::Punct(dot)), Some(member)) =
                        (t.get(i + 1), t.get(i + 2))
                        && dot.as_char() == '.'
                        && dot.spacing() == Spacing::Alone
                        && let Some(name) = member_names(member).and_then(|n| n.into_iter().next())
                    {
                        self.fmt_field(f, name, loc(id.span()));
                        i += 3;
                        continue;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }

    fn fmt_field(&mut self, f: usize, name: String, at: Loc) {
        if let Some(imp) = self.facts.impls.get_mut(f) {
            imp.fields.push((name, at));
        }
    }

    fn fmt_whole(&mut self, f: usize) {
        if let Some(imp) = self.facts.impls.get_mut(f) {
            imp.whole = true;
        }
    }

    /// The fields a pattern matched against `self` binds: `Self { ssn, .. }`, `Self(inner)`.
    fn pat_fields(&mut self, f: usize, pat: &Pat) {
        match pat {
            Pat::Struct(s) => {
                for fp in &s.fields {
                    if !matches!(&*fp.pat, Pat::Wild(_)) {
                        let at = match &fp.member {
                            Member::Named(i) => i.span(),
                            Member::Unnamed(i) => i.span,
                        };
                        self.fmt_field(f, member_name(&fp.member), loc(at));
                    }
                }
            }
            Pat::TupleStruct(ts) => {
                for (index, p) in ts.elems.iter().enumerate() {
                    if matches!(p, Pat::Wild(_) | Pat::Rest(_)) {
                        continue;
                    }
                    let at = match p {
                        Pat::Ident(pi) => pi.ident.span(),
                        _ => path_start(&ts.path),
                    };
                    self.fmt_field(f, index.to_string(), loc(at));
                }
            }
            Pat::Or(o) => {
                for case in &o.cases {
                    self.pat_fields(f, case);
                }
            }
            Pat::Reference(r) => self.pat_fields(f, &r.pat),
            Pat::Paren(p) => self.pat_fields(f, &p.pat),
            Pat::Ident(pi) => {
                if let Some((_, sub)) = &pi.subpat {
                    self.pat_fields(f, sub);
                }
            }
            _ => {}
        }
    }

    /// Whether a macro's source text names a printing/formatting/logging macro at all (cheaper
    /// than copying its tokens to look).
    fn may_hold_targets(&self, m: &syn::Macro) -> bool {
        let range = m.delimiter.span().join().byte_range();
        self.src.get(range).is_none_or(mentions_target)
    }
}

impl<'ast> Visit<'ast> for Scanner<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let saved = self.module.len();
        if m.content.is_some() {
            if !self.module.is_empty() {
                self.module.push_str("::");
            }
            self.module.push_str(&ident_name(&m.ident));
        }
        let owner = self.owner.take();
        let fmt = self.fmt.take();
        visit::visit_item_mod(self, m);
        self.module.truncate(saved);
        self.owner = owner;
        self.fmt = fmt;
    }

    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        let name = ident_name(&s.ident);
        let path = self.path(&name);
        let at = loc(s.ident.span());
        let mut a = self.read_attrs(&s.attrs, true);
        let d = self.declare(ItemKind::Struct, path.clone(), name.clone(), at, &a);
        self.facts.declared.push(d);
        self.fields(&s.fields, &path, a.redact_all);
        let mut error_templates = Vec::new();
        let displaydoc = self.is_displaydoc(&a);
        Self::templates(&mut a, None, displaydoc, &mut error_templates);
        self.facts.types.push(TypeDef {
            path,
            name,
            derives: a.derives,
            error_templates,
            loc: at,
        });
        visit::visit_item_struct(self, s);
    }

    fn visit_item_enum(&mut self, e: &'ast syn::ItemEnum) {
        let name = ident_name(&e.ident);
        let path = self.path(&name);
        let at = loc(e.ident.span());
        let mut a = self.read_attrs(&e.attrs, true);
        let d = self.declare(ItemKind::Enum, path.clone(), name.clone(), at, &a);
        self.facts.declared.push(d);
        let displaydoc = self.is_displaydoc(&a);
        let mut error_templates = Vec::new();
        Self::templates(&mut a, None, displaydoc, &mut error_templates);
        for v in &e.variants {
            let vname = ident_name(&v.ident);
            let vpath = format!("{path}::{vname}");
            let mut va = self.read_attrs(&v.attrs, true);
            let mut d = self.declare(
                ItemKind::Variant,
                vpath.clone(),
                vname.clone(),
                loc(v.ident.span()),
                &va,
            );
            d.owner = Some(path.clone());
            self.facts.declared.push(d);
            self.fields(&v.fields, &vpath, a.redact_all || va.redact_all);
            Self::templates(&mut va, Some(&vname), displaydoc, &mut error_templates);
        }
        self.facts.types.push(TypeDef {
            path,
            name,
            derives: a.derives,
            error_templates,
            loc: at,
        });
        visit::visit_item_enum(self, e);
    }

    fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
        let name = ident_name(&s.ident);
        let a = self.read_attrs(&s.attrs, true);
        let mut d = self.declare(
            ItemKind::Static,
            self.path(&name),
            name,
            loc(s.ident.span()),
            &a,
        );
        d.ty = Some(self.type_text(&s.ty).0);
        self.facts.declared.push(d);
        visit::visit_item_static(self, s);
    }

    fn visit_foreign_item_static(&mut self, s: &'ast syn::ForeignItemStatic) {
        let name = ident_name(&s.ident);
        let a = self.read_attrs(&s.attrs, true);
        let mut d = self.declare(
            ItemKind::Static,
            self.path(&name),
            name,
            loc(s.ident.span()),
            &a,
        );
        d.ty = Some(self.type_text(&s.ty).0);
        self.facts.declared.push(d);
        visit::visit_foreign_item_static(self, s);
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        // A free function, and the items and `self` inside it, belong to no impl.
        let owner = self.owner.take();
        let fmt = self.fmt.take();
        let self_ty = self.self_ty.take();
        self.function(&f.attrs, &f.sig);
        visit::visit_item_fn(self, f);
        self.owner = owner;
        self.fmt = fmt;
        self.self_ty = self_ty;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.function(&f.attrs, &f.sig);
        visit::visit_impl_item_fn(self, f);
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        self.function(&f.attrs, &f.sig);
        visit::visit_trait_item_fn(self, f);
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let name = type_name(&i.self_ty);
        let ty_text = self.type_text(&i.self_ty).0;
        let fmt_trait = i.trait_.as_ref().and_then(|(_, p, _)| fmt_trait(p));
        let saved_fmt = self.fmt.take();
        if let Some(trait_name) = fmt_trait {
            self.fmt = Some(self.facts.impls.len());
            self.facts.impls.push(FmtImpl {
                trait_name: trait_name.to_string(),
                self_ty: name.clone(),
                fields: Vec::new(),
                whole: false,
                loc: loc(i.impl_token.span),
            });
        }
        let saved_owner = self.owner.replace(name);
        let saved_ty = self.self_ty.replace(ty_text);
        visit::visit_item_impl(self, i);
        self.fmt = saved_fmt;
        self.owner = saved_owner;
        self.self_ty = saved_ty;
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        let saved_fmt = self.fmt.take();
        let saved_owner = self.owner.replace(ident_name(&t.ident));
        let saved_ty = self.self_ty.take();
        visit::visit_item_trait(self, t);
        self.fmt = saved_fmt;
        self.owner = saved_owner;
        self.self_ty = saved_ty;
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let Some(last) = m.path.segments.last() else {
            return;
        };
        if let Some(f) = self.fmt {
            let toks: Vec<TokenTree> = m.tokens.clone().into_iter().collect();
            self.self_fields(f, &toks);
        }
        let last = last.ident.to_string();
        if let Some(kind) = macro_kind(&last) {
            let at = loc(path_start(&m.path));
            self.target_macro(path_text(&m.path), &last, kind, m.tokens.clone(), at, 0);
        } else if last != "macro_rules" && self.may_hold_targets(m) {
            let toks: Vec<TokenTree> = m.tokens.clone().into_iter().collect();
            self.token_uses(&toks, &mut Vec::new(), 0, false);
        }
    }

    fn visit_expr_field(&mut self, e: &'ast syn::ExprField) {
        if let Some(f) = self.fmt
            && let Expr::Path(p) = &*e.base
            && p.path.is_ident("self")
        {
            self.fmt_field(f, member_name(&e.member), loc(path_start(&p.path)));
        }
        visit::visit_expr_field(self, e);
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        if let Some(f) = self.fmt
            && is_selfish(&m.expr)
        {
            for arm in &m.arms {
                self.pat_fields(f, &arm.pat);
            }
        }
        visit::visit_expr_match(self, m);
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let Some(f) = self.fmt
            && let Some(init) = &l.init
            && is_selfish(&init.expr)
        {
            self.pat_fields(f, &l.pat);
        }
        visit::visit_local(self, l);
    }

    fn visit_expr_let(&mut self, l: &'ast syn::ExprLet) {
        if let Some(f) = self.fmt
            && is_selfish(&l.expr)
        {
            self.pat_fields(f, &l.pat);
        }
        visit::visit_expr_let(self, l);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let Some(f) = self.fmt
            && c.args.iter().any(is_selfish)
        {
            self.fmt_whole(f);
        }
        visit::visit_expr_call(self, c);
    }

    fn visit_expr_method_call(&mut self, c: &'ast syn::ExprMethodCall) {
        if let Some(f) = self.fmt
            && c.args.iter().any(is_selfish)
        {
            self.fmt_whole(f);
        }
        visit::visit_expr_method_call(self, c);
    }
}

/// Collects the values an expression (a macro's argument) reads: each maximal field-access
/// chain on a variable (`p.card.pan`), each variable alone, through calls' arguments and
/// methods' receivers; macros inside are followed.
struct ExprUses<'s, 'a> {
    scanner: &'s mut Scanner<'a>,
    out: &'s mut Vec<ValueUse>,
    depth: usize,
}

impl<'ast> Visit<'ast> for ExprUses<'_, '_> {
    fn visit_expr(&mut self, e: &'ast Expr) {
        match e {
            Expr::Field(_) => match chain(e) {
                Some(u) => self.out.push(u),
                None => visit::visit_expr(self, e),
            },
            Expr::Path(p) => {
                if p.qself.is_none()
                    && let Some(ident) = p.path.get_ident()
                    && ident != "None"
                {
                    self.out
                        .push(value_use(vec![ident_name(ident)], loc(ident.span())));
                }
            }
            // A function's name is not a value; its arguments are.
            Expr::Call(c) => {
                if !matches!(&*c.func, Expr::Path(_)) {
                    self.visit_expr(&c.func);
                }
                for arg in &c.args {
                    self.visit_expr(arg);
                }
            }
            Expr::Lit(_) => {}
            _ => visit::visit_expr(self, e),
        }
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.scanner.nested_macro(m, self.out, self.depth);
    }
}

// --- helpers ---------------------------------------------------------------------------------

/// The kind of a macro, by the last segment of its name.
fn macro_kind(name: &str) -> Option<MacroKind> {
    Some(match name {
        "println" | "print" | "eprintln" | "eprint" | "dbg" | "panic" | "todo"
        | "unimplemented" | "unreachable" | "assert" | "assert_eq" | "assert_ne"
        | "debug_assert" | "debug_assert_eq" | "debug_assert_ne" => MacroKind::Print,
        "format" | "write" | "writeln" | "format_args" => MacroKind::Format,
        "trace" | "debug" | "info" | "warn" | "error" | "event" | "span" | "trace_span"
        | "debug_span" | "info_span" | "warn_span" | "error_span" | "log" => MacroKind::Log,
        _ => return None,
    })
}

/// Whether `s` has `name!` for a name of [`macro_kind`].
fn mentions_target(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        if c != b'!' || b.get(i + 1) == Some(&b'=') {
            return false;
        }
        let mut j = i;
        while j > 0
            && b.get(j - 1)
                .is_some_and(|x| x.is_ascii_alphanumeric() || *x == b'_')
        {
            j -= 1;
        }
        j < i && s.get(j..i).and_then(macro_kind).is_some()
    })
}

/// Ranges of `toks` between top-level commas (and semicolons when `semicolons`); a trailing
/// empty part is dropped.
fn split(toks: &[TokenTree], semicolons: bool) -> Vec<Range<usize>> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, t) in toks.iter().enumerate() {
        if let TokenTree::Punct(p) = t
            && (p.as_char() == ',' || semicolons && p.as_char() == ';')
        {
            parts.push(start..i);
            start = i + 1;
        }
    }
    if start < toks.len() {
        parts.push(start..toks.len());
    }
    parts
}

/// `::` at `t[i..i + 2]`.
fn is_path_sep(t: &[TokenTree], i: usize) -> bool {
    matches!(
        (t.get(i), t.get(i + 1)),
        (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
            if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':'
    )
}

/// The part is one string literal: it, and its text as written.
fn lone_str(part: &[TokenTree]) -> Option<(&Literal, String)> {
    let [TokenTree::Literal(lit)] = part else {
        return None;
    };
    let repr = lit.to_string();
    (repr.starts_with('"') || repr.starts_with("r\"") || repr.starts_with("r#"))
        .then_some((lit, repr))
}

/// `target: …`, `parent: …`, `name: …`, `logger: …` of the logging macros.
fn is_directive(part: &[TokenTree]) -> bool {
    matches!(
        part,
        [TokenTree::Ident(i), TokenTree::Punct(p), ..]
            if p.as_char() == ':' && p.spacing() == Spacing::Alone
                && (i == "target" || i == "parent" || i == "name" || i == "logger")
    )
}

/// Drops a leading `%` or `?` (tracing's Display and Debug sigils).
fn strip_sigil(part: &[TokenTree]) -> &[TokenTree] {
    match part {
        [TokenTree::Punct(p), rest @ ..] if p.as_char() == '%' || p.as_char() == '?' => rest,
        _ => part,
    }
}

/// In `key = value` (the key an identifier chain `a.b.c` or a string), the index of `=`.
fn key_len(t: &[TokenTree]) -> Option<usize> {
    match t.first() {
        Some(TokenTree::Ident(_) | TokenTree::Literal(_)) => {}
        _ => return None,
    }
    let mut i = 1;
    while let (Some(TokenTree::Punct(dot)), Some(TokenTree::Ident(_))) = (t.get(i), t.get(i + 1))
        && dot.as_char() == '.'
    {
        i += 2;
    }
    match t.get(i) {
        Some(TokenTree::Punct(eq)) if eq.as_char() == '=' && eq.spacing() == Spacing::Alone => {
            Some(i)
        }
        _ => None,
    }
}

/// The name of a named format argument `name = value`.
fn key_name(part: &[TokenTree]) -> Option<String> {
    match part {
        [TokenTree::Ident(i), TokenTree::Punct(eq), _, ..]
            if eq.as_char() == '=' && eq.spacing() == Spacing::Alone =>
        {
            Some(ident_name(i))
        }
        _ => None,
    }
}

/// `x`, `&p.ssn`, `*self.card.pan`, `self.0` — read without parsing an expression.
fn simple_chain(t: &[TokenTree]) -> Option<ValueUse> {
    let mut i = 0;
    loop {
        match t.get(i) {
            Some(TokenTree::Punct(p)) if p.as_char() == '&' || p.as_char() == '*' => i += 1,
            Some(TokenTree::Ident(m)) if m == "mut" && i > 0 => i += 1,
            _ => break,
        }
    }
    let Some(TokenTree::Ident(first)) = t.get(i) else {
        return None;
    };
    if is_keyword(first) {
        return None;
    }
    let mut segments = vec![ident_name(first)];
    i += 1;
    while i < t.len() {
        match (t.get(i), t.get(i + 1)) {
            (Some(TokenTree::Punct(dot)), Some(member))
                if dot.as_char() == '.' && dot.spacing() == Spacing::Alone =>
            {
                segments.extend(member_names(member)?);
                i += 2;
            }
            _ => return None,
        }
    }
    Some(value_use(segments, loc(first.span())))
}

/// The names a token after `.` gives: a field (`ssn`), a tuple index (`0`), or two (`0.1`,
/// which the lexer reads as one literal).
fn member_names(t: &TokenTree) -> Option<Vec<String>> {
    match t {
        TokenTree::Ident(i) if !is_keyword(i) || i == "self" => Some(vec![ident_name(i)]),
        TokenTree::Literal(l) => {
            let s = l.to_string();
            let names: Vec<String> = s.split('.').map(str::to_string).collect();
            names
                .iter()
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                .then_some(names)
        }
        _ => None,
    }
}

/// Words that never start a value.
fn is_keyword(i: &Ident) -> bool {
    const WORDS: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
        "mut", "pub", "ref", "return", "static", "struct", "super", "trait", "true", "type",
        "unsafe", "use", "where", "while", "Self", "None",
    ];
    WORDS.iter().any(|w| i == w)
}

/// An identifier without its `r#`.
fn ident_name(i: &Ident) -> String {
    let s = i.to_string();
    match s.strip_prefix("r#") {
        Some(raw) => raw.to_string(),
        None => s,
    }
}

fn member_name(m: &Member) -> String {
    match m {
        Member::Named(i) => ident_name(i),
        Member::Unnamed(i) => i.index.to_string(),
    }
}

fn value_use(segments: Vec<String>, at: Loc) -> ValueUse {
    ValueUse {
        text: segments.join("."),
        segments,
        loc: at,
    }
}

/// A field-access chain on a variable: `p.card.pan` (`self.ssn` too).
fn chain(e: &Expr) -> Option<ValueUse> {
    let mut segments = Vec::new();
    let mut cur = e;
    loop {
        match cur {
            Expr::Field(f) => {
                segments.push(member_name(&f.member));
                cur = &f.base;
            }
            Expr::Path(p) if p.qself.is_none() => {
                let ident = p.path.get_ident()?;
                segments.push(ident_name(ident));
                segments.reverse();
                return Some(value_use(segments, loc(ident.span())));
            }
            _ => return None,
        }
    }
}

/// `self`, `*self`, `&self`, `(self)`.
fn is_selfish(e: &Expr) -> bool {
    match e {
        Expr::Path(p) => p.path.is_ident("self"),
        Expr::Unary(u) => matches!(u.op, syn::UnOp::Deref(_)) && is_selfish(&u.expr),
        Expr::Reference(r) => is_selfish(&r.expr),
        Expr::Paren(p) => is_selfish(&p.expr),
        _ => false,
    }
}

fn path_start(p: &syn::Path) -> Span {
    match (&p.leading_colon, p.segments.first()) {
        (Some(colon), _) => colon.spans[0],
        (None, Some(first)) => first.ident.span(),
        (None, None) => Span::call_site(),
    }
}

/// A path as written, without generics: `tracing::info`.
fn path_text(p: &syn::Path) -> String {
    let mut s = String::new();
    for (i, seg) in p.segments.iter().enumerate() {
        if i > 0 {
            s.push_str("::");
        }
        s.push_str(&seg.ident.to_string());
    }
    s
}

/// The name of an impl's self type: the last path segment without generics (`&Patient<T>` →
/// `Patient`).
fn type_name(ty: &Type) -> String {
    match ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| ident_name(&s.ident))
            .unwrap_or_default(),
        Type::Reference(r) => type_name(&r.elem),
        Type::Paren(p) => type_name(&p.elem),
        Type::Group(g) => type_name(&g.elem),
        _ => String::new(),
    }
}

/// `Debug` or `Display` when `p` names one of them: `Debug`, `fmt::Debug`, `std::fmt::Display`,
/// `core::fmt::Debug`.
fn fmt_trait(p: &syn::Path) -> Option<&'static str> {
    let last = p.segments.last()?;
    let name = if last.ident == "Debug" {
        "Debug"
    } else if last.ident == "Display" {
        "Display"
    } else {
        return None;
    };
    (p.segments.len() == 1 || p.segments.iter().any(|s| s.ident == "fmt")).then_some(name)
}

/// A type's source text compacted: whitespace and comments dropped, except one space between
/// two words (`dyn Error`, `&'a mut T`).
fn compact(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if c == '/' && matches!(chars.peek(), Some('/' | '*')) {
            if chars.next() == Some('*') {
                let mut depth = 1usize;
                let mut prev = ' ';
                for d in chars.by_ref() {
                    match (prev, d) {
                        ('/', '*') => {
                            depth += 1;
                            prev = ' ';
                        }
                        ('*', '/') => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                            prev = ' ';
                        }
                        _ => prev = d,
                    }
                }
            } else {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            space = true;
            continue;
        }
        let word = |c: char| c.is_alphanumeric() || c == '_';
        if space && out.ends_with(word) && word(c) {
            out.push(' ');
        }
        space = false;
        out.push(c);
        if c == '"' {
            while let Some(d) = chars.next() {
                out.push(d);
                if d == '\\' {
                    if let Some(e) = chars.next() {
                        out.push(e);
                    }
                } else if d == '"' {
                    break;
                }
            }
        }
    }
    out
}

/// The index of the `)` closing the `(` at the start of `s` (strings inside skipped).
fn closing_paren(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_str = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if in_str {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The value of a string literal token.
fn str_value(l: &Literal) -> Option<String> {
    match Lit::new(l.clone()) {
        Lit::Str(s) => Some(s.value()),
        _ => None,
    }
}

/// Inline captures of a format string or template, as written (quotes, escapes and all), with
/// the byte offset of each in `repr`: `{name}`, `{name:?}`, `{name:>10}`; `{name.field}` gives
/// `name`; `{0}` only when `positional` (thiserror's tuple fields); never `{}` or `{{`.
fn scan_captures(repr: &str, positional: bool) -> Vec<(String, usize)> {
    let raw = repr.starts_with('r');
    let b = repr.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' if !raw => {
                if b.get(i + 1) == Some(&b'u') {
                    i = b[i..]
                        .iter()
                        .position(|&x| x == b'}')
                        .map_or(b.len(), |p| i + p + 1);
                } else {
                    i += 2;
                }
            }
            b'{' if b.get(i + 1) == Some(&b'{') => i += 2,
            b'}' if b.get(i + 1) == Some(&b'}') => i += 2,
            b'{' => {
                let Some(len) = b[i + 1..].iter().position(|&x| x == b'}') else {
                    break;
                };
                let inner = repr.get(i + 1..i + 1 + len).unwrap_or("");
                let arg = inner.split(':').next().unwrap_or("").trim();
                let arg = arg.split('.').next().unwrap_or("").trim();
                let arg = arg.strip_prefix("r#").unwrap_or(arg);
                let ident = arg.starts_with(|c: char| c.is_alphabetic() || c == '_')
                    && arg.chars().all(|c| c.is_alphanumeric() || c == '_')
                    && arg != "_";
                let index = !arg.is_empty() && arg.bytes().all(|b| b.is_ascii_digit());
                if ident || positional && index {
                    let offset = i + 1 + (inner.len() - inner.trim_start().len());
                    out.push((arg.to_string(), offset));
                }
                i += len + 2;
            }
            _ => i += 1,
        }
    }
    out
}

/// Where byte `offset` of a literal written as `repr` is, the literal starting at `base`.
fn offset_loc(base: Loc, repr: &str, offset: usize) -> Loc {
    let before = repr.get(..offset).unwrap_or(repr);
    match before.rfind('\n') {
        None => Loc {
            line: base.line,
            column: base.column + before.chars().count(),
        },
        Some(nl) => Loc {
            line: base.line + before.bytes().filter(|&b| b == b'\n').count(),
            column: before.get(nl + 1..).map_or(0, |l| l.chars().count()) + 1,
        },
    }
}

fn dedup(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// `#[derive(A, b::C)]`: each derive's last segment, where it is written.
fn derives(a: &mut Attrs, tokens: &TokenStream) {
    let toks: Vec<TokenTree> = tokens.clone().into_iter().collect();
    for r in split(&toks, false) {
        let part = &toks[r];
        let from_displaydoc =
            matches!(part.first(), Some(TokenTree::Ident(i)) if i == "displaydoc");
        if let Some(TokenTree::Ident(id)) =
            part.iter().rev().find(|t| matches!(t, TokenTree::Ident(_)))
        {
            let name = ident_name(id);
            a.displaydoc |= from_displaydoc && name == "Display";
            a.derives.push((name, loc(id.span())));
        }
    }
}

/// `#[serde(skip)]`, `#[serde(skip_serializing)]`, `#[serde(serialize_with = "f")]`,
/// `#[serde(with = "m")]`.
fn serde(a: &mut Attrs, tokens: &TokenStream) {
    let toks: Vec<TokenTree> = tokens.clone().into_iter().collect();
    for r in split(&toks, false) {
        match &toks[r] {
            [TokenTree::Ident(k)] if k == "skip" || k == "skip_serializing" => a.serde_skip = true,
            [
                TokenTree::Ident(k),
                TokenTree::Punct(eq),
                TokenTree::Literal(l),
            ] if (k == "serialize_with" || k == "with") && eq.as_char() == '=' => {
                if let Some(f) = str_value(l) {
                    a.serialize_with = Some(f);
                }
            }
            _ => {}
        }
    }
}

/// `#[error("…{x}", .y)]` (thiserror), `#[display("…")]`, `#[displaydoc("…")]`; not
/// `#[error(transparent)]`.
fn template(a: &mut Attrs, tokens: &TokenStream, at: Span) {
    let toks: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let parts = split(&toks, false);
    let Some(first) = parts.first() else { return };
    let lit = match &toks[first.clone()] {
        [TokenTree::Literal(l)] => l,
        [
            TokenTree::Ident(k),
            TokenTree::Punct(eq),
            TokenTree::Literal(l),
        ] if k == "fmt" && eq.as_char() == '=' => l,
        _ => return,
    };
    let Some(text) = str_value(lit) else { return };
    let repr = lit.to_string();
    let mut names: Vec<String> = scan_captures(&repr, true)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    for r in parts.iter().skip(1) {
        dot_members(&toks[r.clone()], &mut names);
    }
    a.templates.push((text, dedup(names.into_iter()), loc(at)));
}

/// `.field` and `.0` in thiserror's extra arguments (`#[error("{}", .ssn)]`), `self.x` too.
fn dot_members(t: &[TokenTree], out: &mut Vec<String>) {
    for (i, tree) in t.iter().enumerate() {
        match tree {
            TokenTree::Group(g) => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                dot_members(&inner, out);
            }
            TokenTree::Punct(dot) if dot.as_char() == '.' && dot.spacing() == Spacing::Alone => {
                let shorthand = match i.checked_sub(1).and_then(|p| t.get(p)) {
                    None | Some(TokenTree::Punct(_)) => true,
                    Some(TokenTree::Ident(s)) => s == "self",
                    _ => false,
                };
                if shorthand
                    && let Some(names) = t.get(i + 1).and_then(member_names)
                    && let Some(name) = names.into_iter().next()
                {
                    out.push(name);
                }
            }
            _ => {}
        }
    }
}

/// `#[instrument(skip(a, b), skip_all, …)]`.
fn instrument(tokens: &TokenStream, at: Span) -> Instrument {
    let mut ins = Instrument {
        skipped: Vec::new(),
        skip_all: false,
        loc: loc(at),
    };
    let toks: Vec<TokenTree> = tokens.clone().into_iter().collect();
    for r in split(&toks, false) {
        match &toks[r] {
            [TokenTree::Ident(k)] if k == "skip_all" => ins.skip_all = true,
            [TokenTree::Ident(k), TokenTree::Group(g)] if k == "skip" => {
                for t in g.stream() {
                    if let TokenTree::Ident(i) = t {
                        ins.skipped.push(ident_name(&i));
                    }
                }
            }
            _ => {}
        }
    }
    ins
}

fn needs_category(shown: &str) -> String {
    format!("`{shown}` needs a category first: `phi`, `pii`, `pci` or your own")
}

/// `regulated(category, id = "…", never_store)`'s arguments: exactly one category (an
/// identifier) first, then `id = "…"` and `never_store`, each at most once, in any order.
fn parse_annotation(
    tokens: TokenStream,
    shown: &str,
    form: Form,
    at: Loc,
) -> Result<Annotation, String> {
    let toks: Vec<TokenTree> = tokens.into_iter().collect();
    let parts = split(&toks, false);
    let mut parts = parts.into_iter().map(|r| &toks[r]);
    let category = match parts.next() {
        Some([TokenTree::Ident(c)]) if c != "id" && c != "never_store" => ident_name(c),
        _ => return Err(needs_category(shown)),
    };
    let mut annotation = Annotation {
        category,
        id: None,
        never_store: false,
        form,
        loc: at,
    };
    let only = "only `id = \"…\"` and `never_store` may follow the category";
    for part in parts {
        match part {
            [] => return Err(format!("`{shown}` has an empty argument")),
            [TokenTree::Ident(k)] if k == "never_store" => {
                if annotation.never_store {
                    return Err(format!("`{shown}` gives `never_store` twice"));
                }
                annotation.never_store = true;
            }
            [TokenTree::Ident(k)] if k == "id" => {
                return Err(format!(
                    "`{shown}`: `id` needs a value, as in `id = \"mrn\"`"
                ));
            }
            [TokenTree::Ident(k)] => {
                return Err(format!(
                    "`{shown}` has a second category `{k}`: an item takes exactly one, and {only}"
                ));
            }
            [TokenTree::Ident(k), TokenTree::Punct(eq), value @ ..] if eq.as_char() == '=' => {
                if k == "never_store" {
                    return Err(format!(
                        "`{shown}`: `never_store` is a flag and takes no value"
                    ));
                }
                if k != "id" {
                    return Err(format!("`{shown}` has an unknown key `{k}`: {only}"));
                }
                let id = match value {
                    [TokenTree::Literal(l)] => str_value(l),
                    _ => None,
                };
                let Some(id) = id else {
                    return Err(format!(
                        "`{shown}`: `id` must be a string, as in `id = \"mrn\"`"
                    ));
                };
                if id.is_empty() {
                    return Err(format!("`{shown}`: `id` must not be empty"));
                }
                if annotation.id.is_some() {
                    return Err(format!("`{shown}` gives `id` twice"));
                }
                annotation.id = Some(id);
            }
            other => {
                let text: TokenStream = other.iter().cloned().collect();
                return Err(format!("`{shown}`: cannot read `{text}`; {only}"));
            }
        }
    }
    Ok(annotation)
}

#[cfg(test)]
thread_local! { pub static STATS: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) }; }
#[cfg(test)]
mod scratch {
    #![allow(clippy::unwrap_used, clippy::print_stdout)]
    use std::time::Instant;
    #[test]
    #[ignore]
    fn scratch_bench() {
        let files: Vec<(String, String)> = std::fs::read_to_string("/tmp/sel.txt")
            .unwrap()
            .lines()
            .filter_map(|p| std::fs::read_to_string(p).ok().map(|t| (p.to_string(), t)))
            .collect();
        let bytes: usize = files.iter().map(|f| f.1.len()).sum();
        println!("{} files, {} bytes", files.len(), bytes);
        // maxima of the guard's counts over real files
        let mut max_n = 0;
        let mut max_c = 0;
        let mut worst = String::new();
        for (p, text) in &files {
            let n = (1..=super::MAX_NESTING)
                .find(|&n| super::guard(text, n, usize::MAX).is_none())
                .unwrap_or(999);
            let c = [64, 128, 256, 512, 1024, 2048, 4096, 8192]
                .into_iter()
                .find(|&c| super::guard(text, usize::MAX, c).is_none())
                .unwrap_or(99999);
            if n > max_n {
                max_n = n;
                worst = p.clone();
            }
            max_c = max_c.max(c);
        }
        println!("max nesting {max_n} ({worst}), max chain bucket {max_c}");
        for round in 0..3 {
            let (mut bare, mut scan, mut guard) = (0f64, 0f64, 0f64);
            for (p, text) in &files {
                let t = Instant::now();
                if let Ok(f) = syn::parse_file(text) {
                    drop(f);
                }
                proc_macro2::extra::invalidate_current_thread_spans();
                let t1 = Instant::now();
                std::hint::black_box(super::file(std::path::Path::new(p), "m", text));
                let t2 = Instant::now();
                std::hint::black_box(super::guard(text, super::MAX_NESTING, super::MAX_CHAIN));
                let t3 = Instant::now();
                bare += (t1 - t).as_secs_f64();
                scan += (t2 - t1).as_secs_f64();
                guard += (t3 - t2).as_secs_f64();
            }
            println!(
                "round {round}: bare {bare:.3}s scan {scan:.3}s (guard {guard:.3}s) ratio bare/scan {:.3}",
                bare / scan
            );
        }
    }
}
#[cfg(test)]
mod scratch2 {
    #![allow(clippy::unwrap_used, clippy::print_stdout)]
    #[test]
    #[ignore]
    fn scratch_scan_only() {
        let files: Vec<(String, String)> = std::fs::read_to_string("/tmp/sel.txt")
            .unwrap()
            .lines()
            .filter_map(|p| std::fs::read_to_string(p).ok().map(|t| (p.to_string(), t)))
            .collect();
        let bare = std::env::var("BARE").is_ok();
        for _ in 0..2 {
            for (p, text) in &files {
                if bare {
                    if let Ok(f) = syn::parse_file(text) {
                        drop(f);
                    }
                    proc_macro2::extra::invalidate_current_thread_spans();
                } else {
                    std::hint::black_box(super::file(std::path::Path::new(p), "m", text));
                }
            }
        }
        super::STATS.with(|s| { let s = s.borrow(); println!("parse2 calls: {}", s.len()); for x in s.iter().step_by(s.len() / 150 + 1) { println!("  {x}"); } });
    }
}

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
pub const MAX_NESTING: usize = 96;
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
/// Stack: the guard keeps syn's recursion bounded, not small. The deepest files the guard admits
/// need 768 KiB of stack in a release build and 5 MiB in a debug build (measured, see the test
/// `what_the_guard_admits_fits_the_stack`): run scans on threads with at least 2 MiB (release) or
/// 8 MiB (debug). rayon's and the test harness's threads have 2 MiB unless told otherwise.
///
/// Spans: with proc-macro2's `span-locations` feature, every parsed text is copied into a
/// thread-local source map that lives as long as the thread, and positions are 32-bit offsets
/// into all the text ever parsed on that thread. A scan of many files would keep every file in
/// memory and, past 4 GiB of text on one thread, report wrong lines. So each call clears that
/// map when it is done, with `proc_macro2::extra::invalidate_current_thread_spans`: a caller must
/// not hold proc-macro2 spans of its own across a call to `file` on the same thread.
pub fn file(path: &Path, module: &str, text: &str) -> FileFacts {
    let src = strip_preamble(text);
    // Where each line of `src` starts (memchr finds the newlines).
    let mut line_starts = vec![0];
    line_starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
    // (`src` has every newline of `text`: a `#!` line loses its text, not its newline.)
    let newlines = line_starts.len() - 1;
    let mut facts = FileFacts {
        file: path.to_path_buf(),
        lines: newlines + usize::from(!text.is_empty() && !text.ends_with('\n')),
        bytes: text.len(),
        ..FileFacts::default()
    };
    if let Some(too_deep) = guard(src, MAX_NESTING, MAX_CHAIN) {
        facts.parse_error = Some(too_deep);
        return facts;
    }
    match syn::parse_str::<syn::File>(src) {
        Ok(ast) => {
            let mut scanner = Scanner::new(module, src, line_starts, &mut facts);
            scanner.visit_file(&ast);
        }
        Err(e) => facts.parse_error = Some((loc(e.span()), e.to_string())),
    }
    // The tree is gone; release the text proc-macro2 keeps for its spans (see above).
    proc_macro2::extra::invalidate_current_thread_spans();
    facts
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
    /// `<` of generics opened at this level and not closed yet.
    angle: usize,
    /// `->` of function types at this level since the last `,` (each nests the type after it).
    arrow: usize,
    /// Tokens since the last `,`, `;` or item boundary at this level.
    chain: usize,
    /// Inside a macro call's brackets: tokens to syn, not expressions.
    in_macro: bool,
    /// `match` was met at this level: its next `{` opens the arms.
    pending_match: bool,
    /// This level holds a `match`'s arms.
    arms: bool,
    /// In `arms`: reading a pattern (up to `=>`). syn reads or-patterns as a list, so their
    /// alternatives (`'a' | 'b' | …`, hundreds in generated tables) are no chain.
    pattern: bool,
    /// This level is an arm's `{ … }` body: when it closes, the next arm's pattern starts.
    arm_block: bool,
}

/// A token as [`guard`] sees it.
#[derive(Clone, Copy, PartialEq)]
enum Tok {
    Open,
    Close(u8),
    Semi,
    Comma,
    /// `<` (a generic's, as far as the guard knows).
    AngleOpen,
    AngleClose,
    /// `->`.
    ThinArrow,
    /// `&`, `*`, `!`, `-`, `return`, `break`, `move`, `box`: each may open a level of syn's
    /// recursion.
    Prefix,
    /// A single `|`: a closure's parameters open or close, or an infix or-operator.
    Pipe,
    /// `||`: a closure without parameters, or the logical or.
    PipePipe,
    /// `=`: it ends a closure's parameters (which cannot hold it).
    Arrow,
    /// `=>`: it ends a closure's parameters too, and a match arm's pattern.
    FatArrow,
    /// Neither opens nor ends a run of prefix operators: `mut`, `dyn`, a lifetime…
    Keep,
    /// An identifier that starts an item or statement (`fn`, `pub`, `let`…).
    ItemWord,
    /// An identifier, a number, a string or character literal.
    Operand,
    Other,
}

/// Where syn's recursion on `src` would go past the bounds, as a parse error.
///
/// syn parses by recursive descent without a depth limit, and its trees are visited and
/// dropped recursively, so a file of 100 000 `(` overflows any stack. This pass over the bytes
/// (comments, strings and character literals skipped) bounds what syn recurses on:
/// - nesting: the open brackets, plus the `<` and `->` of types still open (closed by `>`, or
///   forgotten at their level's next `;`, `{`, item keyword or closing bracket), plus the current
///   run of prefix operators and closure heads (`&&&&x`, `!!!!x`, `return return x`,
///   `|a| |b| x`), which only an operand outside closure parameters ends: at most
///   [`MAX_NESTING`];
/// - chains: the tokens of one expression at one level (`a + b + …`, `x.f().g()…`, `x???`, long
///   `else if` chains), counted until a `,`, `;` or item boundary, outside macro calls (their
///   bodies stay tokens to syn): at most [`MAX_CHAIN`].
///
/// Both counts over-estimate. Over the 26 494 `.rs` files of a crates.io cache, no file goes past
/// them: the longest chain is about 800 tokens, the deepest nesting 45 — but for typenum's
/// generated constants (`UInt<UInt<…>>`, 64 deep). The pass costs about 3% of syn's parse time.
fn guard(src: &str, max_nesting: usize, max_chain: usize) -> Option<(Loc, String)> {
    let b = src.as_bytes();
    let mut i = 0;
    let mut stack: Vec<Level> = Vec::new();
    let mut cur = Level::default();
    let mut angles = 0usize;
    let mut run = 0usize;
    // Inside a closure's `|…|`, at this bracket depth.
    let mut params: Option<usize> = None;
    let mut prev = Tok::Other;
    let mut prev_byte = 0u8;
    let mut macro_bang = false;
    while let Some(&c) = b.get(i) {
        let start = i;
        let tok = match c {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                i += 1;
                while b
                    .get(i)
                    .is_some_and(|&x| matches!(x, b' ' | b'\n' | b'\t' | b'\r'))
                {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = src
                    .get(i..)
                    .and_then(|rest| rest.find('\n'))
                    .map_or(b.len(), |p| i + p);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = skip_block_comment(b, i);
                continue;
            }
            b'"' => {
                i = skip_string(b, i + 1);
                Tok::Operand
            }
            b'\'' => {
                if b.get(i + 1) == Some(&b'\\') {
                    let mut j = i + 3;
                    while b.get(j).is_some_and(|&x| x != b'\'' && x != b'\n') {
                        j += 1;
                    }
                    i = j + 1;
                    Tok::Operand
                } else {
                    let len = b.get(i + 1).map_or(1, |&x| utf8_len(x));
                    if b.get(i + 1 + len) == Some(&b'\'') {
                        i += 2 + len;
                        Tok::Operand
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
            b'-' if b.get(i + 1) == Some(&b'>') => {
                i += 2;
                Tok::ThinArrow
            }
            b'=' => match b.get(i + 1) {
                Some(b'=') => {
                    i += 2;
                    Tok::Other
                }
                Some(b'>') => {
                    i += 2;
                    Tok::FatArrow
                }
                _ => {
                    i += 1;
                    Tok::Arrow
                }
            },
            b'&' | b'*' | b'!' | b'-' | b'|' if b.get(i + 1) == Some(&b'=') => {
                i += 2;
                Tok::Other
            }
            b'|' if b.get(i + 1) == Some(&b'|') => {
                i += 2;
                Tok::PipePipe
            }
            b'|' => {
                i += 1;
                Tok::Pipe
            }
            b'&' | b'*' | b'!' | b'-' => {
                i += 1;
                Tok::Prefix
            }
            b'?' => {
                i += 1;
                Tok::Operand
            }
            c if is_ident_byte(c) => {
                if let Some(end) = raw_string_end(b, i) {
                    i = end;
                    Tok::Operand
                } else {
                    let rest = b.get(i..).unwrap_or(&[]);
                    i += rest
                        .iter()
                        .position(|&x| !is_ident_byte(x))
                        .unwrap_or(rest.len());
                    let word = b.get(start..i).unwrap_or(&[]);
                    // In a type: `fn(u8) -> u8`, `extern "C" fn()` are no items.
                    let in_type = || {
                        matches!(
                            prev,
                            Tok::Arrow | Tok::ThinArrow | Tok::AngleOpen | Tok::Comma | Tok::Prefix
                        ) || prev == Tok::Open && prev_byte != b'{'
                            || prev == Tok::Other && prev_byte == b':'
                    };
                    match word_kind(word) {
                        // A lifetime's name.
                        _ if prev == Tok::Keep && prev_byte == b'\'' => Tok::Keep,
                        Tok::ItemWord if matches!(word, b"fn" | b"extern") && in_type() => {
                            Tok::Keep
                        }
                        kind => kind,
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
        if prev == Tok::Close(b'}')
            && (is_ident_byte(c) || c == b'#')
            && !matches!(b.get(start..i), Some(b"else" | b"as"))
        {
            cur.chain = 0;
        }
        // A closure's parameters: `|` where an operand cannot end (a prefix position) opens them,
        // the next `|` closes them; `=`, `=>`, `;` or the end of their bracket level ends them
        // too (an or-pattern's leading `|`).
        let in_params = params.is_some();
        match tok {
            Tok::Pipe if in_params => params = None,
            Tok::Pipe if !matches!(prev, Tok::Operand | Tok::Close(_)) => {
                params = Some(stack.len());
            }
            Tok::Arrow | Tok::FatArrow | Tok::Semi => params = None,
            Tok::Close(_) if params.is_some_and(|depth| stack.len() <= depth) => params = None,
            _ => {}
        }
        let closure_head = matches!(tok, Tok::Pipe | Tok::PipePipe)
            && !in_params
            && !matches!(prev, Tok::Operand | Tok::Close(_));
        match tok {
            Tok::Open => {
                // Types do not go on across a block: `if a < b { … }`, `fn f() -> T { … }`.
                if c == b'{' {
                    angles = angles.saturating_sub(cur.angle + cur.arrow);
                    cur.angle = 0;
                    cur.arrow = 0;
                }
                let in_macro = cur.in_macro || macro_bang;
                if !cur.in_macro {
                    cur.chain += 1;
                }
                let arms = c == b'{' && std::mem::take(&mut cur.pending_match);
                let arm_block = c == b'{' && cur.arms && prev == Tok::FatArrow;
                stack.push(std::mem::replace(
                    &mut cur,
                    Level {
                        in_macro,
                        arms,
                        pattern: arms,
                        arm_block,
                        ..Level::default()
                    },
                ));
                if !in_params {
                    run = 0;
                }
            }
            Tok::Close(_) => {
                angles = angles.saturating_sub(cur.angle + cur.arrow);
                let arm_block = cur.arm_block;
                cur = stack.pop().unwrap_or_default();
                if arm_block {
                    cur.pattern = true;
                }
                if !in_params {
                    run = 0;
                }
            }
            Tok::Semi => {
                angles = angles.saturating_sub(cur.angle + cur.arrow);
                cur.angle = 0;
                cur.arrow = 0;
                cur.pending_match = false;
                cur.chain = 0;
                run = 0;
            }
            Tok::Comma => {
                angles = angles.saturating_sub(cur.arrow);
                cur.arrow = 0;
                cur.chain = 0;
                cur.pattern = cur.arms;
                if !in_params {
                    run = 0;
                }
            }
            Tok::AngleOpen => {
                cur.angle += 1;
                angles += 1;
                cur.chain += 1;
                if !in_params {
                    run = 0;
                }
            }
            Tok::ThinArrow => {
                cur.arrow += 1;
                angles += 1;
                cur.chain += 1;
                if !in_params {
                    run = 0;
                }
            }
            Tok::AngleClose => {
                if cur.angle > 0 {
                    cur.angle -= 1;
                    angles = angles.saturating_sub(1);
                }
                cur.chain += 1;
                if !in_params {
                    run = 0;
                }
            }
            Tok::Prefix => {
                run += 1;
                cur.chain += 1;
            }
            Tok::Pipe | Tok::PipePipe => {
                // A closure head nests its body; an or-operator is one more step of a chain.
                if closure_head || !in_params {
                    run += 1;
                }
                cur.chain += 1;
            }
            Tok::Keep | Tok::Arrow => cur.chain += 1,
            Tok::FatArrow => {
                cur.chain = 0;
                cur.pattern = false;
            }
            Tok::ItemWord => {
                angles = angles.saturating_sub(cur.angle + cur.arrow);
                cur.angle = 0;
                cur.arrow = 0;
                cur.chain = 0;
                run = 0;
                params = None;
            }
            Tok::Operand | Tok::Other => {
                cur.pending_match |= i - start == 5 && b.get(start..i) == Some(b"match");
                cur.chain += 1;
                if params.is_none() {
                    run = 0;
                }
            }
        }
        if stack.len() + angles + run > max_nesting {
            let message = format!(
                "brackets, generics, closures and prefix operators nest deeper than {max_nesting} \
                 levels here; gate does not read a file this deep"
            );
            return Some((loc_at(src, start), message));
        }
        if !(cur.in_macro || cur.arms && cur.pattern) && cur.chain > max_chain {
            let message = format!(
                "an expression goes on for more than {max_chain} tokens here without a `,` or `;`; \
                 gate does not read a file with one this long"
            );
            return Some((loc_at(src, start), message));
        }
        macro_bang = c == b'!' && tok == Tok::Prefix && prev == Tok::Operand;
        prev = tok;
        prev_byte = c;
    }
    None
}

/// Keywords that neither open nor end a run of prefix operators ([`Tok::Keep`]), keywords that
/// open one ([`Tok::Prefix`]), and those that start an item or statement ([`Tok::ItemWord`]).
fn word_kind(word: &[u8]) -> Tok {
    // By length first: most identifiers are no keyword, and this rejects them in one compare.
    match (word.len(), word) {
        (2, b"fn") => Tok::ItemWord,
        (3, b"mut" | b"dyn" | b"ref") => Tok::Keep,
        (3, b"box") => Tok::Prefix,
        (3, b"pub" | b"mod" | b"use" | b"let") => Tok::ItemWord,
        (4, b"impl") => Tok::Keep,
        (4, b"move") => Tok::Prefix,
        (4, b"enum" | b"type") => Tok::ItemWord,
        (5, b"const" | b"async") => Tok::Keep,
        (5, b"break" | b"yield") => Tok::Prefix,
        (5, b"trait") => Tok::ItemWord,
        (6, b"static") => Tok::Keep,
        (6, b"return") => Tok::Prefix,
        (6, b"struct" | b"extern") => Tok::ItemWord,
        (11, b"macro_rules") => Tok::ItemWord,
        _ => Tok::Operand,
    }
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
    loop {
        let rest = b.get(i..).unwrap_or(&[]);
        match rest.iter().position(|&x| x == b'"' || x == b'\\') {
            None => return b.len(),
            Some(p) if rest.get(p) == Some(&b'"') => return i + p + 1,
            Some(p) => i += p + 2,
        }
    }
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
    /// The text syn parsed: spans' lines and columns index it.
    src: &'a str,
    /// Where each line of `src` starts (a byte offset). proc-macro2's `Span::byte_range` would
    /// do, but it keeps a cache in a `BTreeMap` that costs more than the rest of the walk.
    line_starts: Vec<usize>,
    module: String,
    /// The type (or trait) whose impl (or definition) is being walked: methods are its paths.
    owner: Option<String>,
    /// That impl's self type as written, for a `self` parameter.
    self_ty: Option<String>,
    /// The hand-written `Debug`/`Display` impl being walked (index into `facts.impls`).
    fmt: Option<usize>,
    /// The file names displaydoc: doc comments may be `Display` templates.
    displaydoc: bool,
    /// Doc comments are read at all: the file has `gate:` or names displaydoc. (Decoding every
    /// doc line of every file is a measurable part of the scan.)
    read_docs: bool,
    facts: &'a mut FileFacts,
}

impl<'a> Scanner<'a> {
    fn new(module: &str, src: &'a str, line_starts: Vec<usize>, facts: &'a mut FileFacts) -> Self {
        Scanner {
            src,
            line_starts,
            module: module.to_string(),
            owner: None,
            self_ty: None,
            fmt: None,
            displaydoc: src.contains("displaydoc"),
            read_docs: src.contains("gate:") || src.contains("displaydoc"),
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
        let (first, last) = type_bounds(ty).unwrap_or_else(|| {
            let span = ty.span();
            (span, span)
        });
        let text = self.text(first, last).map(compact).unwrap_or_default();
        (text, loc(first))
    }

    /// The byte offset of a line and (0-based, in characters) column of `src`.
    fn offset(&self, at: proc_macro2::LineColumn) -> Option<usize> {
        let start = *self.line_starts.get(at.line.checked_sub(1)?)?;
        let line = self.src.get(start..)?;
        if line
            .as_bytes()
            .get(..at.column)
            .is_some_and(|b| b.is_ascii())
        {
            return Some(start + at.column);
        }
        let column = line
            .char_indices()
            .nth(at.column)
            .map_or(line.len(), |(i, _)| i);
        Some(start + column)
    }

    /// The source text from the start of `from` to the end of `to`.
    fn text(&self, from: Span, to: Span) -> Option<&'a str> {
        let range = self.offset(from.start())?..self.offset(to.end())?;
        self.src.get(range)
    }

    /// The source text from the start of `from` to the end of `to`, whitespace collapsed.
    fn shown(&self, from: Span, to: Span) -> String {
        match self.text(from, to) {
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
        let docs = docs && self.read_docs;
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

    /// A `static` (plain or in an `extern` block): declared with its type as written.
    fn declare_static(&mut self, ident: &syn::Ident, attrs: &[syn::Attribute], ty: &syn::Type) {
        let name = ident_name(ident);
        let a = self.read_attrs(attrs, true);
        let mut d = self.declare(
            ItemKind::Static,
            self.path(&name),
            name,
            loc(ident.span()),
            &a,
        );
        d.ty = Some(self.type_text(ty).0);
        self.facts.declared.push(d);
    }

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
        if let Some(simple) = simple_value(value) {
            out.extend(simple);
            return;
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
        match macro_kind_of(&last.ident) {
            Some((last, kind)) if depth < MAX_MACRO_DEPTH => {
                let at = loc(path_start(&m.path));
                let index = self.target_macro(
                    path_text(&m.path),
                    last,
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
                    Some(TokenTree::Ident(l)) => l,
                    _ => id,
                };
                match macro_kind_of(last) {
                    Some((last, kind)) if depth < MAX_MACRO_DEPTH => {
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
                            last,
                            kind,
                            g.stream(),
                            loc(id.span()),
                            depth + 1,
                        );
                        if collect && let Some(inner) = self.facts.macros.get(index) {
                            out.extend(inner.uses.iter().cloned());
                        }
                    }
                    _ if *last == "macro_rules" => {}
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
        let span = m.delimiter.span();
        self.text(span.open(), span.close())
            .is_none_or(mentions_target)
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
        self.declare_static(&s.ident, &s.attrs, &s.ty);
        visit::visit_item_static(self, s);
    }

    fn visit_foreign_item_static(&mut self, s: &'ast syn::ForeignItemStatic) {
        self.declare_static(&s.ident, &s.attrs, &s.ty);
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
        if let Some((last, kind)) = macro_kind_of(&last.ident) {
            let at = loc(path_start(&m.path));
            self.target_macro(path_text(&m.path), last, kind, m.tokens.clone(), at, 0);
        } else if last.ident != "macro_rules" && self.may_hold_targets(m) {
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

/// The macros whose arguments gate reads, by the last segment of their name.
const MACROS: &[(&str, MacroKind)] = &[
    ("println", MacroKind::Print),
    ("print", MacroKind::Print),
    ("eprintln", MacroKind::Print),
    ("eprint", MacroKind::Print),
    ("dbg", MacroKind::Print),
    ("panic", MacroKind::Print),
    ("todo", MacroKind::Print),
    ("unimplemented", MacroKind::Print),
    ("unreachable", MacroKind::Print),
    ("assert", MacroKind::Print),
    ("assert_eq", MacroKind::Print),
    ("assert_ne", MacroKind::Print),
    ("debug_assert", MacroKind::Print),
    ("debug_assert_eq", MacroKind::Print),
    ("debug_assert_ne", MacroKind::Print),
    ("format", MacroKind::Format),
    ("write", MacroKind::Format),
    ("writeln", MacroKind::Format),
    ("format_args", MacroKind::Format),
    ("trace", MacroKind::Log),
    ("debug", MacroKind::Log),
    ("info", MacroKind::Log),
    ("warn", MacroKind::Log),
    ("error", MacroKind::Log),
    ("event", MacroKind::Log),
    ("span", MacroKind::Log),
    ("trace_span", MacroKind::Log),
    ("debug_span", MacroKind::Log),
    ("info_span", MacroKind::Log),
    ("warn_span", MacroKind::Log),
    ("error_span", MacroKind::Log),
    ("log", MacroKind::Log),
];

/// The kind of a macro, by the last segment of its name.
fn macro_kind(name: &str) -> Option<MacroKind> {
    MACROS.iter().find(|(n, _)| *n == name).map(|&(_, k)| k)
}

/// [`macro_kind`] of an identifier, with its name (no allocation).
fn macro_kind_of(ident: &Ident) -> Option<(&'static str, MacroKind)> {
    MACROS.iter().find(|(n, _)| ident == n).copied()
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

/// In `key = value` (the key an identifier chain `a.b.c`, a string, or tracing's `{ CONST }`),
/// the index of `=`.
fn key_len(t: &[TokenTree]) -> Option<usize> {
    match t.first() {
        Some(TokenTree::Ident(_) | TokenTree::Literal(_)) => {}
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {}
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

/// The most common macro arguments, read without parsing an expression (the same uses as
/// [`ExprUses`] would give): `x`, `&p.ssn`, `*self.card.pan`, `self.0`, `p.ssn.clone()`,
/// `x.len()`, `list.lock().await?` — and `"text"`, `-1`, `true`, which give none. `None` for
/// anything else.
fn simple_value(t: &[TokenTree]) -> Option<Option<ValueUse>> {
    match t {
        [TokenTree::Literal(_)] => return Some(None),
        [TokenTree::Punct(minus), TokenTree::Literal(_)] if minus.as_char() == '-' => {
            return Some(None);
        }
        [TokenTree::Ident(b)] if b == "true" || b == "false" => return Some(None),
        _ => {}
    }
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
    // After the first method call the chain is complete: what follows reads the call's result.
    let mut called = false;
    i += 1;
    while let Some(tree) = t.get(i) {
        match (tree, t.get(i + 1)) {
            (TokenTree::Punct(dot), Some(member))
                if dot.as_char() == '.' && dot.spacing() == Spacing::Alone =>
            {
                let names = member_names(member)?;
                match t.get(i + 2) {
                    Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
                        if !g.stream().is_empty() {
                            return None;
                        }
                        called = true;
                        i += 3;
                    }
                    _ => {
                        if !called {
                            segments.extend(names);
                        }
                        i += 2;
                    }
                }
            }
            (TokenTree::Punct(q), _) if q.as_char() == '?' => i += 1,
            _ => return None,
        }
    }
    Some(Some(value_use(segments, loc(first.span()))))
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

/// The spans of a type's first and last tokens, for the common types (`None` for the others:
/// `Spanned::span` finds them by printing the type's tokens, which costs more).
fn type_bounds(ty: &Type) -> Option<(Span, Span)> {
    Some(match ty {
        Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last()?;
            let end = match &last.arguments {
                syn::PathArguments::None => last.ident.span(),
                syn::PathArguments::AngleBracketed(a) => a.gt_token.span,
                syn::PathArguments::Parenthesized(_) => return None,
            };
            (path_start(&p.path), end)
        }
        Type::Reference(r) => (r.and_token.span, type_bounds(&r.elem)?.1),
        Type::Ptr(p) => (p.star_token.span, type_bounds(&p.elem)?.1),
        Type::Slice(s) => (s.bracket_token.span.open(), s.bracket_token.span.close()),
        Type::Array(a) => (a.bracket_token.span.open(), a.bracket_token.span.close()),
        Type::Tuple(t) => (t.paren_token.span.open(), t.paren_token.span.close()),
        Type::Paren(p) => (p.paren_token.span.open(), p.paren_token.span.close()),
        Type::Never(n) => (n.bang_token.span, n.bang_token.span),
        Type::Infer(i) => (i.underscore_token.span, i.underscore_token.span),
        _ => return None,
    })
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
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;

    /// trait, type, fields, whole
    type FmtRow<'a> = (&'a str, &'a str, Vec<(&'a str, Loc)>, bool);
    /// function, params (name, type), skipped, skip_all, where
    type InstrumentRow<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<&'a str>, bool, Loc);

    fn scan(src: &str) -> FileFacts {
        file(Path::new("src/m.rs"), "m", src)
    }

    fn at(line: usize, column: usize) -> Loc {
        Loc { line, column }
    }

    fn declared<'f>(f: &'f FileFacts, path: &str) -> &'f Declared {
        f.declared
            .iter()
            .find(|d| d.path == path)
            .unwrap_or_else(|| panic!("no {path} in {:#?}", f.declared))
    }

    fn annotation(f: &FileFacts, path: &str) -> Annotation {
        declared(f, path)
            .annotation
            .clone()
            .unwrap_or_else(|| panic!("{path} is not annotated: {:#?}", f.annotation_errors))
    }

    fn ty<'f>(f: &'f FileFacts, name: &str) -> &'f TypeDef {
        f.types.iter().find(|t| t.name == name).unwrap()
    }

    /// Each macro as `name: use, use…`.
    fn macros(f: &FileFacts) -> Vec<String> {
        f.macros
            .iter()
            .map(|m| {
                let uses: Vec<&str> = m.uses.iter().map(|u| u.text.as_str()).collect();
                format!("{}: {}", m.name, uses.join(", "))
            })
            .collect()
    }

    fn errors(f: &FileFacts) -> Vec<String> {
        f.annotation_errors.iter().map(|(_, m)| m.clone()).collect()
    }

    // --- annotations ---

    #[test]
    fn attribute_annotations_on_every_item_kind() {
        let f = scan(
            r#"
#[regulated(pii, id = "email")]
pub struct Email(pub String);

#[regulated(phi)]
pub enum Lab {
    #[regulated(phi, id = "result", never_store)]
    Final { #[regulated(phi, never_store, id = "code")] code: String },
}

pub struct Patient {
    #[gate::regulated(phi, id = "ssn")]
    pub ssn: String,
    #[regulated_data::regulated(hr_confidential)]
    pub salary: u64,
}

#[regulated(pci, id = "pan")]
static LAST_PAN: Mutex<Option<String>> = Mutex::new(None);

pub fn admit(#[regulated(phi, id = "mrn")] mrn: &str, ward: u32) {}
"#,
        );
        assert_eq!(errors(&f), Vec::<String>::new());
        let email = annotation(&f, "m::Email");
        assert_eq!(
            (email.category.as_str(), email.id.as_deref()),
            ("pii", Some("email"))
        );
        assert_eq!(
            (email.form, email.loc, email.never_store),
            (Form::Attribute, at(2, 1), false)
        );
        assert_eq!(declared(&f, "m::Email").kind, ItemKind::Struct);
        assert_eq!(declared(&f, "m::Email").loc, at(3, 12));
        assert_eq!(annotation(&f, "m::Lab").category, "phi");
        let fin = annotation(&f, "m::Lab::Final");
        assert_eq!((fin.id.as_deref(), fin.never_store), (Some("result"), true));
        assert_eq!(declared(&f, "m::Lab::Final").kind, ItemKind::Variant);
        assert_eq!(
            declared(&f, "m::Lab::Final").owner.as_deref(),
            Some("m::Lab")
        );
        let code = annotation(&f, "m::Lab::Final::code");
        assert_eq!((code.id.as_deref(), code.never_store), (Some("code"), true));
        assert_eq!(
            declared(&f, "m::Lab::Final::code").owner.as_deref(),
            Some("m::Lab::Final")
        );
        assert_eq!(annotation(&f, "m::Patient::ssn").id.as_deref(), Some("ssn"));
        assert_eq!(
            annotation(&f, "m::Patient::salary").category,
            "hr_confidential"
        );
        assert!(declared(&f, "m::Patient").annotation.is_none());
        let pan = declared(&f, "m::LAST_PAN");
        assert_eq!(pan.kind, ItemKind::Static);
        assert_eq!(pan.ty.as_deref(), Some("Mutex<Option<String>>"));
        assert_eq!(pan.annotation.as_ref().unwrap().category, "pci");
        let mrn = declared(&f, "m::admit::mrn");
        assert_eq!(
            (mrn.kind, mrn.ty.as_deref()),
            (ItemKind::Param, Some("&str"))
        );
        assert_eq!(mrn.annotation.as_ref().unwrap().id.as_deref(), Some("mrn"));
        assert!(declared(&f, "m::admit::ward").annotation.is_none());
    }

    #[test]
    fn doc_comment_annotations_on_every_item_kind() {
        let f = scan(
            r#"
/// An email address.
/// gate: regulated(pii, id = "email")
pub struct Email(pub String);

/// gate: regulated(phi)
pub enum Lab {
    /// gate: regulated(phi, never_store, id = "result")
    Final {
        /// gate: regulated(phi, id = "code")
        code: String,
    },
}

pub struct Card {
    /// The number.
    ///
    ///   gate:   regulated( pci , id = "pan" , never_store )   — the primary account number
    pub pan: String,
    #[doc = " gate: regulated(pci, id = \"cvv\")"]
    pub cvv: String,
}

/// gate: regulated(pci, id = "pan")
static LAST_PAN: &str = "";

/** gate: regulated(pii) */
pub struct Name(String);
"#,
        );
        assert_eq!(errors(&f), Vec::<String>::new());
        let email = annotation(&f, "m::Email");
        assert_eq!(
            (email.category.as_str(), email.id.as_deref()),
            ("pii", Some("email"))
        );
        assert_eq!((email.form, email.loc), (Form::DocComment, at(3, 1)));
        assert_eq!(annotation(&f, "m::Lab").category, "phi");
        assert!(annotation(&f, "m::Lab::Final").never_store);
        assert_eq!(
            annotation(&f, "m::Lab::Final::code").id.as_deref(),
            Some("code")
        );
        let pan = annotation(&f, "m::Card::pan");
        assert_eq!(
            (pan.id.as_deref(), pan.never_store, pan.loc),
            (Some("pan"), true, at(18, 5))
        );
        assert_eq!(annotation(&f, "m::Card::cvv").id.as_deref(), Some("cvv"));
        assert_eq!(annotation(&f, "m::LAST_PAN").category, "pci");
        assert_eq!(annotation(&f, "m::Name").category, "pii");
    }

    #[test]
    fn annotations_under_cfg_attr() {
        let f = scan(
            r#"
pub struct P {
    #[cfg_attr(feature = "gate", regulated(phi, id = "ssn"))]
    pub ssn: String,
}
"#,
        );
        assert_eq!(annotation(&f, "m::P::ssn").id.as_deref(), Some("ssn"));
    }

    #[test]
    fn every_malformed_annotation_is_a_located_error_and_leaves_the_item_unannotated() {
        let cases: &[(&str, &str)] = &[
            (
                "#[regulated]",
                "`regulated` needs a category first: `phi`, `pii`, `pci` or your own",
            ),
            (
                "#[regulated()]",
                "`regulated()` needs a category first: `phi`, `pii`, `pci` or your own",
            ),
            (
                "#[regulated(id = \"x\")]",
                "`regulated(id = \"x\")` needs a category first: `phi`, `pii`, `pci` or your own",
            ),
            (
                "#[regulated(never_store, phi)]",
                "`regulated(never_store, phi)` needs a category first: `phi`, `pii`, `pci` or your own",
            ),
            (
                "#[regulated(\"phi\")]",
                "`regulated(\"phi\")` needs a category first: `phi`, `pii`, `pci` or your own",
            ),
            (
                "#[regulated(phi, pii)]",
                "`regulated(phi, pii)` has a second category `pii`: an item takes exactly one, and only `id = \"…\"` and `never_store` may follow the category",
            ),
            (
                "#[regulated(phi, owner = \"x\")]",
                "`regulated(phi, owner = \"x\")` has an unknown key `owner`: only `id = \"…\"` and `never_store` may follow the category",
            ),
            (
                "#[regulated(pci, id = 5)]",
                "`regulated(pci, id = 5)`: `id` must be a string, as in `id = \"mrn\"`",
            ),
            (
                "#[regulated(pci, id = pan)]",
                "`regulated(pci, id = pan)`: `id` must be a string, as in `id = \"mrn\"`",
            ),
            (
                "#[regulated(pci, id)]",
                "`regulated(pci, id)`: `id` needs a value, as in `id = \"mrn\"`",
            ),
            (
                "#[regulated(pci, id = \"\")]",
                "`regulated(pci, id = \"\")`: `id` must not be empty",
            ),
            (
                "#[regulated(pci, id = \"a\", id = \"b\")]",
                "`regulated(pci, id = \"a\", id = \"b\")` gives `id` twice",
            ),
            (
                "#[regulated(pci, never_store, never_store)]",
                "`regulated(pci, never_store, never_store)` gives `never_store` twice",
            ),
            (
                "#[regulated(pci, never_store = true)]",
                "`regulated(pci, never_store = true)`: `never_store` is a flag and takes no value",
            ),
            (
                "#[regulated(pci,, id = \"a\")]",
                "`regulated(pci,, id = \"a\")` has an empty argument",
            ),
            (
                "#[regulated(pci, -)]",
                "`regulated(pci, -)`: cannot read `-`; only `id = \"…\"` and `never_store` may follow the category",
            ),
            (
                "#[regulated = \"phi\"]",
                "`regulated = …` is not an annotation: write `regulated(category, id = \"…\", never_store)`",
            ),
            (
                "/// gate: regulated(unknown_key = 1)",
                "`regulated(unknown_key = 1)` needs a category first: `phi`, `pii`, `pci` or your own",
            ),
            (
                "/// gate: regulated(pci, id = \"pan\"",
                "`regulated(pci, id = \"pan\"` is missing its closing `)`",
            ),
            (
                "/// gate: regulated pci",
                "`regulated pci` needs its arguments in parentheses, as in `gate: regulated(pii, id = \"email\")`",
            ),
            (
                "/// gate: regulated(pci, id = \"pan)",
                "`regulated(pci, id = \"pan)` is missing its closing `)`",
            ),
        ];
        for (marking, message) in cases {
            let src = format!("pub struct S {{\n    {marking}\n    pub f: String,\n}}\n");
            let f = scan(&src);
            assert_eq!(
                f.annotation_errors,
                vec![(at(2, 5), message.to_string())],
                "{marking}"
            );
            assert!(declared(&f, "m::S::f").annotation.is_none(), "{marking}");
        }
    }

    #[test]
    fn two_annotations_on_one_item_are_an_error_and_neither_counts() {
        let f = scan(
            "pub struct S {\n    /// gate: regulated(pii)\n    #[regulated(pii, id = \"x\")]\n    pub f: String,\n    #[regulated(phi)]\n    #[regulated(phi)]\n    pub g: String,\n}\n",
        );
        assert_eq!(
            f.annotation_errors,
            vec![
                (
                    at(3, 5),
                    "`regulated(pii, id = \"x\")` is a second `regulated(…)` annotation on the same item; an item takes exactly one".to_string()
                ),
                (
                    at(6, 5),
                    "`regulated(phi)` is a second `regulated(…)` annotation on the same item; an item takes exactly one".to_string()
                ),
            ]
        );
        assert!(declared(&f, "m::S::f").annotation.is_none());
        assert!(declared(&f, "m::S::g").annotation.is_none());
    }

    #[test]
    fn other_doc_comments_are_not_annotations() {
        let f = scan(
            "/// Not regulated: gate: regulated(pii) is how you would mark it.\n/// gate: regulatedness is a word\n/// gate: allow(x)\npub struct S(String);\n",
        );
        assert!(f.annotation_errors.is_empty(), "{:?}", f.annotation_errors);
        assert!(declared(&f, "m::S").annotation.is_none());
    }

    // --- declarations and types ---

    #[test]
    fn declarations_with_paths_types_and_owners() {
        let f = scan(
            r#"
pub struct Unit;
pub struct Mrn(pub String, u32);
pub struct Patient<'a, T: Clone> {
    pub name: Option<SecretString>,
    pub refs: &'a  mut Vec< T >,
    pub callback: Box<dyn Fn(u8) -> u8 + Send>,
    pub table: [u8; 32],
    pub pair: (String, /* why */ u32),
    pub raw: *const u8,
    pub path: <T as Trait>::Assoc,
    pub s: &'static str,
}
mod inner {
    pub enum E { A, B(String), C { x: u8 } }
    fn f() { struct InFn { a: u8 } }
}
impl Patient<'_, u8> {
    pub fn set(&mut self, ssn: String, (a, b): (u8, u8), _c: u8) {}
}
trait Store { fn put(&self, key: &str); }
"#,
        );
        let paths: Vec<(&str, ItemKind)> = f
            .declared
            .iter()
            .map(|d| (d.path.as_str(), d.kind))
            .collect();
        assert_eq!(
            paths,
            [
                ("m::Unit", ItemKind::Struct),
                ("m::Mrn", ItemKind::Struct),
                ("m::Mrn::0", ItemKind::Field),
                ("m::Mrn::1", ItemKind::Field),
                ("m::Patient", ItemKind::Struct),
                ("m::Patient::name", ItemKind::Field),
                ("m::Patient::refs", ItemKind::Field),
                ("m::Patient::callback", ItemKind::Field),
                ("m::Patient::table", ItemKind::Field),
                ("m::Patient::pair", ItemKind::Field),
                ("m::Patient::raw", ItemKind::Field),
                ("m::Patient::path", ItemKind::Field),
                ("m::Patient::s", ItemKind::Field),
                ("m::inner::E", ItemKind::Enum),
                ("m::inner::E::A", ItemKind::Variant),
                ("m::inner::E::B", ItemKind::Variant),
                ("m::inner::E::B::0", ItemKind::Field),
                ("m::inner::E::C", ItemKind::Variant),
                ("m::inner::E::C::x", ItemKind::Field),
                ("m::inner::InFn", ItemKind::Struct),
                ("m::inner::InFn::a", ItemKind::Field),
                ("m::Patient::set::ssn", ItemKind::Param),
                ("m::Patient::set::_c", ItemKind::Param),
                ("m::Store::put::key", ItemKind::Param),
            ]
        );
        let types: Vec<Option<&str>> = f.declared[5..13].iter().map(|d| d.ty.as_deref()).collect();
        assert_eq!(
            types,
            [
                Some("Option<SecretString>"),
                Some("&'a mut Vec<T>"),
                Some("Box<dyn Fn(u8)->u8+Send>"),
                Some("[u8;32]"),
                Some("(String,u32)"),
                Some("*const u8"),
                Some("<T as Trait>::Assoc"),
                Some("&'static str"),
            ]
        );
        assert_eq!(declared(&f, "m::Mrn::1").ty.as_deref(), Some("u32"));
        // A tuple field has no name: it is where its type starts.
        assert_eq!(declared(&f, "m::Mrn::0").loc, at(3, 20));
        assert_eq!(declared(&f, "m::Mrn::0").name, "0");
        assert_eq!(
            declared(&f, "m::inner::E::B::0").owner.as_deref(),
            Some("m::inner::E::B")
        );
        assert_eq!(declared(&f, "m::Patient::name").loc, at(5, 9));
        let names: Vec<&str> = f.types.iter().map(|t| t.path.as_str()).collect();
        assert_eq!(
            names,
            [
                "m::Unit",
                "m::Mrn",
                "m::Patient",
                "m::inner::E",
                "m::inner::InFn"
            ]
        );
    }

    #[test]
    fn the_crate_root_has_no_module_prefix() {
        let f = file(
            Path::new("src/lib.rs"),
            "",
            "pub struct A { b: u8 }\nmod x { pub static S: u8 = 0; }\n",
        );
        let paths: Vec<&str> = f.declared.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["A", "A::b", "x::S"]);
    }

    #[test]
    fn cfg_test_modules_are_scanned() {
        let f = scan(
            "#[cfg(test)]\nmod tests {\n    /// gate: regulated(pii)\n    struct Fixture { email: String }\n    #[test]\n    fn t() { println!(\"{}\", x.email); }\n}\n",
        );
        assert_eq!(annotation(&f, "m::tests::Fixture").category, "pii");
        assert_eq!(macros(&f), ["println: x.email"]);
    }

    #[test]
    fn derives_including_cfg_attr() {
        let f = scan(
            r#"
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "serde", derive(Deserialize, ::serde::Serialize))]
#[cfg_attr(all(test, feature = "x"), cfg_attr(unix, derive(Hash)), allow(dead_code))]
#[derive(veil::Redact)]
pub struct S { a: u8 }
"#,
        );
        let derives: Vec<(&str, Loc)> = ty(&f, "S")
            .derives
            .iter()
            .map(|(d, l)| (d.as_str(), *l))
            .collect();
        assert_eq!(
            derives,
            [
                ("Debug", at(2, 10)),
                ("Clone", at(2, 17)),
                ("Serialize", at(2, 31)),
                ("Deserialize", at(3, 38)),
                ("Serialize", at(3, 60)),
                ("Hash", at(4, 60)),
                ("Redact", at(5, 16)),
            ]
        );
    }

    #[test]
    fn serde_skip_and_serialize_with() {
        let f = scan(
            r#"
#[derive(Serialize)]
pub struct S {
    #[serde(skip)] a: String,
    #[serde(skip_serializing)] b: String,
    #[serde(rename = "c2", skip_serializing_if = "Option::is_none")] c: Option<String>,
    #[serde(serialize_with = "mask::pan")] d: String,
    #[serde(with = "masked")] e: String,
    #[serde(default)]
    #[cfg_attr(feature = "serde", serde(skip))]
    f: String,
    g: String,
}
"#,
        );
        let got: Vec<(&str, bool, Option<&str>)> = f
            .declared
            .iter()
            .skip(1)
            .map(|d| (d.name.as_str(), d.serde_skip, d.serialize_with.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("a", true, None),
                ("b", true, None),
                ("c", false, None),
                ("d", false, Some("mask::pan")),
                ("e", false, Some("masked")),
                ("f", true, None),
                ("g", false, None),
            ]
        );
    }

    #[test]
    fn veil_redact() {
        let f = scan(
            r#"
#[derive(Redact)]
pub struct Check {
    #[redact] account: String,
    #[redact(partial)] name: String,
    #[veil::redact(fixed = 3)] zip: String,
    amount: u64,
}
#[derive(Redact)]
#[redact(all, variant)]
pub enum Secret { A(String), B { x: String } }
#[derive(Redact)]
pub enum Mixed { #[redact(all)] A(String), B(String) }
"#,
        );
        let redacted: Vec<&str> = f
            .declared
            .iter()
            .filter(|d| d.redacted)
            .map(|d| d.path.as_str())
            .collect();
        assert_eq!(
            redacted,
            [
                "m::Check::account",
                "m::Check::name",
                "m::Check::zip",
                // `#[redact(…)]` on a type or variant redacts all it holds.
                "m::Secret",
                "m::Secret::A::0",
                "m::Secret::B::x",
                "m::Mixed::A",
                "m::Mixed::A::0",
            ]
        );
    }

    #[test]
    fn error_templates() {
        let f = scan(
            r#"
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("no chart for {mrn} ({ssn:?}), {{not_a_capture}}, {}", .ward)]
    NotFound { mrn: Mrn, ssn: String, ward: u32 },
    #[error("bad id {0} / {0:?} / {1:>8} {}")]
    BadId(String, u32),
    #[error(transparent)]
    Io(std::io::Error),
    #[error("{source}, {r#type}")]
    Other { source: E, r#type: u8 },
}
#[derive(Debug, Error)]
#[error("patient {name} failed")]
pub struct PatientError { name: String }
"#,
        );
        let t = &ty(&f, "ChartError").error_templates;
        let got: Vec<(Option<&str>, &str, Vec<&str>, Loc)> = t
            .iter()
            .map(|t| {
                let captures = t.captures.iter().map(String::as_str).collect();
                (t.variant.as_deref(), t.template.as_str(), captures, t.loc)
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    Some("NotFound"),
                    "no chart for {mrn} ({ssn:?}), {{not_a_capture}}, {}",
                    vec!["mrn", "ssn", "ward"],
                    at(4, 5)
                ),
                (
                    Some("BadId"),
                    "bad id {0} / {0:?} / {1:>8} {}",
                    vec!["0", "1"],
                    at(6, 5)
                ),
                (
                    Some("Other"),
                    "{source}, {r#type}",
                    vec!["source", "type"],
                    at(10, 5)
                ),
            ]
        );
        let p = &ty(&f, "PatientError").error_templates;
        assert_eq!(
            (p[0].variant.as_deref(), p[0].captures.clone()),
            (None, vec!["name".to_string()])
        );
    }

    #[test]
    fn displaydoc_templates() {
        let f = scan(
            r#"
use displaydoc::Display;
#[derive(Debug, Display)]
pub enum E {
    /// the patient {ssn} was not found
    ///
    /// More text that is not the template.
    NotFound { ssn: String },
    /// plain
    Plain,
}
"#,
        );
        let t = &ty(&f, "E").error_templates;
        assert_eq!(t.len(), 2, "{t:?}");
        assert_eq!(t[0].template, "the patient {ssn} was not found");
        assert_eq!(
            (t[0].variant.as_deref(), t[0].captures.clone()),
            (Some("NotFound"), vec!["ssn".to_string()])
        );
        assert_eq!(t[0].loc, at(5, 5));
        // Without displaydoc, doc comments are only docs.
        let g = scan(
            "#[derive(Display)]\npub enum E {\n    /// the patient {ssn}\n    A { ssn: String },\n}\n",
        );
        assert!(ty(&g, "E").error_templates.is_empty());
    }

    // --- hand-written Debug / Display ---

    #[test]
    fn hand_written_fmt_impls() {
        let f = scan(
            r#"
impl fmt::Display for Patient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.ssn, &self.card.pan)
    }
}
impl std::fmt::Debug for Patient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Patient").field("ssn", &self.ssn).field("mrn", &self.0).finish_non_exhaustive()
    }
}
impl<T> Debug for Wrapper<T> {
    fn fmt(&self, f: &mut Formatter) -> Result {
        let Self { inner, secret: _, .. } = self;
        match self { Self { other, .. } => {} }
        write!(f, "{self:?}")
    }
}
impl Display for &Whole {
    fn fmt(&self, f: &mut Formatter) -> Result { fmt::Debug::fmt(self, f) }
}
impl Serialize for NotFmt {
    fn serialize(&self) { let _ = self.x; }
}
"#,
        );
        let got: Vec<FmtRow> = f
            .impls
            .iter()
            .map(|i| {
                let fields = i.fields.iter().map(|(n, l)| (n.as_str(), *l)).collect();
                (i.trait_name.as_str(), i.self_ty.as_str(), fields, i.whole)
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "Display",
                    "Patient",
                    vec![("ssn", at(4, 28)), ("card", at(4, 39))],
                    false
                ),
                (
                    "Debug",
                    "Patient",
                    vec![("ssn", at(9, 49)), ("0", at(9, 73))],
                    false
                ),
                (
                    "Debug",
                    "Wrapper",
                    vec![("inner", at(14, 20)), ("other", at(15, 29))],
                    true
                ),
                ("Display", "Whole", vec![], true),
            ]
        );
        assert_eq!(f.impls[0].loc, at(2, 1));
    }

    // --- macros ---

    #[test]
    fn printing_formatting_and_logging_macros() {
        let f = scan(
            r#"
fn f(p: &Patient, c: &Card, card: &Card) {
    println!("{}", p.ssn);
    println!("{ssn}");
    info!(target: "audit", ssn = %p.ssn, "x");
    debug!(?p.ssn);
    tracing::info!(parent: &span, { card.pan = %c.pan }, "paid");
    warn!("{:?}", format_card(&card.number));
    log::error!(target: "x", "{}", self.mrn);
    event!(Level::INFO, p.ssn);
    tracing::event!(target: "t", tracing::Level::DEBUG, { a = x.y }, "m");
    write!(f, "{}", self.ssn);
    writeln!(out, "{x}", x = p.name);
    info!(a = ?x.y, b = %z; "oops");
    info!(ssn, "…");
    info!(?ssn);
    eprintln!("{0} {} {{no}} {name:>8} {r#type}", a, b);
    dbg!(p.ssn, &c);
    assert!(p.ok(), "{}", p.dob);
    assert_eq!(p.ssn, c.ssn, "{}", p.mrn);
    panic!("bad {}", p.card.pan.clone());
    format_args!("{}", p.0.1);
    info_span!("span {ignored}", ssn = p.ssn);
    log!(Level::Info, "{}", p.ssn);
    info!(chars = text.len(), to = phone.len(), "sent");
    info!("{}", if p.ok { p.a } else { p.b });
    info!({ CONST } = p.c, "const key");
}
"#,
        );
        assert_eq!(
            macros(&f),
            [
                "println: p.ssn",
                "println: ssn",
                "info: p.ssn",
                "debug: p.ssn",
                "tracing::info: c.pan",
                "warn: card.number",
                "log::error: self.mrn",
                "event: p.ssn",
                "tracing::event: x.y",
                "write: self.ssn",
                "writeln: p.name",
                "info: x.y, z",
                "info: ssn",
                "info: ssn",
                "eprintln: name, type, a, b",
                "dbg: p.ssn, c",
                "assert: p.dob",
                "assert_eq: p.ssn, c.ssn, p.mrn",
                "panic: p.card.pan",
                "format_args: p.0.1",
                "info_span: p.ssn",
                "log: p.ssn",
                "info: text, phone",
                "info: p.ok, p.a, p.b",
                "info: p.c",
            ]
        );
        let kinds: Vec<MacroKind> = f.macros.iter().take(3).map(|m| m.kind).collect();
        assert_eq!(kinds, [MacroKind::Print, MacroKind::Print, MacroKind::Log]);
        assert_eq!(f.macros[9].kind, MacroKind::Format);
        // Locations: the macro's name; each use where its tokens start, captures inside the string.
        assert_eq!(f.macros[0].loc, at(3, 5));
        assert_eq!(f.macros[0].uses[0].loc, at(3, 20));
        assert_eq!(f.macros[1].uses[0].loc, at(4, 16));
        assert_eq!(f.macros[2].uses[0].loc, at(5, 35));
        let p_ssn = &f.macros[0].uses[0];
        assert_eq!(
            (p_ssn.text.as_str(), p_ssn.segments.clone()),
            ("p.ssn", vec!["p".into(), "ssn".into()])
        );
        assert_eq!(f.macros[19].uses[0].segments, ["p", "0", "1"]);
    }

    #[test]
    fn arguments_that_do_not_parse_still_give_their_values() {
        let f = scan(
            "fn f() {\n    info!(a = ?x.y, b = %z; \"oops\" + );\n    warn!(\"{}\", p.card.pan.get(..4) +);\n}\n",
        );
        assert_eq!(macros(&f), ["info: x.y, z", "warn: p.card.pan"]);
        assert_eq!(f.macros[0].uses[1].loc, at(2, 26));
    }

    #[test]
    fn macros_inside_macros() {
        let f = scan(
            r#"
fn f() {
    let v = vec![format!("{}", p.ssn), other!(q.mrn)];
    println!("{}", format!("{:?}", c.pan));
    info!("{:?}", vec![a.b, c.d]);
    my_macro! { fn g() { debug!("{}", x.y); } }
    macro_rules! m { ($x:expr) => { println!("{}", $x.ssn) } }
}
"#,
        );
        assert_eq!(
            macros(&f),
            [
                "format: p.ssn",
                "println: c.pan",
                "format: c.pan",
                "info: a.b, c.d",
                "debug: x.y"
            ]
        );
    }

    #[test]
    fn macro_arguments_in_statements_items_and_impls() {
        let f = scan(
            r#"
const _: () = { let _ = format!("{}", a.b); };
impl S { fn m(&self) -> String { let s = || println!("{}", self.card); format!("{}", self.x) } }
"#,
        );
        assert_eq!(
            macros(&f),
            ["format: a.b", "println: self.card", "format: self.x"]
        );
    }

    #[test]
    fn fmt_impl_fields_inside_macros() {
        let f = scan(
            r#"
impl Debug for P {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        writeln!(f, "{}", self.a)?;
        write!(f, "{:?}", (self.b.c, inner!(self.0)))?;
        write!(f, "{}", self)
    }
}
"#,
        );
        let fields: Vec<&str> = f.impls[0].fields.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(fields, ["a", "b", "0"]);
        assert!(f.impls[0].whole);
    }

    // --- #[instrument] ---

    #[test]
    fn instrument() {
        let f = scan(
            r#"
#[instrument(skip(ssn, db), fields(user_id = user.id))]
pub fn admit(ssn: &str, db: &Db, user: &User) {}
#[tracing::instrument(skip_all)]
pub async fn quiet(ssn: String) {}
#[instrument]
fn plain((a, b): (u8, u8), c: u8) {}
pub fn not_instrumented(x: u8) {}
impl Clinic {
    #[instrument(level = "debug", skip(self))]
    fn admit(&mut self, patient: Patient) {}
    #[cfg_attr(feature = "trace", instrument)]
    fn other<'a>(&'a self) {}
}
"#,
        );
        let got: Vec<InstrumentRow> = f
            .instrumented
            .iter()
            .map(|i| {
                let params = i
                    .params
                    .iter()
                    .map(|(n, t, _)| (n.as_str(), t.as_str()))
                    .collect();
                let skipped = i.skipped.iter().map(String::as_str).collect();
                (i.function.as_str(), params, skipped, i.skip_all, i.loc)
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "m::admit",
                    vec![("ssn", "&str"), ("db", "&Db"), ("user", "&User")],
                    vec!["ssn", "db"],
                    false,
                    at(2, 1)
                ),
                ("m::quiet", vec![("ssn", "String")], vec![], true, at(4, 1)),
                ("m::plain", vec![("c", "u8")], vec![], false, at(6, 1)),
                (
                    "m::Clinic::admit",
                    vec![("self", "&mut Clinic"), ("patient", "Patient")],
                    vec!["self"],
                    false,
                    at(10, 5)
                ),
                (
                    "m::Clinic::other",
                    vec![("self", "&'a Clinic")],
                    vec![],
                    false,
                    at(12, 5)
                ),
            ]
        );
        assert_eq!(f.instrumented[0].params[0].2, at(3, 14));
    }

    // --- bad input ---

    #[test]
    fn a_file_that_does_not_parse() {
        let src = "pub struct P {\n    /// gate: regulated(pii)\n    email: String,\n}\npub fn f(a: u8 {\n}\n";
        let f = scan(src);
        let (l, message) = f.parse_error.clone().unwrap();
        // A bracket that does not close is the lexer's error, at the bracket.
        assert_eq!(
            (l, message.as_str()),
            (at(5, 9), "cannot parse string into token stream")
        );
        assert!(f.declared.is_empty() && f.macros.is_empty() && f.types.is_empty());
        assert_eq!((f.lines, f.bytes), (6, src.len()));
        // A closing bracket that does not match, at that bracket.
        let e = scan("fn f() {\n    let x = (1;\n}\n").parse_error.unwrap();
        assert_eq!(
            e,
            (
                at(3, 1),
                "cannot parse string into token stream".to_string()
            )
        );
        let g = scan("fn main() {\n    let x = 1 +;\n}");
        let (l, message) = g.parse_error.clone().unwrap();
        assert_eq!(
            (l, message.as_str()),
            (at(2, 16), "expected an expression"),
            "{message}"
        );
        assert_eq!(g.lines, 3);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let f = scan(
            "/* é ü → */ pub struct Ünïcödé { /* ∑ */ ssn: String }\nfn f() { info!(\"ça {x}\", a = \"€\", b = p.ssn); }\n",
        );
        assert_eq!(declared(&f, "m::Ünïcödé").loc, at(1, 24));
        assert_eq!(declared(&f, "m::Ünïcödé::ssn").loc, at(1, 42));
        assert_eq!(
            declared(&f, "m::Ünïcödé::ssn").ty.as_deref(),
            Some("String")
        );
        assert_eq!(f.macros[0].uses[0].loc, at(2, 21));
        assert_eq!(f.macros[0].uses[1].loc, at(2, 39));
        // A parse error after non-ASCII text.
        let g = scan("// ééé\nfn é() { let x = «; }\n");
        assert_eq!(g.parse_error.unwrap().0, at(2, 18));
    }

    #[test]
    fn byte_order_mark_and_shebang() {
        let f = scan("\u{feff}#!/usr/bin/env run-cargo-script\npub struct S { a: Vec<u8> }\n");
        assert_eq!(f.parse_error, None);
        assert_eq!(declared(&f, "m::S::a").loc, at(2, 16));
        assert_eq!(declared(&f, "m::S::a").ty.as_deref(), Some("Vec<u8>"));
        let g = scan("#![allow(x)]\npub struct S;\n");
        assert_eq!(g.parse_error, None);
        assert_eq!(g.declared.len(), 1);
    }

    #[test]
    fn empty_and_odd_files() {
        assert_eq!(scan("").lines, 0);
        assert_eq!(scan("\n").lines, 1);
        assert_eq!(scan("x").lines, 1);
        assert!(scan("x").parse_error.is_some());
        assert_eq!(scan("// just a comment").parse_error, None);
        assert!(scan("\"unterminated").parse_error.is_some());
        assert!(scan("fn f() { '").parse_error.is_some());
        assert!(scan("r#\"").parse_error.is_some());
        assert!(scan("/* unterminated").parse_error.is_some());
    }

    #[test]
    fn deep_nesting_is_a_parse_error_not_a_stack_overflow() {
        let deep_parens = format!(
            "fn f() {{ let x = {}1{}; }}\n",
            "(".repeat(100_000),
            ")".repeat(100_000)
        );
        let deep_generics = format!(
            "static X: {}u8{} = 0;\n",
            "Vec<".repeat(100_000),
            ">".repeat(100_000)
        );
        let deep_refs = format!("fn f() {{ let x = {}y; }}\n", "&".repeat(100_000));
        let deep_closures = format!("fn f() {{ let x = {}1; }}\n", "|| ".repeat(100_000));
        let long_chain = format!("fn f() {{ let x = {}1; }}\n", "1 + ".repeat(100_000));
        let long_tries = format!("fn f() {{ x{}; }}\n", "?".repeat(100_000));
        let long_methods = format!("fn f() {{ x{}; }}\n", ".a()".repeat(100_000));
        let else_ifs = format!("fn f() {{ {}{{}} }}\n", "if a {} else ".repeat(100_000));
        let closures_with_params = format!("fn f() {{ let x = {}1; }}\n", "|x| ".repeat(100_000));
        let closures_with_tuples = format!(
            "fn f() {{ let x = {}1; }}\n",
            "|(a, b): (u8, u8)| ".repeat(10_000)
        );
        let move_closures = format!("fn f() {{ let x = {}1; }}\n", "move || ".repeat(100_000));
        let returns = format!("fn f() {{ {}1; }}\n", "return ".repeat(100_000));
        let fn_types = format!("type F = {}u8;\n", "fn() -> ".repeat(100_000));
        let impl_fns = format!("fn f() -> {}u8 {{ 1 }}\n", "impl Fn() -> ".repeat(100_000));
        for (what, src) in [
            ("parens", &deep_parens),
            ("generics", &deep_generics),
            ("refs", &deep_refs),
            ("closures", &deep_closures),
            ("chain", &long_chain),
            ("tries", &long_tries),
            ("methods", &long_methods),
            ("else ifs", &else_ifs),
            ("closures with parameters", &closures_with_params),
            ("closures with tuples", &closures_with_tuples),
            ("move closures", &move_closures),
            ("returns", &returns),
            ("fn types", &fn_types),
            ("impl Fn", &impl_fns),
        ] {
            let f = scan(src);
            let (l, message) = f.parse_error.unwrap_or_else(|| panic!("{what} was read"));
            assert_eq!(l.line, 1, "{what}");
            assert!(
                message.contains("nest deeper") || message.contains("goes on for more than"),
                "{what}: {message}"
            );
        }
        let f = scan(&deep_parens);
        assert!(
            f.parse_error
                .unwrap()
                .1
                .contains("nest deeper than 96 levels")
        );
    }

    #[test]
    fn what_the_guard_admits_fits_the_stack() {
        // The deepest input of each kind the guard admits, scanned (parse, walk and drop) on a
        // thread with the stack `file` documents for this build: no overflow.
        let n = MAX_NESTING - 2;
        let c = MAX_CHAIN / 4 - 4;
        let inputs = [
            format!(
                "fn f() {{ let x = {}p.ssn{}; println!(\"{{}}\", {}p.ssn{}); }}\n",
                "(".repeat(n),
                ")".repeat(n),
                "(".repeat(n - 2),
                ")".repeat(n - 2)
            ),
            format!("static X: {}u8{} = 0;\n", "Vec<".repeat(n), ">".repeat(n)),
            format!("fn f() {{ let x = {}y; }}\n", "&".repeat(n)),
            format!("fn f() {{ let x = {}1; }}\n", "|| ".repeat(n / 2)),
            format!("fn f() {{ let x = {}1; }}\n", "1 + ".repeat(c * 2)),
            format!("fn f() {{ x{}; }}\n", "?".repeat(c * 4)),
            format!("fn f() {{ x{}; }}\n", ".a()".repeat(c)),
            format!("fn f() {{ {}{{}} }}\n", "if a {} else ".repeat(c)),
            format!(
                "mod m {{ {} }}\n",
                "mod a { ".repeat(n - 1) + &"}".repeat(n - 1)
            ),
            format!("fn f() {{ {}1{} }}\n", "{".repeat(n), "}".repeat(n)),
            format!("fn f() {{ let x = {}1; }}\n", "|x| ".repeat(n)),
            format!("fn f() {{ {}1; }}\n", "return ".repeat(n)),
            format!("type F = {}u8;\n", "fn() -> ".repeat(n)),
            format!("fn f() -> {}u8 {{ 1 }}\n", "impl Fn() -> ".repeat(n)),
            format!(
                "fn f() {{ println!(\"{{}}\", {}1{}); }}\n",
                "1 + ".repeat(c * 2),
                ""
            ),
        ];
        // Measured: 5 MiB is enough in debug (4 MiB is not), 768 KiB in release (512 KiB is not).
        let stack = if cfg!(debug_assertions) {
            8 << 20
        } else {
            2 << 20
        };
        let handle = std::thread::Builder::new()
            .stack_size(stack)
            .spawn(move || {
                for src in &inputs {
                    let f = scan(src);
                    assert_eq!(f.parse_error, None, "{}", &src[..60]);
                }
            })
            .unwrap();
        handle.join().unwrap();
    }

    #[test]
    fn many_items_and_a_huge_table_are_not_a_long_chain() {
        let mut src = String::new();
        for i in 0..3000 {
            src.push_str(&format!(
                "#[test]\nfn t{i}() {{ if a < b {{ x() }} }}\nimpl A{i} {{}}\n"
            ));
        }
        src.push_str("pub static TABLE: &[u32] = &[\n");
        for i in 0..200_000 {
            src.push_str(&format!("    {i},\n"));
        }
        src.push_str("];\n");
        assert_eq!(scan(&src).parse_error, None);
    }

    #[test]
    fn long_but_flat_code_is_read() {
        let alternatives: Vec<String> = (0..300).map(|i| format!("V{i}")).collect();
        // A generated table: one match arm of 3 000 alternatives (syn reads them as a list).
        let ranges: Vec<String> = (0..3000)
            .map(|i| format!("'\\u{{{:x}}}'..='\\u{{{:x}}}'", i * 2, i * 2 + 1))
            .collect();
        let table = format!(
            "pub fn is_x(c: char) -> bool {{ match c {{ {} => true, _ => match c {{ 'a' | 'b' => {{ false }} 'c' => true, _ => false }} }} }}\n",
            ranges.join(" | ")
        );
        assert_eq!(scan(&table).parse_error, None);
        // The same as an expression is a chain.
        let ors: Vec<String> = (0..3000).map(|i| format!("X{i}")).collect();
        let flags = format!("const F: u32 = {};\n", ors.join(" | "));
        assert!(
            scan(&flags)
                .parse_error
                .unwrap()
                .1
                .contains("goes on for more than")
        );
        let fields: Vec<String> = (0..300).map(|i| format!("f{i}: fn(u8) -> u8")).collect();
        let closures: String = (0..500).map(|i| format!(".map(|x| x + {i})")).collect();
        let src = format!(
            "fn f(x: E) -> u32 {{\n    match x {{ | {} => 1, _ => 0 }}\n}}\n\
             const FLAGS: u32 = {};\n\
             struct Callbacks {{ {} }}\n\
             fn g(v: Vec<u8>) {{ let _ = v.into_iter(){closures}.filter(|&x| x > 0 || x < 9).count(); }}\n\
             fn h(a: &&&&u8, b: &mut &mut u8) -> impl Fn(u8) -> Box<dyn Fn(u8) -> u8> {{ move |x| Box::new(move |y| x + y) }}\n",
            alternatives.join(" | "),
            alternatives.join(" | "),
            fields.join(", "),
        );
        let f = scan(&src);
        assert_eq!(f.parse_error, None);
        assert_eq!(
            declared(&f, "m::Callbacks::f299").ty.as_deref(),
            Some("fn(u8)->u8")
        );
    }

    #[test]
    fn never_panics_on_garbage() {
        let pieces = [
            "fn",
            "(",
            ")",
            "{",
            "}",
            "[",
            "]",
            "<",
            ">",
            "'",
            "\"",
            "r#\"",
            "#",
            "!",
            "println",
            "info",
            "/*",
            "*/",
            "//",
            "\n",
            "é",
            "self",
            ".",
            "0.1",
            ",",
            ";",
            "=",
            "%",
            "?",
            "regulated",
            "gate:",
            "///",
            "struct",
            "S",
            "impl",
            "Debug",
            "for",
            "mod",
            "x",
            "::",
            "b'",
            "\\",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..2000 {
            let mut src = String::new();
            for _ in 0..40 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                src.push_str(pieces[(seed % pieces.len() as u64) as usize]);
                src.push(' ');
            }
            let _ = scan(&src);
        }
        // Well-formed files full of the constructs gate reads, cut at every byte.
        let good = "/// gate: regulated(pii, id = \"e\")\n#[derive(Debug)]\npub struct S { #[serde(with = \"m\")] a: Vec<u8> }\nimpl fmt::Debug for S { fn fmt(&self, f: &mut F) -> R { write!(f, \"{x}\", x = self.a) } }\nfn g() { info!(target: \"t\", { a.b = %c.d }, \"é {e}\"); }\n";
        for end in (0..good.len()).filter(|&i| good.is_char_boundary(i)) {
            let _ = scan(&good[..end]);
        }
    }

    #[test]
    fn span_memory_is_released_after_each_file() {
        // Scanning many files on one thread keeps working (positions start over each time).
        let src = "pub struct S { a: u8 }\nfn f() { info!(\"{}\", s.a); }\n";
        for _ in 0..1000 {
            let f = scan(src);
            assert_eq!(f.macros[0].uses[0].loc, at(2, 22));
        }
    }
}

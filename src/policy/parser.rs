//! Step 1 of the pipeline: text → syntax tree. pest does the matching; this module builds the
//! [`ast`](super::ast), turns pest's errors into readable diagnostics, and recovers at item
//! boundaries so one run reports the syntax errors of every item.

use super::ast::*;
use super::depth::{MAX_DEPTH, too_deep};
use crate::diag::Diagnostic;
use crate::span::{FileId, Span};
use crate::value::{Severity, Weekday, duration_unit, parse_datetime, parse_time, size_unit};
use pest::Parser as _;
use pest::iterators::Pair;
use rust_decimal::Decimal;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/gate.pest"]
struct GateParser;

/// How many prefix operators (`not`, `-`) or postfix accesses may follow each other.
const MAX_CHAIN: usize = 256;

/// Parses one policy file. Items that parse are kept even when others do not.
pub fn parse_module(file: FileId, text: &str) -> (Module, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut items = Vec::new();
    for (start, end) in item_chunks(text) {
        let chunk = &text[start..end];
        if let Some(at) = too_deep(chunk) {
            diags.push(nesting_error(file, start + at));
            continue;
        }
        let mut b = Builder {
            file,
            base: start,
            text,
            diags: Vec::new(),
        };
        match GateParser::parse(Rule::file, chunk) {
            Ok(mut pairs) => {
                if let Some(root) = pairs.next() {
                    for pair in root.into_inner() {
                        if pair.as_rule() != Rule::EOI
                            && let Some(item) = b.item(pair)
                        {
                            items.push(item);
                        }
                    }
                }
            }
            Err(e) => b.diags.push(syntax_error(file, start, text, &e)),
        }
        diags.append(&mut b.diags);
    }
    (Module { file, items }, diags)
}

/// Parses a lone expression that starts at byte `offset` of `text` (a message interpolation).
pub fn parse_expr(file: FileId, text: &str, start: usize, end: usize) -> Result<Expr, Diagnostic> {
    let source = text.get(start..end).unwrap_or("");
    if let Some(at) = too_deep(source) {
        return Err(nesting_error(file, start + at));
    }
    let mut b = Builder {
        file,
        base: start,
        text,
        diags: Vec::new(),
    };
    let pairs = GateParser::parse(Rule::expression, source)
        .map_err(|e| syntax_error(file, start, text, &e))?;
    let expr = pairs
        .flatten()
        .find(|p| p.as_rule() == Rule::expr)
        .map(|p| b.expr(p));
    if let Some(d) = b.diags.into_iter().next() {
        return Err(d);
    }
    expr.ok_or_else(|| {
        Diagnostic::error("syntax", "expected an expression")
            .at(Span::new(file, start..end), "here")
    })
}

fn nesting_error(file: FileId, at: usize) -> Diagnostic {
    Diagnostic::error(
        "too-deep",
        format!("expressions nest deeper than {MAX_DEPTH} levels"),
    )
    .at(Span::new(file, at..at + 1), "too deep from here")
    .help("split the condition into `let`s or separate rules")
}

/// Splits a file at the lines that start a top-level item, so a syntax error in one item does
/// not hide those in the next.
fn item_chunks(text: &str) -> Vec<(usize, usize)> {
    const STARTS: [&str; 5] = ["policy", "use", "let", "rule", "waive"];
    let mut cuts = vec![0];
    let mut depth = 0i64;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let word_end = trimmed
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(trimmed.len());
        // An item keyword at the start of a line starts an item when the brackets are balanced,
        // or when it is not indented (an unclosed `(` above must not swallow the next rule).
        let unindented = !line.starts_with([' ', '\t']);
        if (depth <= 0 || unindented) && offset > 0 && STARTS.contains(&&trimmed[..word_end]) {
            cuts.push(offset);
            depth = 0;
        }
        let mut in_string = false;
        let mut escaped = false;
        for c in line.chars() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '#' if !in_string => break,
                '(' | '[' if !in_string => depth += 1,
                ')' | ']' if !in_string => depth -= 1,
                _ => {}
            }
        }
        offset += line.len();
    }
    cuts.push(text.len());
    cuts.windows(2).map(|w| (w[0], w[1])).collect()
}

// ---------------------------------------------------------------------------------------------
// Syntax errors in words

fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "the end of the file",
        Rule::item | Rule::policy_decl | Rule::use_decl | Rule::let_decl => "an item",
        Rule::rule_decl | Rule::waive_decl => "an item",
        Rule::kw_policy | Rule::kw_use | Rule::kw_let | Rule::kw_rule | Rule::kw_waive => "an item",
        Rule::level | Rule::kw_block | Rule::kw_warn | Rule::kw_info => {
            "a level (`block`, `warn` or `info`)"
        }
        Rule::for_clause | Rule::kw_for => "`for`",
        Rule::require_clause | Rule::kw_require => "`require`",
        Rule::forbid_clause | Rule::kw_forbid => "`forbid`",
        Rule::expr
        | Rule::or_expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::cmp_expr
        | Rule::range_expr
        | Rule::add_expr
        | Rule::mul_expr
        | Rule::unary
        | Rule::postfix
        | Rule::literal
        | Rule::name
        | Rule::quantifier
        | Rule::paren
        | Rule::list
        | Rule::call
        | Rule::number => "an expression",
        Rule::cmp_tail
        | Rule::cmp_op
        | Rule::add_op
        | Rule::mul_op
        | Rule::kw_and
        | Rule::kw_or
        | Rule::op_range
        | Rule::matches_tail
        | Rule::allowed_tail
        | Rule::field_access
        | Rule::index_access => "an operator",
        Rule::kw_else => "`else`",
        Rule::kw_because => "`because`",
        Rule::kw_where => "`where`",
        Rule::kw_in => "`in`",
        Rule::kw_until => "`until`",
        Rule::kw_by => "`by`",
        Rule::kw_version => "`version`",
        Rule::comprehension => "`for`",
        Rule::string | Rule::string_body => "a string in double quotes",
        Rule::date => "a date like `2027-06-30`",
        Rule::binder | Rule::ident | Rule::word => "a name",
        Rule::field_name => "a field name",
        Rule::assign => "`=`",
        Rule::colon => "`:`",
        Rule::comma => "`,`",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        // `[` where an expression could go on is an index: one of the operators.
        Rule::lbrack => "an operator",
        Rule::rbrack => "`]`",
        _ => return None,
    })
}

/// "a, b or c"
fn one_of(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// What stands at `at`: a word, a symbol or the end.
fn found_at(text: &str, at: usize) -> (String, usize) {
    let rest = text.get(at..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        return ("the end of the file".into(), 0);
    };
    if first.is_alphanumeric() || first == '_' {
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == ':'))
            .unwrap_or(rest.len());
        let word = rest[..len].trim_end_matches(['.', ':']);
        (format!("`{word}`"), word.len().max(1))
    } else if first == '"' {
        (
            "a string".into(),
            rest.find('\n').unwrap_or(rest.len()).min(40),
        )
    } else {
        (format!("`{first}`"), first.len_utf8())
    }
}

fn syntax_error(file: FileId, base: usize, text: &str, e: &pest::error::Error<Rule>) -> Diagnostic {
    let local = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((p, _)) => p,
    };
    let at = base + local;
    let rest = text.get(at..).unwrap_or("");

    // A literal running into a letter: `2mb`, `250 ms` is fine but `250mss` is not.
    let digits = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    if digits > 0 {
        let tail = &rest[digits..];
        let letters = tail
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        if letters > 0 {
            let literal = &rest[..digits + letters];
            return Diagnostic::error(
                "bad-literal",
                format!("`{literal}` is not a number, duration, size or percent"),
            )
            .at(
                Span::new(file, at..at + literal.len()),
                format!("unknown unit `{}`", &tail[..letters]),
            )
            .help("durations take ns, us, ms, s, m, h or d; sizes B, KB, MB, GB, TB, KiB, MiB, GiB or TiB; a unit attaches with no space and nothing may follow it");
        }
    }
    if rest.starts_with('"') {
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let line = &rest[..line_end];
        if line[1..].find('"').is_none() && !line.ends_with('\\') {
            return Diagnostic::error("unclosed-string", "this string is not closed")
                .at(
                    Span::new(file, at..at + line_end),
                    "no closing `\"` on this line",
                )
                .help("strings end on the line they start; write a line break as `\\n`");
        }
    }

    let positives: Vec<Rule> = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let mut expected: Vec<&str> = Vec::new();
    for rule in positives {
        if let Some(d) = describe(rule)
            && !expected.contains(&d)
        {
            expected.push(d);
        }
    }
    // `}` after an expression is the end of the rule: say so.
    let expected: Vec<&str> = expected
        .into_iter()
        .map(|d| {
            if d == "`}`" {
                "the end of the rule `}`"
            } else {
                d
            }
        })
        .collect();
    let (found, len) = found_at(text, at);
    let message = if expected.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", one_of(&expected))
    };
    let mut d = Diagnostic::error("syntax", message).at(
        Span::new(file, at..at + len),
        if expected.is_empty() {
            "not expected here".to_string()
        } else {
            format!("expected {}", one_of(&expected))
        },
    );
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if word.chars().any(|c| c.is_ascii_uppercase()) && expected.contains(&"a name") {
        d = d.help(format!(
            "names are snake_case: `{}`",
            crate::diag::snake_case(&word)
        ));
    } else if ["true", "false", "none", "in", "where", "for"].contains(&word.as_str())
        && expected.contains(&"a name")
    {
        d = d.help(format!("`{word}` is a reserved word and cannot be a name"));
    } else if rest.starts_with('=') && !rest.starts_with("==") && expected.contains(&"an operator")
    {
        d = d.help("compare with `==`; `=` only binds a `let`");
    } else if rest.starts_with('\'') {
        d = d.help("strings are in double quotes");
    } else if rest.starts_with("&&") || rest.starts_with("||") || rest.starts_with('!') {
        d = d.help("write `and`, `or` and `not`");
    }
    d
}

// ---------------------------------------------------------------------------------------------
// Building the tree

struct Builder<'t> {
    file: FileId,
    /// Offset of the parsed chunk in the whole file.
    base: usize,
    text: &'t str,
    diags: Vec<Diagnostic>,
}

impl Builder<'_> {
    /// The pair's span without the whitespace and comments pest let it swallow at its end.
    fn span(&self, p: &Pair<Rule>) -> Span {
        let s = p.as_span();
        let text = p.as_str();
        let mut end = text.trim_end().len();
        // A trailing comment line belongs to no item.
        while let Some(hash) = text[..end].rfind('#') {
            let line_start = text[..hash].rfind('\n').map_or(0, |n| n + 1);
            if !text[line_start..hash].trim().is_empty() || !text[..end].contains('\n') {
                break;
            }
            end = text[..line_start].trim_end().len();
        }
        Span::new(
            self.file,
            self.base + s.start()..self.base + s.start() + end,
        )
    }

    fn ident(&self, p: &Pair<Rule>) -> Ident {
        Ident {
            name: p.as_str().to_string(),
            span: self.span(p),
        }
    }

    /// `##` lines directly above an item.
    fn doc(&self, start: usize) -> Option<String> {
        let before = self.text.get(..start)?;
        let mut lines: Vec<&str> = Vec::new();
        for line in before
            .lines()
            .rev()
            .skip_while(|l| l.trim().is_empty())
            .take_while(|l| {
                let t = l.trim_start();
                t.starts_with('#')
            })
        {
            let t = line.trim_start();
            match t.strip_prefix("##") {
                Some(doc) => lines.push(doc.strip_prefix(' ').unwrap_or(doc).trim_end()),
                None => break,
            }
        }
        if before
            .lines()
            .next_back()
            .is_some_and(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        {
            return None;
        }
        lines.reverse();
        (!lines.is_empty()).then(|| lines.join("\n"))
    }

    fn item(&mut self, p: Pair<Rule>) -> Option<Item> {
        let span = self.span(&p);
        let doc = self.doc(span.start as usize);
        let rule = p.as_rule();
        let mut inner = p.into_inner();
        match rule {
            Rule::policy_decl => {
                inner.next(); // `policy`
                let name = self.string(inner.next()?);
                let version = inner
                    .find(|q| q.as_rule() == Rule::string)
                    .map(|q| self.string(q));
                Some(Item::Policy(PolicyDecl {
                    name,
                    version,
                    doc,
                    span,
                }))
            }
            Rule::use_decl => {
                inner.next();
                Some(Item::Use(UseDecl {
                    path: self.string(inner.next()?),
                    span,
                }))
            }
            Rule::let_decl => {
                inner.next();
                let name = self.ident(&inner.next()?);
                inner.next(); // `=`
                let value = self.expr(inner.next()?);
                Some(Item::Let(LetDecl {
                    name,
                    value,
                    doc,
                    span,
                }))
            }
            Rule::rule_decl => {
                inner.next();
                let name = self.ident(&inner.next()?);
                inner.next(); // `:`
                let level_pair = inner.next()?;
                let level_span = self.span(&level_pair);
                let level = match level_pair.as_str() {
                    "block" => Level::Block,
                    "warn" => Level::Warn,
                    _ => Level::Info,
                };
                let mut fors = Vec::new();
                let mut check = None;
                for q in inner {
                    match q.as_rule() {
                        Rule::for_clause => fors.push(self.for_clause(q)?),
                        Rule::require_clause | Rule::forbid_clause => check = Some(self.check(q)?),
                        _ => {}
                    }
                }
                Some(Item::Rule(RuleDecl {
                    name,
                    level,
                    level_span,
                    fors,
                    check: check?,
                    doc,
                    span,
                }))
            }
            Rule::waive_decl => {
                inner.next();
                let rule = self.ident(&inner.next()?);
                let mut filter = None;
                let mut until = None;
                let mut strings = Vec::new();
                for q in inner {
                    match q.as_rule() {
                        Rule::expr => filter = Some(self.expr(q)),
                        Rule::date => until = Some((self.date(&q), self.span(&q))),
                        Rule::string => strings.push(self.string(q)),
                        _ => {}
                    }
                }
                let (until, until_span) = until?;
                let mut strings = strings.into_iter();
                Some(Item::Waive(WaiveDecl {
                    rule,
                    filter,
                    until: until?,
                    until_span,
                    by: strings.next()?,
                    because: strings.next()?,
                    doc,
                    span,
                }))
            }
            _ => None,
        }
    }

    fn for_clause(&mut self, p: Pair<Rule>) -> Option<ForClause> {
        let span = self.span(&p);
        let mut inner = p
            .into_inner()
            .filter(|q| !matches!(q.as_rule(), Rule::kw_for | Rule::kw_in | Rule::kw_where));
        let var = self.ident(&inner.next()?);
        let collection = self.expr(inner.next()?);
        let filter = inner.next().map(|q| self.expr(q));
        Some(ForClause {
            var,
            collection,
            filter,
            span,
        })
    }

    fn check(&mut self, p: Pair<Rule>) -> Option<Check> {
        let span = self.span(&p);
        let kind = if p.as_rule() == Rule::require_clause {
            CheckKind::Require
        } else {
            CheckKind::Forbid
        };
        let mut condition = None;
        let mut message = None;
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::expr => condition = Some(self.expr(q)),
                Rule::string => message = Some(self.template(q)),
                _ => {}
            }
        }
        Some(Check {
            kind,
            condition: condition?,
            message,
            span,
        })
    }

    // --- strings -----------------------------------------------------------------------------

    /// The body of a `string` pair: its raw text and the byte offset where it starts.
    fn string_body(&self, p: &Pair<Rule>) -> (usize, usize) {
        let s = self.span(p);
        (s.start as usize + 1, (s.end as usize).saturating_sub(1))
    }

    fn string(&mut self, p: Pair<Rule>) -> StrLit {
        let span = self.span(&p);
        let (start, end) = self.string_body(&p);
        StrLit {
            value: self.unescape(start, end),
            span,
        }
    }

    /// Applies the escapes `\"`, `\\`, `\n`, `\t` and `\u{…}`; any other is an error.
    fn unescape(&mut self, start: usize, end: usize) -> String {
        let raw = self.text.get(start..end).unwrap_or("");
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((_, e)) = chars.next() else { break };
            match e {
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'u' => {
                    let rest = &raw[i + 2..];
                    let parsed = rest
                        .strip_prefix('{')
                        .and_then(|r| r.find('}').map(|close| &r[..close]))
                        .filter(|hex| {
                            (1..=6).contains(&hex.len())
                                && hex.bytes().all(|b| b.is_ascii_hexdigit())
                        })
                        .and_then(|hex| {
                            u32::from_str_radix(hex, 16)
                                .ok()
                                .and_then(char::from_u32)
                                .map(|ch| (ch, hex.len() + 2))
                        });
                    match parsed {
                        Some((ch, len)) => {
                            out.push(ch);
                            for _ in 0..len {
                                chars.next();
                            }
                        }
                        None => self.diags.push(
                            Diagnostic::error("bad-escape", "invalid unicode escape")
                                .at(
                                    Span::new(self.file, start + i..start + i + 2),
                                    "expected `\\u{…}` with 1 to 6 hex digits",
                                )
                                .help("write a code point as `\\u{1F600}`"),
                        ),
                    }
                }
                other => self.diags.push(
                    Diagnostic::error("bad-escape", format!("unknown escape `\\{other}`"))
                        .at(
                            Span::new(self.file, start + i..start + i + 1 + other.len_utf8()),
                            "not an escape",
                        )
                        .help("the escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{…}`"),
                ),
            }
        }
        out
    }

    /// A message: literal text with `{EXPR}` interpolations; `{{` and `}}` are braces.
    fn template(&mut self, p: Pair<Rule>) -> Template {
        let span = self.span(&p);
        let (start, end) = self.string_body(&p);
        let raw = self.text.get(start..end).unwrap_or("");
        let mut parts = Vec::new();
        let mut text_from = 0;
        let mut i = 0;
        let bytes = raw.as_bytes();
        let push_text = |b: &mut Self, parts: &mut Vec<Part>, from: usize, to: usize| {
            if to > from {
                let s = b.unescape(start + from, start + to);
                match parts.last_mut() {
                    Some(Part::Text(prev)) => prev.push_str(&s),
                    _ => parts.push(Part::Text(s)),
                }
            }
        };
        while i < bytes.len() {
            match bytes[i] {
                // `\u{…}` is an escape, not an interpolation: skip to its `}`.
                b'\\' if bytes.get(i + 1) == Some(&b'u') && bytes.get(i + 2) == Some(&b'{') => {
                    i = raw[i..].find('}').map_or(bytes.len(), |c| i + c + 1);
                }
                b'\\' => i += 2,
                b'{' if bytes.get(i + 1) == Some(&b'{') => {
                    push_text(self, &mut parts, text_from, i + 1);
                    i += 2;
                    text_from = i;
                }
                b'}' if bytes.get(i + 1) == Some(&b'}') => {
                    push_text(self, &mut parts, text_from, i + 1);
                    i += 2;
                    text_from = i;
                }
                b'{' => {
                    push_text(self, &mut parts, text_from, i);
                    let close = find_close(raw, i + 1);
                    let Some(close) = close else {
                        self.diags.push(
                            Diagnostic::error("syntax", "this `{` is not closed")
                                .at(
                                    Span::new(self.file, start + i..start + i + 1),
                                    "opened here",
                                )
                                .help("write a literal brace as `{{`"),
                        );
                        return Template { parts, span };
                    };
                    let inner = &raw[i + 1..close];
                    if inner.contains('\\') {
                        // Inside a message, a quote is `\"`: the expression would need escapes of
                        // its own. A `let` says the same thing more clearly.
                        self.diags.push(
                            Diagnostic::error(
                                "string-in-interpolation",
                                "a `{…}` in a message cannot hold a string in quotes or an escape",
                            )
                            .at(Span::new(self.file, start + i..start + close + 1), "here")
                            .help("compute the value in a `let` and interpolate its name"),
                        );
                    } else {
                        match parse_expr(self.file, self.text, start + i + 1, start + close) {
                            Ok(e) => parts.push(Part::Expr(e)),
                            Err(d) => self.diags.push(d),
                        }
                    }
                    i = close + 1;
                    text_from = i;
                }
                b'}' => {
                    self.diags.push(
                        Diagnostic::error("syntax", "unmatched `}` in a message")
                            .at(
                                Span::new(self.file, start + i..start + i + 1),
                                "no `{` before it",
                            )
                            .help("write a literal brace as `}}`"),
                    );
                    i += 1;
                }
                _ => i += 1,
            }
        }
        push_text(self, &mut parts, text_from, bytes.len());
        Template { parts, span }
    }

    // --- expressions -------------------------------------------------------------------------

    fn expr(&mut self, p: Pair<Rule>) -> Expr {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::expr => match p.into_inner().next() {
                Some(q) => self.expr(q),
                None => self.error_expr(span),
            },
            Rule::or_expr | Rule::and_expr => {
                let is_or = p.as_rule() == Rule::or_expr;
                let mut operands: Vec<Expr> = p
                    .into_inner()
                    .filter(|q| !matches!(q.as_rule(), Rule::kw_or | Rule::kw_and))
                    .map(|q| self.expr(q))
                    .collect();
                if operands.len() == 1 {
                    return operands.pop().unwrap_or_else(|| self.error_expr(span));
                }
                Expr {
                    kind: if is_or {
                        ExprKind::Or(operands)
                    } else {
                        ExprKind::And(operands)
                    },
                    span,
                }
            }
            Rule::not_expr => self.prefixed(p, Rule::not_op, |e| ExprKind::Not(Box::new(e))),
            Rule::cmp_expr => self.comparison(p),
            Rule::range_expr => {
                let mut inner = p.into_inner().filter(|q| q.as_rule() != Rule::op_range);
                let lo = match inner.next() {
                    Some(q) => self.expr(q),
                    None => return self.error_expr(span),
                };
                match inner.next() {
                    Some(q) => {
                        let hi = self.expr(q);
                        Expr {
                            kind: ExprKind::Range(Box::new(lo), Box::new(hi)),
                            span,
                        }
                    }
                    None => lo,
                }
            }
            Rule::add_expr | Rule::mul_expr => {
                let mut inner = p.into_inner();
                let first = match inner.next() {
                    Some(q) => self.expr(q),
                    None => return self.error_expr(span),
                };
                let mut rest = Vec::new();
                while let (Some(op), Some(q)) = (inner.next(), inner.next()) {
                    let op = match op.as_str() {
                        "+" => ArithOp::Add,
                        "-" => ArithOp::Sub,
                        "*" => ArithOp::Mul,
                        _ => ArithOp::Div,
                    };
                    rest.push((op, self.expr(q)));
                }
                if rest.is_empty() {
                    return first;
                }
                Expr {
                    kind: ExprKind::Arith {
                        first: Box::new(first),
                        rest,
                    },
                    span,
                }
            }
            Rule::unary => self.prefixed(p, Rule::neg_op, |e| ExprKind::Neg(Box::new(e))),
            Rule::postfix => {
                let mut inner = p.into_inner();
                let mut e = match inner.next() {
                    Some(q) => self.expr(q),
                    None => return self.error_expr(span),
                };
                for (n, q) in inner.enumerate() {
                    if n >= MAX_CHAIN {
                        self.diags.push(chain_error(span));
                        break;
                    }
                    let qs = self.span(&q);
                    let s = e.span.to(qs);
                    e = match q.as_rule() {
                        Rule::field_access => {
                            let name = q.into_inner().next();
                            let field = match name {
                                Some(n) => self.ident(&n),
                                None => Ident {
                                    name: String::new(),
                                    span: qs,
                                },
                            };
                            Expr {
                                kind: ExprKind::Field(Box::new(e), field),
                                span: s,
                            }
                        }
                        _ => {
                            let index = q
                                .into_inner()
                                .find(|x| x.as_rule() == Rule::expr)
                                .map(|x| self.expr(x))
                                .unwrap_or_else(|| self.error_expr(qs));
                            Expr {
                                kind: ExprKind::Index(Box::new(e), Box::new(index)),
                                span: s,
                            }
                        }
                    };
                }
                e
            }
            Rule::quantifier => {
                let mut inner = p.into_inner();
                let quant = match inner.next().map(|q| q.as_str().to_string()).as_deref() {
                    Some("any") => Quant::Any,
                    Some("all") => Quant::All,
                    _ => Quant::Count,
                };
                let mut rest =
                    inner.filter(|q| !matches!(q.as_rule(), Rule::kw_in | Rule::kw_where));
                let (Some(var), Some(coll)) = (rest.next(), rest.next()) else {
                    return self.error_expr(span);
                };
                let var = self.ident(&var);
                let collection = Box::new(self.expr(coll));
                let filter = rest.next().map(|q| Box::new(self.expr(q)));
                Expr {
                    kind: ExprKind::Quantifier {
                        quant,
                        var,
                        collection,
                        filter,
                    },
                    span,
                }
            }
            Rule::paren => {
                let inner = p.into_inner().find(|q| q.as_rule() == Rule::expr);
                let e = match inner {
                    Some(q) => self.expr(q),
                    None => return self.error_expr(span),
                };
                Expr {
                    kind: ExprKind::Paren(Box::new(e)),
                    span,
                }
            }
            Rule::list => {
                let mut items = Vec::new();
                let mut comp = None;
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::expr => items.push(self.expr(q)),
                        Rule::comprehension => comp = Some(q),
                        _ => {}
                    }
                }
                if let Some(c) = comp {
                    let mut rest = c.into_inner().filter(|q| {
                        !matches!(q.as_rule(), Rule::kw_for | Rule::kw_in | Rule::kw_where)
                    });
                    let elem = items.pop().unwrap_or_else(|| self.error_expr(span));
                    let (Some(var), Some(coll)) = (rest.next(), rest.next()) else {
                        return self.error_expr(span);
                    };
                    let var = self.ident(&var);
                    let collection = Box::new(self.expr(coll));
                    let filter = rest.next().map(|q| Box::new(self.expr(q)));
                    return Expr {
                        kind: ExprKind::Comprehension {
                            elem: Box::new(elem),
                            var,
                            collection,
                            filter,
                        },
                        span,
                    };
                }
                Expr {
                    kind: ExprKind::List(items),
                    span,
                }
            }
            Rule::call => {
                let mut inner = p.into_inner();
                let name = match inner.next() {
                    Some(n) => self.ident(&n),
                    None => return self.error_expr(span),
                };
                let args = inner
                    .filter(|q| q.as_rule() == Rule::expr)
                    .map(|q| self.expr(q))
                    .collect();
                Expr {
                    kind: ExprKind::Call(name, args),
                    span,
                }
            }
            Rule::name => Expr {
                kind: ExprKind::Name(p.as_str().to_string()),
                span,
            },
            _ => self.literal(p),
        }
    }

    /// An operand under a run of prefix operators (`not not x`, `--x`), innermost first.
    fn prefixed(&mut self, p: Pair<Rule>, op: Rule, wrap: fn(Expr) -> ExprKind) -> Expr {
        let span = self.span(&p);
        let mut ops = Vec::new();
        let mut operand = None;
        for q in p.into_inner() {
            if q.as_rule() == op {
                ops.push(self.span(&q));
            } else {
                operand = Some(self.expr(q));
            }
        }
        let mut e = operand.unwrap_or_else(|| self.error_expr(span));
        if ops.len() > MAX_CHAIN {
            self.diags.push(chain_error(span));
            return e;
        }
        for at in ops.into_iter().rev() {
            let span = at.to(e.span);
            e = Expr {
                kind: wrap(e),
                span,
            };
        }
        e
    }

    fn comparison(&mut self, p: Pair<Rule>) -> Expr {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let mut lhs = match inner.next() {
            Some(q) => self.expr(q),
            None => return self.error_expr(span),
        };
        let mut first = true;
        for tail in inner {
            let tail_span = self.span(&tail);
            let mut parts = tail.into_inner();
            let Some(t) = parts.next() else {
                continue;
            };
            if !first {
                let words = |span: Span, default: &str| -> String {
                    let t = self.text.get(span.range()).unwrap_or(default);
                    t.split_whitespace().collect::<Vec<_>>().join(" ")
                };
                let (a, b) = (words(lhs.span, "a < b"), words(tail_span, "< c"));
                let middle = match &lhs.kind {
                    ExprKind::Compare { rhs, .. } => words(rhs.span, "b"),
                    _ => "b".to_string(),
                };
                self.diags.push(
                    Diagnostic::error("chained-comparison", "comparisons do not chain")
                        .at(tail_span, "a second comparison")
                        .also(lhs.span, "after this one")
                        .help(format!("write `{a} and {middle} {b}`; to compare a `count`, put it in parentheses")),
                );
                break;
            }
            first = false;
            let s = lhs.span.to(tail_span);
            lhs = match t.as_rule() {
                Rule::matches_tail => {
                    let pattern = t
                        .into_inner()
                        .find(|q| q.as_rule() == Rule::string)
                        .map(|q| self.string(q))
                        .unwrap_or(StrLit {
                            value: String::new(),
                            span: tail_span,
                        });
                    Expr {
                        kind: ExprKind::Matches {
                            lhs: Box::new(lhs),
                            pattern,
                        },
                        span: s,
                    }
                }
                Rule::allowed_tail => {
                    let list = t
                        .into_inner()
                        .find(|q| q.as_rule() == Rule::range_expr)
                        .map(|q| self.expr(q))
                        .unwrap_or_else(|| self.error_expr(tail_span));
                    Expr {
                        kind: ExprKind::AllowedBy {
                            lhs: Box::new(lhs),
                            list: Box::new(list),
                        },
                        span: s,
                    }
                }
                _ => {
                    let op = match t
                        .as_str()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .as_str()
                    {
                        "==" => CmpOp::Eq,
                        "!=" => CmpOp::Ne,
                        "<=" => CmpOp::Le,
                        ">=" => CmpOp::Ge,
                        "<" => CmpOp::Lt,
                        ">" => CmpOp::Gt,
                        "in" => CmpOp::In,
                        "contains" => CmpOp::Contains,
                        _ => CmpOp::NotIn,
                    };
                    let rhs = match parts.next() {
                        Some(q) => self.expr(q),
                        None => self.error_expr(tail_span),
                    };
                    Expr {
                        kind: ExprKind::Compare {
                            op,
                            lhs: Box::new(lhs),
                            rhs: Box::new(rhs),
                        },
                        span: s,
                    }
                }
            };
        }
        lhs
    }

    fn error_expr(&self, span: Span) -> Expr {
        Expr {
            kind: ExprKind::Literal(Literal {
                value: LitValue::None,
                text: "none".into(),
            }),
            span,
        }
    }

    fn date(&mut self, p: &Pair<Rule>) -> Option<jiff::civil::Date> {
        match p.as_str().parse::<jiff::civil::Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                self.diags.push(
                    Diagnostic::error("bad-literal", format!("`{}` is not a date", p.as_str()))
                        .at(self.span(p), "no such day")
                        .help("dates are written YYYY-MM-DD, e.g. `2027-06-30`"),
                );
                None
            }
        }
    }

    fn literal(&mut self, p: Pair<Rule>) -> Expr {
        let span = self.span(&p);
        let text = p.as_str().to_string();
        let bad = |b: &mut Self, what: &str, help: &str| {
            b.diags.push(
                Diagnostic::error("bad-literal", format!("`{text}` is not a valid {what}"))
                    .at(span, "here")
                    .help(help.to_string()),
            );
            LitValue::None
        };
        let value = match p.as_rule() {
            Rule::kw_true => LitValue::Bool(true),
            Rule::kw_false => LitValue::Bool(false),
            Rule::kw_none => LitValue::None,
            Rule::number => match Decimal::from_str_exact(&text) {
                Ok(n) => LitValue::Number(n),
                Err(_) => bad(self, "number", "numbers have at most 28 significant digits"),
            },
            Rule::percent => match Decimal::from_str_exact(text.trim_end_matches('%')) {
                Ok(n) => LitValue::Percent(n / Decimal::ONE_HUNDRED),
                Err(_) => bad(self, "percent", "write a percent like `0.1%`"),
            },
            Rule::duration | Rule::size => {
                let split = text
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .unwrap_or(text.len());
                let (num, unit) = text.split_at(split);
                let is_duration = p.as_rule() == Rule::duration;
                let factor = if is_duration {
                    duration_unit(unit)
                } else {
                    size_unit(unit)
                };
                match (Decimal::from_str_exact(num), factor) {
                    (Ok(n), Some(f)) => match n.checked_mul(f) {
                        Some(v) if is_duration => LitValue::Duration(v),
                        Some(v) => LitValue::Size(v),
                        None => bad(self, "quantity", "the value is too large"),
                    },
                    _ => bad(self, "quantity", "write a quantity like `250ms` or `5MB`"),
                }
            }
            Rule::date => match self.date(&p) {
                Some(d) => LitValue::Date(d),
                None => LitValue::None,
            },
            Rule::datetime => match parse_datetime(&text) {
                Some(z) => LitValue::DateTime(z),
                None => bad(
                    self,
                    "datetime",
                    "write a datetime like `2027-06-30T16:00:00Z` or `2027-06-30T16:00:00+01:00`",
                ),
            },
            Rule::time => match parse_time(&text) {
                Some(t) => LitValue::Time(t),
                None => bad(self, "time of day", "times run from `00:00` to `23:59:59`"),
            },
            Rule::weekday => Weekday::parse(&text).map_or(LitValue::None, LitValue::Weekday),
            Rule::severity => Severity::parse(&text).map_or(LitValue::None, LitValue::Severity),
            Rule::string => {
                let s = self.string(p);
                LitValue::Str(s.value)
            }
            _ => LitValue::None,
        };
        Expr {
            kind: ExprKind::Literal(Literal { value, text }),
            span,
        }
    }
}

fn chain_error(span: Span) -> Diagnostic {
    Diagnostic::error(
        "too-deep",
        format!("more than {MAX_CHAIN} prefix operators or field accesses in a row"),
    )
    .at(
        Span {
            end: span.start.saturating_add(1),
            ..span
        },
        "from here",
    )
    .help("split the expression into `let`s")
}

/// The index of the `}` that closes an interpolation opened before `from`, skipping strings.
fn find_close(raw: &str, from: usize) -> Option<usize> {
    let bytes = raw.as_bytes();
    let mut i = from;
    let mut in_string = false;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 1,
            b'"' => in_string = !in_string,
            b'}' if !in_string => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

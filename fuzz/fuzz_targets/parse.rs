//! Arbitrary bytes → the parser. Must never panic; and text that parses without an error must
//! print (`policy::print`) as text that parses again without an error, to the same tree (spans
//! and the spelling of string escapes aside), which prints as the same text again.
#![no_main]

use gate::policy::ast::{Expr, ExprKind, Item, LitValue, Module, Part, Template};
use gate::policy::parser::parse_module;
use gate::policy::print::print_module;
use gate::span::{FileId, Span};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (mut module, diags) = parse_module(FileId(0), text);
    if !diags.is_empty() {
        return;
    }
    let printed = print_module(&module);
    let (mut again, diags) = parse_module(FileId(0), &printed);
    assert!(
        diags.is_empty(),
        "printed text does not parse: {diags:?}\n--- input\n{text}\n--- printed\n{printed}"
    );
    let reprinted = print_module(&again);
    assert_eq!(
        printed, reprinted,
        "printing is not idempotent\n--- input\n{text}"
    );
    normalize(&mut module);
    normalize(&mut again);
    assert!(
        module == again,
        "the printed text reads as another tree\n--- input\n{text}\n--- printed\n{printed}"
    );
});

// ---------------------------------------------------------------------------------------------
// Trees without their spans: what must survive printing

fn normalize(m: &mut Module) {
    for item in &mut m.items {
        match item {
            Item::Policy(p) => {
                p.span = Span::default();
                p.name.span = Span::default();
                if let Some(v) = &mut p.version {
                    v.span = Span::default();
                }
            }
            Item::Use(u) => {
                u.span = Span::default();
                u.path.span = Span::default();
            }
            Item::Let(l) => {
                l.span = Span::default();
                l.name.span = Span::default();
                expr(&mut l.value);
            }
            Item::Rule(r) => {
                r.span = Span::default();
                r.name.span = Span::default();
                r.level_span = Span::default();
                for f in &mut r.fors {
                    f.span = Span::default();
                    f.var.span = Span::default();
                    expr(&mut f.collection);
                    if let Some(x) = &mut f.filter {
                        expr(x);
                    }
                }
                r.check.span = Span::default();
                expr(&mut r.check.condition);
                if let Some(t) = &mut r.check.message {
                    template(t);
                }
            }
            Item::Waive(w) => {
                w.span = Span::default();
                w.rule.span = Span::default();
                w.until_span = Span::default();
                w.by.span = Span::default();
                w.because.span = Span::default();
                if let Some(x) = &mut w.filter {
                    expr(x);
                }
            }
        }
    }
}

fn template(t: &mut Template) {
    t.span = Span::default();
    for p in &mut t.parts {
        if let Part::Expr(e) = p {
            expr(e);
        }
    }
}

fn expr(e: &mut Expr) {
    e.span = Span::default();
    match &mut e.kind {
        ExprKind::Literal(l) => {
            // A string prints with its escapes spelled one way: keep the value, not the text.
            if matches!(l.value, LitValue::Str(_)) {
                l.text.clear();
            }
        }
        ExprKind::Name(_) => {}
        ExprKind::Field(base, name) => {
            expr(base);
            name.span = Span::default();
        }
        ExprKind::Index(a, b) | ExprKind::Range(a, b) => {
            expr(a);
            expr(b);
        }
        ExprKind::Call(name, args) => {
            name.span = Span::default();
            args.iter_mut().for_each(expr);
        }
        ExprKind::List(items) | ExprKind::And(items) | ExprKind::Or(items) => {
            items.iter_mut().for_each(expr)
        }
        ExprKind::Comprehension {
            elem,
            var,
            collection,
            filter,
        } => {
            expr(elem);
            var.span = Span::default();
            expr(collection);
            if let Some(f) = filter {
                expr(f);
            }
        }
        ExprKind::Quantifier {
            var,
            collection,
            filter,
            ..
        } => {
            var.span = Span::default();
            expr(collection);
            if let Some(f) = filter {
                expr(f);
            }
        }
        ExprKind::Paren(x) | ExprKind::Not(x) | ExprKind::Neg(x) => expr(x),
        ExprKind::Arith { first, rest } => {
            expr(first);
            rest.iter_mut().for_each(|(_, x)| expr(x));
        }
        ExprKind::Compare { lhs, rhs, .. } => {
            expr(lhs);
            expr(rhs);
        }
        ExprKind::Matches { lhs, pattern } => {
            expr(lhs);
            pattern.span = Span::default();
        }
        ExprKind::AllowedBy { lhs, list } => {
            expr(lhs);
            expr(list);
        }
    }
}

//! Evaluating one checked expression. Fail closed: a missing fact, a misused `none` or a value
//! of the wrong type is an error, never a default.

use super::{Ctx, EvalError, Frame, Trace};
use crate::license::{AllowList, License, is_allowed};
use crate::policy::ast::{ArithOp, CmpOp, Quant};
use crate::policy::ir::{AllowSource, Expr, Func, Node};
use crate::value::{Incomparable, Value, equal, kind_name, order};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::rc::Rc;
use std::sync::Arc;

impl Ctx<'_> {
    pub(super) fn fail(&self, e: &Expr, message: String) -> EvalError {
        EvalError::new(message, e.span)
    }

    pub(super) fn text(&self, e: &Expr) -> String {
        self.sources
            .slice(e.span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn incomparable(&self, e: &Expr, err: Incomparable) -> EvalError {
        self.fail(e, format!("`{}`: {}", self.text(e), err.0))
    }

    /// A condition's truth; `none` or a non-boolean is an error.
    pub(super) fn truth(&self, e: &Expr, f: &mut Frame) -> Result<bool, EvalError> {
        // Conditions are the hot path: decide them without building a `Value` where possible.
        match &e.node {
            Node::And(items) => {
                for item in items {
                    if !self.truth(item, f)? {
                        return Ok(false);
                    }
                }
                return Ok(true);
            }
            Node::Or(items) => {
                for item in items {
                    if self.truth(item, f)? {
                        return Ok(true);
                    }
                }
                return Ok(false);
            }
            Node::Not(inner) => return Ok(!self.truth(inner, f)?),
            Node::Compare { op, lhs, rhs } => return self.comparison(e, *op, lhs, rhs, f),
            Node::Local(_) | Node::Field(..) | Node::Const(_) | Node::Let(_) => {
                if let Some(Value::Bool(b)) = self.peek(e, f) {
                    return Ok(*b);
                }
            }
            _ => {}
        }
        match self.eval(e, f)? {
            Value::Bool(b) => Ok(b),
            Value::None => Err(self
                .fail(e, format!("`{}` is none, not true or false", self.text(e)))
                .help("test it first: `x != none and …`")),
            other => Err(self.fail(
                e,
                format!(
                    "`{}` is {}, not true or false",
                    self.text(e),
                    kind_name(&other)
                ),
            )),
        }
    }

    /// A list to walk (`for`, quantifiers, comprehensions).
    pub(super) fn list(&self, e: &Expr, f: &mut Frame) -> Result<Arc<[Value]>, EvalError> {
        match self.eval(e, f)? {
            Value::List(items) => Ok(items),
            Value::None => Err(self.fail(e, format!("`{}` is none, not a list", self.text(e)))),
            other => Err(self.fail(
                e,
                format!("`{}` is {}, not a list", self.text(e), kind_name(&other)),
            )),
        }
    }

    /// Evaluates and says where the value came from when it is a fact (for witnesses).
    pub(super) fn traced(
        &self,
        e: &Expr,
        f: &mut Frame,
    ) -> Result<(Value, Option<Rc<Trace>>), EvalError> {
        let trace = match &e.node {
            Node::Namespace(i) => Some(Rc::new(Trace::Namespace(*i))),
            Node::Local(slot) => f
                .origins
                .get(*slot)
                .and_then(Option::as_ref)
                .map(|o| o.trace()),
            Node::Field(base, name, _) => {
                let (_, t) = self.traced(base, f)?;
                t.map(|t| Rc::new(Trace::Field(t, name.clone())))
            }
            _ => None,
        };
        Ok((self.eval(e, f)?, trace))
    }

    /// The value an expression reads without computing anything — a constant, a binding, a
    /// namespace, an evaluated let, or a field of those — by reference, so the hot path clones
    /// nothing. `None` means "evaluate it" (which also reports what is missing).
    pub(super) fn peek<'v>(&'v self, e: &'v Expr, f: &'v Frame) -> Option<&'v Value> {
        match &e.node {
            Node::Const(v) => Some(v),
            Node::Local(slot) => f.slots.get(*slot),
            Node::Namespace(i) => self.namespaces.get(*i).copied().flatten().map(|n| &n.value),
            Node::Let(i) => self.lets.get(*i)?.get()?.as_ref().ok(),
            Node::Field(base, name, hint) => match self.peek(base, f)? {
                Value::Record(r) => r.get_hinted(name, hint),
                _ => None,
            },
            _ => None,
        }
    }

    pub(super) fn eval(&self, e: &Expr, f: &mut Frame) -> Result<Value, EvalError> {
        match &e.node {
            Node::Const(v) => Ok(v.clone()),
            Node::Local(slot) => Ok(f.slots.get(*slot).cloned().unwrap_or(Value::None)),
            Node::Let(i) => self.let_value(*i),
            Node::Namespace(i) => self.namespace(*i, e),
            Node::Field(base, name, hint) => {
                if let Some(v) = self.peek(e, f) {
                    return Ok(v.clone());
                }
                let b = self.eval(base, f)?;
                match &b {
                    Value::Record(r) => match r.get_hinted(name, hint) {
                        Some(v) => Ok(v.clone()),
                        None => Err(self.missing(e, base, name)),
                    },
                    _ => self.field(e, base, &b, name),
                }
            }
            Node::Index(base, index) => {
                let b = self.eval(base, f)?;
                let i = self.eval(index, f)?;
                match (&b, &i) {
                    (Value::List(items), Value::Number(n)) => {
                        let at = n.trunc();
                        let idx = usize::try_from(at.mantissa())
                            .ok()
                            .filter(|_| at == *n && at.scale() == 0);
                        match idx.and_then(|i| items.get(i)) {
                            Some(v) => Ok(v.clone()),
                            None => Err(self.fail(
                                e,
                                format!(
                                    "`{}` has {} elements; there is no element {n}",
                                    self.text(base),
                                    items.len()
                                ),
                            )),
                        }
                    }
                    (Value::Record(_), Value::Str(key)) => self.field(e, base, &b, key),
                    _ => Err(self.fail(
                        e,
                        format!("cannot index {} with {}", kind_name(&b), kind_name(&i)),
                    )),
                }
            }
            Node::Call(func, args) => self.call(e, *func, args, f),
            Node::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval(item, f)?);
                }
                Ok(Value::List(out.into()))
            }
            Node::Comprehension {
                elem,
                slot,
                collection,
                filter,
            } => {
                let items = self.list(collection, f)?;
                let mut out = Vec::new();
                for item in items.iter() {
                    f.set(*slot, item.clone(), None);
                    if let Some(w) = filter
                        && !self.truth(w, f)?
                    {
                        continue;
                    }
                    out.push(self.eval(elem, f)?);
                }
                Ok(Value::List(out.into()))
            }
            Node::Quantifier {
                quant,
                slot,
                collection,
                filter,
            } => {
                let items = self.list(collection, f)?;
                let mut count = 0u64;
                for item in items.iter() {
                    f.set(*slot, item.clone(), None);
                    let hit = match filter {
                        Some(w) => self.truth(w, f)?,
                        None => true,
                    };
                    match (quant, hit) {
                        (Quant::Any, true) => return Ok(Value::Bool(true)),
                        (Quant::All, false) => return Ok(Value::Bool(false)),
                        (Quant::Count, true) => count += 1,
                        _ => {}
                    }
                }
                Ok(match quant {
                    Quant::Any => Value::Bool(false),
                    Quant::All => Value::Bool(true),
                    Quant::Count => Value::Number(Decimal::from(count)),
                })
            }
            Node::Not(inner) => Ok(Value::Bool(!self.truth(inner, f)?)),
            Node::Neg(inner) => match self.eval(inner, f)? {
                Value::Number(n) => Ok(Value::Number(-n)),
                Value::Percent(n) => Ok(Value::Percent(-n)),
                Value::Duration(n) => Ok(Value::Duration(-n)),
                Value::Size(n) => Ok(Value::Size(-n)),
                other => Err(self.fail(e, format!("cannot negate {}", kind_name(&other)))),
            },
            Node::And(items) => {
                for item in items {
                    if !self.truth(item, f)? {
                        return Ok(Value::Bool(false));
                    }
                }
                Ok(Value::Bool(true))
            }
            Node::Or(items) => {
                for item in items {
                    if self.truth(item, f)? {
                        return Ok(Value::Bool(true));
                    }
                }
                Ok(Value::Bool(false))
            }
            Node::Arith { first, rest } => {
                let mut acc = self.eval(first, f)?;
                for (op, operand) in rest {
                    let v = self.eval(operand, f)?;
                    acc = self.arith(e, *op, acc, v)?;
                }
                Ok(acc)
            }
            Node::Range(lo, hi) => {
                let a = self.eval(lo, f)?;
                let b = self.eval(hi, f)?;
                let ord = order(&a, &b).map_err(|x| self.incomparable(e, x))?;
                if ord == Ordering::Greater && !matches!(a, Value::Time(_)) {
                    return Err(self.fail(e, format!("the range `{a}..{b}` is reversed")));
                }
                Ok(Value::Range(Arc::new((a, b))))
            }
            Node::Compare { op, lhs, rhs } => {
                if let (Some(a), Some(b)) = (self.peek(lhs, f), self.peek(rhs, f)) {
                    return self
                        .compare_operands(e, *op, lhs, rhs, a, b)
                        .map(Value::Bool);
                }
                let a = self.eval(lhs, f)?;
                let b = self.eval(rhs, f)?;
                self.compare_operands(e, *op, lhs, rhs, &a, &b)
                    .map(Value::Bool)
            }
            Node::Matches { lhs, regex } => match self.peek(lhs, f) {
                Some(Value::Str(s)) => Ok(Value::Bool(regex.is_match(s))),
                _ => self.matches_slow(e, lhs, regex, f),
            },
            Node::AllowedBy { lhs, list } => {
                if let (Some(Value::License(l)), AllowSource::Static(allow)) =
                    (self.peek(lhs, f), list)
                {
                    return Ok(Value::Bool(is_allowed(l, allow)));
                }
                let license = self.license_of(lhs, f)?;
                let allowed = match list {
                    AllowSource::Static(l) => is_allowed(&license, l),
                    AllowSource::Dynamic(expr) => {
                        let l = self.allow_list(expr, f)?;
                        is_allowed(&license, &l)
                    }
                };
                Ok(Value::Bool(allowed))
            }
        }
    }

    fn compare_operands(
        &self,
        e: &Expr,
        op: CmpOp,
        lhs: &Expr,
        rhs: &Expr,
        a: &Value,
        b: &Value,
    ) -> Result<bool, EvalError> {
        // `none` takes part in `==` and `!=` only.
        match (op, a, b) {
            (CmpOp::In | CmpOp::NotIn, Value::None, _) => Err(self.none_misuse(lhs, op.symbol())),
            (CmpOp::Contains, _, Value::None) => Err(self.none_misuse(rhs, "contains")),
            _ => self.compare(e, op, a, b),
        }
    }

    /// A comparison's outcome, reading both sides in place when it can.
    fn comparison(
        &self,
        e: &Expr,
        op: CmpOp,
        lhs: &Expr,
        rhs: &Expr,
        f: &mut Frame,
    ) -> Result<bool, EvalError> {
        if let (Some(a), Some(b)) = (self.peek(lhs, f), self.peek(rhs, f)) {
            return self.compare_operands(e, op, lhs, rhs, a, b);
        }
        let a = self.eval(lhs, f)?;
        let b = self.eval(rhs, f)?;
        self.compare_operands(e, op, lhs, rhs, &a, &b)
    }

    fn matches_slow(
        &self,
        e: &Expr,
        lhs: &Expr,
        regex: &regex::Regex,
        f: &mut Frame,
    ) -> Result<Value, EvalError> {
        match self.eval(lhs, f)? {
            Value::Str(s) => Ok(Value::Bool(regex.is_match(&s))),
            Value::None => Err(self.none_misuse(lhs, "matches")),
            other => Err(self.fail(
                e,
                format!(
                    "`matches` needs a string, but `{}` is {}",
                    self.text(lhs),
                    kind_name(&other)
                ),
            )),
        }
    }

    fn none_misuse(&self, e: &Expr, op: &str) -> EvalError {
        self.fail(
            e,
            format!("`{}` is none, which `{op}` cannot use", self.text(e)),
        )
        .help("`none` can only be compared with `==` or `!=`; test it first: `x != none and …`")
    }

    pub(super) fn license_of(&self, e: &Expr, f: &mut Frame) -> Result<Arc<License>, EvalError> {
        match self.eval(e, f)? {
            Value::License(l) => Ok(l),
            Value::Str(s) => License::parse(&s)
                .map(Arc::new)
                .map_err(|err| self.fail(e, format!("`{}`: {}", self.text(e), err.message))),
            Value::None => Err(self.none_misuse(e, "allowed by")),
            Value::Malformed(m) => Err(self.fail(e, format!("`{}`: {}", self.text(e), m.why))),
            other => Err(self.fail(
                e,
                format!(
                    "`allowed by` needs a license, but `{}` is {}",
                    self.text(e),
                    kind_name(&other)
                ),
            )),
        }
    }

    pub(super) fn allow_list(&self, e: &Expr, f: &mut Frame) -> Result<AllowList, EvalError> {
        let items = self.list(e, f)?;
        let mut entries = Vec::with_capacity(items.len());
        for item in items.iter() {
            match item {
                Value::Str(s) => entries.push(s.to_string()),
                other => {
                    return Err(self.fail(
                        e,
                        format!(
                            "an `allowed by` list holds license ids, not {}",
                            kind_name(other)
                        ),
                    ));
                }
            }
        }
        AllowList::new(entries.iter().map(String::as_str)).map_err(|problems| {
            let detail = problems
                .first()
                .map(|(i, err)| format!("entry {}: {}", i + 1, err.message))
                .unwrap_or_default();
            self.fail(
                e,
                format!(
                    "`{}` is not a list of single license terms: {detail}",
                    self.text(e)
                ),
            )
        })
    }

    fn field(&self, e: &Expr, base: &Expr, b: &Value, name: &str) -> Result<Value, EvalError> {
        match b {
            Value::Record(r) => match r.get(name) {
                Some(v) => Ok(v.clone()),
                None => Err(self.missing(e, base, name)),
            },
            Value::None => Err(self
                .fail(
                    e,
                    format!("`{}` is none, so it has no field `{name}`", self.text(base)),
                )
                .help("test it first: `x != none and …`")),
            other => Err(self.fail(
                e,
                format!(
                    "`{}` is {}, which has no field `{name}`",
                    self.text(base),
                    kind_name(other)
                ),
            )),
        }
    }

    fn arith(&self, e: &Expr, op: ArithOp, a: Value, b: Value) -> Result<Value, EvalError> {
        use ArithOp::*;
        use Value::*;
        let div = |x: Decimal, y: Decimal| -> Result<Decimal, EvalError> {
            x.checked_div(y)
                .ok_or_else(|| self.fail(e, format!("`{}` divides by zero", self.text(e))))
        };
        let overflow = || self.fail(e, format!("`{}` overflows", self.text(e)));
        let r = match (op, &a, &b) {
            (Add, Number(x), Number(y)) => Number(x.checked_add(*y).ok_or_else(overflow)?),
            (Sub, Number(x), Number(y)) => Number(x.checked_sub(*y).ok_or_else(overflow)?),
            (Mul, Number(x), Number(y)) => Number(x.checked_mul(*y).ok_or_else(overflow)?),
            (Div, Number(x), Number(y)) => Number(div(*x, *y)?),
            (Add, Duration(x), Duration(y)) => Duration(x.checked_add(*y).ok_or_else(overflow)?),
            (Sub, Duration(x), Duration(y)) => Duration(x.checked_sub(*y).ok_or_else(overflow)?),
            (Add, Size(x), Size(y)) => Size(x.checked_add(*y).ok_or_else(overflow)?),
            (Sub, Size(x), Size(y)) => Size(x.checked_sub(*y).ok_or_else(overflow)?),
            (Mul, Duration(x), Number(y)) | (Mul, Number(y), Duration(x)) => {
                Duration(x.checked_mul(*y).ok_or_else(overflow)?)
            }
            (Mul, Size(x), Number(y)) | (Mul, Number(y), Size(x)) => {
                Size(x.checked_mul(*y).ok_or_else(overflow)?)
            }
            (Div, Duration(x), Number(y)) => Duration(div(*x, *y)?),
            (Div, Size(x), Number(y)) => Size(div(*x, *y)?),
            (Div, Duration(x), Duration(y)) | (Div, Size(x), Size(y)) => Number(div(*x, *y)?),
            (_, None, _) | (_, _, None) => {
                return Err(self
                    .fail(e, format!("`{}` uses none in arithmetic", self.text(e)))
                    .help("test it first: `x != none and …`"));
            }
            _ => {
                return Err(self.fail(
                    e,
                    format!(
                        "cannot apply `{}` to {} and {}",
                        op.symbol(),
                        kind_name(&a),
                        kind_name(&b)
                    ),
                ));
            }
        };
        Ok(r)
    }

    pub(super) fn compare(
        &self,
        e: &Expr,
        op: CmpOp,
        a: &Value,
        b: &Value,
    ) -> Result<bool, EvalError> {
        let ord = |x: &Value, y: &Value| order(x, y).map_err(|err| self.incomparable(e, err));
        Ok(match op {
            CmpOp::Eq => equal(a, b).map_err(|err| self.incomparable(e, err))?,
            CmpOp::Ne => !equal(a, b).map_err(|err| self.incomparable(e, err))?,
            CmpOp::Lt => ord(a, b)? == Ordering::Less,
            CmpOp::Le => ord(a, b)? != Ordering::Greater,
            CmpOp::Gt => ord(a, b)? == Ordering::Greater,
            CmpOp::Ge => ord(a, b)? != Ordering::Less,
            CmpOp::In | CmpOp::NotIn => {
                let found = self.member(e, a, b)?;
                if op == CmpOp::In { found } else { !found }
            }
            CmpOp::Contains => match (a, b) {
                (Value::Str(s), Value::Str(t)) => s.contains(&**t),
                (Value::List(_), _) => self.member(e, b, a)?,
                (Value::None, _) => {
                    return Err(self.fail(e, format!("`{}`: none contains nothing", self.text(e))));
                }
                _ => {
                    return Err(self.fail(
                        e,
                        format!("`contains` needs a list or a string, not {}", kind_name(a)),
                    ));
                }
            },
        })
    }

    fn member(&self, e: &Expr, x: &Value, coll: &Value) -> Result<bool, EvalError> {
        if matches!(x, Value::None) {
            return Err(self
                .fail(e, format!("`{}` looks for none, which `in` and `contains` cannot use", self.text(e)))
                .help("`none` can only be compared with `==` or `!=`; test it first: `x != none and …`"));
        }
        match coll {
            Value::List(items) => {
                for item in items.iter() {
                    if equal(x, item).map_err(|err| self.incomparable(e, err))? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Value::Range(r) => {
                let (lo, hi) = (&r.0, &r.1);
                let ord =
                    |p: &Value, q: &Value| order(p, q).map_err(|err| self.incomparable(e, err));
                let above = ord(x, lo)? != Ordering::Less;
                let below = ord(x, hi)? != Ordering::Greater;
                // A range of times whose ends are reversed wraps past midnight.
                if matches!(lo, Value::Time(_)) && ord(lo, hi)? == Ordering::Greater {
                    Ok(above || below)
                } else {
                    Ok(above && below)
                }
            }
            Value::None => Err(self.fail(e, format!("`{}`: none holds nothing", self.text(e)))),
            other => Err(self.fail(
                e,
                format!("`in` needs a list or a range, not {}", kind_name(other)),
            )),
        }
    }

    fn call(&self, e: &Expr, func: Func, args: &[Expr], f: &mut Frame) -> Result<Value, EvalError> {
        // The string functions on values read in place: no argument list, and no new string
        // when `lower`/`upper` would change nothing.
        match (func, args) {
            (Func::StartsWith | Func::EndsWith, [a, b]) => {
                if let (Some(Value::Str(x)), Some(Value::Str(y))) =
                    (self.peek(a, f), self.peek(b, f))
                {
                    let hit = if func == Func::StartsWith {
                        x.starts_with(&**y)
                    } else {
                        x.ends_with(&**y)
                    };
                    return Ok(Value::Bool(hit));
                }
            }
            (Func::Len, [a]) => match self.peek(a, f) {
                Some(Value::Str(s)) => return Ok(Value::Number(Decimal::from(s.chars().count()))),
                Some(Value::List(items)) => return Ok(Value::Number(Decimal::from(items.len()))),
                _ => {}
            },
            (Func::Lower, [a]) => {
                if let Some(Value::Str(s)) = self.peek(a, f)
                    && !s.chars().any(char::is_uppercase)
                {
                    return Ok(Value::Str(s.clone()));
                }
            }
            (Func::Upper, [a]) => {
                if let Some(Value::Str(s)) = self.peek(a, f)
                    && !s.chars().any(char::is_lowercase)
                {
                    return Ok(Value::Str(s.clone()));
                }
            }
            _ => {}
        }
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            values.push(self.eval(a, f)?);
        }
        let arg = |i: usize| args.get(i).unwrap_or(e);
        let want = |i: usize, what: &str, v: &Value| {
            self.fail(
                arg(i),
                format!(
                    "`{}` needs {what}, but `{}` is {}",
                    func.name(),
                    self.text(arg(i)),
                    kind_name(v)
                ),
            )
        };
        let first = values.first().cloned().unwrap_or(Value::None);
        let text_of = |i: usize| -> Result<Arc<str>, EvalError> {
            match values.get(i) {
                Some(Value::Str(s)) => Ok(s.clone()),
                Some(v) => Err(want(i, "a string", v)),
                None => Err(self.fail(e, "missing argument".into())),
            }
        };
        Ok(match func {
            Func::Len => match &first {
                Value::List(items) => Value::Number(Decimal::from(items.len())),
                Value::Str(s) => Value::Number(Decimal::from(s.chars().count())),
                v => return Err(want(0, "a list or a string", v)),
            },
            Func::Sum => match &first {
                Value::List(items) => {
                    let mut acc: Option<Value> = None;
                    for item in items.iter() {
                        acc = Some(match acc {
                            None => match item {
                                Value::Number(_)
                                | Value::Duration(_)
                                | Value::Size(_)
                                | Value::Percent(_) => item.clone(),
                                v => {
                                    return Err(want(
                                        0,
                                        "a list of numbers, durations, sizes or percents",
                                        v,
                                    ));
                                }
                            },
                            Some(Value::Percent(x)) => match item {
                                Value::Percent(y) => {
                                    Value::Percent(x.checked_add(*y).ok_or_else(|| {
                                        self.fail(e, format!("`{}` overflows", self.text(e)))
                                    })?)
                                }
                                v => return Err(want(0, "a list of one kind of value", v)),
                            },
                            Some(a) => self.arith(e, ArithOp::Add, a, item.clone())?,
                        });
                    }
                    acc.unwrap_or(Value::Number(Decimal::ZERO))
                }
                v => return Err(want(0, "a list", v)),
            },
            Func::Min | Func::Max => match &first {
                Value::List(items) => {
                    let mut best: Option<&Value> = None;
                    for item in items.iter() {
                        best = Some(match best {
                            None => item,
                            Some(b) => {
                                let o = order(item, b).map_err(|err| self.incomparable(e, err))?;
                                let better = if func == Func::Min {
                                    o == Ordering::Less
                                } else {
                                    o == Ordering::Greater
                                };
                                if better { item } else { b }
                            }
                        });
                    }
                    match best {
                        Some(v) => v.clone(),
                        None => {
                            return Err(self.fail(
                                e,
                                format!(
                                    "`{}` of an empty list: `{}` has no elements",
                                    func.name(),
                                    self.text(arg(0))
                                ),
                            ));
                        }
                    }
                }
                v => return Err(want(0, "a list", v)),
            },
            Func::Lower => Value::Str(Arc::from(text_of(0)?.to_lowercase())),
            Func::Upper => Value::Str(Arc::from(text_of(0)?.to_uppercase())),
            Func::StartsWith => Value::Bool(text_of(0)?.starts_with(&*text_of(1)?)),
            Func::EndsWith => Value::Bool(text_of(0)?.ends_with(&*text_of(1)?)),
            Func::DaysUntil => {
                let date = match &first {
                    Value::Date(d) => *d,
                    v => return Err(want(0, "a date", v)),
                };
                let today = match values.get(1) {
                    Some(Value::Record(r)) => match r.get("date") {
                        Some(Value::Date(d)) => *d,
                        _ => return Err(self.fail(e, "`clock.date` is not in the facts".into())),
                    },
                    _ => return Err(self.fail(e, "`clock.date` is not in the facts".into())),
                };
                let days = (date - today).get_days();
                Value::Number(Decimal::from(days))
            }
            Func::License => match &first {
                Value::Str(s) => match License::parse(s) {
                    Ok(l) => Value::License(Arc::new(l)),
                    Err(err) => return Err(self.fail(arg(0), err.message)),
                },
                v => return Err(want(0, "a string", v)),
            },
        })
    }
}

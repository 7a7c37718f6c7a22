//! Step 5: evaluation. Pure and deterministic: the checked policy, the fact values and the
//! clock in; findings, each with its witness, and the verdict out. No I/O.

mod coverage;
mod explain;
mod expr;
mod share;

pub use coverage::{Coverage, branches};

use crate::diag::Diagnostic;
use crate::facts::{Facts, Namespace, Origin, clock, pointer};
use crate::policy::ast::{CheckKind, Level};
use crate::policy::ir::{Expr, Part, Policy, RuleDef};
use crate::schema;
use crate::span::{SourceMap, Span};
use crate::value::Value;
use jiff::civil::Date;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;
use std::sync::Arc;

/// go, no-go or error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Verdict {
    #[serde(rename = "go")]
    Go,
    #[serde(rename = "no-go")]
    NoGo,
    #[serde(rename = "error")]
    Error,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Go => "go",
            Verdict::NoGo => "no-go",
            Verdict::Error => "error",
        }
    }

    /// The exit code pipelines rely on.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Go => 0,
            Verdict::NoGo => 1,
            Verdict::Error => 2,
        }
    }
}

/// What produced a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// The rule's condition.
    Rule,
    /// A waiver whose date has passed.
    WaiverExpired,
    /// A waiver that matched no finding.
    WaiverUnused,
    /// A waiver that runs more than a year ahead.
    WaiverTooLong,
}

impl FindingKind {
    pub const ALL: [FindingKind; 4] = [
        FindingKind::Rule,
        FindingKind::WaiverExpired,
        FindingKind::WaiverUnused,
        FindingKind::WaiverTooLong,
    ];

    /// The name reports and policy tests use (the JSON report's `kind`).
    pub const fn name(self) -> &'static str {
        match self {
            FindingKind::Rule => "rule",
            FindingKind::WaiverExpired => "waiver-expired",
            FindingKind::WaiverUnused => "waiver-unused",
            FindingKind::WaiverTooLong => "waiver-too-long",
        }
    }

    pub fn parse(name: &str) -> Option<FindingKind> {
        FindingKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// Where a witness value sits in the facts.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    pub namespace: String,
    /// JSON pointer inside the namespace's document (`/packages/3`).
    pub pointer: String,
    pub origin: Origin,
}

/// One value bound by `for`, with where it came from.
#[derive(Clone, Debug)]
pub struct Witness {
    pub name: String,
    pub value: Value,
    pub evidence: Option<Evidence>,
}

/// The waiver that waived a finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Waived {
    pub by: String,
    pub because: String,
    pub until: Date,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: String,
    pub level: Level,
    pub kind: FindingKind,
    pub message: String,
    /// The `require`/`forbid` clause, or the waiver.
    pub span: Span,
    pub witness: Vec<Witness>,
    pub waived: Option<Waived>,
    /// How the evidence was read, e.g. a deprecated license id taken as its current name.
    pub notes: Vec<String>,
    /// A `block` finding the stage's audit mode turned into a warning: what it would have blocked.
    pub audit: bool,
}

/// A rule that failed while it was evaluated. Boxed: every evaluation step returns a `Result`,
/// and a small error type keeps the path that does not fail short.
#[derive(Clone, Debug, PartialEq)]
pub struct EvalError(Box<ErrorDetail>);

#[derive(Clone, Debug, PartialEq)]
pub struct ErrorDetail {
    pub message: String,
    pub span: Span,
    pub help: Option<String>,
}

impl EvalError {
    fn new(message: String, span: Span) -> EvalError {
        EvalError(Box::new(ErrorDetail {
            message,
            span,
            help: None,
        }))
    }

    fn help(mut self, help: impl Into<String>) -> EvalError {
        self.0.help = Some(help.into());
        self
    }

    fn into_diagnostic(self, rule: &str) -> Diagnostic {
        let ErrorDetail {
            message,
            span,
            help,
        } = *self.0;
        let d = Diagnostic::error("eval", format!("rule `{rule}` failed: {message}"))
            .at(span, "while evaluating this");
        match help {
            Some(h) => d.help(h),
            None => d,
        }
    }
}

/// Everything a run decided.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    pub errors: Vec<Diagnostic>,
    /// How many rules were evaluated.
    pub rules: usize,
    /// The rules (by name) that failed while they were evaluated: neither fired nor passed.
    pub failed: Vec<String>,
}

/// The path from a namespace to a fact value, built only when a witness needs it.
#[derive(Debug)]
pub(crate) enum Trace {
    Namespace(usize),
    Field(Rc<Trace>, Arc<str>),
    Element(Rc<Trace>, usize),
}

/// A list a `for` walks, and where it came from in the facts.
type TracedList = (Arc<[Value]>, Option<Rc<Trace>>);

/// Where a bound element came from: element `index` of the list at `list`. Kept as a pair so
/// binding costs no allocation; a [`Trace`] is built only when a witness needs it.
#[derive(Clone, Debug)]
pub(crate) struct SlotOrigin {
    list: Rc<Trace>,
    index: usize,
}

impl SlotOrigin {
    fn trace(&self) -> Rc<Trace> {
        Rc::new(Trace::Element(self.list.clone(), self.index))
    }
}

/// Local bindings of one rule evaluation.
pub(crate) struct Frame {
    slots: Vec<Value>,
    origins: Vec<Option<SlotOrigin>>,
}

impl Frame {
    fn new(size: usize) -> Frame {
        Frame {
            slots: vec![Value::None; size],
            origins: vec![None; size],
        }
    }

    fn set(&mut self, slot: usize, value: Value, origin: Option<SlotOrigin>) {
        if let Some(s) = self.slots.get_mut(slot) {
            *s = value;
        }
        if let Some(o) = self.origins.get_mut(slot) {
            *o = origin;
        }
    }
}

pub(crate) struct Ctx<'a> {
    policy: &'a Policy,
    sources: &'a SourceMap,
    namespaces: Vec<Option<&'a Namespace>>,
    lets: Vec<OnceCell<Result<Value, EvalError>>>,
    /// `gate test --coverage`: where decisions are recorded; `None` costs one branch.
    coverage: Option<&'a Coverage>,
}

/// Most errors reported for one rule; the rest are counted.
const MAX_ERRORS_PER_RULE: usize = 5;

/// `error` when anything errored, else `no-go` when an unwaived `block` finding stands, else `go`.
pub fn verdict_of(findings: &[Finding], errors: &[Diagnostic]) -> Verdict {
    if errors.iter().any(Diagnostic::is_error) {
        Verdict::Error
    } else if findings
        .iter()
        .any(|f| f.level == Level::Block && f.waived.is_none())
    {
        Verdict::NoGo
    } else {
        Verdict::Go
    }
}

/// Audit mode: the `block` findings of the `rules` a stage names become warnings, marked as
/// what they would have blocked, and the verdict is decided again. Errors are never softened.
pub fn audit(outcome: &mut Outcome, rules: &std::collections::BTreeSet<String>) {
    for f in &mut outcome.findings {
        if f.level == Level::Block && f.kind == FindingKind::Rule && rules.contains(&f.rule) {
            f.level = Level::Warn;
            f.audit = true;
        }
    }
    outcome.verdict = verdict_of(&outcome.findings, &outcome.errors);
}

/// Evaluates every rule and waiver. `load_errors` are the problems found before evaluation;
/// any of them makes the verdict `error`, whatever else is found.
pub fn evaluate(
    policy: &Policy,
    facts: &Facts,
    sources: &SourceMap,
    load_errors: Vec<Diagnostic>,
) -> Outcome {
    evaluate_with(policy, facts, sources, load_errors, None)
}

/// [`evaluate`], recording in `coverage` the truth of each branch of every decision it meets
/// (see [`Coverage`]). The outcome is the same.
pub fn evaluate_covered(
    policy: &Policy,
    facts: &Facts,
    sources: &SourceMap,
    load_errors: Vec<Diagnostic>,
    coverage: &Coverage,
) -> Outcome {
    evaluate_with(policy, facts, sources, load_errors, Some(coverage))
}

fn evaluate_with(
    policy: &Policy,
    facts: &Facts,
    sources: &SourceMap,
    load_errors: Vec<Diagnostic>,
    coverage: Option<&Coverage>,
) -> Outcome {
    let ctx = Ctx {
        policy,
        sources,
        namespaces: policy.namespaces.iter().map(|n| facts.get(n)).collect(),
        lets: policy.lets.iter().map(|_| OnceCell::new()).collect(),
        coverage,
    };
    let now = facts.get("clock").and_then(|c| clock::now_of(&c.value));
    let mut runs: Vec<RuleRun> = policy
        .rules
        .iter()
        .enumerate()
        .map(|(ri, rule)| ctx.start_rule(ri, rule, now.as_ref()))
        .collect();
    // Rules whose first `for` walks the same fact list walk it together: each element is read
    // once for all of them while it is in cache. Each rule keeps its own findings and errors,
    // and reports come out in rule order, so nothing but the speed changes.
    // Rules without `for` that ask the same closed question (copies of a rule at another
    // level, say) get its answer once.
    // Measuring coverage, each rule walks alone so that every decision is evaluated.
    let mut closed: HashMap<String, bool> = HashMap::new();
    let groups = match coverage {
        Some(_) => (0..policy.rules.len()).map(|ri| vec![ri]).collect(),
        None => fused_groups(policy),
    };
    for group in groups {
        match group.as_slice() {
            [one] => {
                if let Some(run) = runs.get_mut(*one) {
                    let mut frame = Frame::new(run.slots);
                    let key = if run.rule.fors.is_empty() && coverage.is_none() {
                        share::closed_key(&run.rule.condition)
                    } else {
                        None
                    };
                    match key {
                        Some(key) => {
                            let holds = match closed.get(&key) {
                                Some(b) => Ok(*b),
                                None => ctx.truth(&run.rule.condition, &mut frame),
                            };
                            match holds {
                                Ok(b) => {
                                    closed.insert(key, b);
                                    ctx.conclude(run, &mut frame, b);
                                }
                                Err(e) => run.error(e),
                            }
                        }
                        None => ctx.walk(run, 0, &mut frame),
                    }
                }
            }
            many => ctx.walk_together(&mut runs, many),
        }
    }
    let mut findings = Vec::new();
    let mut errors = load_errors;
    let mut failed = Vec::new();
    for run in runs {
        let rule = run.rule;
        let (mut found, errs) = ctx.finish_rule(run, now.as_ref());
        findings.append(&mut found);
        if errs.iter().any(Diagnostic::is_error) {
            failed.push(rule.name.clone());
        }
        errors.extend(errs);
    }
    let verdict = verdict_of(&findings, &errors);
    Outcome {
        verdict,
        findings,
        errors,
        rules: policy.rules.len(),
        failed,
    }
}

/// Whether rule `rule`'s first `for` clause would keep `element`: its filter holds (a rule
/// without a filter keeps everything). For reports that explain, element by element, which
/// rules apply; `None` when the rule has no `for` or the filter fails to evaluate.
pub fn filter_holds(
    policy: &Policy,
    facts: &Facts,
    sources: &SourceMap,
    rule: usize,
    element: &Value,
) -> Option<bool> {
    let ctx = Ctx {
        policy,
        sources,
        namespaces: policy.namespaces.iter().map(|n| facts.get(n)).collect(),
        lets: policy.lets.iter().map(|_| OnceCell::new()).collect(),
        coverage: None,
    };
    let def = policy.rules.get(rule)?;
    let clause = def.fors.first()?;
    let mut frame = Frame::new(def.slots);
    frame.set(clause.slot, element.clone(), None);
    match &clause.filter {
        None => Some(true),
        Some(f) => ctx.truth(f, &mut frame).ok(),
    }
}

impl<'a> Ctx<'a> {
    fn namespace(&self, i: usize, e: &Expr) -> Result<Value, EvalError> {
        match self.namespaces.get(i).copied().flatten() {
            Some(ns) => Ok(ns.value.clone()),
            None => {
                let name = self.policy.namespaces.get(i).map_or("?", String::as_str);
                let how = schema::namespace(name).map_or_else(
                    || format!("mount it with `--facts {name}=FILE`"),
                    |n| format!("produce it with {}", n.produced_by),
                );
                Err(self
                    .fail(e, format!("no `{name}` facts were produced"))
                    .help(how))
            }
        }
    }

    /// A field that is not there: fail closed, and say what would have produced it.
    fn missing(&self, e: &Expr, base: &Expr, name: &str) -> EvalError {
        let root = self.text(e);
        let ns = root.split(['.', '[']).next().unwrap_or("");
        let where_from = self
            .policy
            .namespaces
            .iter()
            .position(|n| n == ns)
            .and_then(|i| self.namespaces.get(i).copied().flatten())
            .map(|n| match &n.origin {
                Origin::File { file, .. } => format!(" (from `{}`)", self.sources.name(*file)),
                Origin::Builtin(what) => format!(" ({what})"),
                Origin::Producer { what, .. } => format!(" ({what})"),
            })
            .unwrap_or_default();
        let how = schema::namespace(ns).map_or_else(
            || {
                "add it to the document, or guard the read with a condition that does not need it"
                    .to_string()
            },
            |n| format!("the `{ns}` producer fills it: {}", n.produced_by),
        );
        self.fail(
            e,
            format!(
                "`{root}` is not in the facts: `{}`{where_from} has no field `{name}`",
                self.text(base)
            ),
        )
        .help(how)
    }

    fn let_value(&self, i: usize) -> Result<Value, EvalError> {
        // Evaluate what `i` reads first, without recursion: a let reads only lets above it, so a
        // long chain of lets costs a loop, not a deep stack.
        let mut stack = vec![i];
        while let Some(&top) = stack.last() {
            let Some(cell) = self.lets.get(top) else {
                stack.pop();
                continue;
            };
            if cell.get().is_some() {
                stack.pop();
                continue;
            }
            let pending = self.policy.lets[top]
                .deps
                .iter()
                .find(|d| self.lets.get(**d).is_some_and(|c| c.get().is_none()));
            match pending {
                Some(&d) if d != top => stack.push(d),
                _ => {
                    let def = &self.policy.lets[top];
                    let mut frame = Frame::new(def.slots);
                    let value = self.eval(&def.expr, &mut frame);
                    let _ = cell.set(value);
                    stack.pop();
                }
            }
        }
        match self.lets.get(i).and_then(OnceCell::get) {
            Some(v) => v.clone(),
            None => Ok(Value::None),
        }
    }

    fn start_rule(&self, ri: usize, rule: &'a RuleDef, now: Option<&jiff::Zoned>) -> RuleRun<'a> {
        let waivers: Vec<(usize, &crate::policy::ir::WaiverDef)> = self
            .policy
            .waivers
            .iter()
            .enumerate()
            .filter(|(_, w)| w.rule == ri)
            .collect();
        let slots = waivers
            .iter()
            .map(|(_, w)| w.slots)
            .fold(rule.slots, usize::max);
        RuleRun {
            rule,
            waivers: waivers
                .iter()
                .map(|(_, w)| (*w, active(w.until, now), false))
                .collect(),
            findings: Vec::new(),
            errors: Vec::new(),
            dropped: 0,
            slots,
        }
    }

    /// The waiver notes and the diagnostics of a rule that has been walked.
    fn finish_rule(
        &self,
        run: RuleRun,
        now: Option<&jiff::Zoned>,
    ) -> (Vec<Finding>, Vec<Diagnostic>) {
        let rule = run.rule;
        let mut findings = run.findings;
        let clean = run.errors.is_empty();
        let today = now.map(|n| n.date());
        for (w, is_active, matched) in &run.waivers {
            let note = |kind, level, message: String| Finding {
                rule: rule.name.clone(),
                level,
                kind,
                message,
                span: w.span,
                witness: Vec::new(),
                waived: None,
                notes: Vec::new(),
                audit: false,
            };
            if !is_active {
                findings.push(note(
                    FindingKind::WaiverExpired,
                    Level::Warn,
                    format!(
                        "the waiver of `{}` by {} expired on {}: it waives nothing (it said: {})",
                        rule.name, w.by, w.until, w.because
                    ),
                ));
                continue;
            }
            if !matched && clean {
                findings.push(note(
                    FindingKind::WaiverUnused,
                    Level::Info,
                    format!("the waiver of `{}` by {} matched no finding: remove it, or check its `where`", rule.name, w.by),
                ));
            }
            if let Some(today) = today
                && waiver_too_long(today, w.until)
            {
                findings.push(note(
                            FindingKind::WaiverTooLong,
                            Level::Warn,
                            format!(
                                "the waiver of `{}` by {} runs until {}, more than a year ahead: waivers should be reviewed at least yearly",
                                rule.name, w.by, w.until
                            ),
                        ));
            }
        }
        let mut errors: Vec<Diagnostic> = run
            .errors
            .into_iter()
            .map(|e| e.into_diagnostic(&rule.name))
            .collect();
        if run.dropped > 0 {
            errors.push(Diagnostic::error(
                "eval",
                format!("rule `{}` failed {} more times", rule.name, run.dropped),
            ));
        }
        (findings, errors)
    }

    /// Binds `for` clause `k` and everything after it, then checks the condition.
    /// The list a `for` clause walks, and where it came from; errors go to the rule.
    fn for_list(&self, run: &mut RuleRun, k: usize, frame: &mut Frame) -> Option<TracedList> {
        let clause = run.rule.fors.get(k)?;
        match self.traced(&clause.collection, frame) {
            Ok((Value::List(items), trace)) => Some((items, trace)),
            Ok((other, _)) => {
                let err = self.fail(
                    &clause.collection,
                    format!(
                        "`{}` is {}, not a list",
                        self.text(&clause.collection),
                        crate::value::kind_name(&other)
                    ),
                );
                run.error(err);
                None
            }
            Err(e) => {
                run.error(e);
                None
            }
        }
    }

    /// Binds `for` clause `k` and everything after it, then checks the condition.
    fn walk(&self, run: &mut RuleRun, k: usize, frame: &mut Frame) {
        if k >= run.rule.fors.len() {
            self.decide(run, frame);
            return;
        }
        let Some((items, trace)) = self.for_list(run, k, frame) else {
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let Some(clause) = run.rule.fors.get(k) else {
                return;
            };
            let origin = trace.as_ref().map(|t| SlotOrigin {
                list: t.clone(),
                index: i,
            });
            frame.set(clause.slot, item.clone(), origin);
            self.filtered(run, k, frame);
        }
    }

    /// Clause `k` is bound: apply its filter, then go on with the next clause.
    fn filtered(&self, run: &mut RuleRun, k: usize, frame: &mut Frame) {
        let Some(clause) = run.rule.fors.get(k) else {
            return;
        };
        if let Some(w) = &clause.filter {
            match self.decision(w, frame) {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => {
                    run.error(e);
                    return;
                }
            }
        }
        self.walk(run, k + 1, frame);
    }

    /// Rules whose first clause walks the same list: one pass over it for all of them.
    fn walk_together(&self, runs: &mut [RuleRun], group: &[usize]) {
        let Some(&first) = group.first() else { return };
        // One frame for the group: each rule binds the element to its first slot and is done
        // with the frame before the next rule uses it, so the element is bound once.
        let slots = group
            .iter()
            .filter_map(|ri| runs.get(*ri))
            .map(|r| r.slots)
            .max()
            .unwrap_or(0);
        let mut frame = Frame::new(slots);
        let Some(lead) = runs.get_mut(first) else {
            return;
        };
        let listed = self.for_list(lead, 0, &mut frame);
        let Some((items, trace)) = listed else {
            // The list itself failed: every rule of the group reports it.
            let errors = lead.errors.clone();
            for &ri in group.iter().skip(1) {
                if let Some(run) = runs.get_mut(ri) {
                    for e in &errors {
                        run.error(e.clone());
                    }
                }
            }
            return;
        };
        let rules: Vec<&RuleDef> = group
            .iter()
            .filter_map(|ri| self.policy.rules.get(*ri))
            .collect();
        let plan = share::plan(&rules);
        let mut memo = share::Memo::new(&plan);
        for (i, item) in items.iter().enumerate() {
            let origin = trace.as_ref().map(|t| SlotOrigin {
                list: t.clone(),
                index: i,
            });
            let mut bound: Option<usize> = None;
            memo.clear();
            for (&ri, shared) in group.iter().zip(&plan.rules) {
                let Some(run) = runs.get_mut(ri) else {
                    continue;
                };
                let Some(slot) = run.rule.fors.first().map(|c| c.slot) else {
                    continue;
                };
                if bound != Some(slot) {
                    frame.set(slot, item.clone(), origin.clone());
                    bound = Some(slot);
                }
                // Nothing else writes a rule's first `for` slot: the checker gives it the bottom
                // of the rule's scope, and quantifiers and later clauses take slots above it.
                self.filtered_shared(run, shared, &mut memo, &mut frame);
            }
        }
    }

    /// [`Ctx::filtered`] for clause 0 of a rule in a group: the tests the group shares are
    /// answered from `memo`, and a rule of one `for` is decided here.
    fn filtered_shared(
        &self,
        run: &mut RuleRun,
        shared: &share::RulePlan,
        memo: &mut share::Memo,
        frame: &mut Frame,
    ) {
        let rule = run.rule;
        let Some(clause) = rule.fors.first() else {
            return;
        };
        if let Some(w) = &clause.filter {
            let tests = shared.filter.iter().copied().chain(std::iter::repeat(None));
            for (c, test) in share::conjuncts(w).iter().zip(tests) {
                match self.shared_truth(c, test, memo, frame) {
                    Ok(true) => {}
                    Ok(false) => return,
                    Err(e) => {
                        run.error(e);
                        return;
                    }
                }
            }
        }
        if rule.fors.len() == 1 {
            match self.shared_truth(&rule.condition, shared.condition, memo, frame) {
                Ok(holds) => self.conclude(run, frame, holds),
                Err(e) => run.error(e),
            }
        } else {
            self.walk(run, 1, frame);
        }
    }

    /// The truth of `e`, from `memo` when another rule of the group has decided the same test
    /// for this element. Errors are never shared: each rule reports its own.
    fn shared_truth(
        &self,
        e: &Expr,
        test: Option<usize>,
        memo: &mut share::Memo,
        frame: &mut Frame,
    ) -> Result<bool, EvalError> {
        if let Some(b) = test.and_then(|t| memo.get(t)) {
            return Ok(b);
        }
        let b = self.truth(e, frame)?;
        if let Some(t) = test {
            memo.set(t, b);
        }
        Ok(b)
    }

    fn decide(&self, run: &mut RuleRun, frame: &mut Frame) {
        match self.decision(&run.rule.condition, frame) {
            Ok(holds) => self.conclude(run, frame, holds),
            Err(e) => run.error(e),
        }
    }

    /// The rule's condition is decided (`holds`): record a finding if that makes it fire.
    fn conclude(&self, run: &mut RuleRun, frame: &mut Frame, holds: bool) {
        let RuleRun {
            rule,
            waivers,
            findings,
            errors,
            dropped,
            ..
        } = run;
        let rule = *rule;
        let mut error = |e: EvalError| push_error(errors, dropped, e);
        let fires = match rule.kind {
            CheckKind::Require => !holds,
            CheckKind::Forbid => holds,
        };
        if !fires {
            return;
        }
        let message = match &rule.message {
            Some(parts) => match self.render(parts, frame) {
                Ok(m) => m,
                Err(e) => {
                    error(e);
                    return;
                }
            },
            None => self.default_message(rule, frame),
        };
        let mut waived = None;
        for (w, is_active, matched) in waivers.iter_mut() {
            let hit = match &w.filter {
                None => true,
                Some(cond) => match self.decision(cond, frame) {
                    Ok(b) => b,
                    Err(e) => {
                        error(e);
                        continue;
                    }
                },
            };
            if hit {
                *matched = true;
                if *is_active && waived.is_none() {
                    waived = Some(Waived {
                        by: w.by.clone(),
                        because: w.because.clone(),
                        until: w.until,
                        span: w.span,
                    });
                }
            }
        }
        let witness: Vec<Witness> = rule
            .fors
            .iter()
            .map(|clause| Witness {
                name: clause.var.clone(),
                value: frame.slots.get(clause.slot).cloned().unwrap_or(Value::None),
                evidence: frame
                    .origins
                    .get(clause.slot)
                    .and_then(Option::as_ref)
                    .and_then(|o| self.evidence(&o.trace())),
            })
            .collect();
        let mut notes = license_notes(&witness);
        notes.extend(self.license_why(rule, frame));
        findings.push(Finding {
            rule: rule.name.clone(),
            level: rule.level,
            kind: FindingKind::Rule,
            message,
            span: rule.check_span,
            witness,
            waived,
            notes,
            audit: false,
        });
    }

    fn render(&self, parts: &[Part], frame: &mut Frame) -> Result<String, EvalError> {
        let mut out = String::new();
        for p in parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Expr(e) => {
                    let v = self.eval(e, frame)?;
                    let _ = write!(out, "{v}");
                }
            }
        }
        Ok(out)
    }

    fn evidence(&self, trace: &Trace) -> Option<Evidence> {
        /// Writes the pointer of `t` into `out` and returns its namespace.
        fn walk(t: &Trace, out: &mut String) -> usize {
            match t {
                Trace::Namespace(i) => *i,
                Trace::Field(base, name) => {
                    let i = walk(base, out);
                    out.push('/');
                    out.push_str(&pointer::escape(name));
                    i
                }
                Trace::Element(base, idx) => {
                    let i = walk(base, out);
                    let _ = write!(out, "/{idx}");
                    i
                }
            }
        }
        let mut pointer = String::new();
        let ns = walk(trace, &mut pointer);
        Some(Evidence {
            namespace: self.policy.namespaces.get(ns)?.clone(),
            pointer,
            origin: self.namespaces.get(ns).copied().flatten()?.origin.clone(),
        })
    }
}

/// Does a waiver until `until` run more than a calendar year past `today`? Waivers should be
/// reviewed at least yearly; `gate lint` warns by the same rule (`lint-waiver-horizon`).
pub fn waiver_too_long(today: Date, until: Date) -> bool {
    today
        .checked_add(jiff::Span::new().years(1))
        .is_ok_and(|limit| until > limit)
}

/// Is a waiver until `until` in force at `now`? Until the start of the next day, in the
/// policy's zone (the zone `now` carries).
fn active(until: Date, now: Option<&jiff::Zoned>) -> bool {
    let Some(now) = now else { return false };
    match until.tomorrow() {
        Ok(next) => match next.to_zoned(now.time_zone().clone()) {
            Ok(end) => now.timestamp() < end.timestamp(),
            Err(_) => false,
        },
        Err(_) => true,
    }
}

pub(crate) struct RuleRun<'r> {
    rule: &'r RuleDef,
    /// Each waiver of the rule: whether it is in force, and whether it matched a finding.
    waivers: Vec<(&'r crate::policy::ir::WaiverDef, bool, bool)>,
    findings: Vec<Finding>,
    errors: Vec<EvalError>,
    dropped: usize,
    /// Local slots the rule and its waivers need.
    slots: usize,
}

impl RuleRun<'_> {
    fn error(&mut self, e: EvalError) {
        push_error(&mut self.errors, &mut self.dropped, e);
    }
}

/// Keeps the first few distinct errors of a rule and counts the rest.
fn push_error(errors: &mut Vec<EvalError>, dropped: &mut usize, e: EvalError) {
    if errors.contains(&e) {
        return;
    }
    if errors.len() < MAX_ERRORS_PER_RULE {
        errors.push(e);
    } else {
        *dropped += 1;
    }
}

/// Notes of the licenses among the witness values and their fields: a deprecated id read as its
/// current name is said in the report, as the contract asks.
fn license_notes(witness: &[Witness]) -> Vec<String> {
    let mut notes: Vec<String> = Vec::new();
    let mut add = |v: &Value| {
        if let Value::License(l) = v {
            for n in l.notes() {
                if !notes.contains(n) {
                    notes.push(n.clone());
                }
            }
        }
    };
    for w in witness {
        add(&w.value);
        if let Value::Record(r) = &w.value {
            for (_, v) in &r.fields {
                add(v);
            }
        }
    }
    notes
}

/// Groups of rules, in rule order, that can walk their first list together: the same fact path
/// (a namespace and fields, no bindings) in their first `for`. Other rules stand alone.
fn fused_groups(policy: &Policy) -> Vec<Vec<usize>> {
    fn key(e: &Expr) -> Option<String> {
        match &e.node {
            crate::policy::ir::Node::Namespace(i) => Some(format!("#{i}")),
            crate::policy::ir::Node::Field(base, name, _) => {
                key(base).map(|k| format!("{k}.{name}"))
            }
            _ => None,
        }
    }
    let mut groups: Vec<(Option<String>, Vec<usize>)> = Vec::new();
    for (ri, rule) in policy.rules.iter().enumerate() {
        let k = rule.fors.first().and_then(|f| key(&f.collection));
        match k
            .as_ref()
            .and_then(|k| groups.iter_mut().find(|(g, _)| g.as_ref() == Some(k)))
        {
            Some((_, members)) => members.push(ri),
            None => groups.push((k, vec![ri])),
        }
    }
    groups.into_iter().map(|(_, members)| members).collect()
}

#[cfg(test)]
mod tests {
    use super::FindingKind;

    /// The JSON report (serde) and the other formats (`name`) spell each kind alike.
    #[test]
    fn finding_kinds_are_named_alike_everywhere() {
        for k in FindingKind::ALL {
            assert_eq!(
                serde_json::to_value(k).ok(),
                Some(serde_json::Value::String(k.name().into()))
            );
            assert_eq!(FindingKind::parse(k.name()), Some(k));
        }
    }
}

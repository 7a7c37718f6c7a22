//! Coverage of a test run, over every policy file the suites reach.
//!
//! - A rule is covered when some test saw it **fire** (a finding) and some test saw it **pass**
//!   (evaluated with no finding and no error).
//! - A branch is an operand of the top-level `and`/`or` of a `require`/`forbid` condition, of a
//!   `for … where` filter or of a waiver's `where` (or the whole expression when it has none); it
//!   is covered when it was evaluated both true and false.
//!
//! Rules and branches are keyed by file name and place, so a rule of `licenses.gate` is the same
//! rule whether a suite reaches it through `release.gate` or directly.

use crate::eval::{Coverage, FindingKind, Outcome, branches};
use crate::policy::ir::{Expr, Node, Policy, RuleDef};
use crate::span::{Location, SourceMap, Span};
use std::collections::BTreeMap;

#[derive(Clone, Debug, serde::Serialize)]
pub struct RuleCoverage {
    pub rule: String,
    pub location: Location,
    pub fired: bool,
    pub passed: bool,
    pub branches: Vec<BranchCoverage>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct BranchCoverage {
    /// `condition`, `filter of for pkg`, `waiver`.
    pub decision: String,
    /// The branch's text, on one line.
    pub text: String,
    pub location: Location,
    #[serde(rename = "true")]
    pub seen_true: bool,
    #[serde(rename = "false")]
    pub seen_false: bool,
}

impl BranchCoverage {
    pub fn covered(&self) -> bool {
        self.seen_true && self.seen_false
    }
}

/// Counts: outcomes seen out of outcomes possible (two per rule, two per branch).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    pub rules: usize,
    pub rules_covered: usize,
    pub branches: usize,
    pub branches_covered: usize,
    pub outcomes: usize,
    pub outcomes_seen: usize,
}

impl Tally {
    /// The share of outcomes seen, in percent (100 when there is nothing to cover).
    pub fn percent(&self) -> f64 {
        if self.outcomes == 0 {
            100.0
        } else {
            // Counts of rules and branches are far below 2^52: exact as f64.
            #[allow(clippy::cast_precision_loss)]
            let p = self.outcomes_seen as f64 * 100.0 / self.outcomes as f64;
            p
        }
    }
}

/// What the suites covered, accumulated test by test.
#[derive(Debug, Default)]
pub struct Tracker {
    /// By (file, offset of the rule).
    rules: BTreeMap<(String, u32), RuleCoverage>,
}

fn key(span: Span, sources: &SourceMap) -> (String, u32) {
    (sources.name(span.file).to_string(), span.start)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Tracker {
    fn entry(&mut self, rule: &RuleDef, sources: &SourceMap) -> &mut RuleCoverage {
        self.rules
            .entry(key(rule.span, sources))
            .or_insert_with(|| RuleCoverage {
                rule: rule.name.clone(),
                location: sources.locate(rule.span),
                fired: false,
                passed: false,
                branches: Vec::new(),
            })
    }

    /// Registers a policy's rules and branches and what `cov` saw of them.
    pub fn add_policy(&mut self, policy: &Policy, cov: &Coverage, sources: &SourceMap) {
        for rule in &policy.rules {
            let entry = self.entry(rule, sources);
            let mut decisions: Vec<(String, &Expr)> = Vec::new();
            for clause in &rule.fors {
                if let Some(f) = &clause.filter {
                    decisions.push((format!("filter of `for {}`", clause.var), f));
                }
            }
            decisions.push(("condition".into(), &rule.condition));
            for w in policy.waivers.iter().filter(|w| {
                policy
                    .rules
                    .get(w.rule)
                    .is_some_and(|r| std::ptr::eq(r, rule))
            }) {
                if let Some(f) = &w.filter {
                    decisions.push(("waiver".into(), f));
                }
            }
            for (decision, e) in decisions {
                // A constant (`forbid true`) has one outcome only: nothing to cover.
                for b in branches(e)
                    .iter()
                    .filter(|b| !matches!(b.node, Node::Const(_)))
                {
                    let (t, f) = cov.seen(b.span);
                    let location = sources.locate(b.span);
                    match entry
                        .branches
                        .iter_mut()
                        .find(|x| x.location == location && x.decision == decision)
                    {
                        Some(x) => {
                            x.seen_true |= t;
                            x.seen_false |= f;
                        }
                        None => entry.branches.push(BranchCoverage {
                            decision: decision.clone(),
                            text: one_line(sources.slice(b.span)),
                            location,
                            seen_true: t,
                            seen_false: f,
                        }),
                    }
                }
            }
        }
    }

    /// Records which rules fired and which passed in one evaluated test.
    pub fn add_outcome(&mut self, policy: &Policy, outcome: &Outcome, sources: &SourceMap) {
        for rule in &policy.rules {
            let entry = self.entry(rule, sources);
            let fired = outcome
                .findings
                .iter()
                .any(|f| f.kind == FindingKind::Rule && f.rule == rule.name);
            // A rule that failed neither fired nor passed.
            let failed = outcome.failed.contains(&rule.name);
            if fired {
                entry.fired = true;
            } else if !failed {
                entry.passed = true;
            }
        }
    }

    pub fn rules(&self) -> impl Iterator<Item = &RuleCoverage> {
        self.rules.values()
    }

    pub fn tally(&self) -> Tally {
        let mut t = Tally::default();
        for r in self.rules.values() {
            t.rules += 1;
            t.rules_covered += usize::from(r.fired && r.passed);
            t.outcomes += 2;
            t.outcomes_seen += usize::from(r.fired) + usize::from(r.passed);
            for b in &r.branches {
                t.branches += 1;
                t.branches_covered += usize::from(b.covered());
                t.outcomes += 2;
                t.outcomes_seen += usize::from(b.seen_true) + usize::from(b.seen_false);
            }
        }
        t
    }
}

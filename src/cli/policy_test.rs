//! `gate test [PATH]...`: runs the policy tests kept beside the policies (`*.test.toml`). This
//! side reads the files, mounts the facts and evaluates; `gate::testing` parses, judges and
//! renders.

use super::args::{TestArgs, TestFormat};
use super::{FsReader, eprint, out, use_color};
use gate::diag::{Diagnostic, render};
use gate::eval::{Coverage, Outcome, Verdict, evaluate, evaluate_covered};
use gate::facts::{self, Facts, Namespace, Origin, clock};
use gate::policy::check::{Available, check};
use gate::policy::ir::Policy;
use gate::policy::load::{Loaded, load, normalize};
use gate::report::Problem;
use gate::span::{SourceFile, SourceMap, Span};
use gate::testing::coverage::Tracker;
use gate::testing::render::{self, Status, SuiteResult, TestResult};
use gate::testing::{self, FactSource, TestCase};
use std::collections::{BTreeSet, HashMap};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Test files are at most this large.
const MAX_TEST_FILE: u64 = 16 << 20;

/// A policy the suites test: loaded and checked once, re-checked per set of namespaces.
struct LoadedPolicy {
    loaded: Loaded,
    policy: Policy,
    /// Checked against exactly the namespaces a test mounts, as `gate check` does.
    by_namespaces: HashMap<BTreeSet<String>, Rc<(Policy, Vec<Diagnostic>)>>,
    coverage: Coverage,
}

/// A mounted namespace and its notes, or why it could not be mounted.
type Mounted = Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>>;

struct Runner {
    sources: SourceMap,
    policies: HashMap<PathBuf, Result<usize, Vec<Diagnostic>>>,
    loaded: Vec<LoadedPolicy>,
    /// Fact files mounted once for every test that names them.
    mounted: HashMap<(String, PathBuf), Mounted>,
    covering: bool,
    tracker: Tracker,
    /// Every diagnostic of the run, rendered on standard error at the end.
    diagnostics: Vec<Diagnostic>,
}

pub fn run(a: TestArgs) -> u8 {
    if let Some(m) = a.min_coverage
        && !(0.0..=100.0).contains(&m)
    {
        eprint(&format!(
            "error: `--min-coverage {m}` is not a percentage: give a number from 0 to 100\n"
        ));
        return 2;
    }
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        a.paths.clone()
    };
    let mut files = Vec::new();
    for p in &paths {
        if let Err(m) = super::walk::find(p, ".test.toml", &normalize, &mut files) {
            eprint(&format!("error: {m}\n"));
            return 2;
        }
    }
    if files.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        eprint(&format!(
            "error: no policy tests (`*.test.toml`) under {}\n  help: a test file sits beside its policy: `policies/release.test.toml`\n",
            shown.join(", ")
        ));
        return 2;
    }
    let mut runner = Runner {
        sources: SourceMap::default(),
        policies: HashMap::new(),
        loaded: Vec::new(),
        mounted: HashMap::new(),
        covering: a.coverage || a.min_coverage.is_some(),
        tracker: Tracker::default(),
        diagnostics: Vec::new(),
    };
    let results: Vec<SuiteResult> = files.iter().map(|f| runner.suite(f)).collect();
    if runner.covering {
        for p in &runner.loaded {
            runner
                .tracker
                .add_policy(&p.policy, &p.coverage, &runner.sources);
        }
    }
    let color = use_color(a.color, std::io::stderr().is_terminal());
    if !runner.diagnostics.is_empty() {
        eprint(&render(&runner.diagnostics, &runner.sources, color));
    }
    let totals = render::totals(&results);
    let tally = runner.tracker.tally();
    let below = a
        .min_coverage
        .filter(|m| runner.covering && tally.percent() < *m);
    let mut human = render::human(&results);
    if a.coverage {
        human.push_str(&render::coverage(&runner.tracker));
    } else if runner.covering {
        human.push_str(&format!("\ncoverage: {}\n", render::summary(&tally)));
    }
    if let Some(m) = below {
        human.push_str(&format!(
            "\ncoverage {:.1}% is below the minimum of {m}% (`--min-coverage`)\n",
            tally.percent()
        ));
    }
    let tracker = runner.covering.then_some(&runner.tracker);
    let written = match (a.format, a.output.as_deref()) {
        (TestFormat::Human, output) => out(&human, output),
        (TestFormat::Json, output) => {
            let text = render::json(&results, tracker);
            if output.is_some() {
                out(&text, output).and_then(|()| out(&human, None))
            } else {
                out(&text, None)
            }
        }
        (TestFormat::Junit, output) => {
            let text = render::junit(&results);
            if output.is_some() {
                out(&text, output).and_then(|()| out(&human, None))
            } else {
                out(&text, None)
            }
        }
    };
    if let Err(e) = written {
        eprint(&format!("error: {e}\n"));
        return 2;
    }
    if totals.errors > 0 {
        2
    } else if totals.failed > 0 || below.is_some() {
        1
    } else {
        0
    }
}

fn problems(diags: &[Diagnostic], sources: &SourceMap) -> Vec<Problem> {
    diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| Problem::from_diagnostic(d, sources))
        .collect()
}

impl Runner {
    fn suite(&mut self, path: &Path) -> SuiteResult {
        let shown = path.display().to_string();
        let mut result = SuiteResult {
            file: shown.clone(),
            policy: String::new(),
            tests: Vec::new(),
            errors: Vec::new(),
        };
        let text = match read_text(path) {
            Ok(t) => t,
            Err(m) => {
                let d = Diagnostic::error(
                    "test-unreadable",
                    format!("cannot read the test file `{shown}`: {m}"),
                );
                result.errors = problems(std::slice::from_ref(&d), &self.sources);
                self.diagnostics.push(d);
                return result;
            }
        };
        let file = self
            .sources
            .add(SourceFile::new(shown.clone(), text.as_str()));
        let suite = match testing::parse_suite(file, &text) {
            Ok(s) => s,
            Err(diags) => {
                result.errors = problems(&diags, &self.sources);
                self.diagnostics.extend(diags);
                return result;
            }
        };
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let policy_path = normalize(&dir.join(&suite.policy));
        result.policy = policy_path.display().to_string();
        let index = match self.policy(&policy_path, suite.policy_span) {
            Ok(i) => i,
            Err(diags) => {
                result.errors = problems(&diags, &self.sources);
                self.diagnostics.extend(diags);
                return result;
            }
        };
        let unknown = self
            .loaded
            .get(index)
            .map(|p| testing::check_rules(&suite, &p.policy))
            .unwrap_or_default();
        if !unknown.is_empty() {
            result.errors = problems(&unknown, &self.sources);
            self.diagnostics.extend(unknown);
            return result;
        }
        for case in &suite.tests {
            let r = self.test(case, &dir, index);
            result.tests.push(r);
        }
        result
    }

    /// Loads and checks a policy once; its problems are the suite's, pointed at from the
    /// test file.
    fn policy(&mut self, path: &Path, named_at: Span) -> Result<usize, Vec<Diagnostic>> {
        if let Some(r) = self.policies.get(path) {
            return r.clone();
        }
        let (loaded, mut diags) = load(path, &FsReader, &mut self.sources);
        let (policy, mut check_diags) = check(&loaded, &self.sources, &Available::Everything);
        diags.append(&mut check_diags);
        let r = if diags.iter().any(Diagnostic::is_error) {
            for d in &mut diags {
                if d.primary.is_none() {
                    *d = d.clone().at(named_at, "the policy of these tests");
                }
            }
            Err(diags)
        } else {
            self.loaded.push(LoadedPolicy {
                loaded,
                policy,
                by_namespaces: HashMap::new(),
                coverage: Coverage::new(),
            });
            Ok(self.loaded.len() - 1)
        };
        self.policies.insert(path.to_path_buf(), r.clone());
        r
    }

    fn test(&mut self, case: &TestCase, dir: &Path, index: usize) -> TestResult {
        let location = self.sources.locate(case.span);
        let mut facts = Facts::default();
        let mut errors = Vec::new();
        let mut notes = Vec::new();
        for spec in &case.facts {
            let made = match &spec.source {
                FactSource::File(p) => self.mount(&spec.name, &normalize(&dir.join(p)), spec.span),
                FactSource::Inline(inline) => {
                    testing::inline_namespace(&spec.name, inline, spec.span)
                }
            };
            match made {
                Ok((ns, mut n)) => {
                    facts.insert(spec.name.clone(), ns);
                    notes.append(&mut n);
                }
                Err(mut d) => errors.append(&mut d),
            }
        }
        if !errors.is_empty() {
            let status = Status::Error {
                errors: problems(&errors, &self.sources),
            };
            // A broken file named by several tests is shown once.
            for d in errors {
                if !self.diagnostics.contains(&d) {
                    self.diagnostics.push(d);
                }
            }
            return TestResult {
                name: case.name.clone(),
                location,
                status,
            };
        }
        let now = case.now.to_zoned(case.tz.clone());
        facts.insert(
            "clock",
            Namespace {
                value: clock::facts(&now, &case.zone),
                origin: Origin::Builtin("the test's `now`"),
            },
        );
        let outcome = self.evaluate(index, &facts, notes);
        let differences = testing::judge(&case.expect, &outcome, &self.sources);
        TestResult {
            name: case.name.clone(),
            location,
            status: if differences.is_empty() {
                Status::Ok
            } else {
                Status::Failed { differences }
            },
        }
    }

    /// What `gate check` would decide over these facts: checked against exactly the
    /// namespaces mounted (a namespace that is not there is a located error), then evaluated.
    fn evaluate(&mut self, index: usize, facts: &Facts, notes: Vec<Diagnostic>) -> Outcome {
        let Some(p) = self.loaded.get_mut(index) else {
            return Outcome {
                verdict: Verdict::Error,
                findings: Vec::new(),
                errors: notes,
                rules: 0,
                failed: Vec::new(),
            };
        };
        let available: BTreeSet<String> = facts.namespaces.keys().cloned().collect();
        let sources = &self.sources;
        let checked = p
            .by_namespaces
            .entry(available.clone())
            .or_insert_with(|| Rc::new(check(&p.loaded, sources, &Available::Only(available))))
            .clone();
        let (policy, check_diags) = &*checked;
        let mut problems = notes;
        problems.extend(check_diags.iter().cloned());
        if problems.iter().any(Diagnostic::is_error) {
            return Outcome {
                verdict: Verdict::Error,
                findings: Vec::new(),
                errors: problems,
                rules: policy.rules.len(),
                failed: Vec::new(),
            };
        }
        let outcome = if self.covering {
            evaluate_covered(policy, facts, sources, problems, &p.coverage)
        } else {
            evaluate(policy, facts, sources, problems)
        };
        if self.covering {
            self.tracker.add_outcome(policy, &outcome, sources);
        }
        outcome
    }

    /// `facts = { NAME = "file.json" }`: mounted like `--facts NAME=PATH`, once per file.
    fn mount(&mut self, name: &str, path: &Path, named_at: Span) -> Mounted {
        let key = (name.to_string(), path.to_path_buf());
        if let Some(r) = self.mounted.get(&key) {
            return r.clone();
        }
        let r = facts::mount(name, path, &mut self.sources).map_err(|diags| {
            diags
                .into_iter()
                .map(|d| {
                    if d.primary.is_none() {
                        d.at(named_at, "named here")
                            .help("paths of fact files are relative to the test file")
                    } else {
                        d.also(named_at, "named here")
                    }
                })
                .collect::<Vec<_>>()
        });
        self.mounted.insert(key, r.clone());
        r
    }
}

fn read_text(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| gate::diag::io_reason(&e))?;
    if meta.len() > MAX_TEST_FILE {
        return Err(format!(
            "it is {} bytes; test files are at most 16 MiB",
            meta.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| gate::diag::io_reason(&e))?;
    String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())
}

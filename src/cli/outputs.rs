//! `--output`: where reports go. `--output FILE` writes the report in `--format` to FILE;
//! `--output FORMAT=FILE`, repeatable, writes FORMAT to FILE as well — every format from the one
//! evaluation.

use super::args::{CheckFormat as Format, RunArgs};
use super::{Decided, Output};
use gate::eval::{Outcome, Verdict};
use gate::report::{self, Report, ci::RuleInfo};
use std::path::{Path, PathBuf};

/// One `--output` argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutputSpec {
    /// `--output FILE`: the report in `--format`.
    Path(PathBuf),
    /// `--output FORMAT=FILE`.
    To(Format, PathBuf),
}

/// Every format by its name on the command line.
pub const FORMATS: [(&str, Format); 7] = [
    ("json", Format::Json),
    ("human", Format::Human),
    ("sarif", Format::Sarif),
    ("junit", Format::Junit),
    ("markdown", Format::Markdown),
    ("github", Format::Github),
    ("gitlab", Format::Gitlab),
];

fn format_named(name: &str) -> Option<Format> {
    FORMATS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

fn names() -> String {
    FORMATS.map(|(n, _)| n).join(", ")
}

/// Parses an `--output` argument; clap quotes the argument before the message.
pub fn parse(spec: &str) -> Result<OutputSpec, String> {
    if spec.is_empty() {
        return Err("the file is missing: write `--output FILE` or `--output FORMAT=FILE`".into());
    }
    if let Some((left, right)) = spec.split_once('=') {
        if let Some(format) = format_named(left) {
            if right.is_empty() {
                return Err(format!(
                    "the file after `{left}=` is missing: write `--output {left}=FILE`"
                ));
            }
            let path = PathBuf::from(right);
            writable(&path)?;
            return Ok(OutputSpec::To(format, path));
        }
        let word = !left.is_empty()
            && left
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if word || left.is_empty() {
            let lower = left.to_ascii_lowercase();
            let hint = gate::diag::suggestion(&lower, FORMATS.map(|(n, _)| n))
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            return Err(format!(
                "`{left}` before `=` is not an output format{hint}; the formats are {} (for a file whose name has `=`, write `./{spec}`)",
                names()
            ));
        }
    }
    // A bare path keeps its old meaning and behaviour: a place that cannot be written is found
    // when the report is written (`cannot write the report to …`, exit 2).
    Ok(OutputSpec::Path(PathBuf::from(spec)))
}

/// A report can be written at `path`: its folder exists and it is not itself a folder.
fn writable(path: &Path) -> Result<(), String> {
    if path.is_dir() {
        return Err(format!(
            "`{}` is a folder: name a file in it",
            path.display()
        ));
    }
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
        && !parent.is_dir()
    {
        return Err(format!(
            "the folder `{}` does not exist: create it first, or write the file elsewhere",
            parent.display()
        ));
    }
    Ok(())
}

/// The report file (`--output FILE`, at most one), the extra outputs, and a conflict between
/// them (two reports written to one file) as a usage message.
pub fn split(specs: &[OutputSpec]) -> (Option<&Path>, Vec<(Format, &Path)>, Option<String>) {
    let mut primary: Option<&Path> = None;
    let mut extra: Vec<(Format, &Path)> = Vec::new();
    let mut conflict = None;
    let mut files: Vec<&Path> = Vec::new();
    for s in specs {
        let file = match s {
            OutputSpec::Path(p) => {
                if let Some(first) = primary {
                    conflict.get_or_insert(format!(
                        "`--output {}` and `--output {}` both name the report's file: give one, and other formats as `--output FORMAT=FILE`",
                        first.display(),
                        p.display()
                    ));
                }
                primary = Some(p);
                p.as_path()
            }
            OutputSpec::To(f, p) => {
                extra.push((*f, p));
                p.as_path()
            }
        };
        if files.contains(&file) && !is_device(file) {
            conflict.get_or_insert(format!(
                "`{}` is named by two `--output`s: each report needs its own file",
                file.display()
            ));
        }
        files.push(file);
    }
    (primary, extra, conflict)
}

/// `/dev/null`, `/dev/stderr`: several reports may go there.
fn is_device(p: &Path) -> bool {
    p.starts_with("/dev")
}

impl RunArgs {
    pub(super) fn output_args(&self) -> Output<'_> {
        let (output, extra, conflict) = split(&self.output);
        Output {
            format: self.format,
            output,
            extra,
            conflict,
            color: self.color,
            quiet: self.quiet,
        }
    }
}

/// A report in one of the formats that need nothing but the report (all but `human`).
pub fn render(
    format: Format,
    rep: &Report,
    rules: &[RuleInfo],
    human: &dyn Fn() -> String,
) -> String {
    match format {
        Format::Json => report::json(rep),
        Format::Human => human(),
        Format::Sarif => report::sarif::render(rep, rules),
        Format::Junit => report::junit::render(rep, rules),
        Format::Markdown => report::markdown::render(rep, report::markdown::STEP_SUMMARY_LIMIT),
        Format::Github => report::github::render(rep, report::github::PER_KIND),
        Format::Gitlab => report::gitlab::render(rep),
    }
}

/// Renders and writes the `--output FORMAT=FILE`s, in parallel (each format is a pure function
/// of the one report); says what could not be written. True when something failed.
pub fn write_all(
    extra: &[(Format, &Path)],
    rep: &Report,
    rules: &[RuleInfo],
    human: &(dyn Fn() -> String + Sync),
) -> bool {
    use rayon::prelude::*;
    let errors: Vec<String> = extra
        .par_iter()
        .filter_map(|(format, path)| {
            let text = render(*format, rep, rules, human);
            super::out(&text, Some(path)).err()
        })
        .collect();
    for e in &errors {
        super::eprint(&format!("error: {e}\n"));
    }
    !errors.is_empty()
}

/// A bad combination of `--output`s, refused as a usage error: on standard error like the
/// command line's other mistakes, or as the report in a machine format asked for (one JSON
/// object for `--format json`).
pub fn refuse(message: &str, o: &Output) -> u8 {
    if o.format == Format::Human {
        super::eprint(&format!("error: {message}\n"));
        return 2;
    }
    let outcome = Outcome {
        verdict: Verdict::Error,
        findings: Vec::new(),
        errors: vec![
            gate::diag::Diagnostic::error("usage", message.to_string())
                .help("run `gate check --help`"),
        ],
        rules: 0,
        failed: Vec::new(),
    };
    let plain = Output {
        format: o.format,
        output: None,
        extra: Vec::new(),
        conflict: None,
        color: o.color,
        quiet: false,
    };
    super::report_decision(
        Decided {
            sources: gate::span::SourceMap::default(),
            facts: gate::facts::Facts::default(),
            policy: None,
            policy_info: None,
            docs: Vec::new(),
            outcome,
            clock: None,
            stage: None,
        },
        &plain,
    );
    2
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert_eq!(
            parse("sarif=gate.sarif"),
            Ok(OutputSpec::To(Format::Sarif, "gate.sarif".into()))
        );
        assert_eq!(
            parse("report.txt"),
            Ok(OutputSpec::Path("report.txt".into()))
        );
        assert_eq!(
            parse("./a=b.json"),
            Ok(OutputSpec::Path("./a=b.json".into()))
        );
        let e = parse("sarf=x.sarif").unwrap_err();
        assert!(e.contains("did you mean `sarif`?"), "{e}");
        assert!(parse("json=").unwrap_err().contains("missing"));
        assert!(
            parse("junit=no/such/folder/x.xml")
                .unwrap_err()
                .contains("`no/such/folder`")
        );
    }
}

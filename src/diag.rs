//! One error story for the whole run: every problem is a [`Diagnostic`] with a stable code, a
//! lowercase message, a labelled span and help. They are collected, never thrown one at a time,
//! and rendered by miette for people or as JSON for machines.

use crate::span::{Location, SourceMap, Span};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt;

/// A labelled place in a source.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// How bad a diagnostic is. Only errors change the verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A problem found while loading, checking or evaluating a policy or reading facts.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Stable kebab-case code, e.g. `syntax`, `unknown-name`, `type-mismatch`.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub primary: Option<Label>,
    /// Other places that explain the problem (the first definition of a duplicate, say).
    pub secondary: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.primary = Some(Label {
            span,
            text: label.into(),
        });
        self
    }

    pub fn also(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            text: label.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn location(&self, sources: &SourceMap) -> Option<Location> {
        self.primary.as_ref().map(|l| sources.locate(l.span))
    }
}

/// A diagnostic bound to its source text, in the shape miette renders.
struct Rendered {
    diag: Diagnostic,
    source: Option<NamedSource<Text>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Rendered>,
}

impl fmt::Debug for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        if self.diag.code == RELATED {
            return None;
        }
        Some(Box::new(format!("gate::{}", self.diag.code)))
    }
    fn severity(&self) -> Option<miette::Severity> {
        // A label in another file is shown as advice beside the diagnostic it belongs to.
        if self.diag.code == RELATED {
            return Some(miette::Severity::Advice);
        }
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h.as_str()) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

fn named_source(sources: &SourceMap, span: Span) -> Option<NamedSource<Text>> {
    sources.get(span.file).map(|f| {
        NamedSource::new(
            f.name.clone(),
            Text {
                text: f.text.to_string(),
                first_line: f.first_line,
            },
        )
    })
}

/// A source's text for miette, numbered from its first line (an excerpt of a streamed file
/// starts deep inside it).
struct Text {
    text: String,
    first_line: usize,
}

impl miette::SourceCode for Text {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        Ok(Box::new(miette::MietteSpanContents::new(
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line - 1,
            inner.column(),
            inner.line_count(),
        )))
    }
}

fn labeled(label: &Label, primary: bool) -> LabeledSpan {
    let range = label.span.range();
    let text = (!label.text.is_empty()).then(|| label.text.clone());
    if primary {
        LabeledSpan::new_primary_with_span(text, range)
    } else {
        LabeledSpan::new_with_span(text, range)
    }
}

fn bind(diag: &Diagnostic, sources: &SourceMap) -> Rendered {
    let Some(primary) = &diag.primary else {
        return Rendered {
            diag: diag.clone(),
            source: None,
            labels: Vec::new(),
            related: Vec::new(),
        };
    };
    let mut labels = vec![labeled(primary, true)];
    let mut related = Vec::new();
    for other in &diag.secondary {
        if other.span.file == primary.span.file {
            labels.push(labeled(other, false));
        } else {
            // miette shows one source per diagnostic: a label in another file becomes an advice.
            related.push(Rendered {
                diag: note(other, sources),
                source: named_source(sources, other.span),
                labels: vec![labeled(other, true)],
                related: Vec::new(),
            });
        }
    }
    Rendered {
        diag: diag.clone(),
        source: named_source(sources, primary.span),
        labels,
        related,
    }
}

/// The code of a secondary label rendered on its own.
const RELATED: &str = "related";

/// A secondary label in another file, rendered as its own advice.
fn note(label: &Label, sources: &SourceMap) -> Diagnostic {
    let loc = sources.locate(label.span);
    Diagnostic {
        code: RELATED,
        severity: Severity::Warning,
        message: format!("{} ({loc})", label.text),
        primary: None,
        secondary: Vec::new(),
        help: None,
    }
}

/// Renders diagnostics for a terminal or a log, in the order given.
pub fn render(diags: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    for (i, diag) in diags.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let rendered = bind(diag, sources);
        if handler.render_report(&mut out, &rendered).is_err() {
            out.push_str(&diag.message);
            out.push('\n');
        }
    }
    out
}

/// What a JSON syntax error says, without serde_json's "at line L column C": gate locates it
/// itself, in the file's own terms.
pub fn serde_reason(e: &serde_json::Error) -> String {
    let m = e.to_string();
    m.split(" at line ").next().unwrap_or(&m).to_string()
}

/// "did you mean" help: the closest candidate by edit distance, when it is close enough.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(wanted, c), c))
        .filter(|(d, c)| *d <= (wanted.len().max(c.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `did you mean `x`?` or nothing.
pub fn suggestion<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    did_you_mean(wanted, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// `maxErrorRate` → `max_error_rate`, for "names are snake_case" help.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

/// An I/O error as a lowercase reason, without the OS error number.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a directory".into(),
        std::io::ErrorKind::InvalidData => "it is not UTF-8 text".into(),
        _ => {
            let text = e.to_string().to_lowercase();
            match text.find(" (os error") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        }
    }
}

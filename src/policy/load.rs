//! Step 2: a root file and every file it `use`s, each parsed once. Files are read through a
//! [`Reader`] the caller provides; this module does no I/O of its own.

use super::ast::{Item, Module};
use super::parser::parse_module;
use crate::diag::Diagnostic;
use crate::span::{SourceFile, SourceMap, Span};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// Reads policy files for [`load`].
pub trait Reader {
    /// The file's text and a key that is the same for every path to the same file (a canonical
    /// path, say).
    fn read(&self, path: &Path) -> Result<(String, String), ReadError>;
}

/// Why a policy file could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadError {
    /// A lowercase sentence: "no such file", "it is a directory", ….
    pub message: String,
    /// For a file that is not UTF-8: its text read lossily and the offset of the first bad
    /// byte, so the error can point at it.
    pub not_utf8: Option<(String, usize)>,
}

impl From<String> for ReadError {
    fn from(message: String) -> ReadError {
        ReadError {
            message,
            not_utf8: None,
        }
    }
}

impl From<&str> for ReadError {
    fn from(message: &str) -> ReadError {
        ReadError::from(message.to_string())
    }
}

/// The diagnostic for a file that could not be read, located when the file is not UTF-8.
fn unreadable(
    code: &'static str,
    message: String,
    error: ReadError,
    path: &Path,
    sources: &mut SourceMap,
    used_at: Option<Span>,
) -> Diagnostic {
    let mut d = Diagnostic::error(code, message);
    if let Some((text, at)) = error.not_utf8 {
        let file = sources.add(SourceFile::new(path.display().to_string(), text));
        d = d
            .at(
                Span::new(file, at..at + char::REPLACEMENT_CHARACTER.len_utf8()),
                "not UTF-8",
            )
            .help("policy files are UTF-8 text; re-save the file as UTF-8");
        if let Some(used) = used_at {
            d = d.also(used, "used here");
        }
    } else if let Some(used) = used_at {
        d = d
            .at(used, "used here")
            .help("paths are resolved relative to the file that says `use`");
    } else {
        d = d.help("give the path of a `.gate` file");
    }
    d
}

/// Every module of a policy, and its items in evaluation order: a `use`d file's items stand
/// where the `use` does, so findings follow the order in which a reader meets the rules.
#[derive(Debug, Default)]
pub struct Loaded {
    pub modules: Vec<Module>,
    /// (module index, item index) in order.
    pub order: Vec<(usize, usize)>,
    pub root: Option<usize>,
    /// Names of rules and lets whose items did not parse: the checker stays quiet about
    /// references to them, so one syntax error is reported once.
    pub broken: std::collections::HashSet<String>,
}

impl Loaded {
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.order
            .iter()
            .filter_map(|(m, i)| self.modules.get(*m).and_then(|m| m.items.get(*i)))
    }
}

/// Joins without touching the disk: `a/b/../c.gate` → `a/c.gate`.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let at_parent = matches!(
                    out.components().next_back(),
                    None | Some(Component::ParentDir)
                );
                if at_parent {
                    out.push("..");
                } else {
                    out.pop();
                }
            }
            other => out.push(other),
        }
    }
    out
}

struct State<'r> {
    reader: &'r dyn Reader,
    sources: &'r mut SourceMap,
    diags: Vec<Diagnostic>,
    loaded: Loaded,
    /// canonical key → module index
    by_key: HashMap<String, usize>,
    /// Modules being loaded, for cycle detection: (key, the `use` that entered it).
    stack: Vec<(String, Option<Span>)>,
}

/// Loads `root` and everything it uses. Syntax errors, missing files and cycles are diagnostics;
/// whatever did load is returned so the checker can report its problems in the same run.
pub fn load(
    root: &Path,
    reader: &dyn Reader,
    sources: &mut SourceMap,
) -> (Loaded, Vec<Diagnostic>) {
    let mut st = State {
        reader,
        sources,
        diags: Vec::new(),
        loaded: Loaded::default(),
        by_key: HashMap::new(),
        stack: Vec::new(),
    };
    match reader.read(root) {
        Ok((text, key)) => {
            let m = visit(&mut st, root, text, key, None);
            st.loaded.root = Some(m);
        }
        Err(why) => {
            let message = format!(
                "cannot read the policy `{}`: {}",
                root.display(),
                why.message
            );
            let d = unreadable("policy-unreadable", message, why, root, st.sources, None);
            st.diags.push(d);
        }
    }
    (st.loaded, st.diags)
}

fn visit(st: &mut State, path: &Path, text: String, key: String, via: Option<Span>) -> usize {
    let file = st
        .sources
        .add(SourceFile::new(path.display().to_string(), text.as_str()));
    let (module, diags) = parse_module(file, &text);
    if !diags.is_empty() {
        st.loaded.broken.extend(unparsed_names(&text, &module));
    }
    st.diags.extend(diags);
    let index = st.loaded.modules.len();
    st.by_key.insert(key.clone(), index);
    st.stack.push((key, via));
    let uses: Vec<(usize, String, Span)> = module
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| match item {
            Item::Use(u) => Some((i, u.path.value.clone(), u.path.span)),
            _ => None,
        })
        .collect();
    let item_count = module.items.len();
    st.loaded.modules.push(module);
    let mut next_use = uses.into_iter().peekable();
    for i in 0..item_count {
        match next_use.peek() {
            Some((at, _, _)) if *at == i => {
                if let Some((_, rel, span)) = next_use.next() {
                    use_file(st, path, &rel, span);
                }
            }
            _ => st.loaded.order.push((index, i)),
        }
    }
    st.stack.pop();
    index
}

fn use_file(st: &mut State, from_path: &Path, rel: &str, span: Span) {
    if rel.is_empty() || Path::new(rel).is_absolute() {
        st.diags.push(
            Diagnostic::error(
                "use-path",
                format!("`use` needs a relative path, not `{rel}`"),
            )
            .at(span, "here")
            .help("paths are resolved relative to the file that says `use`"),
        );
        return;
    }
    let target = normalize(&from_path.parent().unwrap_or(Path::new("")).join(rel));
    let (text, key) = match st.reader.read(&target) {
        Ok(r) => r,
        Err(why) => {
            let message = format!(
                "cannot use `{rel}`: {} (looked for `{}`)",
                why.message,
                target.display()
            );
            let d = unreadable("use-missing", message, why, &target, st.sources, Some(span));
            st.diags.push(d);
            return;
        }
    };
    if let Some(pos) = st.stack.iter().position(|(k, _)| *k == key) {
        let mut d = Diagnostic::error(
            "use-cycle",
            format!(
                "`{rel}` is already being loaded: the policy files `use` each other in a cycle"
            ),
        )
        .at(span, "this `use` closes the cycle");
        if let Some(Some(entered)) = st.stack.get(pos + 1).map(|(_, via)| *via) {
            d = d.also(entered, "the cycle starts here");
        }
        st.diags
            .push(d.help("move what both files need into a third file that both `use`"));
        return;
    }
    if st.by_key.contains_key(&key) {
        return; // loaded once; a second path to the same file is not a duplicate
    }
    visit(st, &target, text, key, Some(span));
}

/// `rule NAME` and `let NAME` lines whose items are not in the parsed module.
fn unparsed_names(text: &str, module: &Module) -> Vec<String> {
    let parsed: Vec<&str> = module
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Rule(r) => Some(r.name.name.as_str()),
            Item::Let(l) => Some(l.name.name.as_str()),
            _ => None,
        })
        .collect();
    text.lines()
        .filter_map(|line| {
            let mut words = line
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty());
            match (words.next(), words.next()) {
                (Some("rule" | "let"), Some(name)) if !parsed.contains(&name) => {
                    Some(name.to_string())
                }
                _ => None,
            }
        })
        .collect()
}

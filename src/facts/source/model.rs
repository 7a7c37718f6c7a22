//! What one Rust file says about regulated data, before anything is resolved across files.
//! `scan::file` fills it from the syntax tree alone; `resolve` joins the files of a tree.

use std::path::PathBuf;

/// A place in a file: 1-based line, 1-based column (in characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Loc {
    pub line: usize,
    pub column: usize,
}

/// What a declaration is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Struct,
    Enum,
    Variant,
    Field,
    Static,
    Param,
}

impl ItemKind {
    pub fn name(self) -> &'static str {
        match self {
            ItemKind::Struct => "struct",
            ItemKind::Enum => "enum",
            ItemKind::Variant => "variant",
            ItemKind::Field => "field",
            ItemKind::Static => "static",
            ItemKind::Param => "param",
        }
    }
}

/// Which of the two annotation forms marked an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `#[regulated(phi, id = "mrn")]`
    Attribute,
    /// `/// gate: regulated(pci, id = "pan", never_store)`
    DocComment,
}

/// A `regulated(...)` annotation, validated: a category, an optional id, `never_store`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    pub category: String,
    pub id: Option<String>,
    pub never_store: bool,
    pub form: Form,
    pub loc: Loc,
}

/// A struct, enum, variant, field, static or function parameter, regulated or not (the
/// unannotated ones are the candidates for `source.unclassified` and fill the type table).
#[derive(Clone, Debug, PartialEq)]
pub struct Declared {
    pub kind: ItemKind,
    /// Module path and names: `billing::Patient::ssn`; a tuple field is named by its index
    /// (`billing::Mrn::0`); a parameter is `module::function::param`.
    pub path: String,
    /// The last segment of `path`.
    pub name: String,
    /// The type as written (fields, statics, params), e.g. `Option<SecretString>`.
    pub ty: Option<String>,
    /// For a field or variant: the path of the struct or enum it belongs to; for a field of a
    /// variant, the variant's path.
    pub owner: Option<String>,
    pub annotation: Option<Annotation>,
    pub loc: Loc,
    /// Field attributes: `#[serde(skip)]` or `#[serde(skip_serializing)]`.
    pub serde_skip: bool,
    /// Field attribute `#[serde(serialize_with = "…")]` (or `with = "…"`): the function's path.
    pub serialize_with: Option<String>,
    /// veil's `#[redact]` (or `#[redact(...)]`) on the field.
    pub redacted: bool,
}

/// A struct or enum definition: what it derives and what its error messages format.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    pub path: String,
    pub name: String,
    /// `Debug`, `Display`, `Serialize`, `Redact` (veil) … with where each is derived; derives
    /// under `#[cfg_attr(…, derive(…))]` count.
    pub derives: Vec<(String, Loc)>,
    /// thiserror / displaydoc templates: `#[error("…")]` on the type or on a variant (the
    /// variant's name), with the template text.
    pub error_templates: Vec<ErrorTemplate>,
    pub loc: Loc,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ErrorTemplate {
    pub variant: Option<String>,
    pub template: String,
    /// Names the template formats: `{ssn}`, `{0}`, `{ssn:?}` → `ssn`, `0`; `{.ssn}` too.
    pub captures: Vec<String>,
    pub loc: Loc,
}

/// A hand-written `impl Debug for T` or `impl Display for T`.
#[derive(Clone, Debug, PartialEq)]
pub struct FmtImpl {
    /// `Debug` or `Display`.
    pub trait_name: String,
    /// The type as written after `for` (last path segment, without generics): `Patient`.
    pub self_ty: String,
    /// Fields the body reads through `self` (`self.ssn`, `&self.0`), with where.
    pub fields: Vec<(String, Loc)>,
    /// The body uses `finish_non_exhaustive`/never names fields but formats `self` whole
    /// (e.g. `write!(f, "{:?}", self.inner)` is a field; `write!(f, "{self:?}")` is whole).
    pub whole: bool,
    pub loc: Loc,
}

/// What kind of macro received values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MacroKind {
    /// `println!`, `eprintln!`, `print!`, `eprint!`, `dbg!`, `panic!`, `assert!` messages, …
    Print,
    /// `format!`, `write!`, `writeln!`, `format_args!`
    Format,
    /// `log`'s and `tracing`'s macros: `info!`, `debug!`, `warn!`, `error!`, `trace!`, `event!`, `span!`…
    Log,
}

/// A printing, formatting or logging macro call and the values it receives.
#[derive(Clone, Debug, PartialEq)]
pub struct MacroUse {
    /// As written: `info`, `tracing::info`, `log::debug`, `println`.
    pub name: String,
    pub kind: MacroKind,
    pub uses: Vec<ValueUse>,
    pub loc: Loc,
}

/// A value a macro receives: an expression path like `patient.ssn`, `self.card.pan`, `ssn`,
/// or an inline capture `{ssn}` in its format string.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueUse {
    /// The expression as written, without sigils: `patient.ssn`.
    pub text: String,
    /// Every identifier along the path, in order: `["patient", "ssn"]`.
    pub segments: Vec<String>,
    pub loc: Loc,
}

/// A function with `#[instrument]` (tracing): which parameters it records.
#[derive(Clone, Debug, PartialEq)]
pub struct Instrumented {
    pub function: String,
    /// (name, type as written, where) of each parameter.
    pub params: Vec<(String, String, Loc)>,
    /// Parameters named in `skip(…)`.
    pub skipped: Vec<String>,
    /// `skip_all`.
    pub skip_all: bool,
    pub loc: Loc,
}

/// Everything one file says. `parse_error` set means the file did not parse: the rest is empty.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileFacts {
    pub file: PathBuf,
    pub lines: usize,
    pub bytes: usize,
    pub declared: Vec<Declared>,
    pub types: Vec<TypeDef>,
    pub impls: Vec<FmtImpl>,
    pub macros: Vec<MacroUse>,
    pub instrumented: Vec<Instrumented>,
    /// Malformed annotations: located errors.
    pub annotation_errors: Vec<(Loc, String)>,
    pub parse_error: Option<(Loc, String)>,
}

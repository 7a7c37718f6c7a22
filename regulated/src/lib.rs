//! Marks regulated data in Rust source so that gate can find it.
//!
//! gate's `source` producer reads your code (it never runs it) and lists every value that is marked as
//! regulated — health data (`phi`), personal data (`pii`), payment card data (`pci`) or a category of
//! your organisation's own — together with how it is protected and every place it is exposed: a
//! `Debug` or `Display` that shows it, a `Serialize` that writes it, a logging macro that receives it,
//! an error message that formats it, an `#[instrument]` that records it. Policies then decide whether
//! a release may ship.
//!
//! This crate exists only so that the attribute form of the marking compiles. It has no dependencies
//! and generates no code: [`Regulated`] is a derive that expands to nothing and registers the helper
//! attribute `regulated`, the way serde's derives register `#[serde(...)]`.
//!
//! # The attribute form
//!
//! ```
//! use regulated::Regulated;
//!
//! #[derive(Regulated)]
//! #[regulated(phi)]                          // the whole record is health data
//! pub struct Patient {
//!     #[regulated(phi, id = "mrn")]
//!     pub mrn: String,
//!     #[regulated(phi, id = "ssn")]
//!     pub ssn: String,
//!     pub ward: u32,                         // not regulated
//! }
//!
//! #[derive(Regulated)]
//! pub enum Contact {
//!     Pager(u32),
//!     #[regulated(pii, id = "email")]
//!     Email(String),
//! }
//! # let _ = Patient { mrn: String::new(), ssn: String::new(), ward: 3 };
//! # let _ = (Contact::Pager(1), Contact::Email(String::new()));
//! ```
//!
//! `#[regulated(...)]` takes:
//!
//! - a **category**, first and required: `phi`, `pii`, `pci` or your organisation's own word;
//! - optionally **`id = "..."`**, the kind of datum (`"ssn"`, `"mrn"`, `"pan"`, `"email"`), a string;
//! - optionally **`never_store`**: the value must never be persisted (a card's CVV after authorization).
//!
//! It goes on a struct, an enum, a variant or a field. Put `#[derive(Regulated)]` on the struct or
//! enum itself — that one derive registers the attribute for the type and for all of its fields and
//! variants, which need nothing more. Write the derive *before* the first `#[regulated]` on the type:
//! a helper attribute used above the derive that introduces it is rejected by the compiler.
//!
//! Marking a type marks every field, static and parameter of that type, so a newtype is often the
//! simplest way to mark a datum everywhere it travels:
//!
//! ```
//! /// gate: regulated(phi, id = "mrn")
//! pub struct Mrn(pub String);
//! ```
//!
//! # The doc-comment form: no dependency at all
//!
//! ```
//! pub struct Card {
//!     /// The primary account number.
//!     /// gate: regulated(pci, id = "pan")
//!     pub pan: String,
//! }
//!
//! /// The last medical record number admitted, for the ward display.
//! /// gate: regulated(phi, id = "mrn")
//! pub static LAST_ADMITTED: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
//! ```
//!
//! A doc-comment line `gate: regulated(...)` with the same arguments means the same thing. Use it
//! where a derive cannot go — a `static` takes no derives — or in crates that do not want this
//! dependency. Both forms may be mixed in one crate, even in one struct.
//!
//! gate reports a malformed marking (no category, a category given twice, an `id` that is not a
//! string, an unknown key) as an error rather than skipping it: a marking that cannot be read must not
//! let a release through.
//!
//! Function parameters take neither form — the compiler allows no doc comments and no derive helpers
//! there. A parameter is regulated when its type is marked.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use proc_macro::TokenStream;

/// Registers the `#[regulated(...)]` attribute on a struct or an enum, its fields and its variants.
///
/// Expands to nothing: the marking is read by gate from the source, not by the compiler. See the
/// [crate documentation](crate) for the arguments.
#[proc_macro_derive(Regulated, attributes(regulated))]
pub fn derive_regulated(_item: TokenStream) -> TokenStream {
    TokenStream::new()
}

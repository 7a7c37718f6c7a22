//! gate decides whether a release may go to production: it evaluates policy files over facts
//! collected from the staging sequence, fails closed, and explains every finding.

// pest is built without `std` (no per-rule stack probe: `policy::depth` bounds nesting before
// pest runs), and its generated parser names `alloc`.
extern crate alloc;

pub mod diag;
pub mod eval;
pub mod explain;
pub mod facts;
pub mod license;
pub mod plan;
pub mod policy;
pub mod report;
pub mod schema;
pub mod span;
pub mod testing;
pub mod value;

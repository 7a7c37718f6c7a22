//! gate decides whether a release may go to production: it evaluates policy files over facts
//! collected from the staging sequence, fails closed, and explains every finding.

pub mod diag;
pub mod license;
pub mod policy;
pub mod schema;
pub mod span;
pub mod value;

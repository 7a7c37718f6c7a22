//! Policies: parse → load (`use`) → check. Pure: files are read through a loader the caller
//! passes in, so this module never touches the outside world.

pub mod ast;
pub mod check;
pub mod comments;
pub mod depth;
pub mod format;
pub mod ir;
pub mod lint;
pub mod load;
pub mod parser;
pub mod print;
pub mod types;

//! sflint: lint Salesforce DX permission metadata.
//!
//! The data flow, one module a step:
//! workspace ([`workspace`]: configuration, project, files, integrations, settings; computed once)
//! -> file set ([`fileset`]: the bytes of each file) -> load ([`load`]: decode, parse, assemble into
//! the [`model`]) -> built-in rules ([`checks`]) and vendor packs ([`packs`]) -> findings
//! ([`diagnostic`], ids in the [`registry`]) -> settings, suppressions, baseline -> reporters
//! ([`report`]). [`pipeline`] runs the stages; [`cli`] turns arguments into a workspace and a
//! report into output and an exit code.

pub mod baseline;
pub mod catalog;
pub mod checks;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod explain;
pub mod fileset;
pub mod init;
pub mod integrations;
pub mod load;
pub mod model;
pub mod packs;
pub mod pipeline;
pub mod problem;
pub mod project;
pub mod registry;
pub mod report;
pub mod settings;
pub mod source;
pub mod suppress;
pub mod workspace;

pub use fileset::{Disk, FileSet, Memory};
pub use pipeline::{Report, lint};
pub use workspace::{ConfigSource, Workspace, WorkspaceOptions};

//! sflint: lint Salesforce DX permission metadata.
//!
//! The data flow, one module a step:
//! workspace ([`workspace`]: configuration, project, files, integrations, settings; computed once)
//! -> file set ([`fileset`]: the bytes of each file) -> load ([`load`]: decode, parse, assemble into
//! the [`model`]) -> built-in rules ([`checks`]) and vendor packs ([`packs`]) -> findings
//! ([`diagnostic`], ids in the [`registry`]) -> settings, suppressions, baseline -> reporters
//! ([`report`]). [`pipeline`] runs the stages; [`cli`] turns arguments into a workspace and a
//! report into output and an exit code.

pub(crate) mod baseline;
pub mod catalog;
pub mod changed;
pub mod checks;
pub mod cli;
pub(crate) mod config;
pub mod definitions;
pub mod diagnostic;
pub mod diff;
pub(crate) mod discover;
pub mod edit;
pub mod escape;
pub mod excerpt;
pub mod explain;
pub mod fileset;
pub mod fix;
pub mod format;
pub mod git;
pub(crate) mod init;
pub(crate) mod integrations;
pub mod inventory;
pub(crate) mod load;
pub(crate) mod lsp;
pub mod model;
pub mod org_shape;
pub(crate) mod output;
pub mod packs;
pub(crate) mod pipeline;
pub mod problem;
pub(crate) mod project;
pub mod registry;
pub mod report;
pub(crate) mod scaffold;
pub(crate) mod settings;
pub mod source;
pub mod suppress;
pub(crate) mod workspace;

pub use discover::{DiscoverOptions, Unit};
pub use fileset::{Disk, FileSet, Memory};
pub use pipeline::{Report, lint};
pub use workspace::{ConfigSource, Workspace, WorkspaceOptions};

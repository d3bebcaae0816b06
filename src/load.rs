//! The first stage of the pipeline: one unit of the workspace, read from the file set, into one
//! [`Component`]. Each file is decoded and parsed; the files of a decomposed permission set are merged
//! back into one permission set. Files that cannot be parsed become `invalid-xml` findings and the
//! rest of the unit is still used.

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Location};
use crate::discover::Unit;
use crate::fileset::FileSet;
use crate::model::parse::{self, Expect, ParseError};
use crate::model::{Body, Component, MetadataKind};
use crate::problem::Problem;
use crate::registry::RuleId;
use crate::source::{FileIndex, FilePath, SourceText, Span};
use crate::suppress::{self, Suppression};

/// A unit as read: its component (if any file of it parsed) and everything reading it found.
#[derive(Debug, Default)]
pub struct LoadedUnit {
    pub component: Option<Component>,
    /// Inline `sflint-disable` directives of the unit's files.
    pub suppressions: Vec<Suppression>,
    pub diagnostics: Vec<Diagnostic>,
    pub problems: Vec<Problem>,
    /// The text of each file parsed, for locating findings (see `source::locate`).
    pub sources: Vec<(Arc<FilePath>, SourceText)>,
}

pub fn load(unit: &Unit, files: &dyn FileSet) -> LoadedUnit {
    let mut loaded = LoadedUnit::default();
    let mut merged: Option<(Span, Body)> = None;
    for (index, file) in unit.files.iter().enumerate() {
        let index = index as FileIndex;
        let is_main = index == 0 && (!unit.decomposed || is_main_file(unit, file));
        let expect = if is_main {
            Expect::Component(unit.kind)
        } else {
            Expect::DecomposedPart
        };
        let bytes = match files.read(&file.fs) {
            Ok(bytes) => bytes,
            Err(message) => {
                loaded
                    .problems
                    .push(Problem::error(Some(file.display.clone()), message));
                continue;
            }
        };
        // The text of a file that decodes is kept even if it does not parse, so that its
        // invalid-xml finding shows the source; but only when it is permission metadata at all.
        let mut kept = None;
        let parsed = parse::decode(bytes, index).and_then(|source| {
            let parsed = parse::parse_source(&source, index, expect);
            let in_metadata = parsed
                .as_ref()
                .map_or_else(|error| error.in_metadata, |_| true);
            if in_metadata {
                kept = Some(source);
            }
            let parsed = parsed?;
            if let Some(source) = &kept {
                let (suppressions, problems) = suppress::scan(source.text(), file, index);
                loaded.suppressions.extend(suppressions);
                loaded.diagnostics.extend(problems);
            }
            Ok(parsed)
        });
        match parsed {
            Ok(parsed) => {
                for issue in parsed.issues {
                    loaded.diagnostics.push(invalid_xml(file, issue));
                }
                merged = Some(match merged {
                    None => (parsed.root, parsed.body),
                    Some((root, Body::Permissions(mut into))) => {
                        if let Body::Permissions(part) = parsed.body {
                            into.merge(part);
                        }
                        (root, Body::Permissions(into))
                    }
                    Some(other) => other,
                });
            }
            Err(error) => loaded.diagnostics.push(invalid_xml(file, error)),
        }
        if let Some(source) = kept {
            loaded.sources.push((Arc::clone(file), source));
        }
    }
    if let Some((root, body)) = merged {
        loaded.component = Some(Component {
            kind: unit.kind,
            name: unit.name.clone(),
            files: unit.files.clone(),
            root,
            body,
        });
    }
    loaded
}

fn is_main_file(unit: &Unit, file: &FilePath) -> bool {
    file.fs
        .file_name()
        .and_then(|name| name.to_str())
        .and_then(MetadataKind::from_file_name)
        .is_some_and(|(kind, stem)| kind == unit.kind && stem == unit.name)
}

fn invalid_xml(file: &Arc<FilePath>, error: ParseError) -> Diagnostic {
    Diagnostic::new(
        RuleId::InvalidXml,
        RuleId::InvalidXml.default_severity(),
        Location::new(file, error.span),
        error.message,
    )
    .with_help("Fix the file so that it is well-formed XML with the root element its name promises; Salesforce rejects it as it is.")
    .with_element("file")
}

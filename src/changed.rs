//! `sflint check --changed-since REV`: lint the components touched since a revision, with the
//! integration users they belong to (the workspace of a run on named files), and anchor each finding
//! on a changed line of its component. Code scanning shows a pull request only the alerts on lines
//! it changed; a finding about something missing (no API Enabled, a pack requirement not met)
//! points at a line that did not change and would never show. The real place is kept as the first
//! related location (SARIF `relatedLocations`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{Location, Related};
use crate::fileset::{Disk, FileSet};
use crate::git::Changed;
use crate::model::MetadataKind;
use crate::pipeline::Report;
use crate::source::Span;
use crate::workspace::Workspace;

/// The message of the related location that keeps a moved finding's real place.
pub const REAL_PLACE: &str = "what the finding is about (shown on a line this change touched)";

/// The changed files that are permission metadata and exist, below one of `paths` (absolute; all
/// when empty), sorted.
pub fn metadata_files(changed: &Changed, paths: &[PathBuf]) -> Vec<PathBuf> {
    changed
        .files
        .keys()
        .filter(|path| {
            let is_metadata = path
                .file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| MetadataKind::from_file_name(name).is_some())
                || crate::discover::bundle_part(path).is_some();
            is_metadata
                && path.is_file()
                && (paths.is_empty() || paths.iter().any(|given| path.starts_with(given)))
        })
        .cloned()
        .collect()
}

/// The byte range, after any byte order mark, and the end column of 1-based `line` of `bytes`.
fn line_span(bytes: &[u8], line: u32) -> Option<(u32, u32, u32)> {
    let start_of_text = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let text = std::str::from_utf8(&bytes[start_of_text..]).ok()?;
    let mut offset = 0usize;
    for (index, content) in text.split_inclusive('\n').enumerate() {
        if index + 1 == line as usize {
            let trimmed = content.trim_end_matches(['\n', '\r']);
            let start = u32::try_from(offset).ok()?;
            let end = u32::try_from(offset + trimmed.len()).ok()?;
            let end_column = u32::try_from(trimmed.chars().count() + 1).ok()?;
            return Some((start, end, end_column));
        }
        offset += content.len();
    }
    None
}

/// Moves each finding that is not on a changed line to the first changed line of its own file,
/// else of another file of the same component, when there is one; the real place becomes its first
/// related location. The findings are sorted again.
pub fn anchor(report: &mut Report, workspace: &Workspace, changed: &Changed) {
    for finding in &mut report.diagnostics {
        let path: &Path = &finding.location.path.fs;
        if changed.touches(path, finding.location.span.line) {
            continue;
        }
        let Some(unit) = workspace
            .targets
            .iter()
            .chain(&workspace.others)
            .find(|unit| unit.files.iter().any(|file| file.fs == path))
        else {
            continue;
        };
        let own = unit.files.iter().position(|file| file.fs == path);
        let mut candidates = own
            .into_iter()
            .chain((0..unit.files.len()).filter(|index| Some(*index) != own));
        let target = candidates.find_map(|index| {
            let file = &unit.files[index];
            let line = changed.first_line(&file.fs)?;
            let bytes = Disk.read(&file.fs).ok()?;
            let (start, end, end_column) = line_span(&bytes, line)?;
            Some((index, Arc::clone(file), line, start, end, end_column))
        });
        let Some((index, file, line, start, end, end_column)) = target else {
            continue;
        };
        let real = finding.location.clone();
        finding.location = Location {
            path: file,
            span: Span {
                file: u32::try_from(index).unwrap_or(0),
                start,
                end,
                line,
                column: 1,
            },
            end: (line, end_column),
        };
        finding.related.insert(
            0,
            Related {
                location: real,
                message: REAL_PLACE.to_string(),
            },
        );
        // The excerpt showed the real place, now a related location without source lines.
        finding.excerpt = None;
    }
    report
        .diagnostics
        .sort_by(crate::diagnostic::Diagnostic::report_order);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_spans_skip_the_byte_order_mark_and_the_line_end() {
        let text = "\u{feff}<a>\r\n  <é/>\n<c/>";
        assert_eq!(line_span(text.as_bytes(), 1), Some((0, 3, 4)));
        assert_eq!(line_span(text.as_bytes(), 2), Some((5, 12, 7)));
        assert_eq!(line_span(text.as_bytes(), 3), Some((13, 17, 5)));
        assert_eq!(line_span(text.as_bytes(), 4), None);
    }
}

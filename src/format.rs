//! `sflint fmt`: a metadata file in the order a retrieve from Salesforce writes it. The root's
//! elements sorted by name (the Metadata API's order, which is alphabetical), entries of one kind
//! by their key in byte order, the fields of an entry by name; indentation made the file's
//! dominant one. Comments and blank lines travel with the element they stand before; every other
//! byte (prolog, line endings, namespace prefix, values) is kept.

use std::cmp::Ordering;
use std::sync::Arc;

use rayon::prelude::*;

use crate::edit::{Element, Layout, key_field, line_end, line_start};
use crate::fileset::FileSet;
use crate::fix::Changed;
use crate::problem::Problem;
use crate::source::{FilePath, LineTracker};
use crate::workspace::Workspace;

/// What a formatting run found.
#[derive(Debug, Default)]
pub struct Formatted {
    /// Files read and formatted.
    pub checked: usize,
    /// The files whose text changes.
    pub files: Changed,
    /// Files that could not be formatted, with why.
    pub problems: Vec<Problem>,
}

/// Formats every file of the workspace's components, in parallel; the files are read from `files`
/// and nothing is written.
pub fn format_workspace(workspace: &Workspace, files: &dyn FileSet) -> Formatted {
    let paths: Vec<&Arc<FilePath>> = workspace
        .targets
        .iter()
        .flat_map(|unit| &unit.files)
        .collect();
    let mut problems = Vec::new();
    let pool = crate::pipeline::Pool::new(workspace.threads, &mut problems);
    type Outcome = Result<Option<(Vec<u8>, Vec<u8>)>, NotFormatted>;
    let results: Vec<(&Arc<FilePath>, Outcome)> = pool.run(|| {
        paths
            .par_iter()
            .map(|file| {
                let result = files
                    .read(&file.fs)
                    .map_err(|message| NotFormatted {
                        message,
                        position: None,
                    })
                    .and_then(|before| Ok(format_bytes(&before)?.map(|after| (before, after))));
                (*file, result)
            })
            .collect()
    });
    let mut formatted = Formatted {
        problems,
        ..Formatted::default()
    };
    for (file, result) in results {
        match result {
            Ok(change) => {
                formatted.checked += 1;
                if let Some(change) = change {
                    formatted.files.insert(Arc::clone(file), change);
                }
            }
            Err(error) => formatted.problems.push(
                Problem::error(
                    Some(file.display.clone()),
                    format!("not formatted: {}", error.message),
                )
                .at(
                    error.position.map(|(line, _)| line as usize),
                    error.position.map(|(_, column)| column as usize),
                ),
            ),
        }
    }
    formatted
}

/// `text` in canonical order (the same text when it already is), or `None` when it is not
/// well-formed XML.
pub fn format(text: &str) -> Option<String> {
    let layout = Layout::read(text)?;
    let unit = dominant_indent(text, &layout.children);
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..layout.root_open_end]);
    arrange(
        text,
        Siblings {
            open_end: layout.root_open_end,
            close_start: layout.root_close.start,
            children: &layout.children,
            depth: 1,
            sort: Sort::Elements,
        },
        unit.as_deref(),
        &mut out,
    );
    out.push_str(&text[layout.root_close.start..]);
    Some(out)
}

/// Why a file cannot be formatted, and where (line and column, 1-based) when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFormatted {
    pub message: String,
    pub position: Option<(u32, u32)>,
}

/// The bytes of a file formatted: a byte order mark kept, `Ok(None)` when nothing changes.
pub fn format_bytes(bytes: &[u8]) -> Result<Option<Vec<u8>>, NotFormatted> {
    let bom = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let text = std::str::from_utf8(&bytes[bom..]).map_err(|_| NotFormatted {
        message: "the file is not UTF-8".to_string(),
        position: None,
    })?;
    let formatted = format(text).ok_or_else(|| {
        let (offset, reason) = crate::edit::xml_error(text);
        NotFormatted {
            message: format!("the file is not well-formed XML: {reason}"),
            position: Some(LineTracker::new(text).locate(offset)),
        }
    })?;
    if formatted == text {
        return Ok(None);
    }
    let mut out = bytes[..bom].to_vec();
    out.extend_from_slice(formatted.as_bytes());
    Ok(Some(out))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Sort {
    /// The root's children: by element name, then key.
    Elements,
    /// An entry's fields: by name.
    Fields,
    /// Anything else (`loginHours`, whose days are not alphabetical): as written.
    Keep,
}

struct Siblings<'a> {
    open_end: usize,
    close_start: usize,
    children: &'a [Element<'a>],
    depth: usize,
    sort: Sort,
}

/// Writes the content of a parent (between its tags): its children sorted, each with the comments
/// and blank lines before it, re-indented with `unit` when there is one.
fn arrange(text: &str, siblings: Siblings<'_>, unit: Option<&str>, out: &mut String) {
    let Siblings {
        open_end,
        close_start,
        children,
        depth,
        sort,
    } = siblings;
    if children.is_empty() {
        out.push_str(&text[open_end..close_start]);
        return;
    }
    // The rest of the start tag's line stays where it is.
    let lead_end = after_blank_rest_of_line(text, open_end).unwrap_or(open_end);
    out.push_str(&text[open_end..lead_end]);
    let mut chunks: Vec<(&Element, usize, usize)> = Vec::with_capacity(children.len());
    let mut at = lead_end;
    for child in children {
        let end = chunk_end(text, child);
        chunks.push((child, at, end));
        at = end;
    }
    match sort {
        Sort::Elements => chunks.sort_by(|a, b| compare_elements(a.0, b.0)),
        Sort::Fields => chunks.sort_by(|a, b| a.0.name.cmp(b.0.name)),
        Sort::Keep => {}
    }
    for (child, start, end) in chunks {
        match (unit, child.line_start) {
            (Some(unit), Some(line)) if line >= start => {
                out.push_str(&text[start..line]);
                push_indent(out, unit, depth);
            }
            _ => out.push_str(&text[start..child.range.start]),
        }
        write_element(text, child, depth, unit, out);
        out.push_str(&text[child.range.end..end]);
    }
    // What follows the last child: the end tag's indentation, normalised when it stands alone.
    match (unit, line_start(text, close_start)) {
        (Some(unit), Some(line)) if line >= at => {
            out.push_str(&text[at..line]);
            push_indent(out, unit, depth - 1);
        }
        _ => out.push_str(&text[at..close_start]),
    }
}

fn write_element(
    text: &str,
    element: &Element,
    depth: usize,
    unit: Option<&str>,
    out: &mut String,
) {
    if element.children.is_empty() {
        out.push_str(&text[element.range.clone()]);
        return;
    }
    out.push_str(&text[element.range.start..element.open_end]);
    let sort = if depth == 1 && key_field(element.name).is_some() {
        Sort::Fields
    } else {
        Sort::Keep
    };
    arrange(
        text,
        Siblings {
            open_end: element.open_end,
            close_start: element.close_start,
            children: &element.children,
            depth: depth + 1,
            sort,
        },
        unit,
        out,
    );
    out.push_str(&text[element.close_start..element.range.end]);
}

/// By name, then by key; layout assignments of one layout by record type. Elements without a key
/// (and ties) keep their order.
fn compare_elements(a: &Element, b: &Element) -> Ordering {
    a.name
        .cmp(b.name)
        .then_with(|| a.key().map(str::trim).cmp(&b.key().map(str::trim)))
        .then_with(|| {
            if a.name == "layoutAssignments" {
                let record_type = |e: &Element| {
                    e.child("recordType")
                        .and_then(|c| c.text.as_deref().map(str::trim).map(str::to_string))
                };
                record_type(a).cmp(&record_type(b))
            } else {
                Ordering::Equal
            }
        })
}

/// Where an element's piece of the file ends: after its line break when nothing but blanks (or a
/// comment about it) follows it on its line, else right after it.
fn chunk_end(text: &str, element: &Element) -> usize {
    if element.line_start.is_none() {
        return element.range.end;
    }
    let rest = text[element.range.end..line_end(text, element.range.end)].trim();
    let trailing_comment =
        rest.starts_with("<!--") && rest.ends_with("-->") && rest.matches("-->").count() == 1;
    if rest.is_empty() || trailing_comment {
        after_blank_rest_of_line(text, line_end(text, element.range.end))
            .unwrap_or(element.range.end)
    } else {
        element.range.end
    }
}

/// Just after the line break ending `offset`'s line, when only blanks stand between.
fn after_blank_rest_of_line(text: &str, offset: usize) -> Option<usize> {
    let rest = &text[offset..];
    let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let after = &rest[blanks..];
    let break_len = if after.starts_with("\r\n") {
        2
    } else if after.starts_with(['\n', '\r']) {
        1
    } else {
        return None;
    };
    Some(offset + blanks + break_len)
}

/// The indentation most of the root's children on lines of their own have; none when they have
/// none (a file on one line, or not indented), and then indentation is left as it is.
fn dominant_indent(text: &str, children: &[Element]) -> Option<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for child in children {
        let Some(line) = child.line_start else {
            continue;
        };
        let indent = &text[line..child.range.start];
        if indent.is_empty() {
            continue;
        }
        match counts.iter_mut().find(|(seen, _)| *seen == indent) {
            Some((_, count)) => *count += 1,
            None => counts.push((indent, 1)),
        }
    }
    // The first seen wins a tie.
    let mut best: Option<(&str, usize)> = None;
    for (indent, count) in counts {
        if best.is_none_or(|(_, most)| count > most) {
            best = Some((indent, count));
        }
    }
    best.map(|(indent, _)| indent.to_string())
}

fn push_indent(out: &mut String, unit: &str, depth: usize) {
    for _ in 0..depth {
        out.push_str(unit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_elements_entries_and_fields_keeping_comments_with_their_element() {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <userPermissions>\n        <name>ViewSetup</name>\n        <enabled>true</enabled>\n    </userPermissions>\n    <!-- the API user -->\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>ApiEnabled</name>\n    </userPermissions>\n    <label>Ops</label>\n</PermissionSet>\n";
        let expected = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>Ops</label>\n    <!-- the API user -->\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>ApiEnabled</name>\n    </userPermissions>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>ViewSetup</name>\n    </userPermissions>\n</PermissionSet>\n";
        assert_eq!(format(text).unwrap(), expected);
        assert_eq!(format(expected).unwrap(), expected);
    }

    #[test]
    fn indentation_becomes_the_dominant_one_and_line_endings_stay() {
        let text = "<Profile>\r\n\t<custom>false</custom>\r\n  <userLicense>Salesforce</userLicense>\r\n\t<objectPermissions>\r\n    <object>Lead</object>\r\n\t    <allowRead>true</allowRead>\r\n      </objectPermissions>\r\n</Profile>";
        let expected = "<Profile>\r\n\t<custom>false</custom>\r\n\t<objectPermissions>\r\n\t\t<allowRead>true</allowRead>\r\n\t\t<object>Lead</object>\r\n\t</objectPermissions>\r\n\t<userLicense>Salesforce</userLicense>\r\n</Profile>";
        assert_eq!(format(text).unwrap(), expected);
    }

    #[test]
    fn login_hours_keep_their_order_and_one_line_files_their_shape() {
        let text = "<Profile><loginHours><mondayStart>480</mondayStart><mondayEnd>1080</mondayEnd></loginHours><custom>true</custom></Profile>";
        assert_eq!(
            format(text).unwrap(),
            "<Profile><custom>true</custom><loginHours><mondayStart>480</mondayStart><mondayEnd>1080</mondayEnd></loginHours></Profile>"
        );
    }

    #[test]
    fn layout_assignments_sort_by_layout_then_record_type() {
        let text = "<Profile>\n    <layoutAssignments>\n        <layout>Account-B</layout>\n    </layoutAssignments>\n    <layoutAssignments>\n        <layout>Account-A</layout>\n        <recordType>Account.Z</recordType>\n    </layoutAssignments>\n    <layoutAssignments>\n        <layout>Account-A</layout>\n        <recordType>Account.Y</recordType>\n    </layoutAssignments>\n</Profile>\n";
        let out = format(text).unwrap();
        let order: Vec<usize> = ["Account.Y", "Account.Z", "Account-B"]
            .iter()
            .map(|needle| out.find(needle).unwrap())
            .collect();
        assert!(order.windows(2).all(|pair| pair[0] < pair[1]), "{out}");
    }

    #[test]
    fn malformed_xml_is_refused() {
        assert_eq!(format("<Profile><custom>true</Profile>"), None);
        assert_eq!(
            format_bytes(b"<Profile>\n  <custom>true</Profile>").unwrap_err(),
            NotFormatted {
                message: "the file is not well-formed XML: ill-formed document: expected `</custom>`, but `</Profile>` was found".to_string(),
                position: Some((2, 15)),
            }
        );
        assert_eq!(
            format_bytes(b"\xEF\xBB\xBF<Profile>\n    <b/>\n    <a/>\n</Profile>\n").unwrap(),
            Some(b"\xEF\xBB\xBF<Profile>\n    <a/>\n    <b/>\n</Profile>\n".to_vec())
        );
    }
}

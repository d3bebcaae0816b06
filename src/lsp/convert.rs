//! Between sflint's terms and the protocol's: byte offsets and UTF-16 positions, paths and `file:`
//! URIs, findings and problems and LSP diagnostics.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range, Uri,
};

use crate::diagnostic::{Diagnostic, Severity};
use crate::escape;
use crate::problem::{Problem, ProblemLevel};

/// Line starts of a text, for turning byte offsets into the protocol's positions (line, UTF-16 code
/// units into the line) and back. Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol says.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                continue;
            }
            starts.push(at + 1);
        }
        Self { text, starts }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The position of byte `offset`, clamped to the text and to a character boundary.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let character = self.text[self.starts[line]..offset].encode_utf16().count();
        Position::new(line as u32, character as u32)
    }

    /// The byte offset of `position`: a line past the end is the end of the text, a character past
    /// the end of its line the end of that line (the protocol's rule), and a position inside a
    /// character made of two UTF-16 units the end of that character.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .copied()
            .unwrap_or(self.text.len());
        let line = self.text[start..end].trim_end_matches(['\n', '\r']);
        let mut units = 0;
        for (at, c) in line.char_indices() {
            if units >= position.character as usize {
                return start + at;
            }
            units += c.len_utf16();
        }
        start + line.len()
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end.max(start)))
    }
}

/// The path a `file:` URI names; `None` for any other scheme or a host other than this machine.
pub fn path_from_uri(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (host, path) = rest.split_at(rest.find('/')?);
    if !host.is_empty() && !host.eq_ignore_ascii_case("localhost") {
        return None;
    }
    let decoded = percent_decode(path)?;
    if cfg!(windows) {
        // `/c:/Users/...`: the drive letter follows the first slash.
        let text = String::from_utf8(decoded).ok()?;
        let text = match text.as_bytes() {
            [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() => &text[1..],
            _ => &text,
        };
        Some(PathBuf::from(text.replace('/', "\\")))
    } else {
        Some(path_from_bytes(decoded))
    }
}

#[cfg(unix)]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = text.get(at + 1..at + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    Some(out)
}

/// The `file:` URI of an absolute path, every byte but unreserved ones and `/` percent-encoded.
pub fn uri_from_path(path: &Path) -> Option<Uri> {
    let text = path.to_string_lossy();
    let mut out = String::from("file://");
    let text = if cfg!(windows) {
        out.push('/');
        text.replace('\\', "/")
    } else {
        text.into_owned()
    };
    for &byte in path_bytes(path, &text).iter() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    Uri::from_str(&out).ok()
}

#[cfg(unix)]
fn path_bytes<'p>(path: &'p Path, _text: &'p str) -> std::borrow::Cow<'p, [u8]> {
    use std::os::unix::ffi::OsStrExt;
    std::borrow::Cow::Borrowed(path.as_os_str().as_bytes())
}

#[cfg(not(unix))]
fn path_bytes<'p>(_path: &'p Path, text: &'p str) -> std::borrow::Cow<'p, [u8]> {
    std::borrow::Cow::Borrowed(text.as_bytes())
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// Where each rule's documentation is read, as the SARIF report links it.
fn rule_doc(id: &str) -> Option<CodeDescription> {
    let href = Uri::from_str(&format!("{}{id}.md", crate::report::sarif::HELP_URI)).ok()?;
    Some(CodeDescription { href })
}

/// A finding as the editor shows it, in the file whose text `index` holds (after any byte order
/// mark: `bom` bytes precede the offsets of spans). Related places in other files are given by
/// `related`, which answers the URI and line index of a path.
pub fn diagnostic(
    finding: &Diagnostic,
    index: &LineIndex<'_>,
    bom: usize,
    related: &mut dyn FnMut(&Path, usize, usize) -> Option<Location>,
) -> lsp_types::Diagnostic {
    let span = finding.location.span;
    let range = index.range(bom + span.start as usize, bom + span.end as usize);
    let mut message = escape::text(&finding.message).into_owned();
    if let Some(origin) = &finding.origin {
        message.push_str(&format!(
            " [{} / {}]",
            escape::text(&origin.integration),
            escape::text(&origin.requirement)
        ));
    }
    if let Some(help) = &finding.help {
        message.push('\n');
        message.push_str(&escape::text(help));
    }
    let related_information: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .filter_map(|place| {
            let location = related(
                &place.location.path.fs,
                place.location.span.start as usize,
                place.location.span.end as usize,
            )?;
            Some(DiagnosticRelatedInformation {
                location,
                message: escape::text(&place.message).into_owned(),
            })
        })
        .collect();
    let id = finding.rule.as_str();
    lsp_types::Diagnostic {
        range,
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(id.to_string())),
        code_description: rule_doc(id),
        source: Some("sflint".to_string()),
        message,
        related_information: (!related_information.is_empty()).then_some(related_information),
        tags: None,
        data: None,
    }
}

/// A problem (a bad configuration, an unreadable file) shown on the file it names, at its line and
/// column when it has them (1-based, columns in characters), else on the first line.
pub fn problem(problem: &Problem, index: &LineIndex<'_>) -> lsp_types::Diagnostic {
    let range = match problem.line {
        Some(line) if line > 0 => {
            let start = index.offset(Position::new(line as u32 - 1, 0));
            let line_text = &index.text()[start..];
            let line_end = line_text
                .find(['\n', '\r'])
                .map_or(index.text().len(), |end| start + end);
            let column = problem.column.unwrap_or(1).max(1) - 1;
            let at = index.text()[start..line_end]
                .char_indices()
                .nth(column)
                .map_or(line_end, |(at, _)| start + at);
            // The rest of the line from the column: the key or value the problem is about.
            index.range(at, line_end)
        }
        _ => Range::new(Position::new(0, 0), Position::new(0, 0)),
    };
    lsp_types::Diagnostic {
        range,
        severity: Some(match problem.level {
            ProblemLevel::Error => DiagnosticSeverity::ERROR,
            ProblemLevel::Warning => DiagnosticSeverity::WARNING,
        }),
        code: None,
        code_description: None,
        source: Some("sflint".to_string()),
        message: escape::text(&problem.message).into_owned(),
        related_information: None,
        tags: None,
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_across_line_endings() {
        let text = "a\r\nb😀c\rd\né";
        let index = LineIndex::new(text);
        assert_eq!(index.position(0), Position::new(0, 0));
        assert_eq!(index.position(3), Position::new(1, 0));
        let c = text.find('c').unwrap();
        assert_eq!(index.position(c), Position::new(1, 3));
        assert_eq!(index.offset(Position::new(1, 3)), c);
        // Inside the surrogate pair: the end of the character.
        assert_eq!(index.offset(Position::new(1, 2)), c);
        assert_eq!(index.position(text.find('d').unwrap()), Position::new(2, 0));
        assert_eq!(index.offset(Position::new(3, 1)), text.len());
        assert_eq!(index.offset(Position::new(3, 9)), text.len());
        assert_eq!(index.offset(Position::new(9, 0)), text.len());
        // Past the line's end: the end of the line, before its terminator.
        assert_eq!(index.offset(Position::new(0, 7)), 1);
        // Inside a character: its start.
        assert_eq!(index.position(text.len() - 1), Position::new(3, 0));
    }

    #[test]
    fn file_uris_round_trip_paths_with_spaces_and_unicode() {
        if cfg!(windows) {
            return;
        }
        let path = Path::new("/work/p q/Integration User é%.profile-meta.xml");
        let uri = uri_from_path(path).unwrap();
        assert_eq!(
            uri.as_str(),
            "file:///work/p%20q/Integration%20User%20%C3%A9%25.profile-meta.xml"
        );
        assert_eq!(path_from_uri(&uri).unwrap(), path);
        let vscode = Uri::from_str("file:///work/p%20q/a%3Ab.xml").unwrap();
        assert_eq!(
            path_from_uri(&vscode).unwrap(),
            Path::new("/work/p q/a:b.xml")
        );
        let remote = Uri::from_str("file://server/share/a.xml").unwrap();
        assert_eq!(path_from_uri(&remote), None);
        let untitled = Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(path_from_uri(&untitled), None);
    }
}

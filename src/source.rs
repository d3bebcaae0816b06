//! Source positions: where in which file a model entry came from.
//!
//! Every entry of the model carries a [`Span`]: a byte range plus the 1-based line and column of its
//! start, computed once while the file is streamed so that no line index has to be kept per file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Index of a file inside the component (profile, permission set, ...) that owns the span.
/// A decomposed permission set is one component made of many files.
pub type FileIndex = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub file: FileIndex,
    /// Byte offset of the start, in the file as read (after any byte order mark).
    pub start: u32,
    /// Byte offset one past the end.
    pub end: u32,
    /// 1-based line of `start`.
    pub line: u32,
    /// 1-based column of `start`, in characters.
    pub column: u32,
}

impl Span {
    pub fn len(&self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A value together with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

/// A file as the user should see it (`display`, relative to the working directory, `/`-separated) and as
/// the operating system opens it (`fs`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FilePath {
    pub display: String,
    pub fs: PathBuf,
}

impl FilePath {
    pub fn new(fs: PathBuf, cwd: &Path) -> Arc<FilePath> {
        Arc::new(FilePath {
            display: display_path(&fs, cwd),
            fs,
        })
    }
}

/// Renders `path` relative to `cwd` when it lies below it, always with `/` separators so that reports
/// are identical on every platform.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    // Most paths are already what their components would spell: UTF-8, `/`-separated, without
    // empty or `.` components. Below a working directory that is too, they are cut and copied.
    #[cfg(unix)]
    if let (Some(text), Some(base)) = (path.to_str(), cwd.to_str())
        && is_plain(text)
        && is_plain(base)
        && text != base
    {
        let below = text
            .strip_prefix(base)
            .and_then(|rest| rest.strip_prefix('/'));
        return below.unwrap_or(text).to_string();
    }
    let shown = path.strip_prefix(cwd).unwrap_or(path);
    let shown = shown.strip_prefix(".").unwrap_or(shown);
    spell(shown)
}

/// `path` spelled component by component, with `/` separators.
fn spell(shown: &Path) -> String {
    let mut out = String::new();
    for component in shown.components() {
        use std::path::Component;
        match component {
            Component::RootDir => out.push('/'),
            Component::Prefix(prefix) => out.push_str(&prefix.as_os_str().to_string_lossy()),
            Component::CurDir => {}
            other => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(&other.as_os_str().to_string_lossy());
            }
        }
    }
    if out.is_empty() {
        out.push('.');
    }
    out
}

/// Whether `text` is a path that [`display_path`] would spell back unchanged: not empty, and no
/// component empty (a doubled, leading-relative or trailing `/`) or `.`.
#[cfg(unix)]
pub(crate) fn is_plain(text: &str) -> bool {
    let relative = text.strip_prefix('/').unwrap_or(text).as_bytes();
    // A part is empty or `.` when the text is empty or `.`, starts with `/` or `./`, ends with `/`
    // or `/.`, or holds `//` or `/./`. Neighbours are compared without an early exit, which the
    // compiler vectorises: this runs for every file of a project, on paths of a hundred bytes.
    let (Some(&first), Some(&last)) = (relative.first(), relative.last()) else {
        return false;
    };
    if first == b'/'
        || last == b'/'
        || relative == b"."
        || relative.starts_with(b"./")
        || relative.ends_with(b"/.")
    {
        return false;
    }
    let next = relative.get(1..).unwrap_or_default();
    let after = relative.get(2..).unwrap_or_default();
    let doubled = relative
        .iter()
        .zip(next)
        .fold(false, |any, (&a, &b)| any | ((a == b'/') & (b == b'/')));
    let dot = relative
        .iter()
        .zip(next)
        .zip(after)
        .fold(false, |any, ((&a, &b), &c)| {
            any | ((a == b'/') & (b == b'.') & (c == b'/'))
        });
    !doubled && !dot
}

/// Turns byte offsets into line and column.
///
/// Line starts are found once, in one vectorised pass over the text; offsets requested in
/// increasing order (as a streaming parser does) then cost a constant amount each, and columns in
/// pure-ASCII text are a subtraction. A 10 MB single-line file costs the same as a 10 MB file of
/// short lines.
pub struct LineTracker<'a> {
    text: &'a str,
    /// Byte offset where each line starts; `line_starts[0] == 0`.
    line_starts: Vec<u32>,
    /// Index into `line_starts` of the line of the last offset located.
    current: usize,
    ascii: bool,
    /// For non-ASCII text: an offset on the current line and its column, to count on from.
    column_at: (usize, u32),
}

impl<'a> LineTracker<'a> {
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(bytes.len() / 32 + 1);
        line_starts.push(0);
        for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            // `\r\n` ends one line, at the `\n`; a lone `\r` ends a line too, as XML end-of-line
            // handling prescribes.
            if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                continue;
            }
            line_starts.push((at + 1) as u32);
        }
        Self {
            text,
            line_starts,
            current: 0,
            ascii: text.is_ascii(),
            column_at: (0, 1),
        }
    }

    /// Line and column (both 1-based) of `offset`; the column counts characters.
    pub fn locate(&mut self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let starts = &self.line_starts;
        let line = if offset >= starts[self.current] as usize {
            let mut line = self.current;
            // Usually the same or the next line: walk a few steps before searching.
            let mut steps = 0;
            while line + 1 < starts.len() && starts[line + 1] as usize <= offset {
                line += 1;
                steps += 1;
                if steps == 8 {
                    line += starts[line..].partition_point(|&start| start as usize <= offset) - 1;
                    break;
                }
            }
            line
        } else {
            starts.partition_point(|&start| start as usize <= offset) - 1
        };
        let line_start = starts[line] as usize;
        let column = if self.ascii {
            (offset - line_start) as u32 + 1
        } else {
            let (from, column) = if line == self.current
                && self.column_at.0 >= line_start
                && self.column_at.0 <= offset
            {
                self.column_at
            } else {
                (line_start, 1)
            };
            let column = column + count_chars(&self.text.as_bytes()[from..offset]);
            self.column_at = (offset, column);
            column
        };
        self.current = line;
        (line as u32 + 1, column)
    }

    /// The number of lines (a final line break starts an empty last line).
    pub fn line_count(&self) -> u32 {
        self.line_starts.len() as u32
    }

    /// Byte range of lines `first..=last` (1-based, clamped to the text), terminators included.
    pub fn lines(&self, first: u32, last: u32) -> (usize, usize) {
        let count = self.line_starts.len() as u32;
        let first = first.clamp(1, count);
        let last = last.clamp(first, count);
        let start = self.line_starts[first as usize - 1] as usize;
        let end = self
            .line_starts
            .get(last as usize)
            .map_or(self.text.len(), |&next| next as usize);
        (start, end)
    }

    pub fn span(&mut self, file: FileIndex, start: usize, end: usize) -> Span {
        let (line, column) = self.locate(start);
        Span {
            file,
            start: start as u32,
            end: end.max(start) as u32,
            line,
            column,
        }
    }
}

/// Line and column (as [`LineTracker::locate`] gives them) of each of `offsets`, in their order.
///
/// For a few places in a large file (the findings of a run): the offsets are visited in increasing
/// order and only the line breaks between one and the next are counted, in a pass the compiler
/// vectorises, where a tracker records the start of every line. Text with carriage returns, where
/// a lone `\r` also ends a line, is left to the tracker.
pub fn locate_all(text: &str, offsets: &[usize]) -> Vec<(u32, u32)> {
    let bytes = text.as_bytes();
    if memchr::memchr(b'\r', bytes).is_some() {
        let mut tracker = LineTracker::new(text);
        return offsets
            .iter()
            .map(|&offset| tracker.locate(offset))
            .collect();
    }
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&index| offsets[index]);
    let mut located = vec![(1, 1); offsets.len()];
    // The last offset visited, its line and its column.
    let (mut at, mut line, mut column) = (0usize, 1u32, 1u32);
    for index in order {
        let offset = offsets[index].min(bytes.len());
        let gap = &bytes[at..offset];
        let breaks = count_line_feeds(gap);
        if breaks > 0 {
            line += breaks;
            let line_start = at + memchr::memrchr(b'\n', gap).map_or(0, |last| last + 1);
            column = 1 + count_chars(&bytes[line_start..offset]);
        } else {
            // Same line: count on from the last offset, so many places on one long line cost
            // the line once.
            column += count_chars(gap);
        }
        at = offset;
        located[index] = (line, column);
    }
    located
}

/// The number of `\n` in `bytes`. Counted in blocks small enough for a byte-wide count, which the
/// compiler turns into vector comparisons: counting into a `usize` byte by byte is not vectorised.
fn count_line_feeds(bytes: &[u8]) -> u32 {
    const BLOCK: usize = 64;
    let count = |block: &[u8]| -> u32 {
        u32::from(
            block
                .iter()
                .fold(0u8, |count, &byte| count + u8::from(byte == b'\n')),
        )
    };
    let mut blocks = bytes.chunks_exact(BLOCK);
    let mut total = 0;
    for block in blocks.by_ref() {
        total += count(block);
    }
    total + count(blocks.remainder())
}

fn count_chars(bytes: &[u8]) -> u32 {
    // UTF-8 continuation bytes are 0b10xx_xxxx; every other byte starts a character.
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_and_columns_across_line_endings() {
        let text = "ab\ncd\r\nef\rgh";
        let mut tracker = LineTracker::new(text);
        assert_eq!(tracker.locate(0), (1, 1));
        assert_eq!(tracker.locate(1), (1, 2));
        assert_eq!(tracker.locate(3), (2, 1));
        assert_eq!(tracker.locate(4), (2, 2));
        assert_eq!(tracker.locate(7), (3, 1));
        assert_eq!(tracker.locate(10), (4, 1));
        assert_eq!(tracker.locate(11), (4, 2));
    }

    #[test]
    fn locate_all_agrees_with_the_tracker() {
        let texts = [
            String::new(),
            "ab\ncd\n\nef".to_string(),
            "é<a>\n  ü\tx\n\n".repeat(40),
            "x".repeat(100) + "\n" + &"é".repeat(70) + "\nend",
            "ab\r\ncd\ref\n".repeat(5),
        ];
        for text in &texts {
            let mut tracker = LineTracker::new(text);
            // Every offset, in a shuffled order with repeats and offsets past the end.
            let mut offsets: Vec<usize> = (0..=text.len() + 2).collect();
            offsets.reverse();
            offsets.extend((0..text.len()).step_by(3));
            let expected: Vec<(u32, u32)> = offsets
                .iter()
                .map(|&offset| tracker.locate(offset))
                .collect();
            assert_eq!(locate_all(text, &offsets), expected, "{text:?}");
        }
    }

    #[test]
    fn counts_columns_in_characters() {
        let text = "é<a>";
        let mut tracker = LineTracker::new(text);
        assert_eq!(tracker.locate(2), (1, 2));
    }

    #[test]
    fn columns_in_non_ascii_lines_and_long_jumps() {
        let mut text = String::from("é\nàb<x>\n");
        for _ in 0..100 {
            text.push_str("line\n");
        }
        text.push_str("ü<y>");
        let mut tracker = LineTracker::new(&text);
        assert_eq!(tracker.locate(5), (2, 2));
        assert_eq!(tracker.locate(6), (2, 3));
        let y = text.find("<y>").unwrap();
        assert_eq!(tracker.locate(y), (103, 2));
        assert_eq!(tracker.locate(0), (1, 1));
    }

    #[test]
    fn restarts_when_asked_to_go_back() {
        let text = "a\nb\nc";
        let mut tracker = LineTracker::new(text);
        assert_eq!(tracker.locate(4), (3, 1));
        assert_eq!(tracker.locate(2), (2, 1));
    }

    #[test]
    fn display_paths_are_relative_and_slash_separated() {
        let cwd = Path::new("/work/project");
        assert_eq!(
            display_path(Path::new("/work/project/force-app/a.xml"), cwd),
            "force-app/a.xml"
        );
        assert_eq!(
            display_path(Path::new("/elsewhere/b.xml"), cwd),
            "/elsewhere/b.xml"
        );
        assert_eq!(display_path(Path::new("./c.xml"), Path::new("/x")), "c.xml");
    }

    #[test]
    fn plain_means_no_empty_and_no_dot_part() {
        let naive = |text: &str| {
            let relative = text.strip_prefix('/').unwrap_or(text);
            relative
                .split('/')
                .all(|part| !part.is_empty() && part != ".")
        };
        // Every text of up to five characters from `a`, `.` and `/`.
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|text| ['a', '.', '/'].map(|c| format!("{text}{c}")))
                .collect();
            texts.extend(longer);
        }
        texts.sort();
        texts.dedup();
        for text in texts
            .iter()
            .chain(&["force-app/main/default/x.y-meta.xml".to_string()])
        {
            assert_eq!(is_plain(text), naive(text), "{text:?}");
        }
    }

    /// Paths copied as they are read the same as paths spelled component by component.
    #[test]
    fn plain_paths_are_spelled_as_their_components() {
        for path in [
            "a", "/a/b", "a/b.xml", "a//b", "a/./b", "./a", "a/", "/", ".", "..", "a/../b", "/a/.",
            "a/.b", "a/b./c", "…/ü b",
        ] {
            for base in ["/elsewhere", "/", "", ".", "a", "/a", "a/b", "/a/", "a/."] {
                let (path, base) = (Path::new(path), Path::new(base));
                let shown = path.strip_prefix(base).unwrap_or(path);
                assert_eq!(
                    display_path(path, base),
                    spell(shown.strip_prefix(".").unwrap_or(shown)),
                    "{path:?} below {base:?}"
                );
            }
        }
    }
}

/// The decoded text of a file, shared by the names of its model (see `model::Name`) and kept while
/// findings into it may still need locating.
#[derive(Debug, Clone)]
pub struct SourceText {
    text: Arc<String>,
    /// Where the text starts (after a byte order mark): span offsets count from here.
    start: usize,
}

impl SourceText {
    /// `text` from `start` on, `start` being a character boundary (0, or 3 after a byte order mark).
    pub fn new(text: String, start: usize) -> Self {
        Self {
            text: Arc::new(text),
            start,
        }
    }

    pub fn text(&self) -> &str {
        self.text.get(self.start..).unwrap_or_default()
    }

    /// The whole text, byte order mark included, and where [`text`](Self::text) starts in it.
    pub fn shared(&self) -> (&Arc<String>, usize) {
        (&self.text, self.start)
    }
}

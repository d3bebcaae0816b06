//! Excerpts: the source lines around a finding, kept with it so that reporters show the source
//! without reading the file again.
//!
//! An excerpt is bounded whatever the file holds: a line of context around each place, places far
//! apart in separate blocks, a place that covers many lines shown by its first line, and a long line
//! cut to a window around the place with `…` where text was left out. What a report shows therefore
//! grows with the findings, not with the length of a line or the distance between two places.
//!
//! An excerpt has coordinates of its own: each block starts at the file offset of its first line,
//! and within a block offsets count in the text shown. [`Excerpt::map`] turns a span of the file
//! into these coordinates.

use crate::escape;
use crate::source::LineTracker;

/// Lines of context shown above and below a place.
pub const CONTEXT_LINES: u32 = 1;
/// Places at most this many lines apart are shown in one block, with the lines between them.
const NEARBY_LINES: u32 = 10;
/// Of a place that covers more lines than this, only the first line is shown.
const MAX_SPAN_LINES: u32 = 6;
/// Lines up to this many characters are shown whole.
const MAX_LINE_CHARS: usize = 160;
/// Characters kept on each side of a place in a line that is cut.
const MARGIN_CHARS: usize = 60;
/// Characters kept of the place itself in a line that is cut.
const MAX_PLACE_CHARS: usize = 120;
/// Where text was left out.
const MARKER: &str = "…";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    /// The file, as shown.
    pub name: String,
    blocks: Vec<Block>,
}

/// Consecutive lines of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The file offset of the first line's start: the block's start in excerpt coordinates.
    pub offset: usize,
    /// 1-based number of the first line.
    pub line: u32,
    /// The lines as shown, each ended by `\n`.
    pub text: String,
    lines: Vec<ShownLine>,
}

/// How one line of a block maps to the file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ShownLine {
    /// The line in the file, without its terminator.
    line_start: usize,
    line_end: usize,
    /// The part shown: `shown_start..shown_end` of the file.
    shown_start: usize,
    shown_end: usize,
    /// Where that part starts in the block's text (after a marker, if the line is cut before it).
    text_start: usize,
    /// 1-based column, in characters, of `shown_start`.
    column: u32,
}

impl Excerpt {
    /// The lines of `text` around the byte ranges `places`.
    pub fn around(
        name: &str,
        text: &str,
        tracker: &mut LineTracker<'_>,
        places: impl IntoIterator<Item = (u32, u32)>,
    ) -> Excerpt {
        let places: Vec<Place> = places
            .into_iter()
            .map(|(start, end)| Place::new(text, tracker, start as usize, end as usize))
            .collect();
        let mut windows: Vec<(u32, u32)> = places
            .iter()
            .map(|place| {
                (
                    place.first_line.saturating_sub(CONTEXT_LINES).max(1),
                    place.last_line + CONTEXT_LINES,
                )
            })
            .collect();
        windows.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(windows.len());
        for (first, last) in windows {
            match merged.last_mut() {
                Some(previous) if first <= previous.1 + 1 + NEARBY_LINES => {
                    previous.1 = previous.1.max(last);
                }
                _ => merged.push((first, last)),
            }
        }
        let blocks = merged
            .into_iter()
            .map(|(first, last)| Block::new(text, tracker, first, last, &places))
            .collect();
        Excerpt {
            name: name.to_string(),
            blocks,
        }
    }

    /// The span `start..end` of the file in excerpt coordinates, shrunk to what is shown; `None` when
    /// no block shows its start.
    pub fn map(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let block = self.blocks.iter().find(|block| {
            block
                .lines
                .first()
                .is_some_and(|line| line.line_start <= start)
                && block
                    .lines
                    .last()
                    .is_some_and(|line| start <= line.line_end)
        })?;
        let first = block.line_of(start)?;
        let mapped_start = block.map_in(first, start);
        let last = block.line_of(end.max(start)).unwrap_or(first);
        let mapped_end = block.map_in(last, end.max(start)).max(mapped_start);
        Some((block.offset + mapped_start, block.offset + mapped_end))
    }

    /// The block holding `start..end` in excerpt coordinates.
    pub fn block(&self, start: usize, end: usize) -> Option<&Block> {
        self.blocks
            .iter()
            .find(|block| block.offset <= start && end <= block.offset + block.text.len())
    }
}

impl Block {
    fn new(
        text: &str,
        tracker: &mut LineTracker<'_>,
        first: u32,
        last: u32,
        places: &[Place],
    ) -> Block {
        let (offset, _) = tracker.lines(first, first);
        let mut block = Block {
            offset,
            line: first,
            text: String::new(),
            lines: Vec::new(),
        };
        for number in first..=last.min(tracker.line_count()) {
            let (start, end) = tracker.lines(number, number);
            // The empty "line" after a final line break is shown only when a place is on it.
            if start >= text.len() && !places.iter().any(|place| place.first_line == number) {
                break;
            }
            let line_end = start + line_length(&text[start..end]);
            let on_line: Vec<&Place> = places
                .iter()
                .filter(|place| place.start <= line_end && start <= place.end)
                .collect();
            block.push_line(text, tracker, start, line_end, &on_line);
        }
        block
    }

    fn push_line(
        &mut self,
        text: &str,
        tracker: &mut LineTracker<'_>,
        line_start: usize,
        line_end: usize,
        places: &[&Place],
    ) {
        let line = &text[line_start..line_end];
        let long = line.len() > MAX_LINE_CHARS && line.chars().nth(MAX_LINE_CHARS).is_some();
        let (shown_start, shown_end) = if !long {
            (line_start, line_end)
        } else if places.is_empty() {
            (
                line_start,
                advance(text, line_start, line_end, 2 * MARGIN_CHARS),
            )
        } else {
            let from = places
                .iter()
                .map(|place| place.start)
                .min()
                .unwrap_or(line_start);
            let from = from.clamp(line_start, line_end);
            let to = places.iter().map(|place| place.end).max().unwrap_or(from);
            let to = to
                .clamp(from, line_end)
                .min(advance(text, from, line_end, MAX_PLACE_CHARS));
            (
                retreat(text, line_start, from, MARGIN_CHARS),
                advance(text, to, line_end, MARGIN_CHARS),
            )
        };
        let cut_before = shown_start > line_start;
        let column = if cut_before {
            tracker.locate(shown_start).1
        } else {
            1
        };
        if cut_before {
            self.text.push_str(MARKER);
        }
        let text_start = self.text.len();
        let shown = &text[shown_start..shown_end];
        // Lines end with `\n` whatever ended them in the file (`\r\n`, or a lone `\r`, which XML
        // and the parser count as a line end): renderers end lines at `\n` only, and a raw `\r`
        // sends a terminal's cursor back over the line.
        if shown.chars().any(|c| c != '\t' && escape::is_unsafe(c)) {
            self.text.extend(shown.chars().map(stand_in));
        } else {
            self.text.push_str(shown);
        }
        if shown_end < line_end {
            self.text.push_str(MARKER);
        }
        self.text.push('\n');
        self.lines.push(ShownLine {
            line_start,
            line_end,
            shown_start,
            shown_end,
            text_start,
            column,
        });
    }

    /// Index of the line holding file offset `at`.
    fn line_of(&self, at: usize) -> Option<usize> {
        self.lines
            .iter()
            .position(|line| line.line_start <= at && at <= line.line_end)
    }

    /// File offset `at` on line `index`, as an offset into the block's text (clamped to what the
    /// line shows).
    fn map_in(&self, index: usize, at: usize) -> usize {
        let line = &self.lines[index];
        let at = at.clamp(line.shown_start, line.shown_end);
        floor_boundary(&self.text, line.text_start + (at - line.shown_start))
    }

    /// The 1-based column in the file of an offset into the block's text.
    pub fn column_at(&self, offset: usize) -> Option<u32> {
        let line = self
            .lines
            .iter()
            .rev()
            .find(|line| line.text_start <= offset)
            .or(self.lines.first())?;
        let end = floor_boundary(&self.text, offset.max(line.text_start));
        let shown = &self.text[line.text_start..end.max(line.text_start)];
        Some(line.column + shown.chars().count() as u32)
    }
}

/// What a line shows for a character that could act on a terminal or change how the line reads
/// (DEL, C1 controls, bidirectional overrides; the parser refuses the other controls): a visible
/// character of the same length in bytes, so that offsets and columns still line up. Tabs stay.
fn stand_in(c: char) -> char {
    if c == '\t' || !escape::is_unsafe(c) {
        return c;
    }
    match c.len_utf8() {
        1 => '?',
        2 => '\u{bf}',
        _ => '\u{fffd}',
    }
}

/// One place of a finding, its end pulled in to the end of its first line when it covers many.
struct Place {
    start: usize,
    end: usize,
    first_line: u32,
    last_line: u32,
}

impl Place {
    fn new(text: &str, tracker: &mut LineTracker<'_>, start: usize, end: usize) -> Place {
        // Spans from the parser fall on character boundaries; any other is pulled back to one.
        let start = floor_boundary(text, start);
        let end = floor_boundary(text, end).max(start);
        let first_line = tracker.locate(start).0;
        let last_line = tracker.locate(end.saturating_sub(1).max(start)).0;
        if last_line - first_line < MAX_SPAN_LINES {
            return Place {
                start,
                end,
                first_line,
                last_line,
            };
        }
        let (line_start, line_stop) = tracker.lines(first_line, first_line);
        Place {
            start,
            end: line_start + line_length(&text[line_start..line_stop]),
            first_line,
            last_line: first_line,
        }
    }
}

/// The largest character boundary of `text` at or before `at` (and at most its length).
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The length of a line without its terminator.
fn line_length(line: &str) -> usize {
    line.trim_end_matches(['\n', '\r']).len()
}

/// The offset `chars` characters after `from`, at most `limit`.
fn advance(text: &str, from: usize, limit: usize, chars: usize) -> usize {
    text[from..limit]
        .char_indices()
        .nth(chars)
        .map_or(limit, |(at, _)| from + at)
}

/// The offset `chars` characters before `to`, at least `limit`.
fn retreat(text: &str, limit: usize, to: usize, chars: usize) -> usize {
    if chars == 0 {
        return to;
    }
    text[limit..to]
        .char_indices()
        .rev()
        .nth(chars - 1)
        .map_or(limit, |(at, _)| limit + at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excerpt(text: &str, places: &[(usize, usize)]) -> Excerpt {
        let mut tracker = LineTracker::new(text);
        Excerpt::around(
            "f.xml",
            text,
            &mut tracker,
            places.iter().map(|&(s, e)| (s as u32, e as u32)),
        )
    }

    #[test]
    fn short_lines_are_shown_whole_with_a_line_of_context() {
        let text = "a\nbb\n<x>\ncc\nd\n";
        let at = text.find("<x>").unwrap();
        let shown = excerpt(text, &[(at, at + 3)]);
        assert_eq!(shown.blocks.len(), 1);
        assert_eq!(shown.blocks[0].line, 2);
        assert_eq!(shown.blocks[0].text, "bb\n<x>\ncc\n");
        let (start, end) = shown.map(at, at + 3).unwrap();
        let block = shown.block(start, end).unwrap();
        assert_eq!(&block.text[start - block.offset..end - block.offset], "<x>");
        assert_eq!(block.column_at(start - block.offset), Some(1));
    }

    #[test]
    fn a_long_line_is_cut_around_the_place() {
        let text = format!("<a>{}<x>{}</a>\n", "p".repeat(100_000), "q".repeat(100_000));
        let at = text.find("<x>").unwrap();
        let shown = excerpt(&text, &[(at, at + 3)]);
        let block = &shown.blocks[0];
        assert_eq!(
            block.text,
            format!("…{}<x>{}…\n", "p".repeat(60), "q".repeat(60))
        );
        let (start, end) = shown.map(at, at + 3).unwrap();
        let local = start - block.offset;
        assert_eq!(&block.text[local..end - block.offset], "<x>");
        // The column is the file's, not the cut line's.
        assert_eq!(block.column_at(local), Some(at as u32 + 1));
    }

    #[test]
    fn places_far_apart_are_separate_blocks_and_long_places_show_one_line() {
        let mut text = String::from("<a>\n");
        for index in 0..50 {
            text.push_str(&format!("<l{index}/>\n"));
        }
        text.push_str("</a>\n");
        let first = text.find("<l2/>").unwrap();
        let last = text.find("<l40/>").unwrap();
        let shown = excerpt(&text, &[(first, first + 5), (last, last + 6)]);
        assert_eq!(shown.blocks.len(), 2);
        let whole = excerpt(&text, &[(0, text.len())]);
        assert_eq!(whole.blocks.len(), 1);
        assert_eq!(whole.blocks[0].text, "<a>\n<l0/>\n");
    }

    #[test]
    fn characters_that_act_on_terminals_are_shown_as_stand_ins_of_their_length() {
        let text = "<a>\u{202e}x\u{9b}y\u{7f}\tz</a>\n";
        let shown = excerpt(text, &[(0, 3)]);
        assert_eq!(shown.blocks[0].text, "<a>\u{fffd}x\u{bf}y?\tz</a>\n");
        assert_eq!(shown.blocks[0].text.len(), text.len());
    }

    #[test]
    fn spans_inside_a_character_are_pulled_back_to_its_start() {
        let text = "\u{feff}<a>é</a>\n";
        let shown = excerpt(text, &[(1, 2), (8, 9)]);
        for (start, end) in [(1, 2), (8, 9), (2, 100)] {
            let (from, to) = shown.map(start, end).unwrap();
            let block = shown.block(from, to).unwrap();
            let local = from - block.offset;
            assert!(block.text.is_char_boundary(local), "{start}..{end}");
            assert!(
                block.text.is_char_boundary(to - block.offset),
                "{start}..{end}"
            );
            assert!(block.column_at(local).is_some());
        }
    }

    #[test]
    fn cuts_fall_on_character_boundaries() {
        let text = format!("{}<x>{}\n", "é".repeat(500), "ü".repeat(500));
        let at = text.find("<x>").unwrap();
        let shown = excerpt(&text, &[(at, at + 3)]);
        let block = &shown.blocks[0];
        assert_eq!(
            block.text,
            format!("…{}<x>{}…\n", "é".repeat(60), "ü".repeat(60))
        );
        assert_eq!(
            block.column_at(shown.map(at, at + 3).unwrap().0 - block.offset),
            Some(501)
        );
    }
}

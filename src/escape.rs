//! Strings from the repository, made safe to print. A file name, a permission name, a label, an
//! integration name or a baseline entry is whatever someone committed; printed raw, a line break in
//! it starts a new line that a CI log reads as a workflow command (`::error ...`), and an escape
//! character drives the terminal. Every text reporter and every message on standard error passes
//! such strings through here; JSON and SARIF escape them as their formats require.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether printing `c` raw could act on a terminal or a log, or make text read otherwise than it
/// is: control characters (C0, DEL, C1), line and paragraph separators, and bidirectional
/// formatting characters.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with each unsafe character written as an escape: `\n`, `\r`, `\t`, else `\u{1b}`.
pub fn text(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A path printed first on a line and followed by `:` (`path:line:col`): escaped, and led by `./`
/// when it starts with `:`, which would start the line with `::`, read by CI systems as a command.
pub fn path_at_line_start(path: &str) -> Cow<'_, str> {
    let escaped = text(path);
    if escaped.starts_with(':') {
        Cow::Owned(format!("./{escaped}"))
    } else {
        escaped
    }
}

/// Writes `value` as pretty JSON with every unsafe character (see [`is_unsafe`]) as a `\u` escape:
/// the same JSON to a parser, and nothing a terminal acts on when the document is printed.
pub fn write_json<T: serde::Serialize + ?Sized>(
    out: &mut dyn std::io::Write,
    value: &T,
) -> std::io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(
        out,
        SafeFormatter(serde_json::ser::PrettyFormatter::new()),
    );
    value
        .serialize(&mut serializer)
        .map_err(std::io::Error::from)
}

/// serde_json's pretty formatter, with unsafe characters in strings escaped.
struct SafeFormatter<'a>(serde_json::ser::PrettyFormatter<'a>);

impl serde_json::ser::Formatter for SafeFormatter<'_> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = rest.find(is_unsafe) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.begin_array(writer)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.end_array(writer)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(writer, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        self.0.end_array_value(writer)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.begin_object(writer)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.end_object(writer)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(writer, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        self.0.begin_object_value(writer)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        self.0.end_object_value(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_stays_the_same_value_without_raw_controls() {
        let value = serde_json::json!({"path": "a\u{202e}b\u{1b}c\n", "n": [1, 2]});
        let mut out = Vec::new();
        write_json(&mut out, &value).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(r#""a\u202eb\u001bc\n""#), "{text}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
        let mut pretty = Vec::new();
        serde_json::to_writer_pretty(&mut pretty, &serde_json::json!({"n": [1, 2]})).unwrap();
        let mut ours = Vec::new();
        write_json(&mut ours, &serde_json::json!({"n": [1, 2]})).unwrap();
        assert_eq!(ours, pretty);
    }

    #[test]
    fn escapes_what_would_act_on_a_terminal_or_a_log() {
        assert_eq!(text("plain – text"), "plain – text");
        assert!(matches!(text("plain"), Cow::Borrowed(_)));
        assert_eq!(
            text("a\n::error file=x::y\u{1b}[31m\u{7}\u{85}\u{202e}"),
            "a\\n::error file=x::y\\u{1b}[31m\\u{7}\\u{85}\\u{202e}"
        );
        assert_eq!(path_at_line_start("::warning x"), "./::warning x");
        // `:` then `:1:3` would make `::1:3`.
        assert_eq!(path_at_line_start(":"), "./:");
        assert_eq!(path_at_line_start("force-app/A.xml"), "force-app/A.xml");
    }
}

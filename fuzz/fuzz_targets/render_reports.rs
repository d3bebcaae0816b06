//! Any finding on any source through every reporter: arbitrary source text, message, help and
//! spans (in range or not), located and excerpted as the pipeline does, then rendered in every
//! format. Besides "no panic", it asserts what the reporters promise: no line that a CI log would
//! take as a workflow command unless sflint wrote it (GitHub annotations), no raw control character
//! in any output, and output that grows with the findings, not with the source.

#![no_main]

use std::path::PathBuf;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use sflint::Report;
use sflint::diagnostic::{self, Diagnostic, Location, PackOrigin, Severity};
use sflint::registry::RuleId;
use sflint::report::{self, Format, RenderOptions};
use sflint::source::{FilePath, SourceText, Span};

/// Splits the input at the first `\0\0` markers into source, message, help and path; the last 16
/// bytes, when present, give the spans and choices.
fn parts(data: &[u8]) -> (Vec<u8>, String, String, String, [u8; 16]) {
    let mut controls = [0u8; 16];
    let body = if data.len() >= 16 {
        controls.copy_from_slice(&data[data.len() - 16..]);
        &data[..data.len() - 16]
    } else {
        data
    };
    let mut pieces = body.splitn(4, |&b| b == 0);
    let mut next = || pieces.next().unwrap_or_default();
    let source = next().to_vec();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let message = text(next());
    let help = text(next());
    let path = text(next());
    (source, message, help, path, controls)
}

const FORMATS: [Format; 5] = [
    Format::Human,
    Format::Concise,
    Format::Json,
    Format::Github,
    Format::Sarif,
];

/// What each format prints with no finding at all (SARIF's rule table, say).
fn empty_lengths() -> &'static [usize; 5] {
    static LENGTHS: std::sync::OnceLock<[usize; 5]> = std::sync::OnceLock::new();
    LENGTHS.get_or_init(|| {
        FORMATS.map(|format| {
            let mut out = Vec::new();
            let options = RenderOptions {
                color: false,
                quiet: false,
                width: None,
                sarif_root: None,
            };
            report::render(format, &Report::default(), options, &mut out).unwrap();
            out.len()
        })
    })
}

fuzz_target!(|data: &[u8]| {
    let (source, message, help, path, controls) = parts(data);
    let offset = |at: usize| u32::from_le_bytes(controls[at..at + 4].try_into().unwrap());
    let length = source.len() as u32;
    // Half the spans inside the text, half anywhere.
    let span = |at: usize| {
        let (a, b) = (offset(at), offset(at + 4));
        let (start, end) = if controls[15] & 1 == 0 && length > 0 {
            (a % (length + 1), b % (length + 1))
        } else {
            (a, b)
        };
        Span {
            file: 0,
            start: start.min(end),
            end: start.max(end),
            line: 0,
            column: 0,
        }
    };
    let display = if path.is_empty() { "f.xml".to_string() } else { path };
    let file = Arc::new(FilePath {
        display,
        fs: PathBuf::from("/fuzz/f.xml"),
    });
    let rule = RuleId::ALL[controls[14] as usize % RuleId::ALL.len()];
    let severity = [Severity::Error, Severity::Warning, Severity::Info][controls[13] as usize % 3];
    let mut finding = Diagnostic::new(rule, severity, Location::new(&file, span(0)), message.clone())
        .with_help(help.clone())
        .with_related(Location::new(&file, span(8)), message.clone());
    if controls[12] & 1 == 1 {
        finding.origin = Some(PackOrigin {
            integration: help.clone(),
            pack: "p".into(),
            requirement: message.clone(),
        });
    }
    let mut findings = vec![finding.clone(), finding];
    // The pipeline keeps only texts that decoded; any bytes stand in for one here.
    let Ok(text) = String::from_utf8(source) else {
        return;
    };
    let sources = vec![(Arc::clone(&file), SourceText::new(text, 0))];
    diagnostic::locate(&mut findings, &sources, true);
    let report = Report {
        diagnostics: findings,
        files: 1,
        components: 1,
        ..Report::default()
    };
    let input = message.len() + help.len() + file.display.len();
    let options = RenderOptions {
        color: false,
        quiet: false,
        width: None,
        sarif_root: None,
    };
    for (index, format) in FORMATS.into_iter().enumerate() {
        let mut out = Vec::new();
        report::render(format, &report, options, &mut out).unwrap();
        let out = String::from_utf8(out).expect("reports are UTF-8");
        // Each finding is rendered with its message, help and path escaped (at most ten bytes a
        // character) and a bounded excerpt, whatever the length of the source.
        assert!(
            out.len() <= empty_lengths()[index] + 2 * (40 * input + 16_384),
            "{format:?}: {} bytes for {input} bytes of text",
            out.len()
        );
        for line in out.lines() {
            assert!(
                !line.chars().any(|c| c.is_control() && c != '\t'),
                "{format:?}: raw control character in {line:?}"
            );
            if line.starts_with("::") {
                assert_eq!(format, Format::Github, "{line:?}");
                let properties = line[2..].split("::").next().unwrap();
                assert!(
                    properties.starts_with("error file=")
                        || properties.starts_with("warning file=")
                        || properties.starts_with("notice file="),
                    "{line:?}"
                );
            }
        }
    }
});

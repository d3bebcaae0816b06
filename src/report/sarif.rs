//! `--format sarif`: one SARIF 2.1.0 log for GitHub code scanning and other SARIF consumers.
//!
//! Hand-written structs for the subset GitHub reads: the generated serde-sarif types cost a heavy
//! build for a dozen structs. The output is checked against the official schema in the tests.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::{Component, Path, Prefix};

use serde::Serialize;

use crate::Report;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::registry::{RuleId, RuleMeta};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const INFORMATION_URI: &str = "https://github.com/sflint/sflint";
/// The key of our own fingerprint in `partialFingerprints`; the suffix versions the hash input.
pub const FINGERPRINT_KEY: &str = "sflint/v1";
const SRCROOT: &str = "%SRCROOT%";
/// GitHub's limit for `shortDescription` and `fullDescription`.
const MAX_DESCRIPTION: usize = 1024;
/// Where each rule's documentation lives, stable across releases: `{HELP_URI}{id}.md`.
pub(crate) const HELP_URI: &str = "https://github.com/sflint/sflint/blob/main/src/registry/";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: [Invocation; 1],
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    /// Our columns count characters; SARIF consumers otherwise may assume UTF-16 code units.
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help_uri: String,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<String>,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    /// Code scanning ranks alerts by it (critical, high, medium, low); only security rules have it.
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    working_directory: ArtifactLocation,
    /// What went wrong running (a missing path, a bad configuration), so that a failed upload
    /// says why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<NotificationLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationLocation {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [SarifLocation<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation<'a>>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<MessageRef<'a>>,
}

#[derive(Serialize)]
struct MessageRef<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    /// The column after the region's last character, as SARIF defines it.
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
}

/// Which integration user and pack requirement a finding comes from, as the JSON format names them.
#[derive(Serialize)]
struct ResultProperties<'a> {
    integration: &'a str,
    pack: &'a str,
    requirement: &'a str,
}

/// Writes the SARIF log. `root` becomes `%SRCROOT%`: findings' paths are relative to it (code
/// scanning wants them relative to the repository's root, whatever directory sflint ran in).
pub fn render(result: &Report, root: &Path, out: &mut dyn Write) -> io::Result<()> {
    let mut fingerprints = Fingerprints::default();
    let results = result
        .diagnostics
        .iter()
        .map(|diagnostic| SarifResult {
            rule_id: diagnostic.rule.as_str(),
            rule_index: rule_index(diagnostic.rule),
            level: level(diagnostic.severity),
            message: Text {
                text: result_message(diagnostic),
            },
            locations: [SarifLocation {
                physical_location: physical_location(&diagnostic.location, root),
                message: None,
            }],
            related_locations: diagnostic
                .related
                .iter()
                .map(|related| SarifLocation {
                    physical_location: physical_location(&related.location, root),
                    message: Some(MessageRef {
                        text: &related.message,
                    }),
                })
                .collect(),
            partial_fingerprints: BTreeMap::from([(
                FINGERPRINT_KEY,
                fingerprints.next(diagnostic),
            )]),
            properties: diagnostic.origin.as_ref().map(|origin| ResultProperties {
                integration: &origin.integration,
                pack: &origin.pack,
                requirement: &origin.requirement,
            }),
        })
        .collect();
    let root_uri = directory_uri(root);
    let notifications = result
        .problems
        .iter()
        .map(|problem| Notification {
            level: match problem.level {
                crate::problem::ProblemLevel::Error => "error",
                crate::problem::ProblemLevel::Warning => "warning",
            },
            message: Text {
                text: problem.message.clone(),
            },
            locations: problem
                .path
                .iter()
                .map(|path| NotificationLocation {
                    physical_location: PhysicalLocation {
                        artifact_location: artifact_location(path),
                        region: problem.line.map(|line| Region {
                            start_line: line as u32,
                            start_column: problem.column.map(|column| column as u32),
                            end_line: None,
                            end_column: None,
                        }),
                    },
                })
                .collect(),
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "sflint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: rule_descriptors(),
                },
            },
            invocations: [Invocation {
                // Problems that are not findings (an unreadable file) mean the run did not do all it
                // was asked, as exit code 2 says.
                execution_successful: !result.has_fatal_problem(),
                working_directory: ArtifactLocation {
                    uri: directory_uri(&result.display_base),
                    uri_base_id: None,
                },
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                ArtifactLocation {
                    uri: root_uri,
                    uri_base_id: None,
                },
            )]),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    crate::escape::write_json(&mut *out, &log)?;
    writeln!(out)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub may show only the first paragraph, so the message leads and the help follows it.
fn result_message(diagnostic: &Diagnostic) -> String {
    match &diagnostic.help {
        Some(help) => format!("{}\n\n{help}", diagnostic.message),
        None => diagnostic.message.clone(),
    }
}

/// `tool.driver.rules`: every rule of the registry, reported or not, so that code scanning can show
/// a rule's help even after its last alert is fixed. A result's `ruleIndex` is its id's position in
/// [`RuleId::ALL`].
fn rule_descriptors() -> Vec<ReportingDescriptor> {
    RuleId::ALL.iter().map(|rule| descriptor(*rule)).collect()
}

fn rule_index(rule: RuleId) -> usize {
    RuleId::ALL
        .iter()
        .position(|known| *known == rule)
        .unwrap_or_default()
}

fn descriptor(rule: RuleId) -> ReportingDescriptor {
    let meta: &RuleMeta = rule.meta();
    let security_severity = rule.security_severity();
    ReportingDescriptor {
        id: meta.id.to_string(),
        name: upper_camel_case(meta.id),
        short_description: Text {
            text: truncate(meta.summary, MAX_DESCRIPTION),
        },
        full_description: Text {
            text: truncate(&first_paragraph(meta.doc), MAX_DESCRIPTION),
        },
        help_uri: format!("{HELP_URI}{}.md", meta.id),
        help: Help {
            text: meta.doc.to_string(),
            markdown: Some(meta.doc.to_string()),
        },
        default_configuration: Configuration {
            level: level(meta.default_severity),
        },
        properties: RuleProperties {
            tags: if security_severity.is_some() {
                vec!["security", "salesforce"]
            } else {
                vec!["salesforce"]
            },
            security_severity,
        },
    }
}

/// `object-access-dependency` -> `ObjectAccessDependency`; `act-on/api-enabled` -> `ActOnApiEnabled`.
pub fn upper_camel_case(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .into_iter()
                .flat_map(char::to_uppercase)
                .chain(chars)
        })
        .collect()
}

/// The first paragraph of prose in a Markdown doc, its hard line breaks joined: headings are
/// skipped, since the rule docs open with `## What it checks`.
pub fn first_paragraph(doc: &str) -> String {
    let mut lines = Vec::new();
    for line in doc.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            if lines.is_empty() {
                continue;
            }
            break;
        }
        lines.push(line);
    }
    lines.join(" ")
}

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max_chars - 1).collect();
    out.push('…');
    out
}

fn physical_location(location: &Location, root: &Path) -> PhysicalLocation {
    let span = location.span;
    let (end_line, end_column) = location.end;
    // A path below the root is written relative to it, whatever directory sflint ran in.
    let fs = &location.path.fs;
    let shown = match fs.strip_prefix(root) {
        Ok(relative) if fs.is_absolute() => crate::source::display_path(relative, Path::new("")),
        _ => location.path.display.clone(),
    };
    PhysicalLocation {
        artifact_location: artifact_location(&shown),
        // The schema requires 1-based positions; a position unknown (0) is left out, not invented.
        region: (span.line >= 1).then(|| Region {
            start_line: span.line,
            start_column: (span.column >= 1).then_some(span.column),
            end_line: (end_line >= span.line && end_column >= 1).then_some(end_line),
            end_column: (end_line >= span.line && end_column >= 1).then_some(end_column),
        }),
    }
}

/// A shown path as a URI: relative to `%SRCROOT%` when it lies below the working directory (the
/// usual case, and what GitHub wants), else an absolute `file://` URI.
fn artifact_location(display: &str) -> ArtifactLocation {
    let bytes = display.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if drive {
        ArtifactLocation {
            uri: format!("file:///{}{}", &display[..2], encode_path(&display[2..])),
            uri_base_id: None,
        }
    } else if let Some(unc) = display.strip_prefix("//") {
        ArtifactLocation {
            uri: format!("file://{}", encode_path(unc)),
            uri_base_id: None,
        }
    } else if display.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{}", encode_path(display)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: encode_path(display),
            uri_base_id: Some(SRCROOT),
        }
    }
}

/// Percent-encodes (as UTF-8) every character that may not appear in the path of a URI reference,
/// keeping `/`. `:` is encoded too: in the first segment of a relative reference it would read as a
/// scheme.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&byte);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `dir` as a `file://` URI ending in `/`, as `originalUriBaseIds` requires of a base.
pub fn directory_uri(dir: &Path) -> String {
    let mut authority = String::new();
    let mut path = String::new();
    for component in dir.components() {
        match component {
            Component::Prefix(prefix) => match prefix.kind() {
                Prefix::Disk(letter) | Prefix::VerbatimDisk(letter) => {
                    path.push('/');
                    path.push(char::from(letter));
                    path.push(':');
                }
                Prefix::UNC(server, share) | Prefix::VerbatimUNC(server, share) => {
                    authority = encode_path(&server.to_string_lossy());
                    path.push('/');
                    path.push_str(&encode_path(&share.to_string_lossy()));
                }
                _ => path.push_str(&encode_path(
                    &prefix.as_os_str().to_string_lossy().replace('\\', "/"),
                )),
            },
            Component::RootDir | Component::CurDir => {}
            Component::ParentDir => path.push_str("/.."),
            Component::Normal(name) => {
                path.push('/');
                path.push_str(&encode_path(&name.to_string_lossy()));
            }
        }
    }
    path.push('/');
    format!("file://{authority}{path}")
}

/// Our own fingerprint: FNV-1a 64 of the rule id, the path, the logical element and the integration,
/// so that it survives lines moving and reformatting. GitHub computes its own
/// `primaryLocationLineHash` and warns when the log holds a different one, so that key is left to it.
///
/// The k-th finding with the same key in a run (a permission listed three times) gets `:k` appended,
/// as GitHub does for repeated line hashes; findings arrive sorted, so k is stable too.
#[derive(Default)]
struct Fingerprints {
    seen: HashMap<u64, usize>,
}

impl Fingerprints {
    fn next(&mut self, diagnostic: &Diagnostic) -> String {
        let hash = fingerprint_hash(diagnostic);
        let count = self.seen.entry(hash).or_insert(0);
        *count += 1;
        if *count == 1 {
            format!("{hash:016x}")
        } else {
            format!("{hash:016x}:{count}")
        }
    }
}

pub fn fingerprint_hash(diagnostic: &Diagnostic) -> u64 {
    let mut hash = Fnv1a::new();
    hash.field(diagnostic.rule.as_str());
    hash.field(diagnostic.path());
    hash.field(&diagnostic.element);
    if let Some(origin) = &diagnostic.origin {
        hash.field(&origin.integration);
    }
    hash.finish()
}

/// 64-bit FNV-1a (Fowler, Noll, Vo): tiny, stable across platforms and releases, unlike std's
/// `DefaultHasher`, whose algorithm may change.
struct Fnv1a(u64);

impl Fnv1a {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn new() -> Self {
        Self(Self::OFFSET_BASIS)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    /// A field and then a NUL, which no id, path or element holds, so that `ab`+`c` and `a`+`bc`
    /// hash differently.
    fn field(&mut self, text: &str) {
        self.write(text.as_bytes());
        self.write(&[0]);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        // From the FNV reference test suite (Landon Curt Noll's fnv test vectors).
        let hash = |text: &str| {
            let mut fnv = Fnv1a::new();
            fnv.write(text.as_bytes());
            fnv.finish()
        };
        assert_eq!(hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn names_rules_in_upper_camel_case() {
        assert_eq!(
            upper_camel_case("object-access-dependency"),
            "ObjectAccessDependency"
        );
        assert_eq!(upper_camel_case("act-on/api-enabled"), "ActOnApiEnabled");
    }

    #[test]
    fn takes_the_first_prose_paragraph() {
        let doc = "## What it checks\nOne line\nand two.\n\nSecond.\n";
        assert_eq!(first_paragraph(doc), "One line and two.");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abcd", 4), "abcd");
    }

    #[test]
    fn encodes_paths_as_uri_references() {
        assert_eq!(
            encode_path("force-app/My Set%/a:b#c?d[e]é.xml"),
            "force-app/My%20Set%25/a%3Ab%23c%3Fd%5Be%5D%C3%A9.xml"
        );
        let relative = artifact_location("force-app/a b.xml");
        assert_eq!(relative.uri, "force-app/a%20b.xml");
        assert_eq!(relative.uri_base_id, Some(SRCROOT));
        let absolute = artifact_location("/other/a b.xml");
        assert_eq!(absolute.uri, "file:///other/a%20b.xml");
        assert_eq!(absolute.uri_base_id, None);
        assert_eq!(artifact_location("C:/x/y.xml").uri, "file:///C:/x/y.xml");
    }

    #[cfg(unix)]
    #[test]
    fn working_directory_becomes_a_file_uri_with_a_trailing_slash() {
        assert_eq!(
            directory_uri(Path::new("/work/my project")),
            "file:///work/my%20project/"
        );
        assert_eq!(directory_uri(Path::new("/")), "file:///");
    }

    #[cfg(windows)]
    #[test]
    fn working_directory_becomes_a_file_uri_with_a_trailing_slash() {
        assert_eq!(
            directory_uri(Path::new(r"C:\work\my project")),
            "file:///C:/work/my%20project/"
        );
    }
}

//! Fixes: what a finding proposes to change, and the loop that applies them.
//!
//! A rule attaches a [`Fix`] to its finding: changes in terms of the metadata (set a field of an
//! entry, add an entry, remove one), never bytes. [`fix`] lints, turns the changes of the findings
//! it may fix into byte [`Edit`](crate::edit::Edit)s on each file's text, applies them to copies
//! held in memory, and lints again over those copies, until nothing is left to fix. Nothing is
//! written here: the caller writes the files that changed, or prints the diff.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::edit::{self, Edit, Layout};
use crate::fileset::{FileSet, Memory, Overlay};
use crate::model::MetadataKind;
use crate::model::parse::{self, Expect};
use crate::pipeline::Report;
use crate::problem::Problem;
use crate::source::FilePath;
use crate::workspace::Workspace;

/// Whether applying a fix can change what the metadata grants beyond what its finding says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Safety {
    /// Keeps what the file means to grant: Salesforce would refuse the file as it is, or does the
    /// same itself (checking Edit checks Read), or the change removes an exact repetition.
    Safe,
    /// Widens or narrows access, or chooses between values: applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Safety {
    pub fn as_str(self) -> &'static str {
        match self {
            Safety::Safe => "safe",
            Safety::Unsafe => "unsafe",
        }
    }
}

/// One change to one file, in terms of its metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Set `field` of the root's child that starts at byte `entry` (a span start of the model) to
    /// `value`, adding the field when the entry lacks it.
    SetField {
        entry: u32,
        field: &'static str,
        value: String,
    },
    /// Remove the root's child that starts at byte `entry`.
    RemoveEntry { entry: u32 },
    /// Add an entry of `kind` whose key is `key`, with `fields` (the key field among them).
    AddEntry {
        kind: &'static str,
        key: String,
        fields: Vec<(&'static str, String)>,
    },
}

/// What a finding proposes to change to resolve it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub safety: Safety,
    /// What it does, as a sentence: `Set <allowRead> to true.`
    pub title: String,
    pub changes: Vec<(Arc<FilePath>, Change)>,
}

impl Fix {
    pub fn new(safety: Safety, title: impl Into<String>) -> Fix {
        Fix {
            safety,
            title: title.into(),
            changes: Vec::new(),
        }
    }

    pub fn change(mut self, file: &Arc<FilePath>, change: Change) -> Fix {
        self.changes.push((Arc::clone(file), change));
        self
    }
}

/// At most this many rounds of lint and fix: a fix may make another possible (enabling a
/// permission another depends on), and a loop that does not settle must still end.
const MAX_PASSES: usize = 5;

/// Which entry the fix of conflicting repeated entries keeps (`--keep-duplicate`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum KeepDuplicate {
    /// The first, as written; the access the later entries add is lost.
    #[default]
    First,
    /// The first, widened to everything any of them grants.
    Widest,
}

/// Files a run changed: each one's bytes before and after (a byte order mark kept).
pub type Changed = BTreeMap<Arc<FilePath>, (Vec<u8>, Vec<u8>)>;

/// What a fixing run produced.
#[derive(Debug, Default)]
pub struct Fixed {
    /// Each file that changed.
    pub files: Changed,
    /// Fixes applied, over every pass.
    pub applied: usize,
    /// The report of the last lint, over the fixed texts.
    pub report: Report,
    /// Edits that were dropped, with why.
    pub problems: Vec<Problem>,
    /// The fixes applied, in the order of the passes.
    pub log: Vec<Applied>,
}

/// A fix applied: the finding's rule and requirement, and what the fix did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub rule: crate::registry::RuleId,
    /// The pack requirement (`<pack>/<id>`) of a pack finding.
    pub requirement: Option<String>,
    pub title: String,
    pub safety: Safety,
}

/// Lints the workspace, applies the fixes of its findings (the unsafe ones too with
/// `unsafe_fixes`) to copies of the files, and lints again, until nothing changes.
pub fn fix(workspace: &Workspace, files: &dyn FileSet, unsafe_fixes: bool) -> Fixed {
    let mut buffers = Memory::new();
    let mut original: BTreeMap<Arc<FilePath>, Vec<u8>> = BTreeMap::new();
    let mut fixed = Fixed::default();
    for _ in 0..MAX_PASSES {
        let report = crate::lint(
            workspace,
            &Overlay {
                top: &buffers,
                base: files,
            },
        );
        let mut changes: BTreeMap<Arc<FilePath>, Vec<&Change>> = BTreeMap::new();
        let mut count = 0;
        let mut log = Vec::new();
        for finding in &report.diagnostics {
            let Some(fix) = &finding.fix else { continue };
            if fix.safety == Safety::Unsafe && !unsafe_fixes {
                continue;
            }
            count += 1;
            log.push(Applied {
                rule: finding.rule,
                requirement: finding
                    .origin
                    .as_ref()
                    .map(|origin| origin.requirement.clone()),
                title: fix.title.clone(),
                safety: fix.safety,
            });
            for (file, change) in &fix.changes {
                changes.entry(Arc::clone(file)).or_default().push(change);
            }
        }
        let mut progress = false;
        for (file, changes) in changes {
            let current = match buffers_or_disk(&buffers, files, &file.fs) {
                Ok(bytes) => bytes,
                Err(message) => {
                    fixed
                        .problems
                        .push(Problem::error(Some(file.display.clone()), message));
                    continue;
                }
            };
            match apply_changes(&file, &current, &changes) {
                Ok(Some(edited)) => {
                    original
                        .entry(Arc::clone(&file))
                        .or_insert_with(|| current.clone());
                    buffers.insert(file.fs.clone(), edited);
                    progress = true;
                }
                Ok(None) => {}
                Err(message) => fixed.problems.push(Problem::warning(
                    Some(file.display.clone()),
                    format!("not fixed: {message}"),
                )),
            }
        }
        if !progress {
            fixed.report = report;
            break;
        }
        fixed.applied += count;
        fixed.log.extend(log);
        fixed.report = report;
    }
    // The report of the texts as they end up.
    fixed.report = crate::lint(
        workspace,
        &Overlay {
            top: &buffers,
            base: files,
        },
    );
    for (file, before) in original {
        if let Ok(after) = buffers.read(&file.fs)
            && after != before
        {
            fixed.files.insert(file, (before, after));
        }
    }
    fixed
}

fn buffers_or_disk(
    buffers: &Memory,
    files: &dyn FileSet,
    path: &std::path::Path,
) -> Result<Vec<u8>, String> {
    Overlay {
        top: buffers,
        base: files,
    }
    .read(path)
}

/// The file's bytes with `changes` applied, `None` when nothing changed; an error when the result
/// would not be the metadata it was (the edit is then dropped, the file left as it was).
fn apply_changes(
    file: &FilePath,
    bytes: &[u8],
    changes: &[&Change],
) -> Result<Option<Vec<u8>>, String> {
    let planned = edits(file, bytes, changes)?;
    if planned.is_empty() {
        return Ok(None);
    }
    let bom = bom_len(bytes);
    let text =
        std::str::from_utf8(&bytes[bom..]).map_err(|_| "the file is not UTF-8".to_string())?;
    let (edited, _) = edit::apply(text, planned);
    let mut out = bytes[..bom].to_vec();
    out.extend_from_slice(edited.as_bytes());
    Ok(Some(out))
}

fn bom_len(bytes: &[u8]) -> usize {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    }
}

/// The byte edits that apply `changes` to a file's text (offsets after any byte order mark), in
/// position order, without those [`edit::apply`] would drop as overlapping; empty when nothing would
/// change. An error when the result would not be the metadata it was. `check --fix` applies them;
/// the language server offers them as code actions on the editor's buffer.
pub fn edits(file: &FilePath, bytes: &[u8], changes: &[&Change]) -> Result<Vec<Edit>, String> {
    let text = std::str::from_utf8(&bytes[bom_len(bytes)..])
        .map_err(|_| "the file is not UTF-8".to_string())?;
    let layout = Layout::read(text).ok_or("the file is not well-formed XML")?;
    let mut edits: Vec<Edit> = Vec::new();
    let mut removed: Vec<u32> = Vec::new();
    let mut added: Vec<(&str, &str)> = Vec::new();
    // Fields added at one place come out in the order a retrieve writes them.
    let mut changes = changes.to_vec();
    changes.sort_by_key(|change| match change {
        Change::SetField { entry, field, .. } => (0, *entry, *field, ""),
        Change::RemoveEntry { entry } => (1, *entry, "", ""),
        Change::AddEntry { kind, key, .. } => (2, 0, *kind, key.as_str()),
    });
    for change in changes {
        match change {
            Change::SetField {
                entry,
                field,
                value,
            } => {
                if removed.contains(entry) {
                    continue;
                }
                if let Some(element) = layout.entry_at(*entry as usize) {
                    edits.push(layout.set_field(text, element, field, value));
                }
            }
            Change::RemoveEntry { entry } => {
                if let Some(element) = layout.entry_at(*entry as usize)
                    && !removed.contains(entry)
                {
                    removed.push(*entry);
                    edits.push(layout.remove(text, element));
                }
            }
            Change::AddEntry { kind, key, fields } => {
                let already = layout
                    .children
                    .iter()
                    .any(|child| child.name == *kind && child.key() == Some(key.as_str()));
                if already || added.contains(&(*kind, key.as_str())) {
                    continue;
                }
                added.push((*kind, key.as_str()));
                let fields: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(name, value)| (*name, value.as_str()))
                    .collect();
                let xml = layout.entry_xml(text, kind, &fields);
                edits.push(layout.insert_entry(text, kind, Some(key), &xml));
            }
        }
    }
    if edits.is_empty() {
        return Ok(edits);
    }
    // The order and the overlap rule of `edit::apply`: what it would drop waits for another pass.
    edits.sort_by(|a, b| {
        a.range
            .start
            .cmp(&b.range.start)
            .then(a.range.end.cmp(&b.range.end))
    });
    let mut at = 0;
    edits.retain(|edit| {
        let kept = edit.range.start >= at && edit.range.end <= text.len();
        if kept {
            at = edit.range.end;
        }
        kept
    });
    let (edited, _) = edit::apply(text, edits.clone());
    if edited == text {
        return Ok(Vec::new());
    }
    validate(file, text, &edited)?;
    Ok(edits)
}

/// An edited file must still parse as the metadata it was, with no new problem.
fn validate(file: &FilePath, before: &str, after: &str) -> Result<(), String> {
    let expect = file
        .fs
        .file_name()
        .and_then(|name| name.to_str())
        .and_then(MetadataKind::from_file_name)
        .map_or(Expect::DecomposedPart, |(kind, _)| Expect::Component(kind));
    let issues_before = parse::parse(before, 0, expect).map_or(0, |parsed| parsed.issues.len());
    match parse::parse(after, 0, expect) {
        Ok(parsed) if parsed.issues.len() <= issues_before => Ok(()),
        Ok(parsed) => Err(format!(
            "the edit would make the file invalid: {}",
            parsed.issues[issues_before.min(parsed.issues.len() - 1)].message
        )),
        Err(error) => Err(format!(
            "the edit would make the file invalid: {}",
            error.message
        )),
    }
}

/// A unified diff of every file that changed, paths as shown.
pub fn diff(files: &Changed) -> String {
    let mut out = String::new();
    for (file, (before, after)) in files {
        let before = String::from_utf8_lossy(before);
        let after = String::from_utf8_lossy(after);
        let shown = crate::escape::text(&file.display);
        out.push_str(
            &similar::TextDiff::from_lines(&before, &after)
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{shown}"), &format!("b/{shown}"))
                .to_string(),
        );
    }
    out
}

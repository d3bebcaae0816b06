//! The review as text for a terminal, as JSON (the schema the README documents, `version` 1), and
//! as Markdown for a pull request comment: high-risk gains first, sections collapsed past a size,
//! the whole under GitHub's 65,536-character limit. Every repository string is escaped for its
//! format.

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use super::{Changes, FindingChange, Review, Subject};
use crate::escape;
use crate::model::ObjectFlag;
use crate::problem::{Problem, ProblemLevel};

/// The hidden marker that starts the Markdown comment, by which the action finds the comment to
/// update.
pub const MARKER: &str = "<!-- sflint-diff -->";

/// GitHub's limit on a comment, in characters.
pub const COMMENT_LIMIT: usize = 65_536;

/// The JSON name of an object flag, as packs name it.
pub fn flag_id(flag: ObjectFlag) -> &'static str {
    match flag {
        ObjectFlag::Read => "read",
        ObjectFlag::Create => "create",
        ObjectFlag::Edit => "edit",
        ObjectFlag::Delete => "delete",
        ObjectFlag::ViewAll => "view-all",
        ObjectFlag::ModifyAll => "modify-all",
        ObjectFlag::ViewAllFields => "view-all-fields",
    }
}

fn revision_line(review: &Review) -> String {
    let name = |revision: &super::Revision| match &revision.commit {
        Some(commit) => format!(
            "{} ({})",
            escape::text(&revision.name),
            &commit[..commit.len().min(12)]
        ),
        None => escape::text(&revision.name).into_owned(),
    };
    format!("{} -> {}", name(&review.base), name(&review.head))
}

fn subject_title(subject: &Subject) -> String {
    let mut title = format!("{} {}", subject.kind.noun(), escape::text(&subject.name));
    if let Some(from) = &subject.renamed_from {
        let _ = write!(title, " (renamed from {})", escape::text(from));
    }
    match subject.status {
        super::Status::Added => title.push_str(" (new)"),
        super::Status::Removed => title.push_str(" (removed)"),
        super::Status::Changed => {}
    }
    title
}

/// The lines of one group of changes: `user permissions: A, B`; object access by flag; field access
/// by access; the rest by type. High-risk entries are marked with `!` (text) or bold (Markdown).
struct Groups {
    /// (heading, entries as (text, high-risk)).
    groups: Vec<(String, Vec<(String, bool)>)>,
}

impl Groups {
    fn of(changes: &Changes) -> Groups {
        let mut groups: Vec<(String, Vec<(String, bool)>)> = Vec::new();
        if !changes.user_permissions.is_empty() {
            groups.push((
                "user permissions".to_string(),
                changes
                    .user_permissions
                    .iter()
                    .map(|(name, risky)| (name.clone(), *risky))
                    .collect(),
            ));
        }
        // By flag: the order of `Changes`, widest first with high-risk flags leading.
        for (object, flag, risky) in &changes.object_access {
            let heading = format!("object access, {}", flag.label());
            match groups.last_mut() {
                Some((last, entries)) if *last == heading => entries.push((object.clone(), *risky)),
                _ => groups.push((heading, vec![(object.clone(), *risky)])),
            }
        }
        for (field, flag) in &changes.field_access {
            let heading = format!("field access, {}", flag.label());
            match groups.last_mut() {
                Some((last, entries)) if *last == heading => entries.push((field.clone(), false)),
                _ => groups.push((heading, vec![(field.clone(), false)])),
            }
        }
        for (kind, name) in &changes.other {
            let heading = kind.plural().to_string();
            match groups.last_mut() {
                Some((last, entries)) if *last == heading => entries.push((name.clone(), false)),
                _ => groups.push((heading, vec![(name.clone(), false)])),
            }
        }
        Groups { groups }
    }
}

/// `sflint diff` for a terminal.
pub fn human(review: &Review, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "sflint diff: {}", revision_line(review))?;
    let risky: Vec<(&Subject, Vec<String>)> = review
        .subjects
        .iter()
        .map(|subject| (subject, subject.gained.high_risk()))
        .filter(|(_, risky)| !risky.is_empty())
        .collect();
    if !risky.is_empty() {
        writeln!(out, "\nHigh-risk gains (marked !):")?;
        for (subject, grants) in &risky {
            for grant in grants {
                writeln!(
                    out,
                    "  ! {}: {}",
                    subject_title(subject),
                    escape::text(grant)
                )?;
            }
        }
    }
    for subject in &review.subjects {
        writeln!(out, "\n{}", subject_title(subject))?;
        if let Some(path) = &subject.path {
            writeln!(out, "  {}", escape::text(path))?;
        }
        for (verb, changes) in [("gained", &subject.gained), ("lost", &subject.lost)] {
            let groups = Groups::of(changes);
            for (heading, entries) in &groups.groups {
                let listed: Vec<String> = entries
                    .iter()
                    .map(|(text, risky)| {
                        let text = escape::text(text);
                        if *risky {
                            format!("!{text}")
                        } else {
                            text.into_owned()
                        }
                    })
                    .collect();
                writeln!(out, "  {verb} {heading}: {}", listed.join(", "))?;
            }
        }
    }
    if !review.appeared.is_empty() || !review.disappeared.is_empty() {
        writeln!(out, "\nFindings:")?;
        for (sign, findings) in [("+", &review.appeared), ("-", &review.disappeared)] {
            for finding in findings {
                writeln!(out, "  {sign} {}", finding_line(finding))?;
            }
        }
    }
    writeln!(out, "\n{}", summary(review))
}

fn finding_line(finding: &FindingChange) -> String {
    format!(
        "{}:{}:{}: {} [{}] {}",
        escape::text(&finding.path),
        finding.line,
        finding.column,
        finding.severity.as_str(),
        escape::text(&finding.rule),
        escape::text(&finding.message)
    )
}

fn summary(review: &Review) -> String {
    let gained: usize = review.subjects.iter().map(|s| s.gained.count()).sum();
    let lost: usize = review.subjects.iter().map(|s| s.lost.count()).sum();
    let risky: usize = review
        .subjects
        .iter()
        .map(|s| s.gained.high_risk().len())
        .sum();
    if review.subjects.is_empty() && review.appeared.is_empty() && review.disappeared.is_empty() {
        return "no change in access, no finding appeared or disappeared".to_string();
    }
    format!(
        "{} changed: {} gained ({} high-risk), {} lost; {} appeared, {} disappeared",
        crate::report::plural(review.subjects.len(), "subject"),
        crate::report::plural(gained, "grant"),
        risky,
        lost,
        crate::report::plural(review.appeared.len(), "finding"),
        review.disappeared.len()
    )
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    base: RevisionEntry<'a>,
    head: RevisionEntry<'a>,
    #[serde(rename = "highRiskGained")]
    high_risk_gained: bool,
    subjects: Vec<SubjectEntry<'a>>,
    findings: FindingsEntry<'a>,
    problems: Vec<ProblemEntry<'a>>,
}

#[derive(Serialize)]
struct RevisionEntry<'a> {
    revision: &'a str,
    commit: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SubjectEntry<'a> {
    kind: &'a str,
    name: &'a str,
    renamed_from: Option<&'a str>,
    path: Option<&'a str>,
    status: &'a str,
    gained: ChangesEntry<'a>,
    lost: ChangesEntry<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChangesEntry<'a> {
    user_permissions: Vec<PermissionEntry<'a>>,
    object_access: Vec<ObjectEntry<'a>>,
    field_access: Vec<FieldEntry<'a>>,
    other: Vec<OtherEntry<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PermissionEntry<'a> {
    name: &'a str,
    high_risk: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ObjectEntry<'a> {
    object: &'a str,
    flag: &'a str,
    high_risk: bool,
}

#[derive(Serialize)]
struct FieldEntry<'a> {
    field: &'a str,
    access: &'a str,
}

#[derive(Serialize)]
struct OtherEntry<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct FindingsEntry<'a> {
    appeared: Vec<FindingEntry<'a>>,
    disappeared: Vec<FindingEntry<'a>>,
}

#[derive(Serialize)]
struct FindingEntry<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    path: &'a str,
    line: u32,
    column: u32,
    element: &'a str,
    integration: Option<&'a str>,
}

#[derive(Serialize)]
struct ProblemEntry<'a> {
    level: &'a str,
    path: Option<&'a str>,
    message: &'a str,
}

fn changes_entry(changes: &Changes) -> ChangesEntry<'_> {
    ChangesEntry {
        user_permissions: changes
            .user_permissions
            .iter()
            .map(|(name, high_risk)| PermissionEntry {
                name,
                high_risk: *high_risk,
            })
            .collect(),
        object_access: changes
            .object_access
            .iter()
            .map(|(object, flag, high_risk)| ObjectEntry {
                object,
                flag: flag_id(*flag),
                high_risk: *high_risk,
            })
            .collect(),
        field_access: changes
            .field_access
            .iter()
            .map(|(field, flag)| FieldEntry {
                field,
                access: flag.id(),
            })
            .collect(),
        other: changes
            .other
            .iter()
            .map(|(kind, name)| OtherEntry {
                kind: kind.id(),
                name,
            })
            .collect(),
    }
}

fn finding_entry(finding: &FindingChange) -> FindingEntry<'_> {
    FindingEntry {
        rule: &finding.rule,
        severity: finding.severity.as_str(),
        message: &finding.message,
        path: &finding.path,
        line: finding.line,
        column: finding.column,
        element: &finding.element,
        integration: finding.integration.as_deref(),
    }
}

fn problem_entry(problem: &Problem) -> ProblemEntry<'_> {
    ProblemEntry {
        level: match problem.level {
            ProblemLevel::Warning => "warning",
            ProblemLevel::Error => "error",
        },
        path: problem.path.as_deref(),
        message: &problem.message,
    }
}

/// `sflint diff --format json`.
pub fn json(review: &Review, out: &mut dyn Write) -> io::Result<()> {
    fn revision(revision: &super::Revision) -> RevisionEntry<'_> {
        RevisionEntry {
            revision: &revision.name,
            commit: revision.commit.as_deref(),
        }
    }
    let document = Document {
        version: 1,
        base: revision(&review.base),
        head: revision(&review.head),
        high_risk_gained: review.gains_high_risk(),
        subjects: review
            .subjects
            .iter()
            .map(|subject| SubjectEntry {
                kind: subject.kind.id(),
                name: &subject.name,
                renamed_from: subject.renamed_from.as_deref(),
                path: subject.path.as_deref(),
                status: subject.status.id(),
                gained: changes_entry(&subject.gained),
                lost: changes_entry(&subject.lost),
            })
            .collect(),
        findings: FindingsEntry {
            appeared: review.appeared.iter().map(finding_entry).collect(),
            disappeared: review.disappeared.iter().map(finding_entry).collect(),
        },
        problems: review.problems.iter().map(problem_entry).collect(),
    };
    escape::write_json(out, &document)?;
    writeln!(out)
}

/// Plain text for Markdown: escaped for terminals and logs, then every character Markdown or
/// HTML could read as markup backslash-escaped or written as an entity.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in escape::text(text).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '-' | '.'
            | '!' | '|' | '~' | '"' | '\'' | ':' | '@' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// An inline code span that holds `text` whatever backticks it contains: fenced by a longer run,
/// padded by spaces when it starts or ends with a backtick. Markdown shows code spans literally.
pub fn markdown_code(text: &str) -> String {
    let text = escape::text(text).replace('\n', " ");
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    if text.starts_with('`') || text.ends_with('`') || longest > 0 {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

/// Options of the Markdown report.
#[derive(Debug, Clone, Copy)]
pub struct MarkdownOptions {
    /// A subject with more changed entries than this is collapsed in a `<details>` section.
    pub collapse_over: usize,
    /// The most characters the comment may have.
    pub limit: usize,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        MarkdownOptions {
            collapse_over: 10,
            limit: COMMENT_LIMIT,
        }
    }
}

fn markdown_section(subject: &Subject, options: MarkdownOptions) -> String {
    let mut title = format!("{} {}", subject.kind.noun(), markdown_code(&subject.name));
    if let Some(from) = &subject.renamed_from {
        let _ = write!(title, " (renamed from {})", markdown_code(from));
    }
    match subject.status {
        super::Status::Added => title.push_str(" (new)"),
        super::Status::Removed => title.push_str(" (removed)"),
        super::Status::Changed => {}
    }
    let counts = format!(
        "{} gained, {} lost",
        subject.gained.count(),
        subject.lost.count()
    );
    let mut body = String::new();
    if let Some(path) = &subject.path {
        let _ = writeln!(body, "{}\n", markdown_code(path));
    }
    for (verb, changes) in [("Gained", &subject.gained), ("Lost", &subject.lost)] {
        for (heading, entries) in &Groups::of(changes).groups {
            let listed: Vec<String> = entries
                .iter()
                .map(|(text, risky)| {
                    if *risky {
                        format!("**{}** :warning:", markdown_code(text))
                    } else {
                        markdown_code(text)
                    }
                })
                .collect();
            let _ = writeln!(body, "- {verb} {heading}: {}", listed.join(", "));
        }
    }
    let size = subject.gained.count() + subject.lost.count();
    if size > options.collapse_over {
        format!(
            "<details><summary>{} ({counts})</summary>\n\n{body}\n</details>\n\n",
            title.replace('`', "")
        )
    } else {
        format!("#### {title} ({counts})\n\n{body}\n")
    }
}

/// `sflint diff --format markdown`: one comment, led by [`MARKER`], never over `options.limit`
/// characters: sections that would pass it are left out and counted.
pub fn markdown(review: &Review, options: MarkdownOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut text = String::new();
    let _ = writeln!(text, "{MARKER}");
    let name = |revision: &super::Revision| match &revision.commit {
        Some(commit) => format!(
            "{} ({})",
            markdown_code(&revision.name),
            &commit[..commit.len().min(12)]
        ),
        None => markdown_code(&revision.name),
    };
    let _ = writeln!(
        text,
        "### sflint access review: {} → {}\n",
        name(&review.base),
        name(&review.head)
    );
    let risky: Vec<(&Subject, Vec<String>)> = review
        .subjects
        .iter()
        .map(|subject| (subject, subject.gained.high_risk()))
        .filter(|(_, risky)| !risky.is_empty())
        .collect();
    if !risky.is_empty() {
        let _ = writeln!(text, ":warning: **High-risk gains**\n");
        // Each subject's line and the number of lines are bounded, so that the list always fits
        // in the comment.
        if risky.len() > 100 {
            let _ = writeln!(text, "- and {} more subjects", risky.len() - 100);
        }
        for (subject, grants) in risky.iter().take(100) {
            let mut grants: Vec<String> =
                grants.iter().take(20).map(|g| markdown_code(g)).collect();
            if grants.len() < subject.gained.high_risk().len() {
                grants.push(format!(
                    "and {} more",
                    subject.gained.high_risk().len() - 20
                ));
            }
            let _ = writeln!(
                text,
                "- {} {}: {}",
                subject.kind.noun(),
                markdown_code(&subject.name),
                grants.join(", ")
            );
        }
        text.push('\n');
    }
    // Our own words and numbers: nothing from the repository to escape.
    let _ = writeln!(text, "{}\n", summary(review));
    let mut sections: Vec<String> = review
        .subjects
        .iter()
        .map(|subject| markdown_section(subject, options))
        .collect();
    if !review.appeared.is_empty() || !review.disappeared.is_empty() {
        let mut findings = String::new();
        for (sign, list) in [
            ("Appeared", &review.appeared),
            ("Disappeared", &review.disappeared),
        ] {
            for finding in list {
                let _ = writeln!(
                    findings,
                    "- {sign}: {} {}:{} {} {}",
                    finding.severity.as_str(),
                    markdown_code(&finding.path),
                    finding.line,
                    markdown_code(&finding.rule),
                    markdown_text(&finding.message)
                );
            }
        }
        let count = review.appeared.len() + review.disappeared.len();
        sections.push(if count > options.collapse_over {
            format!(
                "<details><summary>Findings: {} appeared, {} disappeared</summary>\n\n{findings}\n</details>\n\n",
                review.appeared.len(),
                review.disappeared.len()
            )
        } else {
            format!(
                "#### Findings: {} appeared, {} disappeared\n\n{findings}\n",
                review.appeared.len(),
                review.disappeared.len()
            )
        });
    }
    // Room for the closing line that counts what was left out.
    let reserve = 200;
    let mut left_out = 0;
    for section in &sections {
        if left_out == 0 && text.len() + section.len() + reserve <= options.limit {
            text.push_str(section);
        } else {
            left_out += 1;
        }
    }
    if left_out > 0 {
        let _ = writeln!(
            text,
            "_{} more sections left out to stay under the comment size limit: run `sflint diff --format json` for all of them._",
            left_out
        );
    }
    out.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::super::{Changes, Revision, Status, SubjectKind};
    use super::*;

    fn subject(name: &str, permissions: usize) -> Subject {
        Subject {
            kind: SubjectKind::PermissionSet,
            name: name.to_string(),
            renamed_from: None,
            path: Some(format!("force-app/{name}.permissionset-meta.xml")),
            status: Status::Changed,
            gained: Changes {
                user_permissions: (0..permissions)
                    .map(|index| (format!("Permission{index}"), index == 0))
                    .collect(),
                ..Changes::default()
            },
            lost: Changes::default(),
        }
    }

    fn review(subjects: Vec<Subject>) -> Review {
        Review {
            base: Revision {
                name: "main".to_string(),
                commit: Some("0123456789abcdef".to_string()),
            },
            head: Revision {
                name: "work tree".to_string(),
                commit: None,
            },
            subjects,
            appeared: Vec::new(),
            disappeared: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// However large the review, the comment stays under GitHub's limit and says what it left out.
    #[test]
    fn markdown_stays_under_the_comment_limit() {
        let subjects = (0..3_000)
            .map(|index| subject(&format!("Set{index:04}"), 40))
            .collect();
        let mut out = Vec::new();
        markdown(&review(subjects), MarkdownOptions::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.chars().count() <= COMMENT_LIMIT, "{}", text.len());
        assert!(text.starts_with(MARKER));
        assert!(text.contains("<details><summary>permission set Set0000 (40 gained, 0 lost)"));
        let last = text.lines().last().unwrap();
        assert!(
            last.ends_with("more sections left out to stay under the comment size limit: run `sflint diff --format json` for all of them._"),
            "{last}"
        );
        // The high-risk list is bounded too.
        assert!(text.contains("- and 2900 more subjects"));
    }

    /// Names from the repository cannot break out of their code spans or inject HTML or control
    /// characters.
    #[test]
    fn repository_strings_are_escaped_in_every_format() {
        let hostile = "A`` <img src=x>\u{1b}[31m\n::error::x";
        let mut out = Vec::new();
        markdown(
            &review(vec![subject(hostile, 1)]),
            MarkdownOptions::default(),
            &mut out,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("``` A`` <img src=x>\\u{1b}[31m\\n::error::x ```"),
            "{text}"
        );
        assert!(!text.contains('\u{1b}'));
        assert!(!text.lines().any(|line| line.starts_with("::")));
        let mut out = Vec::new();
        human(&review(vec![subject(hostile, 1)]), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('\u{1b}'));
        assert!(!text.lines().any(|line| line.starts_with("::")), "{text}");
        assert_eq!(markdown_text("a|b <c>"), "a\\|b &lt;c&gt;");
        assert_eq!(markdown_code("`x`"), "`` `x` ``");
    }
}

//! `sflint scaffold PACK`: the least-privilege permission set that satisfies a pack (for a pack that
//! reads its grants on the profile, the profile fragment it needs), written by the pack's own fixes.
//!
//! An empty permission set (or profile) is checked as the pack's integration user, in a project of
//! its own in a temporary directory; the unsafe fixes of the findings grant what is missing and the
//! safe ones what that needs, until nothing changes; the result is put in canonical order. Nothing
//! is granted that no finding asked for, so the file is the least the pack's checks accept.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::DiscoverOptions;
use crate::edit::escape_text;
use crate::fileset::{Disk, Memory, Overlay};
use crate::fix::Applied;
use crate::integrations::Integration;
use crate::model::MetadataKind;
use crate::packs::Pack;
use crate::packs::file::GrantsOn;
use crate::packs::kinds::LicenseOf;
use crate::problem::{Problem, ProblemLevel};
use crate::registry::RuleId;
use crate::workspace::{ConfigSource, Workspace, WorkspaceOptions};

/// The API version of the project the scaffold is checked in: recent enough for every permission
/// and object flag the catalog knows (View All Fields needs 63.0).
const API_VERSION: &str = "64.0";

/// Salesforce's limit on a description.
const DESCRIPTION_LIMIT: usize = 255;

/// What to scaffold, as the command line says it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// A shipped pack id or a pack file.
    pub pack: String,
    /// `KEY=VALUE` options of the pack.
    pub options: Vec<String>,
    /// The license to write instead of the one the pack asks for.
    pub license: Option<String>,
    /// The API name instead of `<Vendor>_Integration`.
    pub name: Option<String>,
}

/// A scaffolded file.
#[derive(Debug)]
pub struct Scaffold {
    pub pack: String,
    pub kind: MetadataKind,
    pub name: String,
    /// The file's name in a source-format project.
    pub file_name: String,
    pub license: Option<String>,
    pub text: String,
    /// Every fix that wrote part of it.
    pub included: Vec<Applied>,
    /// Errors and warnings the scaffold still gets: what a permission set cannot satisfy alone.
    pub remaining: Vec<Diagnostic>,
    /// Permission sets the pack also wants the user to hold (a package's): no scaffold can write
    /// them, so they are to be assigned as well.
    pub assign: Vec<Diagnostic>,
}

/// Scaffolds `request`, resolving a pack file relative to `cwd`.
pub fn scaffold(request: &Request, cwd: &Path) -> Result<Scaffold, Vec<Problem>> {
    let pack = crate::packs::resolve(&request.pack, cwd, cwd).map_err(|problem| vec![problem])?;
    let kind = if pack.file.pack.grants_on == GrantsOn::Profile {
        MetadataKind::Profile
    } else {
        MetadataKind::PermissionSet
    };
    let name = match &request.name {
        Some(name) => {
            api_name_problem(name).map_or(Ok(()), |why| Err(vec![Problem::error(None, why)]))?;
            name.clone()
        }
        None => default_name(&pack),
    };
    // A pack file named relative to the working directory is passed on as an absolute path.
    let reference = match crate::packs::find_shipped(&request.pack) {
        Some(_) => request.pack.clone(),
        None => cwd.join(&request.pack).display().to_string(),
    };
    let project = tempfile::tempdir().map_err(|error| {
        vec![Problem::error(
            None,
            format!("a temporary project: {error}"),
        )]
    })?;
    let root = project.path();
    let folder = match kind {
        MetadataKind::Profile => "profiles",
        _ => "permissionsets",
    };
    let file_name = format!("{name}{}", kind.suffixes()[0]);
    let relative = PathBuf::from("force-app/main/default")
        .join(folder)
        .join(&file_name);
    let path = root.join(&relative);
    let write = |path: &Path, text: &str| {
        std::fs::create_dir_all(path.parent().unwrap_or(root))
            .and_then(|()| std::fs::write(path, text))
            .map_err(|error| {
                vec![Problem::error(
                    None,
                    format!("a temporary project: {error}"),
                )]
            })
    };
    write(
        &root.join("sfdx-project.json"),
        &format!(
            "{{\"packageDirectories\":[{{\"path\":\"force-app\",\"default\":true}}],\"sourceApiVersion\":\"{API_VERSION}\"}}\n"
        ),
    )?;
    let load = |text: &str| -> Result<Workspace, Vec<Problem>> {
        write(&path, text)?;
        let mut options = WorkspaceOptions::new(root.to_path_buf());
        options.discover = DiscoverOptions {
            paths: vec![relative.clone()],
            ..DiscoverOptions::default()
        };
        options.config = ConfigSource::Isolated;
        options.pack = Some(reference.clone());
        options.pack_options = request.options.clone();
        let workspace = Workspace::load(&options);
        let errors: Vec<Problem> = workspace
            .problems
            .iter()
            .filter(|problem| problem.level == ProblemLevel::Error)
            .cloned()
            .collect();
        if errors.is_empty() {
            Ok(workspace)
        } else {
            Err(errors)
        }
    };
    let mut workspace = load(&skeleton(&pack, kind, None))?;
    let license_of = match kind {
        MetadataKind::Profile => LicenseOf::Profile,
        _ => LicenseOf::PermissionSet,
    };
    let license = request.license.clone().or_else(|| {
        workspace
            .integrations
            .first()
            .and_then(|integration| asked_license(integration, license_of))
    });
    if license.is_some() {
        workspace = load(&skeleton(&pack, kind, license.as_deref()))?;
    }
    let fixed = crate::fix::fix(&workspace, &Disk, true);
    if let Some(problem) = fixed.problems.first() {
        return Err(vec![problem.clone()]);
    }
    let written = fixed
        .files
        .values()
        .next()
        .map(|(_, after)| after.clone())
        .unwrap_or_else(|| std::fs::read(&path).unwrap_or_default());
    let written = String::from_utf8(written).map_err(|_| {
        vec![Problem::error(
            None,
            "the scaffold is not UTF-8".to_string(),
        )]
    })?;
    let text = crate::format::format(&written).unwrap_or(written);
    let mut buffers = Memory::new();
    buffers.insert(path.clone(), text.clone().into_bytes());
    let report = crate::lint(
        &workspace,
        &Overlay {
            top: &buffers,
            base: &Disk,
        },
    );
    // An option the pack cannot do without is asked for when the pack is evaluated.
    let errors: Vec<Problem> = report
        .problems
        .iter()
        .filter(|problem| problem.level == ProblemLevel::Error)
        .cloned()
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let (assign, remaining) = report
        .diagnostics
        .into_iter()
        .filter(|finding| finding.severity >= Severity::Warning)
        .partition(|finding| finding.rule == RuleId::MissingPermissionSet);
    Ok(Scaffold {
        pack: pack.id().to_string(),
        kind,
        name,
        file_name,
        license,
        text,
        included: fixed.log,
        remaining,
        assign,
    })
}

/// The JSON form (`sflint scaffold --format json`): the file, and each fix that wrote part of it
/// with the rule and pack requirement that asked for it.
pub fn to_json(scaffold: &Scaffold) -> serde_json::Value {
    serde_json::json!({
        "pack": scaffold.pack,
        "kind": scaffold.kind.root_element(),
        "name": scaffold.name,
        "file": scaffold.file_name,
        "license": scaffold.license,
        "included": scaffold.included.iter().map(|applied| serde_json::json!({
            "rule": applied.rule.as_str(),
            "requirement": applied.requirement,
            "safety": applied.safety.as_str(),
            "fix": applied.title,
        })).collect::<Vec<_>>(),
        "remaining": scaffold.remaining.iter().map(finding_json).collect::<Vec<_>>(),
        "assign": scaffold.assign.iter().map(finding_json).collect::<Vec<_>>(),
        "text": scaffold.text,
    })
}

fn finding_json(finding: &Diagnostic) -> serde_json::Value {
    serde_json::json!({
        "rule": finding.rule.as_str(),
        "severity": finding.severity.as_str(),
        "requirement": finding.origin.as_ref().map(|origin| &origin.requirement),
        "message": finding.message,
    })
}

/// The license the pack asks of the file scaffolded, for the options given.
fn asked_license(integration: &Integration, of: LicenseOf) -> Option<String> {
    integration
        .pack
        .file
        .requirements
        .iter()
        .filter(|requirement| integration.options.satisfy(requirement.when.as_ref()))
        .find_map(|requirement| match requirement.kind.licenses() {
            Some((holder, licenses)) if holder == of => licenses.first().cloned(),
            _ => None,
        })
}

/// `<Vendor>_Integration`, the vendor's name made an API name.
fn default_name(pack: &Pack) -> String {
    let mut name = String::new();
    for c in pack.file.pack.name.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('_') {
            name.push('_');
        }
    }
    let name = name.trim_end_matches('_');
    let name = if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.to_string()
    } else {
        format!("X{name}")
    };
    format!("{name}_Integration")
}

/// Why `name` is not an API name Salesforce accepts, if it is not.
fn api_name_problem(name: &str) -> Option<String> {
    let shown = crate::escape::text(name);
    if name.is_empty() || name.len() > 80 {
        return Some(format!(
            "--name {shown}: an API name has 1 to 80 characters"
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic())
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        || name.contains("__")
        || name.ends_with('_')
    {
        return Some(format!(
            "--name {shown}: an API name starts with a letter and holds letters, digits and single underscores, not at its end"
        ));
    }
    None
}

/// The empty file the fixes start from.
fn skeleton(pack: &Pack, kind: MetadataKind, license: Option<&str>) -> String {
    let header = &pack.file.pack;
    // The vendor's page by its address when the description has room, else by its title.
    let written = format!("Written by sflint scaffold {}.", pack.id());
    let description = [
        header.source.url.clone(),
        Some(format!("\"{}\"", header.source.title)),
    ]
    .into_iter()
    .flatten()
    .map(|page| {
        format!(
            "Least privilege for {}, from its page {page}. {written}",
            header.name
        )
    })
    .find(|description| description.len() <= DESCRIPTION_LIMIT)
    .unwrap_or_else(|| format!("Least privilege for {}. {written}", header.name));
    let description = truncate(&description, DESCRIPTION_LIMIT);
    let license = license.map(escape_text);
    match kind {
        MetadataKind::Profile => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <!-- sflint scaffold {id}: a profile fragment, not a whole profile. {vendor} reads its permissions on the integration user's profile: merge these entries into that profile. -->\n\
             <Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n\
             \x20   <custom>true</custom>\n\
             \x20   <description>{description}</description>\n\
             {license}\
             </Profile>\n",
            id = pack.id(),
            vendor = escape_comment(&header.name),
            description = escape_text(&description),
            license = license
                .map(|license| format!("    <userLicense>{license}</userLicense>\n"))
                .unwrap_or_default(),
        ),
        _ => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n\
             \x20   <description>{description}</description>\n\
             \x20   <hasActivationRequired>false</hasActivationRequired>\n\
             \x20   <label>{label}</label>\n\
             {license}\
             </PermissionSet>\n",
            description = escape_text(&description),
            label = escape_text(&truncate(&format!("{} Integration", header.name), 80)),
            license = license
                .map(|license| format!("    <license>{license}</license>\n"))
                .unwrap_or_default(),
        ),
    }
}

/// At most `limit` bytes of `text`, cut at a character boundary.
fn truncate(text: &str, limit: usize) -> String {
    let mut end = text.len().min(limit);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

/// A comment must not hold `--`.
fn escape_comment(text: &str) -> String {
    text.replace("--", "- -")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_names_follow_salesforce_rules() {
        assert_eq!(api_name_problem("Act_On_Integration"), None);
        for bad in ["", "1abc", "a__b", "a_", "a-b", "é", &"a".repeat(81)] {
            assert!(api_name_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn default_names_are_api_names() {
        for pack in crate::packs::shipped() {
            let name = default_name(pack);
            assert_eq!(api_name_problem(&name), None, "{name}");
        }
    }

    #[test]
    fn truncation_keeps_whole_characters() {
        assert_eq!(truncate("aé", 2), "a");
        assert_eq!(truncate("abc", 5), "abc");
    }
}

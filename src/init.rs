//! `sflint init`: a commented starter `sflint.toml` for the project it finds, with an integration
//! user already declared for every shipped pack whose vendor a profile or permission set is named
//! after.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::discover::{self, DiscoverOptions};
use crate::model::MetadataKind;
use crate::packs::{self, Pack};
use crate::project;

/// How many names of each kind the starter file lists.
const LISTED: usize = 25;

#[derive(Debug)]
pub struct Starter {
    pub path: PathBuf,
    pub text: String,
    /// Packs declared as active integrations.
    pub declared: Vec<String>,
}

/// Builds the starter configuration for the project around `start`.
pub fn starter(start: &Path) -> Starter {
    let root = project::find_root(start).unwrap_or_else(|| start.to_path_buf());
    let found = discover::discover(
        &DiscoverOptions {
            paths: vec![root.clone()],
            ..DiscoverOptions::default()
        },
        &root,
    );
    let names = |kind: MetadataKind| -> Vec<String> {
        let mut names: Vec<String> = found
            .units
            .iter()
            .filter(|unit| unit.kind == kind)
            .map(|unit| unit.name.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    };
    let profiles = names(MetadataKind::Profile);
    let permission_sets = names(MetadataKind::PermissionSet);
    let project_name = root
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "this project".to_string());
    let (text, declared) = render(&project_name, &profiles, &permission_sets, packs::shipped());
    Starter {
        path: root.join(crate::config::CONFIG_FILE),
        text,
        declared,
    }
}

/// Letters and digits only, lower case: `ActOn_Integration` and `Act-On` meet as `acton...`.
fn squash(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn listing(label: &str, names: &[String]) -> String {
    if names.is_empty() {
        return format!("# {label}: none found\n");
    }
    let shown: Vec<&str> = names.iter().take(LISTED).map(String::as_str).collect();
    let more = names.len().saturating_sub(LISTED);
    let mut line = format!("# {label} ({}): {}", names.len(), shown.join(", "));
    if more > 0 {
        let _ = write!(line, ", and {more} more");
    }
    line.push('\n');
    line
}

/// The starter text, and the ids of the packs it declares.
pub fn render(
    project_name: &str,
    profiles: &[String],
    permission_sets: &[String],
    packs: &[Pack],
) -> (String, Vec<String>) {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# sflint configuration for {project_name}, written by `sflint init`."
    );
    out.push_str(
        "# Every setting is optional. `sflint rules` lists the rules, `sflint packs` the vendor packs,\n\
         # `sflint pack ID` what a pack requires and which options it takes.\n\n",
    );
    out.push_str(
        "# Paths to leave out, as globs relative to this file's directory.\n\
         # exclude = [\"force-app/main/default/profiles/Admin.profile-meta.xml\"]\n\n\
         # Severity per rule id, pack id or pack requirement id: \"error\", \"warning\", \"info\" or \"off\".\n\
         # [rules]\n\
         # duplicate-entry = \"off\"\n\
         # view-all-data = \"error\"\n\n\
         # Settings for some paths or integrations only, e.g. files Salesforce rewrites on retrieve.\n\
         # [[overrides]]\n\
         # paths = [\"force-app/main/default/profiles/*.profile-meta.xml\"]\n\
         # rules = { duplicate-entry = \"off\" }\n\
         # reason = \"profiles are retrieved from the org as they are\"\n\n",
    );
    out.push_str(&listing("Profiles in this project", profiles));
    out.push_str(&listing("Permission sets in this project", permission_sets));
    out.push('\n');
    out.push_str(
        "# Integration users. Each is the union of its profile, permission sets and permission set\n\
         # groups, checked against its vendor's documented minimum permissions.\n",
    );
    let mut declared = Vec::new();
    for pack in packs {
        let header = &pack.file.pack;
        let key = squash(&header.id);
        let matches = |names: &[String]| -> Vec<String> {
            names
                .iter()
                .filter(|name| squash(name).contains(&key))
                .cloned()
                .collect()
        };
        let matched_profiles = matches(profiles);
        let matched_sets = matches(permission_sets);
        let required: Vec<&str> = pack
            .file
            .options
            .iter()
            .filter(|option| option.default.is_none())
            .map(|option| option.id.as_str())
            .collect();
        let found = !matched_profiles.is_empty() || !matched_sets.is_empty();
        // Declare the integration only when the project names it and the pack needs no choice
        // that init cannot make.
        let active = found && required.is_empty();
        let prefix = if active { "" } else { "# " };
        out.push('\n');
        let _ = writeln!(
            out,
            "# {} ({}, {} confidence): {}",
            header.name,
            header.id,
            header.confidence.as_str(),
            header.summary
        );
        if found && !active {
            let _ = writeln!(
                out,
                "# Found {} in this project; set {} (see `sflint pack {}`) and uncomment.",
                matched_profiles
                    .iter()
                    .chain(&matched_sets)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
                required.join(", "),
                header.id
            );
        }
        let _ = writeln!(out, "{prefix}[[integration]]");
        let _ = writeln!(out, "{prefix}name = {:?}", header.name);
        let _ = writeln!(out, "{prefix}pack = {:?}", header.id);
        match matched_profiles.first() {
            Some(profile) => {
                let _ = writeln!(out, "{prefix}profile = {profile:?}");
            }
            None => {
                let _ = writeln!(out, "# profile = \"{} Integration\"", header.name);
            }
        }
        let sets = if matched_sets.is_empty() {
            format!("[\"{}_Integration\"]", header.id.replace('-', "_"))
        } else {
            format!(
                "[{}]",
                matched_sets
                    .iter()
                    .map(|name| format!("{name:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let set_prefix = if active && !matched_sets.is_empty() {
            ""
        } else {
            "# "
        };
        let _ = writeln!(out, "{set_prefix}permission_sets = {sets}");
        let _ = writeln!(out, "# permission_set_groups = []");
        for option in &pack.file.options {
            let value = match &option.default {
                Some(value) => value.to_string(),
                None => format!("{:?}", option.choices.first().cloned().unwrap_or_default()),
            };
            let _ = writeln!(
                out,
                "# options.{} = {value}  # {}",
                option.id, option.description
            );
        }
        if active {
            declared.push(header.id.clone());
        }
    }
    (out, declared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declares_packs_whose_vendor_the_project_names() {
        let profiles = vec!["Admin".to_string(), "Planhat Integration".to_string()];
        let sets = vec!["ActOn_Integration".to_string(), "Sales".to_string()];
        let (text, declared) = render("demo", &profiles, &sets, packs::shipped());
        assert_eq!(declared, ["act-on", "planhat"]);
        assert!(text.contains("[[integration]]\nname = \"Act-On\"\npack = \"act-on\"\n# profile = \"Act-On Integration\"\npermission_sets = [\"ActOn_Integration\"]\n"));
        assert!(text.contains("profile = \"Planhat Integration\"\n"));
        assert!(text.contains("# [[integration]]\n# name = \"Ampersand\""));
        // The starter is valid configuration as written.
        let config = crate::config::parse(&text).unwrap();
        assert_eq!(config.integrations.len(), 2);
    }
}

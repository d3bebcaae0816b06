//! `sflint rules` and `sflint rule ID`: the documentation of every rule, straight from its metadata.

use std::io::{self, Write};

use serde::Serialize;

use crate::registry::{self, RuleId, RuleMeta};

#[derive(Serialize)]
struct RuleEntry<'a> {
    id: &'a str,
    severity: &'a str,
    /// Every severity it reports without settings, the default first.
    severities: Vec<&'a str>,
    summary: &'a str,
    doc: &'a str,
}

impl<'a> From<&'a RuleMeta> for RuleEntry<'a> {
    fn from(meta: &'a RuleMeta) -> Self {
        RuleEntry {
            id: meta.id,
            severity: meta.default_severity.as_str(),
            severities: meta.severities.iter().map(|s| s.as_str()).collect(),
            summary: meta.summary,
            doc: meta.doc,
        }
    }
}

/// `error`, or `error, warning` for a rule that reports both.
fn severities(meta: &RuleMeta) -> String {
    meta.severities
        .iter()
        .map(|severity| severity.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A Markdown table of `rules`: id, the severities each reports (default first) and its summary.
pub fn rule_table_markdown<'a>(rules: impl IntoIterator<Item = &'a RuleMeta>) -> String {
    let mut text = String::from("| id | severity | what it reports |\n|---|---|---|\n");
    for meta in rules {
        text.push_str(&format!(
            "| `{}` | {} | {} |\n",
            meta.id,
            severities(meta),
            meta.summary
        ));
    }
    text
}

#[derive(Serialize)]
struct RetiredEntry<'a> {
    id: &'a str,
    retired_since: &'a str,
    instead: &'a str,
}

#[derive(Serialize)]
#[serde(untagged)]
enum ListEntry<'a> {
    Rule(RuleEntry<'a>),
    Retired(RetiredEntry<'a>),
}

/// `sflint rules --format markdown`: every rule, then the retired ones.
pub fn rules_markdown(out: &mut dyn Write) -> io::Result<()> {
    out.write_all(rule_table_markdown(RuleId::ALL.iter().map(|rule| rule.meta())).as_bytes())?;
    if !registry::RETIRED.is_empty() {
        writeln!(out, "\n| retired id | since | instead |\n|---|---|---|")?;
        for retired in registry::RETIRED {
            writeln!(
                out,
                "| `{}` | {} | {} |",
                retired.id, retired.since, retired.instead
            )?;
        }
    }
    Ok(())
}

/// `sflint rules`: every rule id, then the retired ones.
pub fn list_rules(json: bool, out: &mut dyn Write) -> io::Result<()> {
    let rules: Vec<&RuleMeta> = RuleId::ALL.iter().map(|rule| rule.meta()).collect();
    if json {
        let entries: Vec<ListEntry<'_>> = rules
            .iter()
            .map(|meta| ListEntry::Rule(RuleEntry::from(*meta)))
            .chain(registry::RETIRED.iter().map(|retired| {
                ListEntry::Retired(RetiredEntry {
                    id: retired.id,
                    retired_since: retired.since,
                    instead: retired.instead,
                })
            }))
            .collect();
        serde_json::to_writer_pretty(&mut *out, &entries)?;
        return writeln!(out);
    }
    let width = rules
        .iter()
        .map(|meta| meta.id)
        .chain(registry::RETIRED.iter().map(|retired| retired.id))
        .map(str::len)
        .max()
        .unwrap_or(0);
    let severity_width = rules
        .iter()
        .map(|meta| severities(meta).len())
        .max()
        .unwrap_or(0);
    for meta in rules {
        writeln!(
            out,
            "{:width$}  {:severity_width$}  {}",
            meta.id,
            severities(meta),
            meta.summary
        )?;
    }
    for retired in registry::RETIRED {
        writeln!(
            out,
            "{:width$}  retired  since {}: {}",
            retired.id, retired.since, retired.instead
        )?;
    }
    Ok(())
}

pub fn show_rule(meta: &RuleMeta, json: bool, out: &mut dyn Write) -> io::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, &RuleEntry::from(meta))?;
        return writeln!(out);
    }
    writeln!(out, "# {}", meta.id)?;
    writeln!(out)?;
    writeln!(out, "Default severity: {}", meta.default_severity)?;
    if meta.severities.len() > 1 {
        writeln!(out, "Also reported as: {}", {
            let others: Vec<&str> = meta.severities[1..].iter().map(|s| s.as_str()).collect();
            others.join(", ")
        })?;
    }
    writeln!(out)?;
    writeln!(out, "{}.", capitalise(meta.summary))?;
    writeln!(out)?;
    write!(out, "{}", meta.doc)
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `sflint packs`: every shipped pack with its vendor, confidence and source.
pub fn list_packs(json: bool, out: &mut dyn Write) -> io::Result<()> {
    let packs = crate::packs::shipped();
    if json {
        let entries: Vec<serde_json::Value> = packs
            .iter()
            .map(|pack| {
                let header = &pack.file.pack;
                serde_json::json!({
                    "id": header.id,
                    "name": header.name,
                    "summary": header.summary,
                    "confidence": header.confidence.as_str(),
                    "source": {
                        "title": header.source.title,
                        "url": header.source.url,
                        "retrieved": header.source.retrieved,
                    },
                    "requirements": pack.file.requirements.len(),
                    "options": pack.file.options.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &entries)?;
        return writeln!(out);
    }
    let width = packs.iter().map(|pack| pack.id().len()).max().unwrap_or(0);
    for pack in packs {
        let header = &pack.file.pack;
        writeln!(
            out,
            "{:width$}  {:11}  {:2} requirements  {}",
            header.id,
            header.confidence.as_str(),
            pack.file.requirements.len(),
            header.summary
        )?;
        writeln!(
            out,
            "{:width$}  source: {} (read {})",
            "",
            header
                .source
                .url
                .as_deref()
                .unwrap_or(header.source.title.as_str()),
            header.source.retrieved
        )?;
    }
    Ok(())
}

/// `sflint pack ID`: what a pack requires, in words an admin reads.
/// `sflint pack ID --format json`: the pack as data, requirement ids in full, each with its kind,
/// level, condition, wording and the vendor's reason and source.
pub fn pack_json(pack: &crate::packs::Pack, out: &mut dyn Write) -> io::Result<()> {
    let header = &pack.file.pack;
    let requirements: Vec<serde_json::Value> = pack
        .file
        .requirements
        .iter()
        .map(|requirement| {
            serde_json::json!({
                "id": pack.requirement_id(requirement),
                "kind": requirement.kind.name(),
                "level": requirement.level.as_str(),
                "when": requirement.when.as_ref().map(|when| when.describe()),
                "finding": requirement.finding.map(|rule| rule.as_str()),
                "description": requirement.kind.describe(),
                "why": requirement.why.trim(),
                "source": requirement.source.trim(),
            })
        })
        .collect();
    let options: Vec<serde_json::Value> = pack
        .file
        .options
        .iter()
        .map(|option| {
            serde_json::json!({
                "id": option.id,
                "kind": format!("{:?}", option.kind).to_lowercase(),
                "description": option.description,
                "default": option.default.as_ref().map(|value| serde_json::to_value(value).unwrap_or_default()),
                "required": option.default.is_none(),
                "choices": option.choices,
            })
        })
        .collect();
    let allows: Vec<serde_json::Value> = pack
        .file
        .allows
        .iter()
        .map(|allow| {
            serde_json::json!({
                "permission": allow.permission.get_ref(),
                "why": allow.why,
                "source": allow.source,
            })
        })
        .collect();
    let document = serde_json::json!({
        "id": header.id,
        "name": header.name,
        "summary": header.summary,
        "source": {
            "title": header.source.title,
            "url": header.source.url,
            "retrieved": header.source.retrieved,
        },
        "confidence": header.confidence.as_str(),
        "grants_on_profile": header.grants_on == crate::packs::file::GrantsOn::Profile,
        "read_only": header.read_only,
        "extends": header.extends,
        "origin": pack.origin,
        "options": options,
        "requirements": requirements,
        "allows": allows,
        "notes": header.notes,
    });
    crate::escape::write_json(out, &document)?;
    writeln!(out)
}

/// Every string of the pack is escaped: a pack file can come from the repository.
pub fn show_pack(pack: &crate::packs::Pack, out: &mut dyn Write) -> io::Result<()> {
    use crate::escape::text as e;
    let header = &pack.file.pack;
    writeln!(out, "# {} ({})", e(&header.name), e(&header.id))?;
    writeln!(out)?;
    writeln!(out, "{}.", e(&capitalise(&header.summary)))?;
    writeln!(out)?;
    write!(out, "Source: {}", e(&header.source.title))?;
    if let Some(url) = &header.source.url {
        write!(out, " <{}>", e(url))?;
    }
    writeln!(out, ", read {}", e(&header.source.retrieved.to_string()))?;
    writeln!(out, "Confidence: {}", header.confidence.as_str())?;
    if header.grants_on == crate::packs::file::GrantsOn::Profile {
        writeln!(
            out,
            "Grants must be on the profile, not in permission sets."
        )?;
    }
    if header.read_only {
        writeln!(
            out,
            "Read-only: any write access beyond these requirements is excess."
        )?;
    }
    if !pack.file.options.is_empty() {
        writeln!(out)?;
        writeln!(out, "## Options ([integration.options] in sflint.toml)")?;
        for option in &pack.file.options {
            let default = match &option.default {
                Some(value) => format!(" (default: {})", e(&value.to_string())),
                None => " (required)".to_string(),
            };
            let choices = if option.choices.is_empty() {
                String::new()
            } else {
                format!(" [{}]", e(&option.choices.join(" | ")))
            };
            writeln!(
                out,
                "- {}{choices}{default}: {}",
                e(&option.id),
                e(&option.description)
            )?;
        }
    }
    writeln!(out)?;
    writeln!(out, "## Requirements")?;
    for requirement in &pack.file.requirements {
        let when = requirement
            .when
            .as_ref()
            .map(|when| e(&when.describe()).into_owned())
            .unwrap_or_default();
        writeln!(
            out,
            "- {} ({}){when}: {}",
            e(&pack.requirement_id(requirement)),
            requirement.level.as_str(),
            e(&requirement.kind.describe())
        )?;
        writeln!(
            out,
            "  \"{}\" ({})",
            e(requirement.why.trim()),
            e(requirement.source.trim())
        )?;
    }
    if !pack.file.allows.is_empty() || !pack.file.allow_profiles.is_empty() {
        writeln!(out)?;
        writeln!(out, "## Allowed although broad")?;
        for allow in &pack.file.allows {
            writeln!(
                out,
                "- {}: \"{}\" ({})",
                e(allow.permission.get_ref()),
                e(&allow.why),
                e(&allow.source)
            )?;
        }
        for allow in &pack.file.allow_profiles {
            writeln!(
                out,
                "- profile {}: \"{}\" ({})",
                e(&allow.profile),
                e(&allow.why),
                e(&allow.source)
            )?;
        }
    }
    if !header.notes.is_empty() {
        writeln!(out)?;
        writeln!(out, "## Notes")?;
        for note in &header.notes {
            writeln!(out, "- {}", e(note))?;
        }
    }
    Ok(())
}

/// The README's table of shipped packs, generated from the pack files (a test keeps the README in
/// step with them).
pub fn pack_table_markdown() -> String {
    let mut out = String::from(
        "| pack | vendor | confidence | requirements | source |\n|---|---|---|---|---|\n",
    );
    for pack in crate::packs::shipped() {
        let header = &pack.file.pack;
        let source = match &header.source.url {
            Some(url) => format!("[{}]({url})", header.source.title),
            None => header.source.title.clone(),
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {}, read {} |\n",
            header.id,
            header.name,
            header.confidence.as_str(),
            pack.file.requirements.len(),
            source,
            header.source.retrieved
        ));
    }
    out
}

/// `sflint check --show-files`: the files a run would lint, one a line, in the order it reads them.
pub fn show_files(workspace: &crate::Workspace, out: &mut dyn Write) -> io::Result<()> {
    for unit in &workspace.targets {
        for file in &unit.files {
            writeln!(out, "{}", crate::escape::text(&file.display))?;
        }
    }
    Ok(())
}

/// `sflint check --show-settings`: what a run would use: the project, the configuration, the rule
/// settings and each integration user with its pack, options and members.
pub fn show_settings(workspace: &crate::Workspace, out: &mut dyn Write) -> io::Result<()> {
    use crate::escape::text as e;
    let shown = |path: &std::path::Path| crate::source::display_path(path, &workspace.display_base);
    match &workspace.project {
        Some(project) => {
            writeln!(out, "project: {}", e(&shown(&project.root)))?;
            let dirs: Vec<String> = project
                .package_dirs
                .iter()
                .map(|dir| e(&shown(dir)).into_owned())
                .collect();
            writeln!(out, "package directories: {}", dirs.join(", "))?;
        }
        None => writeln!(out, "project: none (no sfdx-project.json above the paths)")?,
    }
    writeln!(
        out,
        "configuration: {}",
        workspace
            .config_path
            .as_deref()
            .map_or_else(|| "none".into(), |path| e(path).into_owned())
    )?;
    let files: usize = workspace.targets.iter().map(|unit| unit.files.len()).sum();
    writeln!(
        out,
        "files to lint: {files} ({} components)",
        workspace.targets.len()
    )?;
    for line in workspace.settings.describe() {
        writeln!(out, "settings: {}", e(&line))?;
    }
    if workspace.integrations.is_empty() {
        writeln!(out, "integration users: none")?;
    }
    for integration in &workspace.integrations {
        let user = &integration.user;
        writeln!(
            out,
            "integration user {}: pack {} ({})",
            e(&user.name),
            e(integration.pack.id()),
            e(&integration.pack.origin)
        )?;
        if let Some(profile) = &user.profile {
            writeln!(out, "  profile: {}", e(&profile.pattern))?;
        }
        let patterns = |selectors: &[crate::model::user::Selector]| -> String {
            selectors
                .iter()
                .map(|selector| e(&selector.pattern).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !user.permission_sets.is_empty() {
            writeln!(
                out,
                "  permission sets: {}",
                patterns(&user.permission_sets)
            )?;
        }
        if !user.groups.is_empty() {
            writeln!(out, "  permission set groups: {}", patterns(&user.groups))?;
        }
        for (id, value) in integration.options.shown() {
            writeln!(out, "  option {}: {}", e(&id), e(&value))?;
        }
    }
    Ok(())
}

/// `sflint check --statistics`: how many findings each rule reported, most first.
pub fn statistics(report: &crate::Report, json: bool, out: &mut dyn Write) -> io::Result<()> {
    let mut counts: std::collections::BTreeMap<&str, (usize, crate::diagnostic::Tally)> =
        std::collections::BTreeMap::new();
    for diagnostic in &report.diagnostics {
        let entry = counts.entry(diagnostic.rule.as_str()).or_default();
        entry.0 += 1;
        entry.1.add(diagnostic.severity);
    }
    let mut rows: Vec<(&str, usize, crate::diagnostic::Tally)> = counts
        .into_iter()
        .map(|(rule, (count, tally))| (rule, count, tally))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if json {
        let rows: Vec<serde_json::Value> = rows
            .iter()
            .map(|(rule, count, tally)| {
                serde_json::json!({
                    "rule": rule,
                    "count": count,
                    "errors": tally.errors,
                    "warnings": tally.warnings,
                    "infos": tally.infos,
                })
            })
            .collect();
        crate::escape::write_json(out, &rows)?;
        return writeln!(out);
    }
    let width = rows
        .iter()
        .map(|(_, count, _)| count.to_string().len())
        .max()
        .unwrap_or(1);
    for (rule, count, tally) in &rows {
        let mut severities = Vec::new();
        for (number, name) in [
            (tally.errors, "error"),
            (tally.warnings, "warning"),
            (tally.infos, "info"),
        ] {
            if number > 0 {
                severities.push(crate::report::plural(number, name));
            }
        }
        writeln!(out, "{count:>width$}  {rule}  ({})", severities.join(", "))?;
    }
    writeln!(out, "{}", crate::report::summary_line(report))
}

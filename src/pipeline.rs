//! The lint pipeline: a pure function of a [`Workspace`] and a [`FileSet`], in stages.
//!
//! ```text
//! check_components   the files to lint: read, parsed, built-in rules        -> Linted
//! load_held          what integration users hold besides (group members,
//!                    the rest of the project for a run on named files)       -> Held
//! check_integrations each integration user against its pack                  -> IntegrationFindings
//! apply_settings     select / ignore / severities / overrides                -> Vec<Diagnostic>
//! apply_suppressions inline sflint-disable directives                        -> Vec<Diagnostic>
//! dedupe             a pack's verdict replaces the general warning; sorted   -> Deduped
//! apply_baseline     findings the baseline records are hidden                -> Baselined
//! ```
//!
//! Settings and suppressions run before any finding supersedes another, so that switching a pack's
//! finding off never takes the built-in rule's finding with it.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use crate::baseline;
use crate::checks;
use crate::definitions::Definitions;
use crate::diagnostic::{self, Diagnostic};
use crate::discover::Unit;
use crate::fileset::FileSet;
use crate::integrations;
use crate::load::{self, LoadedUnit};
use crate::model::user::{Unreadable, group_member_names};
use crate::model::{Component, MetadataKind};
use crate::packs::evaluate::PackContext;
use crate::problem::{Problem, ProblemLevel};
use crate::registry::RuleId;
use crate::settings::Settings;
use crate::source::{FilePath, SourceText};
use crate::suppress::{self, Suppression};
use crate::workspace::{IntegrationScope, Workspace};

/// Everything a lint run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Sorted by path, line, column, rule.
    pub diagnostics: Vec<Diagnostic>,
    /// Built-in findings that an integration's finding on the same grant replaced: not reported,
    /// but recorded by a generated baseline, so that hiding the replacement does not bring them
    /// back.
    pub superseded: Vec<Diagnostic>,
    /// Sorted; errors among them make the run exit with 2.
    pub problems: Vec<Problem>,
    /// Number of files linted.
    pub files: usize,
    /// Number of components (profiles, permission sets, ...) checked.
    pub components: usize,
    /// Number of integration users checked against their packs.
    pub integrations: usize,
    /// The directory baseline and override paths are relative to: the project root, else the
    /// working directory.
    pub root: PathBuf,
    /// The directory the paths shown are relative to (the working directory).
    pub display_base: PathBuf,
    /// Findings hidden because the baseline records them.
    pub baselined: usize,
}

impl Report {
    pub fn has_fatal_problem(&self) -> bool {
        self.problems
            .iter()
            .any(|problem| problem.level == ProblemLevel::Error)
    }
}

/// Texts of files that findings may still point into, for locating them.
type Sources = Vec<(Arc<FilePath>, SourceText)>;

/// Lints the workspace's files, reading them from `files`.
pub fn lint(workspace: &Workspace, files: &dyn FileSet) -> Report {
    let mut problems = workspace.problems.clone();
    let pool = Pool::new(workspace.threads, &mut problems);
    // The rest of the project, read as rules and packs ask; one reading serves both.
    let definitions = Definitions::new(
        &workspace.inventory,
        workspace
            .project
            .as_ref()
            .and_then(|project| project.namespace.as_deref()),
        files,
        &workspace.display_base,
    );

    let Linted {
        held,
        findings,
        suppressions,
        problems: linted_problems,
        components,
        files: file_count,
    } = check_components(workspace, files, &pool, &definitions);
    problems.extend(linted_problems);
    let targets = target_files(workspace);
    let held = load_held(workspace, files, &pool, held, &targets);
    let integration_findings = check_integrations(workspace, held, &definitions, &targets);

    let IntegrationFindings {
        findings: pack_findings,
        suppressions: held_suppressions,
        problems: integration_problems,
        checked: integrations_checked,
    } = integration_findings;
    problems.extend(integration_problems);
    problems.extend(definitions.into_problems());

    let mut found = findings;
    found.extend(pack_findings);
    let settled = apply_settings(&workspace.settings, found, &workspace.root);
    let suppressions: Vec<Suppression> =
        suppressions.into_iter().chain(held_suppressions).collect();
    let kept = apply_suppressions(workspace, settled, &suppressions, &targets);
    let deduped = dedupe(kept);
    let baselined = apply_baseline(workspace, deduped);

    problems.extend(baselined.problems);
    problems.sort();
    problems.dedup();
    Report {
        diagnostics: baselined.kept,
        problems,
        files: file_count,
        components,
        integrations: integrations_checked,
        superseded: baselined.superseded,
        root: workspace.root.clone(),
        display_base: workspace.display_base.clone(),
        baselined: baselined.hidden,
    }
}

/// The worker threads `-j` asks for, or the global pool.
pub(crate) struct Pool(Option<rayon::ThreadPool>);

impl Pool {
    pub(crate) fn new(threads: Option<usize>, problems: &mut Vec<Problem>) -> Pool {
        let Some(threads) = threads else {
            return Pool(None);
        };
        match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => Pool(Some(pool)),
            Err(error) => {
                problems.push(Problem::warning(
                    None,
                    format!("cannot start {threads} threads ({error}); using the default pool"),
                ));
                Pool(None)
            }
        }
    }

    pub(crate) fn run<T: Send>(&self, work: impl FnOnce() -> T + Send) -> T {
        match &self.0 {
            Some(pool) => pool.install(work),
            None => work(),
        }
    }
}

/// The files to lint after reading and their built-in rules.
struct Linted {
    /// What integration users may hold among them: the rest were dropped once their rules ran, so
    /// that memory follows the files in flight, not the project.
    held: Held,
    /// Located.
    findings: Vec<Diagnostic>,
    suppressions: Vec<Suppression>,
    problems: Vec<Problem>,
    /// Components read.
    components: usize,
    /// Files read.
    files: usize,
}

fn check_components(
    workspace: &Workspace,
    files: &dyn FileSet,
    pool: &Pool,
    definitions: &Definitions<'_>,
) -> Linted {
    let context = checks::Context {
        catalog: workspace.catalog(),
        keep_duplicate: workspace.keep_duplicate,
        definitions,
        switched_off: rules_not_run(workspace),
    };
    let units: Vec<(LoadedUnit, Vec<Diagnostic>, bool)> = pool.run(|| {
        workspace
            .targets
            .par_iter()
            .map(|unit| {
                let mut loaded = load::load(unit, files);
                let mut findings = std::mem::take(&mut loaded.diagnostics);
                if let Some(component) = &loaded.component {
                    findings.extend(checks::check_component(component, &context));
                }
                diagnostic::locate(&mut findings, &loaded.sources, workspace.excerpts);
                let read = loaded.component.is_some();
                if !(read && workspace.may_be_held(unit.kind, &unit.name, &unit.files[0])) {
                    loaded.component = None;
                    // Nothing can point into these files any more.
                    loaded.sources = Vec::new();
                }
                (loaded, findings, read)
            })
            .collect()
    });
    let mut linted = Linted {
        held: Held::default(),
        findings: Vec::new(),
        suppressions: Vec::new(),
        problems: Vec::new(),
        components: 0,
        files: workspace.targets.iter().map(|unit| unit.files.len()).sum(),
    };
    for (unit, (loaded, findings, read)) in workspace.targets.iter().zip(units) {
        if !read && findings.iter().any(|f| f.rule == RuleId::InvalidXml) {
            linted.held.unreadable.push(unreadable(unit));
        }
        linted.components += usize::from(read);
        linted.findings.extend(findings);
        linted.suppressions.extend(loaded.suppressions);
        linted.held.sources.extend(loaded.sources);
        linted.problems.extend(loaded.problems);
        linted.held.components.extend(loaded.component);
    }
    linted
}

fn unreadable(unit: &Unit) -> Unreadable {
    Unreadable {
        kind: unit.kind,
        name: unit.name.clone(),
        main_file: Arc::clone(&unit.files[0]),
    }
}

/// The components integration users may hold, and what reading them found. Files read only for
/// integration users (group members; in a run on named files, the rest of the project) have their
/// own findings left out, but for `invalid-xml`, which says why a member could not be counted.
#[derive(Default)]
struct Held {
    components: Vec<Component>,
    /// Files that exist but do not parse.
    unreadable: Vec<Unreadable>,
    /// `invalid-xml` findings of the files read only for integration users, located, by main file.
    invalid: Vec<(PathBuf, Diagnostic)>,
    /// Directives of the files read only for integration users.
    suppressions: Vec<Suppression>,
    /// Texts of the files of `components`.
    sources: Sources,
    problems: Vec<Problem>,
}

/// Adds to what the linted files hold (`held`) what integration users hold besides.
fn load_held(
    workspace: &Workspace,
    files: &dyn FileSet,
    pool: &Pool,
    mut held: Held,
    targets: &Targets,
) -> Held {
    if workspace.integrations.is_empty() {
        return held;
    }
    let mut candidates: Vec<&Unit> = workspace.others.iter().chain(&workspace.excluded).collect();
    // Pass 1: everything an integration names; pass 2: members of the groups found.
    for pass in 0..2 {
        let mut pick: Vec<&Unit> = Vec::new();
        if pass == 0 {
            candidates.retain(|unit| {
                let take = workspace.may_be_held(unit.kind, &unit.name, &unit.files[0]);
                if take {
                    pick.push(unit);
                }
                !take
            });
        } else {
            let names: BTreeSet<String> = group_member_names(&held.components)
                .into_iter()
                .map(str::to_string)
                .collect();
            let present: HashSet<String> = held
                .components
                .iter()
                .filter(|c| c.kind == MetadataKind::PermissionSet)
                .map(|c| c.name.clone())
                .collect();
            let wanted = |unit: &Unit| {
                unit.kind == MetadataKind::PermissionSet
                    && names.contains(&unit.name)
                    && !present.contains(unit.name.as_str())
            };
            candidates.retain(|unit| {
                let take = wanted(unit);
                if take {
                    pick.push(unit);
                }
                !take
            });
            // Linted files that were not kept, now known to be group members.
            pick.extend(workspace.targets.iter().filter(|unit| wanted(unit)));
        }
        let loaded: Vec<(LoadedUnit, Vec<Diagnostic>)> = pool.run(|| {
            pick.par_iter()
                .map(|unit| {
                    let mut loaded = load::load(unit, files);
                    let mut invalid: Vec<Diagnostic> = std::mem::take(&mut loaded.diagnostics)
                        .into_iter()
                        .filter(|finding| finding.rule == RuleId::InvalidXml)
                        .collect();
                    diagnostic::locate(&mut invalid, &loaded.sources, workspace.excerpts);
                    (loaded, invalid)
                })
                .collect()
        });
        for (unit, (loaded, invalid)) in pick.iter().zip(loaded) {
            if targets.contains(unit.files[0].fs.as_path()) {
                // Its findings, suppressions and problems are the linted file's own, already had.
                held.sources.extend(loaded.sources);
                held.components.extend(loaded.component);
                continue;
            }
            if loaded.component.is_none() && !invalid.is_empty() {
                held.unreadable.push(unreadable(unit));
            }
            let main_file = unit.files[0].fs.clone();
            held.invalid.extend(
                invalid
                    .into_iter()
                    .map(|finding| (main_file.clone(), finding)),
            );
            held.suppressions.extend(loaded.suppressions);
            held.sources.extend(loaded.sources);
            held.problems.extend(loaded.problems);
            held.components.extend(loaded.component);
        }
    }
    held
}

/// The findings of the integration users checked, located, with what they need later.
struct IntegrationFindings {
    findings: Vec<Diagnostic>,
    /// Directives of the files read for integration users only.
    suppressions: Vec<Suppression>,
    problems: Vec<Problem>,
    /// Integration users checked.
    checked: usize,
}

fn check_integrations(
    workspace: &Workspace,
    held: Held,
    definitions: &Definitions<'_>,
    targets: &Targets,
) -> IntegrationFindings {
    let Held {
        components,
        unreadable,
        invalid,
        suppressions,
        mut sources,
        problems: mut out_problems,
    } = held;
    let mut out = IntegrationFindings {
        findings: Vec::new(),
        suppressions,
        problems: Vec::new(),
        checked: 0,
    };
    if workspace.integrations.is_empty() {
        return out;
    }
    let excluded: FxHashSet<&Path> = workspace
        .excluded
        .iter()
        .map(|unit| unit.files[0].fs.as_path())
        .collect();
    let is_target = |component: &Component| {
        component
            .files
            .iter()
            .any(|file| targets.contains(file.fs.as_path()))
    };
    let context = PackContext {
        catalog: workspace.catalog(),
        source_api_version: workspace
            .project
            .as_ref()
            .and_then(|project| project.source_api_version.as_deref())
            .and_then(|version| version.parse().ok()),
        definitions,
    };
    // Files the users rely on: an invalid-xml finding of one of them says why a member is missing.
    let mut relied_on: HashSet<PathBuf> = HashSet::new();
    for integration in &workspace.integrations {
        let resolution = integration
            .user
            .resolve(&components, &unreadable, &workspace.root);
        let holdings = &resolution.holdings;
        let broken = || {
            resolution
                .unreadable
                .iter()
                .chain(&resolution.unreadable_members)
        };
        let in_scope = match workspace.integration_scope {
            IntegrationScope::All => true,
            IntegrationScope::HoldingTargets => {
                holdings.touches(is_target)
                    || broken().any(|u| targets.contains(u.main_file.fs.as_path()))
            }
        };
        // Names that match nothing are the configuration's problem, whoever is checked; what a
        // user's files hold is this run's concern only for the users it checks.
        out_problems.extend(integrations::resolution_problems(
            &integration.user,
            &resolution,
            workspace.config_path.as_deref(),
            in_scope,
        ));
        let counted_excluded: Vec<String> = holdings
            .members
            .iter()
            .map(|member| member.component)
            .chain(holdings.groups.iter().copied())
            .filter(|component| excluded.contains(component.files[0].fs.as_path()))
            .map(|component| {
                format!(
                    "{} {:?} ({})",
                    component.kind.noun(),
                    component.name,
                    component.files[0].display
                )
            })
            .collect();
        if in_scope && !counted_excluded.is_empty() {
            out_problems.push(Problem::warning(
                workspace.config_path.clone(),
                format!(
                    "integration {:?}: counted although .forceignore or exclude leave them out of this project, as they are in the org (count_excluded_members = false leaves them out): {}",
                    integration.user.name,
                    counted_excluded.join("; ")
                ),
            ));
        }
        if in_scope {
            relied_on.extend(broken().map(|u| u.main_file.fs.clone()));
            relied_on.extend(
                holdings
                    .members
                    .iter()
                    .map(|member| member.component)
                    .chain(holdings.members.iter().filter_map(|member| member.muting))
                    .chain(holdings.groups.iter().copied())
                    .map(|component| component.files[0].fs.clone()),
            );
        }
        if !in_scope || !resolution.is_complete() {
            continue;
        }
        // Options the project left to the files are read from what the user holds.
        let options =
            match integration
                .options
                .infer(&integration.pack, &integration.user, holdings)
            {
                Ok(options) => options,
                Err(message) => {
                    out_problems
                        .push(integration.option_problem(workspace.config_path.clone(), &message));
                    continue;
                }
            };
        out.checked += 1;
        out.findings.extend(crate::packs::evaluate::check(
            &integration.pack,
            &options,
            &integration.user,
            holdings,
            &context,
        ));
    }
    out.findings.extend(
        invalid
            .into_iter()
            .filter(|(main_file, _)| relied_on.contains(main_file))
            .map(|(_, finding)| finding),
    );
    // Pack findings point into the members kept above, and into the OAuth policy files read.
    sources.extend(definitions.oauth_sources());
    diagnostic::locate(&mut out.findings, &sources, workspace.excerpts);
    out.problems = out_problems;
    out
}

/// The findings the project's settings keep (with their severities), and those they switch off.
struct Settled {
    kept: Vec<Diagnostic>,
    switched_off: Vec<Diagnostic>,
}

fn apply_settings(settings: &Settings, findings: Vec<Diagnostic>, root: &Path) -> Settled {
    let mut settled = Settled {
        kept: Vec::with_capacity(findings.len()),
        switched_off: Vec::new(),
    };
    for finding in findings {
        match settings.apply(&finding, root) {
            Some(severity) => {
                let mut finding = finding;
                finding.severity = severity;
                settled.kept.push(finding);
            }
            None => settled.switched_off.push(finding),
        }
    }
    settled
}

/// Removes what inline directives suppress, and reports the directives of the linted files that
/// name ids that do not exist or suppress nothing (under the project's settings too, so that
/// `unused-suppression` can be switched off).
fn apply_suppressions(
    workspace: &Workspace,
    settled: Settled,
    suppressions: &[Suppression],
    targets: &Targets,
) -> Vec<Diagnostic> {
    let (mut kept, unused) = suppress::apply(
        settled.kept,
        &settled.switched_off,
        &rules_not_run(workspace),
        suppressions,
        &workspace.known_ids,
        |file| targets.contains(file.fs.as_path()),
    );
    kept.extend(apply_settings(&workspace.settings, unused, &workspace.root).kept);
    kept
}

/// The built-in component rules the settings switch off everywhere: not run at all.
fn rules_not_run(workspace: &Workspace) -> Vec<RuleId> {
    checks::rules()
        .iter()
        .map(|rule| rule.id())
        .filter(|&rule| workspace.settings.switches_off(rule))
        .collect()
}

/// Every file of the units to lint, hashed on the first question: most runs never ask.
struct Targets<'w> {
    workspace: &'w Workspace,
    files: OnceLock<FxHashSet<&'w Path>>,
}

impl Targets<'_> {
    fn contains(&self, path: &Path) -> bool {
        self.files
            .get_or_init(|| {
                self.workspace
                    .targets
                    .iter()
                    .flat_map(|unit| unit.files.iter().map(|file| file.fs.as_path()))
                    .collect()
            })
            .contains(path)
    }
}

fn target_files(workspace: &Workspace) -> Targets<'_> {
    Targets {
        workspace,
        files: OnceLock::new(),
    }
}

/// The findings in report order, without repeats.
struct Deduped {
    findings: Vec<Diagnostic>,
    /// Built-in findings an integration's finding on the same grant replaced.
    superseded: Vec<Diagnostic>,
}

/// Where a finding points and under which rule: an integration's `view-all-data` or
/// `modify-all-data` finding replaces the built-in one with the same key.
pub(crate) type GrantKey = (RuleId, PathBuf, u32);

pub(crate) fn grant_key(finding: &Diagnostic) -> Option<GrantKey> {
    matches!(finding.rule, RuleId::ViewAllData | RuleId::ModifyAllData).then(|| {
        (
            finding.rule,
            finding.location.path.fs.clone(),
            finding.location.span.start,
        )
    })
}

/// Keys of the grants an integration's finding speaks for: its own, and, for one that speaks for
/// several grants of an allowed profile (View All Data, Modify All Data, ...), its related places.
pub(crate) fn replacing(findings: &[Diagnostic]) -> HashSet<GrantKey> {
    let mut keys = HashSet::new();
    for finding in findings.iter().filter(|finding| finding.origin.is_some()) {
        let Some(key) = grant_key(finding) else {
            continue;
        };
        keys.insert(key);
        for related in &finding.related {
            for rule in [RuleId::ViewAllData, RuleId::ModifyAllData] {
                keys.insert((
                    rule,
                    related.location.path.fs.clone(),
                    related.location.span.start,
                ));
            }
        }
    }
    keys
}

/// Sorts the findings into report order and drops repeats. An integration's `view-all-data` or
/// `modify-all-data` finding replaces the general warning on the same grant: the integration's
/// verdict (an error, or an info when the pack allows it) is the more precise one.
fn dedupe(findings: Vec<Diagnostic>) -> Deduped {
    let replaced = replacing(&findings);
    let (superseded, mut findings): (Vec<Diagnostic>, Vec<Diagnostic>) =
        findings.into_iter().partition(|finding| {
            finding.origin.is_none()
                && grant_key(finding).is_some_and(|key| replaced.contains(&key))
        });
    findings.sort_by(Diagnostic::report_order);
    findings.dedup_by(|a, b| a.report_order(b).is_eq());
    Deduped {
        findings,
        superseded,
    }
}

/// What the baseline leaves to report.
#[derive(Default)]
struct Baselined {
    kept: Vec<Diagnostic>,
    superseded: Vec<Diagnostic>,
    hidden: usize,
    /// A warning per baseline entry no finding matched.
    problems: Vec<Problem>,
}

/// Hides the findings the baseline records. A built-in finding whose replacement the baseline hides
/// is reported in its place, unless the baseline records it too (a generated baseline records both).
fn apply_baseline(workspace: &Workspace, deduped: Deduped) -> Baselined {
    let Deduped {
        findings,
        superseded,
    } = deduped;
    let Some(input) = &workspace.baseline else {
        return Baselined {
            kept: findings,
            superseded,
            ..Baselined::default()
        };
    };
    let recorded = match &input.recorded {
        Ok(recorded) => recorded,
        Err(message) => {
            return Baselined {
                kept: findings,
                superseded,
                problems: vec![Problem::error(Some(input.shown.clone()), message.clone())],
                ..Baselined::default()
            };
        }
    };
    let mut matcher = recorded.matcher(&workspace.root);
    let mut hidden = 0;
    let mut kept: Vec<Diagnostic> = findings
        .into_iter()
        .filter(|finding| {
            let recorded = matcher.records(finding);
            hidden += usize::from(recorded);
            !recorded
        })
        .collect();
    let still_replaced = replacing(&kept);
    let mut restored = Vec::new();
    let mut still_superseded = Vec::new();
    for finding in superseded {
        let recorded = matcher.records(&finding);
        // Neither counted as hidden: a run without the baseline would not report it either.
        if grant_key(&finding).is_some_and(|key| still_replaced.contains(&key)) {
            still_superseded.push(finding);
        } else if !recorded {
            restored.push(finding);
        }
    }
    if !restored.is_empty() {
        kept.extend(restored);
        kept.sort_by(Diagnostic::report_order);
        kept.dedup_by(|a, b| a.report_order(b).is_eq());
    }
    let stale = matcher.stale();
    Baselined {
        kept,
        superseded: still_superseded,
        hidden,
        problems: baseline::stale_problems(&input.shown, &stale),
    }
}

//! Evaluating a pack against an integration user: each requirement is checked (by its kind) against
//! the union of what the user holds, or the profile alone for packs whose grants must live there;
//! every gap becomes a finding that names the integration, the pack and the requirement, says what
//! is missing and why the vendor needs it, and points where the fix belongs. The checks every pack
//! makes beyond its requirements are in [`guards`](super::guards).

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use super::Pack;
use super::file::{Confidence, GrantsOn, Requirement};
use super::kinds::{Evaluation, Fact, Gap, Target};
use super::options::Options;
use crate::catalog::Catalog;
use crate::definitions::Definitions;
use crate::diagnostic::{Diagnostic, Location, PackOrigin, Severity, listed};
use crate::model::access::Access;
use crate::model::user::{Holdings, IntegrationUser, Member, Role};
use crate::model::{Component, Grants, insertion_point};
use crate::registry::RuleId;
use crate::source::Span;

/// What the engine may consult besides the integration itself.
pub struct PackContext<'a> {
    pub catalog: &'a Catalog,
    /// `sourceApiVersion` of `sfdx-project.json`.
    pub source_api_version: Option<f64>,
    /// The rest of the project (connected apps, External Client App policies), read on demand.
    pub definitions: &'a Definitions<'a>,
}

/// What a requirement kind evaluates against: the integration user, what it holds, its pack and
/// options, and what the engine knows.
pub(crate) struct Scope<'s, 'a> {
    user: &'s IntegrationUser,
    holdings: &'s Holdings<'a>,
    pack: &'s Pack,
    options: &'s Options,
    context: &'s PackContext<'s>,
}

impl<'s, 'a> Scope<'s, 'a> {
    pub fn catalog(&self) -> &'s Catalog {
        self.context.catalog
    }

    pub fn source_api_version(&self) -> Option<f64> {
        self.context.source_api_version
    }

    pub fn definitions(&self) -> &'s Definitions<'s> {
        self.context.definitions
    }

    pub fn pack(&self) -> &'s Pack {
        self.pack
    }

    pub fn options(&self) -> &'s Options {
        self.options
    }

    /// The vendor as admins know it.
    pub fn vendor(&self) -> &'s str {
        &self.pack.file.pack.name
    }

    /// `integration user Act-On`.
    pub fn subject(&self) -> String {
        format!("integration user {}", self.user.name)
    }

    pub fn members(&self) -> &'s [Member<'a>] {
        &self.holdings.members
    }

    /// The user as declared.
    pub fn user(&self) -> &'s IntegrationUser {
        self.user
    }

    /// What the user holds.
    pub fn holdings(&self) -> &'s Holdings<'a> {
        self.holdings
    }

    pub fn profile(&self) -> Option<&'a Component> {
        self.holdings.profile()
    }

    /// The fixed items of a requirement and those of the option it reads.
    pub fn items(&self, fixed: &[String], from: Option<&toml::Spanned<String>>) -> Vec<String> {
        let mut items: Vec<String> = fixed.to_vec();
        if let Some(option) = from {
            items.extend(self.options.items(option.get_ref()));
        }
        items
    }

    /// The user's profile, or `None` after noting that `what` cannot be checked without one.
    pub fn declared_profile(
        &self,
        requirement: &Requirement,
        what: &str,
        evaluation: &mut Evaluation,
    ) -> Option<&'a Component> {
        let profile = self.profile();
        if profile.is_none() {
            evaluation
                .unverifiable
                .push(self.no_profile(requirement, what));
        }
        profile
    }

    pub fn no_profile(&self, requirement: &Requirement, what: &str) -> Gap {
        Gap {
            key: format!("{}/no-profile", requirement.id),
            rule: RuleId::UnverifiableRequirement,
            message: format!(
                "{} declares no profile, so {what} cannot be checked",
                self.subject()
            ),
            fix: Some("Name the profile in sflint.toml.".to_string()),
            target: Target::Permission,
            severity: None,
            fact: None,
            remedy: None,
        }
    }

    /// Whether a requirement applies with the project's options.
    pub fn applies(&self, requirement: &Requirement) -> bool {
        self.options.satisfy(requirement.when.as_ref())
    }

    pub(crate) fn on_profile(&self) -> bool {
        self.pack.file.pack.grants_on == GrantsOn::Profile
    }

    /// The finding's origin: integration, pack and the full requirement id.
    pub fn origin(&self, requirement: String) -> PackOrigin {
        PackOrigin {
            integration: self.user.name.clone(),
            pack: self.pack.id().to_string(),
            requirement,
        }
    }
}

/// Every finding of `pack` (with `options`) about `user`, who holds `holdings`.
pub fn check(
    pack: &Pack,
    options: &Options,
    user: &IntegrationUser,
    holdings: &Holdings<'_>,
    context: &PackContext<'_>,
) -> Vec<Diagnostic> {
    let scope = Scope {
        user,
        holdings,
        pack,
        options,
        context,
    };
    let union = Access::of(holdings, |_, _| true);
    // What the profile alone grants, for packs that read grants there. Each is a map of every
    // entry (hundreds of thousands on an admin profile): built only when it differs from the union.
    let profile_differs = scope.on_profile()
        && holdings
            .members
            .iter()
            .any(|member| member.role != Role::Profile);
    let profile_access =
        profile_differs.then(|| Access::of(holdings, |_, member| member.role == Role::Profile));
    let profile_only = profile_access.as_ref().unwrap_or(&union);
    let requirements: Vec<&Requirement> = pack
        .file
        .requirements
        .iter()
        .filter(|requirement| scope.applies(requirement))
        .collect();
    let mut out = Vec::new();
    let mut reported: Vec<(Diagnostic, Option<Fact>)> = Vec::new();
    inferred_options(&scope, &mut out);
    unset_options(&scope, &requirements, &mut out);
    for requirement in &requirements {
        let evaluation = if scope.on_profile() && requirement.kind.about_grants() {
            let on_profile = evaluate(requirement, &scope, profile_only);
            let anywhere = evaluate(requirement, &scope, &union);
            relocate_to_profile(&scope, on_profile, &anywhere)
        } else {
            evaluate(requirement, &scope, &union)
        };
        let severity = requirement.level.severity();
        for gap in evaluation.gaps {
            let gap = inferred_name(&scope, requirement, gap, severity);
            let fact = gap.fact.clone();
            reported.push((report(&scope, requirement, gap, severity), fact));
        }
        for gap in evaluation.unverifiable {
            let fact = gap.fact.clone();
            reported.push((report(&scope, requirement, gap, Severity::Info), fact));
        }
    }
    let mut guarded = Vec::new();
    super::guards::check(&scope, &union, &requirements, &mut guarded);
    reported.extend(guarded.into_iter().map(|finding| (finding, None)));
    out.extend(one_finding_per_fact(reported));
    out
}

/// Findings of several requirements that state one fact are one finding, which names every
/// requirement: gaps with the same [`Fact`] (their items merged), license findings on the same
/// license element (one value, whatever each requirement says of it), and findings otherwise
/// identical (the same rule, place and message).
fn one_finding_per_fact(reported: Vec<(Diagnostic, Option<Fact>)>) -> Vec<Diagnostic> {
    type Key = (RuleId, String, Option<(PathBuf, u32, u32)>, String);
    struct Merged {
        finding: Diagnostic,
        fact: Option<Fact>,
        requirements: Vec<String>,
    }
    let mut merged: Vec<Merged> = Vec::new();
    let mut by_key: HashMap<Key, usize> = HashMap::new();
    for (finding, fact) in reported {
        let place = || {
            Some((
                finding.location.path.fs.clone(),
                finding.location.span.start,
                finding.location.span.end,
            ))
        };
        let key: Key = match &fact {
            Some(fact) => (finding.rule, fact.key.clone(), None, String::new()),
            None if finding.rule == RuleId::LicenseMismatch => {
                (finding.rule, String::new(), place(), String::new())
            }
            None => (
                finding.rule,
                String::new(),
                place(),
                finding.message.clone(),
            ),
        };
        let requirement = finding
            .origin
            .as_ref()
            .map(|origin| origin.requirement.clone());
        match by_key.get(&key) {
            Some(&index) => {
                let into = &mut merged[index];
                into.finding.severity = into.finding.severity.max(finding.severity);
                if let (Some(into_fact), Some(fact)) = (&mut into.fact, fact) {
                    for item in fact.items {
                        if !into_fact.items.contains(&item) {
                            into_fact.items.push(item);
                        }
                    }
                }
                if let Some(requirement) = requirement
                    && !into.requirements.contains(&requirement)
                {
                    into.requirements.push(requirement);
                }
            }
            None => {
                by_key.insert(key, merged.len());
                merged.push(Merged {
                    finding,
                    fact,
                    requirements: requirement.into_iter().collect(),
                });
            }
        }
    }
    merged
        .into_iter()
        .map(|mut merged| {
            if let Some(fact) = &merged.fact
                && fact.items.len() > 1
            {
                merged.finding.message = fact.message.replace("{items}", &listed(&fact.items));
                merged.finding.items = fact.items.clone();
            }
            if merged.requirements.len() > 1 {
                merged
                    .finding
                    .message
                    .push_str(&format!(" (requirements {})", listed(&merged.requirements)));
            }
            merged.finding
        })
        .collect()
}

/// The options the engine took from the user's files, once each, as info: which value, and why.
fn inferred_options(scope: &Scope<'_, '_>, out: &mut Vec<Diagnostic>) {
    for inference in scope.options().inferences() {
        let requirement = option_requirement_id(scope.pack(), &inference.option);
        let mut diagnostic = Diagnostic::new(
            RuleId::UnverifiableRequirement,
            Severity::Info,
            inference.location.clone(),
            format!(
                "{} is checked with {} = {:?}, which the project does not set: {}",
                scope.subject(),
                inference.option,
                inference.value,
                inference.because
            ),
        )
        .with_help(format!(
            "Set {} in the integration's options if {} is set up otherwise: the requirements checked depend on it.",
            inference.option,
            scope.vendor()
        ))
        .with_element(format!("{requirement}/{}", inference.value));
        diagnostic.origin = Some(scope.origin(requirement));
        out.push(diagnostic);
    }
}

/// The options the project left unset that may be, once each, as info saying what is not checked,
/// when an applicable requirement would have read them.
fn unset_options(scope: &Scope<'_, '_>, requirements: &[&Requirement], out: &mut Vec<Diagnostic>) {
    for (option, unchecked) in scope.options().unset() {
        if !requirements
            .iter()
            .any(|requirement| requirement.kind.option() == Some(option))
        {
            continue;
        }
        let requirement = option_requirement_id(scope.pack(), option);
        let mut diagnostic = Diagnostic::new(
            RuleId::UnverifiableRequirement,
            Severity::Info,
            locate(scope, &Target::Permission),
            format!(
                "option {option} of {} is not set, so {unchecked}",
                scope.subject()
            ),
        )
        .with_help(format!(
            "Set {option} in the integration's options to have it checked."
        ))
        .with_element(requirement.clone());
        diagnostic.origin = Some(scope.origin(requirement));
        out.push(diagnostic);
    }
}

/// The requirement id of what the engine reports about an option: `ampersand/option-variant`.
pub(crate) fn option_requirement_id(pack: &Pack, option: &str) -> String {
    format!("{}/option-{}", pack.id(), option.replace('_', "-"))
}

/// A gap about a name the requirement reads from an option the project left at a default that
/// sflint inferred from the vendor's label (`inferred = true`): the vendor's page does not print the
/// name, so the miss may only mean the org names it otherwise. At most a warning, saying so.
fn inferred_name(
    scope: &Scope<'_, '_>,
    requirement: &Requirement,
    mut gap: Gap,
    severity: Severity,
) -> Gap {
    let Some(option) = requirement
        .kind
        .option()
        .filter(|option| scope.options().is_guessed(option))
    else {
        return gap;
    };
    if !scope.options().items(option).contains(&gap.key) {
        return gap;
    }
    gap.severity = Some(gap.severity.unwrap_or(severity).min(Severity::Warning));
    gap.message.push_str(&format!(
        " ({} is a name sflint inferred from the vendor's label, which its page does not print: set option {option} to the API name in your org)",
        gap.key
    ));
    gap
}

/// A requirement's evaluation, its gaps under the finding it names, if any.
pub(crate) fn evaluate(
    requirement: &Requirement,
    scope: &Scope<'_, '_>,
    access: &Access<'_>,
) -> Evaluation {
    let mut evaluation = requirement.kind.evaluate(requirement, scope, access);
    if let Some(finding) = requirement.finding {
        for gap in &mut evaluation.gaps {
            gap.rule = finding;
        }
    }
    evaluation
}

/// The finding a requirement reports its gaps as.
pub(crate) fn finding_of(requirement: &Requirement) -> RuleId {
    requirement
        .finding
        .unwrap_or_else(|| requirement.kind.default_finding())
}

/// For a pack whose grants must be on the profile: a gap on the profile that the permission sets
/// fill is reported as `profile-required`.
fn relocate_to_profile(
    scope: &Scope<'_, '_>,
    mut profile: Evaluation,
    union: &Evaluation,
) -> Evaluation {
    let union_keys: BTreeSet<&str> = union.gaps.iter().map(|gap| gap.key.as_str()).collect();
    for gap in &mut profile.gaps {
        if !union_keys.contains(gap.key.as_str()) {
            gap.rule = RuleId::ProfileRequired;
            gap.message = format!(
                "{} is granted to {} only by a permission set; {} reads it from the profile",
                gap.key,
                scope.subject(),
                scope.vendor()
            );
            gap.fix = Some(format!("Move the grant of {} to the profile.", gap.key));
            gap.target = Target::Profile;
        }
        // Other gaps keep their target: `locate` finds it among the profile's entries.
    }
    profile
}

fn report(
    scope: &Scope<'_, '_>,
    requirement: &Requirement,
    gap: Gap,
    severity: Severity,
) -> Diagnostic {
    let location = locate(scope, &gap.target);
    let fix = gap
        .remedy
        .as_ref()
        .and_then(|remedy| super::fixes::fix(scope, remedy));
    let quote = format!(
        "{}: \"{}\" ({}).",
        scope.vendor(),
        requirement.why.trim(),
        requirement.source.trim()
    );
    let mut help = match &gap.fix {
        Some(fix) => format!("{fix} {quote}"),
        None => quote,
    };
    let header = &scope.pack().file.pack;
    if header.confidence <= Confidence::Medium {
        help.push_str(&format!(
            " The vendor's page is partial (pack confidence: {}); check it before acting.",
            header.confidence.as_str()
        ));
    }
    let requirement_id = scope.pack().requirement_id(requirement);
    let mut diagnostic = Diagnostic::new(
        gap.rule,
        gap.severity.unwrap_or(severity),
        location,
        gap.message,
    )
    .with_help(help)
    .with_element(format!("{requirement_id}/{}", gap.key));
    diagnostic.origin = Some(scope.origin(requirement_id));
    diagnostic.fix = fix;
    diagnostic
}

/// Where the fix for a gap belongs: the member that already grants related access, else the
/// first permission set, else the profile. Packs whose grants must be on the profile point there.
fn locate(scope: &Scope<'_, '_>, target: &Target) -> Location {
    let user = scope.holdings();
    let on_profile = scope.on_profile();
    let root = |component: &Component| Location::new(&component.files[0], component.root);
    // Where new grants go: the profile for packs that read them there, else the first permission
    // set, else the profile.
    let home = || -> &Component {
        if on_profile && let Some(profile) = scope.profile() {
            return profile;
        }
        user.permission_sets()
            .next()
            .map(|member| member.component)
            .or_else(|| scope.profile())
            .unwrap_or(user.members[0].component)
    };
    let fallback = || root(home());
    // The entry of `home` before (or after) which a new entry keyed `key` goes, found by
    // `entries`; else the root element.
    let insertion = |key: &str, list: EntryList| {
        let component = home();
        component
            .permissions()
            .and_then(|container| list.insertion_point(&container.grants, key))
            .map_or_else(fallback, |span| Location::new(component.path(span), span))
    };
    let object_entry = |object: &str| {
        user.members.iter().find_map(|member| {
            if on_profile && member.role != Role::Profile {
                return None;
            }
            let entry = member.permissions()?.grants.object_permission(object)?;
            let key = entry.object.span;
            Some(Location::new(member.component.path(key), key))
        })
    };
    match target {
        Target::At(location) => location.clone(),
        Target::Profile => scope.profile().map(root).unwrap_or_else(fallback),
        Target::Permission => fallback(),
        Target::UserPermission(name) => insertion(name, EntryList::UserPermissions),
        Target::Object(object) => {
            object_entry(object).unwrap_or_else(|| insertion(object, EntryList::Objects))
        }
        Target::Field(field) => {
            let object = crate::model::object_of(field);
            let prefix = format!("{object}.");
            user.members
                .iter()
                .filter(|member| !on_profile || member.role == Role::Profile)
                .find_map(|member| {
                    let grants = &member.permissions()?.grants;
                    let entry = grants.field_permission(field).or_else(|| {
                        grants.field_permissions.iter().find(|entry| {
                            entry.field.value.as_bytes().starts_with(prefix.as_bytes())
                        })
                    })?;
                    let key = entry.field.span;
                    Some(Location::new(member.component.path(key), key))
                })
                .or_else(|| object_entry(object))
                .unwrap_or_else(|| insertion(field, EntryList::Fields))
        }
    }
}

/// The entries of a kind among which a missing one would be inserted.
#[derive(Clone, Copy)]
enum EntryList {
    UserPermissions,
    Objects,
    Fields,
}

impl EntryList {
    /// [`insertion_point`] over the entries of this kind, read where they are: a profile may hold
    /// hundreds of thousands of field entries.
    fn insertion_point(self, grants: &Grants, key: &str) -> Option<Span> {
        match self {
            EntryList::UserPermissions => insertion_point(
                grants
                    .user_permissions
                    .iter()
                    .map(|entry| (entry.name.value.as_bytes(), entry.span)),
                key,
            ),
            EntryList::Objects => insertion_point(
                grants
                    .object_permissions
                    .iter()
                    .map(|entry| (entry.object.value.as_bytes(), entry.span)),
                key,
            ),
            EntryList::Fields => insertion_point(
                grants
                    .field_permissions
                    .iter()
                    .map(|entry| (entry.field.value.as_bytes(), entry.span)),
                key,
            ),
        }
    }
}

//! Evaluating a pack against an integration user: each requirement is checked against the union of
//! what the user holds (or the profile alone, for packs whose grants must live there), and every gap
//! becomes a finding that names the integration, the pack and the requirement, says what is missing
//! and why the vendor needs it, and points where the fix belongs.

use std::collections::{BTreeMap, BTreeSet};

use super::Pack;
use super::options::Options;
use super::schema::{Confidence, FieldAccessName, GrantsOn, Kind, RequirementSpec};
use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, Location, PackOrigin, Severity};
use crate::model::access::{Access, IntegrationUser, Role};
use crate::model::{Component, ObjectAccess, ObjectFlag};
use crate::registry::RuleId;

/// One integration user with its pack and the project's options for it.
#[derive(Debug)]
pub struct Integration<'a> {
    pub name: String,
    pub pack: &'a Pack,
    pub options: Options,
    pub user: IntegrationUser<'a>,
}

/// What the engine may consult besides the integration itself.
pub struct PackContext<'a> {
    pub catalog: &'a Catalog,
    /// `sourceApiVersion` of `sfdx-project.json`.
    pub source_api_version: Option<f64>,
}

/// View All Fields exists from API version 63.0 (Spring '25).
const VIEW_ALL_FIELDS_API_VERSION: f64 = 63.0;

pub fn check(integration: &Integration<'_>, context: &PackContext<'_>) -> Vec<Diagnostic> {
    let user = &integration.user;
    let mut checker = Checker {
        integration,
        context,
        union: Access::of(user, |_, _| true),
        profile_only: Access::of(user, |_, member| member.role == Role::Profile),
        out: Vec::new(),
    };
    let requirements: Vec<&RequirementSpec> = integration
        .pack
        .file
        .requirements
        .iter()
        .filter(|requirement| integration.options.satisfy(requirement.when.as_ref()))
        .collect();
    for requirement in &requirements {
        checker.requirement(requirement);
    }
    checker.org_wide_permissions();
    checker.dangerous_permissions(&requirements);
    checker.license_consistency();
    if integration.pack.file.pack.read_only {
        checker.read_only(&requirements);
    }
    checker.out
}

/// Where a fix belongs.
#[derive(Debug, Clone)]
enum Target {
    Object(String),
    Field(String),
    Permission,
    Profile,
    At(Location),
}

/// One unmet part of a requirement.
#[derive(Debug, Clone)]
struct Gap {
    /// Identifies the missing item within its requirement (an object, a field, a permission).
    key: String,
    rule: RuleId,
    message: String,
    fix: Option<String>,
    target: Target,
    severity: Option<Severity>,
}

/// The outcome of checking one requirement.
#[derive(Debug, Default)]
struct Evaluation {
    /// False when the requirement has nothing to check (an empty option list).
    applicable: bool,
    gaps: Vec<Gap>,
    /// Parts that cannot be checked in metadata: reported as info, never as defects.
    unverifiable: Vec<Gap>,
}

struct Checker<'i, 'a> {
    integration: &'i Integration<'a>,
    context: &'i PackContext<'i>,
    union: Access<'a>,
    profile_only: Access<'a>,
    out: Vec<Diagnostic>,
}

impl<'i, 'a> Checker<'i, 'a> {
    fn vendor(&self) -> &str {
        &self.integration.pack.file.pack.name
    }

    fn subject(&self) -> String {
        format!("integration user {}", self.integration.name)
    }

    fn profile(&self) -> Option<&'a Component> {
        self.integration.user.profile()
    }

    fn requirement(&mut self, requirement: &RequirementSpec) {
        let on_profile = self.integration.pack.file.pack.grants_on == GrantsOn::Profile;
        let evaluation = if on_profile && requirement_is_about_grants(requirement.kind) {
            let profile = self.evaluate(requirement, &self.profile_only);
            let union = self.evaluate(requirement, &self.union);
            self.relocate_to_profile(profile, &union)
        } else {
            self.evaluate(requirement, &self.union)
        };
        let severity = requirement.level.severity();
        for gap in evaluation.gaps {
            self.report(requirement, gap, severity);
        }
        for gap in evaluation.unverifiable {
            self.report(requirement, gap, Severity::Info);
        }
    }

    /// For a pack whose grants must be on the profile: a gap on the profile that the permission sets
    /// fill is reported as `profile-required`.
    fn relocate_to_profile(&self, mut profile: Evaluation, union: &Evaluation) -> Evaluation {
        let union_keys: BTreeSet<&str> = union.gaps.iter().map(|gap| gap.key.as_str()).collect();
        for gap in &mut profile.gaps {
            if !union_keys.contains(gap.key.as_str()) {
                gap.rule = RuleId::ProfileRequired;
                gap.message = format!(
                    "{} is granted to {} only by a permission set; {} reads it from the profile",
                    gap.key,
                    self.subject(),
                    self.vendor()
                );
                gap.fix = Some(format!("Move the grant of {} to the profile.", gap.key));
                gap.target = Target::Profile;
            }
            // Other gaps keep their target: `locate` finds it among the profile's entries.
        }
        profile
    }

    fn evaluate(&self, requirement: &RequirementSpec, access: &Access<'_>) -> Evaluation {
        let mut evaluation = Evaluation {
            applicable: true,
            ..Evaluation::default()
        };
        match requirement.kind {
            Kind::UserPermission => {
                for permission in permissions(requirement) {
                    if !access.has_permission(permission) {
                        let described = self.context.catalog.describe(permission);
                        evaluation.gaps.push(Gap {
                            key: permission.to_string(),
                            rule: finding_for_missing_permission(requirement, permission),
                            message: format!("{} lacks {described}", self.subject()),
                            fix: Some(format!("Enable {permission}.")),
                            target: Target::Permission,
                            severity: None,
                        });
                    }
                }
            }
            Kind::ForbidPermission => {
                for permission in permissions(requirement) {
                    let Some(grants) = access.user_permissions.get(permission) else {
                        continue;
                    };
                    let described = self.context.catalog.describe(permission);
                    for grant in grants {
                        let member = &self.integration.user.members[grant.member];
                        evaluation.gaps.push(Gap {
                            key: permission.to_string(),
                            rule: finding_for_forbidden_permission(requirement, permission),
                            message: format!(
                                "{} has {described} enabled, through {}",
                                self.subject(),
                                describe_member(member.component)
                            ),
                            fix: Some(format!("Disable {permission} here.")),
                            target: Target::At(Location::new(
                                member.component.path(grant.span),
                                grant.span,
                            )),
                            severity: None,
                        });
                    }
                }
            }
            Kind::ObjectAccess => self.evaluate_objects(requirement, access, &mut evaluation),
            Kind::FieldAccess => self.evaluate_fields(requirement, access, &mut evaluation),
            Kind::RecordType => self.evaluate_record_types(requirement, access, &mut evaluation),
            Kind::ProfileLicense => self.evaluate_profile_license(requirement, &mut evaluation),
            Kind::PermissionSetLicense => {
                self.evaluate_permission_set_licenses(requirement, &mut evaluation)
            }
            Kind::Profile | Kind::ProfileDiscouraged => {
                self.evaluate_profile(requirement, &mut evaluation)
            }
            Kind::FieldCount => self.evaluate_field_count(requirement, access, &mut evaluation),
            Kind::AnyOf => self.evaluate_alternatives(requirement, access, &mut evaluation),
            Kind::Unverifiable => {
                evaluation.unverifiable.push(Gap {
                    key: requirement.id.clone(),
                    rule: RuleId::UnverifiableRequirement,
                    message: format!(
                        "{} needs {}, which cannot be verified in metadata",
                        self.vendor(),
                        requirement.what.as_deref().unwrap_or_default()
                    ),
                    fix: Some("Check it in the org's Setup.".to_string()),
                    target: Target::Profile,
                    severity: None,
                });
            }
            Kind::ForbidLicense => self.evaluate_forbidden_license(requirement, &mut evaluation),
            Kind::NoLoginIpRanges | Kind::NoLoginHours => {
                self.evaluate_login_restrictions(requirement, &mut evaluation)
            }
            Kind::ForbidSessionLevel => self.evaluate_session_level(requirement, &mut evaluation),
            Kind::PermissionSet => self.evaluate_permission_sets(requirement, &mut evaluation),
        }
        evaluation
    }

    fn evaluate_forbidden_license(
        &self,
        requirement: &RequirementSpec,
        evaluation: &mut Evaluation,
    ) {
        let Some(profile) = self.declared_profile(requirement, "its user license", evaluation)
        else {
            return;
        };
        let Some(license) = profile.permissions().and_then(|c| c.license.as_ref()) else {
            return;
        };
        if !requirement.licenses.contains(&license.value) {
            return;
        }
        evaluation.gaps.push(Gap {
            key: "userLicense".to_string(),
            rule: RuleId::LicenseMismatch,
            message: format!(
                "{} does not work with the {} user license of profile {}",
                self.vendor(),
                license.value,
                profile.name
            ),
            fix: Some("Use a profile of another user license.".to_string()),
            target: Target::At(Location::new(profile.path(license.span), license.span)),
            severity: None,
        });
    }

    fn evaluate_login_restrictions(
        &self,
        requirement: &RequirementSpec,
        evaluation: &mut Evaluation,
    ) {
        let Some(profile) =
            self.declared_profile(requirement, "its login restrictions", evaluation)
        else {
            return;
        };
        let Some(container) = profile.permissions() else {
            return;
        };
        let (span, what, fix) = if requirement.kind == Kind::NoLoginIpRanges {
            (
                container.login_ip_ranges.first().copied(),
                "login IP ranges",
                "Remove the <loginIpRanges> of this profile, or include every address the vendor connects from.",
            )
        } else {
            (
                container.login_hours,
                "login hours",
                "Remove the <loginHours> of this profile so the vendor can connect at any time.",
            )
        };
        if let Some(span) = span {
            evaluation.gaps.push(Gap {
                key: what.replace(' ', "-"),
                rule: RuleId::LoginRestricted,
                message: format!(
                    "profile {} of {} sets {what}, which can lock {} out",
                    profile.name,
                    self.subject(),
                    self.vendor()
                ),
                fix: Some(fix.to_string()),
                target: Target::At(Location::new(profile.path(span), span)),
                severity: None,
            });
        }
    }

    fn evaluate_session_level(&self, requirement: &RequirementSpec, evaluation: &mut Evaluation) {
        if self
            .declared_profile(requirement, "its session security level", evaluation)
            .is_none()
        {
            return;
        }
        let Some(component) = self.integration.user.session_setting else {
            return;
        };
        let Some(level) = component
            .session_setting()
            .and_then(|setting| setting.required_session_level.as_ref())
        else {
            return;
        };
        if requirement.levels.contains(&level.value) {
            evaluation.gaps.push(Gap {
                key: "requiredSessionLevel".to_string(),
                rule: RuleId::SessionSecurityLevel,
                message: format!(
                    "the profile session settings of {} require {} at login, which {} cannot reach",
                    self.subject(),
                    level.value,
                    self.vendor()
                ),
                fix: Some(
                    "Set Session Security Level Required at Login to None on the profile."
                        .to_string(),
                ),
                target: Target::At(Location::new(component.path(level.span), level.span)),
                severity: None,
            });
        }
    }

    fn evaluate_permission_sets(&self, requirement: &RequirementSpec, evaluation: &mut Evaluation) {
        let user = &self.integration.user;
        for name in &requirement.permission_sets {
            let assigned = user
                .permission_sets()
                .any(|member| crate::integrations::names_match(&member.component.name, name))
                || user
                    .package_permission_sets
                    .iter()
                    .any(|assigned| assigned == name);
            if !assigned {
                evaluation.gaps.push(Gap {
                    key: name.clone(),
                    rule: RuleId::MissingPermissionSet,
                    message: format!("{} lacks permission set {name}", self.subject()),
                    fix: Some(format!(
                        "Assign {name}; if it comes from an installed package and is not in source, list it in package_permission_sets in sflint.toml."
                    )),
                    target: Target::Permission,
                    severity: None,
                });
            }
        }
    }

    fn items(&self, fixed: &[String], from: Option<&String>) -> Vec<String> {
        let mut items: Vec<String> = fixed.to_vec();
        if let Some(option) = from {
            items.extend(self.integration.options.items(option));
        }
        items
    }

    fn evaluate_objects(
        &self,
        requirement: &RequirementSpec,
        access: &Access<'_>,
        evaluation: &mut Evaluation,
    ) {
        let objects = self.items(&requirement.objects, requirement.objects_from.as_ref());
        evaluation.applicable = !objects.is_empty();
        let mut needed = ObjectAccess::of(&requirement.access);
        if needed.contains(ObjectFlag::ViewAllFields)
            && let Some(version) = self.context.source_api_version
            && version < VIEW_ALL_FIELDS_API_VERSION
        {
            needed = needed.minus(ObjectAccess::of(&[ObjectFlag::ViewAllFields]));
            evaluation.unverifiable.push(Gap {
                key: format!("{}/view-all-fields", requirement.id),
                rule: RuleId::UnverifiableRequirement,
                message: format!(
                    "{} asks for View All Fields, which needs API version 63.0 or later; this project's sourceApiVersion is {version:.1}",
                    self.vendor()
                ),
                fix: Some(
                    "Raise sourceApiVersion to 63.0 or grant read on each field the integration needs."
                        .to_string(),
                ),
                target: Target::Profile,
                severity: None,
            });
        }
        for object in objects {
            if let Some(instead) = self.context.catalog.object_without_permissions(&object) {
                evaluation.unverifiable.push(Gap {
                    key: object.clone(),
                    rule: RuleId::UnverifiableRequirement,
                    message: format!(
                        "{} needs {} on {object}, which cannot be verified in metadata: {instead}",
                        self.vendor(),
                        needed.describe()
                    ),
                    fix: None,
                    target: Target::Profile,
                    severity: None,
                });
                continue;
            }
            let has = access.object_access(&object, self.context.catalog);
            let missing = needed.minus(has);
            if missing.is_empty() {
                continue;
            }
            let had = if has.is_empty() {
                "no access".to_string()
            } else {
                format!("has {}", has.describe())
            };
            evaluation.gaps.push(Gap {
                key: object.clone(),
                rule: RuleId::MissingObjectAccess,
                message: format!(
                    "{} lacks {} on {object} ({had})",
                    self.subject(),
                    missing.describe()
                ),
                fix: Some(format!("Grant {} on {object}.", missing.describe())),
                target: Target::Object(object),
                severity: None,
            });
        }
    }

    fn evaluate_fields(
        &self,
        requirement: &RequirementSpec,
        access: &Access<'_>,
        evaluation: &mut Evaluation,
    ) {
        let fields = self.items(&requirement.fields, requirement.fields_from.as_ref());
        evaluation.applicable = !fields.is_empty();
        let edit = requirement.field_access == Some(FieldAccessName::Edit);
        for field in fields {
            let (readable, editable) = access.field_access(&field, self.context.catalog);
            if readable && (!edit || editable) {
                continue;
            }
            let verb = if edit && readable {
                "edit"
            } else if edit {
                "read or edit"
            } else {
                "read"
            };
            let object = field.split_once('.').map_or(field.as_str(), |(o, _)| o);
            let object_access = access.object_access(object, self.context.catalog);
            let needed_object = if edit {
                ObjectFlag::Edit
            } else {
                ObjectFlag::Read
            };
            let activity_permission = self
                .context
                .catalog
                .implied_object_access(object)
                .and_then(|implied| implied.edit_permission)
                .filter(|_| edit && !object_access.contains(ObjectFlag::Edit));
            let fix = if let Some(permission) = activity_permission {
                format!(
                    "Enable {permission} and make {field} {}.",
                    if readable {
                        "editable"
                    } else {
                        "readable and editable"
                    }
                )
            } else if self.context.catalog.field_without_permissions(&field)
                || !object_access.contains(needed_object)
            {
                format!(
                    "Grant {} on {object}{}.",
                    needed_object.label(),
                    if self.context.catalog.field_without_permissions(&field) {
                        String::new()
                    } else {
                        format!(
                            " and make {field} {}",
                            if edit {
                                "readable and editable"
                            } else {
                                "readable"
                            }
                        )
                    }
                )
            } else {
                format!(
                    "Make {field} {}.",
                    if edit {
                        "readable and editable"
                    } else {
                        "readable"
                    }
                )
            };
            evaluation.gaps.push(Gap {
                key: field.clone(),
                rule: RuleId::MissingFieldAccess,
                message: format!("{} cannot {verb} {field}", self.subject()),
                fix: Some(fix),
                target: Target::Field(field),
                severity: None,
            });
        }
    }

    fn evaluate_record_types(
        &self,
        requirement: &RequirementSpec,
        access: &Access<'_>,
        evaluation: &mut Evaluation,
    ) {
        let record_types = self.items(
            &requirement.record_types,
            requirement.record_types_from.as_ref(),
        );
        evaluation.applicable = !record_types.is_empty();
        for record_type in &record_types {
            if access.record_type_visible(record_type) {
                continue;
            }
            let object = record_type
                .split_once('.')
                .map_or(record_type.as_str(), |(o, _)| o);
            evaluation.gaps.push(Gap {
                key: record_type.clone(),
                rule: RuleId::MissingRecordType,
                message: format!("{} does not see record type {record_type}", self.subject()),
                fix: Some(format!("Make {record_type} visible.")),
                target: Target::Object(object.to_string()),
                severity: None,
            });
        }
        if requirement.exclusive {
            let objects: BTreeSet<&str> = record_types
                .iter()
                .map(|rt| rt.split_once('.').map_or(rt.as_str(), |(o, _)| o))
                .collect();
            let mut extra: Vec<(&str, &Vec<_>)> = access
                .record_types
                .iter()
                .map(|(name, grants)| (*name, grants))
                .filter(|(name, _)| {
                    !record_types.iter().any(|wanted| wanted == name)
                        && name
                            .split_once('.')
                            .is_some_and(|(object, _)| objects.contains(object))
                })
                .collect();
            extra.sort_by(|a, b| a.0.cmp(b.0));
            for (name, grants) in extra {
                let grant = grants[0];
                let member = &self.integration.user.members[grant.member];
                evaluation.gaps.push(Gap {
                    key: name.to_string(),
                    rule: RuleId::ExcessAccess,
                    message: format!(
                        "record type {name} is visible to {} beyond the record types configured for {}",
                        self.subject(),
                        self.vendor()
                    ),
                    fix: Some(format!("Hide {name}, or add it to the configured record types.")),
                    target: Target::At(Location::new(member.component.path(grant.span), grant.span)),
                    severity: Some(Severity::Warning),
                });
            }
        }
    }

    fn evaluate_profile_license(&self, requirement: &RequirementSpec, evaluation: &mut Evaluation) {
        let Some(profile) = self.declared_profile(requirement, "its user license", evaluation)
        else {
            return;
        };
        let license = profile
            .permissions()
            .and_then(|container| container.license.as_ref());
        let found = license.map(|license| license.value.as_str());
        if found.is_some_and(|found| requirement.licenses.iter().any(|l| l == found)) {
            return;
        }
        let target = match license {
            Some(license) => Target::At(Location::new(profile.path(license.span), license.span)),
            None => Target::Profile,
        };
        let expected = requirement.licenses.join(" or ");
        let message = match found {
            Some(found) if requirement.insufficient.iter().any(|l| l == found) => format!(
                "the {found} user license of profile {} is insufficient for {}, which needs {expected}",
                profile.name,
                self.vendor()
            ),
            Some(found) => format!(
                "{} needs the {expected} user license; profile {} has {found}",
                self.vendor(),
                profile.name
            ),
            None => format!(
                "{} needs the {expected} user license; profile {} names no <userLicense>",
                self.vendor(),
                profile.name
            ),
        };
        evaluation.gaps.push(Gap {
            key: "userLicense".to_string(),
            rule: RuleId::LicenseMismatch,
            message,
            fix: Some(format!("Use a profile of the {expected} user license.")),
            target,
            severity: None,
        });
    }

    fn evaluate_permission_set_licenses(
        &self,
        requirement: &RequirementSpec,
        evaluation: &mut Evaluation,
    ) {
        for member in self.integration.user.permission_sets() {
            let Some(license) = member.permissions().and_then(|c| c.license.as_ref()) else {
                continue;
            };
            if requirement.licenses.contains(&license.value) {
                continue;
            }
            evaluation.gaps.push(Gap {
                key: format!("{}/license", member.component.name),
                rule: RuleId::LicenseMismatch,
                message: format!(
                    "permission set {} has license {}; {} allows none or {}",
                    member.component.name,
                    license.value,
                    self.vendor(),
                    requirement.licenses.join(" or ")
                ),
                fix: Some(format!(
                    "Set the permission set's license to {} or leave it empty.",
                    requirement.licenses.join(" or ")
                )),
                target: Target::At(Location::new(
                    member.component.path(license.span),
                    license.span,
                )),
                severity: None,
            });
        }
    }

    fn evaluate_profile(&self, requirement: &RequirementSpec, evaluation: &mut Evaluation) {
        let Some(profile) = self.profile() else {
            if requirement.kind == Kind::Profile {
                evaluation
                    .unverifiable
                    .push(self.no_profile(requirement, "which profile it uses"));
            }
            return;
        };
        let listed = requirement
            .profiles
            .iter()
            .any(|p| crate::integrations::names_match(&profile.name, p));
        let at = Target::At(Location::new(&profile.files[0], profile.root));
        if requirement.kind == Kind::Profile && !listed {
            evaluation.gaps.push(Gap {
                key: "profile".to_string(),
                rule: RuleId::ProfileRequired,
                message: format!(
                    "{} needs profile {}; {} has profile {}",
                    self.vendor(),
                    requirement.profiles.join(" or "),
                    self.subject(),
                    profile.name
                ),
                fix: Some(format!(
                    "Assign profile {}.",
                    requirement.profiles.join(" or ")
                )),
                target: at,
                severity: None,
            });
        } else if requirement.kind == Kind::ProfileDiscouraged && listed {
            evaluation.gaps.push(Gap {
                key: "profile".to_string(),
                rule: RuleId::ProfileRequired,
                message: format!("{} uses profile {}", self.subject(), profile.name),
                fix: None,
                target: at,
                severity: None,
            });
        }
    }

    /// The user's profile, or `None` after noting that `what` cannot be checked without one.
    fn declared_profile(
        &self,
        requirement: &RequirementSpec,
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

    fn no_profile(&self, requirement: &RequirementSpec, what: &str) -> Gap {
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
        }
    }

    fn evaluate_field_count(
        &self,
        requirement: &RequirementSpec,
        access: &Access<'_>,
        evaluation: &mut Evaluation,
    ) {
        let objects = self.items(&requirement.objects, requirement.objects_from.as_ref());
        let max = requirement.max.unwrap_or(usize::MAX);
        let readable = access
            .fields
            .iter()
            .filter(|(field, grant)| {
                grant.readable
                    && field
                        .split_once('.')
                        .is_some_and(|(object, _)| objects.iter().any(|o| o == object))
            })
            .count();
        if readable > max {
            evaluation.gaps.push(Gap {
                key: "field-count".to_string(),
                rule: RuleId::ExcessAccess,
                message: format!(
                    "{} can read {readable} fields on {}; {} recommends at most {max}",
                    self.subject(),
                    objects.join(", "),
                    self.vendor()
                ),
                fix: Some(
                    "Remove field permissions for fields the integration does not sync."
                        .to_string(),
                ),
                target: Target::Permission,
                severity: None,
            });
        }
    }

    fn evaluate_alternatives(
        &self,
        requirement: &RequirementSpec,
        access: &Access<'_>,
        evaluation: &mut Evaluation,
    ) {
        let mut described = Vec::new();
        // The alternative closest to being met names the finding: it is the one to complete.
        let mut closest: Option<(usize, &RequirementSpec)> = None;
        for alternative in &requirement.any_of {
            if !self.integration.options.satisfy(alternative.when.as_ref()) {
                continue;
            }
            let result = self.evaluate(alternative, access);
            if result.applicable && result.gaps.is_empty() {
                return;
            }
            let what = if result.applicable {
                if closest.is_none_or(|(gaps, _)| result.gaps.len() < gaps) {
                    closest = Some((result.gaps.len(), alternative));
                }
                result
                    .gaps
                    .iter()
                    .map(|gap| gap.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                "nothing configured".to_string()
            };
            described.push(format!("{} (missing: {what})", alternative.id));
        }
        let named = closest
            .map(|(_, alternative)| alternative)
            .or(requirement.any_of.first());
        evaluation.gaps.push(Gap {
            key: requirement.id.clone(),
            rule: named.map_or(RuleId::MissingObjectAccess, default_finding),
            message: format!(
                "{} meets none of the alternatives {} accepts: {}",
                self.subject(),
                self.vendor(),
                described.join("; ")
            ),
            fix: Some("Grant one of the alternatives completely.".to_string()),
            target: Target::Permission,
            severity: None,
        });
    }

    /// View All Data and Modify All Data on an integration user: an error unless the pack allows
    /// it, and then one info with the vendor's reason.
    fn org_wide_permissions(&mut self) {
        for (permission, rule) in [
            ("ViewAllData", RuleId::ViewAllData),
            ("ModifyAllData", RuleId::ModifyAllData),
        ] {
            let Some(grants) = self.union.user_permissions.get(permission).cloned() else {
                continue;
            };
            let allow = self
                .integration
                .pack
                .file
                .allows
                .iter()
                .find(|allow| {
                    allow.permission == permission
                        && self.integration.options.satisfy(allow.when.as_ref())
                })
                .cloned();
            let described = self.context.catalog.describe(permission);
            for grant in grants {
                let member = &self.integration.user.members[grant.member];
                let location = Location::new(member.component.path(grant.span), grant.span);
                let (severity, message, help, requirement) = match &allow {
                    Some(allow) => (
                        Severity::Info,
                        format!(
                            "{} holds {described}, which the {} pack allows",
                            self.subject(),
                            self.integration.pack.id()
                        ),
                        format!("{}: \"{}\" ({}).", self.vendor(), allow.why, allow.source),
                        format!("{}/allow-{}", self.integration.pack.id(), kebab(permission)),
                    ),
                    None => (
                        Severity::Error,
                        format!(
                            "{} holds {described}, which the {} pack does not need",
                            self.subject(),
                            self.integration.pack.id()
                        ),
                        format!(
                            "Remove {permission} from {} and grant object access instead: an integration credential with it exposes every record.",
                            describe_member(member.component)
                        ),
                        format!("{}/no-{}", self.integration.pack.id(), kebab(permission)),
                    ),
                };
                let mut diagnostic = Diagnostic::new(rule, severity, location, message)
                    .with_help(help)
                    .with_element(format!("{requirement}/{}", member.component.name));
                diagnostic.origin = Some(self.origin(requirement));
                self.out.push(diagnostic);
            }
        }
    }

    /// High-risk permissions beyond what the pack needs are over-broad (warning); one the pack
    /// requires or allows is reported once, as info with the vendor's reason.
    fn dangerous_permissions(&mut self, requirements: &[&RequirementSpec]) {
        let pack = &self.integration.pack.file;
        for dangerous in &self.context.catalog.dangerous {
            let Some(grant) = self.union.permission(&dangerous.name).copied() else {
                continue;
            };
            let needed = requirements
                .iter()
                .flat_map(|requirement| std::iter::once(*requirement).chain(&requirement.any_of))
                .find(|requirement| {
                    requirement.kind == Kind::UserPermission
                        && permissions(requirement).any(|name| name == dangerous.name)
                })
                .map(|requirement| (requirement.why.clone(), requirement.source.clone()))
                .or_else(|| {
                    pack.allows
                        .iter()
                        .find(|allow| {
                            allow.permission == dangerous.name
                                && self.integration.options.satisfy(allow.when.as_ref())
                        })
                        .map(|allow| (allow.why.clone(), allow.source.clone()))
                });
            let member = &self.integration.user.members[grant.member];
            let location = Location::new(member.component.path(grant.span), grant.span);
            let described = self.context.catalog.describe(&dangerous.name);
            let requirement = format!(
                "{}/{}-{}",
                self.integration.pack.id(),
                if needed.is_some() { "needs" } else { "no" },
                kebab(&dangerous.name)
            );
            let diagnostic = match needed {
                Some((why, source)) => Diagnostic::new(
                    RuleId::DangerousPermission,
                    Severity::Info,
                    location,
                    format!(
                        "{} holds {described}, which {} needs although it {}",
                        self.subject(),
                        self.vendor(),
                        dangerous.why
                    ),
                )
                .with_help(format!(
                    "{}: \"{}\" ({}).",
                    self.vendor(),
                    why.trim(),
                    source.trim()
                )),
                None => Diagnostic::new(
                    RuleId::DangerousPermission,
                    Severity::Warning,
                    location,
                    format!(
                        "{} holds {described}, which the {} pack does not need: it {}",
                        self.subject(),
                        self.integration.pack.id(),
                        dangerous.why
                    ),
                )
                .with_help(format!(
                    "Remove {} from {} unless the integration needs it (source: {}).",
                    dangerous.name,
                    describe_member(member.component),
                    dangerous.source
                )),
            };
            let mut diagnostic =
                diagnostic.with_element(format!("{requirement}/{}", member.component.name));
            diagnostic.origin = Some(self.origin(requirement));
            self.out.push(diagnostic);
        }
    }

    /// A permission set whose license is a user license other than the profile's cannot be
    /// assigned to the user at all.
    fn license_consistency(&mut self) {
        let Some(profile) = self.profile() else {
            return;
        };
        let Some(user_license) = profile.permissions().and_then(|c| c.license.clone()) else {
            return;
        };
        let members: Vec<&Component> = self
            .integration
            .user
            .permission_sets()
            .map(|member| member.component)
            .collect();
        for component in members {
            let Some(license) = component.permissions().and_then(|c| c.license.as_ref()) else {
                continue;
            };
            if license.value == user_license.value
                || !self.context.catalog.is_user_license(&license.value)
            {
                continue;
            }
            let requirement = format!("{}/assignable", self.integration.pack.id());
            let mut diagnostic = Diagnostic::new(
                RuleId::LicenseMismatch,
                Severity::Error,
                Location::new(component.path(license.span), license.span),
                format!(
                    "permission set {} is tied to the {} user license, but profile {} of {} has {}",
                    component.name,
                    license.value,
                    profile.name,
                    self.subject(),
                    user_license.value
                ),
            )
            .with_help(
                "Salesforce only assigns a permission set tied to a user license to users of that license: clear its license or use the profile's.",
            )
            .with_related(
                Location::new(profile.path(user_license.span), user_license.span),
                "the profile's user license",
            )
            .with_element(format!("{requirement}/{}", component.name));
            diagnostic.origin = Some(self.origin(requirement));
            self.out.push(diagnostic);
        }
    }

    /// Read-only packs: create, edit, delete and modify-all beyond what the pack needs, and editable
    /// fields, are excess access.
    fn read_only(&mut self, requirements: &[&RequirementSpec]) {
        let mut needed: BTreeMap<String, ObjectAccess> = BTreeMap::new();
        let mut collect = |requirement: &RequirementSpec| {
            if requirement.kind == Kind::ObjectAccess {
                let flags = ObjectAccess::of(&requirement.access);
                for object in self.items(&requirement.objects, requirement.objects_from.as_ref()) {
                    let entry = needed.entry(object).or_default();
                    *entry = entry.union(flags);
                }
            }
        };
        for requirement in requirements {
            collect(requirement);
            for alternative in &requirement.any_of {
                collect(alternative);
            }
        }
        let writes = ObjectAccess::of(&[
            ObjectFlag::Create,
            ObjectFlag::Edit,
            ObjectFlag::Delete,
            ObjectFlag::ModifyAll,
        ]);
        let members = &self.integration.user.members;
        let mut found = Vec::new();
        for (index, member) in members.iter().enumerate() {
            let Some(container) = member.permissions() else {
                continue;
            };
            for entry in &container.grants.object_permissions {
                let allowed = needed.get(&entry.object.value).copied().unwrap_or_default();
                // What the group's muting permission set removes is not held, so not excess.
                let excess = member.unmuted_object(entry).minus(allowed);
                let excess = ObjectAccess::of(
                    &excess
                        .flags()
                        .filter(|f| writes.contains(*f))
                        .collect::<Vec<_>>(),
                );
                if excess.is_empty() {
                    continue;
                }
                found.push((
                    index,
                    entry.span,
                    format!("objectPermissions/{}", entry.object.value),
                    format!(
                        "{} can {} {}, but {} only reads",
                        self.subject(),
                        excess.describe(),
                        entry.object.value,
                        self.vendor()
                    ),
                    format!("Turn off {} on {}.", excess.describe(), entry.object.value),
                ));
            }
            let mut editable: BTreeMap<&str, Vec<&crate::model::FieldPermission>> = BTreeMap::new();
            for entry in container
                .grants
                .field_permissions
                .iter()
                .filter(|f| member.unmuted_field(f).1)
            {
                editable.entry(entry.object()).or_default().push(entry);
            }
            for (object, entries) in editable {
                let names: Vec<&str> = entries.iter().map(|e| e.field.value.as_str()).collect();
                found.push((
                    index,
                    entries[0].span,
                    format!("fieldPermissions/{object}"),
                    format!(
                        "{} can edit {} field{} of {object} ({}), but {} only reads",
                        self.subject(),
                        names.len(),
                        if names.len() == 1 { "" } else { "s" },
                        names.join(", "),
                        self.vendor()
                    ),
                    "Set <editable>false</editable> on these fields.".to_string(),
                ));
            }
        }
        let requirement = format!("{}/read-only", self.integration.pack.id());
        for (index, span, element, message, help) in found {
            let component = members[index].component;
            let mut diagnostic = Diagnostic::new(
                RuleId::ExcessAccess,
                Severity::Warning,
                Location::new(component.path(span), span),
                message,
            )
            .with_help(help)
            .with_element(format!("{requirement}/{}/{element}", component.name));
            diagnostic.origin = Some(self.origin(requirement.clone()));
            self.out.push(diagnostic);
        }
    }

    fn origin(&self, requirement: String) -> PackOrigin {
        PackOrigin {
            integration: self.integration.name.clone(),
            pack: self.integration.pack.id().to_string(),
            requirement,
        }
    }

    fn report(&mut self, requirement: &RequirementSpec, gap: Gap, severity: Severity) {
        let location = self.locate(&gap.target);
        let quote = format!(
            "{}: \"{}\" ({}).",
            self.vendor(),
            requirement.why.trim(),
            requirement.source.trim()
        );
        let mut help = match &gap.fix {
            Some(fix) => format!("{fix} {quote}"),
            None => quote,
        };
        let header = &self.integration.pack.file.pack;
        if header.confidence <= Confidence::Medium {
            help.push_str(&format!(
                " The vendor's page is partial (pack confidence: {}); check it before acting.",
                header.confidence.as_str()
            ));
        }
        let requirement_id = self.integration.pack.requirement_id(requirement);
        let mut diagnostic = Diagnostic::new(
            gap.rule,
            gap.severity.unwrap_or(severity),
            location,
            gap.message,
        )
        .with_help(help)
        .with_element(format!("{requirement_id}/{}", gap.key));
        diagnostic.origin = Some(self.origin(requirement_id));
        self.out.push(diagnostic);
    }

    /// Where the fix for a gap belongs: the member that already grants related access, else the
    /// first permission set, else the profile. Packs whose grants must be on the profile point there.
    fn locate(&self, target: &Target) -> Location {
        let user = &self.integration.user;
        let on_profile = self.integration.pack.file.pack.grants_on == GrantsOn::Profile;
        let root = |component: &Component| Location::new(&component.files[0], component.root);
        let fallback = || {
            if on_profile && let Some(profile) = self.profile() {
                return root(profile);
            }
            user.permission_sets()
                .next()
                .map(|member| root(member.component))
                .or_else(|| self.profile().map(root))
                .unwrap_or_else(|| root(user.members[0].component))
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
            Target::Profile => self.profile().map(root).unwrap_or_else(fallback),
            Target::Permission => fallback(),
            Target::Object(object) => object_entry(object).unwrap_or_else(fallback),
            Target::Field(field) => {
                let object = field.split_once('.').map_or(field.as_str(), |(o, _)| o);
                let prefix = format!("{object}.");
                user.members
                    .iter()
                    .filter(|member| !on_profile || member.role == Role::Profile)
                    .find_map(|member| {
                        let grants = &member.permissions()?.grants;
                        let entry = grants.field_permission(field).or_else(|| {
                            grants
                                .field_permissions
                                .iter()
                                .find(|entry| entry.field.value.starts_with(&prefix))
                        })?;
                        let key = entry.field.span;
                        Some(Location::new(member.component.path(key), key))
                    })
                    .or_else(|| object_entry(object))
                    .unwrap_or_else(fallback)
            }
        }
    }
}

/// Requirements about grants (as opposed to licenses or the profile's identity), which a
/// profile-only pack must find on the profile.
fn requirement_is_about_grants(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::UserPermission
            | Kind::ObjectAccess
            | Kind::FieldAccess
            | Kind::RecordType
            | Kind::AnyOf
    )
}

fn permissions(requirement: &RequirementSpec) -> impl Iterator<Item = &str> {
    requirement
        .permission
        .iter()
        .chain(&requirement.permissions)
        .map(String::as_str)
}

fn finding_for_missing_permission(requirement: &RequirementSpec, permission: &str) -> RuleId {
    match requirement.finding {
        Some(finding) => finding,
        None if permission == "ApiEnabled" => RuleId::MissingApiEnabled,
        None => RuleId::MissingUserPermission,
    }
}

fn finding_for_forbidden_permission(requirement: &RequirementSpec, permission: &str) -> RuleId {
    match requirement.finding {
        Some(finding) => finding,
        None if permission == "TwoFactorApi" => RuleId::MfaForApiLogins,
        None => RuleId::ForbiddenPermission,
    }
}

fn default_finding(requirement: &RequirementSpec) -> RuleId {
    match requirement.kind {
        Kind::UserPermission => permissions(requirement)
            .next()
            .map_or(RuleId::MissingUserPermission, |permission| {
                finding_for_missing_permission(requirement, permission)
            }),
        Kind::FieldAccess => RuleId::MissingFieldAccess,
        Kind::RecordType => RuleId::MissingRecordType,
        _ => RuleId::MissingObjectAccess,
    }
}

fn describe_member(component: &Component) -> String {
    format!("{} {}", component.kind.noun(), component.name)
}

/// `ViewAllData` -> `view-all-data`.
fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (index, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if index > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

//! `permission-set`: permission sets (often a managed package's) the integration user must hold.
//!
//! API names of permission sets are unique whatever their case, so they are matched
//! case-insensitively. A name the vendor's page does not print belongs in an option with
//! `inferred = true` (`permission_sets_from`): the engine then reports a miss as a warning saying the
//! name is inferred, until the project sets the option.

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;

use super::{Checks, Evaluation, Gap, KindDoc, RequirementKind, Scope, Target, list, params};
use crate::model::access::Access;
use crate::model::names::percent_decode;
use crate::packs::file::{PackError, Requirement};
use crate::registry::RuleId;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PermissionSet {
    /// API names.
    #[serde(default)]
    permission_sets: Vec<String>,
    /// An option naming more (a string or a list).
    #[serde(default)]
    permission_sets_from: Option<Spanned<String>>,
}

impl RequirementKind for PermissionSet {
    const NAME: &'static str = "permission-set";
    const DOC: KindDoc = KindDoc {
        parameters: "`permission_sets` (API names) and/or `permission_sets_from`",
        met_when: "each is among the user's permission sets or its `package_permission_sets` (whatever the case)",
        finding: "`missing-permission-set`",
    };

    fn parse(table: Spanned<DeValue<'_>>) -> Result<Self, PackError> {
        params(table)
    }

    fn validate(&self, checks: &Checks<'_>) -> Result<(), PackError> {
        checks.need(
            !self.permission_sets.is_empty() || self.permission_sets_from.is_some(),
            "`permission_sets` or `permission_sets_from`",
        )?;
        checks.items_option(self.permission_sets_from.as_ref())
    }

    fn evaluate(&self, _: &Requirement, scope: &Scope<'_, '_>, _: &Access<'_>) -> Evaluation {
        let mut evaluation = Evaluation::applicable();
        let names = scope.items(&self.permission_sets, self.permission_sets_from.as_ref());
        evaluation.applicable = !names.is_empty();
        for name in names {
            // A file name may be percent-encoded (`My%2ESet`).
            let same = |other: &str| {
                other.eq_ignore_ascii_case(&name)
                    || (other.contains('%') && percent_decode(other).eq_ignore_ascii_case(&name))
            };
            let assigned = scope
                .holdings()
                .permission_sets()
                .any(|member| same(&member.component.name))
                || scope
                    .user()
                    .package_permission_sets
                    .iter()
                    .any(|assigned| same(assigned));
            if !assigned {
                evaluation.gaps.push(Gap {
                    message: format!("{} lacks permission set {name}", scope.subject()),
                    fix: Some(format!(
                        "Assign {name}; if it comes from an installed package and is not in source, list it in package_permission_sets in sflint.toml."
                    )),
                    key: name,
                    rule: RuleId::MissingPermissionSet,
                    target: Target::Permission,
                    severity: None,
                    fact: None,
                    remedy: None,
                });
            }
        }
        evaluation
    }

    fn describe(&self) -> String {
        format!(
            "permission set {} assigned",
            list(&self.permission_sets, self.permission_sets_from.as_ref())
        )
    }

    fn default_finding(&self) -> RuleId {
        RuleId::MissingPermissionSet
    }

    fn option(&self) -> Option<&str> {
        self.permission_sets_from
            .as_ref()
            .map(|option| option.get_ref().as_str())
    }
}

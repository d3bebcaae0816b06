//! `permission-set`: permission sets (often a managed package's) the integration user must hold.

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;

use super::{Checks, Evaluation, Gap, KindDoc, RequirementKind, Scope, Target, params};
use crate::model::access::Access;
use crate::model::names::names_match;
use crate::packs::file::{PackError, Requirement};
use crate::registry::RuleId;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PermissionSet {
    /// API names.
    #[serde(default)]
    permission_sets: Vec<String>,
}

impl RequirementKind for PermissionSet {
    const NAME: &'static str = "permission-set";
    const DOC: KindDoc = KindDoc {
        parameters: "`permission_sets` (API names)",
        met_when: "each is among the user's permission sets or its `package_permission_sets`",
        finding: "`missing-permission-set`",
    };

    fn parse(table: Spanned<DeValue<'_>>) -> Result<Self, PackError> {
        params(table)
    }

    fn validate(&self, checks: &Checks<'_>) -> Result<(), PackError> {
        checks.need(!self.permission_sets.is_empty(), "`permission_sets`")
    }

    fn evaluate(&self, _: &Requirement, scope: &Scope<'_, '_>, _: &Access<'_>) -> Evaluation {
        let mut evaluation = Evaluation::applicable();
        for name in &self.permission_sets {
            let assigned = scope
                .holdings()
                .permission_sets()
                .any(|member| names_match(&member.component.name, name))
                || scope
                    .user()
                    .package_permission_sets
                    .iter()
                    .any(|assigned| assigned == name);
            if !assigned {
                evaluation.gaps.push(Gap {
                    key: name.clone(),
                    rule: RuleId::MissingPermissionSet,
                    message: format!("{} lacks permission set {name}", scope.subject()),
                    fix: Some(format!(
                        "Assign {name}; if it comes from an installed package and is not in source, list it in package_permission_sets in sflint.toml."
                    )),
                    target: Target::Permission,
                    severity: None,
                });
            }
        }
        evaluation
    }

    fn describe(&self) -> String {
        format!(
            "permission set {} assigned",
            self.permission_sets.join(" and ")
        )
    }

    fn default_finding(&self) -> RuleId {
        RuleId::MissingPermissionSet
    }
}

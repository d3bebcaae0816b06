//! `permission-set-license`: the licenses the integration user's permission sets may be tied to.

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;

use super::LicenseOf;
use super::{Checks, Evaluation, Gap, KindDoc, RequirementKind, Scope, Target, params};
use crate::diagnostic::Location;
use crate::model::access::Access;
use crate::packs::file::{PackError, Requirement};
use crate::registry::RuleId;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PermissionSetLicense {
    #[serde(default)]
    licenses: Vec<String>,
}

impl RequirementKind for PermissionSetLicense {
    const NAME: &'static str = "permission-set-license";
    const DOC: KindDoc = KindDoc {
        parameters: "`licenses`",
        met_when: "every permission set's `<license>` is absent or one of `licenses`",
        finding: "`license-mismatch`",
    };

    fn parse(table: Spanned<DeValue<'_>>) -> Result<Self, PackError> {
        params(table)
    }

    fn licenses(&self) -> Option<(LicenseOf, &[String])> {
        Some((LicenseOf::PermissionSet, &self.licenses))
    }

    fn validate(&self, checks: &Checks<'_>) -> Result<(), PackError> {
        checks.need(!self.licenses.is_empty(), "`licenses`")
    }

    fn evaluate(&self, _: &Requirement, scope: &Scope<'_, '_>, _: &Access<'_>) -> Evaluation {
        let mut evaluation = Evaluation::applicable();
        for member in scope.holdings().permission_sets() {
            let Some(license) = member.permissions().and_then(|c| c.license.as_ref()) else {
                continue;
            };
            if self.licenses.contains(&license.value) {
                continue;
            }
            evaluation.gaps.push(Gap {
                key: format!("{}/license", member.component.name),
                rule: RuleId::LicenseMismatch,
                message: format!(
                    "permission set {} has license {}; {} allows none or {}",
                    member.component.name,
                    license.value,
                    scope.vendor(),
                    self.licenses.join(" or ")
                ),
                fix: Some(format!(
                    "Set the permission set's license to {} or leave it empty.",
                    self.licenses.join(" or ")
                )),
                target: Target::At(Location::new(
                    member.component.path(license.span),
                    license.span,
                )),
                severity: None,
                fact: None,
                remedy: None,
            });
        }
        evaluation
    }

    fn describe(&self) -> String {
        format!(
            "permission set license none or {}",
            self.licenses.join(" or ")
        )
    }

    fn default_finding(&self) -> RuleId {
        RuleId::LicenseMismatch
    }
}

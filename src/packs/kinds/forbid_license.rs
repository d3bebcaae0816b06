//! `forbid-license`: user licenses the integration user's profile must not have.

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;

use super::{Checks, Evaluation, Gap, KindDoc, RequirementKind, Scope, Target, params};
use crate::diagnostic::Location;
use crate::model::access::Access;
use crate::packs::file::{PackError, Requirement};
use crate::registry::RuleId;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ForbidLicense {
    #[serde(default)]
    licenses: Vec<String>,
}

impl RequirementKind for ForbidLicense {
    const NAME: &'static str = "forbid-license";
    const DOC: KindDoc = KindDoc {
        parameters: "`licenses`",
        met_when: "the profile's `<userLicense>` is none of `licenses`",
        finding: "`license-mismatch`",
    };

    fn parse(table: Spanned<DeValue<'_>>) -> Result<Self, PackError> {
        params(table)
    }

    fn validate(&self, checks: &Checks<'_>) -> Result<(), PackError> {
        checks.need(!self.licenses.is_empty(), "`licenses`")
    }

    fn evaluate(
        &self,
        requirement: &Requirement,
        scope: &Scope<'_, '_>,
        _: &Access<'_>,
    ) -> Evaluation {
        let mut evaluation = Evaluation::applicable();
        let Some(profile) =
            scope.declared_profile(requirement, "its user license", &mut evaluation)
        else {
            return evaluation;
        };
        let Some(license) = profile.permissions().and_then(|c| c.license.as_ref()) else {
            return evaluation;
        };
        if !self.licenses.contains(&license.value) {
            return evaluation;
        }
        evaluation.gaps.push(Gap {
            key: "userLicense".to_string(),
            rule: RuleId::LicenseMismatch,
            message: format!(
                "{} does not work with the {} user license of profile {}",
                scope.vendor(),
                license.value,
                profile.name
            ),
            fix: Some("Use a profile of another user license.".to_string()),
            target: Target::At(Location::new(profile.path(license.span), license.span)),
            severity: None,
            fact: None,
            remedy: None,
        });
        evaluation
    }

    fn describe(&self) -> String {
        format!("profile user license not {}", self.licenses.join(" or "))
    }

    fn default_finding(&self) -> RuleId {
        RuleId::LicenseMismatch
    }
}

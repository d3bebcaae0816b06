//! `profile-license`: the user license the integration user's profile must have.

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
pub(crate) struct ProfileLicense {
    #[serde(default)]
    licenses: Vec<String>,
    /// Licenses the vendor names as not enough, for a clearer message.
    #[serde(default)]
    insufficient: Vec<String>,
}

impl RequirementKind for ProfileLicense {
    const NAME: &'static str = "profile-license";
    const DOC: KindDoc = KindDoc {
        parameters: "`licenses`, `insufficient`",
        met_when: "the profile's `<userLicense>` is one of `licenses`",
        finding: "`license-mismatch`",
    };

    fn parse(table: Spanned<DeValue<'_>>) -> Result<Self, PackError> {
        params(table)
    }

    fn licenses(&self) -> Option<(LicenseOf, &[String])> {
        Some((LicenseOf::Profile, &self.licenses))
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
        let license = profile
            .permissions()
            .and_then(|container| container.license.as_ref());
        let found = license.map(|license| license.value.as_str());
        if found.is_some_and(|found| self.licenses.iter().any(|l| l == found)) {
            return evaluation;
        }
        let target = match license {
            Some(license) => Target::At(Location::new(profile.path(license.span), license.span)),
            None => Target::Profile,
        };
        let expected = self.licenses.join(" or ");
        let message = match found {
            Some(found) if self.insufficient.iter().any(|l| l == found) => format!(
                "the {found} user license of profile {} is insufficient for {}, which needs {expected}",
                profile.name,
                scope.vendor()
            ),
            Some(found) => format!(
                "{} needs the {expected} user license; profile {} has {found}",
                scope.vendor(),
                profile.name
            ),
            None => format!(
                "{} needs the {expected} user license; profile {} names no <userLicense>",
                scope.vendor(),
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
            fact: None,
            remedy: None,
        });
        evaluation
    }

    fn describe(&self) -> String {
        format!(
            "profile user license {}{}",
            self.licenses.join(" or "),
            if self.insufficient.is_empty() {
                String::new()
            } else {
                format!(" ({} is insufficient)", self.insufficient.join(", "))
            }
        )
    }

    fn default_finding(&self) -> RuleId {
        RuleId::LicenseMismatch
    }
}

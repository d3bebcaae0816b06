//! `no-login-hours`: the profile must not restrict the hours the vendor logs in at.

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
pub(crate) struct NoLoginHours {}

impl RequirementKind for NoLoginHours {
    const NAME: &'static str = "no-login-hours";
    const DOC: KindDoc = KindDoc {
        parameters: "none",
        met_when: "the profile sets no `<loginHours>`",
        finding: "`login-restricted`",
    };

    fn parse(table: Spanned<DeValue<'_>>) -> Result<Self, PackError> {
        params(table)
    }

    fn validate(&self, _: &Checks<'_>) -> Result<(), PackError> {
        Ok(())
    }

    fn evaluate(
        &self,
        requirement: &Requirement,
        scope: &Scope<'_, '_>,
        _: &Access<'_>,
    ) -> Evaluation {
        let mut evaluation = Evaluation::applicable();
        let Some(profile) =
            scope.declared_profile(requirement, "its login restrictions", &mut evaluation)
        else {
            return evaluation;
        };
        let Some(span) = profile
            .permissions()
            .and_then(|container| container.login_hours)
        else {
            return evaluation;
        };
        evaluation.gaps.push(Gap {
            key: "login-hours".to_string(),
            rule: RuleId::LoginRestricted,
            message: format!(
                "profile {} of {} sets login hours, which can lock {} out",
                profile.name,
                scope.subject(),
                scope.vendor()
            ),
            fix: Some(
                "Remove the <loginHours> of this profile so the vendor can connect at any time."
                    .to_string(),
            ),
            target: Target::At(Location::new(profile.path(span), span)),
            severity: None,
            fact: None,
            remedy: None,
        });
        evaluation
    }

    fn describe(&self) -> String {
        "no login hours on the profile".to_string()
    }

    fn default_finding(&self) -> RuleId {
        RuleId::LoginRestricted
    }
}

//! `forbid-session-level`: session security levels the profile must not require at login (a server
//! cannot complete multi-factor verification).

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;

use super::{Checks, Evaluation, Gap, KindDoc, RequirementKind, Scope, Target, params};
use crate::diagnostic::Location;
use crate::model::access::Access;
use crate::packs::file::{PackError, Requirement};
use crate::registry::RuleId;

/// `<requiredSessionLevel>` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[allow(clippy::upper_case_acronyms)]
enum SessionLevel {
    #[serde(rename = "HIGH_ASSURANCE")]
    HighAssurance,
    #[serde(rename = "STANDARD")]
    Standard,
    #[serde(rename = "LOW")]
    Low,
}

impl SessionLevel {
    fn as_str(self) -> &'static str {
        match self {
            SessionLevel::HighAssurance => "HIGH_ASSURANCE",
            SessionLevel::Standard => "STANDARD",
            SessionLevel::Low => "LOW",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ForbidSessionLevel {
    #[serde(default)]
    levels: Vec<SessionLevel>,
}

impl RequirementKind for ForbidSessionLevel {
    const NAME: &'static str = "forbid-session-level";
    const DOC: KindDoc = KindDoc {
        parameters: "`levels` (`HIGH_ASSURANCE`, `STANDARD`, `LOW`)",
        met_when: "the profile's session settings require none of `levels` at login",
        finding: "`session-security-level`",
    };

    fn parse(table: Spanned<DeValue<'_>>) -> Result<Self, PackError> {
        params(table)
    }

    fn validate(&self, checks: &Checks<'_>) -> Result<(), PackError> {
        checks.need(!self.levels.is_empty(), "`levels`")
    }

    fn evaluate(
        &self,
        requirement: &Requirement,
        scope: &Scope<'_, '_>,
        _: &Access<'_>,
    ) -> Evaluation {
        let mut evaluation = Evaluation::applicable();
        if scope
            .declared_profile(requirement, "its session security level", &mut evaluation)
            .is_none()
        {
            return evaluation;
        }
        let Some(component) = scope.holdings().session_setting else {
            return evaluation;
        };
        let Some(level) = component
            .session_setting()
            .and_then(|setting| setting.required_session_level.as_ref())
        else {
            return evaluation;
        };
        if self
            .levels
            .iter()
            .any(|forbidden| forbidden.as_str() == level.value)
        {
            evaluation.gaps.push(Gap {
                key: "requiredSessionLevel".to_string(),
                rule: RuleId::SessionSecurityLevel,
                message: format!(
                    "the profile session settings of {} require {} at login, which {} cannot reach",
                    scope.subject(),
                    level.value,
                    scope.vendor()
                ),
                fix: Some(
                    "Set Session Security Level Required at Login to None on the profile."
                        .to_string(),
                ),
                target: Target::At(Location::new(component.path(level.span), level.span)),
                severity: None,
                fact: None,
                remedy: None,
            });
        }
        evaluation
    }

    fn describe(&self) -> String {
        let levels: Vec<&str> = self.levels.iter().map(|level| level.as_str()).collect();
        format!("profile session level at login not {}", levels.join(" or "))
    }

    fn default_finding(&self) -> RuleId {
        RuleId::SessionSecurityLevel
    }
}

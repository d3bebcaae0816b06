//! `profile-discouraged`: profiles the integration user should not have (over-broad or deprecated).

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;

use super::{Checks, Evaluation, Gap, KindDoc, RequirementKind, Scope, Target, params};
use crate::diagnostic::Location;
use crate::model::access::Access;
use crate::model::names::names_match;
use crate::packs::file::{PackError, Requirement};
use crate::registry::RuleId;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProfileDiscouraged {
    #[serde(default)]
    profiles: Vec<String>,
}

impl RequirementKind for ProfileDiscouraged {
    const NAME: &'static str = "profile-discouraged";
    const DOC: KindDoc = KindDoc {
        parameters: "`profiles`",
        met_when: "the profile is none of them",
        finding: "`profile-required`",
    };

    fn parse(table: Spanned<DeValue<'_>>) -> Result<Self, PackError> {
        params(table)
    }

    fn validate(&self, checks: &Checks<'_>) -> Result<(), PackError> {
        checks.need(!self.profiles.is_empty(), "`profiles`")
    }

    fn evaluate(&self, _: &Requirement, scope: &Scope<'_, '_>, _: &Access<'_>) -> Evaluation {
        let mut evaluation = Evaluation::applicable();
        // Without a declared profile there is nothing to discourage.
        let Some(profile) = scope.profile() else {
            return evaluation;
        };
        if self.profiles.iter().any(|p| names_match(&profile.name, p)) {
            evaluation.gaps.push(Gap {
                key: "profile".to_string(),
                rule: RuleId::ProfileRequired,
                message: format!("{} uses profile {}", scope.subject(), profile.name),
                fix: None,
                target: Target::At(Location::new(&profile.files[0], profile.root)),
                severity: None,
                fact: None,
                remedy: None,
            });
        }
        evaluation
    }

    fn describe(&self) -> String {
        format!("not profile {}", self.profiles.join(" or "))
    }

    fn default_finding(&self) -> RuleId {
        RuleId::ProfileRequired
    }
}

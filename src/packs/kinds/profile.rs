//! `profile`: the profiles the integration user may have.

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
pub(crate) struct Profile {
    #[serde(default)]
    profiles: Vec<String>,
}

impl RequirementKind for Profile {
    const NAME: &'static str = "profile";
    const DOC: KindDoc = KindDoc {
        parameters: "`profiles`",
        met_when: "the profile is one of them",
        finding: "`profile-required`",
    };

    fn parse(table: Spanned<DeValue<'_>>) -> Result<Self, PackError> {
        params(table)
    }

    fn validate(&self, checks: &Checks<'_>) -> Result<(), PackError> {
        checks.need(!self.profiles.is_empty(), "`profiles`")
    }

    fn evaluate(
        &self,
        requirement: &Requirement,
        scope: &Scope<'_, '_>,
        _: &Access<'_>,
    ) -> Evaluation {
        let mut evaluation = Evaluation::applicable();
        let Some(profile) =
            scope.declared_profile(requirement, "which profile it uses", &mut evaluation)
        else {
            return evaluation;
        };
        if self.profiles.iter().any(|p| names_match(&profile.name, p)) {
            return evaluation;
        }
        evaluation.gaps.push(Gap {
            key: "profile".to_string(),
            rule: RuleId::ProfileRequired,
            message: format!(
                "{} needs profile {}; {} has profile {}",
                scope.vendor(),
                self.profiles.join(" or "),
                scope.subject(),
                profile.name
            ),
            fix: Some(format!("Assign profile {}.", self.profiles.join(" or "))),
            target: Target::At(Location::new(&profile.files[0], profile.root)),
            severity: None,
            fact: None,
            remedy: None,
        });
        evaluation
    }

    fn describe(&self) -> String {
        format!("profile {}", self.profiles.join(" or "))
    }

    fn default_finding(&self) -> RuleId {
        RuleId::ProfileRequired
    }
}

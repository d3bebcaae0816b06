//! `unverifiable`: something the vendor asks for that metadata cannot express, reported as info so
//! that the admin checks it in the org.

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;

use super::{Checks, Evaluation, Gap, KindDoc, RequirementKind, Scope, Target, params};
use crate::model::access::Access;
use crate::packs::file::{PackError, Requirement};
use crate::registry::RuleId;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Unverifiable {
    /// What the vendor asks for, in words.
    #[serde(default)]
    what: Option<String>,
}

impl RequirementKind for Unverifiable {
    const NAME: &'static str = "unverifiable";
    const DOC: KindDoc = KindDoc {
        parameters: "`what`",
        met_when: "never: always reported as info",
        finding: "`unverifiable-requirement`",
    };

    fn parse(table: Spanned<DeValue<'_>>) -> Result<Self, PackError> {
        params(table)
    }

    fn validate(&self, checks: &Checks<'_>) -> Result<(), PackError> {
        checks.need(self.what.is_some(), "`what`")
    }

    fn evaluate(
        &self,
        requirement: &Requirement,
        scope: &Scope<'_, '_>,
        _: &Access<'_>,
    ) -> Evaluation {
        let mut evaluation = Evaluation::applicable();
        evaluation.unverifiable.push(Gap {
            key: requirement.id.clone(),
            rule: RuleId::UnverifiableRequirement,
            message: format!(
                "{} needs {}, which cannot be verified in metadata",
                scope.vendor(),
                self.what.as_deref().unwrap_or_default()
            ),
            fix: Some("Check it in the org's Setup.".to_string()),
            target: Target::Profile,
            severity: None,
            fact: None,
            remedy: None,
        });
        evaluation
    }

    fn describe(&self) -> String {
        format!(
            "{} (not verifiable in metadata)",
            self.what.as_deref().unwrap_or_default()
        )
    }

    fn default_finding(&self) -> RuleId {
        RuleId::UnverifiableRequirement
    }

    fn reports_gaps(&self) -> bool {
        false
    }
}

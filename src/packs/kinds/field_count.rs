//! `field-count`: at most so many readable fields on some objects (vendors whose sync slows down or
//! breaks with wide objects).

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;

use super::{Checks, Evaluation, Gap, KindDoc, RequirementKind, Scope, Target, list, params};
use crate::model::access::Access;
use crate::model::split_object;
use crate::packs::file::{PackError, Requirement};
use crate::registry::RuleId;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldCount {
    #[serde(default)]
    objects: Vec<String>,
    #[serde(default)]
    objects_from: Option<Spanned<String>>,
    #[serde(default)]
    max: Option<usize>,
}

impl RequirementKind for FieldCount {
    const NAME: &'static str = "field-count";
    const DOC: KindDoc = KindDoc {
        parameters: "`objects` and/or `objects_from`, `max`",
        met_when: "at most `max` readable fields on those objects",
        finding: "`excess-access`",
    };

    fn parse(table: Spanned<DeValue<'_>>) -> Result<Self, PackError> {
        params(table)
    }

    fn validate(&self, checks: &Checks<'_>) -> Result<(), PackError> {
        checks.need(
            !self.objects.is_empty() || self.objects_from.is_some(),
            "`objects` or `objects_from`",
        )?;
        checks.items_option(self.objects_from.as_ref())?;
        checks.need(self.max.is_some(), "`max`")
    }

    fn evaluate(&self, _: &Requirement, scope: &Scope<'_, '_>, access: &Access<'_>) -> Evaluation {
        let mut evaluation = Evaluation::applicable();
        let objects = scope.items(&self.objects, self.objects_from.as_ref());
        evaluation.applicable = !objects.is_empty();
        let max = self.max.unwrap_or(usize::MAX);
        let readable = access
            .fields
            .iter()
            .filter(|(field, grant)| {
                grant.readable
                    && split_object(field)
                        .is_some_and(|(object, _)| objects.iter().any(|o| o == object))
            })
            .count();
        if readable > max {
            evaluation.gaps.push(Gap {
                key: "field-count".to_string(),
                rule: RuleId::ExcessAccess,
                message: format!(
                    "{} can read {readable} fields on {}; {} recommends at most {max}",
                    scope.subject(),
                    objects.join(", "),
                    scope.vendor()
                ),
                fix: Some(
                    "Remove field permissions for fields the integration does not sync."
                        .to_string(),
                ),
                target: Target::Permission,
                severity: None,
                fact: None,
                remedy: None,
            });
        }
        evaluation
    }

    fn describe(&self) -> String {
        format!(
            "at most {} readable fields on {}",
            self.max.unwrap_or_default(),
            list(&self.objects, self.objects_from.as_ref())
        )
    }

    fn default_finding(&self) -> RuleId {
        RuleId::ExcessAccess
    }

    fn option(&self) -> Option<&str> {
        self.objects_from
            .as_ref()
            .map(|option| option.get_ref().as_str())
    }
}

//! `any-of`: met when any one of its alternatives (`[[require.any_of]]`, each a requirement of its
//! own) is met and known to be met.

use std::collections::BTreeSet;

use toml::Spanned;
use toml::de::DeValue;

use super::Remedy;
use super::{Checks, Evaluation, Gap, KindDoc, Needs, RequirementKind, Scope, Target};
use crate::model::access::Access;
use crate::packs::evaluate::{evaluate, finding_of};
use crate::packs::file::{PackError, Requirement, parse_requirement, validate_requirement};
use crate::registry::RuleId;

#[derive(Debug, Clone)]
pub(crate) struct AnyOf {
    any_of: Vec<Requirement>,
}

impl RequirementKind for AnyOf {
    const NAME: &'static str = "any-of";
    const DOC: KindDoc = KindDoc {
        parameters: "`[[require.any_of]]` alternatives",
        met_when: "any alternative whose `when` holds is fully met (one that cannot be verified, such as a profile alternative without a declared profile, is not); none applies: nothing to check",
        finding: "the finding of the alternative closest to being met",
    };
    const ABOUT_GRANTS: bool = true;

    /// The alternatives are requirements, read as `[[require]]` tables are.
    fn parse(table: Spanned<DeValue<'_>>) -> Result<Self, PackError> {
        let span = table.span();
        let DeValue::Table(table) = table.into_inner() else {
            return Err(PackError::at("an any-of requirement must be a table", span));
        };
        let mut any_of = None;
        for (key, value) in table {
            if key.get_ref() != "any_of" {
                return Err(PackError::at(
                    format!(
                        "unknown field `{}`, expected `any_of` (each alternative a [[require.any_of]] table)",
                        key.get_ref()
                    ),
                    key.span(),
                ));
            }
            let value_span = value.span();
            let DeValue::Array(items) = value.into_inner() else {
                return Err(PackError::at(
                    "`any_of` must be an array of tables ([[require.any_of]])",
                    value_span,
                ));
            };
            any_of = Some(
                items
                    .into_iter()
                    .map(parse_requirement)
                    .collect::<Result<Vec<_>, _>>()?,
            );
        }
        Ok(AnyOf {
            any_of: any_of.unwrap_or_default(),
        })
    }

    fn validate(&self, checks: &Checks<'_>) -> Result<(), PackError> {
        checks.need(self.any_of.len() >= 2, "at least two `any_of` alternatives")?;
        let mut ids = BTreeSet::new();
        for alternative in &self.any_of {
            if !ids.insert(alternative.id.as_str()) {
                return Err(PackError::at(
                    format!(
                        "{}: alternative {:?} twice",
                        checks.context(),
                        alternative.id
                    ),
                    alternative.span.clone(),
                ));
            }
            validate_requirement(alternative, checks.options, checks.catalog)?;
        }
        Ok(())
    }

    fn evaluate(
        &self,
        requirement: &Requirement,
        scope: &Scope<'_, '_>,
        access: &Access<'_>,
    ) -> Evaluation {
        let mut described = Vec::new();
        // The alternative closest to being met names the finding: it is the one to complete.
        let mut closest: Option<(usize, &Requirement)> = None;
        let mut first_applying = None;
        // The fix completes the first alternative that can be written whole: packs list the
        // narrowest first (object access before Modify All Data).
        let mut remedy: Option<Remedy> = None;
        for alternative in &self.any_of {
            if !scope.applies(alternative) {
                continue;
            }
            first_applying.get_or_insert(alternative);
            let result = evaluate(alternative, scope, access);
            if result.is_met() {
                return Evaluation::applicable();
            }
            if remedy.is_none() && result.applicable && result.unverifiable.is_empty() {
                let mut grants = Vec::new();
                let complete = result.gaps.iter().all(|gap| match &gap.remedy {
                    Some(Remedy::Grant(more)) => {
                        grants.extend(more.iter().cloned());
                        true
                    }
                    _ => false,
                });
                if complete && !grants.is_empty() {
                    remedy = Some(Remedy::Grant(grants));
                }
            }
            let what = if result.applicable {
                let unmet = result.gaps.len() + result.unverifiable.len();
                if closest.is_none_or(|(fewest, _)| unmet < fewest) {
                    closest = Some((unmet, alternative));
                }
                let mut parts = Vec::new();
                if !result.gaps.is_empty() {
                    let keys: Vec<&str> = result.gaps.iter().map(|gap| gap.key.as_str()).collect();
                    parts.push(format!("missing: {}", keys.join(", ")));
                }
                for unverified in &result.unverifiable {
                    parts.push(format!("cannot be verified: {}", unverified.message));
                }
                parts.join("; ")
            } else {
                "nothing configured".to_string()
            };
            described.push(format!("{} ({what})", alternative.id));
        }
        // Every alternative is switched off by its `when`: nothing is asked.
        let Some(first) = first_applying else {
            return Evaluation::default();
        };
        let named = closest.map_or(first, |(_, alternative)| alternative);
        let mut evaluation = Evaluation::applicable();
        evaluation.gaps.push(Gap {
            key: requirement.id.clone(),
            rule: finding_of(named),
            message: format!(
                "{} meets none of the alternatives {} accepts: {}",
                scope.subject(),
                scope.vendor(),
                described.join("; ")
            ),
            fix: Some("Grant one of the alternatives completely.".to_string()),
            target: Target::Permission,
            severity: None,
            fact: None,
            remedy,
        });
        evaluation
    }

    fn describe(&self) -> String {
        let alternatives: Vec<String> = self
            .any_of
            .iter()
            .map(|alternative| alternative.kind.describe())
            .collect();
        format!("one of: {}", alternatives.join("; or "))
    }

    fn default_finding(&self) -> RuleId {
        self.any_of
            .first()
            .map_or(RuleId::MissingObjectAccess, finding_of)
    }

    fn needs(&self, _: &Scope<'_, '_>, _: &mut Needs) {
        // The guards walk the alternatives themselves, each under its own `when`.
    }

    fn alternatives(&self) -> &[Requirement] {
        &self.any_of
    }
}

//! `record-type`: record types the integration user must see, and optionally no others.

use std::collections::BTreeSet;

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;

use super::{Checks, Evaluation, Gap, KindDoc, RequirementKind, Scope, Target, list, params};
use super::{Grant, Remedy};
use crate::diagnostic::{Location, Severity};
use crate::model::access::Access;
use crate::model::object_of;
use crate::packs::file::{PackError, Requirement};
use crate::registry::RuleId;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecordType {
    #[serde(default)]
    record_types: Vec<String>,
    #[serde(default)]
    record_types_from: Option<Spanned<String>>,
    /// No other record type of the same objects may be visible.
    #[serde(default)]
    exclusive: bool,
}

impl RequirementKind for RecordType {
    const NAME: &'static str = "record-type";
    const DOC: KindDoc = KindDoc {
        parameters: "`record_types` and/or `record_types_from`, `exclusive`",
        met_when: "each record type is visible; with `exclusive`, no other of the same objects",
        finding: "`missing-record-type`; `excess-access` for others",
    };
    const ABOUT_GRANTS: bool = true;

    fn parse(table: Spanned<DeValue<'_>>) -> Result<Self, PackError> {
        params(table)
    }

    fn validate(&self, checks: &Checks<'_>) -> Result<(), PackError> {
        checks.need(
            !self.record_types.is_empty() || self.record_types_from.is_some(),
            "`record_types` or `record_types_from`",
        )?;
        checks.items_option(self.record_types_from.as_ref())
    }

    fn evaluate(&self, _: &Requirement, scope: &Scope<'_, '_>, access: &Access<'_>) -> Evaluation {
        let mut evaluation = Evaluation::applicable();
        let record_types = scope.items(&self.record_types, self.record_types_from.as_ref());
        evaluation.applicable = !record_types.is_empty();
        for record_type in &record_types {
            if access.record_type_visible(record_type) {
                continue;
            }
            evaluation.gaps.push(Gap {
                key: record_type.clone(),
                rule: RuleId::MissingRecordType,
                message: format!("{} does not see record type {record_type}", scope.subject()),
                fix: Some(format!("Make {record_type} visible.")),
                target: Target::Object(object_of(record_type).to_string()),
                severity: None,
                fact: None,
                remedy: Some(Remedy::Grant(vec![Grant::RecordType(record_type.clone())])),
            });
        }
        if self.exclusive {
            let objects: BTreeSet<&str> = record_types.iter().map(|rt| object_of(rt)).collect();
            let mut extra: Vec<(&str, &Vec<_>)> = access
                .record_types
                .iter()
                .map(|(name, grants)| (*name, grants))
                .filter(|(name, _)| {
                    !record_types.iter().any(|wanted| wanted == name)
                        && name
                            .split_once('.')
                            .is_some_and(|(object, _)| objects.contains(object))
                })
                .collect();
            extra.sort_by(|a, b| a.0.cmp(b.0));
            for (name, grants) in extra {
                let grant = grants[0];
                let member = &scope.members()[grant.member];
                evaluation.gaps.push(Gap {
                    key: name.to_string(),
                    rule: RuleId::ExcessAccess,
                    message: format!(
                        "record type {name} is visible to {} beyond the record types configured for {}",
                        scope.subject(),
                        scope.vendor()
                    ),
                    fix: Some(format!("Hide {name}, or add it to the configured record types.")),
                    target: Target::At(Location::new(member.component.path(grant.span), grant.span)),
                    severity: Some(Severity::Warning),
                    fact: None,
                    remedy: None,
                });
            }
        }
        evaluation
    }

    fn describe(&self) -> String {
        format!(
            "record types visible: {}{}",
            list(&self.record_types, self.record_types_from.as_ref()),
            if self.exclusive {
                " (and no others on those objects)"
            } else {
                ""
            }
        )
    }

    fn default_finding(&self) -> RuleId {
        RuleId::MissingRecordType
    }

    fn option(&self) -> Option<&str> {
        self.record_types_from
            .as_ref()
            .map(|option| option.get_ref().as_str())
    }
}

//! `object-access`: object permissions the integration user must hold.

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;

use super::{
    Checks, Evaluation, Fact, Gap, Grant, KindDoc, Needs, Remedy, RequirementKind, Scope, Target,
    list, params,
};
use crate::diagnostic::listed;
use crate::model::access::Access;
use crate::model::{ObjectAccess, ObjectFlag};
use crate::packs::file::{PackError, Requirement};
use crate::registry::RuleId;

/// View All Fields exists from API version 63.0 (Spring '25).
const VIEW_ALL_FIELDS_API_VERSION: f64 = 63.0;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ObjectAccessKind {
    #[serde(default)]
    objects: Vec<String>,
    #[serde(default)]
    objects_from: Option<Spanned<String>>,
    #[serde(default)]
    access: Vec<ObjectFlag>,
}

impl RequirementKind for ObjectAccessKind {
    const NAME: &'static str = "object-access";
    const DOC: KindDoc = KindDoc {
        parameters: "`objects` and/or `objects_from`, `access`",
        met_when: "each object has every access listed",
        finding: "`missing-object-access`",
    };
    const ABOUT_GRANTS: bool = true;

    fn parse(table: Spanned<DeValue<'_>>) -> Result<Self, PackError> {
        params(table)
    }

    fn validate(&self, checks: &Checks<'_>) -> Result<(), PackError> {
        checks.need(
            !self.objects.is_empty() || self.objects_from.is_some(),
            "`objects` or `objects_from`",
        )?;
        checks.items_option(self.objects_from.as_ref())?;
        checks.need(!self.access.is_empty(), "`access`")
    }

    fn evaluate(
        &self,
        requirement: &Requirement,
        scope: &Scope<'_, '_>,
        access: &Access<'_>,
    ) -> Evaluation {
        let mut evaluation = Evaluation::applicable();
        let objects = scope.items(&self.objects, self.objects_from.as_ref());
        evaluation.applicable = !objects.is_empty();
        let mut needed = ObjectAccess::of(&self.access);
        if needed.contains(ObjectFlag::ViewAllFields)
            && let Some(version) = scope.source_api_version()
            && version < VIEW_ALL_FIELDS_API_VERSION
        {
            needed = needed.minus(ObjectAccess::of(&[ObjectFlag::ViewAllFields]));
            // One fact for the whole project, whichever requirements ask: reported once, naming
            // every object (and nothing when no object is asked for).
            if !objects.is_empty() {
                let message = format!(
                    "{} asks for View All Fields on {{items}}, which needs API version 63.0 or later; this project's sourceApiVersion is {version:.1}",
                    scope.vendor()
                );
                evaluation.unverifiable.push(Gap {
                    key: format!("{}/view-all-fields", requirement.id),
                    rule: RuleId::UnverifiableRequirement,
                    message: message.replace("{items}", &listed(&objects)),
                    fix: Some(
                        "Raise sourceApiVersion to 63.0 or grant read on each field the integration needs."
                            .to_string(),
                    ),
                    target: Target::Profile,
                    severity: None,
                    fact: Some(Fact {
                        key: "view-all-fields-api-version".to_string(),
                        items: objects.clone(),
                        message,
                    }),
                    remedy: None,
                });
            }
        }
        for object in objects {
            if let Some(instead) = scope.catalog().object_without_permissions(&object) {
                evaluation.unverifiable.push(Gap {
                    key: object.clone(),
                    rule: RuleId::UnverifiableRequirement,
                    message: format!(
                        "{} needs {} on {object}, which cannot be verified in metadata: {instead}",
                        scope.vendor(),
                        needed.describe()
                    ),
                    fix: None,
                    target: Target::Profile,
                    severity: None,
                    fact: None,
                    remedy: None,
                });
                continue;
            }
            let has = access.object_access(&object, scope.catalog());
            let missing = needed.minus(has);
            if missing.is_empty() {
                continue;
            }
            let had = if has.is_empty() {
                "no access".to_string()
            } else {
                format!("has {}", has.describe())
            };
            evaluation.gaps.push(Gap {
                key: object.clone(),
                rule: RuleId::MissingObjectAccess,
                message: format!(
                    "{} lacks {} on {object} ({had})",
                    scope.subject(),
                    missing.describe()
                ),
                fix: Some(format!("Grant {} on {object}.", missing.describe())),
                remedy: Some(Remedy::Grant(vec![Grant::Object {
                    object: object.clone(),
                    flags: missing,
                }])),
                target: Target::Object(object),
                severity: None,
                fact: None,
            });
        }
        evaluation
    }

    fn describe(&self) -> String {
        let access = self
            .access
            .iter()
            .map(|flag| flag.label())
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "{access} on {}",
            list(&self.objects, self.objects_from.as_ref())
        )
    }

    fn default_finding(&self) -> RuleId {
        RuleId::MissingObjectAccess
    }

    fn option(&self) -> Option<&str> {
        self.objects_from
            .as_ref()
            .map(|option| option.get_ref().as_str())
    }

    fn needs(&self, scope: &Scope<'_, '_>, needs: &mut Needs) {
        let flags = ObjectAccess::of(&self.access);
        for object in scope.items(&self.objects, self.objects_from.as_ref()) {
            let entry = needs.objects.entry(object).or_default();
            *entry = entry.union(flags);
        }
    }
}

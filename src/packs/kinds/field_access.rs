//! `field-access`: fields the integration user must be able to read, or read and edit.

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;

use super::{
    Checks, Evaluation, Gap, KindDoc, Needs, RequirementKind, Scope, Target, list, params,
};
use super::{Grant, Remedy};
use crate::model::access::Access;
use crate::model::{ObjectAccess, ObjectFlag, object_of};
use crate::packs::file::{PackError, Requirement};
use crate::registry::RuleId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum FieldAccessName {
    Read,
    Edit,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldAccess {
    #[serde(default)]
    fields: Vec<String>,
    #[serde(default)]
    fields_from: Option<Spanned<String>>,
    #[serde(default)]
    field_access: Option<FieldAccessName>,
}

impl FieldAccess {
    fn edit(&self) -> bool {
        self.field_access == Some(FieldAccessName::Edit)
    }
}

impl RequirementKind for FieldAccess {
    const NAME: &'static str = "field-access";
    const DOC: KindDoc = KindDoc {
        parameters: "`fields` and/or `fields_from`, `field_access` (`read` or `edit`)",
        met_when: "each field is readable (and editable)",
        finding: "`missing-field-access`",
    };
    const ABOUT_GRANTS: bool = true;

    fn parse(table: Spanned<DeValue<'_>>) -> Result<Self, PackError> {
        params(table)
    }

    fn validate(&self, checks: &Checks<'_>) -> Result<(), PackError> {
        checks.need(
            !self.fields.is_empty() || self.fields_from.is_some(),
            "`fields` or `fields_from`",
        )?;
        checks.items_option(self.fields_from.as_ref())?;
        checks.need(self.field_access.is_some(), "`field_access`")
    }

    fn evaluate(&self, _: &Requirement, scope: &Scope<'_, '_>, access: &Access<'_>) -> Evaluation {
        let mut evaluation = Evaluation::applicable();
        let fields = scope.items(&self.fields, self.fields_from.as_ref());
        evaluation.applicable = !fields.is_empty();
        let edit = self.edit();
        let catalog = scope.catalog();
        for field in fields {
            if let Some(instead) = catalog.unverifiable_field(&field) {
                evaluation.unverifiable.push(Gap {
                    key: field.clone(),
                    rule: RuleId::UnverifiableRequirement,
                    message: format!(
                        "{} needs {} access to {field}, which cannot be verified in metadata: {instead}",
                        scope.vendor(),
                        if edit { "read and edit" } else { "read" }
                    ),
                    fix: None,
                    target: Target::Profile,
                    severity: None,
                    fact: None,
                    remedy: None,
                });
                continue;
            }
            let (readable, editable) = access.field_access(&field, catalog);
            if readable && (!edit || editable) {
                continue;
            }
            let verb = if edit && readable {
                "edit"
            } else if edit {
                "read or edit"
            } else {
                "read"
            };
            let object = object_of(&field);
            let object_access = access.object_access(object, catalog);
            let needed_object = if edit {
                ObjectFlag::Edit
            } else {
                ObjectFlag::Read
            };
            let wanted = if edit {
                "readable and editable"
            } else {
                "readable"
            };
            let activity_permission = catalog
                .implied_object_access(object)
                .and_then(|implied| implied.edit_permission)
                .filter(|_| edit && !object_access.contains(ObjectFlag::Edit));
            // An address part or a person account field takes the field-level security of another
            // field: the fix is on that one.
            let governing = catalog.field_security_field(&field);
            let fix = if let Some(permission) = activity_permission {
                format!(
                    "Enable {permission} and make {governing} {}.",
                    if readable {
                        "editable"
                    } else {
                        "readable and editable"
                    }
                )
            } else if catalog.field_without_permissions(&field)
                || !object_access.contains(needed_object)
            {
                format!(
                    "Grant {} on {object}{}.",
                    needed_object.label(),
                    if catalog.field_without_permissions(&field) {
                        String::new()
                    } else {
                        format!(" and make {governing} {wanted}")
                    }
                )
            } else {
                format!("Make {governing} {wanted}.")
            };
            // What writing the fix takes: the activity permission, the object access the field
            // needs, the field-level security of the field that carries it.
            let mut grants = Vec::new();
            if let Some(permission) = activity_permission {
                grants.push(Grant::UserPermission(permission.to_string()));
            } else if !object_access.contains(needed_object) {
                grants.push(Grant::Object {
                    object: object.to_string(),
                    flags: ObjectAccess::of(&[ObjectFlag::Read, needed_object]),
                });
            }
            if !catalog.field_without_permissions(&field) {
                grants.push(Grant::Field {
                    field: governing.to_string(),
                    edit,
                });
            }
            let fix = if governing == field {
                fix
            } else {
                format!("{fix} ({field} takes the field-level security of {governing}.)")
            };
            evaluation.gaps.push(Gap {
                key: field.clone(),
                rule: RuleId::MissingFieldAccess,
                message: format!("{} cannot {verb} {field}", scope.subject()),
                fix: Some(fix),
                target: Target::Field(field),
                severity: None,
                fact: None,
                remedy: Some(Remedy::Grant(grants)),
            });
        }
        evaluation
    }

    fn describe(&self) -> String {
        format!(
            "{} on {}",
            if self.edit() { "read and edit" } else { "read" },
            list(&self.fields, self.fields_from.as_ref())
        )
    }

    fn default_finding(&self) -> RuleId {
        RuleId::MissingFieldAccess
    }

    fn option(&self) -> Option<&str> {
        self.fields_from
            .as_ref()
            .map(|option| option.get_ref().as_str())
    }

    fn fields(&self) -> (&[String], Option<&str>) {
        (
            &self.fields,
            self.fields_from
                .as_ref()
                .map(|option| option.get_ref().as_str()),
        )
    }

    fn needs(&self, scope: &Scope<'_, '_>, needs: &mut Needs) {
        if self.edit() {
            needs
                .editable_fields
                .extend(scope.items(&self.fields, self.fields_from.as_ref()));
        }
    }
}

//! `user-permission`: user permissions the integration user must hold.

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;

use super::{
    Checks, Evaluation, Gap, KindDoc, Needs, RequirementKind, Scope, Target, params,
    permission_names,
};
use super::{Grant, Remedy};
use crate::model::access::Access;
use crate::packs::file::{PackError, Requirement};
use crate::registry::RuleId;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UserPermission {
    #[serde(default)]
    permission: Option<Spanned<String>>,
    #[serde(default)]
    permissions: Vec<Spanned<String>>,
}

impl UserPermission {
    fn names(&self) -> impl Iterator<Item = &str> {
        permission_names(self.permission.as_ref(), &self.permissions)
    }
}

/// `missing-api-enabled` keeps its own id, as the built-in rule of the same meaning does.
fn finding_for(permission: &str) -> RuleId {
    if permission == "ApiEnabled" {
        RuleId::MissingApiEnabled
    } else {
        RuleId::MissingUserPermission
    }
}

impl RequirementKind for UserPermission {
    const NAME: &'static str = "user-permission";
    const DOC: KindDoc = KindDoc {
        parameters: "`permission` or `permissions`",
        met_when: "each is enabled by some member",
        finding: "`missing-user-permission` (`missing-api-enabled` for `ApiEnabled`)",
    };
    const ABOUT_GRANTS: bool = true;

    fn parse(table: Spanned<DeValue<'_>>) -> Result<Self, PackError> {
        params(table)
    }

    fn validate(&self, checks: &Checks<'_>) -> Result<(), PackError> {
        checks.need(
            self.permission.is_some() || !self.permissions.is_empty(),
            "`permission` or `permissions`",
        )?;
        for name in self.permission.iter().chain(&self.permissions) {
            checks.permission(name)?;
        }
        Ok(())
    }

    fn evaluate(&self, _: &Requirement, scope: &Scope<'_, '_>, access: &Access<'_>) -> Evaluation {
        let mut evaluation = Evaluation::applicable();
        for permission in self.names() {
            if !access.has_permission(permission) {
                let described = scope.catalog().describe(permission);
                evaluation.gaps.push(Gap {
                    key: permission.to_string(),
                    rule: finding_for(permission),
                    message: format!("{} lacks {described}", scope.subject()),
                    fix: Some(format!("Enable {permission}.")),
                    target: Target::UserPermission(permission.to_string()),
                    severity: None,
                    fact: None,
                    remedy: Some(Remedy::Grant(vec![Grant::UserPermission(
                        permission.to_string(),
                    )])),
                });
            }
        }
        evaluation
    }

    fn describe(&self) -> String {
        format!("enable {}", self.names().collect::<Vec<_>>().join(", "))
    }

    fn default_finding(&self) -> RuleId {
        self.names()
            .next()
            .map_or(RuleId::MissingUserPermission, finding_for)
    }

    fn needs(&self, _: &Scope<'_, '_>, needs: &mut Needs) {
        needs.permissions.extend(self.names().map(str::to_string));
    }
}

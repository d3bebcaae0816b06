//! `forbid-permission`: user permissions the integration user must not hold.

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;

use super::Remedy;
use super::{
    Checks, Evaluation, Gap, KindDoc, RequirementKind, Scope, Target, describe_member, params,
    permission_names,
};
use crate::diagnostic::Location;
use crate::model::access::Access;
use crate::packs::file::{PackError, Requirement};
use crate::registry::RuleId;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ForbidPermission {
    #[serde(default)]
    permission: Option<Spanned<String>>,
    #[serde(default)]
    permissions: Vec<Spanned<String>>,
}

impl ForbidPermission {
    fn names(&self) -> impl Iterator<Item = &str> {
        permission_names(self.permission.as_ref(), &self.permissions)
    }
}

/// `mfa-for-api-logins` names the one forbidden permission every API vendor trips over.
fn finding_for(permission: &str) -> RuleId {
    if permission == "TwoFactorApi" {
        RuleId::MfaForApiLogins
    } else {
        RuleId::ForbiddenPermission
    }
}

impl RequirementKind for ForbidPermission {
    const NAME: &'static str = "forbid-permission";
    const DOC: KindDoc = KindDoc {
        parameters: "`permission` or `permissions`",
        met_when: "none is enabled by any member",
        finding: "`forbidden-permission` (`mfa-for-api-logins` for `TwoFactorApi`), at each grant",
    };

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
            let Some(grants) = access.user_permissions.get(permission) else {
                continue;
            };
            let described = scope.catalog().describe(permission);
            for grant in grants {
                let member = &scope.members()[grant.member];
                evaluation.gaps.push(Gap {
                    key: permission.to_string(),
                    rule: finding_for(permission),
                    message: format!(
                        "{} has {described} enabled, through {}",
                        scope.subject(),
                        describe_member(member.component)
                    ),
                    fix: Some(format!("Disable {permission} here.")),
                    target: Target::At(Location::new(
                        member.component.path(grant.span),
                        grant.span,
                    )),
                    severity: None,
                    fact: None,
                    remedy: Some(Remedy::Disable {
                        member: grant.member,
                        name: grant.span,
                    }),
                });
            }
        }
        evaluation
    }

    fn describe(&self) -> String {
        format!(
            "must not enable {}",
            self.names().collect::<Vec<_>>().join(", ")
        )
    }

    fn default_finding(&self) -> RuleId {
        self.names()
            .next()
            .map_or(RuleId::ForbiddenPermission, finding_for)
    }
}

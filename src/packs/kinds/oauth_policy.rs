//! `oauth-policy`: the OAuth policies a vendor needs on the app it connects through (Permitted
//! Users, Refresh Token Policy, IP Relaxation), checked in the project's connected app
//! (`oauthConfig`/`oauthPolicy` of its `.connectedApp-meta.xml`) or External Client App (the
//! `.ecaOauthPlcy-meta.xml` that names it); see [`crate::model::oauth`] for the elements and the
//! Metadata API pages they come from.
//!
//! The app is named by the project, in the pack options the requirement reads
//! (`connected_app_from`, `external_client_app_from`). Where no option names one, or the project
//! holds no policies for the app named, nothing can be checked: that is said once, as info, with
//! what to check in Setup, however many policies and requirements there are.

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;

use super::{Checks, Evaluation, Fact, Gap, KindDoc, RequirementKind, Scope, Target, params};
use crate::definitions::OauthLookup;
use crate::diagnostic::Location;
use crate::inventory::ComponentKind;
use crate::model::access::Access;
use crate::model::oauth::{Family, Policy, PolicyValue, State};
use crate::packs::file::{PackError, Requirement};
use crate::registry::RuleId;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OauthPolicy {
    /// `all-users-may-self-authorize` or `admin-approved-users-are-pre-authorized`.
    #[serde(default)]
    permitted_users: Option<Spanned<String>>,
    /// `valid-until-revoked`, `expire-immediately`, `expire-after-lifetime`, `expire-if-not-used`.
    #[serde(default)]
    refresh_token: Option<Spanned<String>>,
    /// `enforce`, `relax`, `relax-with-second-factor`, `enforce-relax-for-refresh-tokens`.
    #[serde(default)]
    ip_relaxation: Option<Spanned<String>>,
    /// The option naming the connected app (its API name).
    #[serde(default)]
    connected_app_from: Option<Spanned<String>>,
    /// The option naming the External Client App (its API name).
    #[serde(default)]
    external_client_app_from: Option<Spanned<String>>,
}

impl OauthPolicy {
    fn parameters(&self) -> [(Policy, Option<&Spanned<String>>); 3] {
        [
            (Policy::PermittedUsers, self.permitted_users.as_ref()),
            (Policy::RefreshToken, self.refresh_token.as_ref()),
            (Policy::IpRelaxation, self.ip_relaxation.as_ref()),
        ]
    }

    /// The policies asked for, with the value each must have (validated when the pack loads).
    fn wanted(&self) -> Vec<(Policy, PolicyValue)> {
        self.parameters()
            .into_iter()
            .filter_map(|(policy, value)| Some((policy, PolicyValue::from_id(value?.get_ref())?)))
            .collect()
    }

    fn options(&self) -> impl Iterator<Item = (Family, &str)> {
        [
            (
                Family::ExternalClientApp,
                self.external_client_app_from.as_ref(),
            ),
            (Family::ConnectedApp, self.connected_app_from.as_ref()),
        ]
        .into_iter()
        .filter_map(|(family, option)| Some((family, option?.get_ref().as_str())))
    }
}

/// `Permitted Users set to All users may self-authorize`.
fn expectation(policy: Policy, value: PolicyValue) -> String {
    format!("{} set to {}", policy.label(), value.label())
}

/// The family in an element key (`external-client-app/Ampersand_Sync`).
fn slug(family: Family) -> &'static str {
    match family {
        Family::ExternalClientApp => "external-client-app",
        Family::ConnectedApp => "connected-app",
    }
}

/// Where to look in Setup.
fn setup_path(family: Family, app: &str) -> String {
    match family {
        Family::ExternalClientApp => {
            format!("External Client App Manager > {app} > Policies")
        }
        Family::ConnectedApp => format!("Manage Connected Apps > {app} > Edit Policies"),
    }
}

impl RequirementKind for OauthPolicy {
    const NAME: &'static str = "oauth-policy";
    const DOC: KindDoc = KindDoc {
        parameters: "`permitted_users`, `refresh_token` and/or `ip_relaxation`; `external_client_app_from` and/or `connected_app_from`",
        met_when: "the OAuth policies of the External Client App (its `.ecaOauthPlcy-meta.xml`) or connected app (`oauthConfig`/`oauthPolicy`) the options name have these values; no app named, or none in the project: one info for all",
        finding: "`oauth-policy-mismatch`, at the policy's element",
    };

    fn parse(table: Spanned<DeValue<'_>>) -> Result<Self, PackError> {
        params(table)
    }

    fn validate(&self, checks: &Checks<'_>) -> Result<(), PackError> {
        checks.need(
            self.parameters().iter().any(|(_, value)| value.is_some()),
            "`permitted_users`, `refresh_token` or `ip_relaxation`",
        )?;
        for (policy, value) in self.parameters() {
            let Some(value) = value else {
                continue;
            };
            let fits =
                PolicyValue::from_id(value.get_ref()).is_some_and(|found| found.policy() == policy);
            if !fits {
                let choices: Vec<&str> = policy.values().iter().map(|value| value.id()).collect();
                return Err(PackError::at(
                    format!(
                        "{}: {:?} is not a value of {}; one of {}",
                        checks.context(),
                        value.get_ref(),
                        policy.label(),
                        choices.join(", ")
                    ),
                    value.span(),
                ));
            }
        }
        checks.need(
            self.connected_app_from.is_some() || self.external_client_app_from.is_some(),
            "`external_client_app_from` or `connected_app_from`",
        )?;
        checks.items_option(self.external_client_app_from.as_ref())?;
        checks.items_option(self.connected_app_from.as_ref())
    }

    fn evaluate(&self, _: &Requirement, scope: &Scope<'_, '_>, _: &Access<'_>) -> Evaluation {
        let mut evaluation = Evaluation::applicable();
        let wanted = self.wanted();
        let vendor = scope.vendor();
        let items: Vec<String> = wanted
            .iter()
            .map(|&(policy, value)| expectation(policy, value))
            .collect();
        // Not checked: one fact however many policies and requirements.
        let unchecked = |key: String, because: String, fix: String| {
            let message = format!(
                "{vendor}'s OAuth policies are not checked: {because}; check in Setup: {{items}}"
            );
            Gap {
                key: key.clone(),
                rule: RuleId::UnverifiableRequirement,
                message: message.replace("{items}", &crate::diagnostic::listed(&items)),
                fix: Some(fix),
                target: Target::Permission,
                severity: None,
                fact: Some(Fact {
                    key: format!("oauth-unchecked/{key}"),
                    items: items.clone(),
                    message,
                }),
                remedy: None,
            }
        };
        let apps: Vec<(Family, String)> = self
            .options()
            .flat_map(|(family, option)| {
                scope
                    .options()
                    .items(option)
                    .into_iter()
                    .map(move |name| (family, name.trim().to_string()))
            })
            .collect();
        if apps.is_empty() {
            let options: Vec<String> = self
                .options()
                .map(|(_, option)| option.to_string())
                .collect();
            evaluation.unverifiable.push(unchecked(
                "no-app".to_string(),
                format!("no option names the app ({})", options.join(" or ")),
                format!(
                    "Set option {} in sflint.toml to the API name of the app {vendor} connects through, to have its policy file checked.",
                    options.join(" or ")
                ),
            ));
            return evaluation;
        }
        for (family, name) in apps {
            let noun = family.noun();
            let file = match scope.definitions().oauth(family, &name) {
                OauthLookup::Found(file) => file,
                OauthLookup::Absent => {
                    let kind = match family {
                        Family::ExternalClientApp => ComponentKind::EcaOauthPolicies,
                        Family::ConnectedApp => ComponentKind::ConnectedApp,
                    };
                    let hidden = if scope.definitions().inventory().hidden.kinds.contains(&kind) {
                        ", and .forceignore or exclude leave some of its kind out"
                    } else {
                        ""
                    };
                    let holder = match family {
                        Family::ExternalClientApp => format!(
                            "no .ecaOauthPlcy-meta.xml of the project names {name} in <externalClientApplication>"
                        ),
                        Family::ConnectedApp => {
                            format!("the project has no {name}.connectedApp-meta.xml")
                        }
                    };
                    evaluation.unverifiable.push(unchecked(
                        format!("{}/{name}", slug(family)),
                        format!("{noun} {name} is not in the project ({holder}{hidden})"),
                        format!(
                            "In Setup, open {}; retrieve its OAuth policies into the project to have them checked.",
                            setup_path(family, &name)
                        ),
                    ));
                    continue;
                }
                OauthLookup::Unreadable(path) => {
                    evaluation.unverifiable.push(unchecked(
                        format!("{}/{name}", slug(family)),
                        format!(
                            "the file that may hold the policies of {noun} {name} ({}) cannot be read",
                            path.display()
                        ),
                        format!("Fix the file, or check in Setup: {}.", setup_path(family, &name)),
                    ));
                    continue;
                }
            };
            let policies = &file.policies;
            let at = |span| Target::At(Location::new(&file.path, span));
            if !policies.uses_oauth() {
                let message = format!(
                    "connected app {name} has no <oauthConfig>, so it does not use OAuth; {vendor} connects through OAuth, with {{items}}"
                );
                evaluation.gaps.push(Gap {
                    key: format!("{name}/oauth"),
                    rule: RuleId::OauthPolicyMismatch,
                    message: message.replace("{items}", &crate::diagnostic::listed(&items)),
                    fix: Some(format!(
                        "Enable OAuth settings on the connected app, then set its policies in Setup: {}.",
                        setup_path(family, &name)
                    )),
                    target: at(policies.root),
                    severity: None,
                    fact: Some(Fact {
                        key: format!("oauth-disabled/{name}"),
                        items: items.clone(),
                        message,
                    }),
                    remedy: None,
                });
                continue;
            }
            for &(policy, value) in &wanted {
                let element = policy.element(family);
                let set_it = format!(
                    "Set {} to {} in Setup ({}), or write <{element}>{}</{element}> here.",
                    policy.label(),
                    value.label(),
                    setup_path(family, &name),
                    value.token(family)
                );
                let key = format!("{name}/{}", value.id());
                match policies.state(policy) {
                    State::Written(setting) if setting.value == Some(value) => {}
                    State::Default(default) if default == value => {}
                    State::Written(setting) => {
                        let have = match setting.value {
                            Some(have) => format!("{} ({})", have.label(), setting.written),
                            None => format!(
                                "{:?}, which is no value the Metadata API lists",
                                setting.written
                            ),
                        };
                        evaluation.gaps.push(Gap {
                            key,
                            rule: RuleId::OauthPolicyMismatch,
                            message: format!(
                                "{noun} {name} sets {} to {have}; {vendor} needs {}",
                                policy.label(),
                                value.label()
                            ),
                            fix: Some(set_it),
                            target: at(setting.span),
                            severity: None,
                            fact: None,
                            remedy: None,
                        });
                    }
                    State::Default(default) => {
                        evaluation.gaps.push(Gap {
                            key,
                            rule: RuleId::OauthPolicyMismatch,
                            message: format!(
                                "{noun} {name} sets no <{element}>, so {} is its default, {}; {vendor} needs {}",
                                policy.label(),
                                default.label(),
                                value.label()
                            ),
                            fix: Some(set_it),
                            target: at(policies.anchor(policy)),
                            severity: None,
                            fact: None,
                            remedy: None,
                        });
                    }
                    State::Unset => {
                        evaluation.unverifiable.push(Gap {
                            key,
                            rule: RuleId::UnverifiableRequirement,
                            message: format!(
                                "the OAuth policies of {noun} {name} set no <{element}>, so {} is not checked; {vendor} needs {}",
                                policy.label(),
                                value.label()
                            ),
                            fix: Some(set_it),
                            target: at(policies.anchor(policy)),
                            severity: None,
                            fact: None,
                            remedy: None,
                        });
                    }
                }
            }
        }
        evaluation
    }

    fn describe(&self) -> String {
        let wanted: Vec<String> = self
            .wanted()
            .into_iter()
            .map(|(policy, value)| expectation(policy, value))
            .collect();
        let apps: Vec<String> = self
            .options()
            .map(|(family, option)| format!("{} <option {option}>", family.noun()))
            .collect();
        format!(
            "OAuth policies of the {}: {}",
            apps.join(" or "),
            wanted.join(", ")
        )
    }

    fn default_finding(&self) -> RuleId {
        RuleId::OauthPolicyMismatch
    }

    fn option(&self) -> Option<&str> {
        self.options().next().map(|(_, option)| option)
    }
}

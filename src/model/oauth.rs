//! The OAuth policies of a connected app or an External Client App that vendor packs ask for:
//! who may use the app (Permitted Users), how long a refresh token lives (Refresh Token Policy) and
//! whether the org's IP restrictions apply (IP Relaxation), with the place each is written. Every
//! other element of these files is skipped unread. No I/O: texts come from [`crate::definitions`].
//!
//! Element names and values, from the Metadata API Developer Guide (API version 66.0):
//!
//! - **ConnectedApp** (`connectedApps/<Name>.connectedApp`, source format
//!   `<Name>.connectedApp-meta.xml`, root `ConnectedApp`,
//!   <https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_connectedapp.htm>):
//!   - `oauthConfig` (ConnectedAppOauthConfig): present when OAuth is enabled. Its `isAdminApproved`:
//!     "If set to false (default), anyone in the org can authorize the app. [...] If set to true,
//!     only users with the appropriate profile or permission set can access the app": Setup's
//!     Permitted Users, *All users may self-authorize* (`false`) or *Admin approved users are
//!     pre-authorized* (`true`).
//!   - `oauthPolicy` (ConnectedAppOauthPolicy, API 49.0 and later): `ipRelaxation`, one of `ENFORCE`
//!     (default), `BYPASS_2FACTOR`, `BYPASS`, `ENFORCE_RELAXREFRESH`; `refreshTokenPolicy`, one of
//!     `zero`, `infinite` ("used indefinitely, unless revoked by the user or Salesforce admin.
//!     Default setting"), `specific_lifetime:<n>:<unit>`, `specific_inactivity:<n>:<unit>`.
//! - **ExtlClntAppOauthConfigurablePolicies** (`extlClntAppOauthPolicies/<Name>.ecaOauthPlcy`,
//!   source format `.ecaOauthPlcy-meta.xml`, API 59.0 and later,
//!   <https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_extlclntappoauthconfigurablepolicies.htm>):
//!   the admin's policies of one External Client App, which its required `externalClientApplication`
//!   names ("The name of the external client app associated with this OAuth policies file"): the
//!   app's own file (ExternalClientApplication, `externalClientApps/<Name>.eca`) holds none of them.
//!   `permittedUsersPolicyType`: `AdminApprovedPreAuthorized`, `AllSelfAuthorized`;
//!   `refreshTokenPolicyType`: `Infinite`, `SpecificInactivity`, `SpecificLifetime`, `Zero`;
//!   `ipRelaxationPolicyType`: `Enforce`, `Bypass`, `Bypass_2factor`, `Enforce_RelaxRefresh`. The guide
//!   gives no defaults for these, so a policy the file leaves out is not known.
//!
//! The other External Client App files (ExtlClntAppOauthSettings `.ecaOauth`,
//! ExtlClntAppGlobalOauthSettings `.ecaGlblOauth`, kept out of source control, and
//! ExtlClntAppConfigurablePolicies `.ecaPlcy`, which switches plugins on and off) hold none of these
//! policies.

use super::definition::{DefinitionError, Element, read};
use crate::source::Span;

/// A policy a vendor may need set one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Policy {
    PermittedUsers,
    RefreshToken,
    IpRelaxation,
}

impl Policy {
    pub const ALL: [Policy; 3] = [
        Policy::PermittedUsers,
        Policy::RefreshToken,
        Policy::IpRelaxation,
    ];

    /// As Setup labels it.
    pub fn label(self) -> &'static str {
        match self {
            Policy::PermittedUsers => "Permitted Users",
            Policy::RefreshToken => "Refresh Token Policy",
            Policy::IpRelaxation => "IP Relaxation",
        }
    }

    /// The values it can take.
    pub fn values(self) -> &'static [PolicyValue] {
        use PolicyValue::*;
        match self {
            Policy::PermittedUsers => &[AllUsersMaySelfAuthorize, AdminApprovedPreAuthorized],
            Policy::RefreshToken => &[
                ValidUntilRevoked,
                ExpireImmediately,
                ExpireAfterLifetime,
                ExpireIfNotUsed,
            ],
            Policy::IpRelaxation => &[Enforce, Relax, RelaxWithSecondFactor, EnforceRelaxRefresh],
        }
    }

    /// The element that holds it in each family.
    pub fn element(self, family: Family) -> &'static str {
        match (family, self) {
            (Family::ConnectedApp, Policy::PermittedUsers) => "isAdminApproved",
            (Family::ConnectedApp, Policy::RefreshToken) => "refreshTokenPolicy",
            (Family::ConnectedApp, Policy::IpRelaxation) => "ipRelaxation",
            (Family::ExternalClientApp, Policy::PermittedUsers) => "permittedUsersPolicyType",
            (Family::ExternalClientApp, Policy::RefreshToken) => "refreshTokenPolicyType",
            (Family::ExternalClientApp, Policy::IpRelaxation) => "ipRelaxationPolicyType",
        }
    }
}

/// A policy's value, as a pack names it (`all-users-may-self-authorize`) and Setup labels it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyValue {
    AllUsersMaySelfAuthorize,
    AdminApprovedPreAuthorized,
    ValidUntilRevoked,
    ExpireImmediately,
    ExpireAfterLifetime,
    ExpireIfNotUsed,
    Enforce,
    Relax,
    RelaxWithSecondFactor,
    EnforceRelaxRefresh,
}

impl PolicyValue {
    pub fn policy(self) -> Policy {
        Policy::ALL
            .into_iter()
            .find(|policy| policy.values().contains(&self))
            .unwrap_or(Policy::PermittedUsers)
    }

    /// The name a pack writes.
    pub fn id(self) -> &'static str {
        use PolicyValue::*;
        match self {
            AllUsersMaySelfAuthorize => "all-users-may-self-authorize",
            AdminApprovedPreAuthorized => "admin-approved-users-are-pre-authorized",
            ValidUntilRevoked => "valid-until-revoked",
            ExpireImmediately => "expire-immediately",
            ExpireAfterLifetime => "expire-after-lifetime",
            ExpireIfNotUsed => "expire-if-not-used",
            Enforce => "enforce",
            Relax => "relax",
            RelaxWithSecondFactor => "relax-with-second-factor",
            EnforceRelaxRefresh => "enforce-relax-for-refresh-tokens",
        }
    }

    pub fn from_id(id: &str) -> Option<PolicyValue> {
        Policy::ALL
            .iter()
            .flat_map(|policy| policy.values())
            .copied()
            .find(|value| value.id() == id)
    }

    /// As Setup labels it.
    pub fn label(self) -> &'static str {
        use PolicyValue::*;
        match self {
            AllUsersMaySelfAuthorize => "All users may self-authorize",
            AdminApprovedPreAuthorized => "Admin approved users are pre-authorized",
            ValidUntilRevoked => "Refresh token is valid until revoked",
            ExpireImmediately => "Immediately expire refresh token",
            ExpireAfterLifetime => "Expire refresh token after a set time",
            ExpireIfNotUsed => "Expire refresh token if not used for a set time",
            Enforce => "Enforce IP restrictions",
            Relax => "Relax IP restrictions",
            RelaxWithSecondFactor => "Relax IP restrictions with second factor",
            EnforceRelaxRefresh => "Enforce IP restrictions, but relax for refresh tokens",
        }
    }

    /// The value as the element of `family` writes it (the first form, for values with a period).
    pub fn token(self, family: Family) -> &'static str {
        use PolicyValue::*;
        match family {
            Family::ConnectedApp => match self {
                AllUsersMaySelfAuthorize => "false",
                AdminApprovedPreAuthorized => "true",
                ValidUntilRevoked => "infinite",
                ExpireImmediately => "zero",
                ExpireAfterLifetime => "specific_lifetime",
                ExpireIfNotUsed => "specific_inactivity",
                Enforce => "ENFORCE",
                Relax => "BYPASS",
                RelaxWithSecondFactor => "BYPASS_2FACTOR",
                EnforceRelaxRefresh => "ENFORCE_RELAXREFRESH",
            },
            Family::ExternalClientApp => match self {
                AllUsersMaySelfAuthorize => "AllSelfAuthorized",
                AdminApprovedPreAuthorized => "AdminApprovedPreAuthorized",
                ValidUntilRevoked => "Infinite",
                ExpireImmediately => "Zero",
                ExpireAfterLifetime => "SpecificLifetime",
                ExpireIfNotUsed => "SpecificInactivity",
                Enforce => "Enforce",
                Relax => "Bypass",
                RelaxWithSecondFactor => "Bypass_2factor",
                EnforceRelaxRefresh => "Enforce_RelaxRefresh",
            },
        }
    }

    /// Reads what an element of `family` holds for `policy`; `None` for a value the guide does not
    /// list.
    fn read(policy: Policy, family: Family, written: &str) -> Option<PolicyValue> {
        // `specific_lifetime:1:DAYS` names its period after the value.
        let token = match (family, policy) {
            (Family::ConnectedApp, Policy::RefreshToken) => {
                written.split(':').next().unwrap_or_default()
            }
            _ => written,
        };
        policy
            .values()
            .iter()
            .copied()
            .find(|value| value.token(family) == token)
    }
}

/// The two metadata families that hold OAuth policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    ConnectedApp,
    ExternalClientApp,
}

impl Family {
    pub fn noun(self) -> &'static str {
        match self {
            Family::ConnectedApp => "connected app",
            Family::ExternalClientApp => "External Client App",
        }
    }
}

/// One policy element as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The trimmed text.
    pub written: String,
    /// `None` when the text is no value the guide lists.
    pub value: Option<PolicyValue>,
    /// The whole element.
    pub span: Span,
}

/// What a policy is in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State<'p> {
    Written(&'p Setting),
    /// Not written; the guide names the default that then applies (connected apps).
    Default(PolicyValue),
    /// Not written, and the guide names no default (External Client Apps).
    Unset,
}

/// The OAuth policies one file states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OauthPolicies {
    pub family: Family,
    /// The root element's start tag.
    pub root: Span,
    /// A connected app's `<oauthConfig>` start tag: without it the app does not use OAuth.
    pub oauth_config: Option<Span>,
    /// A connected app's `<oauthPolicy>` start tag.
    pub oauth_policy: Option<Span>,
    /// `<externalClientApplication>` of External Client App policies: the app they belong to.
    pub external_client_application: Option<String>,
    permitted_users: Option<Setting>,
    refresh_token: Option<Setting>,
    ip_relaxation: Option<Setting>,
}

impl OauthPolicies {
    fn new(family: Family) -> Self {
        OauthPolicies {
            family,
            root: Span::default(),
            oauth_config: None,
            oauth_policy: None,
            external_client_application: None,
            permitted_users: None,
            refresh_token: None,
            ip_relaxation: None,
        }
    }

    /// Whether the app uses OAuth at all (a connected app without `<oauthConfig>` does not).
    pub fn uses_oauth(&self) -> bool {
        self.family == Family::ExternalClientApp || self.oauth_config.is_some()
    }

    pub fn state(&self, policy: Policy) -> State<'_> {
        let written = match policy {
            Policy::PermittedUsers => &self.permitted_users,
            Policy::RefreshToken => &self.refresh_token,
            Policy::IpRelaxation => &self.ip_relaxation,
        };
        match (written, self.family) {
            (Some(setting), _) => State::Written(setting),
            (None, Family::ExternalClientApp) => State::Unset,
            (None, Family::ConnectedApp) => State::Default(match policy {
                Policy::PermittedUsers => PolicyValue::AllUsersMaySelfAuthorize,
                Policy::RefreshToken => PolicyValue::ValidUntilRevoked,
                Policy::IpRelaxation => PolicyValue::Enforce,
            }),
        }
    }

    /// Where a policy the file does not write belongs: the element that would hold it, else the
    /// root.
    pub fn anchor(&self, policy: Policy) -> Span {
        let parent = match (self.family, policy) {
            (Family::ConnectedApp, Policy::PermittedUsers) => self.oauth_config,
            (Family::ConnectedApp, _) => self.oauth_policy,
            (Family::ExternalClientApp, _) => None,
        };
        parent.unwrap_or(self.root)
    }

    fn set(&mut self, policy: Policy, setting: Setting) {
        let slot = match policy {
            Policy::PermittedUsers => &mut self.permitted_users,
            Policy::RefreshToken => &mut self.refresh_token,
            Policy::IpRelaxation => &mut self.ip_relaxation,
        };
        *slot = Some(setting);
    }
}

/// Reads a `ConnectedApp` (`.connectedApp-meta.xml` or `.connectedApp`).
pub fn parse_connected_app(text: &str) -> Result<OauthPolicies, DefinitionError> {
    let family = Family::ConnectedApp;
    let mut policies = OauthPolicies::new(family);
    read(text, "ConnectedApp", |element| match element.path {
        [] => policies.root = element.start_tag,
        ["oauthConfig"] => policies.oauth_config = Some(element.start_tag),
        ["oauthPolicy"] => policies.oauth_policy = Some(element.start_tag),
        [parent, name] => {
            let policy = match (*parent, *name) {
                ("oauthConfig", "isAdminApproved") => Policy::PermittedUsers,
                ("oauthPolicy", "refreshTokenPolicy") => Policy::RefreshToken,
                ("oauthPolicy", "ipRelaxation") => Policy::IpRelaxation,
                _ => return,
            };
            policies.set(policy, setting(policy, family, &element));
        }
        _ => {}
    })?;
    Ok(policies)
}

/// Reads an `ExtlClntAppOauthConfigurablePolicies` (`.ecaOauthPlcy-meta.xml` or `.ecaOauthPlcy`).
pub fn parse_eca_oauth_policies(text: &str) -> Result<OauthPolicies, DefinitionError> {
    let family = Family::ExternalClientApp;
    let mut policies = OauthPolicies::new(family);
    read(
        text,
        "ExtlClntAppOauthConfigurablePolicies",
        |element| match element.path {
            [] => policies.root = element.start_tag,
            ["externalClientApplication"] => {
                policies.external_client_application = Some(element.text.to_string());
            }
            [name] => {
                if let Some(policy) = Policy::ALL
                    .into_iter()
                    .find(|policy| policy.element(family) == *name)
                {
                    policies.set(policy, setting(policy, family, &element));
                }
            }
            _ => {}
        },
    )?;
    Ok(policies)
}

fn setting(policy: Policy, family: Family, element: &Element<'_>) -> Setting {
    Setting {
        written: element.text.to_string(),
        value: PolicyValue::read(policy, family, element.text),
        span: element.span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn reads_a_connected_apps_policies_and_its_defaults() {
        let text = r#"<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <contactEmail>admin@example.com</contactEmail>
    <label>Sync</label>
    <oauthConfig>
        <callbackUrl>https://example.com/callback</callbackUrl>
        <isAdminApproved>true</isAdminApproved>
        <scopes>Api</scopes>
    </oauthConfig>
    <oauthPolicy>
        <ipRelaxation>BYPASS</ipRelaxation>
        <refreshTokenPolicy>specific_lifetime:1:DAYS</refreshTokenPolicy>
    </oauthPolicy>
</ConnectedApp>
"#;
        let app = parse_connected_app(text).unwrap();
        assert!(app.uses_oauth());
        let State::Written(users) = app.state(Policy::PermittedUsers) else {
            panic!("isAdminApproved is written");
        };
        assert_eq!(users.value, Some(PolicyValue::AdminApprovedPreAuthorized));
        assert_eq!(
            at(text, users.span),
            "<isAdminApproved>true</isAdminApproved>"
        );
        let State::Written(refresh) = app.state(Policy::RefreshToken) else {
            panic!("refreshTokenPolicy is written");
        };
        assert_eq!(refresh.value, Some(PolicyValue::ExpireAfterLifetime));
        assert_eq!(refresh.written, "specific_lifetime:1:DAYS");
        assert!(matches!(
            app.state(Policy::IpRelaxation),
            State::Written(Setting {
                value: Some(PolicyValue::Relax),
                ..
            })
        ));
        assert_eq!(at(text, app.anchor(Policy::RefreshToken)), "<oauthPolicy>");

        // Nothing written: the guide's defaults, reported at the element that would hold them.
        let bare = "<ConnectedApp><label>Sync</label><oauthConfig><callbackUrl>x</callbackUrl></oauthConfig></ConnectedApp>";
        let app = parse_connected_app(bare).unwrap();
        assert_eq!(
            app.state(Policy::PermittedUsers),
            State::Default(PolicyValue::AllUsersMaySelfAuthorize)
        );
        assert_eq!(
            app.state(Policy::RefreshToken),
            State::Default(PolicyValue::ValidUntilRevoked)
        );
        assert_eq!(
            app.state(Policy::IpRelaxation),
            State::Default(PolicyValue::Enforce)
        );
        assert_eq!(
            at(bare, app.anchor(Policy::PermittedUsers)),
            "<oauthConfig>"
        );
        assert_eq!(at(bare, app.anchor(Policy::IpRelaxation)), "<ConnectedApp>");
        // Without <oauthConfig> the app does not use OAuth.
        assert!(
            !parse_connected_app("<ConnectedApp><label>Sync</label></ConnectedApp>")
                .unwrap()
                .uses_oauth()
        );
    }

    #[test]
    fn reads_external_client_app_policies_and_the_app_they_name() {
        let text = r#"<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppOauthConfigurablePolicies xmlns="http://soap.sforce.com/2006/04/metadata">
    <externalClientApplication>Ampersand_Sync</externalClientApplication>
    <ipRelaxationPolicyType>Enforce_RelaxRefresh</ipRelaxationPolicyType>
    <label>Ampersand_Sync_oauthPlcy</label>
    <permittedUsersPolicyType>AllSelfAuthorized</permittedUsersPolicyType>
    <refreshTokenPolicyType>Bogus</refreshTokenPolicyType>
</ExtlClntAppOauthConfigurablePolicies>
"#;
        let policies = parse_eca_oauth_policies(text).unwrap();
        assert_eq!(
            policies.external_client_application.as_deref(),
            Some("Ampersand_Sync")
        );
        assert!(matches!(
            policies.state(Policy::IpRelaxation),
            State::Written(Setting {
                value: Some(PolicyValue::EnforceRelaxRefresh),
                ..
            })
        ));
        assert!(matches!(
            policies.state(Policy::PermittedUsers),
            State::Written(Setting {
                value: Some(PolicyValue::AllUsersMaySelfAuthorize),
                ..
            })
        ));
        assert!(matches!(
            policies.state(Policy::RefreshToken),
            State::Written(Setting { value: None, written, .. }) if written == "Bogus"
        ));
        let bare = parse_eca_oauth_policies("<ExtlClntAppOauthConfigurablePolicies/>").unwrap();
        assert_eq!(bare.state(Policy::IpRelaxation), State::Unset);
        assert_eq!(bare.external_client_application, None);
    }

    #[test]
    fn every_value_has_a_token_in_both_families_and_reads_back() {
        for policy in Policy::ALL {
            for &value in policy.values() {
                assert_eq!(value.policy(), policy);
                assert_eq!(PolicyValue::from_id(value.id()), Some(value));
                for family in [Family::ConnectedApp, Family::ExternalClientApp] {
                    assert_eq!(
                        PolicyValue::read(policy, family, value.token(family)),
                        Some(value),
                        "{value:?} in {family:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn broken_files_say_where() {
        let error =
            parse_connected_app("<ConnectedApp>\n<oauthPolicy>\n</oauthConfig>\n</ConnectedApp>")
                .unwrap_err();
        assert_eq!(error.line, 3);
        assert!(parse_eca_oauth_policies("<ConnectedApp/>").is_err());
    }
}

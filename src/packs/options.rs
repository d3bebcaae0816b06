//! A pack's parameters: their declarations in the pack (`[[option]]`), the values a project sets
//! (`[integration.options]`, checked and completed with defaults), and the `when` conditions that
//! read them.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use toml::Spanned;

use super::Pack;
use super::file::PackError;
use crate::diagnostic::Location;
use crate::model::names::names_match;
use crate::model::user::{Holdings, IntegrationUser};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionSpec {
    pub id: String,
    pub kind: OptionKind,
    pub description: String,
    /// Used when the project does not set the option; without one the option is required.
    #[serde(default)]
    pub default: Option<toml::Value>,
    /// The allowed values of a `choice`.
    #[serde(default)]
    pub choices: Vec<String>,
    /// The default is an API name sflint inferred from the label on the vendor's page, which does
    /// not print the name: while the project leaves the option at its default, the names are
    /// matched case-insensitively and a requirement missing one is at most a warning that says so.
    #[serde(default)]
    pub inferred: bool,
    /// How the project's metadata tells the value when the project does not set it.
    #[serde(default)]
    pub infer: Vec<InferRule>,
    /// The option may be left unset (it has no default): then what it names is not checked, which
    /// this says (`the Account 'Active' field is not checked`), once, as info.
    #[serde(default)]
    pub when_unset: Option<String>,
}

impl OptionSpec {
    /// Whether a project may leave it out of its declaration: it has a default, or says what is
    /// not checked without it (`when_unset`).
    pub fn may_be_left_unset(&self) -> bool {
        self.default.is_some() || self.when_unset.is_some()
    }
}

/// A value an option takes when the integration user's files show it: the rule holds when every
/// condition it names holds (the profile's user license is one of `profile_licenses`, the profile
/// is one of `profiles`, the user holds one of the permission sets).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InferRule {
    pub value: String,
    #[serde(default)]
    pub profile_licenses: Vec<String>,
    #[serde(default)]
    pub profiles: Vec<String>,
    #[serde(default)]
    pub permission_sets: Vec<String>,
    /// An option naming more permission sets.
    #[serde(default)]
    pub permission_sets_from: Option<String>,
}

impl InferRule {
    /// Whether it names any condition at all.
    pub fn is_empty(&self) -> bool {
        self.profile_licenses.is_empty()
            && self.profiles.is_empty()
            && self.permission_sets.is_empty()
            && self.permission_sets_from.is_none()
    }

    /// Why the rule holds for the user and where its files show it, or `None`.
    fn holds(
        &self,
        options: &Options,
        user: &IntegrationUser,
        holdings: &Holdings<'_>,
    ) -> Option<(String, Location)> {
        let mut because = Vec::new();
        let mut location = None;
        if !self.profile_licenses.is_empty() {
            let profile = holdings.profile()?;
            let license = profile.permissions()?.license.as_ref()?;
            if !self.profile_licenses.contains(&license.value) {
                return None;
            }
            because.push(format!(
                "profile {} has the {} user license",
                profile.name, license.value
            ));
            location = Some(Location::new(profile.path(license.span), license.span));
        }
        if !self.profiles.is_empty() {
            let profile = holdings.profile()?;
            if !self
                .profiles
                .iter()
                .any(|name| names_match(&profile.name, name))
            {
                return None;
            }
            because.push(format!("its profile is {}", profile.name));
            location.get_or_insert_with(|| Location::new(&profile.files[0], profile.root));
        }
        let mut names = self.permission_sets.clone();
        if let Some(from) = &self.permission_sets_from {
            names.extend(options.items(from));
        }
        if self.permission_sets_from.is_some() || !names.is_empty() {
            let held = |other: &str| names.iter().any(|name| name.eq_ignore_ascii_case(other));
            if let Some(member) = holdings
                .permission_sets()
                .find(|member| held(&member.component.name))
            {
                because.push(format!("it holds permission set {}", member.component.name));
                let component = member.component;
                location.get_or_insert_with(|| Location::new(&component.files[0], component.root));
            } else if let Some(name) = user.package_permission_sets.iter().find(|name| held(name)) {
                because.push(format!(
                    "it holds permission set {name} (package_permission_sets)"
                ));
            } else {
                return None;
            }
        }
        if because.is_empty() {
            return None;
        }
        let location = location.or_else(|| {
            let first = holdings.members.first()?.component;
            Some(Location::new(&first.files[0], first.root))
        })?;
        Some((because.join(" and "), location))
    }
}

/// An option value the engine took from the user's files because the project did not set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inference {
    pub option: String,
    pub value: String,
    /// Why, in words: `profile X has the Salesforce Integration user license`.
    pub because: String,
    /// Where the files show it.
    pub location: Location,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OptionKind {
    Bool,
    String,
    List,
    Choice,
}

impl OptionKind {
    fn expected(self) -> &'static str {
        match self {
            OptionKind::Bool => "true or false",
            OptionKind::String | OptionKind::Choice => "a string",
            OptionKind::List => "a list of strings",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionValue {
    Bool(bool),
    /// A `string` or a `choice`.
    Text(String),
    List(Vec<String>),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    values: BTreeMap<String, OptionValue>,
    /// Options whose default is a name inferred from a label (`inferred`) that the project left at
    /// that default.
    guessed: BTreeSet<String>,
    /// Options the project left unset that the user's files may tell (`infer`); without a default
    /// they have no value until [`Options::infer`].
    pending: BTreeSet<String>,
    /// What [`Options::infer`] took from the files.
    inferences: Vec<Inference>,
    /// Options the project left unset that may be (`when_unset`), with what is then not checked.
    unset: BTreeMap<String, String>,
}

impl Options {
    /// Each option with its value as TOML writes it (`true`, `"text"`, `["A", "B"]`).
    pub fn shown(&self) -> Vec<(String, String)> {
        let mut shown: Vec<(String, String)> = self
            .values
            .iter()
            .map(|(id, value)| {
                let value = match value {
                    OptionValue::Bool(flag) => flag.to_string(),
                    OptionValue::Text(text) => format!("{text:?}"),
                    OptionValue::List(items) => format!("{items:?}"),
                };
                let value = if self.pending.contains(id) {
                    format!("{value} (unless the files tell otherwise)")
                } else {
                    value
                };
                (id.clone(), value)
            })
            .collect();
        for id in &self.pending {
            if !self.values.contains_key(id) {
                shown.push((id.clone(), "(inferred from the files)".to_string()));
            }
        }
        for (id, value) in &mut shown {
            if self.unset.contains_key(id.as_str()) {
                *value = "(not set)".to_string();
            }
        }
        shown.sort();
        shown
    }
}

fn quoted_choices(spec: &OptionSpec) -> String {
    spec.choices
        .iter()
        .map(|choice| format!("{choice:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `pack X needs option Y (what it is); one of a, b`.
fn needs(pack: &Pack, spec: &OptionSpec) -> String {
    format!(
        "pack {} needs option {} ({}){}",
        pack.id(),
        spec.id,
        spec.description,
        if spec.choices.is_empty() {
            String::new()
        } else {
            format!("; one of {}", spec.choices.join(", "))
        }
    )
}

/// Converts one TOML value to the option's kind.
pub fn convert(spec: &OptionSpec, value: &toml::Value) -> Result<OptionValue, String> {
    match (spec.kind, value) {
        (OptionKind::Bool, toml::Value::Boolean(flag)) => Ok(OptionValue::Bool(*flag)),
        (OptionKind::String, toml::Value::String(text)) => Ok(OptionValue::Text(text.clone())),
        (OptionKind::Choice, toml::Value::String(text)) => {
            if spec.choices.iter().any(|choice| choice == text) {
                Ok(OptionValue::Text(text.clone()))
            } else {
                Err(format!("{text:?} is not one of {}", quoted_choices(spec)))
            }
        }
        (OptionKind::List, toml::Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                toml::Value::String(text) => Ok(text.clone()),
                other => Err(format!(
                    "expected a list of strings, found {}",
                    other.type_str()
                )),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(OptionValue::List),
        (kind, other) => Err(format!(
            "expected {}, found {}",
            kind.expected(),
            other.type_str()
        )),
    }
}

/// `when = { option = value, ... }`: a requirement or allowance applies only when every option
/// named has this value (a list option: contains it). Checked against the pack's options when the
/// pack is loaded, so that a condition that can never hold is an error, not a silent skip.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Condition(BTreeMap<Spanned<String>, Spanned<toml::Value>>);

impl Condition {
    pub fn iter(&self) -> impl Iterator<Item = (&str, &toml::Value)> {
        self.0
            .iter()
            .map(|(key, value)| (key.get_ref().as_str(), value.get_ref()))
    }

    /// Every option named must exist, and each value must be one the option can take.
    pub fn validate(&self, options: &[OptionSpec], context: &str) -> Result<(), PackError> {
        for (key, value) in &self.0 {
            let Some(spec) = options.iter().find(|spec| spec.id == *key.get_ref()) else {
                let known: Vec<&str> = options.iter().map(|spec| spec.id.as_str()).collect();
                let hint = crate::registry::suggest(key.get_ref(), known.iter().copied())
                    .map(|known| format!(" (did you mean {known}?)"))
                    .unwrap_or_default();
                return Err(PackError::at(
                    format!(
                        "{context}: `when` names unknown option {:?}{hint}",
                        key.get_ref()
                    ),
                    key.span(),
                ));
            };
            let fits = match (spec.kind, value.get_ref()) {
                (OptionKind::Bool, toml::Value::Boolean(_)) => Ok(()),
                (OptionKind::String | OptionKind::List, toml::Value::String(_)) => Ok(()),
                (OptionKind::Choice, toml::Value::String(text)) => {
                    if spec.choices.contains(text) {
                        Ok(())
                    } else {
                        Err(format!(
                            "{text:?} is not a choice of option {:?}, which is one of {}",
                            spec.id,
                            quoted_choices(spec)
                        ))
                    }
                }
                (kind, found) => Err(format!(
                    "option {:?} is {}: `when` needs {}, found {}",
                    spec.id,
                    match kind {
                        OptionKind::Bool => "a bool",
                        OptionKind::String => "a string",
                        OptionKind::List => "a list",
                        OptionKind::Choice => "a choice",
                    },
                    match kind {
                        OptionKind::Bool => "true or false (without quotes)",
                        OptionKind::List => "one item, as a string",
                        OptionKind::String | OptionKind::Choice => "a string",
                    },
                    match found {
                        toml::Value::String(text) => format!("the string {text:?}"),
                        other => other.type_str().to_string(),
                    }
                )),
            };
            fits.map_err(|message| {
                PackError::at(format!("{context}: `when`: {message}"), value.span())
            })?;
        }
        Ok(())
    }

    /// ` [when a = true, b = "x"]`, as `sflint pack ID` shows it.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        format!(" [when {}]", parts.join(", "))
    }
}

impl Options {
    /// The pack's options, from the project's table and the pack's defaults.
    pub fn resolve(pack: &Pack, given: &toml::Table) -> Result<Options, String> {
        let specs = &pack.file.options;
        for key in given.keys() {
            if !specs.iter().any(|spec| &spec.id == key) {
                let known: Vec<&str> = specs.iter().map(|spec| spec.id.as_str()).collect();
                return Err(format!(
                    "pack {} has no option {key:?}{}",
                    pack.id(),
                    if known.is_empty() {
                        String::new()
                    } else {
                        format!(" (its options: {})", known.join(", "))
                    }
                ));
            }
        }
        let mut options = Options::default();
        for spec in specs {
            let given_value = given.get(&spec.id);
            if spec.inferred && given_value.is_none() {
                options.guessed.insert(spec.id.clone());
            }
            if !spec.infer.is_empty() && given_value.is_none() {
                // The files may tell; without a default it stays unset until `infer`.
                options.pending.insert(spec.id.clone());
            }
            let value = match (given_value, &spec.default) {
                (Some(value), _) | (None, Some(value)) => convert(spec, value)
                    .map_err(|message| format!("option {}: {message}", spec.id))?,
                (None, None) if !spec.infer.is_empty() => continue,
                (None, None) if spec.when_unset.is_some() => {
                    let unchecked = spec.when_unset.clone().unwrap_or_default();
                    options.unset.insert(spec.id.clone(), unchecked);
                    match spec.kind {
                        OptionKind::List => OptionValue::List(Vec::new()),
                        _ => OptionValue::Text(String::new()),
                    }
                }
                (None, None) => return Err(needs(pack, spec)),
            };
            options.values.insert(spec.id.clone(), value);
        }
        Ok(options)
    }

    /// The options with those the project left to the files taken from what the user's files show
    /// (`infer`): a value that one rule or more point to, and none other, is taken, and said once
    /// as info unless it is the default anyway. When the files point nowhere or both ways, the
    /// default stands; without one the option must be set, which is the error returned.
    pub fn infer(
        &self,
        pack: &Pack,
        user: &IntegrationUser,
        holdings: &Holdings<'_>,
    ) -> Result<Options, String> {
        let mut options = self.clone();
        options.pending.clear();
        for id in &self.pending {
            let Some(spec) = pack.file.options.iter().find(|spec| &spec.id == id) else {
                continue;
            };
            let found: Vec<(&str, String, Location)> = spec
                .infer
                .iter()
                .filter_map(|rule| {
                    let (because, location) = rule.holds(self, user, holdings)?;
                    Some((rule.value.as_str(), because, location))
                })
                .collect();
            let values: BTreeSet<&str> = found.iter().map(|(value, _, _)| *value).collect();
            if let [value] = values.into_iter().collect::<Vec<_>>()[..] {
                let because: Vec<&str> = found
                    .iter()
                    .map(|(_, because, _)| because.as_str())
                    .collect();
                let is_default = spec
                    .default
                    .as_ref()
                    .and_then(toml::Value::as_str)
                    .is_some_and(|default| default == value);
                options
                    .values
                    .insert(id.clone(), OptionValue::Text(value.to_string()));
                if !is_default {
                    options.inferences.push(Inference {
                        option: id.clone(),
                        value: value.to_string(),
                        because: because.join("; "),
                        location: found[0].2.clone(),
                    });
                }
                continue;
            }
            if spec.default.is_some() {
                continue;
            }
            let why = if found.is_empty() {
                "the integration user's files do not tell which".to_string()
            } else {
                format!(
                    "the integration user's files point to more than one: {}",
                    found
                        .iter()
                        .map(|(value, because, _)| format!("{value} ({because})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            return Err(format!("{}, and {why}", needs(pack, spec)));
        }
        Ok(options)
    }

    /// What the engine took from the user's files ([`Options::infer`]).
    pub fn inferences(&self) -> &[Inference] {
        &self.inferences
    }

    /// The options the project left unset that may be, each with what is then not checked.
    pub fn unset(&self) -> impl Iterator<Item = (&str, &str)> {
        self.unset
            .iter()
            .map(|(id, unchecked)| (id.as_str(), unchecked.as_str()))
    }

    /// Whether option `id` holds names sflint inferred from the vendor's labels (the project left
    /// an `inferred` option at its default).
    pub fn is_guessed(&self, id: &str) -> bool {
        self.guessed.contains(id)
    }

    /// Items of a list option; a string option is a list of one (none when empty).
    pub fn items(&self, id: &str) -> Vec<String> {
        match self.values.get(id) {
            Some(OptionValue::List(items)) => items.clone(),
            Some(OptionValue::Text(text)) if !text.trim().is_empty() => vec![text.clone()],
            _ => Vec::new(),
        }
    }

    /// Whether every condition holds: a bool or text option equals the value, a list option
    /// contains it.
    pub fn satisfy(&self, when: Option<&Condition>) -> bool {
        let Some(when) = when else {
            return true;
        };
        when.iter()
            .all(|(id, expected)| match (self.values.get(id), expected) {
                (Some(OptionValue::Bool(flag)), toml::Value::Boolean(want)) => flag == want,
                (Some(OptionValue::Text(text)), toml::Value::String(want)) => text == want,
                (Some(OptionValue::List(items)), toml::Value::String(want)) => items.contains(want),
                _ => false,
            })
    }
}

impl std::fmt::Display for OptionValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OptionValue::Bool(flag) => write!(f, "{flag}"),
            OptionValue::Text(text) => write!(f, "{text:?}"),
            OptionValue::List(items) => write!(
                f,
                "[{}]",
                items
                    .iter()
                    .map(|item| format!("{item:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

//! A pack's parameters: their declarations in the pack (`[[option]]`), the values a project sets
//! (`[integration.options]`, checked and completed with defaults), and the `when` conditions that
//! read them.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use toml::Spanned;

use super::Pack;
use super::file::PackError;

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
}

impl Options {
    /// Each option with its value as TOML writes it (`true`, `"text"`, `["A", "B"]`).
    pub fn shown(&self) -> Vec<(String, String)> {
        self.values
            .iter()
            .map(|(id, value)| {
                let value = match value {
                    OptionValue::Bool(flag) => flag.to_string(),
                    OptionValue::Text(text) => format!("{text:?}"),
                    OptionValue::List(items) => format!("{items:?}"),
                };
                (id.clone(), value)
            })
            .collect()
    }
}

fn quoted_choices(spec: &OptionSpec) -> String {
    spec.choices
        .iter()
        .map(|choice| format!("{choice:?}"))
        .collect::<Vec<_>>()
        .join(", ")
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
        let mut values = BTreeMap::new();
        let mut guessed = BTreeSet::new();
        for spec in specs {
            if spec.inferred && !given.contains_key(&spec.id) {
                guessed.insert(spec.id.clone());
            }
            let value = match (given.get(&spec.id), &spec.default) {
                (Some(value), _) | (None, Some(value)) => convert(spec, value)
                    .map_err(|message| format!("option {}: {message}", spec.id))?,
                (None, None) => {
                    return Err(format!(
                        "pack {} needs option {} ({}){}",
                        pack.id(),
                        spec.id,
                        spec.description,
                        if spec.choices.is_empty() {
                            String::new()
                        } else {
                            format!("; one of {}", spec.choices.join(", "))
                        }
                    ));
                }
            };
            values.insert(spec.id.clone(), value);
        }
        Ok(Options { values, guessed })
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

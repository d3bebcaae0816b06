//! A pack's parameters as a project sets them (`[integration.options]`), checked against the pack's
//! declarations and completed with defaults.

use std::collections::BTreeMap;

use super::Pack;
use super::schema::{OptionKind, OptionSpec};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionValue {
    Bool(bool),
    /// A `string` or a `choice`.
    Text(String),
    List(Vec<String>),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options(BTreeMap<String, OptionValue>);

/// Converts one TOML value to the option's kind.
pub fn convert(spec: &OptionSpec, value: &toml::Value) -> Result<OptionValue, String> {
    match (spec.kind, value) {
        (OptionKind::Bool, toml::Value::Boolean(flag)) => Ok(OptionValue::Bool(*flag)),
        (OptionKind::String, toml::Value::String(text)) => Ok(OptionValue::Text(text.clone())),
        (OptionKind::Choice, toml::Value::String(text)) => {
            if spec.choices.iter().any(|choice| choice == text) {
                Ok(OptionValue::Text(text.clone()))
            } else {
                Err(format!(
                    "{text:?} is not one of {}",
                    spec.choices
                        .iter()
                        .map(|choice| format!("{choice:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
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
            match kind {
                OptionKind::Bool => "true or false",
                OptionKind::String | OptionKind::Choice => "a string",
                OptionKind::List => "a list of strings",
            },
            other.type_str()
        )),
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
        for spec in specs {
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
        Ok(Options(values))
    }

    pub fn get(&self, id: &str) -> Option<&OptionValue> {
        self.0.get(id)
    }

    /// Items of a list option; a string option is a list of one (none when empty).
    pub fn items(&self, id: &str) -> Vec<String> {
        match self.0.get(id) {
            Some(OptionValue::List(items)) => items.clone(),
            Some(OptionValue::Text(text)) if !text.trim().is_empty() => vec![text.clone()],
            _ => Vec::new(),
        }
    }

    /// Whether every condition holds: a bool or text option equals the value, a list option
    /// contains it.
    pub fn satisfy(&self, when: Option<&toml::Table>) -> bool {
        let Some(when) = when else {
            return true;
        };
        when.iter()
            .all(|(id, expected)| match (self.0.get(id), expected) {
                (Some(OptionValue::Bool(flag)), toml::Value::Boolean(want)) => flag == want,
                (Some(OptionValue::Text(text)), toml::Value::String(want)) => text == want,
                (Some(OptionValue::List(items)), toml::Value::String(want)) => items.contains(want),
                _ => false,
            })
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &OptionValue)> {
        self.0.iter()
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

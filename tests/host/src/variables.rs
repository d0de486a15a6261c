//! Spin variables: names, `{{ var }}` templates and value resolution (spin-expressions).

use std::collections::{BTreeMap, HashMap};

use crate::bindings::fermyon::spin::variables as wit;
use crate::manifest::Variable;

/// A component variable value: literal text with `{{ variable }}` references.
#[derive(Debug, Clone, PartialEq)]
pub struct Template(Vec<Part>);

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Lit(String),
    Var(String),
}

impl Template {
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                parts.push(Part::Lit(rest[..start].to_string()));
            }
            let after = &rest[start + 2..];
            let end = after
                .find("}}")
                .ok_or_else(|| format!("unclosed `{{{{` in {text:?}"))?;
            let name = after[..end].trim();
            validate_name(name)?;
            parts.push(Part::Var(name.to_string()));
            rest = &after[end + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Lit(rest.to_string()));
        }
        Ok(Template(parts))
    }

    /// The application variables the template refers to.
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|p| match p {
            Part::Var(v) => Some(v.as_str()),
            Part::Lit(_) => None,
        })
    }
}

/// Spin's rules for variable names: lower-case ASCII letters, digits and single underscores,
/// starting with a letter and not ending with an underscore.
pub fn validate_name(key: &str) -> Result<(), String> {
    let reason = if key.is_empty() {
        "must not be empty".to_string()
    } else if let Some(c) = key
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        format!("invalid character {c:?}. Variable names may contain only lower-case letters, numbers, and underscores.")
    } else if !key.as_bytes()[0].is_ascii_lowercase() {
        "must start with a lowercase ASCII letter".to_string()
    } else if !key.as_bytes()[key.len() - 1].is_ascii_alphanumeric() {
        "must end with a lowercase ASCII letter or digit".to_string()
    } else if key.contains("__") {
        "must not contain multiple consecutive underscores".to_string()
    } else {
        return Ok(());
    };
    Err(format!("{key:?}: {reason}"))
}

/// Why `variables.get` failed, as `fermyon:spin/variables` reports it.
#[derive(Debug, PartialEq)]
pub enum Error {
    InvalidName(String),
    Undefined(String),
    Provider(String),
}

/// Resolves `name` for `component` like Spin: explicit overrides (`spin up --variable`) first,
/// then the environment (`SPIN_VARIABLE_<NAME>`), then the `[variables]` default.
pub fn resolve(
    app_variables: &BTreeMap<String, Variable>,
    component_id: &str,
    component_variables: &BTreeMap<String, Template>,
    overrides: &HashMap<String, String>,
    name: &str,
) -> Result<String, Error> {
    validate_name(name).map_err(Error::InvalidName)?;
    let template = component_variables
        .get(name)
        .ok_or_else(|| Error::Undefined(format!("no variable for {component_id:?}.{name:?}")))?;
    render(template, app_variables, overrides)
}

/// A template's text with each `{{ variable }}` replaced by the application variable's value.
pub fn render(
    template: &Template,
    app_variables: &BTreeMap<String, Variable>,
    overrides: &HashMap<String, String>,
) -> Result<String, Error> {
    let mut value = String::new();
    for part in &template.0 {
        match part {
            Part::Lit(text) => value.push_str(text),
            Part::Var(var) => value.push_str(&resolve_variable(app_variables, overrides, var)?),
        }
    }
    Ok(value)
}

fn resolve_variable(
    app_variables: &BTreeMap<String, Variable>,
    overrides: &HashMap<String, String>,
    var: &str,
) -> Result<String, Error> {
    if let Some(v) = overrides.get(var) {
        return Ok(v.clone());
    }
    if let Ok(v) = std::env::var(format!("SPIN_VARIABLE_{}", var.to_ascii_uppercase())) {
        return Ok(v);
    }
    let variable = app_variables
        .get(var)
        .ok_or_else(|| Error::InvalidName(var.to_string()))?;
    variable
        .default
        .clone()
        .ok_or_else(|| Error::Provider(format!("no provider resolved required variable {var:?}")))
}

/// `fermyon:spin/variables@2.0.0`: a component sees the variables of its own
/// `[component.<id>.variables]` table, resolved at each `get`.
impl wit::Host for crate::State {
    async fn get(&mut self, name: String) -> anyhow::Result<Result<String, wit::Error>> {
        let (app, component) = (&self.app, &self.component);
        let value = resolve(
            &app.runtime.manifest.variables,
            &component.id,
            &component.variables,
            &app.variables,
            &name,
        );
        Ok(value.map_err(|e| match e {
            Error::InvalidName(m) => wit::Error::InvalidName(m),
            Error::Undefined(m) => wit::Error::Undefined(m),
            Error::Provider(m) => wit::Error::Provider(m),
        }))
    }
}

//! The subset of a Spin manifest (v2) the host understands, checked the way `spin up` checks it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, ensure, Context, Result};
use serde::Deserialize;

use crate::variables::{validate_name, Template};

/// The only label Spin defines for key-value stores and SQLite databases without a runtime config.
pub const DEFAULT_LABEL: &str = "default";

#[derive(Debug, Clone)]
pub struct Manifest {
    /// Directory holding `spin.toml`; component sources are relative to it.
    pub dir: PathBuf,
    pub name: String,
    pub variables: BTreeMap<String, Variable>,
    /// `[[trigger.http]]` routes in manifest order (private endpoints left out).
    pub routes: Vec<HttpRoute>,
    pub components: BTreeMap<String, Component>,
}

#[derive(Debug, Clone)]
pub struct Variable {
    /// `None` for `{ required = true }`.
    pub default: Option<String>,
    pub secret: bool,
}

#[derive(Debug, Clone)]
pub struct HttpRoute {
    pub route: String,
    pub component: String,
}

#[derive(Debug, Clone)]
pub struct Component {
    pub id: String,
    /// Absolute path of the `.wasm` file.
    pub source: PathBuf,
    pub key_value_stores: Vec<String>,
    pub sqlite_databases: Vec<String>,
    pub variables: BTreeMap<String, Template>,
    /// `allowed_outbound_hosts`, templates over the application variables.
    pub allowed_outbound_hosts: Vec<Template>,
    pub environment: BTreeMap<String, String>,
    /// `files` mounts as (directory on the host, absolute path in the guest), read-only.
    pub files: Vec<(PathBuf, String)>,
}

impl Manifest {
    /// Reads and checks `spin.toml`, including that every component source exists.
    pub fn load(path: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read Spin manifest {}", path.display()))?;
        let path = std::path::absolute(path)?;
        let dir = path
            .parent()
            .context("manifest path has no parent directory")?;
        let manifest = Manifest::parse(&text, dir)
            .with_context(|| format!("invalid Spin manifest {}", path.display()))?;
        for c in manifest.components.values() {
            ensure!(
                c.source.is_file(),
                "component `{}`: source file {} does not exist (build the components first, \
                 e.g. `cargo build --target wasm32-wasip2 --release`)",
                c.id,
                c.source.display()
            );
        }
        Ok(manifest)
    }

    /// Parses and checks a manifest; `dir` resolves relative paths (sources are not checked).
    pub fn parse(text: &str, dir: &Path) -> Result<Manifest> {
        let raw: RawManifest = toml::from_str(text)?;
        ensure!(
            raw.spin_manifest_version == 2,
            "spin_manifest_version must be 2 (found {})",
            raw.spin_manifest_version
        );

        let mut variables = BTreeMap::new();
        for (name, v) in raw.variables {
            validate_name(&name).map_err(anyhow::Error::msg)?;
            match (&v.default, v.required) {
                (Some(_), true) => {
                    bail!("variable `{name}` has both a default and `required = true`")
                }
                (None, false) => bail!("variable `{name}` needs a default or `required = true`"),
                _ => {}
            }
            variables.insert(
                name,
                Variable {
                    default: v.default,
                    secret: v.secret,
                },
            );
        }

        let mut components = BTreeMap::new();
        for (id, c) in raw.component {
            let source = match c.source {
                toml::Value::String(s) => dir.join(s),
                other => {
                    bail!("component `{id}`: only a local file `source` is supported, not {other}")
                }
            };
            let files = c
                .files
                .iter()
                .map(|f| mount(dir, f))
                .collect::<Result<Vec<_>>>()
                .with_context(|| format!("component `{id}` files"))?;
            for label in c.key_value_stores.iter().chain(&c.sqlite_databases) {
                // Spin refuses to start when a component uses a store or database that no runtime
                // config defines; without one, only "default" exists.
                ensure!(
                    label == DEFAULT_LABEL,
                    "component `{id}` uses store or database `{label}`, which is not defined \
                     (only `default` exists without a runtime config)"
                );
            }
            let mut templates = BTreeMap::new();
            for (name, value) in c.variables {
                validate_name(&name)
                    .map_err(anyhow::Error::msg)
                    .with_context(|| format!("component `{id}`"))?;
                let template = Template::parse(&value)
                    .map_err(anyhow::Error::msg)
                    .with_context(|| format!("component `{id}` variable `{name}`"))?;
                for var in template.variables() {
                    ensure!(
                        variables.contains_key(var),
                        "component `{id}` variable `{name}` refers to unknown variable `{var}`"
                    );
                }
                templates.insert(name, template);
            }
            let mut allowed_outbound_hosts = Vec::new();
            for entry in &c.allowed_outbound_hosts {
                let template = Template::parse(entry)
                    .map_err(anyhow::Error::msg)
                    .with_context(|| format!("component `{id}` allowed_outbound_hosts"))?;
                for var in template.variables() {
                    ensure!(
                        variables.contains_key(var),
                        "component `{id}` allowed_outbound_hosts refers to unknown variable `{var}`"
                    );
                }
                allowed_outbound_hosts.push(template);
            }
            let component = Component {
                id: id.clone(),
                allowed_outbound_hosts,
                source,
                key_value_stores: c.key_value_stores,
                sqlite_databases: c.sqlite_databases,
                variables: templates,
                environment: c.environment,
                files,
            };
            components.insert(id, component);
        }

        let mut routes = Vec::new();
        for t in raw.trigger.http {
            let component = match &t.component {
                toml::Value::String(s) => s.clone(),
                _ => bail!(
                    "trigger `{}`: only a component id is supported",
                    t.route_text()
                ),
            };
            ensure!(
                components.contains_key(&component),
                "trigger `{}` refers to unknown component `{component}`",
                t.route_text()
            );
            match t.route {
                RawRoute::Route(route) => routes.push(HttpRoute { route, component }),
                RawRoute::Private { private: true } => {}
                RawRoute::Private { private: false } => {
                    bail!("route must be a string pattern or `{{ private = true }}` (component `{component}`)")
                }
            }
        }

        Ok(Manifest {
            dir: dir.to_path_buf(),
            name: raw.application.name,
            variables,
            routes,
            components,
        })
    }
}

/// A `files` entry: `{ source = "dir", destination = "/path" }`, or a directory pattern such as
/// `"static"` or `"static/**/*"`, mounted at the same relative path under `/` as Spin does.
fn mount(dir: &Path, entry: &toml::Value) -> Result<(PathBuf, String)> {
    match entry {
        toml::Value::Table(t) => {
            let source = t
                .get("source")
                .and_then(|v| v.as_str())
                .context("`source` missing")?;
            let dest = t
                .get("destination")
                .and_then(|v| v.as_str())
                .context("`destination` missing")?;
            ensure!(dir.join(source).is_dir(), "{source} is not a directory");
            Ok((dir.join(source), dest.to_string()))
        }
        toml::Value::String(pattern) => {
            let d = pattern.trim_end_matches("/**/*").trim_end_matches("/**");
            ensure!(
                !d.contains(['*', '?', '[']) && dir.join(d).is_dir(),
                "only directory patterns are supported by tremplin-host, not `{pattern}`"
            );
            Ok((dir.join(d), format!("/{}", d.trim_start_matches("./"))))
        }
        other => bail!("unsupported `files` entry {other}"),
    }
}

// Unknown keys are ignored: the host reads what it needs and leaves the rest to `spin up`.

#[derive(Deserialize)]
struct RawManifest {
    spin_manifest_version: i64,
    application: RawApplication,
    #[serde(default)]
    variables: BTreeMap<String, RawVariable>,
    #[serde(default)]
    trigger: RawTriggers,
    #[serde(default)]
    component: BTreeMap<String, RawComponent>,
}

#[derive(Deserialize)]
struct RawApplication {
    name: String,
}

#[derive(Deserialize)]
struct RawVariable {
    default: Option<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    secret: bool,
}

#[derive(Deserialize, Default)]
struct RawTriggers {
    #[serde(default)]
    http: Vec<RawHttpTrigger>,
}

#[derive(Deserialize)]
struct RawHttpTrigger {
    route: RawRoute,
    component: toml::Value,
}

impl RawHttpTrigger {
    fn route_text(&self) -> &str {
        match &self.route {
            RawRoute::Route(r) => r,
            RawRoute::Private { .. } => "(private)",
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawRoute {
    Route(String),
    Private { private: bool },
}

#[derive(Deserialize)]
struct RawComponent {
    source: toml::Value,
    #[serde(default)]
    key_value_stores: Vec<String>,
    #[serde(default)]
    sqlite_databases: Vec<String>,
    #[serde(default)]
    variables: BTreeMap<String, String>,
    #[serde(default)]
    allowed_outbound_hosts: Vec<String>,
    #[serde(default)]
    environment: BTreeMap<String, String>,
    #[serde(default)]
    files: Vec<toml::Value>,
}

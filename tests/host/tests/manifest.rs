//! Reading `spin.toml` and resolving variables the way `spin up` does.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use tremplin_host::manifest::Manifest;
use tremplin_host::variables::{self, Error};

const MANIFEST: &str = r#"
spin_manifest_version = 2

[application]
name = "tremplin"
version = "0.1.0"

[variables]
today = { default = "" }
greeting = { default = "bonjour" }
api_key = { required = true, secret = true }

[[trigger.http]]
route = "/api/..."
component = "accounts"

[[trigger.http]]
route = "/api/v1/health"
component = "accounts"

[[trigger.http]]
route = { private = true }
component = "worker"

[component.accounts]
source = "target/wasm32-wasip2/release/accounts.wasm"
key_value_stores = ["default"]
sqlite_databases = ["default"]
allowed_outbound_hosts = []
[component.accounts.variables]
today = "{{ today }}"
motd = "{{greeting}}, {{ today }}!"
fixed = "plain text"
key = "{{ api_key }}"
[component.accounts.build]
command = "cargo build --target wasm32-wasip2 --release -p accounts"

[component.worker]
source = "worker.wasm"
"#;

fn parse(text: &str) -> anyhow::Result<Manifest> {
    Manifest::parse(text, Path::new("/app"))
}

fn error(text: &str) -> String {
    format!("{:#}", parse(text).expect_err("manifest should be refused"))
}

#[test]
fn reads_triggers_components_and_variables() {
    let m = parse(MANIFEST).unwrap();
    assert_eq!(m.name, "tremplin");
    let routes: Vec<_> = m
        .routes
        .iter()
        .map(|r| (r.route.as_str(), r.component.as_str()))
        .collect();
    assert_eq!(
        routes,
        [("/api/...", "accounts"), ("/api/v1/health", "accounts")],
        "private route left out"
    );

    let accounts = &m.components["accounts"];
    assert_eq!(
        accounts.source,
        PathBuf::from("/app/target/wasm32-wasip2/release/accounts.wasm")
    );
    assert_eq!(accounts.key_value_stores, ["default"]);
    assert_eq!(accounts.sqlite_databases, ["default"]);
    assert!(m.components["worker"].key_value_stores.is_empty());

    assert_eq!(m.variables["today"].default.as_deref(), Some(""));
    assert_eq!(m.variables["api_key"].default, None);
    assert!(m.variables["api_key"].secret);
}

#[test]
fn resolves_component_variables_like_spin() {
    let m = parse(MANIFEST).unwrap();
    let c = &m.components["accounts"];
    let resolve = |overrides: &HashMap<String, String>, name: &str| {
        variables::resolve(&m.variables, "accounts", &c.variables, overrides, name)
    };
    let none = HashMap::new();
    assert_eq!(resolve(&none, "fixed"), Ok("plain text".into()));
    assert_eq!(resolve(&none, "motd"), Ok("bonjour, !".into()));
    let today = HashMap::from([("today".to_string(), "2024-02-29".to_string())]);
    assert_eq!(resolve(&today, "motd"), Ok("bonjour, 2024-02-29!".into()));

    assert_eq!(
        resolve(&none, "key"),
        Err(Error::Provider(
            "no provider resolved required variable \"api_key\"".into()
        ))
    );
    assert_eq!(
        resolve(&none, "greeting"),
        Err(Error::Undefined(
            "no variable for \"accounts\".\"greeting\"".into()
        )),
        "an application variable the component does not declare is undefined for it"
    );
    assert!(matches!(
        resolve(&none, "Greeting"),
        Err(Error::InvalidName(_))
    ));
}

#[test]
fn overrides_beat_the_environment_which_beats_defaults() {
    let m = parse(&MANIFEST.replace(
        "greeting = { default",
        "host_test_only = { default = \"x\" }\ngreeting = { default",
    ))
    .unwrap();
    let mut templates = BTreeMap::new();
    templates.insert(
        "v".to_string(),
        tremplin_host::variables::Template::parse("{{ host_test_only }}").unwrap(),
    );
    let resolve = |overrides: &HashMap<String, String>| {
        variables::resolve(&m.variables, "c", &templates, overrides, "v")
    };

    assert_eq!(resolve(&HashMap::new()), Ok("x".into()));
    // Only this test reads SPIN_VARIABLE_HOST_TEST_ONLY.
    std::env::set_var("SPIN_VARIABLE_HOST_TEST_ONLY", "from-env");
    assert_eq!(resolve(&HashMap::new()), Ok("from-env".into()));
    let overrides = HashMap::from([("host_test_only".to_string(), "explicit".to_string())]);
    assert_eq!(resolve(&overrides), Ok("explicit".into()));
    std::env::remove_var("SPIN_VARIABLE_HOST_TEST_ONLY");
}

#[test]
fn refuses_what_spin_refuses() {
    let base = "spin_manifest_version = 2\n[application]\nname = \"x\"\n";
    let with = |rest: &str| format!("{base}{rest}");

    assert!(
        error("spin_manifest_version = \"1\"\n[application]\nname = \"x\"\n")
            .contains("spin_manifest_version")
    );
    assert!(error(&with("[variables]\nv = {}\n")).contains("needs a default or `required = true`"));
    assert!(error(&with(
        "[variables]\nv = { default = \"a\", required = true }\n"
    ))
    .contains("both"));
    assert!(error(&with("[variables]\nBad = { default = \"a\" }\n")).contains("lower-case"));
    assert!(error(&with(
        "[[trigger.http]]\nroute = \"/...\"\ncomponent = \"ghost\"\n"
    ))
    .contains("unknown component `ghost`"));
    assert!(error(&with(
        "[component.a]\nsource = \"a.wasm\"\nkey_value_stores = [\"cache\"]\n"
    ))
    .contains("`cache`"));
    assert!(error(&with(
        "[component.a]\nsource = \"a.wasm\"\nsqlite_databases = [\"other\"]\n"
    ))
    .contains("`other`"));
    assert!(error(&with(
        "[component.a]\nsource = \"a.wasm\"\n[component.a.variables]\nx = \"{{ nope }}\"\n"
    ))
    .contains("unknown variable `nope`"));
    assert!(error(&with(
        "[component.a]\nsource = \"a.wasm\"\n[component.a.variables]\nx = \"{{ open\"\n"
    ))
    .contains("unclosed"));
    assert!(error(&with(
        "[component.a]\nsource = { url = \"https://x/a.wasm\", digest = \"sha256:0\" }\n"
    ))
    .contains("local file"));
}

#[test]
fn a_missing_component_file_is_an_error_naming_it() {
    let dir = std::env::temp_dir().join(format!("tremplin-host-manifest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("spin.toml");
    std::fs::write(&path, MANIFEST).unwrap();
    let err = format!(
        "{:#}",
        Manifest::load(&path).expect_err("sources do not exist")
    );
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        err.contains("target/wasm32-wasip2/release/accounts.wasm")
            && err.contains("does not exist"),
        "{err}"
    );
}

#[test]
fn files_are_read_only_directory_mounts() {
    let dir = std::env::temp_dir().join(format!("tremplin-host-files-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("static/css")).unwrap();
    let manifest = |files: &str| {
        format!("spin_manifest_version = 2\n[application]\nname = \"x\"\n[component.a]\nsource = \"a.wasm\"\nfiles = {files}\n")
    };
    let m = Manifest::parse(
        &manifest(r#"[{ source = "static", destination = "/assets" }, "static/css/**/*"]"#),
        &dir,
    )
    .unwrap();
    assert_eq!(
        m.components["a"].files,
        [
            (dir.join("static"), "/assets".to_string()),
            (dir.join("static/css"), "/static/css".to_string())
        ]
    );
    let err = format!(
        "{:#}",
        Manifest::parse(&manifest(r#"["static/*.txt"]"#), &dir).unwrap_err()
    );
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(err.contains("only directory patterns"), "{err}");
}

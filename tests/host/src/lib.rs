//! An in-process stand-in for `spin up`: it runs the app's unmodified spin-sdk components
//! (`wasi:http/incoming-handler@0.2.0`) with Wasmtime, routes requests the way Spin does, and
//! provides Spin's key-value, SQLite and variables interfaces over the same files in the same
//! state directory (see /work/shared/SPIN.md for the behaviour mirrored here).
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let runtime = tremplin_host::Runtime::load("spin.toml".as_ref())?; // compiles once
//! let app = tremplin_host::App::new(runtime, "/tmp/state".into(), Default::default())?;
//! let req = http::Request::get("/api/v1/health").body(Vec::new())?;
//! let resp = app.handle(req, "127.0.0.1:50000".parse()?).await?;
//! # Ok(()) }
//! ```

mod cache;
mod key_value;
pub mod manifest;
pub mod outbound;
pub mod router;
mod server;
mod sqlite;
pub mod variables;

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use wasmtime::component::{Component, HasSelf, Linker, ResourceTable};
use wasmtime::{Engine, Store};
use wasmtime_wasi::cli::OutputFile;
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView};

pub use manifest::Manifest;
pub use router::{RouteMatch, Router};

mod bindings {
    wasmtime::component::bindgen!({
        path: "wit",
        world: "tremplin:host/spin-host",
        imports: { default: async | trappable },
        with: {
            "fermyon:spin/key-value.store": crate::key_value::KvStore,
            "fermyon:spin/sqlite.connection": crate::sqlite::Connection,
            "spin:sqlite/sqlite.connection": crate::sqlite::Connection,
        },
        anyhow: true,
    });
}

/// The compiled app: engine, manifest, router and one pre-linked instance template per
/// component. Load it once per process and share it.
pub struct Runtime {
    engine: Engine,
    manifest: Manifest,
    router: Router,
    components: HashMap<String, Loaded>,
}

struct Loaded {
    info: Arc<manifest::Component>,
    pre: ProxyPre<State>,
}

impl Runtime {
    /// Reads `spin.toml` and compiles every component (or loads it from the on-disk cache).
    pub fn load(manifest_path: &Path) -> Result<Arc<Runtime>> {
        let manifest = Manifest::load(manifest_path)?;
        let router = Router::build(
            manifest
                .routes
                .iter()
                .map(|r| (r.component.as_str(), r.route.as_str())),
        )?;

        let engine = Engine::new(&wasmtime::Config::new())?;
        let mut linker = Linker::<State>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
        bindings::SpinHost::add_to_linker::<State, HasSelf<State>>(&mut linker, |state| state)?;

        let mut compiled: HashMap<PathBuf, Component> = HashMap::new(); // components may share a .wasm
        let mut components = HashMap::new();
        for (id, info) in &manifest.components {
            let component = match compiled.get(&info.source) {
                Some(component) => component.clone(),
                None => cache::load_component(&engine, &info.source)?,
            };
            compiled.insert(info.source.clone(), component.clone());
            let pre = linker
                .instantiate_pre(&component)
                .and_then(ProxyPre::new)
                .map_err(anyhow::Error::from)
                .with_context(|| {
                    format!("cannot link component `{id}` ({})", info.source.display())
                })?;
            components.insert(
                id.clone(),
                Loaded {
                    info: Arc::new(info.clone()),
                    pre,
                },
            );
        }
        Ok(Arc::new(Runtime {
            engine,
            manifest,
            router,
            components,
        }))
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub fn router(&self) -> &Router {
        &self.router
    }
}

/// A running app: a [`Runtime`] plus its state directory and variable overrides. Cheap to clone;
/// requests may be handled concurrently, each in a fresh instance.
#[derive(Clone)]
pub struct App {
    inner: Arc<AppInner>,
}

struct AppInner {
    runtime: Arc<Runtime>,
    state_dir: PathBuf,
    variables: HashMap<String, String>,
    key_value: Option<key_value::Db>,
    /// Component id → (stdout, stderr) log files, opened for appending.
    logs: HashMap<String, (OutputFile, OutputFile)>,
}

impl AppInner {
    fn sqlite_path(&self) -> PathBuf {
        self.state_dir.join("sqlite_db.db")
    }

    fn key_value(&self) -> Option<key_value::Db> {
        self.key_value.clone()
    }
}

impl App {
    /// Prepares `state_dir` like `spin up --state-dir`: `sqlite_db.db` and `sqlite_key_value.db`
    /// when a component declares them, and `logs/<component>_stdout.txt` / `_stderr.txt`.
    /// `variables` override the environment (`SPIN_VARIABLE_*`) and the manifest defaults.
    pub fn new(
        runtime: Arc<Runtime>,
        state_dir: PathBuf,
        variables: HashMap<String, String>,
    ) -> Result<App> {
        let logs_dir = state_dir.join("logs");
        std::fs::create_dir_all(&logs_dir)
            .with_context(|| format!("cannot create {}", logs_dir.display()))?;
        let components = runtime.manifest.components.values();
        let key_value = match components.clone().any(|c| !c.key_value_stores.is_empty()) {
            true => Some(key_value::Db::open(&state_dir.join("sqlite_key_value.db"))?),
            false => None,
        };
        if components.clone().any(|c| !c.sqlite_databases.is_empty()) {
            rusqlite::Connection::open(state_dir.join("sqlite_db.db"))?;
        }
        let mut logs = HashMap::new();
        for id in runtime.manifest.components.keys() {
            let open = |suffix: &str| -> Result<OutputFile> {
                let path = logs_dir.join(format!("{id}_{suffix}.txt"));
                let file = std::fs::File::options()
                    .create(true)
                    .append(true)
                    .open(&path);
                Ok(OutputFile::new(file.with_context(|| {
                    format!("cannot open {}", path.display())
                })?))
            };
            logs.insert(id.clone(), (open("stdout")?, open("stderr")?));
        }
        Ok(App {
            inner: Arc::new(AppInner {
                runtime,
                state_dir,
                variables,
                key_value,
                logs,
            }),
        })
    }

    pub fn state_dir(&self) -> &Path {
        &self.inner.state_dir
    }

    pub fn runtime(&self) -> &Arc<Runtime> {
        &self.inner.runtime
    }

    /// Handles one request as `spin up` would: 404 with an empty body when no route matches, the
    /// component's response otherwise, 500 with an empty body when the component traps before
    /// responding. An error means the response could not be completed (Spin drops the connection).
    pub async fn handle(
        &self,
        req: http::Request<Vec<u8>>,
        client_addr: SocketAddr,
    ) -> Result<http::Response<Vec<u8>>> {
        let runtime = &self.inner.runtime;
        let (mut parts, body) = req.into_parts();
        // Spin answers these itself, before routing (`/info` is not mirrored: 404).
        if let Some(well_known) = parts.uri.path().strip_prefix("/.well-known/spin/") {
            return Ok(match well_known {
                "health" => http::Response::new(b"OK".to_vec()),
                _ => empty_response(http::StatusCode::NOT_FOUND),
            });
        }
        let Some(route) = runtime.router.route(parts.uri.path()) else {
            return Ok(empty_response(http::StatusCode::NOT_FOUND));
        };
        let component = runtime
            .components
            .get(&route.component_id)
            .context("routed to an unknown component")?;

        // wasi-http needs an authority: take the Host header, else the URI's, else "localhost".
        let host = match parts.headers.get(http::header::HOST) {
            Some(host) => host
                .to_str()
                .context("Host header is not valid UTF-8")?
                .to_string(),
            None => {
                let host = parts
                    .uri
                    .authority()
                    .map_or("localhost".to_string(), |a| a.to_string());
                parts.headers.insert(http::header::HOST, host.parse()?);
                host
            }
        };
        let path_and_query = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let full_url = format!("http://{host}{path_and_query}");
        parts.uri = full_url.parse().context("invalid request URI")?;
        // Like Spin's trigger (`HeaderMap::insert`): a client-sent `spin-*` value is replaced.
        for (name, value) in route.spin_headers(&full_url, client_addr) {
            parts.headers.insert(
                http::HeaderName::try_from(name)?,
                http::HeaderValue::try_from(value)?,
            );
        }
        let body = Full::new(Bytes::from(body))
            .map_err(|never: Infallible| -> wasmtime_wasi_http::Error { match never {} });
        self.call(component, http::Request::from_parts(parts, body))
            .await
    }

    async fn call<B>(
        &self,
        component: &Loaded,
        req: http::Request<B>,
    ) -> Result<http::Response<Vec<u8>>>
    where
        B: hyper::body::Body<Data = Bytes, Error = wasmtime_wasi_http::Error> + Send + 'static,
    {
        let id = component.info.id.clone();
        let mut store = Store::new(
            &self.inner.runtime.engine,
            State::new(&self.inner, &component.info)?,
        );
        let request = store
            .data_mut()
            .http()
            .new_incoming_request(Scheme::Http, req)?;
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let response = store.data_mut().http().new_response_outparam(sender)?;
        let pre = component.pre.clone();
        let guest = tokio::spawn(async move {
            let proxy = pre.instantiate_async(&mut store).await?;
            proxy
                .wasi_http_incoming_handler()
                .call_handle(&mut store, request, response)
                .await
        });

        let response = match receiver.await {
            Ok(Ok(response)) => response,
            outcome => {
                let error = match guest.await {
                    Ok(Err(e)) => format!("{e:?}"),
                    Err(e) => format!("guest invocation panicked: {e}"),
                    Ok(Ok(())) => match outcome {
                        Ok(Err(code)) => format!("guest responded with error code {code:?}"),
                        _ => "guest failed to produce a response prior to returning".to_string(),
                    },
                };
                // Like Spin: the error goes to the host's log, the client gets an empty 500.
                eprintln!("tremplin-host: error processing request for component `{id}`: {error}");
                return Ok(empty_response(http::StatusCode::INTERNAL_SERVER_ERROR));
            }
        };
        let (parts, body) = response.into_parts();
        let body = body.collect().await;
        // Like Spin, the answer goes out once its body is complete; the guest may go on working
        // after it (the outbox delivers e-mail then) until its handler returns.
        let log_id = id.clone();
        tokio::spawn(async move {
            match guest.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => eprintln!(
                    "tremplin-host: component `{log_id}` failed after its response started: {e:?}"
                ),
                Err(e) => eprintln!(
                    "tremplin-host: component `{log_id}` panicked after its response started: {e:?}"
                ),
            }
        });
        let body = body.map_err(|e| anyhow!("component `{id}`: response body failed: {e:?}"))?;
        Ok(http::Response::from_parts(parts, body.to_bytes().to_vec()))
    }
}

fn empty_response(status: http::StatusCode) -> http::Response<Vec<u8>> {
    let mut response = http::Response::new(Vec::new());
    *response.status_mut() = status;
    response
}

/// The data of one request's `Store`.
struct State {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    hooks: Outbound,
    app: Arc<AppInner>,
    component: Arc<manifest::Component>,
}

impl State {
    fn new(app: &Arc<AppInner>, component: &Arc<manifest::Component>) -> Result<State> {
        let mut wasi = WasiCtxBuilder::new();
        wasi.envs(&component.environment.iter().collect::<Vec<_>>());
        if let Some((stdout, stderr)) = app.logs.get(&component.id) {
            wasi.stdout(stdout.clone()).stderr(stderr.clone());
        }
        for (dir, guest_path) in &component.files {
            wasi.preopened_dir(dir, guest_path, FsPerms::ReadOnly)?;
        }
        Ok(State {
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            hooks: Outbound::for_component(app, component)?,
            app: app.clone(),
            component: component.clone(),
        })
    }
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for State {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

/// Outbound HTTP to the component's `allowed_outbound_hosts` only, as Spin does; refused
/// for anything else (and for every request of a component that lists none).
struct Outbound {
    allowed: Vec<outbound::AllowedOrigin>,
}

impl Outbound {
    fn for_component(app: &AppInner, component: &manifest::Component) -> Result<Outbound> {
        let allowed = component
            .allowed_outbound_hosts
            .iter()
            .map(|template| {
                let entry =
                    variables::render(template, &app.runtime.manifest.variables, &app.variables)
                        .map_err(|e| {
                            anyhow!("component `{}` allowed_outbound_hosts: {e:?}", component.id)
                        })?;
                outbound::AllowedOrigin::parse(&entry).map_err(anyhow::Error::msg)
            })
            .collect::<Result<_>>()?;
        Ok(Outbound { allowed })
    }
}

type HttpFuture<T> = Box<dyn Future<Output = wasmtime_wasi_http::Result<T>> + Send>;

impl WasiHttpHooks for Outbound {
    fn send_request(
        &mut self,
        request: http::Request<wasmtime_wasi_http::WasiBody>,
        _options: Option<wasmtime_wasi_http::RequestOptions>,
        _fut: HttpFuture<()>,
    ) -> HttpFuture<(http::Response<wasmtime_wasi_http::WasiBody>, HttpFuture<()>)> {
        if !self
            .allowed
            .iter()
            .any(|origin| origin.allows(request.uri()))
        {
            eprintln!(
                "tremplin-host: outbound request to {} denied (not in allowed_outbound_hosts)",
                request.uri()
            );
            return Box::new(async { Err(wasmtime_wasi_http::Error::HttpRequestDenied) });
        }
        Box::new(async move {
            let response = outbound::send(request).await?;
            Ok((response, Box::new(async { Ok(()) }) as HttpFuture<()>))
        })
    }
}

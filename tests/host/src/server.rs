//! The HTTP/1.1 listener of `tremplin-host`, a hyper server in front of [`App::handle`].

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};

use crate::App;

impl App {
    /// Serves HTTP/1.1 on `addr` until Ctrl-C or SIGTERM, printing `Serving http://<addr>` once
    /// listening (the Makefile waits for that line).
    pub async fn serve(self, addr: SocketAddr) -> Result<()> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let base = format!("http://{}", listener.local_addr()?);
        println!("Serving {base}");
        println!("Available Routes:");
        for r in &self.inner.runtime.manifest.routes {
            match r.route.strip_suffix("/...") {
                Some(prefix) => println!("  {}: {base}{prefix} (wildcard)", r.component),
                None => println!("  {}: {base}{}", r.component, r.route),
            }
        }
        self.serve_listener(listener, shutdown_signal()).await
    }

    /// Serves HTTP/1.1 on `listener` until `shutdown` completes, then lets open connections finish
    /// their current request (for up to 5 s).
    pub async fn serve_listener(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()>,
    ) -> Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(());
        let mut connections = tokio::task::JoinSet::new();
        tokio::pin!(shutdown);
        loop {
            let (stream, client_addr) = tokio::select! {
                _ = &mut shutdown => break,
                Some(_) = connections.join_next(), if !connections.is_empty() => continue,
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        eprintln!("tremplin-host: accept failed: {e}");
                        continue;
                    }
                },
            };
            let app = self.clone();
            let mut stopped = stopped.clone();
            connections.spawn(async move {
                let service = hyper::service::service_fn(move |req| {
                    app.clone().serve_request(req, client_addr)
                });
                let io = wasmtime_wasi_http::io::TokioIo::new(stream);
                let conn = hyper::server::conn::http1::Builder::new().serve_connection(io, service);
                tokio::pin!(conn);
                let result = tokio::select! {
                    result = conn.as_mut() => result,
                    _ = stopped.changed() => {
                        conn.as_mut().graceful_shutdown();
                        conn.await
                    }
                };
                if let Err(e) = result {
                    eprintln!("tremplin-host: connection from {client_addr}: {e}");
                }
            });
        }
        drop(listener);
        let _ = stop.send(());
        let _ = tokio::time::timeout(Duration::from_secs(5), async {
            while connections.join_next().await.is_some() {}
        })
        .await;
        Ok(())
    }

    async fn serve_request(
        self,
        req: http::Request<hyper::body::Incoming>,
        client_addr: SocketAddr,
    ) -> Result<http::Response<Full<Bytes>>> {
        let (parts, body) = req.into_parts();
        let body = body.collect().await?.to_bytes().to_vec();
        let response = self
            .handle(http::Request::from_parts(parts, body), client_addr)
            .await?;
        Ok(response.map(|body| Full::new(Bytes::from(body))))
    }
}

async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

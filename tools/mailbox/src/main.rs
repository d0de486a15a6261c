//! `tremplin-mailbox --listen 127.0.0.1:3025`: the local e-mail sink `make run` starts.

use anyhow::Context;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let listen = match (args.next().as_deref(), args.next()) {
        (Some("--listen"), Some(address)) => address,
        _ => anyhow::bail!("usage: tremplin-mailbox --listen <address:port>"),
    };
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let (_, address) = tremplin_mailbox::Mailbox::spawn(listener);
    println!("Boîte de réception locale : http://{address}/");
    tokio::signal::ctrl_c().await?;
    Ok(())
}

//! On-disk cache of compiled components, so that only the first run after a `.wasm` changes pays
//! for Cranelift. Entries are keyed by the SHA-256 of the `.wasm` and of the engine's
//! compatibility hash; Wasmtime itself rejects an incompatible artifact, which is then recompiled.
//!
//! Directory: `$TREMPLIN_HOST_CACHE_DIR`, else `$XDG_CACHE_HOME/tremplin-host`, else
//! `~/.cache/tremplin-host`. `TREMPLIN_HOST_CACHE_DIR=off` disables the cache.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::Engine;

/// Entries kept; the least recently used beyond this are deleted.
const MAX_ENTRIES: usize = 64;

pub fn load_component(engine: &Engine, path: &Path) -> Result<Component> {
    let wasm = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let compile = || {
        Component::from_binary(engine, &wasm)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("cannot compile {}", path.display()))
    };
    let Some(dir) = cache_dir() else {
        return compile();
    };

    let mut engine_hash = DefaultHasher::new();
    engine
        .precompile_compatibility_hash()
        .hash(&mut engine_hash);
    let key = Sha256::new()
        .chain_update(&wasm)
        .chain_update(engine_hash.finish().to_le_bytes())
        .finalize();
    let entry = dir.join(format!("{key:x}.cwasm"));

    if entry.is_file() {
        // SAFETY: the file was written by `Component::serialize` below, under a name that hashes
        // both the input and the engine configuration; Wasmtime checks its header again.
        if let Ok(component) = unsafe { Component::deserialize_file(engine, &entry) } {
            let _ = std::fs::File::options()
                .append(true)
                .open(&entry)
                .and_then(|f| f.set_modified(SystemTime::now()));
            return Ok(component);
        }
    }
    let component = compile()?;
    if let Err(e) = store(&dir, &entry, &component) {
        eprintln!(
            "tremplin-host: cannot cache the compiled component in {}: {e:#}",
            dir.display()
        );
    }
    Ok(component)
}

fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("TREMPLIN_HOST_CACHE_DIR") {
        return (dir != "off" && !dir.is_empty()).then(|| PathBuf::from(dir));
    }
    let base = match std::env::var_os("XDG_CACHE_HOME") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from(std::env::var_os("HOME")?).join(".cache"),
    };
    Some(base.join("tremplin-host"))
}

/// Writes atomically (temp file + rename): several test processes may compile at once.
fn store(dir: &Path, entry: &Path, component: &Component) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let bytes = component.serialize()?;
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)?
        .subsec_nanos();
    let tmp = dir.join(format!(".{}-{nanos}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, entry)?;
    prune(dir)
}

fn prune(dir: &Path) -> Result<()> {
    let mut entries: Vec<(SystemTime, PathBuf)> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "cwasm"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if entries.len() > MAX_ENTRIES {
        entries.sort();
        for (_, path) in &entries[..entries.len() - MAX_ENTRIES] {
            let _ = std::fs::remove_file(path);
        }
    }
    Ok(())
}

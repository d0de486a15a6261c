//! Embeds every file of `static/` into the component, so it serves the forms with no file mount
//! (the same `.wasm` runs under `spin up`, Fermyon Cloud and the test host).

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("static/ is readable")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../static")
        .canonicalize()
        .expect("static/ exists");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &mut files);
    let mut table = String::from("pub const FILES: &[(&str, &[u8])] = &[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let route = file
            .strip_prefix(&root)
            .expect("under static/")
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(
            table,
            "    (\"/{route}\", include_bytes!({:?})),",
            file.display().to_string()
        )
        .expect("write");
    }
    table.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("static_files.rs");
    std::fs::write(out, table).expect("write static_files.rs");
}

//! Compiles every vendor pack under `rules/` into the binary: adding a vendor is adding a file.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed={}", rules.display());
    let mut packs: Vec<_> = std::fs::read_dir(&rules)
        .expect("rules/ exists")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    packs.sort();
    let mut code = String::from(
        "/// Shipped packs: (file name, contents), sorted by file name.\npub const SHIPPED: &[(&str, &str)] = &[\n",
    );
    for path in &packs {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("UTF-8 file name");
        let _ = writeln!(
            code,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("shipped_packs.rs");
    std::fs::write(out, code).expect("write shipped_packs.rs");
}

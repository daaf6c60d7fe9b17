//! Embeds `rules/` into the library so the binary works from any directory.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    let mut out = String::new();
    for (name, doc, suffix) in [
        ("FILES", "The shipped rule files", ".rules"),
        ("TESTS", "The shipped rules' test files", ".test.toml"),
        ("SCRIPTS", "The shipped hook scripts", ".rhai"),
    ] {
        let _ = writeln!(out, "/// {doc}: (path relative to rules/, text).");
        let _ = writeln!(out, "pub static {name}: &[(&str, &str)] = &[");
        for rel in files.iter().filter(|f| f.ends_with(suffix)) {
            let full = root.join(rel);
            let _ = writeln!(
                out,
                "    ({rel:?}, include_str!({:?})),",
                full.display().to_string()
            );
        }
        out.push_str("];\n");
    }
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo"))
        .join("embedded_rules.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        println!("cargo:rerun-if-changed={}", p.display());
        if p.is_dir() {
            collect(root, &p, out);
        } else if p
            .extension()
            .is_some_and(|x| x == "rules" || x == "toml" || x == "rhai")
            && let Ok(rel) = p.strip_prefix(root)
        {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

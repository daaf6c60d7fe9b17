//! The committed header `include/caliper.h` is what cbindgen makes from the sources today.

use std::path::Path;

#[test]
fn header_is_current() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("bindings/c/cbindgen.toml is readable");
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen reads the crate")
        .write(&mut generated);
    let generated = String::from_utf8(generated).expect("cbindgen writes UTF-8");
    let path = crate_dir.join("include/caliper.h");
    if std::env::var_os("CALIPER_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("include/caliper.h is writable");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/caliper.h is stale: run `CALIPER_BLESS=1 cargo test -p caliper-ffi --test header`"
    );
}

//! The Java binding (`bindings/java`, JNA over the C ABI), compiled with the machine's `javac`
//! against Debian's `libjna-java` and run: the 20 cases give the library's decisions byte for
//! byte, and the reviews of proposed decisions likewise, four threads sharing one `Rules` agree, and hostile inputs give error documents.
//! CI installs the JDK and JNA; on a machine without them the test says so and passes.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's JNA, or the jar named by `JNA_JAR`.
fn jna_jar() -> PathBuf {
    std::env::var_os("JNA_JAR")
        .map_or_else(|| PathBuf::from("/usr/share/java/jna.jar"), PathBuf::from)
}

#[test]
fn java_gives_the_same_decisions() {
    let jar = jna_jar();
    if !common::have("javac") || !jar.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "javac and {} are required in CI (.ci/run installs them)",
            jar.display()
        );
        eprintln!("javac or JNA is not installed: skipped");
        return;
    }
    let java_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../java");
    let dir = common::scratch("java");
    let classes = dir.join("classes");
    let mut sources = Vec::new();
    for sub in ["src/caliper", "test/caliper"] {
        for e in std::fs::read_dir(java_dir.join(sub)).expect("bindings/java is readable") {
            sources.push(e.expect("bindings/java lists").path());
        }
    }
    let out = Command::new("javac")
        .args(["-encoding", "UTF-8", "-Xlint:all", "-Werror", "-d"])
        .arg(&classes)
        .arg("-cp")
        .arg(&jar)
        .args(&sources)
        .output()
        .expect("javac runs");
    assert!(
        out.status.success(),
        "javac failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cases = common::cases();
    let requests = common::review_requests(&cases);
    let mut expected = common::rust_decisions(&cases);
    expected.extend(common::rust_reviews(&requests));
    let file = common::write_cases(&dir, &cases);
    let requests_file = common::write_lines(&dir, "requests.jsonl", &requests);
    let out = Command::new("java")
        .arg("-cp")
        .arg(format!("{}:{}", jar.display(), classes.display()))
        .arg(format!(
            "-Djna.library.path={}",
            common::lib_dir().display()
        ))
        .arg("caliper.BindingTest")
        .arg(&file)
        .arg(&requests_file)
        .output()
        .expect("java runs");
    assert!(
        out.status.success(),
        "the Java test failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    common::assert_same("Java", &String::from_utf8_lossy(&out.stdout), &expected);
}

//! `包含` and `脚本` paths stay inside the rule set's directory: absolute paths, `..` past the
//! root, symlinks out of the tree and files that are not regular are refused before anything is
//! read, and nothing of such a file is echoed. `fmt` and `test` do not follow symlinks out of
//! the tree or round loops.

use caliper::Rules;
use std::path::{Path, PathBuf};
use std::process::Command;

const MAIN: &str = r#"规则集 "路径" {
    版本 "1"
    施行 2025-01-01
}
事实 party_type 选项 { individual "公民", unit "法人或者其他组织" } "当事人类型"
违法行为 YL-1 "乱倒垃圾" {
    依据 "《样例条例》第二条"
    罚款 ..200
}
"#;

/// A fresh directory under the system's temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("caliper-paths-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// Loads `dir` and returns the diagnostics rendered, with their codes.
fn load_err(dir: &Path) -> (Vec<String>, String) {
    match Rules::load(dir) {
        Ok(_) => panic!("{} must not load", dir.display()),
        Err(e) => (
            e.diagnostics
                .iter()
                .map(|d| d.code.as_str().to_string())
                .collect(),
            caliper::diag::render_plain(&e.diagnostics, &e.sources),
        ),
    }
}

/// A secret outside the rule set, whose text must never appear in a diagnostic.
const SECRET: &str = "违法行为 SECRET_TOKEN_7f3a";

#[test]
fn absolute_and_escaping_includes_are_refused_unread() {
    let outside = scratch("outside");
    std::fs::write(outside.join("secret.rules"), SECRET).expect("write");
    let dir = scratch("absolute");
    let abs = outside.join("secret.rules");
    let text = format!(
        "{MAIN}包含 \"{}\"\n包含 \"/{}\"\n包含 \"../caliper-paths-{}-outside/secret.rules\"\n包含 \"a/../../x.rules\"\n",
        abs.display(),
        abs.display(),
        std::process::id()
    );
    std::fs::write(dir.join("main.rules"), text).expect("write");
    let (codes, rendered) = load_err(&dir);
    assert_eq!(codes, vec!["M0229"; 4], "{rendered}");
    assert!(!rendered.contains("SECRET_TOKEN"), "{rendered}");
}

#[test]
fn special_files_are_refused_not_read() {
    // /proc/self/environ would print the environment; /dev/zero reads until memory runs out;
    // /dev/stdin hangs. As absolute paths they are refused outright…
    let dir = scratch("special");
    let text = format!(
        "{MAIN}包含 \"/proc/self/environ\"\n包含 \"/dev/zero\"\n包含 \"/dev/stdin\"\n钩子 H-1 \"t\" {{ 适用 YL-1 时点 结果之后 脚本 \"/dev/zero\" 依据 \"x\" }}\n"
    );
    std::fs::write(dir.join("main.rules"), text).expect("write");
    let (codes, rendered) = load_err(&dir);
    assert!(
        codes.iter().all(|c| c == "M0229") && codes.len() == 4,
        "{rendered}"
    );
    assert!(!rendered.contains("PATH="), "{rendered}");
    // …and through a symlink inside the tree, too.
    #[cfg(unix)]
    {
        let dir = scratch("special-links");
        std::os::unix::fs::symlink("/dev/zero", dir.join("zero.rules")).expect("symlink");
        std::os::unix::fs::symlink("/proc/self/environ", dir.join("env.rules")).expect("symlink");
        let text = format!("{MAIN}包含 \"zero.rules\"\n包含 \"env.rules\"\n");
        std::fs::write(dir.join("main.rules"), text).expect("write");
        let (codes, rendered) = load_err(&dir);
        assert_eq!(codes, vec!["M0229"; 2], "{rendered}");
        assert!(!rendered.contains("PATH="), "{rendered}");
    }
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_tree_are_refused_and_inside_ones_followed() {
    let outside = scratch("link-target");
    std::fs::write(outside.join("secret.rules"), SECRET).expect("write");
    let dir = scratch("links");
    std::os::unix::fs::symlink(outside.join("secret.rules"), dir.join("out.rules"))
        .expect("symlink");
    std::os::unix::fs::symlink(&outside, dir.join("outdir")).expect("symlink");
    std::fs::write(
        dir.join("main.rules"),
        format!("{MAIN}包含 \"out.rules\"\n包含 \"outdir/secret.rules\"\n"),
    )
    .expect("write");
    let (codes, rendered) = load_err(&dir);
    assert_eq!(codes, vec!["M0229"; 2], "{rendered}");
    assert!(!rendered.contains("SECRET_TOKEN"), "{rendered}");

    // A link that stays inside the tree is an ordinary file.
    let dir = scratch("inside-link");
    std::fs::create_dir_all(dir.join("lists")).expect("mkdir");
    std::fs::write(
        dir.join("lists/real.rules"),
        "违法行为 YL-2 \"乱扔\" {\n    依据 \"x\"\n    罚款 ..100\n}\n",
    )
    .expect("write");
    std::os::unix::fs::symlink("lists/real.rules", dir.join("alias.rules")).expect("symlink");
    std::fs::write(
        dir.join("main.rules"),
        format!("{MAIN}包含 \"alias.rules\"\n"),
    )
    .expect("write");
    let rules = Rules::load(&dir).expect("an inside link loads");
    assert!(rules.model().violation_index.contains_key("YL-2"));
}

#[test]
fn a_file_above_the_size_limit_is_refused() {
    let dir = scratch("big");
    let big = "# 注释\n".repeat(caliper::limits::FILE_BYTES / 8 + 10);
    std::fs::write(dir.join("big.rules"), big).expect("write");
    std::fs::write(
        dir.join("main.rules"),
        format!("{MAIN}包含 \"big.rules\"\n"),
    )
    .expect("write");
    let (codes, rendered) = load_err(&dir);
    assert_eq!(codes, vec!["M0230"], "{rendered}");
    assert!(rendered.contains("单个文件大小上限"), "{rendered}");
}

#[test]
fn includes_deeper_than_the_limit_are_refused() {
    let mut files = vec![(
        "main.rules".to_string(),
        format!("{MAIN}包含 \"f1.rules\"\n"),
    )];
    for i in 1..=40 {
        files.push((
            format!("f{i}.rules"),
            format!("包含 \"f{}.rules\"\n", i + 1),
        ));
    }
    files.push(("f41.rules".to_string(), String::new()));
    let e = Rules::from_sources(&files, "main.rules").expect_err("too deep");
    let rendered = caliper::diag::render_plain(&e.diagnostics, &e.sources);
    assert_eq!(e.diagnostics.len(), 1, "{rendered}");
    assert_eq!(e.diagnostics[0].code.as_str(), "M0230");
    assert!(rendered.contains("包含深度上限"), "{rendered}");
}

fn caliper() -> Command {
    Command::new(env!("CARGO_BIN_EXE_caliper"))
}

#[cfg(unix)]
#[test]
fn fmt_and_test_do_not_follow_links_out_of_the_tree_or_round_loops() {
    let outside = scratch("fmt-outside");
    // Badly laid out, so `fmt` would rewrite it if it reached it.
    std::fs::write(outside.join("victim.rules"), "事实   x   布尔   \"x\"\n").expect("write");
    std::fs::write(outside.join("victim.test.toml"), "not toml [[[").expect("write");
    let dir = scratch("fmt-tree");
    std::fs::write(dir.join("main.rules"), MAIN).expect("write");
    std::os::unix::fs::symlink(&outside, dir.join("elsewhere")).expect("symlink");
    std::os::unix::fs::symlink(".", dir.join("self")).expect("symlink");
    std::os::unix::fs::symlink(&dir, dir.join("again")).expect("symlink");

    let out = caliper().arg("fmt").arg(&dir).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 个文件"), "{stderr}");
    assert!(stderr.contains("不予跟随"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(outside.join("victim.rules")).expect("read"),
        "事实   x   布尔   \"x\"\n",
        "fmt rewrote a file outside the tree"
    );

    let out = caliper().arg("test").arg(&dir).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("没有测试文件"), "{stderr}");
    assert!(
        !stderr.contains("victim"),
        "test read a file outside the tree: {stderr}"
    );
}

#[cfg(unix)]
#[test]
fn eval_reads_no_more_of_a_case_than_a_case_may_have() {
    // /dev/zero once read until memory ran out.
    let out = caliper()
        .args(["eval", "/dev/zero"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("E0506"), "{stdout}");
}

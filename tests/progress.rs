//! Progress bars: drawn on standard error when it is a terminal (under `script`, a
//! pseudo-terminal), with the rate and the time left; nothing when it is piped or with --quiet.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_raci-sim");

fn temp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("raci-sim-progress-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

const STUDY: &str = r#"Study(
    name: "progress",
    models: ["split-iam-security", "hub-and-spoke"],
    scenarios: ["replayed-token"],
    runs: 400,
    sweep: [(parameter: TeamStaff(team: "soc"), values: [1, 3])],
    gates: [(metric: MissedRevocationRate, at_most: 1.0)],
)"#;

/// The command lines of every command that simulates or merges, run in `dir`.
fn commands() -> Vec<String> {
    vec![
        format!("{BIN} run replayed-token --model split-iam-security --runs 4000"),
        format!("{BIN} compare --runs 300 --scenarios replayed-token --out cmp"),
        format!("{BIN} study study.ron --out whole"),
        format!("{BIN} check study.ron --out checked"),
        format!("{BIN} study study.ron --shard 1/2 --out s1"),
        format!("{BIN} study study.ron --shard 2/2 --out s2"),
        format!("{BIN} merge s1 s2 --out merged"),
    ]
}

fn setup(tag: &str) -> PathBuf {
    let dir = temp(tag);
    std::fs::write(dir.join("study.ron"), STUDY).unwrap();
    dir
}

/// `line` under a pseudo-terminal: everything the terminal showed.
fn on_terminal(dir: &Path, line: &str) -> String {
    let out = Command::new("script")
        .args(["-qec", line, "/dev/null"])
        .current_dir(dir)
        .env("TERM", "xterm")
        .output()
        .expect("script (util-linux) runs a command under a pseudo-terminal");
    assert!(
        out.status.success(),
        "{line}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_long_command_draws_a_bar_with_its_rate_on_a_terminal() {
    let dir = setup("tty");
    for line in commands() {
        let shown = on_terminal(&dir, &line);
        if line.contains(" merge ") {
            assert!(shown.contains("shards/s"), "{line}:\n{shown}");
            assert!(shown.contains("points/s"), "{line}:\n{shown}");
        } else {
            assert!(shown.contains(" runs/s, ETA "), "{line}:\n{shown}");
        }
    }
    // --quiet: no bar on a terminal either.
    let shown = on_terminal(
        &dir,
        &format!("{BIN} run replayed-token --model split-iam-security --runs 4000 --quiet"),
    );
    assert!(!shown.contains("runs/s"), "{shown}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn piped_standard_error_gets_no_bar() {
    let dir = setup("pipe");
    for line in commands() {
        let out = Command::new("sh")
            .args(["-c", &line])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "{line}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !err.contains("/s") && !err.contains('\r') && !err.contains('\u{1b}'),
            "{line}: {err:?}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

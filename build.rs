//! Records the git commit the binary is built from, for the provenance of reports
//! (`raci_sim::BUILD_COMMIT`): `git rev-parse HEAD`, with `-dirty` when the files the build is
//! made of (src/, scenarios/, build.rs, Cargo.toml, Cargo.lock) differ from that commit. Built
//! without git or outside a checkout (a crates.io package), nothing is recorded and the build
//! goes on.

use std::path::Path;
use std::process::Command;

/// What the binary is made of: a change here makes the commit "-dirty".
const SOURCES: &[&str] = &["src", "scenarios", "build.rs", "Cargo.toml", "Cargo.lock"];

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8(out.stdout).ok()?.trim().to_string())
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // `.git` is a folder in a clone and a file in a worktree; a package has neither.
    if !Path::new(".git").exists() {
        return;
    }
    let Some(head) = git(&["rev-parse", "HEAD"]) else {
        return;
    };
    if head.len() != 40 || !head.bytes().all(|b| b.is_ascii_hexdigit()) {
        return;
    }
    // Rebuild when HEAD moves (a checkout, a commit on the branch), when the index changes
    // (staging) and when any source changes (dirty or clean again).
    let mut watched = vec![
        "HEAD".to_string(),
        "index".to_string(),
        "packed-refs".into(),
    ];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(branch);
    }
    for w in &watched {
        // Only files that exist: Cargo reruns a script whose watched file is missing every time.
        match git(&["rev-parse", "--git-path", w]) {
            Some(path) if Path::new(&path).exists() => {
                println!("cargo:rerun-if-changed={path}");
            }
            _ => {}
        }
    }
    for s in SOURCES {
        println!("cargo:rerun-if-changed={s}");
    }
    // Without optional locks, so `git status` does not rewrite the index it is watched by.
    let mut status = vec!["--no-optional-locks", "status", "--porcelain", "--"];
    status.extend(SOURCES);
    let dirty = git(&status).is_none_or(|s| !s.is_empty());
    let suffix = if dirty { "-dirty" } else { "" };
    println!("cargo:rustc-env=RACI_SIM_BUILD_COMMIT={head}{suffix}");
}

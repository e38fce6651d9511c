//! `raci-sim improve` as a user runs it: same bytes on one and two threads, every front model's
//! file runs, refusals and bad options exit 2 with nothing written.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A small search: two scenarios, 24 candidates, 10 runs in the first round, 120 in the
/// finals, 40 behind each sensitivity bar.
fn improve(out: &Path, threads: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_raci-sim"))
        .args([
            "improve",
            "anti-approval-committee",
            "--scenarios",
            "compromised-service-account",
            "alert-storm-cover",
            "--budget",
            "24",
            "--first-runs",
            "10",
            "--runs",
            "120",
            "--sensitivity-runs",
            "40",
            "--quiet",
            "--out",
        ])
        .arg(out)
        .args(extra)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("binary runs")
}

fn temp(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("raci-sim-improve-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    p
}

/// Every file under `dir` with its bytes, by relative path.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_same_search_gives_the_same_bytes_on_one_and_two_threads() {
    // The same --out for both (the folder's path is in the report's command line); the first
    // is moved aside before the second is written.
    let (a, b) = (temp("one"), temp("two"));
    let one = improve(&b, "1", &[]);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    std::fs::rename(&b, &a).unwrap();
    let two = improve(&b, "2", &[]);
    assert!(
        two.status.success(),
        "{}",
        String::from_utf8_lossy(&two.stderr)
    );
    // The summaries differ only in the report's path.
    let summary = |o: &Output| -> Vec<String> {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| !l.starts_with("report: "))
            .map(String::from)
            .collect()
    };
    assert_eq!(summary(&one), summary(&two), "terminal summaries differ");
    assert!(summary(&one).iter().any(|l| l.starts_with("Recommended: ")));
    let (fa, fb) = (files(&a), files(&b));
    let names: Vec<&String> = fa.iter().map(|(n, _)| n).collect();
    assert!(
        names.iter().any(|n| n.as_str() == "index.html"),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.starts_with("improve/front/")),
        "{names:?}"
    );
    for ((na, ba), (nb, bb)) in fa.iter().zip(&fb) {
        assert_eq!(na, nb);
        assert!(
            ba == bb,
            "{na} differs between 1 and 2 threads:\n{}\n{}",
            String::from_utf8_lossy(ba),
            String::from_utf8_lossy(bb)
        );
    }
    assert_eq!(fa.len(), fb.len());
    // Every front model's file loads and runs as a model of its own.
    for (name, bytes) in &fa {
        if name.starts_with("improve/front/") && name.ends_with(".ron") {
            let text = String::from_utf8(bytes.clone()).unwrap();
            raci_sim::input::library::parse_model(name, &text)
                .unwrap_or_else(|e| panic!("{name} does not load: {e:?}"));
            let run = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
                .args(["run", "alert-storm-cover", "--runs", "20", "--model"])
                .arg(a.join(name))
                .output()
                .unwrap();
            assert!(
                run.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&run.stderr)
            );
        }
    }
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}

#[test]
fn a_folder_raci_sim_did_not_write_is_refused_before_any_work() {
    let dir = temp("user");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let out = improve(&dir, "2", &[]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        files(&dir),
        vec![("notes.txt".to_string(), b"mine".to_vec())]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_cost_weights_and_a_bad_model_exit_2_with_nothing_written() {
    let dir = temp("bad");
    let out = improve(&dir, "2", &["--cost-weights", "cells=1,pizza=2"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown cost part `pizza`"), "{err}");
    assert!(!dir.exists());
    let model = std::env::temp_dir().join(format!("raci-sim-improve-{}-m.ron", std::process::id()));
    std::fs::write(
        &model,
        "Model(name: \"x\", summary: \"y\", teams: [], raci: ())",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
        .args(["improve"])
        .arg(&model)
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("m.ron:1:"), "{err}");
    assert!(!dir.exists());
    let _ = std::fs::remove_file(&model);
}

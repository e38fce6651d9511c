//! Same inputs, seed and version give the same bytes, whatever the thread count; the attacker's
//! draws do not depend on the model (common random numbers).

use std::process::Command;

use raci_sim::input::library::{load_model, load_scenario};

use crate::common::run_one;

fn run_json(threads: &str, seed: &str, name: &str) -> Vec<u8> {
    run_pair_json(
        ("compromised-service-account", "single-incident-lead"),
        threads,
        seed,
        name,
    )
}

fn run_pair_json(
    (scenario, model): (&str, &str),
    threads: &str,
    seed: &str,
    name: &str,
) -> Vec<u8> {
    let path = std::env::temp_dir().join(format!(
        "raci-sim-det-{}-{name}-{threads}.json",
        std::process::id()
    ));
    let out = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
        .args([
            "run", scenario, "--model", model, "--runs", "3000", "--seed", seed, "--json",
        ])
        .arg(&path)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&path).expect("json written");
    std::fs::remove_file(&path).ok();
    bytes
}

#[test]
fn json_is_byte_identical_for_the_same_seed_on_one_and_two_threads() {
    let one = run_json("1", "99", "a");
    let two = run_json("2", "99", "b");
    let again = run_json("2", "99", "c");
    assert_eq!(one, two, "1 thread and 2 threads differ");
    assert_eq!(two, again, "the same command differs between invocations");
    let other = run_json("2", "100", "d");
    assert_ne!(one, other, "a different seed must change the runs");
    let doc: serde_json::Value = serde_json::from_slice(&one).expect("valid JSON");
    assert_eq!(doc["schema_version"], 3);
    assert_eq!(doc["runs"].as_array().expect("runs array").len(), 3000);
    assert_eq!(doc["summary"]["runs"], 3000);
}

/// The incident-realism paths (dated start, external reports and intake, pre-emptive
/// revocation, rotate-all, templates, re-theft, phase metrics, per-credential outcomes) are
/// byte-identical on one and two threads too.
#[test]
fn incident_replays_are_byte_identical_on_one_and_two_threads() {
    for pair in [
        ("okta-support-2023", "okta-support-2023-lessons-learned"),
        ("okta-support-2023", "okta-support-2023-as-it-was"),
        ("uber-2022", "uber-2022-as-it-was"),
        ("dropbox-sign-2024", "dropbox-sign-2024-as-it-was"),
    ] {
        let one = run_pair_json(pair, "1", "7", "i1");
        let two = run_pair_json(pair, "2", "7", "i2");
        assert!(one == two, "{pair:?}: 1 thread and 2 threads differ");
        let doc: serde_json::Value = serde_json::from_slice(&one).expect("valid JSON");
        let runs = doc["runs"].as_array().expect("runs array");
        assert!(
            runs.iter().any(|r| r["dwell_seconds"].is_u64()),
            "{pair:?}: phase metrics are present"
        );
    }
}

#[test]
fn attacker_timeline_is_identical_across_models_until_the_first_revocation() {
    let sc = load_scenario("compromised-service-account").unwrap();
    let a = load_model("split-iam-security").unwrap();
    let b = load_model("single-incident-lead").unwrap();
    let mut compared = 0;
    for run in 0..60 {
        let (ma, ta) = run_one(&sc, &a, 5, run);
        let (mb, tb) = run_one(&sc, &b, 5, run);
        assert_eq!(ma.attack, mb.attack, "run {run}: benign draw differs");
        assert_eq!(
            ma.start_in_week, mb.start_in_week,
            "run {run}: start differs"
        );
        let cut = ma
            .time_to_first_revocation
            .unwrap_or(u64::MAX)
            .min(mb.time_to_first_revocation.unwrap_or(u64::MAX));
        let attacker = |t: &[raci_sim::engine::TraceEvent]| -> Vec<(u64, String)> {
            t.iter()
                .filter(|e| e.time < cut && e.what.starts_with("attacker"))
                .map(|e| (e.time, e.what.clone()))
                .collect()
        };
        let (xa, xb) = (attacker(&ta), attacker(&tb));
        assert_eq!(xa, xb, "run {run}");
        compared += xa.len();
    }
    assert!(
        compared > 100,
        "too few attacker events compared: {compared}"
    );
}

/// Event logs and tabletop packs, the other outputs built from traced runs, are byte-identical
/// on one and two threads too.
#[test]
fn event_logs_and_tabletop_packs_are_byte_identical_on_one_and_two_threads() {
    let dir = std::env::temp_dir().join(format!("raci-sim-det-logs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let outputs = |threads: &str| -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for (log, notion) in [
            ("a.csv", "task"),
            ("b.xes", "incident"),
            ("c.jsonocel", "incident"),
        ] {
            let path = dir.join(format!("{threads}-{log}"));
            let status = crate::common::event_log_command(400, &path, notion)
                .env("RAYON_NUM_THREADS", threads)
                .output()
                .unwrap()
                .status;
            assert!(status.success());
            out.push(std::fs::read(&path).unwrap());
        }
        let pack = dir.join(format!("pack-{threads}"));
        let status = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
            .args([
                "tabletop",
                "replayed-token",
                "--model",
                "hub-and-spoke",
                "--vs",
                "split-iam-security",
            ])
            .arg("--out")
            .arg(&pack)
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap()
            .status;
        assert!(status.success());
        for f in [
            "facilitator/handbook.md",
            "facilitator/handbook.html",
            "facilitator/timeline.svg",
            "facilitator/vs/timeline.svg",
        ] {
            out.push(std::fs::read(pack.join(f)).unwrap());
        }
        out
    };
    let (one, two) = (outputs("1"), outputs("2"));
    assert_eq!(one.len(), 7);
    for (i, (a, b)) in one.iter().zip(&two).enumerate() {
        assert!(!a.is_empty());
        assert!(a == b, "output {i} differs between 1 and 2 threads");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

//! Same inputs, seed and version give the same bytes, whatever the thread count; the attacker's
//! draws do not depend on the model (common random numbers).

use std::process::Command;

use raci_sim::library::{load_model, load_scenario};

use crate::common::run_one;

fn run_json(threads: &str, seed: &str, name: &str) -> Vec<u8> {
    let path = std::env::temp_dir().join(format!(
        "raci-sim-det-{}-{name}-{threads}.json",
        std::process::id()
    ));
    let out = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
        .args([
            "run",
            "compromised-service-account",
            "--model",
            "single-incident-lead",
            "--runs",
            "3000",
            "--seed",
            seed,
            "--json",
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
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["runs"].as_array().expect("runs array").len(), 3000);
    assert_eq!(doc["summary"]["runs"], 3000);
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

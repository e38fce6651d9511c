//! Which run a tabletop pack is built from (docs/tabletop.md, "Which run"): the pick's rank,
//! or the nearest rank below (then above) whose run fills the exercise's modules; refused with
//! exit 2 when none does.

use raci_sim::engine::batch::{run_batch, BatchOptions};
use raci_sim::output::tabletop::{candidates, decision_points, modules, pick_run, play, Pick};

use crate::common::{ops_model, SURE};
use crate::gates::{raci, temp, text};

#[test]
fn a_run_the_defenders_never_detect_is_refused_naming_the_default_pick() {
    let dir = temp("pick-undetected");
    let out = raci(
        &dir,
        &[
            "tabletop",
            "orphaned-nhi-key",
            "--model",
            "anti-soc-owns-hygiene",
            "--seed",
            "3",
            "--pick",
            "run:14",
            "--out",
            "pack",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        stderr.contains("run 14 of `orphaned-nhi-key` under `anti-soc-owns-hygiene` cannot make an exercise: the defenders never detected the attack"),
        "{stderr}"
    );
    assert!(stderr.contains("--pick run:"), "{stderr}");
    assert!(!dir.join("pack").exists(), "a refused pack was written");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A scenario whose only signal is raised with `probability`: undetected runs are never
/// contained, detected ones always are (the ops model is sure of everything).
fn silent(dir: &std::path::Path, probability: &str) {
    let scenario = format!(
        r#"Scenario(
    name: "silent",
    summary: "test scenario: the attacker is seen with probability {probability}",
    identities: [(id: "svc", kind: ServiceAccount)],
    credentials: [(id: "key", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true)],
    stages: [(id: "use", needs: ["key"], duration: Fixed("10m"),
              signals: [(kind: Generic, plane: CloudIam, probability: {probability}, severity: Medium)])],
    start: At(day: Mon, time: "09:00"),
    horizon: "7d",
)"#
    );
    std::fs::write(dir.join("silent.ron"), scenario).unwrap();
    let model = ops_model(
        r#"ApiKey: (r: ["ops"])"#,
        r#"(r: ["ops"], a: ["ops"])"#,
        SURE,
        "",
    );
    std::fs::write(dir.join("ops.ron"), model).unwrap();
}

#[test]
fn a_pair_without_decision_points_is_refused_with_the_reason() {
    let dir = temp("pick-none");
    silent(&dir, "0.0");
    let args = [
        "tabletop",
        "silent.ron",
        "--model",
        "ops.ron",
        "--runs",
        "50",
        "--out",
        "pack",
    ];
    let out = raci(&dir, &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        stderr.contains(
            "`silent` under `ops-only` cannot make an exercise: none of the 50 attack runs"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("the defenders never detected the attack"),
        "{stderr}"
    );
    assert!(!dir.join("pack").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Half the runs are never detected, so the p90 rank falls among them: the pick settles on
/// the first candidate that fills the modules, every candidate tried before it does not, and
/// the ones tried first are the ranks below the p90 (uncontained, undetected runs), so the
/// run chosen is the slowest detected one.
#[test]
fn the_pick_settles_on_the_nearest_run_that_fills_the_modules() {
    let dir = temp("pick-fallback");
    silent(&dir, "0.5");
    let sc =
        raci_sim::input::library::load_scenario(dir.join("silent.ron").to_str().unwrap()).unwrap();
    let m = raci_sim::input::library::load_model(dir.join("ops.ron").to_str().unwrap()).unwrap();
    let opts = BatchOptions {
        first: 0,
        runs: 1000,
        seed: 3,
        keep_runs: true,
        max_events: 1_000_000,
    };
    let batch = run_batch(&sc, &m, opts, |_| {}).unwrap();
    let tried = candidates(&batch.runs, Pick::P90);
    assert_eq!(tried.first().copied(), pick_run(&batch.runs, Pick::P90));
    let fills = |run: u64| {
        let played = play(&sc, &m, 3, run, 1_000_000).unwrap();
        modules(&decision_points(&played.trace, &m), &played.trace).is_ok()
    };
    let chosen = tried
        .iter()
        .position(|&r| fills(r))
        .expect("a run fills them");
    assert!(chosen > 0, "the p90 run fills the modules itself");
    assert!(tried[..chosen].iter().all(|&r| !fills(r)));
    let ttc = |r: u64| batch.runs[r as usize].time_to_containment;
    let slowest = batch
        .runs
        .iter()
        .filter_map(|m| m.time_to_containment)
        .max();
    assert_eq!(ttc(tried[chosen]), slowest);
    let out = raci(
        &dir,
        &[
            "tabletop",
            "silent.ron",
            "--model",
            "ops.ron",
            "--seed",
            "3",
            "--out",
            "pack",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains(&format!("tabletop pack for run {} (p90)", tried[chosen])));
    std::fs::remove_dir_all(&dir).unwrap();
}

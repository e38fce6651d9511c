//! Runaway inputs end: at the horizon, or at the per-run event cap with a clear error.

use raci_sim::engine::metrics::Breakdown;
use raci_sim::engine::{simulate, Context, SimError, Workspace};

use crate::common::{model, ops_model, run_one, scenario, SURE};

fn repeating(every: &str, duration: &str) -> String {
    format!(
        r#"Scenario(
    name: "forever", summary: "repeats forever",
    identities: [(id: "svc", kind: ServiceAccount)],
    credentials: [(id: "key", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true)],
    stages: [(id: "loop", needs: ["key"], duration: Fixed("{duration}"), repeat: Fixed("{every}"), damage: 1)],
    start: UniformWeek,
    horizon: "7d",
)"#
    )
}

#[test]
fn a_stage_that_repeats_forever_ends_at_the_horizon() {
    let sc = scenario(&repeating("50m", "10m"));
    let m = model(&ops_model(
        r#"ApiKey: (r: ["ops"])"#,
        r#"(r: ["ops"], a: ["ops"])"#,
        SURE,
        "",
    ));
    let (met, _) = run_one(&sc, &m, 1, 0);
    // one completion every hour, the first at 10 min: 168 in 7 days (10m, 1h10m, ..., 167h10m)
    assert_eq!(met.damage, 168);
    assert_eq!(met.time_to_containment, None);
}

#[test]
fn an_instant_loop_hits_the_event_cap_with_a_clear_error() {
    let sc = scenario(&repeating("0s", "0s"));
    let m = model(&ops_model(
        r#"ApiKey: (r: ["ops"])"#,
        r#"(r: ["ops"], a: ["ops"])"#,
        SURE,
        "",
    ));
    let mut ctx = Context::new(&sc, &m, 1);
    ctx.max_events = 100_000;
    let mut ws = Workspace::new(&ctx);
    let mut bd = Breakdown::new(1, sc.credentials.len());
    let err = simulate(&ctx, &mut ws, 0, &mut bd, None).unwrap_err();
    assert_eq!(
        err,
        SimError::EventCap {
            run: 0,
            cap: 100_000,
            at: 0
        }
    );
    assert!(err
        .to_string()
        .contains("exceeded the cap of 100000 events"));
}

#[test]
fn the_binary_reports_the_event_cap_and_exits_2() {
    let path = std::env::temp_dir().join(format!("raci-sim-loop-{}.ron", std::process::id()));
    std::fs::write(&path, repeating("0s", "0s")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_raci-sim"))
        .args(["run"])
        .arg(&path)
        .args([
            "--model",
            "split-iam-security",
            "--runs",
            "4",
            "--max-events",
            "50000",
        ])
        .output()
        .unwrap();
    std::fs::remove_file(&path).ok();
    // Inputs that make events faster than anything finishes are bad input, like a job over
    // the memory budget.
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: run 0 exceeded the cap of 50000 events"),
        "{stderr}"
    );
}

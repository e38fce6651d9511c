//! The breakdown's wait table by (activity, cause): hand-computed seconds on the rows they held
//! up, and the same seconds as the runs' waits by cause.

use raci_sim::domain::{Activity, WaitCause};
use raci_sim::engine::metrics::Breakdown;
use raci_sim::engine::{simulate, Context, Workspace};

use crate::common::*;

/// Runs `run` once, returning its metrics and its breakdown.
fn run_with_breakdown(
    sc: &raci_sim::input::Scenario,
    m: &raci_sim::input::Model,
    run: u64,
) -> (raci_sim::engine::metrics::RunMetrics, Breakdown) {
    let ctx = Context::new(sc, m, 1);
    let mut ws = Workspace::new(&ctx);
    let mut bd = Breakdown::new(m.teams.len(), sc.credentials.len());
    let met = simulate(&ctx, &mut ws, run, &mut bd, None).expect("run completes");
    (met, bd)
}

/// Every (activity, cause) cell of `bd` that is not zero.
fn nonzero(bd: &Breakdown) -> Vec<(Activity, WaitCause, u64)> {
    let mut out = Vec::new();
    for &a in Activity::ALL {
        for &c in WaitCause::ALL {
            let w = bd.activity_wait(a, c);
            if w > 0 {
                out.push((a, c, w));
            }
        }
    }
    out
}

/// Ops does everything (always on); scope consults "night" (20:00-23:00 UTC); approve needs the
/// sign-off of x (always on) and y (13:00-17:00); the key is an access token that works 75 min
/// after its revocation. Start Monday 09:00 (t = 0 is 09:00).
///
/// stage 0..600, detect 600..900, triage 900..1500, scope ready at 1500: its consult waits for
/// night's shift at 20:00 (39600): 38100 s off hours, on scope. Scope's R is done at 2400; the
/// consult is answered at 39660: 37260 s waiting on C, on scope. Validate 39660..40860, confirm
/// 39660..41460, approve's R 41460..41760; x signs 41760..41820 (no wait); y signs Tuesday
/// 13:00, 28 h after the start (100800..100860): 59040 s of split accountability, on
/// approve_containment (y's own off-hours wait is inside it, counted once). Revoke
/// 100860..101460, the token works until 101460 + 4500: 4500 s residual validity, on revoke.
/// Nothing else waits.
#[test]
fn waits_land_on_the_row_they_held_up_with_their_cause() {
    let sc = scenario(&chain_scenario(
        "AccessToken",
        "75m",
        r#"At(day: Mon, time: "09:00")"#,
    ));
    let text = ops_model(
        r#"AccessToken: (r: ["ops"])"#,
        r#"(r: ["ops"], a: ["x", "y"])"#,
        SURE,
        r#"(id: "x", coverage: AlwaysOn),
           (id: "y", coverage: BusinessHours(start: "13:00", end: "17:00")),
           (id: "night", coverage: BusinessHours(start: "20:00", end: "23:00")),"#,
    )
    .replace(
        r#"scope: (r: ["ops"])"#,
        r#"scope: (r: ["ops"], c: ["night"])"#,
    );
    let m = model(&text);
    let (met, bd) = run_with_breakdown(&sc, &m, 0);
    assert_eq!(met.time_to_first_revocation, Some(101_460));
    assert_eq!(met.time_to_containment, Some(101_460 + 4500));
    assert_eq!(
        nonzero(&bd),
        vec![
            (Activity::Scope, WaitCause::Consult, 37_260),
            (Activity::Scope, WaitCause::OffHours, 38_100),
            (
                Activity::ApproveContainment,
                WaitCause::SplitAccountability,
                59_040
            ),
            (Activity::Revoke, WaitCause::ResidualValidity, 4500),
        ]
    );
    assert_same_seconds_as_the_runs(&bd, &[met]);
}

/// The unowned revocation of cases.rs (c): ready at 4500, escalated to the lead after 2 h:
/// 7200 s unowned, on revoke. A task nobody ever does (no escalation) adds no seconds.
#[test]
fn an_unowned_revocation_waits_on_the_revoke_row() {
    let sc = scenario(&chain_scenario(
        "ApiKey",
        "0s",
        r#"At(day: Mon, time: "09:00")"#,
    ));
    let escalated = model(&ops_model(
        r#"Secret: (r: ["ops"])"#,
        r#"(r: ["ops"], a: ["ops"])"#,
        &format!(r#"{SURE}, escalation: (after: "2h", to: "lead")"#),
        r#"(id: "lead", staff: 1, coverage: AlwaysOn),"#,
    ));
    let (met, bd) = run_with_breakdown(&sc, &escalated, 0);
    assert_eq!(
        nonzero(&bd),
        vec![(Activity::Revoke, WaitCause::Unowned, 7200)]
    );
    assert_same_seconds_as_the_runs(&bd, &[met]);
    let abandoned = model(&ops_model(
        r#"Secret: (r: ["ops"])"#,
        r#"(r: ["ops"], a: ["ops"])"#,
        SURE,
        "",
    ));
    let (_, bd) = run_with_breakdown(&sc, &abandoned, 0);
    assert_eq!(nonzero(&bd), vec![]);
}

/// Summed over runs, the table holds exactly the runs' waits by cause, and nothing on the
/// consult and sign-off activities (their waits count on the row they serve).
fn assert_same_seconds_as_the_runs(bd: &Breakdown, runs: &[raci_sim::engine::metrics::RunMetrics]) {
    for &c in WaitCause::ALL {
        let table: u64 = Activity::ALL.iter().map(|&a| bd.activity_wait(a, c)).sum();
        let met: u64 = runs.iter().map(|m| m.wait_by_cause[c.index()]).sum();
        assert_eq!(table, met, "{c}");
    }
    for a in [Activity::Consult, Activity::SignOff] {
        for &c in WaitCause::ALL {
            assert_eq!(bd.activity_wait(a, c), 0, "{a} {c}");
        }
    }
}

/// Every shipped model on two shipped scenarios: the table adds up to the runs' waits.
#[test]
fn the_table_adds_up_to_the_runs_waits_on_shipped_models() {
    use raci_sim::engine::batch::{run_batch, BatchOptions};
    use raci_sim::input::library::{load_model, load_scenario, MODELS};
    for sc in ["replayed-token", "compromised-service-account"] {
        let sc = load_scenario(sc).unwrap();
        for m in MODELS {
            let m = load_model(m.name).unwrap();
            let opts = BatchOptions {
                first: 0,
                runs: 60,
                seed: 5,
                keep_runs: true,
                max_events: raci_sim::engine::DEFAULT_MAX_EVENTS,
            };
            let b = run_batch(&sc, &m, opts, |_| {}).unwrap();
            assert_same_seconds_as_the_runs(&b.breakdown, &b.runs);
        }
    }
}

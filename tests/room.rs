//! The room's decisions in place of the model's (`engine::room`), hand-computed.
//!
//! Scenario: `key`, `old1` and `old2` (API keys of `svc`, known to the inventory, held from
//! the start) and `spare` (an API key of `svc` the attacker never holds). Stage `use` needs
//! `key` and alerts at 600. Model: `ops` does everything at once (staff 10, always on),
//! fixed efforts (common::EFFORT): detect 300, triage 600, scope 900, validate 1200, confirm
//! 1800, approve 300, revoke 600, evidence 300, verify 600, close 300; triage and close are
//! signed by ops itself.
//!
//! The model as written: triage needed at 900, declared 1500; scope 1500-2400 finds key, old1,
//! old2 (linked by identity; spare is not held); validate 2400-3600 and confirm 2400-4200;
//! approve 4200-4500; three revocations 4500-5100 (contained at 5100); evidence to 5400;
//! verify 5400-6000 (nothing more); close needed at 6000, closed 6300.

use raci_sim::domain::Activity;
use raci_sim::engine::metrics::{Breakdown, RunMetrics};
use raci_sim::engine::room::{needed_times, RoomChoice, RoomDecision, RoomPlan};
use raci_sim::engine::{simulate, Context, TraceEvent, Workspace};
use raci_sim::input::{Model, Scenario};

use crate::common::{model, ops_model, scenario, SURE};

fn four_keys() -> Scenario {
    scenario(
        r#"Scenario(
    name: "four-keys",
    summary: "test scenario",
    identities: [(id: "svc", kind: ServiceAccount)],
    credentials: [
        (id: "key", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true),
        (id: "old1", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true),
        (id: "old2", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true),
        (id: "spare", kind: ApiKey, plane: CloudIam, identity: "svc"),
    ],
    stages: [
        (id: "use", needs: ["key"], duration: Fixed("10m"),
         signals: [(kind: Generic, plane: CloudIam, probability: 1.0, severity: Medium)]),
    ],
    start: At(day: Mon, time: "09:00"),
    horizon: "30d",
)"#,
    )
}

fn ops() -> Model {
    model(&ops_model(
        r#"ApiKey: (r: ["ops"])"#,
        r#"(r: ["ops"], a: ["ops"])"#,
        SURE,
        "",
    ))
}

fn replay(sc: &Scenario, m: &Model, room: Option<&RoomPlan>) -> (RunMetrics, Vec<TraceEvent>) {
    let ctx = Context::new(sc, m, 1);
    let ctx = match room {
        Some(r) => ctx.with_room(r),
        None => ctx,
    };
    let mut ws = Workspace::new(&ctx);
    let mut bd = Breakdown::new(m.teams.len(), sc.credentials.len());
    let mut trace = Vec::new();
    let met = simulate(&ctx, &mut ws, 0, &mut bd, Some(&mut trace)).unwrap();
    (met, trace)
}

fn decision(activity: Activity, delay: u64, choice: RoomChoice, revoke: &[usize]) -> RoomDecision {
    RoomDecision {
        activity,
        occurrence: 0,
        team: 0,
        delay,
        choice,
        revoke: revoke.to_vec(),
    }
}

fn plan(decisions: Vec<RoomDecision>) -> RoomPlan {
    RoomPlan::new(decisions, 1, 4).unwrap()
}

#[test]
fn the_model_as_written_needs_its_decisions_at_the_hand_computed_times() {
    let (sc, m) = (four_keys(), ops());
    let (met, trace) = replay(&sc, &m, None);
    assert_eq!(met.time_to_declare, Some(1500));
    assert_eq!(met.time_to_containment, Some(5100));
    assert_eq!(met.time_to_first_close, Some(6300));
    assert_eq!((met.revocations, met.wrongful_revocations), (3, 0));
    assert_eq!(
        needed_times(&trace),
        [
            (Activity::Triage, 0, 900),
            (Activity::ApproveContainment, 0, 2400),
            (Activity::Close, 0, 6000)
        ]
    );
    // An empty plan is the model as written, event for event.
    let (_, same) = replay(&sc, &m, Some(&plan(vec![])));
    assert_eq!(same, trace);
}

/// The room declares 5 minutes after triage is needed (900 + 300 = 1200); scope 1200-2100;
/// it approves 5 minutes later (2400) revoking key, old1 and spare but not old2. Revocations
/// 2400-3000 (spare wrongfully: never held); evidence to 3300; verify 3300-3900 finds old2
/// (known to the inventory), revoked 3900-4500: contained at 4500; evidence to 4800, verify
/// again 4800-5400, close 5400-5700. Nothing missed; one wrongful revocation of four.
#[test]
fn the_rooms_declaration_and_approval_replace_the_models() {
    let (sc, m) = (four_keys(), ops());
    let room = plan(vec![
        decision(Activity::Triage, 300, RoomChoice::Declare, &[]),
        decision(
            Activity::ApproveContainment,
            300,
            RoomChoice::Approve,
            &[0, 1, 3],
        ),
    ]);
    let (met, trace) = replay(&sc, &m, Some(&room));
    assert_eq!(met.time_to_declare, Some(1200));
    assert_eq!(met.time_to_first_revocation, Some(3000));
    assert_eq!(met.time_to_containment, Some(4500));
    assert_eq!(met.time_to_first_close, Some(5700));
    assert_eq!((met.revocations, met.wrongful_revocations), (4, 1));
    assert_eq!(met.missed_revocations, 0);
    let said: Vec<&str> = trace
        .iter()
        .filter(|e| e.what.starts_with("the room decided"))
        .map(|e| e.what.as_str())
        .collect();
    assert_eq!(
        said,
        ["the room decided: declare", "the room decided: approve"]
    );
    assert_eq!(
        needed_times(&trace),
        [
            (Activity::Triage, 0, 900),
            (Activity::ApproveContainment, 0, 2100),
            (Activity::Close, 0, 5400)
        ]
    );
}

/// Holding containment: validate and confirm still run, but nothing approves: no
/// revocation, never contained, never closed; the three held keys are missed at the horizon.
#[test]
fn holding_containment_leaves_every_credential_working() {
    let (sc, m) = (four_keys(), ops());
    let room = plan(vec![decision(
        Activity::ApproveContainment,
        0,
        RoomChoice::Hold,
        &[],
    )]);
    let (met, _) = replay(&sc, &m, Some(&room));
    assert_eq!(met.time_to_declare, Some(1500));
    assert_eq!(met.revocations, 0);
    assert_eq!(met.time_to_containment, None);
    assert_eq!(met.time_to_first_close, None);
    assert_eq!(met.missed_revocations, 3);
}

/// Dismissing the only alert (at 900 + 600): nothing is declared, and the stage never runs
/// again to raise another.
#[test]
fn dismissing_the_alert_ends_the_response() {
    let (sc, m) = (four_keys(), ops());
    let room = plan(vec![decision(
        Activity::Triage,
        600,
        RoomChoice::Dismiss,
        &[],
    )]);
    let (met, trace) = replay(&sc, &m, Some(&room));
    assert_eq!(met.time_to_detect, Some(900));
    assert_eq!(met.time_to_declare, None);
    assert_eq!(met.time_to_containment, None);
    let dismissed = trace.iter().find(|e| e.what == "alert dismissed").unwrap();
    assert_eq!(dismissed.time, 1500);
}

/// Closing at once when the close is needed (6000) instead of after the close task's 300.
#[test]
fn the_room_closes_when_it_says() {
    let (sc, m) = (four_keys(), ops());
    let room = plan(vec![decision(Activity::Close, 0, RoomChoice::Close, &[])]);
    let (met, _) = replay(&sc, &m, Some(&room));
    assert_eq!(met.time_to_first_close, Some(6000));
    assert_eq!(met.time_to_containment, Some(5100));
}

#[test]
fn a_plan_is_checked_against_the_model_and_scenario() {
    let bad = |d: RoomDecision| RoomPlan::new(vec![d], 1, 4).unwrap_err();
    assert!(bad(decision(Activity::Triage, 0, RoomChoice::Approve, &[]))
        .contains("`approve` is not a choice here; use declare or dismiss"));
    assert!(bad(decision(Activity::Scope, 0, RoomChoice::Declare, &[]))
        .contains("only triage, approve_containment and close are decisions"));
    assert!(bad(decision(
        Activity::ApproveContainment,
        0,
        RoomChoice::Approve,
        &[4]
    ))
    .contains("credential 4 is not in the scenario"));
    let mut d = decision(Activity::Triage, 0, RoomChoice::Declare, &[]);
    d.team = 1;
    assert!(bad(d.clone()).contains("team 1 is not in the model"));
    d.team = 0;
    assert!(RoomPlan::new(vec![d.clone(), d], 1, 4)
        .unwrap_err()
        .contains("given twice"));
}

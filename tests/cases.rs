//! Hand-computed cases: fixed durations, probabilities of 1, expectations worked out by hand in
//! the comments (seconds since the attack started).

use raci_sim::domain::{Activity, WaitCause};

use crate::common::*;

const ALL_KINDS_OPS: &str =
    r#"ApiKey: (r: ["ops"]), AccessToken: (r: ["ops"]), Secret: (r: ["ops"])"#;
const OPS_DECIDES: &str = r#"(r: ["ops"], a: ["ops"])"#;
const MON_9: &str = r#"At(day: Mon, time: "09:00")"#;

/// Case (d)'s model: ops works approve_containment, which x (always on) and y (13:00-17:00)
/// must both sign.
fn committee_model() -> String {
    ops_model(
        ALL_KINDS_OPS,
        r#"(r: ["ops"], a: ["x", "y"])"#,
        SURE,
        r#"(id: "x", coverage: AlwaysOn),
           (id: "y", coverage: BusinessHours(start: "13:00", end: "17:00")),"#,
    )
}

/// (a) stage done 600 -> detect 600..900 -> triage 900..1500 (A is R: no sign-off wait) ->
/// scope 1500..2400 -> validate 2400..3600 || confirm 2400..4200 -> approve 4200..4500 ->
/// revoke 4500..5100, residual 0: evicted at 5100.
#[test]
fn simple_chain_contains_at_the_hand_computed_time() {
    let sc = scenario(&chain_scenario("ApiKey", "0s", MON_9));
    let m = model(&ops_model(ALL_KINDS_OPS, OPS_DECIDES, SURE, ""));
    let (met, _) = run_one(&sc, &m, 1, 0);
    assert!(met.attack);
    assert_eq!(met.time_to_detect, Some(900));
    assert_eq!(met.time_to_declare, Some(1500));
    assert_eq!(met.time_to_first_revocation, Some(5100));
    assert_eq!(met.time_to_containment, Some(5100));
    // evidence 5100..5400; verify waits for all known work: 5400..6000; close 6000..6300
    assert_eq!(met.time_to_first_close, Some(6300));
    assert_eq!(met.missed_revocations, 0);
    assert_eq!(met.wait_by_cause, [0; WaitCause::COUNT]);
    assert_eq!(met.stalls, 0);
    assert_eq!(met.handoffs, 0, "one team does everything: no handoffs");
}

/// (b) nobody owns revoking API keys and nobody is escalated to: the revocation is never done,
/// the incident closes with the attacker inside, in every run.
#[test]
fn unowned_revocation_without_escalation_is_missed_in_every_run() {
    let sc = scenario(&chain_scenario("ApiKey", "0s", "UniformWeek"));
    let m = model(&ops_model(r#"Secret: (r: ["ops"])"#, OPS_DECIDES, SURE, ""));
    for run in 0..200 {
        let (met, _) = run_one(&sc, &m, 7, run);
        assert_eq!(met.missed_revocations, 1, "run {run}");
        assert_eq!(
            met.missed_by_kind[raci_sim::domain::CredentialKind::ApiKey.index()],
            1
        );
        assert!(met.false_closure, "run {run}");
        assert_eq!(met.time_to_containment, None, "run {run}");
        assert_eq!(met.revocations, 0);
        assert_eq!(met.stalls_by_cause[WaitCause::Unowned.index()], 1);
        // The task is abandoned at 4500: counted, and its never-ending wait is not added.
        assert_eq!(met.abandoned_by_cause[WaitCause::Unowned.index()], 1);
        assert_eq!(wait(&met, WaitCause::Unowned), 0);
    }
}

/// (c) the same gap with an incident lead as escalation target: the revoke is ready at 4500,
/// unowned for the 2 h timeout, taken by the lead at 11700, done at 12300.
#[test]
fn unowned_revocation_escalates_to_the_incident_lead_after_the_timeout() {
    let sc = scenario(&chain_scenario("ApiKey", "0s", MON_9));
    let m = model(&ops_model(
        r#"Secret: (r: ["ops"])"#,
        OPS_DECIDES,
        &format!(r#"{SURE}, escalation: (after: "2h", to: "lead")"#),
        r#"(id: "lead", staff: 1, coverage: AlwaysOn),"#,
    ));
    let (met, trace) = run_one(&sc, &m, 1, 0);
    assert_eq!(met.time_to_containment, Some(12_300));
    assert_eq!(wait(&met, WaitCause::Unowned), 7200);
    assert_eq!(met.stalls_by_cause[WaitCause::Unowned.index()], 1);
    assert_eq!(met.missed_revocations, 0);
    let lead = m.team_index("lead");
    let start = trace
        .iter()
        .find(|e| e.activity == Some(Activity::Revoke) && e.what == "started")
        .expect("revoke started");
    assert_eq!((start.time, start.team), (11_700, lead));
    assert_eq!(start.cause, Some(WaitCause::Unowned));
}

/// (d) two A on approve_containment: x signs 4500..4560; y works 13:00-17:00 and the attack
/// started Monday 09:00, so y signs at 14400..14460 (13:00-13:01). The decision waits for y:
/// 14460 - 4560 = 9900 s of split accountability. Revoke 14460..15060.
#[test]
fn committee_decision_waits_for_the_last_sign_off() {
    let sc = scenario(&chain_scenario("ApiKey", "0s", MON_9));
    let m = model(&committee_model());
    let (met, _) = run_one(&sc, &m, 1, 0);
    assert_eq!(met.time_to_first_revocation, Some(15_060));
    assert_eq!(met.time_to_containment, Some(15_060));
    assert_eq!(wait(&met, WaitCause::SplitAccountability), 9900);
    assert_eq!(
        wait(&met, WaitCause::OffHours),
        0,
        "the committee wait is not counted twice"
    );
    assert_eq!(
        met.stalls_by_cause[WaitCause::SplitAccountability.index()],
        1
    );
}

fn day_team_triages(on_call: &str) -> raci_sim::input::Model {
    let text = ops_model(
        ALL_KINDS_OPS,
        OPS_DECIDES,
        SURE,
        &format!(r#"(id: "day", coverage: BusinessHours(start: "09:00", end: "17:00"{on_call})),"#),
    )
    .replace(
        r#"triage: (r: ["ops"], a: ["ops"])"#,
        r#"triage: (r: ["day"], a: ["day"])"#,
    );
    model(&text)
}

/// (e) the attack starts Friday 17:45 UTC; stage done 17:55, detect done 18:00: triage is ready
/// for a business-hours team with no on-call at 900 and starts Monday 09:00, 63 h later.
#[test]
fn friday_evening_task_waits_off_hours_until_monday_morning() {
    let sc = scenario(&chain_scenario(
        "ApiKey",
        "0s",
        r#"At(day: Fri, time: "17:45")"#,
    ));
    let m = day_team_triages("");
    let (met, trace) = run_one(&sc, &m, 1, 0);
    let start = trace
        .iter()
        .find(|e| e.activity == Some(Activity::Triage) && e.what == "started")
        .expect("triage started");
    assert_eq!(start.time, 900 + 63 * 3600);
    assert_eq!(start.cause, Some(WaitCause::OffHours));
    assert_eq!(start.waits[WaitCause::OffHours.index()], 63 * 3600);
    assert_eq!(wait(&met, WaitCause::OffHours), 63 * 3600);
    assert_eq!(met.handoffs, 2, "ops -> day (triage), day -> ops (scope)");
}

/// (e, paged) the same team with an on-call for medium severity and 30 min page latency starts
/// at 18:30, the wait attributed to paging.
#[test]
fn on_call_page_starts_the_task_after_the_page_latency() {
    let sc = scenario(&chain_scenario(
        "ApiKey",
        "0s",
        r#"At(day: Fri, time: "17:45")"#,
    ));
    let m = day_team_triages(r#", on_call: (page_latency: "30m", min_severity: Medium)"#);
    let (met, trace) = run_one(&sc, &m, 1, 0);
    let start = trace
        .iter()
        .find(|e| e.activity == Some(Activity::Triage) && e.what == "started")
        .expect("triage started");
    assert_eq!(start.time, 900 + 1800);
    assert_eq!(start.cause, Some(WaitCause::Paging));
    assert_eq!(wait(&met, WaitCause::Paging), 1800);
    assert_eq!(wait(&met, WaitCause::OffHours), 0);
}

/// (f) a revoked access token keeps working for its 75 min residual validity: revoked at 5100,
/// the attacker is evicted at 5100 + 4500 = 9600.
#[test]
fn revoked_access_token_keeps_the_attacker_in_for_its_residual_validity() {
    let sc = scenario(&chain_scenario("AccessToken", "75m", MON_9));
    let m = model(&ops_model(ALL_KINDS_OPS, OPS_DECIDES, SURE, ""));
    let (met, _) = run_one(&sc, &m, 1, 0);
    assert_eq!(met.time_to_first_revocation, Some(5100));
    assert_eq!(met.time_to_containment, Some(9600));
    assert_eq!(wait(&met, WaitCause::ResidualValidity), 4500);
    assert_eq!(
        met.missed_revocations, 0,
        "revoked in time counts as revoked"
    );
}

/// (g) triage dismisses every alert: the stage keeps repeating (10 min, then every 2 h), each
/// completion at 600 + 7800 k signals and is dismissed 900 s later. 12 completions fit in one
/// day (the last at 86400, the horizon itself), so 11 dismissals do.
#[test]
fn dismissed_alert_lets_the_attack_run_to_its_next_signal() {
    let sc = scenario(
        r#"Scenario(
    name: "noisy", summary: "repeats",
    identities: [(id: "svc", kind: ServiceAccount)],
    credentials: [(id: "key", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true)],
    stages: [(id: "use", needs: ["key"], duration: Fixed("10m"), repeat: Fixed("2h"), damage: 5,
              signals: [(kind: Generic, plane: CloudIam, probability: 1.0)])],
    start: At(day: Mon, time: "09:00"),
    horizon: "1d",
)"#,
    );
    let m = model(&ops_model(
        ALL_KINDS_OPS,
        OPS_DECIDES,
        "triage_accuracy: 0.0",
        "",
    ));
    let (met, trace) = run_one(&sc, &m, 1, 0);
    let dismissed: Vec<u64> = trace
        .iter()
        .filter(|e| e.what == "alert dismissed")
        .map(|e| e.time)
        .collect();
    // each signal at 600 + 7800k is detected 300 s later and triaged 600 s after that
    let expected: Vec<u64> = (0..11).map(|k| 600 + 7800 * k + 900).collect();
    assert_eq!(dismissed, expected);
    assert_eq!(met.signals_emitted, 12);
    assert_eq!(met.damage, 60);
    assert_eq!(met.time_to_detect, Some(900));
    assert_eq!(met.time_to_declare, None);
    assert_eq!(met.time_to_containment, None);
}

/// The emergency team approves without waiting for validation and business confirmation:
/// scope done at 2400, emergency approve 2400..2700, revoke 2700..3300.
#[test]
fn emergency_containment_skips_business_confirmation_at_high_severity() {
    let text = chain_scenario("ApiKey", "0s", MON_9).replace("severity: Medium", "severity: High");
    let sc = scenario(&text);
    let m = model(&ops_model(
        ALL_KINDS_OPS,
        OPS_DECIDES,
        &format!(r#"{SURE}, emergency_containment: (team: "ops", min_severity: High)"#),
        "",
    ));
    let (met, _) = run_one(&sc, &m, 1, 0);
    assert_eq!(met.time_to_containment, Some(3300));
}

/// Several R with diffusion 0: nobody picks the task up; it waits as `ambiguous` until the
/// escalation target takes it.
#[test]
fn shared_responsibility_with_no_pickup_waits_as_ambiguous() {
    let sc = scenario(&chain_scenario("ApiKey", "0s", MON_9));
    let m = model(&ops_model(
        r#"ApiKey: (r: ["ops", "x"])"#,
        OPS_DECIDES,
        &format!(r#"{SURE}, diffusion: 0.0, escalation: (after: "1h", to: "x")"#),
        r#"(id: "x", coverage: AlwaysOn),"#,
    ));
    let (met, _) = run_one(&sc, &m, 1, 0);
    assert_eq!(wait(&met, WaitCause::Ambiguous), 3600);
    assert_eq!(met.time_to_containment, Some(4500 + 3600 + 600));
}

/// A consulted team that answers after R finished holds the task: scope R is done at 2400 but
/// the consult (business hours from 13:00) answers at 14460.
#[test]
fn consult_wait_is_attributed_to_consult() {
    let sc = scenario(&chain_scenario("ApiKey", "0s", MON_9));
    let text = ops_model(
        ALL_KINDS_OPS,
        OPS_DECIDES,
        SURE,
        r#"(id: "y", coverage: BusinessHours(start: "13:00", end: "17:00")),"#,
    )
    .replace(r#"scope: (r: ["ops"])"#, r#"scope: (r: ["ops"], c: ["y"])"#);
    let m = model(&text);
    let (met, _) = run_one(&sc, &m, 1, 0);
    // consult ready 1500, starts 14400, answers 14460; scope R done at 2400. Then
    // validate || confirm (1800), approve (300), revoke (600).
    assert_eq!(wait(&met, WaitCause::Consult), 14_460 - 2400);
    assert_eq!(met.time_to_containment, Some(14_460 + 1800 + 300 + 600));
}

/// Verify by another team: the handoff from the team that finished the last revocation work
/// (ops, evidence) to the verify owner counts, and so does the one back to ops for close.
#[test]
fn handoffs_into_verify_and_close_are_counted() {
    let sc = scenario(&chain_scenario("ApiKey", "0s", MON_9));
    let text = ops_model(
        ALL_KINDS_OPS,
        OPS_DECIDES,
        SURE,
        r#"(id: "x", coverage: AlwaysOn, visibility: {CloudIam: 1.0}),"#,
    )
    .replace(r#"verify: (r: ["ops"]),"#, r#"verify: (r: ["x"]),"#);
    let (met, trace) = run_one(&sc, &model(&text), 1, 0);
    assert_eq!(met.handoffs, 2, "ops -> x (verify), x -> ops (close)");
    let verify = trace
        .iter()
        .find(|e| e.activity == Some(Activity::Verify) && e.what == "started")
        .unwrap();
    assert_eq!(verify.task.unwrap().handoff_from, m_index(&text, "ops"));
}

fn m_index(text: &str, team: &str) -> Option<usize> {
    model(text).team_index(team)
}

/// The tabletop's decision points for case (a): triage ready at 900 (detect done), worked
/// 900..1500 and self-signed; approve ready 4200 (confirm done), 4200..4500; close ready 6000,
/// 6000..6300. No waiting anywhere.
#[test]
fn decision_points_of_the_simple_chain_are_the_hand_computed_times() {
    use raci_sim::output::tabletop::decision_points;
    let sc = scenario(&chain_scenario("ApiKey", "0s", MON_9));
    // An informed team on every decision: its notifications are not what was decided.
    let text = ops_model(ALL_KINDS_OPS, OPS_DECIDES, SURE, r#"(id: "lead"),"#)
        .replace(r#"a: ["ops"])"#, r#"a: ["ops"], i: ["lead"])"#);
    let m = model(&text);
    let (met, trace) = run_one(&sc, &m, 1, 0);
    assert_eq!(met.notifications, 3);
    let points: Vec<_> = decision_points(&trace, &m)
        .into_iter()
        .map(|d| (d.activity, d.needed, d.decided, d.work, d.outcome.unwrap()))
        .collect();
    assert_eq!(
        points,
        vec![
            (
                Activity::Triage,
                900,
                Some(1500),
                600,
                "incident declared".into()
            ),
            (
                Activity::ApproveContainment,
                4200,
                Some(4500),
                300,
                "containment approved".into()
            ),
            (
                Activity::Close,
                6000,
                Some(6300),
                300,
                "incident closed".into()
            ),
        ]
    );
}

/// The committee of case (d) as a decision point: needed 4200, ops works 4200..4500, x signs
/// first 4500..4560 (work 60), then 9900 s of split accountability until y signs at 14460.
/// Waits and work add up to the time taken: 300 + 60 + 9900 = 10260 = 14460 - 4200.
#[test]
fn a_committee_decision_point_splits_its_time_as_the_engine_does() {
    use raci_sim::output::tabletop::decision_points;
    let sc = scenario(&chain_scenario("ApiKey", "0s", MON_9));
    let m = model(&committee_model());
    let (met, trace) = run_one(&sc, &m, 1, 0);
    let approve = decision_points(&trace, &m)
        .into_iter()
        .find(|d| d.activity == Activity::ApproveContainment)
        .unwrap();
    assert_eq!((approve.needed, approve.decided), (4200, Some(14_460)));
    assert_eq!(approve.work, 360);
    let mut waits = [0; WaitCause::COUNT];
    waits[WaitCause::SplitAccountability.index()] = 9900;
    assert_eq!(approve.waits, waits);
    assert_eq!(approve.worked_by, m.team_index("ops"));
    // The same split the run's metrics carry.
    assert_eq!(wait(&met, WaitCause::SplitAccountability), 9900);
}

/// A decision with no accountable team and no escalation is never made: approve is worked by
/// ops 4200..4500, its sign-off is ready at 4500 and never starts.
#[test]
fn a_decision_nobody_signs_is_never_decided() {
    use raci_sim::output::tabletop::decision_points;
    let sc = scenario(&chain_scenario("ApiKey", "0s", MON_9));
    let m = model(&ops_model(ALL_KINDS_OPS, r#"(r: ["ops"])"#, SURE, ""));
    let (met, trace) = run_one(&sc, &m, 1, 0);
    let approve = decision_points(&trace, &m)
        .into_iter()
        .find(|d| d.activity == Activity::ApproveContainment)
        .unwrap();
    assert_eq!(
        (approve.needed, approve.decided, approve.work),
        (4200, None, 300)
    );
    assert_eq!(met.time_to_containment, None);
}

/// In the tabletop pack, case (d)'s committee is raised once, as the decision's split
/// accountability naming the late signer, not again as y's off-hours sign-off wait.
/// The facilitator's handbook of run 0 of the chain scenario (attack Monday 09:00) under `text`.
fn chain_guide(text: &str) -> String {
    use raci_sim::output::tabletop::{build_pack, play, Pick};
    let sc = scenario(&chain_scenario("ApiKey", "0s", MON_9));
    let m = model(text);
    let played = play(&sc, &m, 1, 0, 1_000_000).unwrap();
    let pack = build_pack(
        &sc,
        &m,
        ("test-model.ron", text),
        &played,
        Pick::Run(0),
        1,
        None,
    )
    .expect("the run fills the modules");
    pack_file(&pack, "facilitator/handbook.md")
}

#[test]
fn a_committee_delay_is_one_question_naming_the_last_signer() {
    let guide = chain_guide(&committee_model());
    let questions: Vec<&str> = guide
        .lines()
        .filter(|l| l.starts_with("- ") && l.contains("(probes: "))
        .collect();
    // Decided by the room from 2400 s = T+00:40 (scope done); the model's approval task ready
    // at 4200 s = T+01:10; 9900 s = 2.75 h; decided at 14460 s = T+04:01.
    let committee: Vec<&&str> = questions
        .iter()
        .filter(|q| q.starts_with("- Committee: "))
        .collect();
    assert_eq!(committee, [&"- Committee: At T+00:40 the approve\\_containment decision (its task ready at T+01:10) waited 2.8h for the last of its accountable teams (x, y) to sign (the last: y, at T+04:01). Does it need every one of them? (probes: raci.approve\\_containment: R = ops; A = x, y (a committee of 2))"], "{questions:#?}");
    assert!(!guide.contains("sign\\_off waited"), "{guide}");
}

/// The guide's one-line summary of case (a): detected 900 s, declared 1500, revoked and
/// evicted 5100, closed 6300; one team, so no handoffs and no stalls.
#[test]
fn the_guide_summarises_case_a_at_the_hand_computed_moments() {
    let guide = chain_guide(&ops_model(ALL_KINDS_OPS, OPS_DECIDES, SURE, ""));
    assert!(
        guide.contains("The run at a glance: detected T+00:15, declared T+00:25, first revocation T+01:25, attacker evicted T+01:25, closed T+01:45; 0 handoffs, 0 stalls."),
        "{guide}"
    );
}

/// Evidence is counted at the first close. In (a), evidence 5100..5400 then close 6300: one
/// revocation, one evidence by close. With nobody to close (no R, no escalation) the incident
/// never closes: the evidence captured at 5400 must not count "by close" against zero
/// revocations by close (a run never closed added evidence without revocations, so the
/// summary's completeness went above 100%).
#[test]
fn evidence_by_close_counts_only_runs_that_close() {
    let sc = scenario(&chain_scenario("ApiKey", "0s", MON_9));
    let m = model(&ops_model(ALL_KINDS_OPS, OPS_DECIDES, SURE, ""));
    let (met, _) = run_one(&sc, &m, 1, 0);
    assert_eq!((met.revocations_by_close, met.evidence_by_close), (1, 1));
    let never_closed = ops_model(ALL_KINDS_OPS, OPS_DECIDES, SURE, "")
        .replace(r#"close: (r: ["ops"], a: ["ops"])"#, "close: ()");
    let (met, _) = run_one(&sc, &model(&never_closed), 1, 0);
    assert_eq!(met.time_to_first_close, None);
    assert_eq!(met.revocations, 1);
    assert_eq!((met.revocations_by_close, met.evidence_by_close), (0, 0));
}

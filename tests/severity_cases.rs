//! Hand-computed cases for severity escalation, emergency containment and on-call paging
//! (issue 14). Fixed durations, probabilities of 1; seconds since the run started.

use raci_sim::domain::{Activity, WaitCause};
use raci_sim::engine::TraceEvent;

use crate::common::*;

const ALL_KINDS_OPS: &str =
    r#"ApiKey: (r: ["ops"]), AccessToken: (r: ["ops"]), Secret: (r: ["ops"])"#;
const OPS_DECIDES: &str = r#"(r: ["ops"], a: ["ops"])"#;
const SAT_0145: &str = r#"At(day: Sat, time: "01:45")"#;

/// One held key; `use` (10 min, a medium signal) then `later` (after `use`, `later_duration`,
/// with `later_fields` spliced in). `top` is spliced into the scenario's top level.
fn two_stage_scenario(later_duration: &str, later_fields: &str, top: &str) -> String {
    format!(
        r#"Scenario(
    name: "rising", summary: "test scenario",
    identities: [(id: "svc", kind: ServiceAccount)],
    credentials: [(id: "key", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true)],
    stages: [
        (id: "use", needs: ["key"], duration: Fixed("10m"),
         signals: [(kind: Generic, plane: CloudIam, probability: 1.0, severity: Medium)]),
        (id: "later", after: ["use"], duration: Fixed("{later_duration}"){later_fields}),
    ],
    start: {SAT_0145},
    horizon: "30d",
    {top}
)"#
    )
}

/// The first trace event of `activity` with text `what`.
fn first<'a>(trace: &'a [TraceEvent], activity: Activity, what: &str) -> &'a TraceEvent {
    trace
        .iter()
        .find(|e| e.activity == Some(activity) && e.what == what)
        .unwrap_or_else(|| panic!("no {activity:?} {what}"))
}

fn count(trace: &[TraceEvent], activity: Activity, what: &str) -> usize {
    trace
        .iter()
        .filter(|e| e.activity == Some(activity) && e.what == what)
        .count()
}

/// `day` works 09:00-17:00 on weekdays with an on-call paging from High after 30 min, and
/// triages; ops does the rest.
fn day_triages() -> String {
    ops_model(
        ALL_KINDS_OPS,
        OPS_DECIDES,
        SURE,
        r#"(id: "day", coverage: BusinessHours(start: "09:00", end: "17:00",
            on_call: (page_latency: "30m", min_severity: High))),"#,
    )
    .replace(
        r#"triage: (r: ["ops"], a: ["ops"])"#,
        r#"triage: (r: ["day"], a: ["day"])"#,
    )
}

/// Saturday 01:45: `use` done 600 (medium signal), ops detects 600..900, triage is ready for
/// `day` at 900 (02:00): medium does not page. `later` completes at 600 + 3900 = 4500 (03:00)
/// with a high signal: the severity rises, the queued triage now pages at 4500, the on-call
/// answers at 6300 and starts it. Its 5400 s wait: 3600 off hours before the page, 1800 paging.
#[test]
fn severity_rise_pages_work_already_queued_out_of_hours() {
    let later = r#", signals: [(kind: Generic, plane: CloudIam, probability: 1.0, severity: High, credential: "key")]"#;
    let sc = scenario(&two_stage_scenario("65m", later, ""));
    let m = model(&day_triages());
    let (met, trace) = run_one(&sc, &m, 1, 0);
    let start = first(&trace, Activity::Triage, "started");
    assert_eq!(start.time, 6300);
    assert_eq!(start.team, m.team_index("day"));
    assert_eq!(start.waits[WaitCause::Paging.index()], 1800);
    assert_eq!(start.waits[WaitCause::OffHours.index()], 3600);
    assert_eq!(start.waits[WaitCause::Queue.index()], 0);
    assert_eq!(met.time_to_declare, Some(6900));
    assert!(trace
        .iter()
        .any(|e| e.time == 4500 && e.what == "incident severity rises to high"));
}

/// The same without the rise: the medium triage waits for Monday 09:00 (55 h after 02:00).
#[test]
fn without_a_rise_medium_work_waits_for_the_shift() {
    let later = r#", signals: [(kind: Generic, plane: CloudIam, probability: 1.0, severity: Medium, credential: "key")]"#;
    let sc = scenario(&two_stage_scenario("65m", later, ""));
    let (_, trace) = run_one(&sc, &model(&day_triages()), 1, 0);
    assert_eq!(
        first(&trace, Activity::Triage, "started").time,
        900 + 55 * 3600
    );
}

/// ops does everything but confirm_business, which `biz` does on weekdays 09:00-17:00 (no
/// on-call); `lead` (always on) approves in an emergency from High.
fn emergency_model(lead_coverage: &str, policy: &str) -> String {
    ops_model(
        ALL_KINDS_OPS,
        OPS_DECIDES,
        &format!(r#"{SURE}, emergency_containment: (team: "lead", min_severity: High){policy}"#),
        &format!(
            r#"(id: "lead", coverage: {lead_coverage}),
               (id: "biz", coverage: BusinessHours(start: "09:00", end: "17:00")),"#
        ),
    )
    .replace(
        r#"confirm_business: (r: ["ops"])"#,
        r#"confirm_business: (r: ["biz"])"#,
    )
}

/// Saturday 01:45: detect 600..900, triage 900..1500, scope 1500..2400: approval pending at
/// 2400 at medium severity (no emergency); validate 2400..3600; confirm waits for Monday.
/// `later` completes at 600 + 2400 = 3000 during the incident and raises it to High (by its own
/// severity, or by its damage reaching the threshold): emergency approval is requested at once,
/// lead approves 3000..3300, ops revokes 3300..3900. The close drops the pending confirm.
#[test]
fn severity_rise_requests_emergency_containment_at_that_moment() {
    let by_stage = two_stage_scenario("40m", ", severity: High", "");
    let by_damage = two_stage_scenario(
        "40m",
        ", damage: 100",
        "damage_severity: [(damage: 50, severity: Low), (damage: 100, severity: High)],",
    );
    let m = model(&emergency_model("AlwaysOn", ""));
    for text in [by_stage, by_damage] {
        let sc = scenario(&text);
        let (met, trace) = run_one(&sc, &m, 1, 0);
        let note = trace
            .iter()
            .find(|e| e.what.starts_with("emergency containment"))
            .expect("emergency requested");
        assert_eq!(note.time, 3000);
        let approve = first(&trace, Activity::ApproveContainment, "started");
        assert_eq!((approve.time, approve.team), (3000, m.team_index("lead")));
        assert_eq!(met.time_to_first_revocation, Some(3900));
        assert_eq!(met.time_to_containment, Some(3900));
        // validate still runs; confirm waits for Monday, but evidence 3900..4200, verify
        // 4200..4800 and close 4800..5100 come first: the closed incident drops it.
        assert_eq!(
            first(&trace, Activity::ValidateEntitlement, "started").time,
            2400
        );
        assert_eq!(met.time_to_first_close, Some(5100));
        assert_eq!(count(&trace, Activity::ConfirmBusiness, "started"), 0);
        assert_eq!(met.stalls, 0, "dropped, not abandoned");
        assert_eq!(count(&trace, Activity::ApproveContainment, "started"), 1);
        assert_eq!(met.revocations, 1);
    }
}

/// The same stage severity before the declaration changes nothing (it applies only while the
/// incident is declared and not closed); `later` at 600 + 300 = 900 precedes triage's end.
/// Without a rise, approval waits for confirm on Monday 09:00 = 198900..200700, approve
/// 200700..201000, revoke 201000..201600.
#[test]
fn stage_severity_before_the_declaration_does_not_count() {
    let sc = scenario(&two_stage_scenario("5m", ", severity: High", ""));
    let m = model(&emergency_model("AlwaysOn", ""));
    let (met, trace) = run_one(&sc, &m, 1, 0);
    assert!(!trace.iter().any(|e| e.what.starts_with("emergency")));
    assert_eq!(met.time_to_first_revocation, Some(201_600));
}

/// The emergency approval and the normal one race. Emergency applies from Medium, so it is
/// requested at the end of scope (2400), but lead works weekdays only and it is Saturday.
/// ops validates 2400..3600 and confirms 2400..4200; the normal approval runs 4200..4500 and
/// wins: revoke 4500..5100. The emergency approval is dropped: never started, not abandoned,
/// no stall.
#[test]
fn the_first_approval_wins_and_the_other_is_dropped() {
    let text = emergency_model(r#"BusinessHours(start: "09:00", end: "17:00")"#, "")
        .replace("min_severity: High", "min_severity: Medium")
        .replace(
            r#"confirm_business: (r: ["biz"])"#,
            r#"confirm_business: (r: ["ops"])"#,
        );
    let m = model(&text);
    let sc = scenario(&two_stage_scenario("40m", "", ""));
    let (met, trace) = run_one(&sc, &m, 1, 0);
    let note = trace
        .iter()
        .find(|e| e.what.starts_with("emergency containment"))
        .expect("emergency requested");
    assert_eq!(note.time, 2400);
    let approve = first(&trace, Activity::ApproveContainment, "started");
    assert_eq!((approve.time, approve.team), (4200, m.team_index("ops")));
    assert_eq!(count(&trace, Activity::ApproveContainment, "started"), 1);
    assert_eq!(
        trace
            .iter()
            .filter(|e| e.what == "containment approved")
            .count(),
        1
    );
    assert_eq!(met.time_to_first_revocation, Some(5100));
    assert_eq!(met.stalls, 0);
}

/// A benign run under emergency containment (from Medium): scope 1500..2400 finds key and its
/// sibling; lead approves 2400..2700; `rev` (one person, 1 h per revocation) revokes key
/// 2700..6300 while the sibling waits. confirm (ops) 2400..4200 recognises legitimate work:
/// closed as benign; the sibling's revoke is dropped (never started, not abandoned, no stall);
/// key's revocation finishes at 6300 and stays wrongful, with no evidence capture after it.
#[test]
fn benign_run_recognised_after_emergency_containment_drops_pending_revocations() {
    let text = ops_model(
        r#"ApiKey: (r: ["rev"])"#,
        OPS_DECIDES,
        r#"triage_accuracy: 1.0, triage_specificity: 0.0, verify_accuracy: 1.0,
           business_recognition: 1.0,
           emergency_containment: (team: "lead", min_severity: Medium)"#,
        r#"(id: "lead", coverage: AlwaysOn), (id: "rev", staff: 1, coverage: AlwaysOn),"#,
    )
    .replace(r#"revoke: Fixed("10m")"#, r#"revoke: Fixed("1h")"#);
    let m = model(&text);
    let sc = scenario(
        &chain_scenario("ApiKey", "0s", r#"At(day: Mon, time: "09:00")"#)
            .replace(
                r#"held_at_start: true, residual_validity: "0s")],"#,
                r#"held_at_start: true, residual_validity: "0s"),
                   (id: "sibling", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true)],"#,
            )
            .replace(r#"horizon: "30d","#, r#"horizon: "30d", benign_share: 1.0,"#),
    );
    let (met, trace) = run_one(&sc, &m, 1, 0);
    assert!(!met.attack);
    assert_eq!(
        first(&trace, Activity::ApproveContainment, "started").time,
        2400
    );
    assert_eq!(
        first(&trace, Activity::ValidateEntitlement, "started").time,
        2400
    );
    let benign = trace
        .iter()
        .find(|e| e.what.contains("closed as benign"))
        .expect("recognised as benign");
    assert_eq!(benign.time, 4200);
    assert_eq!(count(&trace, Activity::Revoke, "started"), 1);
    assert_eq!(met.revocations, 1);
    assert_eq!(met.wrongful_revocations, 1);
    assert_eq!(met.time_to_first_revocation, Some(6300));
    assert_eq!(met.stalls, 0, "dropped, not abandoned");
    assert_eq!(met.missed_revocations, 0);
    assert_eq!(count(&trace, Activity::CaptureEvidence, "started"), 0);
    assert_eq!(met.time_to_first_close, None);
}

/// A paged on-call goes back off shift when it has no paged work: `day` (on-call from Medium,
/// 30 min) triages and revokes. Saturday 01:45: triage ready 900, paged, answered 2700, done
/// 3300: the on-call goes back to sleep. Scope 3300..4200, validate || confirm 4200..6000,
/// approve 6000..6300: the revoke pages again, answered 8100, done 8700.
#[test]
fn paged_team_goes_back_off_shift_and_the_next_page_pays_the_latency_again() {
    let text = ops_model(
        r#"ApiKey: (r: ["day"])"#,
        OPS_DECIDES,
        SURE,
        r#"(id: "day", coverage: BusinessHours(start: "09:00", end: "17:00",
            on_call: (page_latency: "30m", min_severity: Medium))),"#,
    )
    .replace(
        r#"triage: (r: ["ops"], a: ["ops"])"#,
        r#"triage: (r: ["day"], a: ["day"])"#,
    );
    let m = model(&text);
    let sc = scenario(&chain_scenario("ApiKey", "0s", SAT_0145));
    let (met, trace) = run_one(&sc, &m, 1, 0);
    assert_eq!(first(&trace, Activity::Triage, "started").time, 2700);
    let revoke = first(&trace, Activity::Revoke, "started");
    assert_eq!(revoke.time, 8100);
    assert_eq!(revoke.waits[WaitCause::Paging.index()], 1800);
    assert_eq!(met.time_to_first_revocation, Some(8700));
    assert_eq!(wait(&met, WaitCause::Paging), 3600);
}

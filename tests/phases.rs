//! Phase metrics, hand-computed: first compromise, dwell, first and final containment,
//! re-entry, re-detection, reopen and close times, abandoned tasks, the per-credential outcome
//! table, stage completion times in runs.csv and `--json`, and the phase on trace events.

use raci_sim::analysis::compare::compare;
use raci_sim::domain::WaitCause;
use raci_sim::engine::batch::{run_batch, BatchOptions};
use raci_sim::engine::metrics::RunPhase;
use raci_sim::engine::DEFAULT_MAX_EVENTS;
use raci_sim::output::report::{Exporter, RunsCsv};
use raci_sim::output::Report;

use crate::common::*;

const OPS_DECIDES: &str = r#"(r: ["ops"], a: ["ops"])"#;
const API_OPS: &str = r#"ApiKey: (r: ["ops"])"#;

/// `key` is held at start; stage `use` (0..600) is always seen. Stage `return` needs nothing,
/// starts when `use` is done (600) and completes 3 h later (11400) granting `key2`, always
/// seen; it repeats only after the horizon.
const RE_ENTRY: &str = r#"Scenario(
    name: "re-entry",
    summary: "test scenario",
    identities: [(id: "svc", kind: ServiceAccount), (id: "svc2", kind: ServiceAccount)],
    credentials: [
        (id: "key", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true,
         residual_validity: "0s"),
        (id: "key2", kind: ApiKey, plane: CloudIam, identity: "svc2", residual_validity: "0s"),
    ],
    stages: [
        (id: "use", needs: ["key"], duration: Fixed("10m"),
         signals: [(kind: Generic, plane: CloudIam, probability: 1.0, severity: Medium)]),
        (id: "return", after: ["use"], duration: Fixed("3h"), grants: ["key2"],
         repeat: Fixed("40d"),
         signals: [(kind: Generic, plane: CloudIam, probability: 1.0, severity: Medium,
                    credential: "key2")]),
    ],
    start: At(day: Mon, time: "09:00"),
    horizon: "30d",
)"#;

/// First incident (as in cases.rs (a)): signal seen 600, detect 600..900, triage 900..1500,
/// scope 1500..2400, validate/confirm 2400..4200, approve 4200..4500, revoke `key`
/// 4500..5100: contained at T1 = 5100 (residual 0). Evidence 5100..5400, verify 5400..6000,
/// close 6000..6300.
/// Re-entry: `return` completes at T2 = 11400 and grants `key2`; its signal is seen at 11400
/// (re-detection 11400 - 6300 = 5100). Detect 11400..11700, triage 11700..12300 (reopened),
/// scope 12300..13200, validate/confirm ..15000, approve 15000..15300, revoke `key2`
/// 15300..15900: contained again at T3 = 15900. Evidence ..16200, verify ..16800, close
/// 16800..17100.
#[test]
fn contained_re_entered_and_contained_again_at_the_hand_computed_times() {
    let sc = scenario(RE_ENTRY);
    let m = model(&ops_model(API_OPS, OPS_DECIDES, SURE, ""));
    let (met, trace) = run_one(&sc, &m, 1, 0);
    assert!(met.attack);
    assert_eq!(met.first_compromise, Some(0), "held at start");
    assert_eq!(met.dwell, Some(600), "compromised at 0, signal seen at 600");
    assert_eq!(met.time_to_containment, Some(5100), "first containment T1");
    assert_eq!(met.time_to_first_close, Some(6300));
    assert_eq!(met.re_entries, 1);
    assert_eq!(met.time_to_first_re_entry, Some(11_400), "re-entry T2");
    assert_eq!(met.re_detection, Some(11_400 - 6300));
    assert_eq!(met.reopened, 1);
    assert_eq!(met.time_to_first_reopen, Some(12_300));
    assert_eq!(
        met.time_to_final_eviction,
        Some(15_900),
        "final eviction T3"
    );
    assert_eq!(met.time_to_final_close, Some(17_100));
    assert_eq!(met.final_phase, RunPhase::Contained);
    // The phase on the trace, at the moments it changes.
    let phase_at = |t: u64| trace.iter().rfind(|e| e.time <= t).unwrap().phase;
    // The first event: `use` completes at 600, before its signal is seen.
    assert_eq!((trace[0].time, trace[0].phase), (600, RunPhase::Dwell));
    assert_eq!(phase_at(600), RunPhase::Response);
    assert_eq!(phase_at(5100), RunPhase::Contained);
    assert_eq!(phase_at(11_400), RunPhase::ReEntry);
    assert_eq!(phase_at(15_900), RunPhase::Contained);
}

/// A run whose attacker is never noticed: no dwell (censored), phase `dwell` at the end.
#[test]
fn an_attack_nobody_sees_stays_in_dwell() {
    let text = RE_ENTRY.replace("probability: 1.0", "probability: 0.0");
    let (met, _) = run_one(
        &scenario(&text),
        &model(&ops_model(API_OPS, OPS_DECIDES, SURE, "")),
        1,
        0,
    );
    assert_eq!(met.first_compromise, Some(0));
    assert_eq!(met.dwell, None);
    assert_eq!(met.time_to_containment, None);
    assert_eq!(
        met.time_to_final_eviction, None,
        "holds key and key2 at the horizon"
    );
    assert_eq!(met.re_entries, 0);
    assert_eq!(met.final_phase, RunPhase::Dwell);
}

/// Nobody owns revoking API keys and there is no escalation: the revoke task of `key` is
/// abandoned at 4500. It counts as an abandoned task and a stall, and adds no wait: every
/// other task starts the moment it is ready (ops is always on), so every wait is 0 s (it was
/// 30 d - 4500 s of unowned wait before).
#[test]
fn an_abandoned_task_adds_no_wait() {
    let sc = scenario(&chain_scenario(
        "ApiKey",
        "0s",
        r#"At(day: Mon, time: "09:00")"#,
    ));
    let m = model(&ops_model(r#"Secret: (r: ["ops"])"#, OPS_DECIDES, SURE, ""));
    let (met, _) = run_one(&sc, &m, 1, 0);
    assert_eq!(met.abandoned, 1);
    assert_eq!(met.abandoned_by_cause[WaitCause::Unowned.index()], 1);
    assert_eq!(met.stalls, 1);
    assert_eq!(met.stall_wait, 0);
    assert_eq!(met.wait_by_cause, [0; WaitCause::COUNT]);
    assert_eq!(
        met.final_phase,
        RunPhase::Response,
        "attacker still inside, known"
    );
}

/// `key` (svc) and `side` (svc2) are used by stages, `orphan` (svc3, a Secret nobody may
/// revoke) is only held. `use` 0..600 is seen: detect ..900, triage ..1500, scope
/// 1500..2400 finds `key` (not `side`: another identity). `more` (needs side) completes at
/// 1800 while scoping: a later detection 1800..2100 whose scope 2100..3000 finds `side`.
/// Approve 4200..4500 tasks both: revoked by ops at 5100. Verify 5400..6000 finds `orphan`:
/// its revoke is unowned and abandoned, so it is missed at the first close.
const OUTCOMES: &str = r#"Scenario(
    name: "outcomes",
    summary: "test scenario",
    identities: [(id: "svc", kind: ServiceAccount), (id: "svc2", kind: ServiceAccount),
                 (id: "svc3", kind: ServiceAccount)],
    credentials: [
        (id: "key", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true),
        (id: "side", kind: ApiKey, plane: CloudIam, identity: "svc2", held_at_start: true),
        (id: "orphan", kind: Secret, plane: Database, identity: "svc3", held_at_start: true),
    ],
    stages: [
        (id: "use", needs: ["key"], duration: Fixed("10m"),
         signals: [(kind: Generic, plane: CloudIam, probability: 1.0)]),
        (id: "more", needs: ["side"], duration: Fixed("30m"),
         signals: [(kind: Generic, plane: CloudIam, probability: 1.0)]),
    ],
    start: At(day: Mon, time: "09:00"),
    horizon: "30d",
)"#;

#[test]
fn credential_outcomes_count_what_happened_to_each_credential() {
    let sc = scenario(OUTCOMES);
    let m = model(&ops_model(API_OPS, OPS_DECIDES, SURE, ""));
    let opts = BatchOptions {
        first: 0,
        runs: 7,
        seed: 3,
        keep_runs: false,
        max_events: DEFAULT_MAX_EVENTS,
    };
    let b = run_batch(&sc, &m, opts, |_| {}).unwrap();
    let o = &b.breakdown.credentials;
    // key, side, orphan; 7 attack runs, every one alike.
    assert_eq!(o.held, vec![7, 7, 7]);
    assert_eq!(o.revoked, vec![7, 7, 0]);
    assert_eq!(o.revoke_seconds, vec![7 * 5100, 7 * 5100, 0]);
    assert_eq!(o.revoked_by_team, vec![7, 7, 0], "ops is the only team");
    assert_eq!(o.found_by_later_detection, vec![0, 7, 0]);
    assert_eq!(o.found_by_verify, vec![0, 0, 7]);
    assert_eq!(o.missed_at_close, vec![0, 0, 7]);
    assert_eq!(b.summary.abandoned_total, 7);
}

/// Stage first-completion times reach runs.csv (`stage_<id>_done`) and `--json`.
#[test]
fn stage_completion_times_are_in_runs_csv_and_json() {
    let sc = scenario(RE_ENTRY);
    let m = model(&ops_model(API_OPS, OPS_DECIDES, SURE, ""));
    let c = compare(
        vec![sc.clone()],
        vec![m.clone()],
        0,
        2,
        1,
        Default::default(),
        DEFAULT_MAX_EVENTS,
        |_| {},
    )
    .unwrap();
    let csv = RunsCsv.render(&Report {
        comparison: &c,
        inputs: &[],
        command_line: &[],
        extra: &[],
        lint: &[],
        improvement: None,
    });
    let mut r = csv::Reader::from_reader(csv.as_slice());
    let h = r.headers().unwrap().clone();
    let col = |name: &str| {
        h.iter()
            .position(|x| x == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert_eq!(&row[col("stage_use_done")], "600");
        assert_eq!(&row[col("stage_return_done")], "11400");
        assert_eq!(&row[col("time_to_containment_seconds")], "5100");
        assert_eq!(&row[col("time_to_final_eviction_seconds")], "15900");
        assert_eq!(&row[col("re_entries")], "1");
        assert_eq!(&row[col("dwell_seconds")], "600");
        assert_eq!(&row[col("final_phase")], "contained");
    }
    let opts = BatchOptions {
        first: 0,
        runs: 2,
        seed: 1,
        keep_runs: true,
        max_events: DEFAULT_MAX_EVENTS,
    };
    let b = run_batch(&sc, &m, opts, |_| {}).unwrap();
    let doc: serde_json::Value =
        serde_json::from_str(&raci_sim::output::text::run_json(&b, &sc, &m)).unwrap();
    let run = &doc["runs"][1];
    assert_eq!(run["stages"][0]["stage"], "use");
    assert_eq!(run["stages"][0]["done_seconds"], 600);
    assert_eq!(run["stages"][1]["done_seconds"], 11_400);
    assert_eq!(run["time_to_first_re_entry_seconds"], 11_400);
    assert_eq!(doc["credentials"][1]["credential"], "key2");
    assert_eq!(doc["credentials"][1]["revoked"], 2);
}

/// A stage that never completes leaves its column empty.
#[test]
fn a_stage_never_completed_has_an_empty_time() {
    let text = RE_ENTRY.replace("Fixed(\"3h\")", "Fixed(\"31d\")");
    let sc = scenario(&text);
    let m = model(&ops_model(API_OPS, OPS_DECIDES, SURE, ""));
    let opts = BatchOptions {
        first: 0,
        runs: 1,
        seed: 1,
        keep_runs: true,
        max_events: DEFAULT_MAX_EVENTS,
    };
    let b = run_batch(&sc, &m, opts, |_| {}).unwrap();
    assert_eq!(b.stage_done.run(0), &[Some(600), None]);
    assert_eq!(b.runs[0].time_to_final_eviction, Some(5100));
    assert_eq!(b.runs[0].re_entries, 0);
}

/// Event logs carry the phase at each record's timestamp: in the re-entry run, detect (done
/// 900) and the first revoke (done 5100, the moment of containment) are `response` and
/// `contained`; the second incident's detect (done 11700) is `re_entry`; its revoke (15900)
/// `contained`. XES, CSV and OCEL all carry it.
#[test]
fn event_logs_carry_the_phase_of_each_record() {
    use raci_sim::domain::Activity;
    use raci_sim::output::eventlog::{render, traced_runs, CaseNotion, Format};
    let sc = scenario(RE_ENTRY);
    let m = model(&ops_model(API_OPS, OPS_DECIDES, SURE, ""));
    let runs = traced_runs(&sc, &m, 1, 1, DEFAULT_MAX_EVENTS).unwrap();
    let tasks = &runs[0].1;
    let phases: Vec<(Activity, &str)> = tasks
        .iter()
        .filter(|t| matches!(t.activity, Activity::Detect | Activity::Revoke))
        .map(|t| (t.activity, t.phase.name()))
        .collect();
    assert_eq!(
        phases,
        [
            (Activity::Detect, "response"),
            (Activity::Revoke, "contained"),
            (Activity::Detect, "re_entry"),
            (Activity::Revoke, "contained"),
        ]
    );
    let xes = render(Format::Xes, CaseNotion::Task, tasks, &sc, &m).unwrap();
    let xes = String::from_utf8(xes).unwrap();
    let events = xes.matches("<event>").count();
    // Every event carries it (the log's header declares it once more, as a global).
    let body = &xes[xes.find("<trace>").unwrap()..];
    assert_eq!(body.matches(r#"key="raci:phase""#).count(), events);
    assert!(xes.contains(r#"<string key="raci:phase" value="re_entry"/>"#));
    let csv = render(Format::Csv, CaseNotion::Incident, tasks, &sc, &m).unwrap();
    assert!(String::from_utf8(csv)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .ends_with(",raci:phase"));
    let ocel = render(Format::Ocel, CaseNotion::Incident, tasks, &sc, &m).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&ocel).unwrap();
    let first = &doc["events"][0]["attributes"];
    assert!(first
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["name"] == "phase"));
}

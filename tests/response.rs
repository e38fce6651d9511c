//! Hand-computed cases of the response actions (issue 14): inventory status, credential owner,
//! rotate-all, incremental revocation and revoke effort by team and kind. Fixed durations and
//! probabilities of 0 or 1; times in the comments are seconds since the attack started.
//!
//! The base timeline (tests/cases.rs case (a)): stage done 600 -> detect 600..900 -> triage
//! 900..1500 (declared 1500) -> scope 1500..2400 -> validate 2400..3600 || confirm 2400..4200
//! -> approve 4200..4500 -> revoke 4500..5100 -> evidence 5100..5400 -> verify 5400..6000 ->
//! close 6000..6300.

use raci_sim::domain::{Activity, CredentialKind, WaitCause};
use raci_sim::engine::TraceEvent;

use crate::common::*;

const OPS_DECIDES: &str = r#"(r: ["ops"], a: ["ops"])"#;
const API_KEYS_OPS: &str = r#"ApiKey: (r: ["ops"])"#;

/// `key` (known, held) and two more API keys of the same identity, `old1` and `old2`, held
/// since the start with inventory `inv`. Stage `use` needs `key`, done at 600, alerts on it
/// with `severity`. `more` adds stages.
fn three_keys(inv: &str, severity: &str, more: &str) -> String {
    format!(
        r#"Scenario(
    name: "three-keys",
    summary: "test scenario",
    identities: [(id: "svc", kind: ServiceAccount)],
    credentials: [
        (id: "key", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true),
        (id: "old1", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true,
         inventory: {inv}),
        (id: "old2", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true,
         inventory: {inv}),
    ],
    stages: [
        (id: "use", needs: ["key"], duration: Fixed("10m"),
         signals: [(kind: Generic, plane: CloudIam, probability: 1.0, severity: {severity})]),
        {more}
    ],
    start: At(day: Mon, time: "09:00"),
    horizon: "30d",
)"#
    )
}

/// The ops-only model with `policy` added to the sure policy.
fn ops(policy: &str) -> String {
    ops_model(API_KEYS_OPS, OPS_DECIDES, &format!("{SURE}, {policy}"), "")
}

/// When the first task of `activity` started, and by which team.
fn started(trace: &[TraceEvent], activity: Activity) -> Option<(u64, Option<usize>)> {
    trace
        .iter()
        .find(|e| e.activity == Some(activity) && e.what == "started")
        .map(|e| (e.time, e.team))
}

/// Every start of a task of `activity`, in time order.
fn starts(trace: &[TraceEvent], activity: Activity) -> Vec<u64> {
    trace
        .iter()
        .filter(|e| e.activity == Some(activity) && e.what == "started")
        .map(|e| e.time)
        .collect()
}

/// Believed-unused credentials are skipped by scope and, unused since the declaration, not
/// found by verify: both are missed together at the 6300 close. Known ones are all found.
#[test]
fn believed_unused_credentials_are_missed_together() {
    let m = model(&ops(""));
    let (met, _) = run_one(
        &scenario(&three_keys("BelievedUnused", "Medium", "")),
        &m,
        1,
        0,
    );
    assert_eq!(met.time_to_first_close, Some(6300));
    assert_eq!(met.revocations, 1);
    assert_eq!(met.missed_revocations, 2);
    assert_eq!(met.missed_by_kind[CredentialKind::ApiKey.index()], 2);
    assert!(met.false_closure);
    assert_eq!(met.time_to_containment, None);
    // Unknown behaves the same here.
    let (met, _) = run_one(&scenario(&three_keys("Unknown", "Medium", "")), &m, 1, 0);
    assert_eq!(met.missed_revocations, 2);
    // Known: scope finds all three (accuracy 1.0), revoked together 4500..5100.
    let (met, _) = run_one(&scenario(&three_keys("Known", "Medium", "")), &m, 1, 0);
    assert_eq!(met.missed_revocations, 0);
    assert_eq!(met.revocations, 3);
    assert_eq!(met.time_to_containment, Some(5100));
}

/// `old1` is used by stage `use-old` (600..4200) after the 1500 declaration: verify
/// 5400..6000 finds it; revoke 6000..6600, evidence 6600..6900, verify again 6900..7500,
/// close 7500..7800. `old2` was never used: still missed.
#[test]
fn verify_finds_a_believed_unused_credential_only_after_the_attacker_used_it() {
    let more = r#"(id: "use-old", after: ["use"], needs: ["old1"], duration: Fixed("1h")),"#;
    let m = model(&ops(""));
    let (met, trace) = run_one(
        &scenario(&three_keys("BelievedUnused", "Medium", more)),
        &m,
        1,
        0,
    );
    assert_eq!(starts(&trace, Activity::Revoke), vec![4500, 6000]);
    assert_eq!(met.time_to_first_close, Some(7800));
    assert_eq!(met.revocations, 2);
    assert_eq!(met.missed_revocations, 1);
    // Used before the declaration only (use-old done at 1200 < 1500): not found.
    let before = r#"(id: "use-old", after: ["use"], needs: ["old1"], duration: Fixed("10m")),"#;
    let (met, _) = run_one(
        &scenario(&three_keys("BelievedUnused", "Medium", before)),
        &m,
        1,
        0,
    );
    assert_eq!(met.missed_revocations, 2);
}

/// Severity Critical at approval (4500): `key` is revoked 4500..5100 and the sweep rotates
/// `old1` and `old2` 4500..5100 (no rotate_all row: the ApiKey revoke row; no rotate_all
/// effort: the revoke effort). Evidence (for `key` only) 5100..5400, verify 5400..6000,
/// close 6000..6300.
#[test]
fn rotate_all_at_critical_rotates_both_believed_unused_credentials() {
    let policy = "rotate_all: (from_severity: Critical, planes: [CloudIam])";
    let m = model(&ops(policy));
    let (met, trace) = run_one(
        &scenario(&three_keys("BelievedUnused", "Critical", "")),
        &m,
        1,
        0,
    );
    assert_eq!(starts(&trace, Activity::RotateAll), vec![4500, 4500]);
    assert_eq!(met.rotations, 2);
    assert_eq!(met.revocations, 1);
    assert_eq!(
        met.wrongful_revocations, 0,
        "rotations in attack runs are not wrongful"
    );
    assert_eq!(met.missed_revocations, 0);
    assert_eq!(met.time_to_containment, Some(5100));
    assert_eq!(met.time_to_first_close, Some(6300));
    // Below the threshold nothing is rotated.
    let (met, _) = run_one(
        &scenario(&three_keys("BelievedUnused", "High", "")),
        &m,
        1,
        0,
    );
    assert_eq!((met.rotations, met.missed_revocations), (0, 2));
    // A plane the policy does not name is not covered; unknown credentials never are.
    let other = model(&ops(
        "rotate_all: (from_severity: Critical, planes: [Saas])",
    ));
    let (met, _) = run_one(
        &scenario(&three_keys("BelievedUnused", "Critical", "")),
        &other,
        1,
        0,
    );
    assert_eq!(met.rotations, 0);
    let (met, _) = run_one(&scenario(&three_keys("Unknown", "Critical", "")), &m, 1, 0);
    assert_eq!((met.rotations, met.missed_revocations), (0, 2));
}

/// A benign run taken to containment (business never recognises it): the revocation and both
/// rotations are wrongful.
#[test]
fn rotations_in_a_benign_run_are_wrongful() {
    let policy =
        "rotate_all: (from_severity: Critical), triage_specificity: 0.0, business_recognition: 0.0";
    let m = model(&ops_model(
        API_KEYS_OPS,
        OPS_DECIDES,
        &format!("triage_accuracy: 1.0, verify_accuracy: 1.0, {policy}"),
        "",
    ));
    let text = three_keys("BelievedUnused", "Critical", "")
        .replace("horizon: \"30d\",", "horizon: \"30d\", benign_share: 1.0,");
    let (met, _) = run_one(&scenario(&text), &m, 1, 0);
    assert!(!met.attack);
    assert_eq!((met.revocations, met.rotations), (1, 2));
    assert_eq!(met.wrongful_revocations, 3);
}

/// The severity reaches Critical after approval: stage `escalate` (no needs) completes at
/// 5400 with a Critical signal while containing. The sweep rotates old1 and old2 at once,
/// 5400..6000 (contained at 6000); the late detection 5400..5700 and late scope 5700..6600
/// find nothing new; forced verify 6600..7200; close 7200..7500.
#[test]
fn rotate_all_runs_when_severity_reaches_the_threshold_after_approval() {
    let more = r#"(id: "escalate", duration: Fixed("90m"),
         signals: [(kind: Generic, plane: CloudIam, probability: 1.0, severity: Critical,
                    credential: "key")]),"#;
    let sc = scenario(&three_keys("BelievedUnused", "Medium", more));
    let m = model(&ops("rotate_all: (from_severity: Critical)"));
    let (met, trace) = run_one(&sc, &m, 1, 0);
    assert_eq!(starts(&trace, Activity::RotateAll), vec![5400, 5400]);
    assert_eq!(met.rotations, 2);
    assert_eq!(met.time_to_containment, Some(6000));
    assert_eq!(met.time_to_first_close, Some(7500));
    assert_eq!(starts(&trace, Activity::Verify), vec![6600]);
    assert_eq!(met.missed_revocations, 0);
    // Without the policy both stay with the attacker.
    let (met, _) = run_one(&sc, &model(&ops("")), 1, 0);
    assert_eq!((met.rotations, met.missed_revocations), (0, 2));
}

/// Closed at 6300 with old1 and old2 missed. Stage `later` uses old1 from 600 to 87000 and
/// alerts on it: detect 87000..87300, triage 87300..87900 declares again; on_reopen rotates
/// old1 and old2 87900..88500 (contained at 88500). Scope 87900..88800 finds nothing untasked;
/// validate 88800..90000 || confirm 88800..90600; approve 90600..90900; verify 90900..91500;
/// close 91500..91800.
#[test]
fn rotate_all_on_reopen_rotates_when_the_incident_is_declared_again() {
    let more = r#"(id: "later", after: ["use"], needs: ["old1"], duration: Fixed("86400s"),
         signals: [(kind: Generic, plane: CloudIam, probability: 1.0)]),"#;
    let sc = scenario(&three_keys("BelievedUnused", "Medium", more));
    let m = model(&ops("rotate_all: (on_reopen: true)"));
    let (met, trace) = run_one(&sc, &m, 1, 0);
    assert_eq!(met.reopened, 1);
    assert_eq!(met.missed_revocations, 2, "counted at the first close");
    assert_eq!(starts(&trace, Activity::RotateAll), vec![87_900, 87_900]);
    assert_eq!(met.rotations, 2);
    assert_eq!(met.time_to_containment, Some(88_500));
    assert_eq!(starts(&trace, Activity::Close), vec![6000, 91_500]);
    // Without rotate-all the reopened scope still finds old1 (the alert names it, whatever its
    // inventory status): revoked 90900..91500; old2 stays with the attacker.
    let (met, trace) = run_one(&sc, &model(&ops("")), 1, 0);
    assert_eq!(starts(&trace, Activity::Revoke), vec![4500, 90_900]);
    assert_eq!(met.time_to_containment, None);
}

/// `owner: "data-platform"`: a model with that team gives it the revoke (R overridden; 4500);
/// a model without it leaves the revoke unowned: abandoned, missed.
#[test]
fn credential_owner_overrides_the_revoke_row_and_an_absent_owner_is_missed() {
    let text = chain_scenario("ApiKey", "0s", r#"At(day: Mon, time: "09:00")"#).replace(
        "residual_validity: \"0s\"",
        "residual_validity: \"0s\", owner: \"data-platform\"",
    );
    let sc = scenario(&text);
    let with = model(&ops_model(
        API_KEYS_OPS,
        OPS_DECIDES,
        SURE,
        r#"(id: "data-platform", staff: 1, coverage: AlwaysOn),"#,
    ));
    let (met, trace) = run_one(&sc, &with, 1, 0);
    assert_eq!(
        started(&trace, Activity::Revoke),
        Some((4500, with.team_index("data-platform")))
    );
    assert_eq!(met.time_to_containment, Some(5100));
    let without = model(&ops(""));
    let (met, _) = run_one(&sc, &without, 1, 0);
    assert_eq!(met.missed_revocations, 1);
    assert_eq!(met.stalls_by_cause[WaitCause::Unowned.index()], 1);
    assert_eq!(met.time_to_containment, None);
}

/// Incremental revocation with scope taking 2h (1500..8700): `key`, named by the alert, is
/// found at 1500 and the approval path starts then: validate 1500..2700 || confirm
/// 1500..3300, approve 3300..3600, revoke `key` 3600..4200, long before scope ends. `other`
/// is found at a time in [1500, 8700) and revoked at max(3600, that time).
#[test]
fn incremental_revocation_revokes_before_scope_ends() {
    let text = chain_scenario("ApiKey", "0s", r#"At(day: Mon, time: "09:00")"#).replace(
        "held_at_start: true, residual_validity: \"0s\")",
        "held_at_start: true, residual_validity: \"0s\"),
         (id: \"other\", kind: ApiKey, plane: CloudIam, identity: \"svc\", held_at_start: true)",
    );
    let sc = scenario(&text);
    let m = model(
        &ops("incremental_revocation: true")
            .replace("scope: Fixed(\"15m\")", "scope: Fixed(\"2h\")"),
    );
    for run in 0..20 {
        let (met, trace) = run_one(&sc, &m, 3, run);
        assert_eq!(met.time_to_first_revocation, Some(4200), "run {run}");
        assert_eq!(starts(&trace, Activity::ValidateEntitlement), vec![1500]);
        let found = trace
            .iter()
            .find(|e| e.what == "scope finds credential `other`")
            .expect("other found")
            .time;
        assert!((1500..8700).contains(&found), "run {run}: {found}");
        assert_eq!(
            starts(&trace, Activity::Revoke),
            vec![3600, found.max(3600)],
            "run {run}"
        );
        assert_eq!(met.missed_revocations, 0);
        // Verify waits for the scope: not before 8700.
        assert!(starts(&trace, Activity::Verify)[0] >= 8700, "run {run}");
    }
    // Without it: scope 1500..8700, validate 8700..9900 || confirm 8700..10500, approve
    // 10500..10800, revoke 10800..11400.
    let m = model(&ops("").replace("scope: Fixed(\"15m\")", "scope: Fixed(\"2h\")"));
    let (met, _) = run_one(&sc, &m, 3, 0);
    assert_eq!(met.time_to_first_revocation, Some(11_400));
}

/// Revoke effort: team `revoke_effort` (30m) over `effort.revoke_by_kind` (20m) over
/// `effort.revoke` (10m). Revoke starts at 4500.
#[test]
fn revoke_effort_takes_team_then_kind_then_default() {
    let sc = scenario(&chain_scenario(
        "ApiKey",
        "0s",
        r#"At(day: Mon, time: "09:00")"#,
    ));
    let by_kind = |text: String| {
        text.replace(
            "sign_off: Fixed(\"1m\"),",
            "sign_off: Fixed(\"1m\"), revoke_by_kind: {ApiKey: Fixed(\"20m\"), Secret: Fixed(\"1h\")},",
        )
    };
    let team = |text: String| {
        text.replace(
            "Database: 1.0}),",
            "Database: 1.0}, revoke_effort: {ApiKey: Fixed(\"30m\")}),",
        )
    };
    let base = ops("");
    let cases = [
        (base.clone(), 4500 + 600),
        (by_kind(base.clone()), 4500 + 1200),
        (team(by_kind(base.clone())), 4500 + 1800),
        (team(base.clone()), 4500 + 1800),
    ];
    for (i, (text, revoked)) in cases.into_iter().enumerate() {
        let (met, _) = run_one(&sc, &model(&text), 1, 0);
        assert_eq!(met.time_to_first_revocation, Some(revoked), "case {i}");
    }
    // The table is resolved at load: other kinds keep their own.
    let m = model(&team(by_kind(base)));
    assert_eq!(
        m.revoke_effort(0, CredentialKind::Secret),
        &raci_sim::domain::duration::Dist::Fixed(3600)
    );
    assert_eq!(
        m.revoke_effort(0, CredentialKind::Session),
        &raci_sim::domain::duration::Dist::Fixed(600)
    );
}

/// `raci.rotate_all` names who rotates and `effort.rotate_all` how long: rotations by `iam`
/// 4500..4560 (1m), while `key` is revoked by ops 4500..5100.
#[test]
fn rotate_all_row_and_effort_apply_to_rotations() {
    let text = ops_model(
        API_KEYS_OPS,
        OPS_DECIDES,
        &format!("{SURE}, rotate_all: (from_severity: High)"),
        r#"(id: "iam", staff: 5, coverage: AlwaysOn),"#,
    )
    .replace(
        "close: (r: [\"ops\"], a: [\"ops\"]),",
        "close: (r: [\"ops\"], a: [\"ops\"]), rotate_all: (r: [\"iam\"]),",
    )
    .replace(
        "sign_off: Fixed(\"1m\"),",
        "sign_off: Fixed(\"1m\"), rotate_all: Fixed(\"1m\"),",
    );
    let m = model(&text);
    let (met, trace) = run_one(
        &scenario(&three_keys("BelievedUnused", "High", "")),
        &m,
        1,
        0,
    );
    assert_eq!(
        started(&trace, Activity::RotateAll),
        Some((4500, m.team_index("iam")))
    );
    let done: Vec<u64> = trace
        .iter()
        .filter(|e| e.activity == Some(Activity::RotateAll) && e.what == "done")
        .map(|e| e.time)
        .collect();
    assert_eq!(done, vec![4560, 4560]);
    assert_eq!(met.rotations, 2);
    assert_eq!(met.time_to_containment, Some(5100));
}

/// The severity reaches Critical while verify runs (5400..6000): stage `escalate` completes at
/// 5700. The sweep rotates old1 and old2 5700..6300 and forces another verification: the late
/// detection 5700..6000 and late scope 6000..6900 find nothing new; verify again 6900..7500
/// (forced: nothing else asked for it); close 7500..7800.
#[test]
fn a_rotate_all_sweep_forces_a_verification() {
    let more = r#"(id: "escalate", duration: Fixed("95m"),
         signals: [(kind: Generic, plane: CloudIam, probability: 1.0, severity: Critical,
                    credential: "key")]),"#;
    let sc = scenario(&three_keys("BelievedUnused", "Medium", more));
    let m = model(&ops("rotate_all: (from_severity: Critical)"));
    let (met, trace) = run_one(&sc, &m, 1, 0);
    assert_eq!(starts(&trace, Activity::RotateAll), vec![5700, 5700]);
    assert_eq!(starts(&trace, Activity::Verify), vec![5400, 6900]);
    assert_eq!(met.time_to_first_close, Some(7800));
    assert_eq!(met.time_to_containment, Some(6300));
}

/// A tabletop pack of a run whose credential names an owner the model lacks asks who would
/// revoke it, and lists the gap for the after-action review.
#[test]
fn a_tabletop_pack_asks_who_revokes_a_credential_whose_owner_is_missing() {
    use raci_sim::output::tabletop::{build_pack, play, Pick};
    let text = chain_scenario("ApiKey", "0s", r#"At(day: Mon, time: "09:00")"#).replace(
        "residual_validity: \"0s\"",
        "residual_validity: \"0s\", owner: \"data-platform\"",
    );
    let sc = scenario(&text);
    let model_text = ops("");
    let m = model(&model_text);
    let played = play(&sc, &m, 1, 0, 1_000_000).unwrap();
    assert_eq!(played.metrics.missed_revocations, 1);
    let pack = build_pack(
        &sc,
        &m,
        ("test-model.ron", &model_text),
        &played,
        Pick::Run(0),
        1,
        None,
    )
    .expect("the run fills the modules");
    let guide = pack_file(&pack, "facilitator/handbook.md");
    assert!(
        guide.contains("key is owned by \"data-platform\", a team this model does not have; who would revoke it?"),
        "{guide}"
    );
    let aar = pack_file(&pack, "facilitator/after-action-report.md");
    assert!(
        aar.contains("key is owned by a team that does not exist (data-platform)"),
        "{aar}"
    );
    assert!(!guide.contains("Missed class"), "{guide}");
}

//! Hand-computed cases of issue 14's attack and signal rules: initial access, telemetry,
//! external reports and intake, templates, re-theft, `open_until`, `needs_any` and replay
//! pinning. Efforts are those of `common::EFFORT` (intake 5 min); times are seconds since the
//! run started.

use raci_sim::domain::{Activity, WaitCause};

use crate::common::*;

const KINDS: &str = r#"ApiKey: (r: ["ops"]), Password: (r: ["ops"]), ConsentGrant: (r: ["ops"])"#;
const OPS_DECIDES: &str = r#"(r: ["ops"], a: ["ops"])"#;

/// `ops_model` with an intake row (`intake` is the list's body, may be empty) and intake effort
/// 5 min; `extra` teams and `policy` spliced in.
fn intake_model(intake: &str, policy: &str, extra: &str) -> String {
    ops_model(KINDS, OPS_DECIDES, policy, extra)
        .replace(
            r#"close: (r: ["ops"], a: ["ops"]),"#,
            &format!(r#"close: (r: ["ops"], a: ["ops"]), intake: [{intake}],"#),
        )
        .replace(
            "sign_off: Fixed(\"1m\"),",
            "sign_off: Fixed(\"1m\"), intake: Fixed(\"5m\"),",
        )
}

fn ops() -> raci_sim::input::Model {
    model(&intake_model("", SURE, ""))
}

fn scenario_of(creds: &str, stages: &str, extra: &str) -> raci_sim::input::Scenario {
    scenario_for(creds, stages, extra, "1d")
}

fn scenario_for(
    creds: &str,
    stages: &str,
    extra: &str,
    horizon: &str,
) -> raci_sim::input::Scenario {
    scenario(&format!(
        r#"Scenario(
    name: "attack-case", summary: "test",
    identities: [(id: "svc", kind: ServiceAccount), (id: "user", kind: Human)],
    credentials: [{creds}],
    stages: [{stages}],
    start: At(day: Mon, time: "09:00"),
    horizon: "{horizon}",
    {extra}
)"#
    ))
}

const SIGNAL: &str = "signals: [(kind: Generic, plane: Directory, probability: 1.0)]";

fn completions(trace: &[raci_sim::engine::TraceEvent], stage: &str) -> Vec<u64> {
    let what = format!("attacker stage `{stage}` completed");
    trace
        .iter()
        .filter(|e| e.what == what)
        .map(|e| e.time)
        .collect()
}

/// Initial access: nothing held at the start; `spray` needs nothing and grants the password
/// at 7200. `use` runs 7200..7800 and signals: detect 7800..8100, triage ..8700, scope ..9600,
/// validate || confirm ..11400, approve ..11700, revoke 11700..12300: contained at 12300,
/// not at 0 (before the first compromise the attacker is not "contained").
#[test]
fn initial_access_stage_grants_the_first_credential_and_containment_counts_from_it() {
    let creds = r#"(id: "pw", kind: Password, plane: Directory, identity: "user")"#;
    let stages = format!(
        r#"(id: "spray", duration: Fixed("2h"), grants: ["pw"]),
           (id: "use", needs: ["pw"], duration: Fixed("10m"), {SIGNAL})"#
    );
    let sc = scenario_of(creds, &stages, "");
    let (met, _) = run_one(&sc, &ops(), 1, 0);
    assert_eq!(met.time_to_detect, Some(8100));
    assert_eq!(met.time_to_containment, Some(12_300));
    assert_eq!(met.missed_revocations, 0);
    // The spray never finishes within a 1 h horizon: never compromised, never "contained".
    let short = scenario_for(creds, &stages, "", "1h");
    let (met, _) = run_one(&short, &ops(), 1, 0);
    assert_eq!(met.time_to_containment, None);
    assert_eq!(met.stages_reached, 0);
}

const HELD_PW: &str =
    r#"(id: "pw", kind: Password, plane: Directory, identity: "user", held_at_start: true)"#;

/// Telemetry is separate from inventory: with telemetry 0 in Directory the team (inventory 1.0
/// there) never sees the signal: lost. With telemetry 1.0 and no inventory at all it detects at
/// 900 and, since the alert names the credential, contains at 5100 as in the simple chain.
#[test]
fn telemetry_decides_who_sees_a_signal_apart_from_inventory() {
    let sc = scenario_of(
        HELD_PW,
        &format!(r#"(id: "use", needs: ["pw"], duration: Fixed("10m"), {SIGNAL})"#),
        "",
    );
    let blind = model(&intake_model("", SURE, "").replace(
        "Database: 1.0}),",
        "Database: 1.0}, telemetry: {Directory: 0.0, CloudIam: 1.0}),",
    ));
    let (met, _) = run_one(&sc, &blind, 1, 0);
    assert_eq!((met.signals_emitted, met.signals_lost), (1, 1));
    assert_eq!(met.time_to_detect, None);

    let no_inventory = model(&intake_model("", SURE, "").replace(
        "visibility: {Directory: 1.0, CloudIam: 1.0, SecretsManager: 1.0, Saas: 1.0, Database: 1.0}),",
        "visibility: {}, telemetry: {Directory: 1.0}),",
    ));
    let (met, _) = run_one(&sc, &no_inventory, 1, 0);
    assert_eq!(met.signals_lost, 0);
    assert_eq!(met.time_to_detect, Some(900));
    assert_eq!(met.time_to_containment, Some(5100));
}

/// Telemetry 0.5: each emitted signal is seen by the one watcher with probability one half (a
/// team-stream draw), so about half the runs detect.
#[test]
fn partial_telemetry_sees_about_that_share_of_signals() {
    let sc = scenario_of(
        HELD_PW,
        &format!(r#"(id: "use", needs: ["pw"], duration: Fixed("10m"), {SIGNAL})"#),
        "",
    );
    let half = model(&intake_model("", SURE, "").replace(
        "Database: 1.0}),",
        "Database: 1.0}, telemetry: {Directory: 0.5}),",
    ));
    let detected = (0..400)
        .filter(|&run| run_one(&sc, &half, 3, run).0.time_to_detect.is_some())
        .count();
    assert!((160..=240).contains(&detected), "{detected} of 400");
}

type Run = (
    raci_sim::engine::metrics::RunMetrics,
    Vec<raci_sim::engine::TraceEvent>,
);

/// One held password, one stage using it for 10 min with no signal but a customer report
/// (probability 1, delay 1 d, severity High).
fn reported(intake: &str, policy: &str, extra: &str) -> Run {
    let sc = scenario_for(
        HELD_PW,
        r#"(id: "use", needs: ["pw"], duration: Fixed("10m"),
            reports: [(source: Customer, probability: 1.0, delay: Fixed("1d"), severity: High)])"#,
        "",
        "3d",
    );
    run_one(&sc, &model(&intake_model(intake, policy, extra)), 1, 0)
}

/// The report arrives at 600 + 86400 = 87000; ops takes it in 87000..87300 (detected then);
/// triage 87300..87900, scope ..88800, validate || confirm ..90600, approve ..90900, revoke
/// 90900..91500.
#[test]
fn external_report_is_taken_in_and_proceeds_like_a_detection() {
    let (met, trace) = reported(r#"(sources: [Customer, Vendor], r: ["ops"])"#, SURE, "");
    assert_eq!(met.reports_received, 1);
    assert_eq!(met.reports_lost, 0);
    assert_eq!(met.signals_emitted, 0);
    assert_eq!(met.time_to_detect, Some(87_300));
    assert_eq!(met.time_to_declare, Some(87_900));
    assert_eq!(met.time_to_containment, Some(91_500));
    let intake = trace
        .iter()
        .find(|e| e.activity == Some(Activity::Intake) && e.what == "started")
        .expect("intake started");
    assert_eq!(intake.time, 87_000);
    // An intake row for other sources does not take customer reports: lost.
    let (met, _) = reported(r#"(sources: [Vendor], r: ["ops"])"#, SURE, "");
    assert_eq!((met.reports_received, met.reports_lost), (0, 1));
    assert_eq!(met.time_to_detect, None);
    assert_eq!(met.time_to_containment, None);
}

/// No intake row: the report waits unowned for the 2 h escalation (87000..94200), the lead
/// takes it in 94200..94500; then triage ..95100, scope ..96000, validate || confirm ..97800,
/// approve ..98100, revoke ..98700.
#[test]
fn unowned_report_goes_to_the_escalation_target() {
    let (met, _) = reported(
        "",
        &format!(r#"{SURE}, escalation: (after: "2h", to: "lead")"#),
        r#"(id: "lead", staff: 1, coverage: AlwaysOn),"#,
    );
    assert_eq!(met.reports_received, 1);
    assert_eq!(wait(&met, WaitCause::Unowned), 7200);
    assert_eq!(met.time_to_detect, Some(94_500));
    assert_eq!(met.time_to_containment, Some(98_700));
}

/// During an open incident a received report scopes its credential at once. `key` (unlinked
/// to `pw`) is used by a stage with no signal but a report 50 min later: the alert on `pw`
/// gives the simple chain (approve 4200..4500, revoke pw 4500..5100); the report arrives at
/// 3600, intake 3600..3900, late scope of `key` 3900..4800, then (approved) revoke key
/// 4800..5400: the attacker is out at 5400, with nothing missed.
#[test]
fn report_during_an_open_incident_scopes_its_credential() {
    let creds = format!(
        r#"{HELD_PW}, (id: "key", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true)"#
    );
    let stages = format!(
        r#"(id: "use", needs: ["pw"], duration: Fixed("10m"), {SIGNAL}),
           (id: "other", needs: ["key"], duration: Fixed("10m"),
            reports: [(source: Partner, probability: 1.0, delay: Fixed("50m"))])"#
    );
    let sc = scenario_of(&creds, &stages, "");
    let m = model(&intake_model(r#"(r: ["ops"])"#, SURE, ""));
    let (met, trace) = run_one(&sc, &m, 1, 0);
    assert_eq!(met.reports_received, 1);
    assert_eq!(met.time_to_containment, Some(5400));
    assert_eq!(met.missed_revocations, 0);
    let key_revoke = trace
        .iter()
        .find(|e| {
            e.activity == Some(Activity::Revoke)
                && e.what == "started"
                && e.task.is_some_and(|t| t.credential == Some(1))
        })
        .expect("key revoked");
    assert_eq!(key_revoke.time, 4800);
}

/// Templates: `consent` (needs `key`, 10 min, repeats 1 h later) creates slot `rogue#1` of a
/// template of one slot; its signal points at the created slot. Scope from `rogue#1` (named:
/// found) also finds its parent `key` (the creating stage's first need): both revoked
/// 4500..5100, contained at 5100. The second completion (start 4200, done 4800) finds no slot
/// left and creates nothing.
#[test]
fn template_slots_are_created_held_and_linked_to_the_creating_need() {
    let creds =
        r#"(id: "key", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true)"#;
    let stages = r#"(id: "consent", needs: ["key"], duration: Fixed("10m"), repeat: Fixed("1h"),
            creates: ["rogue"],
            signals: [(kind: Generic, plane: Saas, probability: 1.0, credential: "rogue")])"#;
    let templates = r#"templates: [(id: "rogue", kind: ConsentGrant, plane: Saas,
        identity_kind: OAuthApplication, max: 1)],"#;
    let sc = scenario_of(creds, stages, templates);
    assert_eq!(sc.credentials[1].id, "rogue#1");
    assert_eq!(sc.credentials[1].parent, Some(0));
    let (met, trace) = run_one(&sc, &ops(), 1, 0);
    assert_eq!(met.revocations, 2);
    assert_eq!(met.time_to_containment, Some(5100));
    let created: Vec<u64> = trace
        .iter()
        .filter(|e| e.what == "attacker creates credential `rogue#1`")
        .map(|e| e.time)
        .collect();
    assert_eq!(created, [600]);
    assert!(trace
        .iter()
        .any(|e| e.time == 4800 && e.what.starts_with("attacker creates nothing more")));
    let detect = trace
        .iter()
        .find(|e| e.activity == Some(Activity::Detect) && e.what == "started")
        .expect("detected");
    assert_eq!(detect.task.and_then(|t| t.credential), Some(1));
}

/// Re-theft: `phish` (needs nothing, 10 min, repeats 2 h after each completion, open until 6 h)
/// steals `pw` (residual validity 1 h) at 600, 8400 and 16200; the next start would be 23400,
/// past 21600: none. `use` signals at 1200: detect ..1500, triage ..2100, scope ..3000,
/// validate || confirm ..4800, approve ..5100, revoke 5100..5700 (works on until 9300). At 8400
/// the password is stolen again: the new version works, and the old version's stop at 9300 is
/// ignored, so the attacker is still in at the horizon (residual wait 5700..8400 = 2700 s).
#[test]
fn stolen_again_credential_works_again_until_the_source_closes() {
    let creds = r#"(id: "pw", kind: Password, plane: Directory, identity: "user",
                    residual_validity: "1h")"#;
    let stages = format!(
        r#"(id: "phish", duration: Fixed("10m"), repeat: Fixed("2h"), grants: ["pw"],
            steals_again: true, open_until: "6h"),
           (id: "use", needs: ["pw"], duration: Fixed("10m"), {SIGNAL})"#
    );
    let sc = scenario_of(creds, &stages, "");
    let (met, trace) = run_one(&sc, &ops(), 1, 0);
    assert_eq!(completions(&trace, "phish"), [600, 8400, 16_200]);
    assert_eq!(met.time_to_first_revocation, Some(5700));
    assert_eq!(met.revocations, 1);
    assert_eq!(met.time_to_containment, None, "re-stolen: still in");
    assert_eq!(wait(&met, WaitCause::ResidualValidity), 2700);
    assert!(trace
        .iter()
        .any(|e| e.time == 8400 && e.what == "attacker steals credential `pw` again"));
    assert!(
        !trace.iter().any(|e| e.what.ends_with("stops working")),
        "the old version's stop at 9300 is ignored"
    );
}

/// `needs_any`: `s` needs one of `b`, `c`; neither is held until `get-c` (needs `a`, 1 h)
/// grants `c` at 3600, so `s` runs 3600..4200, and its signal (no credential named, no
/// `needs`) points at `c`, the usable one. `t` needs `a` and one of `b`: never.
#[test]
fn needs_any_waits_for_one_of_its_credentials() {
    let creds = r#"(id: "a", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true),
        (id: "b", kind: Password, plane: Directory, identity: "user"),
        (id: "c", kind: Password, plane: Directory, identity: "user")"#;
    let stages = format!(
        r#"(id: "get-c", needs: ["a"], duration: Fixed("1h"), grants: ["c"]),
           (id: "s", needs_any: ["b", "c"], duration: Fixed("10m"), {SIGNAL}),
           (id: "t", needs: ["a"], needs_any: ["b"], duration: Fixed("10m"))"#
    );
    let sc = scenario_of(creds, &stages, "");
    let (met, trace) = run_one(&sc, &ops(), 1, 0);
    assert_eq!(completions(&trace, "s"), [4200]);
    assert!(completions(&trace, "t").is_empty());
    assert_eq!(met.stages_reached, 2);
    let detect = trace
        .iter()
        .find(|e| e.activity == Some(Activity::Detect) && e.what == "started")
        .expect("detected");
    assert_eq!(detect.task.and_then(|t| t.credential), Some(2));
}

/// Replay: `use` pinned at 3d4h = 273600 completes then (not at 600), so everything of the
/// simple chain moves by 273000: contained at 5100 + 273000 = 278100. Pinned after `prep`
/// (4 d), it completes when it starts, at 345600: contained at 345600 + 4500 = 350100.
#[test]
fn replay_pins_the_first_completion() {
    let pinned =
        format!(r#"(id: "use", needs: ["pw"], duration: Fixed("10m"), at: "3d4h", {SIGNAL})"#);
    let sc = scenario_for(HELD_PW, &pinned, "", "10d");
    let (met, trace) = run_one(&sc, &ops(), 1, 0);
    assert_eq!(completions(&trace, "use"), [273_600]);
    assert_eq!(met.time_to_containment, Some(278_100));
    let late = format!(
        r#"(id: "prep", duration: Fixed("4d")),
           (id: "use", after: ["prep"], needs: ["pw"], duration: Fixed("10m"), at: "3d4h", {SIGNAL})"#
    );
    let sc = scenario_for(HELD_PW, &late, "", "10d");
    let (met, trace) = run_one(&sc, &ops(), 1, 0);
    assert_eq!(completions(&trace, "use"), [345_600]);
    assert_eq!(met.time_to_containment, Some(350_100));
}

/// The new lists have the usual cap of 100 with a located error.
#[test]
fn new_lists_are_capped() {
    let any = vec!["\"pw\""; 101].join(", ");
    let text = format!(
        r#"Scenario(name: "s", summary: "s", identities: [(id: "user", kind: Human)],
    credentials: [{HELD_PW}],
    stages: [(id: "a", duration: Fixed("1m"), needs_any: [{any}])],
    start: UniformWeek, horizon: "1d")"#
    );
    let e = raci_sim::input::library::parse_scenario("s.ron", &text)
        .map(|_| ())
        .expect_err("rejected")
        .to_string();
    assert!(
        e.starts_with(
            "s.ron:3:47: field `stages[0].needs_any`: 101 entries, more than the limit of 100"
        ),
        "{e}"
    );
    let r = vec!["\"ops\""; 101].join(", ");
    let e = raci_sim::input::library::parse_model(
        "m.ron",
        &intake_model(&format!("(r: [{r}])"), SURE, ""),
    )
    .map(|_| ())
    .expect_err("rejected")
    .to_string();
    assert!(
        e.contains("field `raci.intake[0].r`: 101 entries, more than the limit of 100"),
        "{e}"
    );
}

/// A study sweeping the inventory accuracy of a plane the team had no inventory of: with no
/// `telemetry` given, telemetry follows (the team now watches the plane, as before issue 14);
/// with `telemetry` given, it stays as written.
#[test]
fn sweeping_inventory_accuracy_keeps_default_telemetry_in_step() {
    use raci_sim::domain::Plane;
    use raci_sim::input::study::Parameter;
    let p = Parameter::InventoryAccuracy("ops".into(), Plane::Tenant);
    let m = p.apply(&ops(), 0.5);
    assert_eq!(m.teams[0].telemetry[Plane::Tenant.index()], 1.0);
    let given = model(&intake_model("", SURE, "").replace(
        "Database: 1.0}),",
        "Database: 1.0}, telemetry: {Directory: 1.0}),",
    ));
    let m = p.apply(&given, 0.5);
    assert_eq!(m.teams[0].telemetry[Plane::Tenant.index()], 0.0);
    assert_eq!(m.teams[0].visibility[Plane::Tenant.index()], Some(0.5));
}

/// Evidence is captured for a revocation, so never more often than credentials are revoked.
/// `pw` (lifetime 45 min) is phished at 600 and expires at 3300; `use` signals at 1200: detect
/// ..1500, triage ..2100, scope ..3000 finds `pw`, validate || confirm ..4800, approve ..5100,
/// revoke (3 h here) 5100..15900. At 5400 `phish` (every 70 min, open until 1h30m) steals the
/// expired `pw` again, so it is "not tasked, not found" again while that revoke runs. `use2`
/// (pinned at 6000) signals: detect ..6300, scope ..7200 finds `pw` again and tasks a second
/// revoke, 7200..18000. The first revokes `pw` at 15900 (one revocation, evidence ..16200);
/// the second finds it revoked already: no revocation, so no evidence either (it captured one
/// before, and evidence by close read 2 of 1 revocation: 200%); verify 18000..18600, close
/// ..18900.
#[test]
fn a_revoke_task_finding_its_credential_revoked_captures_no_evidence() {
    let creds = r#"(id: "pw", kind: Password, plane: Directory, identity: "user",
                    lifetime: "45m")"#;
    let stages = format!(
        r#"(id: "phish", duration: Fixed("10m"), repeat: Fixed("70m"), grants: ["pw"],
            steals_again: true, open_until: "1h30m"),
           (id: "use", needs: ["pw"], duration: Fixed("10m"), {SIGNAL}),
           (id: "use2", needs: ["pw"], duration: Fixed("10m"), at: "1h40m", {SIGNAL})"#
    );
    let sc = scenario_of(creds, &stages, "");
    let slow_revoke = model(
        &intake_model("", SURE, "").replace(r#"revoke: Fixed("10m"),"#, r#"revoke: Fixed("3h"),"#),
    );
    let (met, trace) = run_one(&sc, &slow_revoke, 1, 0);
    assert_eq!(completions(&trace, "phish"), [600, 5400]);
    assert_eq!(completions(&trace, "use2"), [6000]);
    let revokes_done: Vec<u64> = trace
        .iter()
        .filter(|e| e.activity == Some(Activity::Revoke) && e.what == "done")
        .map(|e| e.time)
        .collect();
    assert_eq!(revokes_done, [15_900, 18_000], "two revoke tasks for `pw`");
    assert_eq!(met.revocations, 1);
    assert_eq!(met.revocations_by_close, 1);
    assert_eq!(
        met.evidence_by_close, 1,
        "evidence of the one revocation only"
    );
    assert_eq!(met.time_to_first_close, Some(18_900));
}

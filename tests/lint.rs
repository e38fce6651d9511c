//! raci-sim lint: one minimal model per code with its exact rendered finding; every error-level
//! code shown failing in simulation; the shipped models' findings pinned (docs/lint.md says why
//! each is deliberate).

use raci_sim::analysis::lint::{lint, Finding, Level};
use raci_sim::domain::WaitCause;
use raci_sim::input::library::{load_scenario, parse_model, MODELS, SCENARIOS};

use crate::common::{chain_scenario, run_one, scenario};

/// A small always-on model; each test edits one line of it.
pub(crate) const BASE: &str = r#"Model(
    name: "lint-base",
    summary: "minimal model for lint tests",
    teams: [
        (id: "soc", staff: 4, coverage: AlwaysOn, visibility: {CloudIam: 1.0}),
        (id: "iam", staff: 2, coverage: AlwaysOn, visibility: {CloudIam: 1.0}),
    ],
    raci: (
        detect: [(r: ["soc"])],
        triage: (r: ["soc"], a: ["soc"]),
        scope: (r: ["soc"]),
        validate_entitlement: (r: ["iam"]),
        confirm_business: (r: ["iam"]),
        approve_containment: (r: ["soc"], a: ["soc"]),
        revoke: {ApiKey: (r: ["iam"])},
        verify: (r: ["iam"]),
        capture_evidence: (r: ["iam"]),
        close: (r: ["soc"], a: ["soc"]),
    ),
    policy: (triage_accuracy: 1.0, verify_accuracy: 1.0),
)"#;

fn edited(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from}");
    BASE.replace(from, to)
}

fn chain() -> raci_sim::input::Scenario {
    scenario(&chain_scenario(
        "ApiKey",
        "0s",
        r#"At(day: Mon, time: "09:00")"#,
    ))
}

fn findings(model_text: &str, with_scenario: bool) -> Vec<Finding> {
    let m = parse_model("lint-test.ron", model_text).unwrap_or_else(|e| panic!("{e}"));
    let scenarios = if with_scenario { vec![chain()] } else { vec![] };
    lint(&m, "lint-test.ron", model_text, &scenarios)
}

fn only(fs: &[Finding], code: &str) -> String {
    let hits: Vec<&Finding> = fs.iter().filter(|f| f.code == code).collect();
    assert_eq!(hits.len(), 1, "{code}: {fs:#?}");
    hits[0].render()
}

#[test]
fn the_base_model_is_clean() {
    assert_eq!(findings(BASE, true), vec![]);
}

#[test]
fn l001_no_responsible() {
    let fs = findings(&edited(r#"verify: (r: ["iam"]),"#, "verify: (),"), false);
    assert_eq!(
        only(&fs, "L001"),
        r#"error[L001]: nobody is responsible for verify
  --> lint-test.ron:16:9
   |
16 |         verify: (),
   |         ^ raci.verify
   = help: name a team in `raci.verify.r`, or set `policy.escalation` so someone takes it after a timeout
"#
    );
}

#[test]
fn l002_no_accountable() {
    let fs = findings(
        &edited(
            r#"approve_containment: (r: ["soc"], a: ["soc"]),"#,
            r#"approve_containment: (r: ["soc"]),"#,
        ),
        false,
    );
    assert_eq!(
        only(&fs, "L002"),
        r#"error[L002]: nobody is accountable for the approve_containment decision
  --> lint-test.ron:14:9
   |
14 |         approve_containment: (r: ["soc"]),
   |         ^ raci.approve_containment
   = help: name one team in `raci.approve_containment.a`, or set `policy.escalation` so someone takes it after a timeout
"#
    );
}

#[test]
fn l003_split_accountability() {
    let fs = findings(
        &edited(
            r#"close: (r: ["soc"], a: ["soc"]),"#,
            r#"close: (r: ["soc"], a: ["soc", "iam"]),"#,
        ),
        false,
    );
    assert_eq!(
        only(&fs, "L003"),
        r#"warning[L003]: 2 teams must all sign the close decision (soc, iam)
  --> lint-test.ron:18:29
   |
18 |         close: (r: ["soc"], a: ["soc", "iam"]),
   |                             ^ raci.close.a
   = help: keep one accountable team (an incident lead); make the others consulted (c) or informed (i)
"#
    );
}

#[test]
fn l004_unowned_revocation() {
    let fs = findings(
        &edited(r#"revoke: {ApiKey: (r: ["iam"])},"#, "revoke: {},"),
        true,
    );
    assert_eq!(
        only(&fs, "L004"),
        r#"error[L004]: nobody revokes api_key credentials, which scenario "chain" uses (key)
  --> lint-test.ron:15:9
   |
15 |         revoke: {},
   |         ^ raci.revoke
   = help: add `ApiKey: (r: ["<team>"])` to `raci.revoke`, or set `policy.escalation` so someone takes it after a timeout
"#
    );
}

#[test]
fn l005_unwatched_signal() {
    let fs = findings(
        &edited(
            r#"(id: "soc", staff: 4, coverage: AlwaysOn, visibility: {CloudIam: 1.0}),"#,
            r#"(id: "soc", staff: 4, coverage: AlwaysOn, visibility: {Directory: 1.0}),"#,
        ),
        true,
    );
    assert_eq!(
        only(&fs, "L005"),
        r#"error[L005]: generic signals in the cloud_iam plane (stage "use" of "chain") are lost: no detect owner watches them
 --> lint-test.ron:9:9
  |
9 |         detect: [(r: ["soc"])],
  |         ^ raci.detect
  = help: give a detect owner visibility of `CloudIam` (teams[..].visibility), or add a detect row for this signal kind
"#
    );
}

#[test]
fn l006_scope_blind_plane() {
    let text = edited(
        r#"(id: "soc", staff: 4, coverage: AlwaysOn, visibility: {CloudIam: 1.0}),
        (id: "iam", staff: 2, coverage: AlwaysOn, visibility: {CloudIam: 1.0}),"#,
        r#"(id: "soc", staff: 4, coverage: AlwaysOn, visibility: {CloudIam: 1.0}),
        (id: "iam", staff: 2, coverage: AlwaysOn, visibility: {Directory: 1.0}),"#,
    )
    .replace(r#"scope: (r: ["soc"]),"#, r#"scope: (r: ["iam"]),"#);
    let fs = findings(&text, true);
    assert_eq!(
        only(&fs, "L006"),
        r#"warning[L006]: no scope or verify owner sees the cloud_iam plane, so credentials there (key) in "chain" are found only when an alert names them
  --> lint-test.ron:11:9
   |
11 |         scope: (r: ["iam"]),
   |         ^ raci.scope
   = help: consult a team that sees `CloudIam` in `raci.scope.c`, or give the scope or verify owner visibility of it
"#
    );
}

#[test]
fn l007_escalation_off_hours() {
    let text = edited(
        r#"(id: "iam", staff: 2, coverage: AlwaysOn, visibility: {CloudIam: 1.0}),"#,
        r#"(id: "iam", staff: 2, coverage: AlwaysOn, visibility: {CloudIam: 1.0}),
        (id: "lead", coverage: BusinessHours()),"#,
    )
    .replace(
        "policy: (triage_accuracy: 1.0, verify_accuracy: 1.0),",
        r#"policy: (triage_accuracy: 1.0, verify_accuracy: 1.0, escalation: (after: "1h", to: "lead")),"#,
    );
    let fs = findings(&text, true);
    assert_eq!(
        only(&fs, "L007"),
        r#"warning[L007]: escalation goes to "lead", which works office hours with no on-call for medium severity
  --> lint-test.ron:21:84
   |
21 |     policy: (triage_accuracy: 1.0, verify_accuracy: 1.0, escalation: (after: "1h", to: "lead")),
   |                                                                                    ^ policy.escalation.to
   = help: escalate to a team that is always on, or give it an on-call that pages at this severity
"#
    );
}

#[test]
fn l008_severity_outside_coverage() {
    let text = edited(
        r#"(id: "iam", staff: 2, coverage: AlwaysOn, visibility: {CloudIam: 1.0}),"#,
        r#"(id: "iam", staff: 2, coverage: BusinessHours(), visibility: {CloudIam: 1.0}),"#,
    );
    let fs = findings(&text, true);
    assert_eq!(
        only(&fs, "L008"),
        r#"warning[L008]: "iam" does validate_entitlement, confirm_business, revoke for "chain" (medium severity) but works office hours with no on-call for it
 --> lint-test.ron:6:31
  |
6 |         (id: "iam", staff: 2, coverage: BusinessHours(), visibility: {CloudIam: 1.0}),
  |                               ^ teams[1].coverage
  = help: add `on_call: (page_latency: "30m", min_severity: Medium)` to its coverage, or move that work to an always-on team
"#
    );
}

#[test]
fn l009_idle_team() {
    let text = edited(
        r#"(id: "iam", staff: 2, coverage: AlwaysOn, visibility: {CloudIam: 1.0}),"#,
        r#"(id: "iam", staff: 2, coverage: AlwaysOn, visibility: {CloudIam: 1.0}),
        (id: "audit", coverage: AlwaysOn),"#,
    );
    let fs = findings(&text, false);
    assert_eq!(
        only(&fs, "L009"),
        r#"warning[L009]: team "audit" owns nothing
 --> lint-test.ron:7:9
  |
7 |         (id: "audit", coverage: AlwaysOn),
  |         ^ teams[2]
  = help: give it a role in `raci`, or remove it
"#
    );
}

// ---------------------------------------------------------------- lint predicts simulation

fn simulate(model_text: &str) -> raci_sim::engine::metrics::RunMetrics {
    let m = parse_model("lint-test.ron", model_text).unwrap();
    run_one(&chain(), &m, 1, 0).0
}

#[test]
fn l001_predicts_a_task_never_done() {
    let m = simulate(&edited(r#"scope: (r: ["soc"]),"#, "scope: (),"));
    assert!(m.time_to_declare.is_some(), "the incident is declared");
    assert_eq!(m.time_to_first_revocation, None, "but scope is never done");
    assert_eq!(m.stalls_by_cause[WaitCause::Unowned.index()], 1);
    assert_eq!(m.time_to_containment, None);
}

#[test]
fn l002_predicts_a_decision_never_made() {
    let m = simulate(&edited(
        r#"approve_containment: (r: ["soc"], a: ["soc"]),"#,
        r#"approve_containment: (r: ["soc"]),"#,
    ));
    assert_eq!(m.stalls_by_cause[WaitCause::NoAccountable.index()], 1);
    assert_eq!(m.revocations, 0, "containment is never approved");
    assert_eq!(m.time_to_containment, None);
}

#[test]
fn l004_predicts_a_missed_revocation() {
    let m = simulate(&edited(r#"revoke: {ApiKey: (r: ["iam"])},"#, "revoke: {},"));
    assert_eq!(m.missed_revocations, 1);
    assert!(m.false_closure);
}

#[test]
fn l005_predicts_a_lost_signal() {
    let m = simulate(&edited(
        r#"(id: "soc", staff: 4, coverage: AlwaysOn, visibility: {CloudIam: 1.0}),"#,
        r#"(id: "soc", staff: 4, coverage: AlwaysOn, visibility: {Directory: 1.0}),"#,
    ));
    assert_eq!((m.signals_emitted, m.signals_lost), (1, 1));
    assert_eq!(m.time_to_detect, None);
}

#[test]
fn a_clean_model_simulates_without_those_failures() {
    let m = simulate(BASE);
    assert_eq!((m.signals_lost, m.missed_revocations, m.stalls), (0, 0, 0));
    assert!(m.time_to_containment.is_some());
}

// ---------------------------------------------------------------- shipped models

/// The error-level findings of every shipped model against every shipped scenario, as
/// (model, code, scenario). Each is deliberate; docs/lint.md explains them: the source articles
/// do not say who watches CI/CD, PAM-vault or agent-platform telemetry, and the anti-pattern
/// models exist to be flagged.
const EXPECTED_ERRORS: &[(&str, &str, &[&str])] = &[
    (
        "split-iam-security",
        "L005",
        &[
            "agent-privilege-chaining",
            "break-glass-misuse",
            "insider-bulk-export",
            "privileged-api-key-outside-window",
            "shared-service-account-stale-owner",
            "user-to-workload-compromise",
        ],
    ),
    (
        "three-way-decision-rights",
        "L005",
        &["break-glass-misuse", "insider-bulk-export"],
    ),
    (
        "single-incident-lead",
        "L005",
        &[
            "agent-privilege-chaining",
            "break-glass-misuse",
            "insider-bulk-export",
            "privileged-api-key-outside-window",
            "shared-service-account-stale-owner",
            "user-to-workload-compromise",
        ],
    ),
    (
        "hub-and-spoke",
        "L005",
        &[
            "agent-privilege-chaining",
            "break-glass-misuse",
            "insider-bulk-export",
            "privileged-api-key-outside-window",
            "shared-service-account-stale-owner",
            "user-to-workload-compromise",
        ],
    ),
    (
        "anti-approval-committee",
        "L005",
        &[
            "agent-privilege-chaining",
            "break-glass-misuse",
            "insider-bulk-export",
            "privileged-api-key-outside-window",
            "shared-service-account-stale-owner",
            "user-to-workload-compromise",
        ],
    ),
    (
        "anti-iam-without-authority",
        "L005",
        &[
            "agent-privilege-chaining",
            "benign-lookalike-automation",
            "compromised-service-account",
            "contractor-end-of-engagement",
            "insider-bulk-export",
            "orphaned-nhi-key",
            "outsourced-provider-credential",
            "privileged-api-key-outside-window",
            "shared-service-account-stale-owner",
            "user-to-workload-compromise",
        ],
    ),
    (
        "anti-siloed-human-nhi",
        "L005",
        &[
            "agent-privilege-chaining",
            "break-glass-misuse",
            "insider-bulk-export",
            "privileged-api-key-outside-window",
            "shared-service-account-stale-owner",
            "user-to-workload-compromise",
        ],
    ),
    (
        "anti-soc-owns-hygiene",
        "L005",
        &[
            "agent-privilege-chaining",
            "break-glass-misuse",
            "insider-bulk-export",
            "privileged-api-key-outside-window",
            "shared-service-account-stale-owner",
            "user-to-workload-compromise",
        ],
    ),
];

#[test]
fn shipped_models_have_exactly_their_documented_errors() {
    let scenarios: Vec<_> = SCENARIOS
        .iter()
        .map(|s| load_scenario(s.name).unwrap())
        .collect();
    for shipped in MODELS {
        let m = parse_model(shipped.path, shipped.text).unwrap();
        let fs = lint(&m, shipped.path, shipped.text, &scenarios);
        let mut got: Vec<(String, String)> = fs
            .iter()
            .filter(|f| f.level == Level::Error)
            .map(|f| (f.code.to_string(), f.scenario.clone().unwrap_or_default()))
            .collect();
        got.sort();
        got.dedup();
        let mut want: Vec<(String, String)> = EXPECTED_ERRORS
            .iter()
            .filter(|(model, _, _)| *model == shipped.name)
            .flat_map(|(_, code, sc)| sc.iter().map(|s| (code.to_string(), s.to_string())))
            .collect();
        want.sort();
        assert_eq!(got, want, "{}", shipped.name);
    }
}

#[test]
fn lint_exit_codes_are_0_clean_1_error_2_unreadable() {
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_raci-sim"))
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    // clean
    let (code, text) = run(&[
        "lint",
        "cross-channel-identity-assurance",
        "--scenario",
        "replayed-token",
    ]);
    assert_eq!((code, text.as_str()), (Some(0), "0 errors, 0 warnings\n"));
    // warnings only: the committee is flagged, but nothing is certain to fail
    let (code, text) = run(&[
        "lint",
        "anti-approval-committee",
        "--scenario",
        "compromised-service-account",
    ]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.ends_with("0 errors, 5 warnings\n"), "{text}");
    assert_eq!(text.matches("warning[L003]").count(), 3, "{text}");
    // an error-level finding
    let (code, text) = run(&[
        "lint",
        "split-iam-security",
        "--scenario",
        "user-to-workload-compromise",
    ]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("error[L005]"), "{text}");
    // unreadable
    let (code, _) = run(&["lint", "no-such-model"]);
    assert_eq!(code, Some(2));
    // JSON is valid and carries the same findings
    let (code, json) = run(&[
        "lint",
        "split-iam-security",
        "--scenario",
        "user-to-workload-compromise",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(1));
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert!(doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "L005"));
}

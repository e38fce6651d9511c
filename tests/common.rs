//! Helpers shared by the test modules: small models and scenarios with fixed durations.

use raci_sim::engine::metrics::{Breakdown, RunMetrics};
use raci_sim::engine::{simulate, Context, TraceEvent, Workspace};
use raci_sim::input::library::{parse_model, parse_scenario};
use raci_sim::input::{Model, Scenario};

/// Fixed efforts used by every hand-computed case (seconds in comments).
pub const EFFORT: &str = r#"effort: (
        detect: Fixed("5m"),                 // 300
        triage: Fixed("10m"),                // 600
        scope: Fixed("15m"),                 // 900
        validate_entitlement: Fixed("20m"),  // 1200
        confirm_business: Fixed("30m"),      // 1800
        approve_containment: Fixed("5m"),    // 300
        revoke: Fixed("10m"),                // 600
        verify: Fixed("10m"),
        capture_evidence: Fixed("5m"),
        close: Fixed("5m"),
        consult: Fixed("1m"),
        sign_off: Fixed("1m"),               // 60
    )"#;

/// Policy of the hand-computed cases: every probability 1, no escalation.
pub const SURE: &str = "triage_accuracy: 1.0, triage_specificity: 1.0, verify_accuracy: 1.0";

/// A model where team `ops` does everything, always on, sees every plane perfectly.
/// `revoke` is the body of the revoke map; `policy` and `extra_teams` are spliced in.
pub fn ops_model(revoke: &str, approve: &str, policy: &str, extra_teams: &str) -> String {
    format!(
        r#"Model(
    name: "ops-only",
    summary: "test model",
    teams: [
        (id: "ops", staff: 10, coverage: AlwaysOn,
         visibility: {{Directory: 1.0, CloudIam: 1.0, SecretsManager: 1.0, Saas: 1.0, Database: 1.0}}),
        {extra_teams}
    ],
    raci: (
        detect: [(r: ["ops"])],
        triage: (r: ["ops"], a: ["ops"]),
        scope: (r: ["ops"]),
        validate_entitlement: (r: ["ops"]),
        confirm_business: (r: ["ops"]),
        approve_containment: {approve},
        revoke: {{ {revoke} }},
        verify: (r: ["ops"]),
        capture_evidence: (r: ["ops"]),
        close: (r: ["ops"], a: ["ops"]),
    ),
    policy: ({policy}),
    {EFFORT},
)"#
    )
}

/// One held credential and one stage that uses it for 10 minutes and is always detected.
pub fn chain_scenario(kind: &str, residual: &str, start: &str) -> String {
    format!(
        r#"Scenario(
    name: "chain",
    summary: "test scenario",
    identities: [(id: "svc", kind: ServiceAccount)],
    credentials: [(id: "key", kind: {kind}, plane: CloudIam, identity: "svc",
                   held_at_start: true, residual_validity: "{residual}")],
    stages: [(id: "use", needs: ["key"], duration: Fixed("10m"),
              signals: [(kind: Generic, plane: CloudIam, probability: 1.0, severity: Medium)])],
    start: {start},
    horizon: "30d",
)"#
    )
}

pub fn scenario(text: &str) -> Scenario {
    parse_scenario("test-scenario.ron", text).unwrap_or_else(|e| panic!("{e}"))
}

pub fn model(text: &str) -> Model {
    parse_model("test-model.ron", text).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs one run and returns its metrics and trace.
pub fn run_one(sc: &Scenario, m: &Model, seed: u64, run: u64) -> (RunMetrics, Vec<TraceEvent>) {
    let ctx = Context::new(sc, m, seed);
    let mut ws = Workspace::new(&ctx);
    let mut bd = Breakdown::new(m.teams.len(), sc.credentials.len());
    let mut trace = Vec::new();
    let met = simulate(&ctx, &mut ws, run, &mut bd, Some(&mut trace)).expect("run completes");
    (met, trace)
}

pub fn wait(m: &RunMetrics, cause: raci_sim::domain::WaitCause) -> u64 {
    m.wait_by_cause[cause.index()]
}

/// A file of a tabletop pack as text.
pub fn pack_file(pack: &[(String, Vec<u8>)], name: &str) -> String {
    let (_, bytes) = pack
        .iter()
        .find(|(p, _)| p == name)
        .unwrap_or_else(|| panic!("{name} is not in the pack"));
    String::from_utf8(bytes.clone()).unwrap()
}

/// `raci-sim run replayed-token --model hub-and-spoke --runs N --event-log PATH
/// --case-notion NOTION`, ready to add environment and run.
pub fn event_log_command(runs: u64, path: &std::path::Path, notion: &str) -> std::process::Command {
    let mut c = run_replayed_token(&runs.to_string());
    c.arg("--event-log")
        .arg(path)
        .args(["--case-notion", notion]);
    c
}

/// `raci-sim run replayed-token --model hub-and-spoke --runs N`, for more flags.
pub fn run_replayed_token(runs: &str) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_raci-sim"));
    c.args([
        "run",
        "replayed-token",
        "--model",
        "hub-and-spoke",
        "--runs",
        runs,
    ]);
    c
}

/// Every model on every scenario with common random numbers, the first model the baseline,
/// default practical thresholds.
pub fn compare_all(
    scenarios: Vec<Scenario>,
    models: Vec<Model>,
    runs: u64,
    seed: u64,
) -> raci_sim::analysis::compare::Comparison {
    raci_sim::analysis::compare::compare(
        scenarios,
        models,
        0,
        runs,
        seed,
        Default::default(),
        raci_sim::engine::DEFAULT_MAX_EVENTS,
        |_| {},
    )
    .expect("runs")
}

//! Per-run output: one run as a `--json` record and as a row of runs.csv (the same fields),
//! with its stage first-completion times; and the per-credential outcome table ("what happened
//! to each credential") that the report, results.json and `--json` show.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::{CredentialKind, WaitCause};
use crate::engine::metrics::{CredentialOutcomes, RunMetrics};
use crate::input::{Model, Scenario};

/// When one stage first completed in a run.
#[derive(Serialize)]
pub struct StageDone<'a> {
    pub stage: &'a str,
    /// `null`: the stage never completed by the horizon.
    pub done_seconds: Option<u64>,
}

/// One run, as written to JSON.
#[derive(Serialize)]
pub struct RunRecord<'a> {
    pub run: u64,
    pub attack: bool,
    /// The scenario's horizon: every `null` time below is censored here (or not applicable).
    pub horizon_seconds: u64,
    pub start_in_week_seconds: u64,
    /// The start as ISO 8601 UTC for a dated scenario; `null` when undated.
    pub start_utc: Option<String>,
    pub detected: bool,
    pub time_to_detect_seconds: Option<u64>,
    pub time_to_declare_seconds: Option<u64>,
    pub time_to_first_revocation_seconds: Option<u64>,
    /// Contained at least once by the horizon; `null` in a benign run (no attacker).
    pub contained: Option<bool>,
    /// The first containment; `null` when never contained by the horizon (censored), or in a
    /// benign run.
    pub time_to_containment_seconds: Option<u64>,
    pub time_to_first_close_seconds: Option<u64>,
    pub first_compromise_seconds: Option<u64>,
    pub dwell_seconds: Option<u64>,
    /// How a team first learned of the attack: `signal` or the report's source.
    pub first_notice: Option<&'static str>,
    pub rotations: u32,
    pub preemptive_revocations: u32,
    pub reports_received: u32,
    pub reports_lost: u32,
    pub time_to_final_eviction_seconds: Option<u64>,
    pub re_entries: u32,
    pub time_to_first_re_entry_seconds: Option<u64>,
    pub re_detection_seconds: Option<u64>,
    pub time_to_first_reopen_seconds: Option<u64>,
    pub time_to_final_close_seconds: Option<u64>,
    pub final_phase: &'static str,
    pub missed_revocations: u32,
    pub missed_by_kind: BTreeMap<&'static str, u16>,
    pub false_closure: bool,
    pub reopened: u32,
    pub revocations: u32,
    pub wrongful_revocations: u32,
    pub evidence_by_close: u32,
    pub handoffs: u32,
    pub stalls: u32,
    pub stall_wait_seconds: u64,
    pub stalls_by_cause: BTreeMap<&'static str, u32>,
    pub abandoned: u32,
    pub abandoned_by_cause: BTreeMap<&'static str, u32>,
    pub wait_seconds_by_cause: BTreeMap<&'static str, u64>,
    pub notifications: u32,
    pub damage: u64,
    pub stages_reached: u32,
    pub signals_emitted: u32,
    pub signals_lost: u32,
    /// Every stage of the scenario, in scenario order.
    pub stages: Vec<StageDone<'a>>,
}

impl<'a> RunRecord<'a> {
    /// Run `m` of `scenario`, whose stages first completed at `stage_done` (scenario order).
    pub fn new(m: &RunMetrics, scenario: &'a Scenario, stage_done: &[Option<u64>]) -> Self {
        let by_cause = |v: &[u32; WaitCause::COUNT]| {
            WaitCause::ALL
                .iter()
                .map(|c| (c.name(), v[c.index()]))
                .collect()
        };
        RunRecord {
            run: m.run,
            attack: m.attack,
            horizon_seconds: scenario.horizon,
            start_in_week_seconds: m.start_in_week,
            start_utc: start_utc(m),
            detected: m.detected(),
            time_to_detect_seconds: m.time_to_detect,
            time_to_declare_seconds: m.time_to_declare,
            time_to_first_revocation_seconds: m.time_to_first_revocation,
            contained: m.attack.then(|| m.contained()),
            time_to_containment_seconds: m.time_to_containment,
            time_to_first_close_seconds: m.time_to_first_close,
            first_compromise_seconds: m.first_compromise,
            dwell_seconds: m.dwell,
            first_notice: m.first_notice.map(|n| n.name()),
            rotations: m.rotations,
            preemptive_revocations: m.preemptive_revocations,
            reports_received: m.reports_received,
            reports_lost: m.reports_lost,
            time_to_final_eviction_seconds: m.time_to_final_eviction,
            re_entries: m.re_entries,
            time_to_first_re_entry_seconds: m.time_to_first_re_entry,
            re_detection_seconds: m.re_detection,
            time_to_first_reopen_seconds: m.time_to_first_reopen,
            time_to_final_close_seconds: m.time_to_final_close,
            final_phase: m.final_phase.name(),
            missed_revocations: m.missed_revocations,
            missed_by_kind: CredentialKind::ALL
                .iter()
                .map(|k| (k.name(), m.missed_by_kind[k.index()]))
                .collect(),
            false_closure: m.false_closure,
            reopened: m.reopened,
            revocations: m.revocations,
            wrongful_revocations: m.wrongful_revocations,
            evidence_by_close: m.evidence_by_close,
            handoffs: m.handoffs,
            stalls: m.stalls,
            stall_wait_seconds: m.stall_wait,
            stalls_by_cause: by_cause(&m.stalls_by_cause),
            abandoned: m.abandoned,
            abandoned_by_cause: by_cause(&m.abandoned_by_cause),
            wait_seconds_by_cause: WaitCause::ALL
                .iter()
                .map(|c| (c.name(), m.wait_by_cause[c.index()]))
                .collect(),
            notifications: m.notifications,
            damage: m.damage,
            stages_reached: m.stages_reached,
            signals_emitted: m.signals_emitted,
            signals_lost: m.signals_lost,
            stages: scenario
                .stages
                .iter()
                .zip(stage_done)
                .map(|(s, &t)| StageDone {
                    stage: &s.id,
                    done_seconds: t,
                })
                .collect(),
        }
    }
}

// ------------------------------------------------------------------ runs.csv

/// The stage columns of runs.csv: every stage id of `scenarios`, in order of first
/// appearance (a stage id shared by two scenarios is one column).
pub fn stage_columns<'s>(scenarios: impl IntoIterator<Item = &'s Scenario>) -> Vec<&'s str> {
    let mut ids: Vec<&str> = Vec::new();
    for s in scenarios {
        for st in &s.stages {
            if !ids.contains(&st.id.as_str()) {
                ids.push(&st.id);
            }
        }
    }
    ids
}

/// The columns of runs.csv: the run's measures, its wait by cause, the rest, its phase
/// measures, abandoned tasks by cause, then one `stage_<id>_done` per stage column.
pub fn runs_header(stages: &[&str]) -> Vec<String> {
    let mut header: Vec<String> = [
        "scenario",
        "model",
        "run",
        "attack",
        "horizon_seconds",
        "start_in_week_seconds",
        "start_utc",
        "detected",
        "time_to_detect_seconds",
        "time_to_declare_seconds",
        "time_to_first_revocation_seconds",
        "contained",
        "time_to_containment_seconds",
        "time_to_first_close_seconds",
        "missed_revocations",
        "false_closure",
        "reopened",
        "revocations",
        "wrongful_revocations",
        "evidence_by_close",
        "handoffs",
        "stalls",
        "stall_wait_seconds",
    ]
    .map(String::from)
    .to_vec();
    for cause in WaitCause::ALL {
        header.push(format!("wait_{}_seconds", cause.name()));
    }
    header.extend(
        [
            "notifications",
            "damage",
            "stages_reached",
            "signals_emitted",
            "signals_lost",
            "first_compromise_seconds",
            "dwell_seconds",
            "first_notice",
            "rotations",
            "preemptive_revocations",
            "reports_received",
            "reports_lost",
            "time_to_final_eviction_seconds",
            "re_entries",
            "time_to_first_re_entry_seconds",
            "re_detection_seconds",
            "time_to_first_reopen_seconds",
            "time_to_final_close_seconds",
            "final_phase",
            "abandoned",
        ]
        .map(String::from),
    );
    for cause in WaitCause::ALL {
        header.push(format!("abandoned_{}", cause.name()));
    }
    for id in stages {
        header.push(crate::output::escape::csv_text(&format!("stage_{id}_done")));
    }
    header
}

/// For each stage column, the index of that stage in `scenario` (if it has it).
pub fn stage_map(columns: &[&str], scenario: &Scenario) -> Vec<Option<usize>> {
    columns
        .iter()
        .map(|id| scenario.stages.iter().position(|s| s.id == *id))
        .collect()
}

fn opt(v: Option<u64>) -> String {
    v.map_or(String::new(), |x| x.to_string())
}

/// A CSV flag: `1` or `0` (docs/data.md: every CSV flag is 1/0, empty when not applicable).
pub fn bit(b: bool) -> String {
    if b { "1" } else { "0" }.to_string()
}

/// One run's row of runs.csv, after its scenario and model (already escaped), given the
/// scenario's horizon and the run's stage first-completion times (`stage_done`, in the
/// scenario's stage order); `map` is [`stage_map`] of the file's stage columns. Flags are 1/0;
/// `contained` is empty in a benign run (no attacker); an empty time did not happen by the
/// horizon (censored there) or does not apply to the run (docs/data.md).
pub fn run_row(
    (scenario, model): (&str, &str),
    run: &RunMetrics,
    (horizon, stage_done): (u64, &[Option<u64>]),
    map: &[Option<usize>],
) -> Vec<String> {
    let mut row = vec![
        scenario.to_string(),
        model.to_string(),
        run.run.to_string(),
        bit(run.attack),
        horizon.to_string(),
        run.start_in_week.to_string(),
        start_utc(run).unwrap_or_default(),
        bit(run.detected()),
        opt(run.time_to_detect),
        opt(run.time_to_declare),
        opt(run.time_to_first_revocation),
        if run.attack {
            bit(run.contained())
        } else {
            String::new()
        },
        opt(run.time_to_containment),
        opt(run.time_to_first_close),
        run.missed_revocations.to_string(),
        bit(run.false_closure),
        run.reopened.to_string(),
        run.revocations.to_string(),
        run.wrongful_revocations.to_string(),
        run.evidence_by_close.to_string(),
        run.handoffs.to_string(),
        run.stalls.to_string(),
        run.stall_wait.to_string(),
    ];
    row.extend(run.wait_by_cause.iter().map(|x| x.to_string()));
    row.extend([
        run.notifications.to_string(),
        run.damage.to_string(),
        run.stages_reached.to_string(),
        run.signals_emitted.to_string(),
        run.signals_lost.to_string(),
        opt(run.first_compromise),
        opt(run.dwell),
        run.first_notice
            .map_or(String::new(), |n| n.name().to_string()),
        run.rotations.to_string(),
        run.preemptive_revocations.to_string(),
        run.reports_received.to_string(),
        run.reports_lost.to_string(),
        opt(run.time_to_final_eviction),
        run.re_entries.to_string(),
        opt(run.time_to_first_re_entry),
        opt(run.re_detection),
        opt(run.time_to_first_reopen),
        opt(run.time_to_final_close),
        run.final_phase.name().to_string(),
        run.abandoned.to_string(),
    ]);
    row.extend(run.abandoned_by_cause.iter().map(|x| x.to_string()));
    row.extend(map.iter().map(|at| opt(at.and_then(|i| stage_done[i]))));
    row
}

// ------------------------------------------------------- credential outcomes

/// What happened to one credential over a batch's attack runs.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CredentialRow {
    pub credential: String,
    pub kind: &'static str,
    pub attack_runs: u64,
    /// Runs (of attack runs) in which the attacker held it.
    pub held: u64,
    pub revoked: u64,
    /// Mean seconds from the run start to its revocation, over runs that revoked it.
    pub mean_time_to_revocation_seconds: Option<f64>,
    /// Runs in which each team revoked it (teams with none left out).
    pub revoked_by: BTreeMap<String, u64>,
    pub missed_at_first_close: u64,
    pub found_by_verify: u64,
    pub found_by_later_detection: u64,
}

/// One row per credential of `scenario`, from a batch's (or a comparison's) breakdown.
pub fn credential_rows(
    out: &CredentialOutcomes,
    scenario: &Scenario,
    model: &Model,
    attack_runs: u64,
) -> Vec<CredentialRow> {
    scenario
        .credentials
        .iter()
        .enumerate()
        .take(out.len())
        .map(|(k, c)| CredentialRow {
            credential: c.id.clone(),
            kind: c.kind.name(),
            attack_runs,
            held: out.held[k],
            revoked: out.revoked[k],
            mean_time_to_revocation_seconds: (out.revoked[k] > 0)
                .then(|| out.revoke_seconds[k] as f64 / out.revoked[k] as f64),
            revoked_by: model
                .teams
                .iter()
                .enumerate()
                .map(|(t, team)| (team.id.clone(), out.revoked_by_team[k * out.teams + t]))
                .filter(|(_, n)| *n > 0)
                .collect(),
            missed_at_first_close: out.missed_at_close[k],
            found_by_verify: out.found_by_verify[k],
            found_by_later_detection: out.found_by_later_detection[k],
        })
        .collect()
}

/// A dated run's start as ISO 8601 UTC ("2023-09-28T15:00:00Z").
fn start_utc(m: &RunMetrics) -> Option<String> {
    m.start_unix
        .map(|t| crate::output::eventlog::iso(t.max(0) as u64))
}

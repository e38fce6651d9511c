//! What a comparison's runs say about each RACI row and each lint finding: the rows of a model's
//! matrix (`rows`), the waits by cause, abandoned tasks and missed revocations measured on a row
//! (`row_waits`, `missed_of_kind`, ...), and every lint finding read against the failure it
//! predicts (`evaluate`). Pure functions of the comparison; no rendering.
//!
//! A failure counts as *observed* in a scenario when its mean per run reaches the threshold:
//! [`WAIT_OBSERVED`] seconds of waiting, or [`COUNT_OBSERVED`] tasks, revocations or signals.

use crate::analysis::compare::Comparison;
use crate::analysis::lint::{lint, Finding};
use crate::domain::{Activity, CredentialKind, ReportSource, SignalKind, WaitCause};
use crate::input::{Model, Row, Scenario};

/// Mean waiting per run at which a wait counts as observed: one minute.
pub const WAIT_OBSERVED: f64 = 60.0;
/// Mean count per run at which a count counts as observed: once in 100 runs.
pub const COUNT_OBSERVED: f64 = 0.01;

/// A row of a RACI matrix, the same in every model that has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowKey {
    /// A detect row and the signal kinds it covers (empty: every kind).
    Detect(Vec<SignalKind>),
    /// An intake row and the report sources it covers (empty: every source).
    Intake(Vec<ReportSource>),
    /// A single-row activity (triage ... close).
    Activity(Activity),
    Revoke(CredentialKind),
    RotateAll,
}

impl RowKey {
    /// The activity whose tasks this row's teams do.
    pub fn activity(&self) -> Activity {
        match self {
            RowKey::Detect(_) => Activity::Detect,
            RowKey::Intake(_) => Activity::Intake,
            RowKey::Activity(a) => *a,
            RowKey::Revoke(_) => Activity::Revoke,
            RowKey::RotateAll => Activity::RotateAll,
        }
    }

    /// "detect: secret_misuse, bulk_export", "revoke api_key", "approve_containment".
    pub fn label(&self) -> String {
        fn list<T: std::fmt::Display>(what: &str, all: &str, v: &[T]) -> String {
            if v.is_empty() {
                format!("{what} ({all})")
            } else {
                let names: Vec<String> = v.iter().map(|x| x.to_string()).collect();
                format!("{what}: {}", names.join(", "))
            }
        }
        match self {
            RowKey::Detect(s) => list("detect", "all signals", s),
            RowKey::Intake(s) => list("intake", "all sources", s),
            RowKey::Activity(a) => a.name().to_string(),
            RowKey::Revoke(k) => format!("revoke {}", k.name()),
            RowKey::RotateAll => "rotate_all".into(),
        }
    }

    /// A name fit for an HTML id: letters, digits, `-` and `_` only.
    pub fn slug(&self) -> String {
        self.label()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    }
}

/// The letters of one team in one row, "A/R" when it holds several (A, R, C, I order).
fn letters(r: &[usize], a: &[usize], c: &[usize], i: &[usize], team: usize) -> String {
    let held: Vec<&str> = [(a, "A"), (r, "R"), (c, "C"), (i, "I")]
        .iter()
        .filter(|(v, _)| v.contains(&team))
        .map(|(_, l)| *l)
        .collect();
    held.join("/")
}

fn row_letters(row: &Row, teams: usize) -> Vec<String> {
    (0..teams)
        .map(|t| letters(&row.r, &row.a, &row.c, &row.i, t))
        .collect()
}

/// The credential kinds a matrix shows a revoke row for: those any of `models` names in a
/// revoke row, or any of `scenarios` holds, in domain order.
pub fn revoke_kinds(models: &[&Model], scenarios: &[&Scenario]) -> Vec<CredentialKind> {
    CredentialKind::ALL
        .iter()
        .copied()
        .filter(|k| {
            let named = models.iter().any(|m| {
                let r = &m.revoke[k.index()];
                !(r.r.is_empty() && r.a.is_empty() && r.c.is_empty() && r.i.is_empty())
            });
            named
                || scenarios
                    .iter()
                    .any(|s| s.credentials.iter().any(|c| c.kind == *k))
        })
        .collect()
}

/// The rows of `m`'s matrix in lifecycle order, each with one cell per team (letters, or ""):
/// detect rows, intake rows (an empty one when a scenario has external reports and the model
/// names no intake), triage to approve_containment, revoke per kind of `kinds`, rotate_all
/// when the model has its row, verify, capture_evidence, close.
pub fn rows(m: &Model, kinds: &[CredentialKind], reports: bool) -> Vec<(RowKey, Vec<String>)> {
    let n = m.teams.len();
    let mut out = Vec::new();
    for d in &m.detect {
        let cells = (0..n).map(|t| letters(&d.r, &[], &[], &d.i, t)).collect();
        out.push((RowKey::Detect(d.signals.clone()), cells));
    }
    for d in &m.intake {
        let cells = (0..n).map(|t| letters(&d.r, &[], &[], &d.i, t)).collect();
        out.push((RowKey::Intake(d.sources.clone()), cells));
    }
    if m.intake.is_empty() && reports {
        out.push((RowKey::Intake(Vec::new()), vec![String::new(); n]));
    }
    use Activity as A;
    for a in [
        A::Triage,
        A::Scope,
        A::ValidateEntitlement,
        A::ConfirmBusiness,
        A::ApproveContainment,
    ] {
        out.push((RowKey::Activity(a), row_letters(&m.rows[a.index()], n)));
    }
    for &k in kinds {
        out.push((RowKey::Revoke(k), row_letters(&m.revoke[k.index()], n)));
    }
    if let Some(row) = &m.rotate_all {
        out.push((RowKey::RotateAll, row_letters(row, n)));
    }
    for a in [A::Verify, A::CaptureEvidence, A::Close] {
        out.push((RowKey::Activity(a), row_letters(&m.rows[a.index()], n)));
    }
    out
}

/// Does any scenario of the comparison have external reports?
pub fn has_reports(c: &Comparison) -> bool {
    c.scenarios
        .iter()
        .any(|s| s.scenario.stages.iter().any(|st| !st.reports.is_empty()))
}

/// Mean seconds per run waited on `activity`, by cause, in scenario `s` under model `m`.
pub fn row_waits(
    c: &Comparison,
    s: usize,
    m: usize,
    activity: Activity,
) -> [f64; WaitCause::COUNT] {
    let r = &c.scenarios[s].models[m];
    let runs = r.summary.runs.max(1) as f64;
    let mut out = [0.0; WaitCause::COUNT];
    for &cause in WaitCause::ALL {
        out[cause.index()] = r.breakdown.activity_wait(activity, cause) as f64 / runs;
    }
    out
}

/// Mean tasks of `activity` per run that nobody would ever do (abandoned).
pub fn abandoned(c: &Comparison, s: usize, m: usize, activity: Activity) -> f64 {
    let r = &c.scenarios[s].models[m];
    let b = &r.breakdown;
    let nobody = b.teams;
    let n: u64 = (0..=b.teams)
        .map(|from| b.stalls[b.stall_index(from, nobody, activity)])
        .sum();
    n as f64 / r.summary.runs.max(1) as f64
}

/// Mean abandoned tasks per run that waited on `cause`.
pub fn abandoned_by_cause(c: &Comparison, s: usize, m: usize, cause: WaitCause) -> f64 {
    let r = &c.scenarios[s].models[m];
    let n: u64 = r
        .runs
        .iter()
        .map(|x| x.abandoned_by_cause[cause.index()] as u64)
        .sum();
    n as f64 / r.summary.runs.max(1) as f64
}

/// Per attack run of scenario `s` (`None` without attack runs): `f` summed over them.
fn per_attack_run(
    c: &Comparison,
    s: usize,
    m: usize,
    f: impl Fn(&crate::engine::metrics::RunMetrics) -> u64,
) -> Option<f64> {
    let r = &c.scenarios[s].models[m];
    let attack = r.summary.attack_runs;
    (attack > 0)
        .then(|| r.runs.iter().filter(|x| x.attack).map(f).sum::<u64>() as f64 / attack as f64)
}

/// Missed revocations of `kind` per attack run (`None`: no attack runs, or the scenario has
/// no credential of the kind).
pub fn missed_of_kind(c: &Comparison, s: usize, m: usize, kind: CredentialKind) -> Option<f64> {
    let uses = c.scenarios[s]
        .scenario
        .credentials
        .iter()
        .any(|x| x.kind == kind);
    if !uses {
        return None;
    }
    per_attack_run(c, s, m, |x| x.missed_by_kind[kind.index()] as u64)
}

/// Signals lost per attack run (no team saw them).
pub fn signals_lost(c: &Comparison, s: usize, m: usize) -> Option<f64> {
    per_attack_run(c, s, m, |x| x.signals_lost as u64)
}

/// Credentials of scenario `s` picked by `pick` that were held, working and not revoked at the
/// first close, per attack run (`None`: no attack runs, or `pick` picks none).
pub fn missed_credentials(
    c: &Comparison,
    s: usize,
    m: usize,
    pick: impl Fn(&crate::input::Credential) -> bool,
) -> Option<f64> {
    let sr = &c.scenarios[s];
    let r = &sr.models[m];
    let picked: Vec<usize> = (0..sr.scenario.credentials.len())
        .filter(|&k| pick(&sr.scenario.credentials[k]))
        .collect();
    if picked.is_empty() || r.summary.attack_runs == 0 {
        return None;
    }
    let outcomes = &r.breakdown.credentials;
    let n: u64 = picked.iter().map(|&k| outcomes.missed_at_close[k]).sum();
    Some(n as f64 / r.summary.attack_runs as f64)
}

/// A model's lint findings against every scenario of the comparison.
#[derive(Clone, Debug)]
pub struct ModelLint {
    pub model: String,
    pub findings: Vec<Finding>,
}

/// Lints every model of `c` against its scenarios; `sources[i]` is model i's (label, text).
pub fn lint_models(c: &Comparison, sources: &[(String, String)]) -> Vec<ModelLint> {
    let scenarios: Vec<Scenario> = c.scenarios.iter().map(|s| s.scenario.clone()).collect();
    c.models
        .iter()
        .zip(sources)
        .map(|(m, (label, text))| ModelLint {
            model: m.name.clone(),
            findings: lint(m, label, text, &scenarios),
        })
        .collect()
}

mod findings;

pub use findings::{
    evaluate, finding_docs, predicts, Evaluation, FindingDoc, Outcome, Quantity, ScenarioEvidence,
};

/// One cell of the wait table for results.json: mean seconds per run on an activity for a cause.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RowWait {
    pub activity: &'static str,
    pub cause: &'static str,
    pub seconds_per_run: f64,
}

/// The non-zero cells of scenario `s`'s wait table under model `m`, activity-major.
pub fn row_wait_cells(c: &Comparison, s: usize, m: usize) -> Vec<RowWait> {
    let mut out = Vec::new();
    for &a in Activity::ALL {
        let w = row_waits(c, s, m, a);
        for &cause in WaitCause::ALL {
            let v = w[cause.index()];
            if v > 0.0 {
                out.push(RowWait {
                    activity: a.name(),
                    cause: cause.name(),
                    seconds_per_run: v,
                });
            }
        }
    }
    out
}

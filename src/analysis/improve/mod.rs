//! `raci-sim improve`: searching for small changes to an ownership model that shorten
//! containment without missing more revocations or disrupting more benign work.
//!
//! The data flow, one module each:
//! - `edits`: the edit operators (docs/improve.md lists them) applied to the model *file*, each
//!   candidate written as RON and loaded back through the normal validation, so the file a user
//!   gets is exactly the model that was simulated; its cost; the change in RACI terms.
//! - `race`: successive halving on common random numbers: every candidate runs the same first
//!   runs; after each round the weaker half is dropped (Pareto layers first, then time to
//!   containment), the rest get twice the runs; the finalists get the full run count.
//! - `front`: the Pareto front of the finalists over time to containment, missed revocations,
//!   wrongful revocations and cost; each front model's verdicts against the original (the
//!   report's rule); the recommended change.
//! - `sensitivity`: the recommended change under moved calibration assumptions (tornado).
//! - `evaluate`: runs reduced to `Outcome`s; differences pooled over scenarios.
//! - `candidates`, `changes`: a candidate built from edits (file, RON text, validated model),
//!   and its change in RACI terms with its cost, read off the two files.
//! - `search`: the whole pass, operators to sensitivity.

pub mod candidates;
pub mod changes;
pub mod edits;
pub mod evaluate;
pub mod front;
pub mod race;
pub mod search;
pub mod sensitivity;

use serde::Serialize;

use crate::analysis::decision::Pooled;
use crate::analysis::verdict::Practical;
use crate::domain::{CredentialKind, Plane, Severity};
use crate::input::file::ModelFile;
use crate::input::Model;

/// A row of the RACI matrix, as files and outputs name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum RowId {
    Detect,
    Triage,
    Scope,
    ValidateEntitlement,
    ConfirmBusiness,
    ApproveContainment,
    Revoke(CredentialKind),
    Verify,
    CaptureEvidence,
    Close,
    RotateAll,
}

impl RowId {
    /// "approve_containment", "revoke.api_key".
    pub fn name(self) -> String {
        match self {
            RowId::Detect => "detect".into(),
            RowId::Triage => "triage".into(),
            RowId::Scope => "scope".into(),
            RowId::ValidateEntitlement => "validate_entitlement".into(),
            RowId::ConfirmBusiness => "confirm_business".into(),
            RowId::ApproveContainment => "approve_containment".into(),
            RowId::Revoke(k) => format!("revoke.{}", k.name()),
            RowId::Verify => "verify".into(),
            RowId::CaptureEvidence => "capture_evidence".into(),
            RowId::Close => "close".into(),
            RowId::RotateAll => "rotate_all".into(),
        }
    }
}

/// A RACI letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Letter {
    R,
    A,
    C,
    I,
}

/// One documented edit operator with its arguments (docs/improve.md, "Edit operators").
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "operator", rename_all = "snake_case")]
pub enum Edit {
    /// Give a row with no R (or, for a decision row, no A) that letter for `team`.
    OwnRow {
        row: RowId,
        letter: Letter,
        team: String,
    },
    /// A row with several A (a committee) gets one A: `to`.
    CollapseCommittee { row: RowId, to: String },
    /// `team` may approve containment without business confirmation from `min_severity`.
    EmergencyContainment {
        team: String,
        min_severity: Severity,
    },
    /// A business-hours team without on-call gets paged off shift (or is paged from a lower
    /// severity than today).
    OnCall {
        team: String,
        page_latency: u64,
        min_severity: Severity,
    },
    /// The R team of `row` gets an inventory (and telemetry) of `plane`, at the accuracy of the
    /// team that sees that plane best.
    Visibility {
        row: RowId,
        team: String,
        plane: Plane,
        accuracy: f64,
    },
    /// `verify` gets `team` as its one R.
    VerifyOwner { team: String },
    /// Rotate every known credential in scope once containment is approved at `from_severity`
    /// or above, and on a reopen.
    RotateAll { from_severity: Severity },
    /// `team` is no longer consulted on `row`.
    DropConsult { row: RowId, team: String },
    /// Revoking `kind` moves to `team`, the team with the best inventory of the planes where
    /// the scenarios keep credentials of that kind.
    RevokeToPlaneOwner { kind: CredentialKind, team: String },
}

impl Edit {
    /// The operator's name as docs/improve.md lists it ("collapse_committee").
    pub fn operator(&self) -> &'static str {
        match self {
            Edit::OwnRow { .. } => "own_row",
            Edit::CollapseCommittee { .. } => "collapse_committee",
            Edit::EmergencyContainment { .. } => "emergency_containment",
            Edit::OnCall { .. } => "on_call",
            Edit::Visibility { .. } => "visibility",
            Edit::VerifyOwner { .. } => "verify_owner",
            Edit::RotateAll { .. } => "rotate_all",
            Edit::DropConsult { .. } => "drop_consult",
            Edit::RevokeToPlaneOwner { .. } => "revoke_to_plane_owner",
        }
    }
}

/// What a candidate costs the organisation: cells changed in the model (RACI letters, policy
/// settings, visibility grants), teams newly on call, and hours a week newly covered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Cost {
    pub cells: u32,
    pub on_call_teams: u32,
    /// Hours a week during which a team is newly reachable (on-call off-shift hours).
    pub coverage_hours: f64,
}

/// How the user weighs the parts of a cost into one number (`--cost-weights`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CostWeights {
    pub cell: f64,
    pub on_call_team: f64,
    pub coverage_hour: f64,
}

impl Default for CostWeights {
    /// One per changed cell, three per team put on call, 0.01 per hour a week newly covered.
    fn default() -> Self {
        CostWeights {
            cell: 1.0,
            on_call_team: 3.0,
            coverage_hour: 0.01,
        }
    }
}

impl Cost {
    pub fn weighed(&self, w: &CostWeights) -> f64 {
        self.cells as f64 * w.cell
            + self.on_call_teams as f64 * w.on_call_team
            + self.coverage_hours * w.coverage_hour
    }

    pub fn plus(self, o: Cost) -> Cost {
        Cost {
            cells: self.cells + o.cells,
            on_call_teams: self.on_call_teams + o.on_call_teams,
            coverage_hours: self.coverage_hours + o.coverage_hours,
        }
    }
}

/// A candidate model: the original with one or two edits.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// "c001"...; the original model is not a candidate.
    pub id: String,
    pub edits: Vec<Edit>,
    /// The model name written in its file: "<original>+c001".
    pub name: String,
    pub file: ModelFile,
    /// The RON text written for it (what was loaded and simulated).
    pub text: String,
    pub model: Model,
    pub cost: Cost,
    /// The change in RACI terms, one line per changed row or setting:
    /// "approve_containment: A soc+iam+business-owner+risk -> A soc".
    pub changes: Vec<String>,
}

/// One round of the race.
#[derive(Clone, Debug, Serialize)]
pub struct Round {
    /// Runs per scenario each entrant has after this round.
    pub runs: u64,
    pub entrants: usize,
    /// Entrants kept for the next round (all of them in the last round).
    pub kept: usize,
    /// Runs simulated in this round (all scenarios, all entrants and the original).
    pub simulated: u64,
}

/// A candidate's standing when it left the race (or at the end).
#[derive(Clone, Debug, Serialize)]
pub struct Standing {
    /// Index into `Improvement::candidates`.
    pub candidate: usize,
    /// Runs per scenario it was evaluated on.
    pub runs: u64,
    /// The round after which it was dropped; `None` for a finalist.
    pub dropped_after: Option<usize>,
    /// Overall values at its last round, in `evaluate::SEARCHED` order.
    pub means: [f64; 3],
}

/// A finalist against the original model, at the final run count.
#[derive(Clone, Debug, Serialize)]
pub struct Finalist {
    pub candidate: usize,
    /// Candidate minus original, one per `evaluate::SEARCHED` metric.
    pub versus_original: Vec<Pooled>,
    pub on_front: bool,
}

/// The recommended change and why it was chosen.
#[derive(Clone, Debug, Serialize)]
pub struct Recommendation {
    pub candidate: usize,
    /// The rule that picked it, in words.
    pub reason: String,
}

/// One calibration assumption moved to the ends of its documented range.
#[derive(Clone, Debug, Serialize)]
pub struct Bar {
    /// "detection delay".
    pub assumption: &'static str,
    /// What is moved and where the range comes from.
    pub range: String,
    /// "x0.5", "x3".
    pub low_label: String,
    pub high_label: String,
    /// Recommended minus original, time to containment, at each end.
    pub low: Pooled,
    pub high: Pooled,
    /// At either end the verdict is not the base verdict.
    pub flips: bool,
}

/// The tornado: the recommended change under each moved assumption.
#[derive(Clone, Debug, Serialize)]
pub struct Sensitivity {
    /// Runs per scenario behind each bar end.
    pub runs: u64,
    /// Recommended minus original, time to containment, at the calibrated values.
    pub base: Pooled,
    /// Widest swing first.
    pub bars: Vec<Bar>,
}

/// Everything `improve` found.
#[derive(Clone, Debug)]
pub struct Improvement {
    pub original: ModelFile,
    pub original_model: Model,
    pub scenarios: Vec<String>,
    pub seed: u64,
    /// Runs per scenario of the finalists and the original.
    pub final_runs: u64,
    pub practical: Practical,
    pub weights: CostWeights,
    pub candidates: Vec<Candidate>,
    /// Single-edit candidates generated, before any pair was formed.
    pub singles: usize,
    pub rounds: Vec<Round>,
    pub standings: Vec<Standing>,
    pub finalists: Vec<Finalist>,
    /// Overall values of the original model at the final run count, `SEARCHED` order.
    pub original_means: [f64; 3],
    pub recommended: Option<Recommendation>,
    pub sensitivity: Option<Sensitivity>,
    /// Runs simulated in all (race, finals and sensitivity), over all scenarios.
    pub runs_simulated: u64,
    /// Runs the race would have simulated evaluating every candidate at the final run count.
    pub runs_without_racing: u64,
}

//! The resolved ownership model: what `validate` makes of a model file, every team an index,
//! every duration in seconds. A `Model` that exists is valid.

use crate::domain::duration::Dist;
use crate::domain::{
    Activity, CredentialKind, Plane, ReportSource, Severity, SignalKind, WaitCause,
};
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OnCall {
    pub page_latency: u64,
    pub min_severity: Severity,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Coverage {
    AlwaysOn,
    BusinessHours {
        /// Local seconds after midnight.
        start: u64,
        end: u64,
        /// Bit d set: weekday d (Monday = 0) is a working day.
        days: u8,
        on_call: Option<OnCall>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Background {
    /// Mean arrivals per second.
    pub rate: f64,
    pub effort: Dist,
}

#[derive(Clone, Debug)]
pub struct Team {
    pub id: String,
    pub staff: u32,
    pub coverage: Coverage,
    /// Seconds added to UTC to get the team's local time.
    pub utc_offset: i64,
    pub background: Option<Background>,
    /// Inventory accuracy per plane; `None` where the team cannot see the plane.
    pub visibility: [Option<f64>; Plane::COUNT],
    /// Probability the team sees a signal emitted in the plane (0 where it watches nothing).
    pub telemetry: [f64; Plane::COUNT],
    /// `telemetry` was not given: it follows `visibility` (1.0 wherever the team has inventory),
    /// also when a study sweeps the inventory accuracy of a plane.
    pub telemetry_follows_visibility: bool,
}

impl Team {
    /// The team has an inventory of the plane (scope and verify can find credentials there).
    pub fn sees(&self, plane: Plane) -> bool {
        self.visibility[plane.index()].is_some()
    }

    /// The team watches the plane's telemetry (may see signals emitted there).
    pub fn watches(&self, plane: Plane) -> bool {
        self.telemetry[plane.index()] > 0.0
    }

    /// When the team's background work would grow its queue without bound: (staff the work
    /// needs on average, staff on shift on average). A queue within 2% of capacity counts too:
    /// it has no steady state a week-long run could reach.
    pub fn overload(&self) -> Option<(f64, f64)> {
        let b = self.background?;
        let load = b.rate * b.effort.mean();
        let capacity = self.capacity();
        (load >= capacity * 0.98 && load > 0.0).then_some((load, capacity))
    }

    /// Staff on shift on average over a week (on-call hours not counted).
    pub fn capacity(&self) -> f64 {
        let share = match self.coverage {
            Coverage::AlwaysOn => 1.0,
            Coverage::BusinessHours {
                start, end, days, ..
            } => {
                end.saturating_sub(start) as f64 * days.count_ones() as f64
                    / (7 * crate::domain::DAY) as f64
            }
        };
        self.staff as f64 * share
    }
}

/// R, A, C and I of one activity, as team indices.
#[derive(Clone, Debug, Default)]
pub struct Row {
    pub r: Vec<usize>,
    pub a: Vec<usize>,
    pub c: Vec<usize>,
    pub i: Vec<usize>,
}

#[derive(Clone, Debug)]
pub struct DetectRow {
    /// Empty: every signal kind.
    pub signals: Vec<SignalKind>,
    pub r: Vec<usize>,
    pub i: Vec<usize>,
}

impl DetectRow {
    pub fn covers(&self, kind: SignalKind) -> bool {
        self.signals.is_empty() || self.signals.contains(&kind)
    }
}

/// Who receives external reports of some sources.
#[derive(Clone, Debug)]
pub struct IntakeRow {
    /// Empty: every source.
    pub sources: Vec<ReportSource>,
    pub r: Vec<usize>,
    pub i: Vec<usize>,
}

impl IntakeRow {
    pub fn covers(&self, source: ReportSource) -> bool {
        self.sources.is_empty() || self.sources.contains(&source)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Escalation {
    pub after: u64,
    pub to: usize,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Emergency {
    pub team: usize,
    pub min_severity: Severity,
}

#[derive(Clone, Debug)]
pub struct Policy {
    pub escalation: Option<Escalation>,
    pub emergency: Option<Emergency>,
    pub diffusion: f64,
    pub stall_threshold: u64,
    pub triage_accuracy: f64,
    pub triage_specificity: f64,
    pub business_recognition: f64,
    pub verify_accuracy: f64,
    pub rotate_all: Option<RotateAll>,
    /// Scope's finds become revoke tasks as they are found (docs/semantics.md).
    pub incremental_revocation: bool,
    /// An upstream compromise notice revokes the credentials linked to it at once.
    pub preemptive_revocation: bool,
}

/// Policy `rotate_all`, resolved.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RotateAll {
    pub from_severity: Option<Severity>,
    pub on_reopen: bool,
    /// Bit p set: plane p is covered.
    pub planes: u32,
    /// Bit k set: credential kind k is covered.
    pub kinds: u32,
}

impl RotateAll {
    pub fn covers(&self, plane: Plane, kind: CredentialKind) -> bool {
        self.planes & (1 << plane.index()) != 0 && self.kinds & (1 << kind.index()) != 0
    }
}

/// A validated ownership model.
#[derive(Clone, Debug)]
pub struct Model {
    pub name: String,
    pub summary: String,
    pub sources: Vec<String>,
    pub teams: Vec<Team>,
    pub detect: Vec<DetectRow>,
    /// Intake rows for external reports.
    pub intake: Vec<IntakeRow>,
    /// Rows of the single-row activities, indexed by `Activity::index()` (Detect and Revoke
    /// rows are empty here; see `detect` and `revoke`).
    pub rows: Vec<Row>,
    pub revoke: Vec<Row>,
    pub policy: Policy,
    /// Effort per activity, indexed by `Activity::index()`.
    pub effort: Vec<Dist>,
    /// Holidays as days after 1970-01-01, sorted and distinct (dated scenarios only).
    pub holidays: Vec<i64>,
    /// The `raci.rotate_all` row, if given (else each kind's revoke row rotates).
    pub rotate_all: Option<Row>,
    /// Revoke effort by (team, kind): index `team * CredentialKind::COUNT + kind`, with team
    /// `revoke_effort` over `effort.revoke_by_kind` over `effort.revoke` resolved at load.
    pub revoke_effort: Vec<Dist>,
    /// `effort.rotate_all`, if given (else the revoke effort of the team and kind).
    pub rotate_all_effort: Option<Dist>,
}

impl Model {
    /// The RACI row of an activity; `kind` picks the revoke row.
    pub fn row(&self, activity: Activity, kind: CredentialKind) -> &Row {
        match (activity, &self.rotate_all) {
            (Activity::Revoke, _) | (Activity::RotateAll, None) => &self.revoke[kind.index()],
            (Activity::RotateAll, Some(row)) => row,
            _ => &self.rows[activity.index()],
        }
    }

    /// Work time of revoking a credential of `kind` by `team` (team > kind > revoke).
    pub fn revoke_effort(&self, team: usize, kind: CredentialKind) -> &Dist {
        &self.revoke_effort[team * CredentialKind::COUNT + kind.index()]
    }

    pub fn team_index(&self, id: &str) -> Option<usize> {
        self.teams.iter().position(|t| t.id == id)
    }
}

/// Default effort per activity (all assumptions; docs/file-formats.md lists them).
pub fn default_effort(activity: Activity) -> Dist {
    use crate::domain::duration::{DistFile, Duration};
    let ln = |median: u64, p90: u64| {
        DistFile::LogNormal {
            median: Duration(median),
            p90: Duration(p90),
        }
        .resolve()
        .expect("default efforts are valid")
    };
    const M: u64 = 60;
    match activity {
        Activity::Detect => ln(10 * M, 60 * M),
        Activity::Triage => ln(20 * M, 60 * M),
        Activity::Scope => ln(30 * M, 120 * M),
        Activity::ValidateEntitlement => ln(30 * M, 120 * M),
        Activity::ConfirmBusiness => ln(60 * M, 240 * M),
        Activity::ApproveContainment => ln(10 * M, 30 * M),
        Activity::Revoke => ln(15 * M, 60 * M),
        Activity::Verify => ln(30 * M, 120 * M),
        Activity::CaptureEvidence => ln(15 * M, 45 * M),
        Activity::Close => Dist::Fixed(10 * M),
        Activity::Consult => ln(30 * M, 120 * M),
        Activity::SignOff => ln(5 * M, 20 * M),
        // Unused: a rotation takes `effort.rotate_all` or the revoke effort of its team.
        Activity::RotateAll => ln(15 * M, 60 * M),
        Activity::Intake => ln(10 * M, 60 * M),
    }
}

/// Names of wait causes in output order; handy for table headers.
pub fn wait_cause_names() -> impl Iterator<Item = &'static str> {
    WaitCause::ALL.iter().map(|c| c.name())
}

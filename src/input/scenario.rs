//! The resolved breach scenario: what `validate` makes of a scenario file, every id an index,
//! every duration in seconds. A `Scenario` that exists is valid.

use crate::domain::duration::Dist;
use crate::domain::{
    CredentialKind, IdentityKind, InventoryStatus, Plane, ReportSource, Severity, SignalKind,
};
#[derive(Clone, Debug)]
pub struct Identity {
    pub id: String,
    pub kind: IdentityKind,
}

#[derive(Clone, Debug)]
pub struct Credential {
    pub id: String,
    pub kind: CredentialKind,
    pub plane: Plane,
    pub identity: usize,
    pub parent: Option<usize>,
    pub held_at_start: bool,
    /// Seconds a revoked credential keeps working.
    pub residual_validity: u64,
    /// Seconds after it is obtained that it expires by itself, if it does.
    pub lifetime: Option<u64>,
    /// What the defender's inventory says about it (scope and verify, rotate-all).
    pub inventory: InventoryStatus,
    /// Team id that revokes it, resolved per model (`engine::Context`); `None`: its kind's row.
    pub owner: Option<String>,
    /// Index into `Scenario::upstreams`: the upstream whose compromise notice revokes it.
    pub upstream: Option<usize>,
    /// A slot of a template: it does not exist until a stage creates it (its inventory is
    /// unknown to the defenders).
    pub created: bool,
}

/// A credential the attacker creates at run time, expanded into `max` credential slots
/// `first .. first + max` (ids `id#1` .. `id#max`, each with its own identity).
#[derive(Clone, Debug)]
pub struct Template {
    pub id: String,
    pub first: usize,
    pub max: usize,
}

/// Which credential a signal or report points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Points {
    /// The credential in `credential`.
    Named,
    /// The slot of this template the same completion created (the last slot once they ran out).
    Created(usize),
    /// The first usable credential of the stage's `needs_any` at completion.
    AnyNeed,
}

/// An external report a stage's completion may cause.
#[derive(Clone, Debug)]
pub struct Report {
    pub source: ReportSource,
    pub probability: f64,
    pub delay: Dist,
    pub severity: Severity,
    /// The credential it points at (see `points`).
    pub credential: usize,
    pub points: Points,
    /// Index into `Scenario::upstreams`.
    pub upstream: Option<usize>,
}

#[derive(Clone, Debug)]
pub struct Signal {
    pub kind: SignalKind,
    pub plane: Plane,
    pub probability: f64,
    pub severity: Severity,
    /// The credential the alert points at (see `points`).
    pub credential: usize,
    pub points: Points,
}

#[derive(Clone, Debug)]
pub struct Stage {
    pub id: String,
    pub after: Vec<usize>,
    pub needs: Vec<usize>,
    pub duration: Dist,
    pub grants: Vec<usize>,
    /// Delay from one completion to the next start, for repeating stages.
    pub repeat: Option<Dist>,
    pub damage: u64,
    pub signals: Vec<Signal>,
    /// The incident's severity rises to this on completion during a declared incident.
    pub severity: Option<Severity>,
    /// At least one of these must be usable too, to start and to complete.
    pub needs_any: Vec<usize>,
    /// Templates (indices into `Scenario::templates`) each completion creates a slot of.
    pub creates: Vec<usize>,
    /// A completion re-obtains granted credentials even if they were revoked.
    pub steals_again: bool,
    /// The stage never starts at or after this offset (seconds).
    pub open_until: Option<u64>,
    /// Replay: the first completion happens at this offset (or at the start, if later).
    pub at: Option<u64>,
    pub reports: Vec<Report>,
}

/// Once cumulative damage reaches `damage`, a declared incident's severity rises to `severity`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DamageSeverity {
    pub damage: u64,
    pub severity: Severity,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// Seconds after Monday 00:00 UTC.
    At(u64),
    UniformWeek,
    /// Seconds after 1970-01-01T00:00:00Z (a dated start).
    Date(i64),
    /// Uniform over the 7 days from this instant (a date's 00:00 UTC, seconds after 1970).
    WeekOf(i64),
}

impl Start {
    /// Whether the run has a calendar date (holidays apply).
    pub fn dated(self) -> bool {
        matches!(self, Start::Date(_) | Start::WeekOf(_))
    }
}

/// A validated breach scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub summary: String,
    pub sources: Vec<String>,
    pub identities: Vec<Identity>,
    pub credentials: Vec<Credential>,
    pub stages: Vec<Stage>,
    pub benign_share: f64,
    pub start: Start,
    pub horizon: u64,
    /// Sorted by damage.
    pub damage_severity: Vec<DamageSeverity>,
    /// Credential link graph (same identity, parent and child), for scoping.
    pub links: Vec<Vec<usize>>,
    /// Stage -> stages that list it in `after`.
    pub dependents: Vec<Vec<usize>>,
    /// Credential -> stages that need it (in `needs` or `needs_any`).
    pub needed_by: Vec<Vec<usize>>,
    /// Templates; their slots are at the end of `credentials` (and identities).
    pub templates: Vec<Template>,
    /// Distinct `upstream` labels of credentials and reports, in order of first appearance
    /// (credentials first).
    pub upstreams: Vec<String>,
}

impl Scenario {
    /// The highest severity the incident can reach: its signals', its stages' own and its
    /// damage thresholds'. `None` when nothing names a severity.
    pub fn max_severity(&self) -> Option<Severity> {
        let stages = self
            .stages
            .iter()
            .flat_map(|st| st.signals.iter().map(|g| g.severity).chain(st.severity));
        stages
            .chain(self.damage_severity.iter().map(|d| d.severity))
            .max()
    }
}

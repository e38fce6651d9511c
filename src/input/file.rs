//! The file formats, exactly as written: serde types that mirror the RON text. Nothing here is
//! trusted; `input::validate` turns these into the resolved types the engine runs on.
//! Every field is documented in docs/file-formats.md with its unit and default.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::domain::duration::{ClockTime, DistFile, Duration};
use crate::domain::{
    CredentialKind, IdentityKind, InventoryStatus, Plane, ReportSource, Severity, SignalKind,
    Weekday,
};

fn one() -> u32 {
    1
}

// ---------------------------------------------------------------- breach scenario

#[derive(Debug, Deserialize)]
#[serde(rename = "Scenario", deny_unknown_fields)]
pub struct ScenarioFile {
    pub name: String,
    pub summary: String,
    #[serde(default)]
    pub sources: Vec<String>,
    pub identities: Vec<IdentityFile>,
    pub credentials: Vec<CredentialFile>,
    pub stages: Vec<StageFile>,
    #[serde(default)]
    pub benign_share: f64,
    pub start: StartFile,
    pub horizon: Duration,
    /// Severity the incident rises to once cumulative damage reaches each threshold.
    #[serde(default)]
    pub damage_severity: Vec<DamageSeverityFile>,
    /// Credentials the attacker creates at run time (issue 14, attack & signals).
    #[serde(default)]
    pub templates: Vec<TemplateFile>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "DamageSeverity", deny_unknown_fields)]
pub struct DamageSeverityFile {
    pub damage: u64,
    pub severity: Severity,
}

/// A credential the attacker creates at run time: validation expands it into `max` slots.
#[derive(Debug, Deserialize)]
#[serde(rename = "Template", deny_unknown_fields)]
pub struct TemplateFile {
    pub id: String,
    pub kind: CredentialKind,
    pub plane: Plane,
    pub identity_kind: IdentityKind,
    #[serde(default)]
    pub residual_validity: Option<Duration>,
    #[serde(default)]
    pub lifetime: Option<Duration>,
    pub max: u32,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Identity", deny_unknown_fields)]
pub struct IdentityFile {
    pub id: String,
    pub kind: IdentityKind,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Credential", deny_unknown_fields)]
pub struct CredentialFile {
    pub id: String,
    pub kind: CredentialKind,
    pub plane: Plane,
    pub identity: String,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub held_at_start: bool,
    #[serde(default)]
    pub residual_validity: Option<Duration>,
    #[serde(default)]
    pub lifetime: Option<Duration>,
    // Response (issue 14, B): see input/response.rs.
    #[serde(default)]
    pub inventory: InventoryStatus,
    /// Team id (in the model) that revokes this credential, overriding its kind's revoke row.
    #[serde(default)]
    pub owner: Option<String>,
    /// Free label of the upstream (vendor, supplier) this credential depends on.
    #[serde(default)]
    pub upstream: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Stage", deny_unknown_fields)]
pub struct StageFile {
    pub id: String,
    #[serde(default)]
    pub after: Vec<String>,
    #[serde(default)]
    pub needs: Vec<String>,
    pub duration: DistFile,
    #[serde(default)]
    pub grants: Vec<String>,
    #[serde(default)]
    pub repeat: Option<DistFile>,
    #[serde(default)]
    pub damage: u64,
    #[serde(default)]
    pub signals: Vec<SignalFile>,
    /// The incident's severity rises to this when the stage completes during the incident.
    #[serde(default)]
    pub severity: Option<Severity>,
    // Attack & signals (issue 14): see docs/file-formats.md.
    #[serde(default)]
    pub needs_any: Vec<String>,
    #[serde(default)]
    pub creates: Vec<String>,
    #[serde(default)]
    pub steals_again: bool,
    #[serde(default)]
    pub open_until: Option<Duration>,
    #[serde(default)]
    pub at: Option<Duration>,
    #[serde(default)]
    pub reports: Vec<ReportFile>,
}

/// An external report a stage's completion may cause.
#[derive(Debug, Deserialize)]
#[serde(rename = "Report", deny_unknown_fields)]
pub struct ReportFile {
    pub source: ReportSource,
    pub probability: f64,
    pub delay: DistFile,
    #[serde(default = "medium")]
    pub severity: Severity,
    #[serde(default)]
    pub credential: Option<String>,
    #[serde(default)]
    pub upstream: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Signal", deny_unknown_fields)]
pub struct SignalFile {
    pub kind: SignalKind,
    pub plane: Plane,
    pub probability: f64,
    #[serde(default = "medium")]
    pub severity: Severity,
    #[serde(default)]
    pub credential: Option<String>,
}

fn medium() -> Severity {
    Severity::Medium
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Start", deny_unknown_fields)]
pub enum StartFile {
    /// A fixed weekday and UTC time of day.
    At { day: Weekday, time: ClockTime },
    /// Uniform over the week, to the second.
    UniformWeek,
    /// An ISO date and time with its UTC offset: `"2023-09-28T14:00:00Z"`.
    Date(String),
    /// Uniform over the 7 days from this date's 00:00 UTC: `"2024-12-23"`.
    WeekOf(String),
}

// ---------------------------------------------------------------- ownership model

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Model", deny_unknown_fields)]
pub struct ModelFile {
    pub name: String,
    pub summary: String,
    #[serde(default)]
    pub sources: Vec<String>,
    pub teams: Vec<TeamFile>,
    pub raci: RaciFile,
    #[serde(default)]
    pub policy: PolicyFile,
    #[serde(default)]
    pub effort: EffortFile,
    /// Dates (YYYY-MM-DD) with no business-hours coverage, in each team's local time.
    #[serde(default)]
    pub holidays: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Team", deny_unknown_fields)]
pub struct TeamFile {
    pub id: String,
    #[serde(default = "one")]
    pub staff: u32,
    #[serde(default)]
    pub coverage: CoverageFile,
    #[serde(default)]
    pub utc_offset_hours: i32,
    #[serde(default)]
    pub background: Option<BackgroundFile>,
    /// Plane -> inventory accuracy (probability a linked credential there is found).
    #[serde(default)]
    pub visibility: BTreeMap<Plane, f64>,
    /// Kind -> revoke effort of this team (overrides `effort.revoke_by_kind` and `revoke`).
    #[serde(default)]
    pub revoke_effort: BTreeMap<CredentialKind, DistFile>,
    /// Plane -> probability the team sees a signal emitted there; absent: 1.0 for every plane
    /// in `visibility`.
    #[serde(default)]
    pub telemetry: Option<BTreeMap<Plane, f64>>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename = "Coverage", deny_unknown_fields)]
pub enum CoverageFile {
    #[default]
    AlwaysOn,
    BusinessHours {
        #[serde(default = "nine")]
        start: ClockTime,
        #[serde(default = "five")]
        end: ClockTime,
        #[serde(default = "weekdays")]
        days: Vec<Weekday>,
        #[serde(default)]
        on_call: Option<OnCallFile>,
    },
}

fn nine() -> ClockTime {
    ClockTime(9 * 3600)
}
fn five() -> ClockTime {
    ClockTime(17 * 3600)
}
fn weekdays() -> Vec<Weekday> {
    vec![
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ]
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "OnCall", deny_unknown_fields)]
pub struct OnCallFile {
    pub page_latency: Duration,
    #[serde(default = "high")]
    pub min_severity: Severity,
}

fn high() -> Severity {
    Severity::High
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Background", deny_unknown_fields)]
pub struct BackgroundFile {
    pub alerts_per_hour: f64,
    pub effort: DistFile,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Raci", deny_unknown_fields)]
pub struct RaciFile {
    pub detect: Vec<DetectRowFile>,
    pub triage: RowFile,
    pub scope: RowFile,
    pub validate_entitlement: RowFile,
    pub confirm_business: RowFile,
    pub approve_containment: RowFile,
    /// One row per credential kind; a kind left out has no revoke owner.
    pub revoke: BTreeMap<CredentialKind, RowFile>,
    pub verify: RowFile,
    pub capture_evidence: RowFile,
    pub close: RowFile,
    /// Who rotates each credential of a rotate-all sweep; absent: the kind's revoke row.
    #[serde(default)]
    pub rotate_all: Option<RowFile>,
    /// Who receives external reports, by source.
    #[serde(default)]
    pub intake: Vec<IntakeRowFile>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "IntakeRow", deny_unknown_fields)]
pub struct IntakeRowFile {
    /// Sources this row covers; empty means all.
    #[serde(default)]
    pub sources: Vec<ReportSource>,
    #[serde(default)]
    pub r: Vec<String>,
    #[serde(default)]
    pub i: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename = "Row", deny_unknown_fields)]
pub struct RowFile {
    #[serde(default)]
    pub r: Vec<String>,
    #[serde(default)]
    pub a: Vec<String>,
    #[serde(default)]
    pub c: Vec<String>,
    #[serde(default)]
    pub i: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "DetectRow", deny_unknown_fields)]
pub struct DetectRowFile {
    /// Signal kinds this row covers; empty means all.
    #[serde(default)]
    pub signals: Vec<SignalKind>,
    #[serde(default)]
    pub r: Vec<String>,
    #[serde(default)]
    pub i: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Policy", deny_unknown_fields)]
pub struct PolicyFile {
    #[serde(default)]
    pub escalation: Option<EscalationFile>,
    #[serde(default)]
    pub emergency_containment: Option<EmergencyFile>,
    #[serde(default = "default_diffusion")]
    pub diffusion: f64,
    #[serde(default = "default_stall")]
    pub stall_threshold: Duration,
    #[serde(default = "default_accuracy")]
    pub triage_accuracy: f64,
    #[serde(default = "default_specificity")]
    pub triage_specificity: f64,
    #[serde(default = "default_recognition")]
    pub business_recognition: f64,
    #[serde(default = "default_verify")]
    pub verify_accuracy: f64,
    #[serde(default)]
    pub rotate_all: Option<RotateAllFile>,
    #[serde(default)]
    pub incremental_revocation: bool,
    #[serde(default)]
    pub preemptive_revocation: bool,
}

/// Policy `rotate_all`: when to rotate every known and believed-unused credential in scope.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "RotateAll", deny_unknown_fields)]
pub struct RotateAllFile {
    /// Sweep once containment is approved at or above this severity (none: never by severity).
    #[serde(default)]
    pub from_severity: Option<Severity>,
    /// Sweep when a closed incident is declared again.
    #[serde(default)]
    pub on_reopen: bool,
    /// Planes covered; empty: every plane.
    #[serde(default)]
    pub planes: Vec<Plane>,
    /// Credential kinds covered; empty: every kind.
    #[serde(default)]
    pub kinds: Vec<CredentialKind>,
}

impl Default for PolicyFile {
    fn default() -> Self {
        PolicyFile {
            escalation: None,
            emergency_containment: None,
            diffusion: default_diffusion(),
            stall_threshold: default_stall(),
            triage_accuracy: default_accuracy(),
            triage_specificity: default_specificity(),
            business_recognition: default_recognition(),
            verify_accuracy: default_verify(),
            rotate_all: None,
            incremental_revocation: false,
            preemptive_revocation: false,
        }
    }
}

// Policy defaults: all assumptions (docs/file-formats.md says so).
fn default_diffusion() -> f64 {
    0.5
}
fn default_stall() -> Duration {
    Duration(3600)
}
fn default_accuracy() -> f64 {
    0.9
}
fn default_specificity() -> f64 {
    0.7
}
fn default_recognition() -> f64 {
    0.9
}
fn default_verify() -> f64 {
    0.8
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Escalation", deny_unknown_fields)]
pub struct EscalationFile {
    pub after: Duration,
    pub to: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Emergency", deny_unknown_fields)]
pub struct EmergencyFile {
    pub team: String,
    #[serde(default = "high")]
    pub min_severity: Severity,
}

/// Effort (work time once started) per activity; a missing entry takes the default of
/// docs/file-formats.md.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename = "Effort", deny_unknown_fields)]
pub struct EffortFile {
    pub detect: Option<DistFile>,
    pub triage: Option<DistFile>,
    pub scope: Option<DistFile>,
    pub validate_entitlement: Option<DistFile>,
    pub confirm_business: Option<DistFile>,
    pub approve_containment: Option<DistFile>,
    pub revoke: Option<DistFile>,
    pub verify: Option<DistFile>,
    pub capture_evidence: Option<DistFile>,
    pub close: Option<DistFile>,
    pub consult: Option<DistFile>,
    pub sign_off: Option<DistFile>,
    /// Kind -> revoke effort (overrides `revoke` for that kind).
    #[serde(default)]
    pub revoke_by_kind: BTreeMap<CredentialKind, DistFile>,
    /// Effort of rotating one credential in a rotate-all sweep; default: its revoke effort.
    pub rotate_all: Option<DistFile>,
    pub intake: Option<DistFile>,
}

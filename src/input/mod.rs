//! The edge where files become trusted inputs. Loading is two-stage: `file` mirrors the RON text
//! (serde, strict); `validate` resolves every id to an index, every duration to seconds, checks
//! every number's range and the stage graph, and reports each problem at its file, line, column
//! and field with a suggestion where one helps.
//!
//! **Invariant:** a `Scenario` or `Model` that exists is valid: the engine never re-checks.

pub(crate) mod attack;
pub mod calendar;
pub(crate) mod check;
pub mod file;
pub mod library;
pub mod read;
pub(crate) mod response;
pub mod ronpath;
pub mod study;
pub(crate) mod validate;

use std::fmt;

use ron::extensions::Extensions;

use crate::domain::duration::Dist;
use crate::domain::{
    Activity, CredentialKind, IdentityKind, InventoryStatus, Plane, ReportSource, Severity,
    SignalKind, WaitCause,
};
use crate::input::ronpath::{LineCol, RonMap};

pub use read::{clip, clip_to, read_limited, read_text_limited, utf8_text};
pub use validate::{validate_model, validate_scenario};

/// One problem in one input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub col: usize,
    /// The field path, e.g. `stages[2].needs[0]`; empty for the whole file.
    pub field: String,
    pub message: String,
    pub help: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.col)?;
        if !self.field.is_empty() {
            write!(f, "field `{}`: ", self.field)?;
        }
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Why an input could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", .0.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Diagnostic>),
    #[error("no shipped {kind} or file named `{name}`{}", suggestion(.help))]
    NotFound {
        kind: &'static str,
        name: String,
        help: Option<String>,
    },
}

fn suggestion(help: &Option<String>) -> String {
    help.as_ref()
        .map(|h| format!("\n  help: {h}"))
        .unwrap_or_default()
}

/// Largest scenario, model or study file accepted (1 MiB), so hostile input fails fast.
pub const MAX_INPUT_BYTES: usize = 1 << 20;
/// Deepest nesting accepted by the parser.
pub const MAX_NESTING: usize = 64;

/// Parses RON text into a file type, turning a parse error into a diagnostic at its field.
pub fn parse_ron<T: serde::de::DeserializeOwned>(label: &str, text: &str) -> Result<T, LoadError> {
    let label = &clip_to(label, read::MAX_LABEL);
    let at_start = |message: String| {
        LoadError::Invalid(vec![Diagnostic {
            file: label.to_string(),
            line: 1,
            col: 1,
            field: String::new(),
            message,
            help: None,
        }])
    };
    if text.len() > MAX_INPUT_BYTES {
        return Err(at_start(format!(
            "file is {} bytes, larger than the {} byte limit for an input file",
            text.len(),
            MAX_INPUT_BYTES
        )));
    }
    let options = ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME)
        .with_recursion_limit(MAX_NESTING);
    options.from_str::<T>(text).map_err(|e| {
        let map = RonMap::new(text);
        let at = LineCol {
            line: e.span.start.line,
            col: e.span.start.col,
        };
        let field = clip_to(map.path_at(at).unwrap_or(""), read::MAX_QUOTED * 3);
        let (message, help) = describe_ron_error(&e.code);
        let message = clip_to(&message, read::MAX_MESSAGE);
        let help = help.map(|h| clip_to(&h, read::MAX_MESSAGE));
        LoadError::Invalid(vec![Diagnostic {
            file: label.to_string(),
            line: at.line.max(1),
            col: at.col.max(1),
            field,
            message,
            help,
        }])
    })
}

/// ron's messages, lowercased into this tool's style, with a suggestion for misspellings.
fn describe_ron_error(code: &ron::Error) -> (String, Option<String>) {
    use ron::Error as E;
    match code {
        E::NoSuchStructField {
            expected,
            found,
            outer,
        } => (
            format!(
                "unknown field `{}`{}",
                clip(found),
                outer
                    .as_ref()
                    .map(|o| format!(" in {o}"))
                    .unwrap_or_default()
            ),
            Some(match closest(found, expected.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("expected one of {}", list(expected)),
            }),
        ),
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => (
            format!(
                "unknown variant `{}`{}",
                clip(found),
                outer
                    .as_ref()
                    .map(|o| format!(" of {o}"))
                    .unwrap_or_default()
            ),
            Some(match closest(found, expected.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("expected one of {}", list(expected)),
            }),
        ),
        E::MissingStructField { field, outer } => (
            format!(
                "missing field `{field}`{}",
                outer
                    .as_ref()
                    .map(|o| format!(" in {o}"))
                    .unwrap_or_default()
            ),
            Some(format!(
                "add `{field}: ...`; docs/file-formats.md lists every field"
            )),
        ),
        E::DuplicateStructField { field, .. } => (format!("field `{field}` is given twice"), None),
        E::ExpectedDifferentStructName { expected, found } => (
            format!("this is a `{found}` file, but a `{expected}` is needed here"),
            Some(format!(
                "give a {} file here; `raci-sim list` shows the shipped ones",
                expected.to_lowercase()
            )),
        ),
        E::Message(m) => (m.clone(), None),
        E::ExceededRecursionLimit => (
            format!("nesting deeper than {MAX_NESTING} levels"),
            Some("input files are a few levels deep; this file is not a scenario or model".into()),
        ),
        other => {
            let text = other.to_string();
            let mut chars = text.chars();
            let lower = match chars.next() {
                Some(c) => c.to_lowercase().chain(chars).collect(),
                None => text,
            };
            (
                format!("syntax error: {lower}"),
                Some("look for a missing comma, bracket, parenthesis or quote at or just before this point".into()),
            )
        }
    }
}

fn list(items: &[&str]) -> String {
    known_list(items.iter().copied(), '`')
}

/// Most names listed in one "known ..." or "expected one of ..." message.
pub const MAX_LISTED: usize = 10;

/// At most [`MAX_LISTED`] names, each quoted with `quote` and clipped, then "and N more".
pub fn known_list<'a>(items: impl ExactSizeIterator<Item = &'a str>, quote: char) -> String {
    let total = items.len();
    let mut out: Vec<String> = items
        .take(MAX_LISTED)
        .map(|s| format!("{quote}{}{quote}", clip(s)))
        .collect();
    if total > MAX_LISTED {
        out.push(format!("and {} more", total - MAX_LISTED));
    }
    out.join(", ")
}

/// Longest word (in characters) for which a misspelling is looked for.
const MAX_SUGGEST_CHARS: usize = 64;

/// The candidate closest to `word`, if it is close enough to be a plausible misspelling.
/// Words and candidates longer than 64 characters are not compared, and neither are lengths
/// too far apart to be close, so this stays cheap on hostile input.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = word.chars().count();
    if len > MAX_SUGGEST_CHARS {
        return None;
    }
    let allowed = |a: usize, b: usize| (a.max(b) / 3).max(2);
    candidates
        .into_iter()
        .filter_map(|c| {
            let clen = c.chars().count();
            if clen > MAX_SUGGEST_CHARS || clen.abs_diff(len) > allowed(c.len(), word.len()) {
                return None;
            }
            Some((strsim::levenshtein(word, c), c))
        })
        .filter(|(d, c)| *d <= allowed(c.len(), word.len()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

// ---------------------------------------------------------------- resolved scenario

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

// ---------------------------------------------------------------- resolved model

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
        let share = match self.coverage {
            Coverage::AlwaysOn => 1.0,
            Coverage::BusinessHours {
                start, end, days, ..
            } => {
                end.saturating_sub(start) as f64 * days.count_ones() as f64
                    / (7 * crate::domain::DAY) as f64
            }
        };
        let load = b.rate * b.effort.mean();
        let capacity = self.staff as f64 * share;
        (load >= capacity * 0.98 && load > 0.0).then_some((load, capacity))
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

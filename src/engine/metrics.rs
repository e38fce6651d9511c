//! What one run measured (`RunMetrics`, small and `Copy`), and the per-team and per-handoff
//! breakdown (`Breakdown`) that runs add into. Everything here is integers, so sums are the same
//! in any order: parallel reductions stay byte-identical whatever the thread count.

use serde::{Deserialize, Serialize};

use crate::domain::{Activity, CredentialKind, WaitCause};

/// Where a run stands at a moment (see docs/semantics.md, "Phases of a run").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunPhase {
    /// The attacker holds no working credential yet (and every benign run, throughout).
    #[default]
    BeforeCompromise,
    /// Compromised, and no team has seen a signal or received a report yet.
    Dwell,
    /// A team knows of the attack and the attacker still holds a working credential.
    Response,
    /// The attacker holds no working credential (after first compromise).
    Contained,
    /// The attacker holds a working credential again after the first containment.
    ReEntry,
}

impl RunPhase {
    pub const ALL: [RunPhase; 5] = [
        RunPhase::BeforeCompromise,
        RunPhase::Dwell,
        RunPhase::Response,
        RunPhase::Contained,
        RunPhase::ReEntry,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RunPhase::BeforeCompromise => "before_compromise",
            RunPhase::Dwell => "dwell",
            RunPhase::Response => "response",
            RunPhase::Contained => "contained",
            RunPhase::ReEntry => "re_entry",
        }
    }
}

/// How a team first learned of the attack: a signal it saw, or an external report by source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    Signal,
    Customer,
    Vendor,
    Partner,
    ThreatIntel,
    LawEnforcement,
}

impl Notice {
    pub fn name(self) -> &'static str {
        match self {
            Notice::Signal => "signal",
            Notice::Customer => "customer",
            Notice::Vendor => "vendor",
            Notice::Partner => "partner",
            Notice::ThreatIntel => "threat_intel",
            Notice::LawEnforcement => "law_enforcement",
        }
    }

    /// The notice an external report from `source` gives.
    pub fn report(source: crate::domain::ReportSource) -> Notice {
        use crate::domain::ReportSource as R;
        match source {
            R::Customer => Notice::Customer,
            R::Vendor => Notice::Vendor,
            R::Partner => Notice::Partner,
            R::ThreatIntel => Notice::ThreatIntel,
            R::LawEnforcement => Notice::LawEnforcement,
        }
    }
}

/// Metrics of one run. Times are seconds after the attack start; `None` means "did not happen
/// by the horizon" (censored), never zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunMetrics {
    pub run: u64,
    /// True for an attack, false for a benign look-alike run.
    pub attack: bool,
    /// Seconds after Monday 00:00 UTC at which the run started.
    pub start_in_week: u64,
    /// Unix seconds of the run's start when the scenario is dated (`Date` or `WeekOf`).
    #[serde(default)]
    pub start_unix: Option<i64>,
    pub time_to_detect: Option<u64>,
    pub time_to_declare: Option<u64>,
    pub time_to_first_revocation: Option<u64>,
    /// The FIRST eviction after first compromise: the attacker holds no working credential.
    /// Attack runs only.
    pub time_to_containment: Option<u64>,
    pub time_to_first_close: Option<u64>,
    /// Attack runs: when the attacker first held a working credential (0: held at start).
    pub first_compromise: Option<u64>,
    /// Attack runs: seconds from first compromise to the first moment a team learned of the
    /// attack (a signal seen, a report received); 0 when that came first. `None`: never.
    pub dwell: Option<u64>,
    /// Attack runs: how a team first learned of the attack (`None`: never).
    #[serde(default)]
    pub first_notice: Option<Notice>,
    /// The last eviction, when the attacker holds no working credential at the horizon;
    /// `None` when it still holds one (censored) or was never compromised.
    pub time_to_final_eviction: Option<u64>,
    /// Times the attacker held a working credential again after the first containment.
    pub re_entries: u32,
    pub time_to_first_re_entry: Option<u64>,
    /// Seconds from the first close to the next moment a team learned of the attack.
    pub re_detection: Option<u64>,
    /// The first declaration of a closed incident.
    pub time_to_first_reopen: Option<u64>,
    /// The last close, when the incident is closed at the horizon.
    pub time_to_final_close: Option<u64>,
    /// Tasks nobody would ever do (no owner, no escalation), total and by cause.
    pub abandoned: u32,
    pub abandoned_by_cause: [u32; WaitCause::COUNT],
    /// The run's phase at the horizon (or when nothing more could happen).
    pub final_phase: RunPhase,
    /// Attacker-held credentials not revoked and still working at first close (or, if the
    /// incident was declared and never closed, at the horizon).
    pub missed_revocations: u32,
    pub missed_by_kind: [u16; CredentialKind::COUNT],
    pub false_closure: bool,
    pub reopened: u32,
    pub revocations: u32,
    /// Revocations in benign runs, or of credentials the attacker never held.
    pub wrongful_revocations: u32,
    /// Revocations whose evidence was captured by the first close.
    pub evidence_by_close: u32,
    pub revocations_by_close: u32,
    pub handoffs: u32,
    pub stalls: u32,
    pub stalls_by_cause: [u32; WaitCause::COUNT],
    /// Seconds of waiting in stalls (an abandoned task's stall counts, its wait does not).
    pub stall_wait: u64,
    pub wait_by_cause: [u64; WaitCause::COUNT],
    pub notifications: u32,
    pub damage: u64,
    pub stages_reached: u32,
    pub signals_emitted: u32,
    pub signals_lost: u32,
    /// Rotate-all tasks done (credentials rotated, held or not; wrongful in benign runs only).
    #[serde(default)]
    pub rotations: u32,
    /// Revocations tasked by an upstream compromise notice (never wrongful).
    #[serde(default)]
    pub preemptive_revocations: u32,
    /// External reports whose intake a team completed.
    pub reports_received: u32,
    /// External reports nobody took in (no intake R and no escalation target).
    pub reports_lost: u32,
    /// Events the engine processed.
    pub events: u64,
}

impl RunMetrics {
    pub fn detected(&self) -> bool {
        self.time_to_detect.is_some()
    }
    pub fn contained(&self) -> bool {
        self.time_to_containment.is_some()
    }
}

/// Waits and stalls by (from team, to team, activity), and team utilisation, summed over runs.
/// Team index `teams` stands for "nobody" (the attacker's signal, or an unowned task).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    pub teams: usize,
    /// Handoff count and wait by (from, to): index `from * (teams + 1) + to`.
    pub handoffs: Vec<u64>,
    pub handoff_wait: Vec<u64>,
    /// Stall count and wait by (from, to, activity).
    pub stalls: Vec<u64>,
    pub stall_wait: Vec<u64>,
    /// Seconds of work (incident and background) and seconds of staffed capacity, per team.
    pub busy: Vec<u64>,
    pub capacity: Vec<u64>,
    /// Background jobs started and their summed queue wait, per team (the M/M/c check).
    pub background_jobs: Vec<u64>,
    pub background_wait: Vec<u64>,
    /// What happened to each credential of the scenario, over attack runs.
    pub credentials: CredentialOutcomes,
    /// Seconds waited by (activity, cause): index `activity * WaitCause::COUNT + cause`, the
    /// same seconds as `RunMetrics::wait_by_cause`, on the RACI row they held up (a consult's
    /// or sign-off's wait counts on the activity it serves; residual validity on revoke).
    /// `default` so a shard of an older schema fails on its version, not on this field.
    #[serde(default)]
    pub wait_by_activity_cause: Vec<u64>,
}

/// Per credential (index as in the scenario), counted over attack runs: how many runs it was
/// held in, revoked in, and so on. Integers, so sums are order-free.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialOutcomes {
    pub teams: usize,
    /// Runs in which the attacker held it.
    pub held: Vec<u64>,
    /// Runs in which it was revoked, and the summed seconds from the run start to revocation.
    pub revoked: Vec<u64>,
    pub revoke_seconds: Vec<u64>,
    /// Runs in which each team revoked it: index `credential * teams + team`.
    pub revoked_by_team: Vec<u64>,
    /// Runs in which it was held, working and not revoked at the first close.
    pub missed_at_close: Vec<u64>,
    /// Runs in which verify found it.
    pub found_by_verify: Vec<u64>,
    /// Runs in which the scope of a later detection (during an open incident) found it.
    pub found_by_later_detection: Vec<u64>,
}

impl CredentialOutcomes {
    pub fn new(teams: usize, creds: usize) -> Self {
        CredentialOutcomes {
            teams,
            held: vec![0; creds],
            revoked: vec![0; creds],
            revoke_seconds: vec![0; creds],
            revoked_by_team: vec![0; creds * teams],
            missed_at_close: vec![0; creds],
            found_by_verify: vec![0; creds],
            found_by_later_detection: vec![0; creds],
        }
    }

    pub fn len(&self) -> usize {
        self.held.len()
    }

    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// Every table sized for `teams` teams and `creds` credentials.
    pub fn same_shape(&self, teams: usize, creds: usize) -> bool {
        let e = CredentialOutcomes::new(teams, creds);
        self.teams == teams
            && self.held.len() == creds
            && self.revoked.len() == creds
            && self.revoke_seconds.len() == creds
            && self.revoked_by_team.len() == e.revoked_by_team.len()
            && self.missed_at_close.len() == creds
            && self.found_by_verify.len() == creds
            && self.found_by_later_detection.len() == creds
    }

    fn merge(&mut self, o: &CredentialOutcomes) {
        add(&mut self.held, &o.held);
        add(&mut self.revoked, &o.revoked);
        add(&mut self.revoke_seconds, &o.revoke_seconds);
        add(&mut self.revoked_by_team, &o.revoked_by_team);
        add(&mut self.missed_at_close, &o.missed_at_close);
        add(&mut self.found_by_verify, &o.found_by_verify);
        add(
            &mut self.found_by_later_detection,
            &o.found_by_later_detection,
        );
    }
}

fn add(a: &mut [u64], b: &[u64]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

impl Breakdown {
    /// Tables for a model of `teams` teams and a scenario of `creds` credentials.
    pub fn new(teams: usize, creds: usize) -> Self {
        let pairs = (teams + 1) * (teams + 1);
        Breakdown {
            teams,
            handoffs: vec![0; pairs],
            handoff_wait: vec![0; pairs],
            stalls: vec![0; pairs * Activity::COUNT],
            stall_wait: vec![0; pairs * Activity::COUNT],
            busy: vec![0; teams],
            capacity: vec![0; teams],
            background_jobs: vec![0; teams],
            background_wait: vec![0; teams],
            credentials: CredentialOutcomes::new(teams, creds),
            wait_by_activity_cause: vec![0; Activity::COUNT * WaitCause::COUNT],
        }
    }

    pub fn wait_index(activity: Activity, cause: WaitCause) -> usize {
        activity.index() * WaitCause::COUNT + cause.index()
    }

    /// Seconds waited on `activity` for `cause`, summed over runs.
    pub fn activity_wait(&self, activity: Activity, cause: WaitCause) -> u64 {
        self.wait_by_activity_cause[Self::wait_index(activity, cause)]
    }

    /// Adds `seconds` of waiting on `activity` for `cause`.
    pub fn add_wait(&mut self, activity: Activity, cause: WaitCause, seconds: u64) {
        self.wait_by_activity_cause[Self::wait_index(activity, cause)] += seconds;
    }

    pub fn pair(&self, from: usize, to: usize) -> usize {
        from * (self.teams + 1) + to
    }

    pub fn stall_index(&self, from: usize, to: usize, activity: Activity) -> usize {
        self.pair(from, to) * Activity::COUNT + activity.index()
    }

    pub fn merge(&mut self, other: &Breakdown) {
        add(&mut self.handoffs, &other.handoffs);
        add(&mut self.handoff_wait, &other.handoff_wait);
        add(&mut self.stalls, &other.stalls);
        add(&mut self.stall_wait, &other.stall_wait);
        add(&mut self.busy, &other.busy);
        add(&mut self.capacity, &other.capacity);
        add(&mut self.background_jobs, &other.background_jobs);
        add(&mut self.background_wait, &other.background_wait);
        self.credentials.merge(&other.credentials);
        add(
            &mut self.wait_by_activity_cause,
            &other.wait_by_activity_cause,
        );
    }
}

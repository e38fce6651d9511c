//! What one run measured (`RunMetrics`, small and `Copy`), and the per-team and per-handoff
//! breakdown (`Breakdown`) that runs add into. Everything here is integers, so sums are the same
//! in any order: parallel reductions stay byte-identical whatever the thread count.

use serde::{Deserialize, Serialize};

use crate::domain::{Activity, CredentialKind, WaitCause};

/// Metrics of one run. Times are seconds after the attack start; `None` means "did not happen
/// by the horizon" (censored), never zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunMetrics {
    pub run: u64,
    /// True for an attack, false for a benign look-alike run.
    pub attack: bool,
    /// Seconds after Monday 00:00 UTC at which the run started.
    pub start_in_week: u64,
    pub time_to_detect: Option<u64>,
    pub time_to_declare: Option<u64>,
    pub time_to_first_revocation: Option<u64>,
    /// Eviction: the attacker holds no working credential. Attack runs only.
    pub time_to_containment: Option<u64>,
    pub time_to_first_close: Option<u64>,
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
    /// Seconds of waiting in stalls (an abandoned task's stall runs to the horizon).
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
}

impl Breakdown {
    pub fn new(teams: usize) -> Self {
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
        }
    }

    pub fn pair(&self, from: usize, to: usize) -> usize {
        from * (self.teams + 1) + to
    }

    pub fn stall_index(&self, from: usize, to: usize, activity: Activity) -> usize {
        self.pair(from, to) * Activity::COUNT + activity.index()
    }

    pub fn merge(&mut self, other: &Breakdown) {
        fn add(a: &mut [u64], b: &[u64]) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        add(&mut self.handoffs, &other.handoffs);
        add(&mut self.handoff_wait, &other.handoff_wait);
        add(&mut self.stalls, &other.stalls);
        add(&mut self.stall_wait, &other.stall_wait);
        add(&mut self.busy, &other.busy);
        add(&mut self.capacity, &other.capacity);
        add(&mut self.background_jobs, &other.background_jobs);
        add(&mut self.background_wait, &other.background_wait);
    }
}

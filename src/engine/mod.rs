//! The discrete-event engine: one run of one scenario against one model. It owns the attacker
//! process, the response lifecycle with its R/A/C/I semantics, team queues under their weekly
//! calendars, and the attribution of every second of waiting to one cause, as it happens.
//!
//! **Invariant:** the engine does no IO and allocates nothing per event once a `Workspace` has
//! run once: all state lives in the workspace's vectors, cleared (not freed) between runs.
//! **Invariant:** events run in (time, sequence) order; time is integer seconds.
//! **Invariant:** every source of randomness has its own ChaCha stream keyed by (seed, run,
//! stream), so the attacker's draws never depend on the model (common random numbers).

mod attacker;
pub mod batch;
pub mod budget;
mod credentials;
mod kernel;
mod lifecycle;
pub mod metrics;
mod phases;
mod tasks;
mod teams;
mod trace;

use kernel::{Ev, Event};

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use rand::RngExt;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::domain::{Activity, CredentialKind, Severity, WaitCause, DAY, WEEK};
use crate::engine::metrics::{Breakdown, RunMetrics, RunPhase};
use crate::input::{Coverage, Model, Scenario, Start};

/// Events one run may process before it is stopped as a runaway.
pub const DEFAULT_MAX_EVENTS: u64 = 5_000_000;

/// The ChaCha stream of one source of randomness in one run: the run index in the high 44
/// bits, the kind of source in 4, its index in 16. Distinct for every run below 2^44 (the run
/// limit, `budget::MAX_RUNS`, is far below) and every list index below 2^16 (lists are capped
/// far below), so no two sources of any two runs share a stream.
pub fn stream_id(run: u64, class: u64, index: usize) -> u64 {
    debug_assert!(run < 1 << 44 && class < 1 << 4 && index < 1 << 16);
    (run << 20) | (class << 16) | index as u64
}

const _: () = assert!(crate::engine::budget::MAX_RUNS <= 1 << 44);
const _: () = assert!(crate::input::check::MAX_ITEMS < 1 << 16);

/// Why a run could not finish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error("run {run} exceeded the cap of {cap} events at {at}s of simulated time; the scenario or model makes events faster than anything can finish (a stage repeating every few seconds, or background load far above what teams can work)")]
    EventCap { run: u64, cap: u64, at: u64 },
}

const NONE: u32 = u32::MAX;
const NOBODY: u16 = u16::MAX;

/// A scenario and a model paired for simulation, with what can be worked out once.
pub struct Context<'a> {
    pub scenario: &'a Scenario,
    pub model: &'a Model,
    pub seed: u64,
    pub max_events: u64,
    base_rng: ChaCha8Rng,
    /// For each (stage, signal), flattened: the teams that would see it.
    watchers: Vec<Vec<u16>>,
    signal_offset: Vec<usize>,
    /// Per plane: best inventory accuracy among scope's R and C teams (0 if none sees it).
    scope_accuracy: Vec<f64>,
}

impl<'a> Context<'a> {
    pub fn new(scenario: &'a Scenario, model: &'a Model, seed: u64) -> Self {
        let mut watchers = Vec::new();
        let mut signal_offset = Vec::new();
        for stage in &scenario.stages {
            signal_offset.push(watchers.len());
            for signal in &stage.signals {
                let mut w: Vec<u16> = Vec::new();
                for row in model.detect.iter().filter(|r| r.covers(signal.kind)) {
                    for &t in &row.r {
                        if model.teams[t].sees(signal.plane) && !w.contains(&(t as u16)) {
                            w.push(t as u16);
                        }
                    }
                }
                watchers.push(w);
            }
        }
        let scope = &model.rows[Activity::Scope.index()];
        let scope_accuracy = crate::domain::Plane::ALL
            .iter()
            .map(|&p| {
                scope
                    .r
                    .iter()
                    .chain(&scope.c)
                    .filter_map(|&t| model.teams[t].visibility[p.index()])
                    .fold(0.0, f64::max)
            })
            .collect();
        Context {
            scenario,
            model,
            seed,
            max_events: DEFAULT_MAX_EVENTS,
            base_rng: ChaCha8Rng::seed_from_u64(seed),
            watchers,
            signal_offset,
            scope_accuracy,
        }
    }

    /// The stream for one source of randomness in one run.
    fn stream(&self, run: u64, class: u64, index: usize) -> ChaCha8Rng {
        let mut rng = self.base_rng.clone();
        rng.set_stream(stream_id(run, class, index));
        rng.set_word_pos(0);
        rng
    }

    fn watchers(&self, stage: usize, signal: usize) -> &[u16] {
        &self.watchers[self.signal_offset[stage] + signal]
    }
}

const STREAM_RUN: u64 = 0;
const STREAM_STAGE: u64 = 1;
const STREAM_TEAM: u64 = 2;
const STREAM_BACKGROUND: u64 = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RevokeState {
    NotTasked,
    Tasked,
    Revoked,
    Abandoned,
}

#[derive(Clone, Copy, Debug)]
struct CredState {
    held: bool,
    working: bool,
    revoke: RevokeState,
    revoked_at: u64,
    found: bool,
    /// A later detection pointing here is being detected or scoped: fold new signals into it.
    late_pending: bool,
    /// The team that revoked it (`NOBODY` until revoked).
    revoked_by: u16,
    found_by_verify: bool,
    found_by_later_detection: bool,
    /// Held, working and not revoked at the first close.
    missed_at_close: bool,
}

#[derive(Clone, Copy, Debug, Default)]
struct StageState {
    running: bool,
    done_once: bool,
    gen: u32,
}

#[derive(Clone, Copy, Debug)]
struct Job {
    activity: Activity,
    cred: u16,
    /// The lifecycle job a consult or sign-off serves.
    parent: u32,
    from_team: u16,
    /// The team that started it (R), once started.
    team: u16,
    /// When the activity became ready: the start of its wait.
    created: u64,
    /// When it entered a team queue.
    ready: u64,
    waits: [u64; WaitCause::COUNT],
    pending_cause: WaitCause,
    severity: Severity,
    started: bool,
    /// Overrides the RACI row (emergency containment).
    emergency: bool,
    /// A sign-off of a decision with several A: its waits are attributed via the parent.
    committee: bool,
    /// A late detection during an open incident: goes straight to scope.
    late: bool,
    /// Counted in the incident's outstanding work (close waits for it).
    counted: bool,
    /// A decision has its first sign-off (R's own, or the first committee member's).
    first_signed: bool,
    r_done: bool,
    r_done_at: u64,
    consults_pending: u16,
    signoffs_pending: u16,
    first_signoff_at: u64,
}

#[derive(Clone, Copy, Debug)]
struct QueueItem {
    job: u32,
    ready: u64,
}

#[derive(Clone, Copy, Debug, Default)]
struct TeamState {
    busy: u32,
    on_call_busy: bool,
    on_call_awake: bool,
    page_pending: bool,
    page_sent: u64,
    page_answered: u64,
    shift_wake_pending: bool,
    busy_seconds: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Idle,
    Alerting,
    Scoping,
    Approving,
    Containing,
    Closing,
    Closed,
    /// The business owner recognised legitimate work: later signals are ignored.
    ClosedBenign,
}

#[derive(Clone, Copy, Debug)]
struct Incident {
    phase: Phase,
    severity: Severity,
    closed_before: bool,
    approved: bool,
    validated: bool,
    confirmed: bool,
    outstanding: u32,
    verify_needed: bool,
    detected_cred: u16,
}

/// What happened, for `raci-sim trace`. Built only when a trace is asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceEvent {
    pub time: u64,
    pub team: Option<usize>,
    pub activity: Option<Activity>,
    pub what: String,
    /// For a task start: seconds it waited, and the cause of most of them.
    pub wait: u64,
    pub cause: Option<WaitCause>,
    pub waits: [u64; WaitCause::COUNT],
    /// The task this event is about (task starts and completions), for event logs.
    pub task: Option<TaskRef>,
    /// The run's phase just after the event.
    pub phase: RunPhase,
}

/// Which task a trace event belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskRef {
    /// Unique within the run.
    pub id: u32,
    /// The team that finished the task's predecessor, when that is another team: a handoff.
    pub handoff_from: Option<usize>,
    /// The team that finished the task's predecessor, whichever team that is (`None` for a
    /// detection raised by a signal, or a task a dropped one let start).
    pub from_team: Option<usize>,
    pub credential: Option<usize>,
    /// For a consult or a sign-off: the task it serves.
    pub parent: Option<u32>,
}

/// Reusable state for runs; create one per thread.
pub struct Workspace {
    heap: BinaryHeap<Event>,
    jobs: Vec<Job>,
    queues: Vec<VecDeque<QueueItem>>,
    teams: Vec<TeamState>,
    team_rngs: Vec<ChaCha8Rng>,
    background_rngs: Vec<ChaCha8Rng>,
    stage_rngs: Vec<ChaCha8Rng>,
    stages: Vec<StageState>,
    creds: Vec<CredState>,
    scratch: Vec<u16>,
    /// First completion time of each stage in the current run.
    stage_done: Vec<Option<u64>>,
}

impl Workspace {
    pub fn new(ctx: &Context) -> Self {
        let t = ctx.model.teams.len();
        let s = ctx.scenario.stages.len();
        Workspace {
            heap: BinaryHeap::with_capacity(1024),
            jobs: Vec::with_capacity(256),
            queues: (0..t).map(|_| VecDeque::with_capacity(256)).collect(),
            teams: vec![TeamState::default(); t],
            team_rngs: (0..t).map(|i| ctx.stream(0, STREAM_TEAM, i)).collect(),
            background_rngs: (0..t)
                .map(|i| ctx.stream(0, STREAM_BACKGROUND, i))
                .collect(),
            stage_rngs: (0..s).map(|i| ctx.stream(0, STREAM_STAGE, i)).collect(),
            stages: vec![StageState::default(); s],
            creds: Vec::with_capacity(ctx.scenario.credentials.len()),
            scratch: Vec::with_capacity(ctx.scenario.credentials.len()),
            stage_done: vec![None; s],
        }
    }

    /// First completion time of each stage (scenario order) in the run last simulated.
    pub fn stage_done(&self) -> &[Option<u64>] {
        &self.stage_done
    }
}

/// Simulates run `run` of the context. Adds its handoff and team figures to `breakdown`; pushes
/// what happened onto `trace` when given one.
pub fn simulate(
    ctx: &Context,
    ws: &mut Workspace,
    run: u64,
    breakdown: &mut Breakdown,
    trace: Option<&mut Vec<TraceEvent>>,
) -> Result<RunMetrics, SimError> {
    let mut sim = Sim::new(ctx, ws, run, breakdown, trace);
    sim.run()?;
    Ok(sim.finish())
}

struct Sim<'c, 'w> {
    ctx: &'c Context<'c>,
    sc: &'c Scenario,
    m: &'c Model,
    ws: &'w mut Workspace,
    bd: &'w mut Breakdown,
    trace: Option<&'w mut Vec<TraceEvent>>,
    now: u64,
    seq: u64,
    /// Events other than background arrivals in the heap: when none remain, nothing that
    /// matters can happen any more and the run ends early.
    live: u64,
    week_offset: u64,
    attack: bool,
    held_working: u32,
    /// The last eviction, while the attacker holds no working credential.
    contained_at: Option<u64>,
    /// When a team first learned of the attack (attack runs).
    noticed_at: Option<u64>,
    incident: Incident,
    met: RunMetrics,
}

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
mod calendar;
mod credentials;
mod external;
mod kernel;
mod lifecycle;
pub mod metrics;
mod phases;
mod response;
pub mod room;
mod severity;
mod tasks;
mod teams;
mod trace;

use kernel::{Ev, Event};

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use rand::RngExt;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::domain::{Activity, CredentialKind, InventoryStatus, Severity, WaitCause, DAY, WEEK};
use crate::engine::metrics::{Breakdown, Notice, RunMetrics, RunPhase};
use crate::input::{Coverage, Model, Points, Report, Scenario, Stage, Start};

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
    /// For each (stage, signal), flattened: the teams that may see it, each with the
    /// probability it does (its telemetry of the signal's plane).
    watchers: Vec<Vec<(u16, f64)>>,
    signal_offset: Vec<usize>,
    /// External reports, flattened: offset per stage, and (stage, report) per flat index.
    report_offset: Vec<usize>,
    report_of: Vec<(usize, usize)>,
    /// Per report source: the R (union of the intake rows covering it) and the I teams.
    intake_r: Vec<Vec<usize>>,
    intake_i: Vec<Vec<usize>>,
    /// Per plane: best inventory accuracy among scope's R and C teams (0 if none sees it).
    scope_accuracy: Vec<f64>,
    /// Per credential: its owner as the R of its revoke and rotate-all tasks (`None`: the
    /// row's R; an empty list: an owner this model does not have, so nobody).
    owner: Vec<Option<Vec<usize>>>,
    /// Per credential: a rotate-all sweep covers it (policy planes and kinds, not unknown).
    rotatable: Vec<bool>,
    /// A tabletop room's decisions in place of the model's (`tabletop replay`).
    room: Option<&'a room::RoomPlan>,
}

impl<'a> Context<'a> {
    pub fn new(scenario: &'a Scenario, model: &'a Model, seed: u64) -> Self {
        let (watchers, signal_offset) = external::watchers(scenario, model);
        let (report_offset, report_of) = external::report_index(scenario);
        let (intake_r, intake_i) = external::intake_teams(model);
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
            report_offset,
            report_of,
            intake_r,
            intake_i,
            scope_accuracy,
            owner: response::owners(scenario, model),
            rotatable: response::rotatable(scenario, model),
            room: None,
        }
    }

    /// The same context with the room's decisions in place of the model's (see `room`).
    pub fn with_room(mut self, room: &'a room::RoomPlan) -> Self {
        self.room = Some(room);
        self
    }

    /// The stream for one source of randomness in one run.
    fn stream(&self, run: u64, class: u64, index: usize) -> ChaCha8Rng {
        let mut rng = self.base_rng.clone();
        rng.set_stream(stream_id(run, class, index));
        rng.set_word_pos(0);
        rng
    }

    fn watchers(&self, stage: usize, signal: usize) -> &[(u16, f64)] {
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
    /// When the attacker last used it (a stage needing it completed, or it was granted);
    /// `NEVER` if not yet.
    last_use: u64,
    /// Tasked by pre-emptive revocation (an upstream notice): never wrongful.
    preempted: bool,
    /// An incremental scope decided to find it; its find event is pending.
    find_pending: bool,
    /// Bumped when the attacker steals the credential again: stop events of an older version
    /// are ignored.
    gen: u32,
    /// The team that revoked it (`NOBODY` until revoked).
    revoked_by: u16,
    found_by_verify: bool,
    found_by_later_detection: bool,
    /// Held, working and not revoked at the first close.
    missed_at_close: bool,
}

/// `CredState::last_use` and `Incident::declared_at` before they happen.
const NEVER: u64 = u64::MAX;

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
    started: bool,
    /// No longer needed: never started; if already started, its completion has no effect.
    dropped: bool,
    /// The declaration of the incident it was created in (see `Incident::episode`).
    episode: u32,
    /// Overrides the RACI row (emergency containment).
    emergency: bool,
    /// A sign-off of a decision with several A: its waits are attributed via the parent.
    committee: bool,
    /// A late detection during an open incident: goes straight to scope.
    late: bool,
    /// Counted in the incident's outstanding work (close waits for it).
    counted: bool,
    /// A scope under incremental revocation: its finds were scheduled when it started.
    incremental: bool,
    /// A decision has its first sign-off (R's own, or the first committee member's).
    first_signed: bool,
    r_done: bool,
    r_done_at: u64,
    consults_pending: u16,
    signoffs_pending: u16,
    first_signoff_at: u64,
    /// For an intake: the flat index of the external report it receives (else `NONE`).
    report: u32,
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
    /// Counts declarations: approval steps of an earlier declaration have no effect.
    episode: u32,
    /// This declaration's approval-path tasks (`NONE` until begun): dropped when it closes.
    validate_job: u32,
    confirm_job: u32,
    approve_job: u32,
    emergency_job: u32,
    /// When the incident was last declared (`NEVER` before the first declaration).
    declared_at: u64,
    /// The severity trigger of rotate-all has run for this declaration.
    rotated: bool,
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
    /// Teams that saw the signal being emitted.
    seers: Vec<u16>,
    /// Per template: slots created so far this run, and the slot the current completion
    /// created (or the last one, once they ran out).
    next_slot: Vec<u16>,
    created_now: Vec<u16>,
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
            seers: Vec::with_capacity(t),
            next_slot: vec![0; ctx.scenario.templates.len()],
            created_now: vec![0; ctx.scenario.templates.len()],
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
    /// The run's start instant, seconds after 1970-01-01T00:00:00Z (see `calendar`).
    epoch0: i64,
    /// The scenario starts at a date: holidays apply.
    dated: bool,
    attack: bool,
    held_working: u32,
    /// Evidence tasks done so far (copied into the metrics at the first close).
    evidence_captured: u32,
    /// The last eviction, while the attacker holds no working credential.
    contained_at: Option<u64>,
    /// When a team first learned of the attack (attack runs).
    noticed_at: Option<u64>,
    incident: Incident,
    /// Per decision slot (`room::slot`): how often it was needed so far (room replays only).
    room_seen: [u32; 3],
    met: RunMetrics,
}

//! The discrete-event engine: one run of one scenario against one model. It owns the attacker
//! process, the response lifecycle with its R/A/C/I semantics, team queues under their weekly
//! calendars, and the attribution of every second of waiting to one cause, as it happens.
//!
//! **Invariant:** the engine does no IO and allocates nothing per event once a `Workspace` has
//! run once: all state lives in the workspace's vectors, cleared (not freed) between runs.
//! **Invariant:** events run in (time, sequence) order; time is integer seconds.
//! **Invariant:** every source of randomness has its own ChaCha stream keyed by (seed, run,
//! stream), so the attacker's draws never depend on the model (common random numbers).

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use rand::RngExt;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::domain::{Activity, CredentialKind, Severity, WaitCause, DAY, WEEK};
use crate::input::{Coverage, Model, Scenario, Start};
use crate::metrics::{Breakdown, RunMetrics};

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

const _: () = assert!(crate::budget::MAX_RUNS <= 1 << 44);
const _: () = assert!(crate::input::validate::MAX_ITEMS < 1 << 16);

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
enum Ev {
    StageStart(u16),
    StageDone(u16, u32),
    CredentialStops(u16),
    JobDone { job: u32, team: u16, on_call: bool },
    ShiftStart(u16),
    PageAnswered(u16),
    Escalate(u32),
    BackgroundArrival(u16),
}

#[derive(Clone, Copy, Debug)]
struct Event {
    time: u64,
    seq: u64,
    ev: Ev,
}

impl PartialEq for Event {
    fn eq(&self, o: &Self) -> bool {
        (self.time, self.seq) == (o.time, o.seq)
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Event {
    // Reversed: BinaryHeap is a max-heap and we want the earliest (time, seq) first.
    fn cmp(&self, o: &Self) -> Ordering {
        (o.time, o.seq).cmp(&(self.time, self.seq))
    }
}

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
    abandoned: [(u64, u64); WaitCause::COUNT],
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
            abandoned: [(0, 0); WaitCause::COUNT],
        }
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
    contained_at: Option<u64>,
    incident: Incident,
    met: RunMetrics,
}

impl<'c, 'w> Sim<'c, 'w> {
    fn new(
        ctx: &'c Context<'c>,
        ws: &'w mut Workspace,
        run: u64,
        bd: &'w mut Breakdown,
        trace: Option<&'w mut Vec<TraceEvent>>,
    ) -> Self {
        let sc = ctx.scenario;
        let m = ctx.model;
        let mut run_rng = ctx.stream(run, STREAM_RUN, 0);
        // Fixed draw order: benign, then start time.
        let benign = run_rng.random::<f64>() < sc.benign_share;
        let week_offset = match sc.start {
            Start::At(s) => s,
            Start::UniformWeek => run_rng.random_range(0..WEEK),
        };
        ws.heap.clear();
        ws.jobs.clear();
        for q in &mut ws.queues {
            q.clear();
        }
        for t in &mut ws.teams {
            *t = TeamState::default();
        }
        for (i, r) in ws.team_rngs.iter_mut().enumerate() {
            r.set_stream(stream_id(run, STREAM_TEAM, i));
            r.set_word_pos(0);
        }
        for (i, r) in ws.background_rngs.iter_mut().enumerate() {
            r.set_stream(stream_id(run, STREAM_BACKGROUND, i));
            r.set_word_pos(0);
        }
        for (i, r) in ws.stage_rngs.iter_mut().enumerate() {
            r.set_stream(stream_id(run, STREAM_STAGE, i));
            r.set_word_pos(0);
        }
        for s in &mut ws.stages {
            *s = StageState::default();
        }
        ws.creds.clear();
        ws.creds.extend(sc.credentials.iter().map(|_| CredState {
            held: false,
            working: true,
            revoke: RevokeState::NotTasked,
            revoked_at: 0,
            found: false,
            late_pending: false,
        }));
        ws.abandoned = [(0, 0); WaitCause::COUNT];
        Sim {
            ctx,
            sc,
            m,
            ws,
            bd,
            trace,
            now: 0,
            seq: 0,
            live: 0,
            week_offset,
            attack: !benign,
            held_working: 0,
            contained_at: None,
            incident: Incident {
                phase: Phase::Idle,
                severity: Severity::Low,
                closed_before: false,
                approved: false,
                validated: false,
                confirmed: false,
                outstanding: 0,
                verify_needed: false,
                detected_cred: 0,
            },
            met: RunMetrics {
                run,
                attack: !benign,
                start_in_week: week_offset,
                ..RunMetrics::default()
            },
        }
    }

    // ------------------------------------------------------------ event loop

    fn schedule(&mut self, at: u64, ev: Ev) {
        if !matches!(ev, Ev::BackgroundArrival(_)) {
            self.live += 1;
        }
        self.seq += 1;
        self.ws.heap.push(Event {
            time: at,
            seq: self.seq,
            ev,
        });
    }

    fn run(&mut self) -> Result<(), SimError> {
        for (t, team) in self.m.teams.iter().enumerate() {
            if let Some(bg) = team.background {
                if bg.rate > 0.0 {
                    let gap = self.background_gap(t);
                    self.schedule(gap, Ev::BackgroundArrival(t as u16));
                }
            }
        }
        for (k, c) in self.sc.credentials.iter().enumerate() {
            if c.held_at_start {
                self.obtain(k);
            }
        }
        for s in 0..self.sc.stages.len() {
            self.try_start_stage(s);
        }
        let horizon = self.sc.horizon;
        let mut events: u64 = 0;
        while self.live > 0 {
            let Some(e) = self.ws.heap.pop() else { break };
            if e.time > horizon {
                break;
            }
            if !matches!(e.ev, Ev::BackgroundArrival(_)) {
                self.live -= 1;
            }
            self.now = e.time;
            events += 1;
            if events > self.ctx.max_events {
                return Err(SimError::EventCap {
                    run: self.met.run,
                    cap: self.ctx.max_events,
                    at: self.now,
                });
            }
            self.handle(e.ev);
        }
        self.met.events = events;
        Ok(())
    }

    fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::StageStart(s) => self.try_start_stage(s as usize),
            Ev::StageDone(s, gen) => self.stage_done(s as usize, gen),
            Ev::CredentialStops(k) => self.credential_stops(k as usize),
            Ev::JobDone { job, team, on_call } => self.job_done(job, team as usize, on_call),
            Ev::ShiftStart(t) => {
                self.ws.teams[t as usize].shift_wake_pending = false;
                self.dispatch(t as usize);
            }
            Ev::PageAnswered(t) => {
                let ts = &mut self.ws.teams[t as usize];
                ts.page_pending = false;
                ts.on_call_awake = true;
                ts.page_answered = self.now;
                self.dispatch(t as usize);
            }
            Ev::Escalate(job) => self.escalate(job),
            Ev::BackgroundArrival(t) => {
                let t = t as usize;
                self.ws.queues[t].push_back(QueueItem {
                    job: NONE,
                    ready: self.now,
                });
                let gap = self.background_gap(t);
                self.schedule(self.now + gap, Ev::BackgroundArrival(t as u16));
                self.dispatch(t);
            }
        }
    }

    fn finish(mut self) -> RunMetrics {
        let horizon = self.sc.horizon;
        let end = self.now.min(horizon);
        // Tasks nobody will ever do wait until the horizon.
        for (cause, &(count, created_sum)) in self.ws.abandoned.iter().enumerate() {
            self.met.wait_by_cause[cause] += count * horizon - created_sum;
        }
        // Revoked credentials still inside their residual validity.
        for c in &self.ws.creds {
            if c.revoke == RevokeState::Revoked && c.working && c.held {
                self.met.wait_by_cause[WaitCause::ResidualValidity.index()] +=
                    horizon.saturating_sub(c.revoked_at);
            }
        }
        // A declared incident that never closed: count what was missed at the end.
        if self.met.time_to_first_close.is_none() && self.met.time_to_declare.is_some() {
            self.count_missed();
        }
        if self.attack && self.held_working == 0 {
            self.met.time_to_containment = self.contained_at;
        }
        for (t, team) in self.m.teams.iter().enumerate() {
            self.bd.busy[t] += self.ws.teams[t].busy_seconds;
            self.bd.capacity[t] += team.staff as u64 * end.max(1);
        }
        self.met
    }

    // ------------------------------------------------------------ attacker

    fn obtain(&mut self, k: usize) {
        let c = &mut self.ws.creds[k];
        if c.held {
            return;
        }
        c.held = true;
        if c.working {
            self.held_working += 1;
            self.contained_at = None;
            if let Some(life) = self.sc.credentials[k].lifetime {
                self.schedule(self.now + life, Ev::CredentialStops(k as u16));
            }
        }
    }

    fn usable(&self, k: usize) -> bool {
        let c = &self.ws.creds[k];
        c.held && c.working
    }

    fn try_start_stage(&mut self, s: usize) {
        let st = self.ws.stages[s];
        let stage = &self.sc.stages[s];
        if st.running || (st.done_once && stage.repeat.is_none()) {
            return;
        }
        if !stage.after.iter().all(|&a| self.ws.stages[a].done_once) {
            return;
        }
        if !stage.needs.iter().all(|&k| self.usable(k)) {
            return;
        }
        let d = stage.duration.sample(&mut self.ws.stage_rngs[s]);
        let st = &mut self.ws.stages[s];
        st.running = true;
        st.gen += 1;
        let gen = st.gen;
        self.schedule(self.now + d, Ev::StageDone(s as u16, gen));
    }

    fn stage_done(&mut self, s: usize, gen: u32) {
        if self.ws.stages[s].gen != gen {
            return;
        }
        self.ws.stages[s].running = false;
        let stage = &self.sc.stages[s];
        if !stage.needs.iter().all(|&k| self.usable(k)) {
            self.note(None, None, || {
                format!(
                    "attacker stage `{}` cut: a needed credential stopped working",
                    stage.id
                )
            });
            return;
        }
        let first = !self.ws.stages[s].done_once;
        self.ws.stages[s].done_once = true;
        if first {
            self.met.stages_reached += 1;
        }
        self.met.damage += stage.damage;
        self.note(None, None, || {
            format!("attacker stage `{}` completed", stage.id)
        });
        for &g in &stage.grants {
            if !self.ws.creds[g].held {
                self.obtain(g);
                let id = &self.sc.credentials[g].id;
                self.note(None, None, || format!("attacker obtains credential `{id}`"));
            }
        }
        for j in 0..stage.signals.len() {
            let p = stage.signals[j].probability;
            if self.ws.stage_rngs[s].random::<f64>() < p {
                self.signal(s, j);
            }
        }
        if let Some(rep) = stage.repeat {
            let gap = rep.sample(&mut self.ws.stage_rngs[s]);
            self.schedule(self.now + gap, Ev::StageStart(s as u16));
        }
        let sc = self.sc;
        for &d in &sc.dependents[s] {
            self.try_start_stage(d);
        }
        for &g in &stage.grants {
            for &d in &sc.needed_by[g] {
                self.try_start_stage(d);
            }
        }
    }

    fn credential_stops(&mut self, k: usize) {
        let c = self.ws.creds[k];
        if !c.working {
            return;
        }
        self.ws.creds[k].working = false;
        if c.held {
            if c.revoke == RevokeState::Revoked {
                self.met.wait_by_cause[WaitCause::ResidualValidity.index()] +=
                    self.now - c.revoked_at;
            }
            self.held_working -= 1;
            let id = &self.sc.credentials[k].id;
            self.note(None, None, || format!("credential `{id}` stops working"));
            if self.held_working == 0 && self.attack && self.contained_at.is_none() {
                self.contained_at = Some(self.now);
                self.note(None, None, || {
                    "attacker evicted: holds no working credential".to_string()
                });
            }
        }
    }

    // ------------------------------------------------------------ detection

    fn signal(&mut self, s: usize, j: usize) {
        let sig = &self.sc.stages[s].signals[j];
        self.met.signals_emitted += 1;
        let ctx = self.ctx;
        let watchers = ctx.watchers(s, j);
        if watchers.is_empty() {
            self.met.signals_lost += 1;
            self.note(None, None, || {
                format!(
                    "signal {} in {} lost: no detect owner watches this plane",
                    sig.kind, sig.plane
                )
            });
            return;
        }
        self.note(None, None, || {
            format!("signal {} ({}) in {}", sig.kind, sig.severity, sig.plane)
        });
        let inc = &mut self.incident;
        if sig.severity > inc.severity {
            inc.severity = sig.severity;
        }
        let late = match inc.phase {
            Phase::Idle | Phase::Closed => false,
            Phase::Alerting | Phase::ClosedBenign => return,
            _ => true,
        };
        if late {
            let c = &mut self.ws.creds[sig.credential];
            if c.late_pending {
                return;
            }
            c.late_pending = true;
        } else {
            inc.phase = Phase::Alerting;
            inc.detected_cred = sig.credential as u16;
        }
        let job = self.new_job(Activity::Detect, sig.credential as u16, NOBODY);
        self.ws.jobs[job as usize].late = late;
        for &t in watchers {
            self.enqueue(job, t as usize);
        }
    }

    // ------------------------------------------------------------ jobs and ownership

    fn new_job(&mut self, activity: Activity, cred: u16, from_team: u16) -> u32 {
        let id = self.ws.jobs.len() as u32;
        self.ws.jobs.push(Job {
            activity,
            cred,
            parent: NONE,
            from_team,
            team: NOBODY,
            created: self.now,
            ready: self.now,
            waits: [0; WaitCause::COUNT],
            pending_cause: WaitCause::Queue,
            severity: self.incident.severity,
            started: false,
            emergency: false,
            committee: false,
            late: false,
            counted: false,
            first_signed: false,
            r_done: false,
            r_done_at: 0,
            consults_pending: 0,
            signoffs_pending: 0,
            first_signoff_at: 0,
        });
        id
    }

    fn cred_kind(&self, job: &Job) -> CredentialKind {
        if job.cred == NOBODY {
            CredentialKind::Session
        } else {
            self.sc.credentials[job.cred as usize].kind
        }
    }

    /// A lifecycle activity becomes ready: find its R, spawn its consults.
    fn begin(&mut self, activity: Activity, cred: u16, from_team: u16) -> u32 {
        let job = self.new_job(activity, cred, from_team);
        let kind = self.cred_kind(&self.ws.jobs[job as usize]);
        let m = self.m;
        let row = m.row(activity, kind);
        let r = &row.r;
        self.note(None, Some(activity), || "ready".to_string());
        match r.len() {
            0 => self.ownerless(job, WaitCause::Unowned),
            1 => self.enqueue(job, r[0]),
            _ => {
                let mut picked = 0;
                for &t in r {
                    if self.ws.team_rngs[t].random::<f64>() < self.m.policy.diffusion {
                        picked += 1;
                        self.enqueue(job, t);
                    }
                }
                if picked == 0 {
                    self.ownerless(job, WaitCause::Ambiguous);
                }
            }
        }
        let c = &row.c;
        self.ws.jobs[job as usize].consults_pending = c.len() as u16;
        for &t in c {
            let consult = self.new_job(Activity::Consult, cred, from_team);
            self.ws.jobs[consult as usize].parent = job;
            self.enqueue(consult, t);
        }
        job
    }

    /// No team takes the job: wait for escalation, or never be done.
    fn ownerless(&mut self, job: u32, cause: WaitCause) {
        self.ws.jobs[job as usize].pending_cause = cause;
        match self.m.policy.escalation {
            Some(esc) => {
                self.schedule(self.now + esc.after, Ev::Escalate(job));
            }
            None => self.abandon(job, cause),
        }
    }

    fn escalate(&mut self, job: u32) {
        let Some(esc) = self.m.policy.escalation else {
            return;
        };
        let j = &mut self.ws.jobs[job as usize];
        let cause = j.pending_cause;
        j.waits[cause.index()] += self.now - j.created;
        let activity = j.activity;
        let to = &self.m.teams[esc.to].id;
        self.note(Some(esc.to), Some(activity), || {
            format!("escalated to {to} after waiting ({cause})")
        });
        self.enqueue(job, esc.to);
    }

    fn abandon(&mut self, job: u32, cause: WaitCause) {
        let j = self.ws.jobs[job as usize];
        let a = &mut self.ws.abandoned[cause.index()];
        a.0 += 1;
        a.1 += j.created;
        self.met.stalls += 1;
        self.met.stalls_by_cause[cause.index()] += 1;
        self.met.stall_wait += self.sc.horizon.saturating_sub(j.created);
        let from = if j.from_team == NOBODY {
            self.m.teams.len()
        } else {
            j.from_team as usize
        };
        let i = self.bd.stall_index(from, self.m.teams.len(), j.activity);
        self.bd.stalls[i] += 1;
        self.bd.stall_wait[i] += self.sc.horizon.saturating_sub(j.created);
        let activity = j.activity;
        self.note(None, Some(activity), || {
            format!("never done: no owner and no escalation target ({cause})")
        });
        if j.activity == Activity::Revoke {
            self.ws.creds[j.cred as usize].revoke = RevokeState::Abandoned;
        }
        // Known work that will never be done no longer holds up the close (nobody knows it
        // was dropped); any other abandoned step stalls the incident for good.
        let counted = match j.activity {
            Activity::Revoke | Activity::Verify | Activity::CaptureEvidence => true,
            Activity::Scope => j.counted,
            _ => false,
        };
        if j.late {
            self.ws.creds[j.cred as usize].late_pending = false;
        }
        if counted {
            self.incident.outstanding -= 1;
            self.settle(NOBODY);
        }
    }

    fn enqueue(&mut self, job: u32, team: usize) {
        self.ws.jobs[job as usize].ready = self.now;
        self.ws.queues[team].push_back(QueueItem {
            job,
            ready: self.now,
        });
        self.dispatch(team);
    }

    // ------------------------------------------------------------ team queues and calendar

    fn local_week_time(&self, team: usize, t: u64) -> u64 {
        let offset = self.m.teams[team].utc_offset;
        ((self.week_offset + t) as i64 + offset).rem_euclid(WEEK as i64) as u64
    }

    fn on_shift(&self, team: usize, t: u64) -> bool {
        match self.m.teams[team].coverage {
            Coverage::AlwaysOn => true,
            Coverage::BusinessHours {
                start, end, days, ..
            } => {
                let local = self.local_week_time(team, t);
                let day = local / DAY;
                let sec = local % DAY;
                days & (1 << day) != 0 && sec >= start && sec < end
            }
        }
    }

    /// The next time at or after `t` when the team's shift starts.
    fn next_shift_start(&self, team: usize, t: u64) -> u64 {
        let Coverage::BusinessHours { start, days, .. } = self.m.teams[team].coverage else {
            return t;
        };
        let local = self.local_week_time(team, t);
        let day = local / DAY;
        for ahead in 0..=7 {
            let d = (day + ahead) % 7;
            if days & (1 << d) == 0 {
                continue;
            }
            let at = (day + ahead) * DAY + start;
            if at >= local {
                return t + (at - local);
            }
        }
        t + WEEK
    }

    /// Seconds of [a, b) the team is off shift.
    fn off_shift_seconds(&self, team: usize, a: u64, b: u64) -> u64 {
        let Coverage::BusinessHours {
            start, end, days, ..
        } = self.m.teams[team].coverage
        else {
            return 0;
        };
        let la = self.local_week_time(team, a);
        let len = b - a;
        let mut on = 0;
        // Walk whole days from the local midnight before `a`.
        let day0 = la / DAY;
        let from = la;
        let to = la + len;
        let mut d = day0;
        while d * DAY < to {
            if days & (1 << (d % 7)) != 0 {
                let s = (d * DAY + start).max(from);
                let e = (d * DAY + end).min(to);
                if e > s {
                    on += e - s;
                }
            }
            d += 1;
        }
        len - on
    }

    fn pageable(&self, team: usize, item: &QueueItem) -> bool {
        if item.job == NONE {
            return false;
        }
        let Coverage::BusinessHours {
            on_call: Some(oc), ..
        } = self.m.teams[team].coverage
        else {
            return false;
        };
        self.ws.jobs[item.job as usize].severity >= oc.min_severity
    }

    fn dispatch(&mut self, team: usize) {
        while let Some(&front) = self.ws.queues[team].front() {
            if front.job != NONE && self.ws.jobs[front.job as usize].started {
                self.ws.queues[team].pop_front();
                continue;
            }
            if self.on_shift(team, self.now) {
                if self.ws.teams[team].busy < self.m.teams[team].staff {
                    self.ws.queues[team].pop_front();
                    self.start(front, team, false);
                    continue;
                }
                break;
            }
            // Off shift: wait for the next shift, or page the on-call for a severe task.
            if !self.ws.teams[team].shift_wake_pending {
                self.ws.teams[team].shift_wake_pending = true;
                let at = self.next_shift_start(team, self.now);
                self.schedule(at, Ev::ShiftStart(team as u16));
            }
            let Coverage::BusinessHours {
                on_call: Some(oc), ..
            } = self.m.teams[team].coverage
            else {
                break;
            };
            let ts = self.ws.teams[team];
            if ts.on_call_busy {
                break;
            }
            let pos = (0..self.ws.queues[team].len()).find(|&i| {
                let item = self.ws.queues[team][i];
                self.pageable(team, &item) && !self.ws.jobs[item.job as usize].started
            });
            let Some(pos) = pos else {
                self.ws.teams[team].on_call_awake = false;
                break;
            };
            if ts.on_call_awake {
                let item = self.ws.queues[team]
                    .remove(pos)
                    .expect("position is in range");
                self.start(item, team, true);
                continue;
            }
            if !ts.page_pending {
                let tsm = &mut self.ws.teams[team];
                tsm.page_pending = true;
                tsm.page_sent = self.now;
                self.schedule(self.now + oc.page_latency, Ev::PageAnswered(team as u16));
            }
            break;
        }
    }

    fn start(&mut self, item: QueueItem, team: usize, on_call: bool) {
        let effort;
        if item.job == NONE {
            let bg = self.m.teams[team]
                .background
                .expect("background queued only with load");
            effort = bg.effort.sample(&mut self.ws.background_rngs[team]);
            self.bd.background_jobs[team] += 1;
            self.bd.background_wait[team] += self.now - item.ready;
        } else {
            let activity = self.ws.jobs[item.job as usize].activity;
            effort = self.m.effort[activity.index()].sample(&mut self.ws.team_rngs[team]);
            self.attribute_start(item.job, team, on_call);
        }
        let ts = &mut self.ws.teams[team];
        if on_call {
            ts.on_call_busy = true;
        } else {
            ts.busy += 1;
        }
        ts.busy_seconds += effort;
        self.schedule(
            self.now + effort,
            Ev::JobDone {
                job: item.job,
                team: team as u16,
                on_call,
            },
        );
    }

    /// Splits the team-side wait of a starting job into causes and records handoffs and stalls.
    fn attribute_start(&mut self, job: u32, team: usize, on_call: bool) {
        let j = self.ws.jobs[job as usize];
        let queued = self.now - j.ready;
        let mut waits = j.waits;
        if on_call {
            let ts = self.ws.teams[team];
            let paging = ts
                .page_answered
                .saturating_sub(ts.page_sent.max(j.ready))
                .min(queued);
            waits[WaitCause::Paging.index()] += paging;
            waits[WaitCause::Queue.index()] += queued - paging;
        } else {
            let off = self.off_shift_seconds(team, j.ready, self.now);
            waits[WaitCause::OffHours.index()] += off;
            waits[WaitCause::Queue.index()] += queued - off;
        }
        let jm = &mut self.ws.jobs[job as usize];
        jm.started = true;
        jm.team = team as u16;
        jm.waits = waits;
        let total = self.now - j.created;
        let handoff = j.from_team != NOBODY && j.from_team as usize != team;
        if handoff {
            self.met.handoffs += 1;
            let p = self.bd.pair(j.from_team as usize, team);
            self.bd.handoffs[p] += 1;
            self.bd.handoff_wait[p] += total;
        }
        let (cause, _) = dominant(&waits);
        if !j.committee {
            for (w, x) in self.met.wait_by_cause.iter_mut().zip(waits) {
                *w += x;
            }
            let ownership = waits
                .iter()
                .enumerate()
                .any(|(c, &w)| w > 0 && WaitCause::ALL[c].is_ownership());
            if ownership || (handoff && total > self.m.policy.stall_threshold) {
                self.stall(j.from_team, team, j.activity, cause, total);
            }
        }
        let activity = j.activity;
        let task = TaskRef {
            id: job,
            handoff_from: handoff.then_some(j.from_team as usize),
            from_team: (j.from_team != NOBODY).then_some(j.from_team as usize),
            credential: (j.cred != NOBODY).then_some(j.cred as usize),
            parent: (j.parent != NONE).then_some(j.parent),
        };
        self.note_wait(Some(team), Some(activity), total, cause, waits, task);
    }

    fn stall(&mut self, from: u16, to: usize, activity: Activity, cause: WaitCause, wait: u64) {
        self.met.stalls += 1;
        self.met.stall_wait += wait;
        self.met.stalls_by_cause[cause.index()] += 1;
        let from = if from == NOBODY {
            self.m.teams.len()
        } else {
            from as usize
        };
        let i = self.bd.stall_index(from, to, activity);
        self.bd.stalls[i] += 1;
        self.bd.stall_wait[i] += wait;
    }

    fn job_done(&mut self, job: u32, team: usize, on_call: bool) {
        let ts = &mut self.ws.teams[team];
        if on_call {
            ts.on_call_busy = false;
        } else {
            ts.busy -= 1;
        }
        self.dispatch(team);
        if job == NONE {
            return;
        }
        let j = self.ws.jobs[job as usize];
        if let Some(tr) = self.trace.as_mut() {
            tr.push(TraceEvent {
                time: self.now,
                team: Some(team),
                activity: Some(j.activity),
                what: "done".to_string(),
                wait: 0,
                cause: None,
                waits: [0; WaitCause::COUNT],
                task: Some(TaskRef {
                    id: job,
                    handoff_from: None,
                    from_team: None,
                    credential: (j.cred != NOBODY).then_some(j.cred as usize),
                    parent: (j.parent != NONE).then_some(j.parent),
                }),
            });
        }
        match j.activity {
            Activity::Consult => {
                let p = j.parent as usize;
                self.ws.jobs[p].consults_pending -= 1;
                let parent = self.ws.jobs[p];
                if parent.r_done && parent.consults_pending == 0 {
                    self.consults_answered(j.parent);
                }
            }
            Activity::SignOff => self.signed(job),
            _ => {
                self.met.notifications += self.informed(&j) as u32;
                if self.trace.is_some() {
                    self.trace_informed(&j, team);
                }
                let jm = &mut self.ws.jobs[job as usize];
                jm.r_done = true;
                jm.r_done_at = self.now;
                if jm.consults_pending == 0 {
                    self.r_finished(job);
                }
            }
        }
    }

    /// How many I teams are notified when this job completes.
    fn informed(&self, j: &Job) -> usize {
        match j.activity {
            Activity::Detect => self
                .m
                .detect
                .iter()
                .filter(|r| r.r.contains(&(j.team as usize)))
                .map(|r| r.i.len())
                .sum(),
            _ => self.m.row(j.activity, self.cred_kind(j)).i.len(),
        }
    }

    /// Traces one note per I team told that `by` finished `j` (what each I team sees).
    fn trace_informed(&mut self, j: &Job, by: usize) {
        let m = self.m;
        let teams: Vec<usize> = match j.activity {
            Activity::Detect => m
                .detect
                .iter()
                .filter(|r| r.r.contains(&by))
                .flat_map(|r| r.i.iter().copied())
                .collect(),
            _ => m.row(j.activity, self.cred_kind(j)).i.clone(),
        };
        let name = &m.teams[by].id;
        for t in teams {
            self.note(Some(t), Some(j.activity), || {
                format!("informed that {name} finished it")
            });
        }
    }

    /// The last consult answered after R finished: the gap was waiting on C.
    fn consults_answered(&mut self, job: u32) {
        let j = self.ws.jobs[job as usize];
        let wait = self.now - j.r_done_at;
        self.met.wait_by_cause[WaitCause::Consult.index()] += wait;
        self.r_finished(job);
    }

    /// R (and every C) is done: decisions go to their A, other work is complete.
    fn r_finished(&mut self, job: u32) {
        let j = self.ws.jobs[job as usize];
        if j.activity == Activity::Triage {
            let team = j.team as usize;
            let p = if self.attack {
                self.m.policy.triage_accuracy
            } else {
                1.0 - self.m.policy.triage_specificity
            };
            if self.ws.team_rngs[team].random::<f64>() >= p {
                self.dismissed(team);
                return;
            }
        }
        if !j.activity.is_decision() {
            self.completed(job);
            return;
        }
        let m = self.m;
        let emergency_team = m.policy.emergency.map_or(0, |e| e.team);
        let a: &[usize] = if j.emergency {
            std::slice::from_ref(&emergency_team)
        } else {
            &m.row(j.activity, self.cred_kind(&j)).a
        };
        if a.is_empty() {
            let s = self.new_job(Activity::SignOff, j.cred, j.team);
            self.ws.jobs[s as usize].parent = job;
            self.ws.jobs[job as usize].signoffs_pending = 1;
            self.ownerless(s, WaitCause::NoAccountable);
            return;
        }
        let committee = a.len() > 1;
        let mut pending = 0;
        let self_signed = a.contains(&(j.team as usize));
        if self_signed {
            let jm = &mut self.ws.jobs[job as usize];
            jm.first_signed = true;
            jm.first_signoff_at = self.now;
        }
        for &t in a {
            if t == j.team as usize {
                continue;
            }
            pending += 1;
            let s = self.new_job(Activity::SignOff, j.cred, j.team);
            let sj = &mut self.ws.jobs[s as usize];
            sj.parent = job;
            sj.committee = committee;
            self.enqueue(s, t);
        }
        self.ws.jobs[job as usize].signoffs_pending = pending;
        if pending == 0 {
            self.completed(job);
        }
    }

    fn signed(&mut self, signoff: u32) {
        let s = self.ws.jobs[signoff as usize];
        let p = s.parent as usize;
        let parent = &mut self.ws.jobs[p];
        parent.signoffs_pending -= 1;
        if s.committee && !parent.first_signed {
            // The first committee member: its own waits count as usual.
            parent.first_signed = true;
            parent.first_signoff_at = self.now;
            for (w, x) in self.met.wait_by_cause.iter_mut().zip(s.waits) {
                *w += x;
            }
        }
        let parent = self.ws.jobs[p];
        if parent.signoffs_pending > 0 {
            return;
        }
        if s.committee {
            // Every second after the first sign-off waits on the rest of the committee.
            let split = self.now - parent.first_signoff_at;
            if split > 0 {
                self.met.wait_by_cause[WaitCause::SplitAccountability.index()] += split;
                self.stall(
                    parent.team,
                    s.team as usize,
                    parent.activity,
                    WaitCause::SplitAccountability,
                    split,
                );
                self.note(None, Some(parent.activity), || {
                    format!(
                        "decision waited {} for the last of several accountable teams",
                        crate::duration::format_human(split as f64)
                    )
                });
            }
        }
        self.completed(s.parent);
    }

    // ------------------------------------------------------------ the lifecycle

    fn completed(&mut self, job: u32) {
        let j = self.ws.jobs[job as usize];
        let team = j.team;
        match j.activity {
            Activity::Detect => {
                if self.met.time_to_detect.is_none() {
                    self.met.time_to_detect = Some(self.now);
                }
                if j.late {
                    // A later detection while the incident is open: scope from it directly.
                    let phase = self.incident.phase;
                    if !matches!(
                        phase,
                        Phase::Scoping | Phase::Approving | Phase::Containing | Phase::Closing
                    ) {
                        self.ws.creds[j.cred as usize].late_pending = false;
                        return;
                    }
                    let counted = phase == Phase::Containing;
                    if counted {
                        self.incident.outstanding += 1;
                    }
                    let s = self.begin(Activity::Scope, j.cred, team);
                    let sj = &mut self.ws.jobs[s as usize];
                    sj.late = true;
                    sj.counted = counted;
                } else {
                    self.begin(Activity::Triage, j.cred, team);
                }
            }
            Activity::Triage => {
                if self.met.time_to_declare.is_none() {
                    self.met.time_to_declare = Some(self.now);
                }
                let inc = &mut self.incident;
                if inc.closed_before {
                    self.met.reopened += 1;
                }
                inc.phase = Phase::Scoping;
                inc.approved = false;
                inc.validated = false;
                inc.confirmed = false;
                let cred = inc.detected_cred;
                self.note(Some(team as usize), Some(Activity::Triage), || {
                    "incident declared".to_string()
                });
                self.begin(Activity::Scope, cred, team);
            }
            Activity::Scope => {
                self.scope(j.cred as usize, team as usize);
                if j.late {
                    self.ws.creds[j.cred as usize].late_pending = false;
                    if j.counted {
                        self.incident.outstanding -= 1;
                    }
                    if self.incident.approved {
                        self.task_found_revocations(team);
                    }
                    self.settle(team);
                } else if self.incident.phase == Phase::Scoping {
                    self.incident.phase = Phase::Approving;
                    let emergency = self
                        .m
                        .policy
                        .emergency
                        .filter(|e| self.incident.severity >= e.min_severity);
                    match emergency {
                        Some(e) => {
                            let a = self.new_job(Activity::ApproveContainment, NOBODY, team);
                            self.ws.jobs[a as usize].emergency = true;
                            self.note(Some(e.team), Some(Activity::ApproveContainment), || {
                                "emergency containment: approved without business confirmation"
                                    .to_string()
                            });
                            self.enqueue(a, e.team);
                        }
                        None => {
                            self.begin(Activity::ValidateEntitlement, NOBODY, team);
                            self.begin(Activity::ConfirmBusiness, NOBODY, team);
                        }
                    }
                }
            }
            Activity::ValidateEntitlement | Activity::ConfirmBusiness => {
                if j.activity == Activity::ConfirmBusiness {
                    if !self.attack
                        && self.ws.team_rngs[team as usize].random::<f64>()
                            < self.m.policy.business_recognition
                    {
                        self.incident.phase = Phase::ClosedBenign;
                        self.note(Some(team as usize), Some(Activity::ConfirmBusiness), || {
                            "business owner recognises legitimate work: incident closed as benign"
                                .to_string()
                        });
                        return;
                    }
                    self.incident.confirmed = true;
                } else {
                    self.incident.validated = true;
                }
                if self.incident.validated
                    && self.incident.confirmed
                    && self.incident.phase == Phase::Approving
                {
                    self.begin(Activity::ApproveContainment, NOBODY, team);
                }
            }
            Activity::ApproveContainment => {
                if self.incident.phase == Phase::ClosedBenign {
                    return;
                }
                self.incident.approved = true;
                self.incident.phase = Phase::Containing;
                self.incident.verify_needed = true;
                self.note(
                    Some(team as usize),
                    Some(Activity::ApproveContainment),
                    || "containment approved".to_string(),
                );
                self.task_found_revocations(team);
                self.settle(team);
            }
            Activity::Revoke => {
                let k = j.cred as usize;
                self.revoked(k);
                self.incident.outstanding += 1;
                self.begin(Activity::CaptureEvidence, j.cred, team);
                self.incident.outstanding -= 1;
                self.settle(team);
            }
            Activity::CaptureEvidence => {
                if self.met.time_to_first_close.is_none() {
                    self.met.evidence_by_close += 1;
                }
                self.incident.outstanding -= 1;
                self.settle(team);
            }
            Activity::Verify => {
                let found = self.verify(team as usize);
                if found > 0 {
                    self.incident.verify_needed = true;
                    self.task_found_revocations(team);
                }
                self.incident.outstanding -= 1;
                self.settle(team);
            }
            Activity::Close => self.closed(team as usize),
            Activity::Consult | Activity::SignOff => unreachable!("handled in job_done"),
        }
    }

    fn dismissed(&mut self, team: usize) {
        self.note(Some(team), Some(Activity::Triage), || {
            "alert dismissed".to_string()
        });
        self.incident.phase = if self.incident.closed_before {
            Phase::Closed
        } else {
            Phase::Idle
        };
    }

    /// Finds attacker-held credentials linked to `from`, each with its plane's accuracy.
    fn scope(&mut self, from: usize, team: usize) {
        let ws = &mut *self.ws;
        ws.scratch.clear();
        ws.scratch.push(from as u16);
        let mut i = 0;
        // Breadth-first over the link graph; `scratch` doubles as the visited list.
        while i < ws.scratch.len() {
            let k = ws.scratch[i] as usize;
            i += 1;
            for &n in &self.sc.links[k] {
                if !ws.scratch.contains(&(n as u16)) {
                    ws.scratch.push(n as u16);
                }
            }
        }
        let mut found = 0;
        for idx in 0..self.ws.scratch.len() {
            let k = self.ws.scratch[idx] as usize;
            let c = self.ws.creds[k];
            if !c.held || !c.working || c.found || c.revoke != RevokeState::NotTasked {
                continue;
            }
            // The alert names its own credential; linked ones need the plane's inventory.
            let acc = if k == from {
                1.0
            } else {
                self.ctx.scope_accuracy[self.sc.credentials[k].plane.index()]
            };
            // Always draw, so one credential's luck never shifts the next one's.
            let u = self.ws.team_rngs[team].random::<f64>();
            if u < acc {
                self.ws.creds[k].found = true;
                found += 1;
            }
        }
        self.note(Some(team), Some(Activity::Scope), || {
            format!("scope found {found} credential(s)")
        });
    }

    fn verify(&mut self, team: usize) -> u32 {
        let mut found = 0;
        for k in 0..self.ws.creds.len() {
            let c = self.ws.creds[k];
            if !c.held || !c.working || c.found || c.revoke != RevokeState::NotTasked {
                continue;
            }
            let plane = self.sc.credentials[k].plane;
            let Some(acc) = self.m.teams[team].visibility[plane.index()] else {
                continue;
            };
            let u = self.ws.team_rngs[team].random::<f64>();
            if u < acc * self.m.policy.verify_accuracy {
                self.ws.creds[k].found = true;
                found += 1;
            }
        }
        self.note(Some(team), Some(Activity::Verify), || {
            format!("verify found {found} more credential(s)")
        });
        found
    }

    fn task_found_revocations(&mut self, from_team: u16) {
        // Held open while tasking, so a revoke abandoned at once cannot close the incident
        // before its siblings exist.
        self.incident.outstanding += 1;
        for k in 0..self.ws.creds.len() {
            let c = self.ws.creds[k];
            if c.found && c.revoke == RevokeState::NotTasked {
                self.ws.creds[k].revoke = RevokeState::Tasked;
                self.incident.outstanding += 1;
                self.begin(Activity::Revoke, k as u16, from_team);
            }
        }
        self.incident.outstanding -= 1;
    }

    fn revoked(&mut self, k: usize) {
        let c = self.ws.creds[k];
        if c.revoke == RevokeState::Revoked {
            return;
        }
        self.met.revocations += 1;
        if self.met.time_to_first_revocation.is_none() {
            self.met.time_to_first_revocation = Some(self.now);
        }
        if !self.attack || !c.held {
            self.met.wrongful_revocations += 1;
        }
        let cm = &mut self.ws.creds[k];
        cm.revoke = RevokeState::Revoked;
        cm.revoked_at = self.now;
        let residual = self.sc.credentials[k].residual_validity;
        let id = &self.sc.credentials[k].id;
        self.note(None, Some(Activity::Revoke), || {
            format!("credential `{id}` revoked (keeps working {residual}s)")
        });
        if residual == 0 {
            self.credential_stops(k);
        } else {
            self.schedule(self.now + residual, Ev::CredentialStops(k as u16));
        }
    }

    /// When no known work is outstanding, the incident moves on: verify, then close.
    /// `from` is the team whose finished task let the incident move on (the predecessor of
    /// the verify or close task it may start), or `NOBODY` when a task was dropped.
    fn settle(&mut self, from: u16) {
        if self.incident.outstanding > 0 || self.incident.phase != Phase::Containing {
            return;
        }
        if self.incident.verify_needed {
            self.incident.verify_needed = false;
            self.incident.outstanding += 1;
            self.begin(Activity::Verify, NOBODY, from);
            return;
        }
        self.incident.phase = Phase::Closing;
        self.begin(Activity::Close, NOBODY, from);
    }

    fn closed(&mut self, team: usize) {
        self.incident.phase = Phase::Closed;
        self.incident.closed_before = true;
        self.note(Some(team), Some(Activity::Close), || {
            "incident closed".to_string()
        });
        if self.met.time_to_first_close.is_some() {
            return;
        }
        self.met.time_to_first_close = Some(self.now);
        self.met.revocations_by_close = self.met.revocations;
        self.count_missed();
    }

    fn count_missed(&mut self) {
        if !self.attack {
            return;
        }
        let mut missed = 0;
        for (k, c) in self.ws.creds.iter().enumerate() {
            if c.held && c.working && c.revoke != RevokeState::Revoked {
                missed += 1;
                self.met.missed_by_kind[self.sc.credentials[k].kind.index()] += 1;
            }
        }
        self.met.missed_revocations = missed;
        self.met.false_closure = missed > 0 && self.met.time_to_first_close.is_some();
    }

    // ------------------------------------------------------------ helpers

    fn background_gap(&mut self, team: usize) -> u64 {
        let rate = self.m.teams[team].background.map_or(0.0, |b| b.rate);
        let u = self.ws.background_rngs[team].random::<f64>();
        ((-(1.0 - u).ln() / rate) + 0.5).min(1e12) as u64
    }

    fn note(
        &mut self,
        team: Option<usize>,
        activity: Option<Activity>,
        what: impl FnOnce() -> String,
    ) {
        if let Some(tr) = self.trace.as_mut() {
            tr.push(TraceEvent {
                time: self.now,
                team,
                activity,
                what: what(),
                wait: 0,
                cause: None,
                waits: [0; WaitCause::COUNT],
                task: None,
            });
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn note_wait(
        &mut self,
        team: Option<usize>,
        activity: Option<Activity>,
        wait: u64,
        cause: WaitCause,
        waits: [u64; WaitCause::COUNT],
        task: TaskRef,
    ) {
        if let Some(tr) = self.trace.as_mut() {
            tr.push(TraceEvent {
                time: self.now,
                team,
                activity,
                what: "started".to_string(),
                wait,
                cause: (wait > 0).then_some(cause),
                waits,
                task: Some(task),
            });
        }
    }
}

/// The cause with the most seconds (ties go to the earlier cause in `WaitCause::ALL`).
fn dominant(waits: &[u64; WaitCause::COUNT]) -> (WaitCause, u64) {
    let mut best = (WaitCause::Queue, 0);
    for (i, &w) in waits.iter().enumerate() {
        if w > best.1 {
            best = (WaitCause::ALL[i], w);
        }
    }
    best
}

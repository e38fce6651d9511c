//! The kernel: the event queue ordered by (time, sequence), a run's set-up, the event loop
//! that hands each event to its domain handler, and the run's final metrics. No domain rules
//! live here.

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ev {
    StageStart(u16),
    StageDone(u16, u32),
    /// A credential stops working, for the version (generation) it was scheduled for.
    CredentialStops(u16, u32),
    /// An external report (flat index) about a credential reaches the organisation.
    ReportArrives {
        report: u32,
        cred: u16,
    },
    JobDone {
        job: u32,
        team: u16,
        on_call: bool,
    },
    ShiftStart(u16),
    PageAnswered(u16),
    Escalate(u32),
    BackgroundArrival(u16),
    /// An incremental scope finds a credential (credential, scope's team).
    ScopeFinds(u16, u16),
    /// The room's decision (its index in the plan) on a job is made.
    RoomDecides(u32, u16),
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Event {
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

impl Workspace {
    /// Clears every run's state (keeping the allocations) and points each team's, background
    /// and stage's random stream at run `run`.
    fn reset(&mut self, sc: &Scenario, run: u64) {
        self.heap.clear();
        self.jobs.clear();
        for q in &mut self.queues {
            q.clear();
        }
        for t in &mut self.teams {
            *t = TeamState::default();
        }
        let streams = [
            (&mut self.team_rngs, STREAM_TEAM),
            (&mut self.background_rngs, STREAM_BACKGROUND),
            (&mut self.stage_rngs, STREAM_STAGE),
        ];
        for (rngs, class) in streams {
            for (i, r) in rngs.iter_mut().enumerate() {
                r.set_stream(stream_id(run, class, i));
                r.set_word_pos(0);
            }
        }
        for s in &mut self.stages {
            *s = StageState::default();
        }
        self.creds.clear();
        self.creds.extend(sc.credentials.iter().map(|_| CredState {
            held: false,
            working: true,
            revoke: RevokeState::NotTasked,
            revoked_at: 0,
            found: false,
            late_pending: false,
            last_use: NEVER,
            preempted: false,
            find_pending: false,
            gen: 0,
            revoked_by: NOBODY,
            found_by_verify: false,
            found_by_later_detection: false,
            missed_at_close: false,
        }));
        self.next_slot.fill(0);
        self.created_now.fill(0);
        for s in &mut self.stage_done {
            *s = None;
        }
    }
}

impl<'c, 'w> Sim<'c, 'w> {
    /// A run's set-up: its own random stream decides benign or attack, then the start time.
    pub(super) fn new(
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
        let (epoch0, week_offset) = super::calendar::start_instant(sc.start, &mut run_rng);
        ws.reset(sc, run);
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
            epoch0,
            dated: sc.start.dated(),
            attack: !benign,
            held_working: 0,
            evidence_captured: 0,
            contained_at: None,
            noticed_at: None,
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
                episode: 0,
                validate_job: NONE,
                confirm_job: NONE,
                approve_job: NONE,
                emergency_job: NONE,
                declared_at: NEVER,
                rotated: false,
            },
            room_seen: [0; 3],
            met: RunMetrics {
                run,
                attack: !benign,
                start_in_week: week_offset,
                start_unix: sc.start.dated().then_some(epoch0),
                ..RunMetrics::default()
            },
        }
    }

    pub(super) fn schedule(&mut self, at: u64, ev: Ev) {
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

    pub(super) fn run(&mut self) -> Result<(), SimError> {
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

    pub(super) fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::StageStart(s) => self.try_start_stage(s as usize),
            Ev::StageDone(s, gen) => self.stage_done(s as usize, gen),
            Ev::CredentialStops(k, gen) => {
                if self.ws.creds[k as usize].gen == gen {
                    self.credential_stops(k as usize);
                }
            }
            Ev::ReportArrives { report, cred } => self.report_arrives(report, cred),
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
            Ev::ScopeFinds(k, team) => self.scope_finds(k as usize, team),
            Ev::RoomDecides(job, d) => self.room_decides(job, d as usize),
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

    pub(super) fn finish(mut self) -> RunMetrics {
        let horizon = self.sc.horizon;
        let end = self.now.min(horizon);
        // Revoked credentials still inside their residual validity.
        for k in 0..self.ws.creds.len() {
            let c = self.ws.creds[k];
            if c.revoke == RevokeState::Revoked && c.working && c.held {
                let residual = horizon.saturating_sub(c.revoked_at);
                self.add_wait(Activity::Revoke, WaitCause::ResidualValidity, residual);
            }
        }
        // A declared incident that never closed: count what was missed at the end.
        if self.met.time_to_first_close.is_none() && self.met.time_to_declare.is_some() {
            self.count_missed();
        }
        if self.attack && self.held_working == 0 {
            self.met.time_to_final_eviction = self.contained_at;
        }
        self.met.final_phase = self.phase();
        self.count_credential_outcomes();
        for (t, team) in self.m.teams.iter().enumerate() {
            self.bd.busy[t] += self.ws.teams[t].busy_seconds;
            self.bd.capacity[t] += team.staff as u64 * end.max(1);
        }
        self.met
    }
}

//! Teams: queues, weekly calendars and on-call paging, dispatching work to free staff, and
//! attributing every second a task waited to its cause when it starts.

use super::*;

impl<'c, 'w> Sim<'c, 'w> {
    pub(super) fn enqueue(&mut self, job: u32, team: usize) {
        self.ws.jobs[job as usize].ready = self.now;
        self.ws.queues[team].push_back(QueueItem {
            job,
            ready: self.now,
        });
        self.dispatch(team);
    }

    pub(super) fn pageable(&self, team: usize, item: &QueueItem) -> bool {
        if item.job == NONE {
            return false;
        }
        let Coverage::BusinessHours {
            on_call: Some(oc), ..
        } = self.m.teams[team].coverage
        else {
            return false;
        };
        self.waiting(item.job) && self.incident.severity >= oc.min_severity
    }

    pub(super) fn dispatch(&mut self, team: usize) {
        while let Some(&front) = self.ws.queues[team].front() {
            if front.job != NONE && !self.waiting(front.job) {
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
            let pos = (0..self.ws.queues[team].len())
                .find(|&i| self.pageable(team, &self.ws.queues[team][i]));
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
        // A paged team with no paged task in progress goes back off shift: the next page
        // pays the page latency again.
        if !self.ws.teams[team].on_call_busy {
            self.ws.teams[team].on_call_awake = false;
        }
    }

    pub(super) fn start(&mut self, item: QueueItem, team: usize, on_call: bool) {
        let effort;
        if item.job == NONE {
            let bg = self.m.teams[team]
                .background
                .expect("background queued only with load");
            effort = bg.effort.sample(&mut self.ws.background_rngs[team]);
            self.bd.background_jobs[team] += 1;
            self.bd.background_wait[team] += self.now - item.ready;
        } else {
            let d = self.effort_of(item.job, team);
            effort = d.sample(&mut self.ws.team_rngs[team]);
            self.attribute_start(item.job, team, on_call);
            self.maybe_incremental_scope(item.job, team, effort);
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
    pub(super) fn attribute_start(&mut self, job: u32, team: usize, on_call: bool) {
        let j = self.ws.jobs[job as usize];
        let queued = self.now - j.ready;
        let mut waits = j.waits;
        if on_call {
            // Before the page (work queued below the paging threshold until the severity
            // rose): off hours where the team was off shift; from the page to its answer:
            // paging; the rest (the on-call busy with another paged task): queue.
            let ts = self.ws.teams[team];
            let paged_from = ts.page_sent.max(j.ready).min(self.now);
            let paging = ts.page_answered.saturating_sub(paged_from).min(queued);
            let off = self.off_shift_seconds(team, j.ready, paged_from);
            waits[WaitCause::Paging.index()] += paging;
            waits[WaitCause::OffHours.index()] += off;
            waits[WaitCause::Queue.index()] += queued - paging - off;
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
            self.add_waits(self.row_activity(&j), &waits);
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

    /// The RACI row a job's wait holds up: a consult's or sign-off's is its parent's.
    pub(super) fn row_activity(&self, j: &Job) -> Activity {
        match j.activity {
            Activity::Consult | Activity::SignOff => self.ws.jobs[j.parent as usize].activity,
            a => a,
        }
    }

    /// Counts `waits` (seconds by cause) in the run's metrics and on `activity`'s row of the
    /// breakdown: the one place waited seconds are added.
    pub(super) fn add_waits(&mut self, activity: Activity, waits: &[u64; WaitCause::COUNT]) {
        let row = WaitCause::COUNT * activity.index();
        let by_row = &mut self.bd.wait_by_activity_cause[row..row + WaitCause::COUNT];
        for ((run, on_row), &x) in self.met.wait_by_cause.iter_mut().zip(by_row).zip(waits) {
            *run += x;
            *on_row += x;
        }
    }

    /// Counts `seconds` of waiting for `cause` on `activity`.
    pub(super) fn add_wait(&mut self, activity: Activity, cause: WaitCause, seconds: u64) {
        self.met.wait_by_cause[cause.index()] += seconds;
        self.bd.add_wait(activity, cause, seconds);
    }

    pub(super) fn stall(
        &mut self,
        from: u16,
        to: usize,
        activity: Activity,
        cause: WaitCause,
        wait: u64,
    ) {
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

    pub(super) fn job_done(&mut self, job: u32, team: usize, on_call: bool) {
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
        self.trace_done(job, team);
        if j.dropped || (j.parent != NONE && self.ws.jobs[j.parent as usize].dropped) {
            self.note(Some(team), Some(j.activity), || {
                "done, no longer needed".to_string()
            });
            return;
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

    pub(super) fn background_gap(&mut self, team: usize) -> u64 {
        let rate = self.m.teams[team].background.map_or(0.0, |b| b.rate);
        let u = self.ws.background_rngs[team].random::<f64>();
        ((-(1.0 - u).ln() / rate) + 0.5).min(1e12) as u64
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

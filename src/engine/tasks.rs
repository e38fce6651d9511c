//! Tasks and their RACI rows: creating a task for the teams a row names, ownerless and
//! ambiguous rows, escalation and abandonment, consults (C), informs (I) and sign-offs (A).

use super::*;

impl<'c, 'w> Sim<'c, 'w> {
    pub(super) fn new_job(&mut self, activity: Activity, cred: u16, from_team: u16) -> u32 {
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
            started: false,
            dropped: false,
            episode: self.incident.episode,
            emergency: false,
            committee: false,
            late: false,
            counted: false,
            incremental: false,
            first_signed: false,
            r_done: false,
            r_done_at: 0,
            consults_pending: 0,
            signoffs_pending: 0,
            first_signoff_at: 0,
            report: NONE,
        });
        id
    }

    pub(super) fn cred_kind(&self, job: &Job) -> CredentialKind {
        if job.cred == NOBODY {
            CredentialKind::Session
        } else {
            self.sc.credentials[job.cred as usize].kind
        }
    }

    /// A lifecycle activity becomes ready: find its R, spawn its consults.
    pub(super) fn begin(&mut self, activity: Activity, cred: u16, from_team: u16) -> u32 {
        if matches!(activity, Activity::Triage | Activity::Close) {
            if let Some(job) = self.room_begins(activity, cred, from_team) {
                return job;
            }
        }
        let job = self.new_job(activity, cred, from_team);
        let kind = self.cred_kind(&self.ws.jobs[job as usize]);
        let m = self.m;
        let row = m.row(activity, kind);
        let r = self.responsible(activity, cred, &row.r);
        self.note(None, Some(activity), || "ready".to_string());
        self.offer(job, r);
        let c = &row.c;
        self.ws.jobs[job as usize].consults_pending = c.len() as u16;
        for &t in c {
            let consult = self.new_job(Activity::Consult, cred, from_team);
            self.ws.jobs[consult as usize].parent = job;
            self.enqueue(consult, t);
        }
        job
    }

    /// Offers a task to its R teams: none, it is unowned; one takes it; several each pick it
    /// up with the diffusion probability, and if none does it is ambiguous.
    pub(super) fn offer(&mut self, job: u32, r: &[usize]) {
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
    }

    /// No team takes the job: wait for escalation, or never be done.
    pub(super) fn ownerless(&mut self, job: u32, cause: WaitCause) {
        self.ws.jobs[job as usize].pending_cause = cause;
        match self.m.policy.escalation {
            Some(esc) => {
                self.schedule(self.now + esc.after, Ev::Escalate(job));
            }
            None => self.abandon(job, cause),
        }
    }

    pub(super) fn escalate(&mut self, job: u32) {
        let Some(esc) = self.m.policy.escalation else {
            return;
        };
        if !self.waiting(job) {
            return;
        }
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

    pub(super) fn abandon(&mut self, job: u32, cause: WaitCause) {
        let j = self.ws.jobs[job as usize];
        // Counted as abandoned and as a stall; its wait is not (it never ends, so it has no
        // length: adding the rest of the horizon made the horizon a metric).
        self.met.abandoned += 1;
        self.met.abandoned_by_cause[cause.index()] += 1;
        self.met.stalls += 1;
        self.met.stalls_by_cause[cause.index()] += 1;
        let from = if j.from_team == NOBODY {
            self.m.teams.len()
        } else {
            j.from_team as usize
        };
        let i = self.bd.stall_index(from, self.m.teams.len(), j.activity);
        self.bd.stalls[i] += 1;
        let activity = j.activity;
        self.note(None, Some(activity), || {
            format!("never done: no owner and no escalation target ({cause})")
        });
        if matches!(j.activity, Activity::Revoke | Activity::RotateAll) {
            self.ws.creds[j.cred as usize].revoke = RevokeState::Abandoned;
        }
        if j.activity == Activity::Intake {
            self.met.reports_lost += 1;
        }
        // Known work that will never be done no longer holds up the close (nobody knows it
        // was dropped); any other abandoned step stalls the incident for good.
        let counted = match j.activity {
            Activity::Revoke
            | Activity::RotateAll
            | Activity::Verify
            | Activity::CaptureEvidence => true,
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

    /// How many I teams are notified when this job completes.
    pub(super) fn informed(&self, j: &Job) -> usize {
        match j.activity {
            Activity::Detect => self
                .m
                .detect
                .iter()
                .filter(|r| r.r.contains(&(j.team as usize)))
                .map(|r| r.i.len())
                .sum(),
            Activity::Intake => self.intake_informed(j).len(),
            _ => self.m.row(j.activity, self.cred_kind(j)).i.len(),
        }
    }

    /// Traces one note per I team told that `by` finished `j` (what each I team sees).
    pub(super) fn trace_informed(&mut self, j: &Job, by: usize) {
        let m = self.m;
        let teams: Vec<usize> = match j.activity {
            Activity::Detect => m
                .detect
                .iter()
                .filter(|r| r.r.contains(&by))
                .flat_map(|r| r.i.iter().copied())
                .collect(),
            Activity::Intake => self.intake_informed(j).to_vec(),
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
    pub(super) fn consults_answered(&mut self, job: u32) {
        let j = self.ws.jobs[job as usize];
        let wait = self.now - j.r_done_at;
        self.add_wait(j.activity, WaitCause::Consult, wait);
        self.r_finished(job);
    }

    /// R (and every C) is done: decisions go to their A, other work is complete.
    pub(super) fn r_finished(&mut self, job: u32) {
        let j = self.ws.jobs[job as usize];
        if j.dropped {
            return;
        }
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

    pub(super) fn signed(&mut self, signoff: u32) {
        let s = self.ws.jobs[signoff as usize];
        let p = s.parent as usize;
        let parent = &mut self.ws.jobs[p];
        parent.signoffs_pending -= 1;
        if parent.dropped {
            return;
        }
        if s.committee && !parent.first_signed {
            // The first committee member: its own waits count as usual.
            parent.first_signed = true;
            parent.first_signoff_at = self.now;
            let activity = parent.activity;
            self.add_waits(activity, &s.waits);
        }
        let parent = self.ws.jobs[p];
        if parent.signoffs_pending > 0 {
            return;
        }
        if s.committee {
            // Every second after the first sign-off waits on the rest of the committee.
            let split = self.now - parent.first_signoff_at;
            if split > 0 {
                self.add_wait(parent.activity, WaitCause::SplitAccountability, split);
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
                        crate::domain::duration::format_human(split as f64)
                    )
                });
            }
        }
        self.completed(s.parent);
    }
}

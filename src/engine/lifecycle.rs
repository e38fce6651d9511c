//! The response lifecycle: what happens when each activity completes (detect, triage, scope,
//! validate, confirm, approve, revoke, evidence, verify, close), and when the incident settles.

use super::*;

impl<'c, 'w> Sim<'c, 'w> {
    /// A task finished: the lifecycle moves on according to its activity.
    pub(super) fn completed(&mut self, job: u32) {
        let j = self.ws.jobs[job as usize];
        let team = j.team;
        let stale = j.episode != self.incident.episode;
        match j.activity {
            Activity::Detect => self.detected(&j),
            Activity::Triage => self.declared(team),
            Activity::Scope => self.scoped(&j),
            // Approval steps of an earlier declaration decide nothing now.
            Activity::ValidateEntitlement
            | Activity::ConfirmBusiness
            | Activity::ApproveContainment
                if stale => {}
            Activity::ValidateEntitlement => {
                self.incident.validated = true;
                self.maybe_approve(team);
            }
            Activity::ConfirmBusiness => self.confirmed(team),
            Activity::ApproveContainment => self.approved(job, team),
            Activity::Revoke => {
                let revoked = self.revoked(j.cred as usize, team);
                if self.incident.phase == Phase::ClosedBenign {
                    return;
                }
                // Evidence is of a revocation: none when the credential was revoked already
                // (so evidence by close never exceeds revocations by close); the revoke task's
                // hold on the incident, otherwise passed to the evidence task, ends here.
                if !revoked {
                    self.incident.outstanding -= 1;
                    self.settle(team);
                    return;
                }
                self.incident.outstanding += 1;
                self.begin(Activity::CaptureEvidence, j.cred, team);
                self.incident.outstanding -= 1;
                self.settle(team);
            }
            Activity::CaptureEvidence => {
                self.evidence_captured += 1;
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
            Activity::RotateAll => self.rotation_done(j.cred as usize, team),
            Activity::Intake => self.intake_done(&j),
            Activity::Consult | Activity::SignOff => unreachable!("handled in job_done"),
        }
    }

    /// A detection: the first leads to triage; a later one, while the incident is open, is
    /// scoped directly.
    fn detected(&mut self, j: &Job) {
        let team = j.team;
        if self.met.time_to_detect.is_none() {
            self.met.time_to_detect = Some(self.now);
        }
        if !j.late {
            self.begin(Activity::Triage, j.cred, team);
            return;
        }
        self.late_scope(j.cred, team);
    }

    /// A later detection (or received report) about `cred` while the incident is open: scope
    /// from it directly.
    pub(super) fn late_scope(&mut self, cred: u16, team: u16) {
        let phase = self.incident.phase;
        if !matches!(
            phase,
            Phase::Scoping | Phase::Approving | Phase::Containing | Phase::Closing
        ) {
            self.ws.creds[cred as usize].late_pending = false;
            return;
        }
        let counted = phase == Phase::Containing;
        if counted {
            self.incident.outstanding += 1;
        }
        let s = self.begin(Activity::Scope, cred, team);
        let sj = &mut self.ws.jobs[s as usize];
        sj.late = true;
        sj.counted = counted;
    }

    /// Triage declares the incident (again, if it was closed before) and scope starts.
    fn declared(&mut self, team: u16) {
        if self.met.time_to_declare.is_none() {
            self.met.time_to_declare = Some(self.now);
        }
        let inc = &mut self.incident;
        if inc.closed_before {
            self.met.reopened += 1;
            self.met.time_to_first_reopen.get_or_insert(self.now);
            self.met.time_to_final_close = None;
        }
        let reopen = inc.closed_before;
        inc.phase = Phase::Scoping;
        inc.episode += 1;
        inc.validate_job = NONE;
        inc.confirm_job = NONE;
        inc.approve_job = NONE;
        inc.emergency_job = NONE;
        inc.approved = false;
        inc.validated = false;
        inc.confirmed = false;
        inc.declared_at = self.now;
        inc.rotated = false;
        let cred = inc.detected_cred;
        self.note(Some(team as usize), Some(Activity::Triage), || {
            "incident declared".to_string()
        });
        self.begin(Activity::Scope, cred, team);
        if reopen {
            self.rotate_all_on_reopen(team);
        }
    }

    /// Scope found what it found: a late scope adds revocations; the first moves the incident
    /// to approval, by emergency containment when the severity allows it.
    fn scoped(&mut self, j: &Job) {
        let team = j.team;
        if j.incremental {
            self.incremental_scope_done(team);
            return;
        }
        self.scope(j.cred as usize, team as usize, false, j.late);
        if j.late {
            self.ws.creds[j.cred as usize].late_pending = false;
            if j.counted {
                self.incident.outstanding -= 1;
            }
            if self.incident.approved {
                self.task_found_revocations(team);
            }
            self.settle(team);
            return;
        }
        if self.incident.phase != Phase::Scoping {
            return;
        }
        self.begin_approval(team);
    }

    /// Scope has found what it will: emergency approval is requested if the severity allows
    /// it, and validate_entitlement and confirm_business begin (always: a benign run can still
    /// be recognised). Whichever approval comes first contains.
    pub(super) fn begin_approval(&mut self, team: u16) {
        self.incident.phase = Phase::Approving;
        match self.room_begins(Activity::ApproveContainment, NOBODY, team) {
            Some(job) => self.incident.approve_job = job,
            None => self.maybe_emergency(team),
        }
        self.incident.validate_job = self.begin(Activity::ValidateEntitlement, NOBODY, team);
        self.incident.confirm_job = self.begin(Activity::ConfirmBusiness, NOBODY, team);
    }

    /// The business owner answered: in a benign run they may recognise legitimate work.
    fn confirmed(&mut self, team: u16) {
        if !self.attack
            && self.ws.team_rngs[team as usize].random::<f64>() < self.m.policy.business_recognition
        {
            self.incident.phase = Phase::ClosedBenign;
            self.note(Some(team as usize), Some(Activity::ConfirmBusiness), || {
                "business owner recognises legitimate work: incident closed as benign".to_string()
            });
            // Work not yet started is dropped (revocations done stay wrongful).
            for k in 0..self.ws.jobs.len() {
                let j = &mut self.ws.jobs[k];
                if !j.started && !j.dropped {
                    j.dropped = true;
                    if j.activity == Activity::Revoke {
                        self.ws.creds[j.cred as usize].revoke = RevokeState::NotTasked;
                    }
                }
            }
            return;
        }
        self.incident.confirmed = true;
        self.maybe_approve(team);
    }

    /// Approval starts once entitlement is validated and the business has confirmed, unless
    /// containment is approved already (by emergency).
    fn maybe_approve(&mut self, team: u16) {
        let inc = &self.incident;
        let open = inc.phase == Phase::Approving && !inc.approved && inc.approve_job == NONE;
        if inc.validated && inc.confirmed && open {
            self.incident.approve_job = self.begin(Activity::ApproveContainment, NOBODY, team);
        }
    }

    /// Containment approved: every credential scope found is tasked for revocation. The first
    /// of the normal and the emergency approval decides; the other is dropped.
    fn approved(&mut self, job: u32, team: u16) {
        let inc = self.incident;
        if inc.phase != Phase::Approving || inc.approved {
            return;
        }
        for other in [inc.approve_job, inc.emergency_job] {
            if other != NONE && other != job {
                self.drop_job(other);
            }
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
        self.rotate_all_if_severe(team);
        self.settle(team);
    }

    pub(super) fn dismissed(&mut self, team: usize) {
        self.note(Some(team), Some(Activity::Triage), || {
            "alert dismissed".to_string()
        });
        self.incident.phase = if self.incident.closed_before {
            Phase::Closed
        } else {
            Phase::Idle
        };
    }

    /// Finds attacker-held credentials linked to `from`, each with its plane's accuracy (known
    /// ones only: believed-unused and unknown credentials are skipped unless the alert names
    /// them). `incremental`: mark them as pending finds instead (docs/semantics.md). `late`:
    /// a later detection's scope (counted in the credential outcomes).
    pub(super) fn scope(&mut self, from: usize, team: usize, incremental: bool, late: bool) {
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
            if k != from && self.sc.credentials[k].inventory != InventoryStatus::Known {
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
                if incremental {
                    self.ws.creds[k].find_pending = true;
                } else {
                    self.ws.creds[k].found = true;
                    self.ws.creds[k].found_by_later_detection |= late;
                }
                found += 1;
            }
        }
        self.note(Some(team), Some(Activity::Scope), || {
            format!("scope found {found} credential(s)")
        });
    }

    pub(super) fn verify(&mut self, team: usize) -> u32 {
        let mut found = 0;
        for k in 0..self.ws.creds.len() {
            let c = self.ws.creds[k];
            if !c.held || !c.working || c.found || c.revoke != RevokeState::NotTasked {
                continue;
            }
            if !self.verifiable(k) {
                continue;
            }
            let plane = self.sc.credentials[k].plane;
            let Some(acc) = self.m.teams[team].visibility[plane.index()] else {
                continue;
            };
            let u = self.ws.team_rngs[team].random::<f64>();
            if u < acc * self.m.policy.verify_accuracy {
                self.ws.creds[k].found = true;
                self.ws.creds[k].found_by_verify = true;
                found += 1;
            }
        }
        self.note(Some(team), Some(Activity::Verify), || {
            format!("verify found {found} more credential(s)")
        });
        found
    }

    /// When no known work is outstanding, the incident moves on: verify, then close.
    /// `from` is the team whose finished task let the incident move on (the predecessor of
    /// the verify or close task it may start), or `NOBODY` when a task was dropped.
    pub(super) fn settle(&mut self, from: u16) {
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

    pub(super) fn closed(&mut self, team: usize) {
        self.incident.phase = Phase::Closed;
        self.incident.closed_before = true;
        // Approval steps still pending (containment came by emergency) are no longer needed.
        let inc = self.incident;
        for job in [
            inc.validate_job,
            inc.confirm_job,
            inc.approve_job,
            inc.emergency_job,
        ] {
            if job != NONE {
                self.drop_job(job);
            }
        }
        self.met.time_to_final_close = Some(self.now);
        self.note(Some(team), Some(Activity::Close), || {
            "incident closed".to_string()
        });
        if self.met.time_to_first_close.is_some() {
            return;
        }
        self.met.time_to_first_close = Some(self.now);
        self.met.revocations_by_close = self.met.revocations;
        // Counted at the close, so a run never closed adds neither evidence nor revocations.
        self.met.evidence_by_close = self.evidence_captured;
        self.count_missed();
    }
}

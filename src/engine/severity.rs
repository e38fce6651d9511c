//! Incident severity: the highest reached so far (signals seen, stage severities and damage
//! thresholds during a declared incident), and what a rise changes at once: queued work out of
//! hours pages if it now can, and emergency containment applies if approval is still pending.

use super::*;

impl<'c, 'w> Sim<'c, 'w> {
    /// The incident's severity rises to `to` (nothing happens if it is not higher). Every team
    /// with work queued off shift is dispatched again, so work that now reaches its on-call's
    /// `min_severity` pages at this moment; emergency containment is requested if it now
    /// applies and approve_containment is not yet done.
    pub(super) fn raise_severity(&mut self, to: Severity) {
        if to <= self.incident.severity {
            return;
        }
        self.incident.severity = to;
        self.note(None, None, || format!("incident severity rises to {to}"));
        for team in 0..self.m.teams.len() {
            if !self.ws.queues[team].is_empty() && !self.on_shift(team, self.now) {
                self.dispatch(team);
            }
        }
        self.maybe_emergency(NOBODY);
        self.severity_rose();
    }

    /// A stage completed: during a declared incident that is not closed, the severity rises to
    /// the stage's own and to the highest `damage_severity` threshold the damage has reached.
    pub(super) fn stage_raises_severity(&mut self, s: usize) {
        if !matches!(
            self.incident.phase,
            Phase::Scoping | Phase::Approving | Phase::Containing | Phase::Closing
        ) {
            return;
        }
        let damage = self.met.damage;
        let by_damage = self
            .sc
            .damage_severity
            .iter()
            .filter(|d| d.damage <= damage)
            .map(|d| d.severity)
            .max();
        if let Some(to) = self.sc.stages[s].severity.max(by_damage) {
            self.raise_severity(to);
        }
    }

    /// Requests emergency approval from the policy's emergency team when the incident awaits
    /// approval, none was requested in this declaration, and the severity reaches the policy's
    /// threshold. `from` is the team whose finished task led here (`NOBODY` for a rise).
    pub(super) fn maybe_emergency(&mut self, from: u16) {
        let Some(e) = self.m.policy.emergency else {
            return;
        };
        let inc = &self.incident;
        if inc.phase != Phase::Approving
            || inc.approved
            || inc.emergency_job != NONE
            || inc.severity < e.min_severity
        {
            return;
        }
        let a = self.new_job(Activity::ApproveContainment, NOBODY, from);
        self.ws.jobs[a as usize].emergency = true;
        self.incident.emergency_job = a;
        self.note(Some(e.team), Some(Activity::ApproveContainment), || {
            "emergency containment: approval requested without waiting for business confirmation"
                .to_string()
        });
        self.enqueue(a, e.team);
    }

    /// A task is no longer needed: if not started, it and its consults and sign-offs never
    /// start (not abandoned, no wait counted); if started, it finishes without effect.
    pub(super) fn drop_job(&mut self, job: u32) {
        self.ws.jobs[job as usize].dropped = true;
    }

    /// Whether a task still waits to be started: not started, and neither it nor the task it
    /// serves (for a consult or sign-off) was dropped.
    pub(super) fn waiting(&self, job: u32) -> bool {
        let j = &self.ws.jobs[job as usize];
        !j.started && !j.dropped && (j.parent == NONE || !self.ws.jobs[j.parent as usize].dropped)
    }
}

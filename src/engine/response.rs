//! Response actions beyond the basic lifecycle (issue 14): credential owners, revoke effort by
//! team and kind, inventory status in verify, rotate-all sweeps, incremental revocation and
//! pre-emptive revocation on an upstream compromise notice. docs/semantics.md states the rules.

use super::*;
use crate::domain::duration::Dist;
use crate::input::response::revokes;

/// Per credential: the R its owner gives its revoke and rotate-all tasks, resolved for this
/// model (`None`: no owner, the row decides; `Some(vec![])`: an owner the model lacks).
pub(super) fn owners(sc: &Scenario, m: &Model) -> Vec<Option<Vec<usize>>> {
    sc.credentials
        .iter()
        .map(|c| {
            c.owner
                .as_ref()
                .map(|id| m.team_index(id).into_iter().collect())
        })
        .collect()
}

/// Per credential: a rotate-all sweep of this model covers it.
pub(super) fn rotatable(sc: &Scenario, m: &Model) -> Vec<bool> {
    sc.credentials
        .iter()
        .map(|c| {
            c.inventory != InventoryStatus::Unknown
                && m.policy
                    .rotate_all
                    .is_some_and(|ra| ra.covers(c.plane, c.kind))
        })
        .collect()
}

impl<'c, 'w> Sim<'c, 'w> {
    /// The R of a task: the credential's owner for revoke and rotate-all tasks, else `row`.
    pub(super) fn responsible(
        &self,
        activity: Activity,
        cred: u16,
        row: &'c [usize],
    ) -> &'c [usize] {
        let ctx: &'c Context<'c> = self.ctx;
        if cred == NOBODY || !revokes(activity) {
            return row;
        }
        ctx.owner[cred as usize].as_deref().unwrap_or(row)
    }

    /// The work time distribution of a job started by `team`.
    pub(super) fn effort_of(&self, job: u32, team: usize) -> &'c Dist {
        let m: &'c Model = self.m;
        let j = &self.ws.jobs[job as usize];
        match j.activity {
            Activity::Revoke => m.revoke_effort(team, self.cred_kind(j)),
            Activity::RotateAll => m
                .rotate_all_effort
                .as_ref()
                .unwrap_or_else(|| m.revoke_effort(team, self.cred_kind(j))),
            a => &m.effort[a.index()],
        }
    }

    /// Stage `s` completed: the credentials it needed (all of `needs`, and those of
    /// `needs_any` it could use) and granted were used now.
    pub(super) fn used_by_stage(&mut self, s: usize) {
        let stage = &self.sc.stages[s];
        for &k in stage.needs.iter().chain(&stage.grants) {
            self.ws.creds[k].last_use = self.now;
        }
        for &k in &stage.needs_any {
            if self.usable(k) {
                self.ws.creds[k].last_use = self.now;
            }
        }
    }

    /// Verify can find credential `k`: known, or used by the attacker since the declaration.
    pub(super) fn verifiable(&self, k: usize) -> bool {
        if self.sc.credentials[k].inventory == InventoryStatus::Known {
            return true;
        }
        let used = self.ws.creds[k].last_use;
        let declared = self.incident.declared_at;
        used != NEVER && declared != NEVER && used >= declared
    }

    /// The incident's severity has just risen (signals; the raise of docs/semantics.md). With
    /// containment approved and no sweep yet, a rotate-all from that severity starts now.
    pub(super) fn severity_rose(&mut self) {
        if self.incident.approved && self.incident.phase == Phase::Containing {
            self.rotate_all_if_severe(NOBODY);
        }
    }

    /// Containment is approved: rotate all if the severity reaches the policy's threshold and
    /// this declaration has not swept for severity yet.
    pub(super) fn rotate_all_if_severe(&mut self, from_team: u16) {
        let Some(ra) = self.m.policy.rotate_all else {
            return;
        };
        let Some(min) = ra.from_severity else {
            return;
        };
        if self.incident.rotated || self.incident.severity < min {
            return;
        }
        self.incident.rotated = true;
        self.rotate_all(from_team);
    }

    /// A closed incident was declared again: rotate all if the policy says so.
    pub(super) fn rotate_all_on_reopen(&mut self, from_team: u16) {
        if self.m.policy.rotate_all.is_some_and(|ra| ra.on_reopen) {
            self.rotate_all(from_team);
        }
    }

    /// One rotate-all task per covered credential not yet tasked or revoked, held or not; a
    /// sweep that tasks anything forces a verification.
    fn rotate_all(&mut self, from_team: u16) {
        // Held open while tasking, as in `task_found_revocations`.
        self.incident.outstanding += 1;
        let mut tasked = 0;
        for k in 0..self.ws.creds.len() {
            if !self.ctx.rotatable[k] || self.ws.creds[k].revoke != RevokeState::NotTasked {
                continue;
            }
            self.ws.creds[k].revoke = RevokeState::Tasked;
            self.incident.outstanding += 1;
            tasked += 1;
            self.begin(Activity::RotateAll, k as u16, from_team);
        }
        self.incident.outstanding -= 1;
        if tasked > 0 {
            self.incident.verify_needed = true;
        }
        self.note(None, Some(Activity::RotateAll), || {
            format!("rotate all: {tasked} credential(s) to rotate")
        });
        self.settle(from_team);
    }

    /// A rotate-all task is done: the credential is rotated (a rotation, wrongful only in
    /// benign runs; no evidence capture).
    pub(super) fn rotation_done(&mut self, k: usize, team: u16) {
        if self.ws.creds[k].revoke != RevokeState::Revoked {
            self.met.rotations += 1;
            if !self.attack {
                self.met.wrongful_revocations += 1;
            }
            self.invalidate(k, team, Activity::RotateAll, "rotated");
        }
        self.incident.outstanding -= 1;
        self.settle(team);
    }

    /// An external notice says `upstream` (an index into `Scenario::upstreams`) is
    /// compromised. Under `preemptive_revocation`, every known or believed-unused credential
    /// linked to it that is not tasked or revoked becomes a revoke task at once, held or not,
    /// without approval; `from_team` is the team that received the notice (`NOBODY` if none).
    /// These revocations are counted as pre-emptive, never wrongful.
    // Called by external reports naming an upstream (src/engine/external.rs).
    pub(super) fn preempt_upstream(&mut self, upstream: usize, from_team: u16) {
        if !self.m.policy.preemptive_revocation {
            return;
        }
        self.incident.outstanding += 1;
        let mut tasked = 0;
        for k in 0..self.ws.creds.len() {
            let cred = &self.sc.credentials[k];
            if cred.upstream != Some(upstream)
                || cred.inventory == InventoryStatus::Unknown
                || self.ws.creds[k].revoke != RevokeState::NotTasked
            {
                continue;
            }
            let c = &mut self.ws.creds[k];
            c.revoke = RevokeState::Tasked;
            c.preempted = true;
            self.incident.outstanding += 1;
            tasked += 1;
            self.begin(Activity::Revoke, k as u16, from_team);
        }
        self.incident.outstanding -= 1;
        let label = &self.sc.upstreams[upstream];
        self.note(None, Some(Activity::Revoke), || {
            format!("upstream `{label}` compromised: {tasked} credential(s) revoked pre-emptively")
        });
        self.settle(from_team);
    }

    /// A scope task started: under incremental revocation, the first scope of a declaration
    /// draws its finds now and schedules each at a time within its effort (the alert's own
    /// credential at once). It holds the incident open until it completes.
    pub(super) fn maybe_incremental_scope(&mut self, job: u32, team: usize, effort: u64) {
        let j = self.ws.jobs[job as usize];
        if j.activity != Activity::Scope || j.late || !self.m.policy.incremental_revocation {
            return;
        }
        self.ws.jobs[job as usize].incremental = true;
        self.incident.outstanding += 1;
        let from = j.cred as usize;
        self.scope(from, team, true, false);
        // `scope` leaves the credentials it looked at in `scratch`, in breadth-first order.
        for idx in 0..self.ws.scratch.len() {
            let k = self.ws.scratch[idx] as usize;
            if !self.ws.creds[k].find_pending {
                continue;
            }
            let offset = if k == from || effort == 0 {
                0
            } else {
                self.ws.team_rngs[team].random_range(0..effort)
            };
            self.schedule(self.now + offset, Ev::ScopeFinds(k as u16, team as u16));
        }
    }

    /// An incremental scope finds credential `k`: the first find starts the approval path;
    /// once containment is approved, each find is a revoke task at once.
    pub(super) fn scope_finds(&mut self, k: usize, team: u16) {
        self.ws.creds[k].find_pending = false;
        let phase = self.incident.phase;
        if !matches!(
            phase,
            Phase::Scoping | Phase::Approving | Phase::Containing | Phase::Closing
        ) {
            return;
        }
        let c = self.ws.creds[k];
        if c.found || c.revoke != RevokeState::NotTasked {
            return;
        }
        self.ws.creds[k].found = true;
        let id = &self.sc.credentials[k].id;
        self.note(Some(team as usize), Some(Activity::Scope), || {
            format!("scope finds credential `{id}`")
        });
        if phase == Phase::Scoping {
            self.begin_approval(team);
        }
        if self.incident.approved {
            self.task_found_revocations(team);
        }
    }

    /// The incremental scope is done: it found nothing more; if it found nothing at all, the
    /// approval path starts now, as after a scope without incremental revocation.
    pub(super) fn incremental_scope_done(&mut self, team: u16) {
        self.incident.outstanding -= 1;
        if self.incident.phase == Phase::Scoping {
            self.begin_approval(team);
        }
        self.settle(team);
    }
}

#[cfg(test)]
mod tests {
    //! `preempt_upstream` through a stand-in for an external report: called at time 0, before
    //! the run, as a received notice would call it.
    use super::*;
    use crate::input::library::{parse_model, parse_scenario};

    const SCENARIO: &str = r#"Scenario(
        name: "upstream", summary: "test",
        identities: [(id: "svc", kind: ServiceAccount), (id: "app", kind: ServiceAccount)],
        credentials: [
            (id: "key", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true,
             upstream: "vendor"),
            (id: "spare", kind: ApiKey, plane: CloudIam, identity: "app", upstream: "vendor",
             inventory: BelievedUnused),
            (id: "hidden", kind: ApiKey, plane: CloudIam, identity: "app", upstream: "vendor",
             inventory: Unknown),
            (id: "other", kind: ApiKey, plane: CloudIam, identity: "app", upstream: "cdn"),
        ],
        stages: [(id: "use", needs: ["key"], duration: Fixed("10m"),
                  signals: [(kind: Generic, plane: CloudIam, probability: 1.0)])],
        start: At(day: Mon, time: "09:00"), horizon: "30d")"#;

    fn model(preemptive: bool) -> Model {
        let text = format!(
            r#"Model(name: "m", summary: "test",
            teams: [(id: "ops", staff: 10, visibility: {{CloudIam: 1.0}})],
            raci: (detect: [(r: ["ops"])], triage: (r: ["ops"], a: ["ops"]), scope: (r: ["ops"]),
                validate_entitlement: (r: ["ops"]), confirm_business: (r: ["ops"]),
                approve_containment: (r: ["ops"], a: ["ops"]), revoke: {{ApiKey: (r: ["ops"])}},
                verify: (r: ["ops"]), capture_evidence: (r: ["ops"]), close: (r: ["ops"], a: ["ops"])),
            policy: (preemptive_revocation: {preemptive}),
            effort: (revoke: Fixed("5m"), capture_evidence: Fixed("5m")))"#
        );
        parse_model("m.ron", &text).unwrap()
    }

    /// The notice names "vendor" (upstream 0) at time 0: `key` (held) and `spare` (believed
    /// unused, not held) are revoked 0..300; `hidden` (unknown) and `other` (another upstream)
    /// are not. `key` stops working at 300, before stage `use` (0..600) completes: no signal.
    fn run(preemptive: bool) -> RunMetrics {
        let sc = parse_scenario("s.ron", SCENARIO).unwrap();
        assert_eq!(sc.upstreams, ["vendor", "cdn"]);
        let m = model(preemptive);
        let ctx = Context::new(&sc, &m, 1);
        let mut ws = Workspace::new(&ctx);
        let mut bd = Breakdown::new(1, sc.credentials.len());
        let mut sim = Sim::new(&ctx, &mut ws, 0, &mut bd, None);
        sim.preempt_upstream(0, NOBODY);
        sim.run().unwrap();
        sim.finish()
    }

    #[test]
    fn an_upstream_notice_revokes_its_known_and_believed_unused_credentials_at_once() {
        let met = run(true);
        assert_eq!(met.preemptive_revocations, 2);
        assert_eq!(met.revocations, 2);
        assert_eq!(met.wrongful_revocations, 0, "the notice is the authority");
        assert_eq!(met.time_to_first_revocation, Some(300));
        assert_eq!(met.time_to_containment, Some(300));
        assert_eq!(met.signals_emitted, 0);
        let met = run(false);
        // Without the policy: the stage completes at 600 and alerts; the usual response
        // revokes `key` later, not pre-emptively.
        assert_eq!(met.signals_emitted, 1);
        assert_eq!(met.preemptive_revocations, 0);
        assert!(met.time_to_first_revocation > Some(600));
    }
}

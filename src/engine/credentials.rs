//! Credentials under response: revocations found by scope and verify, revoked credentials,
//! and the missed revocations counted at close.

use super::*;

impl<'c, 'w> Sim<'c, 'w> {
    pub(super) fn task_found_revocations(&mut self, from_team: u16) {
        if self.incident.phase == Phase::ClosedBenign {
            return;
        }
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

    /// Credential `k` is revoked by `team` (`NOBODY` if no team did it); false if it was
    /// revoked already (a second revoke task, after a re-theft reset its state), which counts
    /// no revocation.
    pub(super) fn revoked(&mut self, k: usize, team: u16) -> bool {
        let c = self.ws.creds[k];
        if c.revoke == RevokeState::Revoked {
            return false;
        }
        self.met.revocations += 1;
        if self.met.time_to_first_revocation.is_none() {
            self.met.time_to_first_revocation = Some(self.now);
        }
        if c.preempted {
            self.met.preemptive_revocations += 1;
        } else if !self.attack || !c.held {
            self.met.wrongful_revocations += 1;
        }
        self.invalidate(k, team, Activity::Revoke, "revoked");
        true
    }

    /// The credential is revoked (or rotated) by `team` now: it stops working after its
    /// residual validity.
    pub(super) fn invalidate(&mut self, k: usize, team: u16, activity: Activity, what: &str) {
        let cm = &mut self.ws.creds[k];
        cm.revoke = RevokeState::Revoked;
        cm.revoked_at = self.now;
        cm.revoked_by = team;
        let residual = self.sc.credentials[k].residual_validity;
        let id = &self.sc.credentials[k].id;
        self.note(None, Some(activity), || {
            format!("credential `{id}` {what} (keeps working {residual}s)")
        });
        if residual == 0 {
            self.credential_stops(k);
        } else {
            let gen = self.ws.creds[k].gen;
            self.schedule(self.now + residual, Ev::CredentialStops(k as u16, gen));
        }
    }

    pub(super) fn count_missed(&mut self) {
        if !self.attack {
            return;
        }
        let mut missed = 0;
        let at_close = self.met.time_to_first_close.is_some();
        for (k, c) in self.ws.creds.iter_mut().enumerate() {
            if c.held && c.working && c.revoke != RevokeState::Revoked {
                missed += 1;
                c.missed_at_close = at_close;
                self.met.missed_by_kind[self.sc.credentials[k].kind.index()] += 1;
            }
        }
        self.met.missed_revocations = missed;
        self.met.false_closure = missed > 0 && self.met.time_to_first_close.is_some();
    }
}

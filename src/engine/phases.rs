//! The phases of a run: first compromise, dwell until a team learns of the attack, response,
//! containment and re-entry; the moments between them as metrics; and what happened to each
//! credential, added to the breakdown at the end of an attack run.

use super::*;

impl<'c, 'w> Sim<'c, 'w> {
    /// A team learned of the attack: a signal was seen (or, with external reports, a report
    /// was received). The one place dwell and re-detection end.
    pub(super) fn attack_noticed(&mut self, how: Notice) {
        if !self.attack {
            return;
        }
        if self.noticed_at.is_none() {
            self.noticed_at = Some(self.now);
            self.met.first_notice = Some(how);
            if let Some(fc) = self.met.first_compromise {
                self.met.dwell = Some(self.now - fc);
            }
        }
        if let Some(close) = self.met.time_to_first_close {
            if self.met.re_detection.is_none() {
                self.met.re_detection = Some(self.now - close);
            }
        }
    }

    /// The attacker went from holding no working credential to holding one.
    pub(super) fn attacker_holds(&mut self) {
        self.contained_at = None;
        if !self.attack {
            return;
        }
        if self.met.first_compromise.is_none() {
            self.met.first_compromise = Some(self.now);
            if self.noticed_at.is_some() {
                // Learned of before it held anything: no dwell at all.
                self.met.dwell = Some(0);
            }
            return;
        }
        if self.met.time_to_containment.is_some() {
            self.met.re_entries += 1;
            if self.met.time_to_first_re_entry.is_none() {
                self.met.time_to_first_re_entry = Some(self.now);
            }
            self.note(None, None, || {
                "attacker re-enters: holds a working credential again".to_string()
            });
        }
    }

    /// The attacker's last working credential stopped working.
    pub(super) fn attacker_evicted(&mut self) {
        if !self.attack {
            return;
        }
        self.contained_at = Some(self.now);
        if self.met.time_to_containment.is_none() {
            self.met.time_to_containment = Some(self.now);
        }
        self.note(None, None, || {
            "attacker evicted: holds no working credential".to_string()
        });
    }

    /// Where the run stands now.
    pub(super) fn phase(&self) -> RunPhase {
        if !self.attack || self.met.first_compromise.is_none() {
            RunPhase::BeforeCompromise
        } else if self.held_working == 0 {
            RunPhase::Contained
        } else if self.met.time_to_containment.is_some() {
            RunPhase::ReEntry
        } else if self.noticed_at.is_some() {
            RunPhase::Response
        } else {
            RunPhase::Dwell
        }
    }

    /// Adds what happened to each credential in this attack run to the breakdown.
    pub(super) fn count_credential_outcomes(&mut self) {
        if !self.attack {
            return;
        }
        let out = &mut self.bd.credentials;
        for (k, c) in self.ws.creds.iter().enumerate() {
            out.held[k] += c.held as u64;
            if c.revoke == RevokeState::Revoked {
                out.revoked[k] += 1;
                out.revoke_seconds[k] += c.revoked_at;
                if c.revoked_by != NOBODY {
                    out.revoked_by_team[k * out.teams + c.revoked_by as usize] += 1;
                }
            }
            out.missed_at_close[k] += c.missed_at_close as u64;
            out.found_by_verify[k] += c.found_by_verify as u64;
            out.found_by_later_detection[k] += c.found_by_later_detection as u64;
        }
    }
}

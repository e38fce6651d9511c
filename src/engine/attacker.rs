//! The attacker process: stages as a DAG (needs, grants, repeats), the credentials it obtains
//! and uses, and the signals its stages emit towards the teams that watch each plane.

use super::*;

impl<'c, 'w> Sim<'c, 'w> {
    pub(super) fn obtain(&mut self, k: usize) {
        let c = &mut self.ws.creds[k];
        if c.held {
            return;
        }
        c.held = true;
        if c.working {
            self.held_working += 1;
            if self.held_working == 1 {
                self.attacker_holds();
            }
            if let Some(life) = self.sc.credentials[k].lifetime {
                self.schedule(self.now + life, Ev::CredentialStops(k as u16));
            }
        }
    }

    pub(super) fn usable(&self, k: usize) -> bool {
        let c = &self.ws.creds[k];
        c.held && c.working
    }

    pub(super) fn try_start_stage(&mut self, s: usize) {
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

    pub(super) fn stage_done(&mut self, s: usize, gen: u32) {
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
            self.ws.stage_done[s] = Some(self.now);
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

    pub(super) fn credential_stops(&mut self, k: usize) {
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
            if self.held_working == 0 {
                self.attacker_evicted();
            }
        }
    }

    pub(super) fn signal(&mut self, s: usize, j: usize) {
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
        self.attack_noticed();
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
}

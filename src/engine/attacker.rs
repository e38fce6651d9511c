//! The attacker process: stages as a DAG (needs, needs_any, grants, repeats), the credentials
//! it obtains, creates from templates, steals again and uses, and the signals and external
//! reports its stages cause.

use super::*;

impl<'c, 'w> Sim<'c, 'w> {
    pub(super) fn obtain(&mut self, k: usize) {
        let c = &mut self.ws.creds[k];
        if c.held {
            return;
        }
        c.held = true;
        if c.working {
            let gen = c.gen;
            self.held_working += 1;
            if self.held_working == 1 {
                self.attacker_holds();
            }
            if let Some(life) = self.sc.credentials[k].lifetime {
                self.schedule(self.now + life, Ev::CredentialStops(k as u16, gen));
            }
        }
    }

    pub(super) fn usable(&self, k: usize) -> bool {
        let c = &self.ws.creds[k];
        c.held && c.working
    }

    /// Every `needs` usable and, if the stage has `needs_any`, at least one of those.
    fn needs_met(&self, stage: &Stage) -> bool {
        stage.needs.iter().all(|&k| self.usable(k))
            && (stage.needs_any.is_empty() || stage.needs_any.iter().any(|&k| self.usable(k)))
    }

    pub(super) fn try_start_stage(&mut self, s: usize) {
        let st = self.ws.stages[s];
        let stage = &self.sc.stages[s];
        if st.running || (st.done_once && stage.repeat.is_none()) {
            return;
        }
        if stage.open_until.is_some_and(|u| self.now >= u) {
            return;
        }
        if !stage.after.iter().all(|&a| self.ws.stages[a].done_once) {
            return;
        }
        if !self.needs_met(stage) {
            return;
        }
        // Replay: the draw is made (and ignored) so the stage's stream stays aligned.
        let mut done = self.now + stage.duration.sample(&mut self.ws.stage_rngs[s]);
        if let Some(at) = stage.at.filter(|_| !st.done_once) {
            done = at.max(self.now);
        }
        let st = &mut self.ws.stages[s];
        st.running = true;
        st.gen += 1;
        let gen = st.gen;
        self.schedule(done, Ev::StageDone(s as u16, gen));
    }

    pub(super) fn stage_done(&mut self, s: usize, gen: u32) {
        if self.ws.stages[s].gen != gen {
            return;
        }
        self.ws.stages[s].running = false;
        let sc = self.sc;
        let stage = &sc.stages[s];
        if !self.needs_met(stage) {
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
        self.used_by_stage(s);
        self.note(None, None, || {
            format!("attacker stage `{}` completed", stage.id)
        });
        self.stage_raises_severity(s);
        for &g in &stage.grants {
            self.grant(g, stage.steals_again);
        }
        for &t in &stage.creates {
            self.create(t);
        }
        for j in 0..stage.signals.len() {
            let p = stage.signals[j].probability;
            if self.ws.stage_rngs[s].random::<f64>() < p {
                self.signal(s, j);
            }
        }
        self.draw_reports(s);
        if let Some(rep) = stage.repeat {
            let gap = rep.sample(&mut self.ws.stage_rngs[s]);
            self.schedule(self.now + gap, Ev::StageStart(s as u16));
        }
        for &d in &sc.dependents[s] {
            self.try_start_stage(d);
        }
        for &g in stage.grants.iter().chain(&stage.needs_any) {
            for &d in &sc.needed_by[g] {
                self.try_start_stage(d);
            }
        }
    }

    /// A completion grants credential `g`; with `again`, a revoked or stopped one is stolen
    /// anew: the new version works, its revocation state starts over, and stop events of the
    /// old version are ignored.
    fn grant(&mut self, g: usize, again: bool) {
        let c = self.ws.creds[g];
        let id = &self.sc.credentials[g].id;
        if again && (c.revoke == RevokeState::Revoked || !c.working) {
            if c.held && c.working {
                // Revoked, inside its residual validity: that window ends now.
                let residual = self.now - c.revoked_at;
                self.add_wait(Activity::Revoke, WaitCause::ResidualValidity, residual);
                self.held_working -= 1;
            }
            let cm = &mut self.ws.creds[g];
            cm.gen += 1;
            cm.held = false;
            cm.working = true;
            cm.revoke = RevokeState::NotTasked;
            cm.found = false;
            cm.preempted = false;
            cm.find_pending = false;
            self.obtain(g);
            self.note(None, None, || {
                format!("attacker steals credential `{id}` again")
            });
            return;
        }
        if !c.held {
            self.obtain(g);
            self.note(None, None, || format!("attacker obtains credential `{id}`"));
        }
    }

    /// The next free slot of template `t` becomes a held, working credential.
    fn create(&mut self, t: usize) {
        let tm = &self.sc.templates[t];
        let n = self.ws.next_slot[t] as usize;
        if n >= tm.max {
            self.ws.created_now[t] = (tm.first + tm.max - 1) as u16;
            self.note(None, None, || {
                format!(
                    "attacker creates nothing more from template `{}`: all {} slots are used",
                    tm.id, tm.max
                )
            });
            return;
        }
        let k = tm.first + n;
        self.ws.next_slot[t] += 1;
        self.ws.created_now[t] = k as u16;
        self.ws.creds[k].last_use = self.now;
        self.obtain(k);
        let id = &self.sc.credentials[k].id;
        self.note(None, None, || format!("attacker creates credential `{id}`"));
    }

    /// The credential a signal or report of stage `s` points at, for this completion.
    pub(super) fn pointed(&self, s: usize, credential: usize, points: Points) -> usize {
        match points {
            Points::Named => credential,
            Points::Created(t) => self.ws.created_now[t] as usize,
            Points::AnyNeed => {
                let any = &self.sc.stages[s].needs_any;
                any.iter()
                    .copied()
                    .find(|&k| self.usable(k))
                    .unwrap_or(credential)
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
                let residual = self.now - c.revoked_at;
                self.add_wait(Activity::Revoke, WaitCause::ResidualValidity, residual);
            }
            self.held_working -= 1;
            let id = &self.sc.credentials[k].id;
            self.note(None, None, || format!("credential `{id}` stops working"));
            if self.held_working == 0 {
                self.attacker_evicted();
            }
        }
    }
}

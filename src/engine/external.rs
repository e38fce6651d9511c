//! Signals and external reports: who watches each signal (telemetry, separate from inventory
//! accuracy), reports drawn at a stage's completion and arriving later, their intake by the
//! teams of the intake rows, and what a received report does (like a detection).

use super::*;
use crate::domain::ReportSource;

/// For each (stage, signal), flattened, the R of every detect row covering the signal's kind
/// that watches its plane, with its telemetry; and the offset of each stage's first signal.
pub(super) fn watchers(scenario: &Scenario, model: &Model) -> (Vec<Vec<(u16, f64)>>, Vec<usize>) {
    let mut watchers = Vec::new();
    let mut signal_offset = Vec::new();
    for stage in &scenario.stages {
        signal_offset.push(watchers.len());
        for signal in &stage.signals {
            let mut w: Vec<(u16, f64)> = Vec::new();
            for row in model.detect.iter().filter(|r| r.covers(signal.kind)) {
                for &t in &row.r {
                    let p = model.teams[t].telemetry[signal.plane.index()];
                    if p > 0.0 && !w.iter().any(|&(x, _)| x == t as u16) {
                        w.push((t as u16, p));
                    }
                }
            }
            watchers.push(w);
        }
    }
    (watchers, signal_offset)
}

/// Offsets of each stage's first report in the flat report index, and (stage, report) per index.
pub(super) fn report_index(scenario: &Scenario) -> (Vec<usize>, Vec<(usize, usize)>) {
    let mut offset = Vec::new();
    let mut of = Vec::new();
    for (s, stage) in scenario.stages.iter().enumerate() {
        offset.push(of.len());
        of.extend((0..stage.reports.len()).map(|r| (s, r)));
    }
    (offset, of)
}

/// Per report source: the R of every intake row covering it (in row order, once each), and
/// their I teams.
pub(super) fn intake_teams(model: &Model) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let mut rs = Vec::new();
    let mut is = Vec::new();
    for &source in ReportSource::ALL {
        let mut r: Vec<usize> = Vec::new();
        let mut i: Vec<usize> = Vec::new();
        for row in model.intake.iter().filter(|row| row.covers(source)) {
            for &t in &row.r {
                if !r.contains(&t) {
                    r.push(t);
                }
            }
            i.extend(row.i.iter().copied());
        }
        rs.push(r);
        is.push(i);
    }
    (rs, is)
}

impl<'c, 'w> Sim<'c, 'w> {
    /// Signal `j` of stage `s` is emitted: each watcher sees it with its telemetry (one team
    /// draw per watcher, skipped when the telemetry is 1.0); those who see it get the detection.
    pub(super) fn signal(&mut self, s: usize, j: usize) {
        let sig = &self.sc.stages[s].signals[j];
        self.met.signals_emitted += 1;
        let ctx = self.ctx;
        let watchers = ctx.watchers(s, j);
        self.ws.seers.clear();
        for &(t, p) in watchers {
            if p >= 1.0 || self.ws.team_rngs[t as usize].random::<f64>() < p {
                self.ws.seers.push(t);
            }
        }
        if self.ws.seers.is_empty() {
            self.met.signals_lost += 1;
            self.note(None, None, || {
                let why = if watchers.is_empty() {
                    "no detect owner watches this plane"
                } else {
                    "no watching team's telemetry caught it"
                };
                format!("signal {} in {} lost: {why}", sig.kind, sig.plane)
            });
            return;
        }
        self.attack_noticed(Notice::Signal);
        self.note(None, None, || {
            format!("signal {} ({}) in {}", sig.kind, sig.severity, sig.plane)
        });
        let cred = self.pointed(s, sig.credential, sig.points);
        self.raise_severity(sig.severity);
        let inc = &mut self.incident;
        let late = match inc.phase {
            Phase::Idle | Phase::Closed => false,
            Phase::Alerting | Phase::ClosedBenign => return,
            _ => true,
        };
        if late {
            let c = &mut self.ws.creds[cred];
            if c.late_pending {
                return;
            }
            c.late_pending = true;
        } else {
            inc.phase = Phase::Alerting;
            inc.detected_cred = cred as u16;
        }
        let job = self.new_job(Activity::Detect, cred as u16, NOBODY);
        self.ws.jobs[job as usize].late = late;
        for i in 0..self.ws.seers.len() {
            let t = self.ws.seers[i];
            self.enqueue(job, t as usize);
        }
    }

    /// At a completion of stage `s`: each report is made with its probability, then its delay
    /// drawn (both on the stage's stream), and scheduled to arrive.
    pub(super) fn draw_reports(&mut self, s: usize) {
        let stage = &self.sc.stages[s];
        for (r, rep) in stage.reports.iter().enumerate() {
            if self.ws.stage_rngs[s].random::<f64>() >= rep.probability {
                continue;
            }
            let delay = rep.delay.sample(&mut self.ws.stage_rngs[s]);
            let cred = self.pointed(s, rep.credential, rep.points) as u16;
            let report = (self.ctx.report_offset[s] + r) as u32;
            self.note(None, None, || {
                format!(
                    "an external report ({}) will arrive in {}",
                    rep.source,
                    crate::domain::duration::format_human(delay as f64)
                )
            });
            self.schedule(self.now + delay, Ev::ReportArrives { report, cred });
        }
    }

    fn report(&self, flat: u32) -> &'c Report {
        let (s, r) = self.ctx.report_of[flat as usize];
        &self.sc.stages[s].reports[r]
    }

    /// A report reaches the organisation: an intake task for the R of the intake rows covering
    /// its source (several: diffusion; none: escalation, else it is lost).
    pub(super) fn report_arrives(&mut self, report: u32, cred: u16) {
        let rep = self.report(report);
        let job = self.new_job(Activity::Intake, cred, NOBODY);
        let jm = &mut self.ws.jobs[job as usize];
        jm.report = report;
        self.note(None, Some(Activity::Intake), || {
            format!("external report ({}) arrives", rep.source)
        });
        let ctx = self.ctx;
        self.offer(job, &ctx.intake_r[rep.source.index()]);
    }

    /// The I teams of an intake job's source.
    pub(super) fn intake_informed(&self, j: &Job) -> &'c [usize] {
        let ctx = self.ctx;
        &ctx.intake_i[self.report(j.report).source.index()]
    }

    /// A report is received: it raises the severity and proceeds like a detection (triage, or
    /// a late scope during an open incident); a named upstream triggers pre-emptive revocation.
    pub(super) fn intake_done(&mut self, j: &Job) {
        let rep = self.report(j.report);
        let team = j.team;
        self.met.reports_received += 1;
        self.attack_noticed(Notice::report(rep.source));
        self.note(Some(team as usize), Some(Activity::Intake), || {
            format!(
                "external report ({}) received: the team now knows",
                rep.source
            )
        });
        if self.met.time_to_detect.is_none() {
            self.met.time_to_detect = Some(self.now);
        }
        self.raise_severity(rep.severity);
        if let Some(u) = rep.upstream {
            self.preempt_upstream(u, team);
        }
        match self.incident.phase {
            Phase::Idle | Phase::Closed => {
                self.incident.phase = Phase::Alerting;
                self.incident.detected_cred = j.cred;
                self.begin(Activity::Triage, j.cred, team);
            }
            // Folded into the alert being triaged; a benign close ignores later reports.
            Phase::Alerting | Phase::ClosedBenign => {}
            _ => {
                let c = &mut self.ws.creds[j.cred as usize];
                if !c.late_pending {
                    c.late_pending = true;
                    self.late_scope(j.cred, team);
                }
            }
        }
    }
}

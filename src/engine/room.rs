//! The room's decisions in place of the model's: a tabletop exercise's recorded choices
//! (who decided, how long after the decision was needed, what) replayed on the same attack.
//!
//! # Semantics
//!
//! A decision is *needed* when the engine would hand it to the model's R:
//!
//! - **triage**: a detection (or a received report) opens an alert: the triage task becomes
//!   ready (`triage ready` in the trace);
//! - **containment**: the declaration's first scope finishes: the approval path begins (the
//!   moment `validate_entitlement` and `confirm_business` become ready, and the emergency
//!   approval is requested where the severity allows it);
//! - **close**: nothing known is outstanding after containment: the close task becomes ready.
//!
//! Each is counted per run from 0 (`occurrence`: the n-th triage, containment decision or
//! close of the run). A listed decision is made by its `team` exactly `delay` seconds after it
//! was needed: no queue, calendar, consult or sign-off, and no draw (triage's accuracy draw is
//! the room's choice). Declare opens the incident, Dismiss dismisses the alert; Approve tasks
//! revocation of exactly the listed credentials (the model's revoke rows and teams do the work;
//! scope's other finds are not revoked, though verify may find them later; a credential the
//! attacker does not hold is revoked wrongfully); Hold withholds containment for that
//! declaration (the model's own approval and emergency approval do not run); Close closes, and
//! Hold at close leaves the incident open. Anything not listed is the model's. The attack is
//! unchanged (its streams are the stage streams); the deciding team's own stream is not drawn
//! for a listed decision, so later team-side draws of that team may differ from the model's.

use crate::domain::Activity;

/// What the room chose at one decision point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoomChoice {
    Declare,
    Dismiss,
    Approve,
    Hold,
    Close,
}

impl RoomChoice {
    /// The choices a decision activity allows.
    pub fn allowed(activity: Activity) -> &'static [RoomChoice] {
        match activity {
            Activity::Triage => &[RoomChoice::Declare, RoomChoice::Dismiss],
            Activity::ApproveContainment => &[RoomChoice::Approve, RoomChoice::Hold],
            Activity::Close => &[RoomChoice::Close, RoomChoice::Hold],
            _ => &[],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            RoomChoice::Declare => "declare",
            RoomChoice::Dismiss => "dismiss",
            RoomChoice::Approve => "approve",
            RoomChoice::Hold => "hold",
            RoomChoice::Close => "close",
        }
    }
}

/// One decision the room made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomDecision {
    /// Triage, ApproveContainment or Close.
    pub activity: Activity,
    /// The n-th time (from 0) this decision was needed in the run.
    pub occurrence: u32,
    /// The model's team (index) that acted.
    pub team: usize,
    /// Seconds from needed to decided.
    pub delay: u64,
    pub choice: RoomChoice,
    /// Approve only: the scenario credentials (indices) to revoke.
    pub revoke: Vec<usize>,
}

/// The room's decisions, checked against one scenario and model.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoomPlan {
    decisions: Vec<RoomDecision>,
}

/// The slot of a decision activity in per-run counters.
pub(super) fn slot(activity: Activity) -> Option<usize> {
    match activity {
        Activity::Triage => Some(0),
        Activity::ApproveContainment => Some(1),
        Activity::Close => Some(2),
        _ => None,
    }
}

impl RoomPlan {
    /// Checks the decisions: each a decision activity with a choice it allows, at most one per
    /// (activity, occurrence), teams below `teams`, credentials below `credentials` and only
    /// on an approval.
    pub fn new(
        decisions: Vec<RoomDecision>,
        teams: usize,
        credentials: usize,
    ) -> Result<RoomPlan, String> {
        for (i, d) in decisions.iter().enumerate() {
            let what = format!(
                "decision {} ({} #{})",
                i + 1,
                d.activity.name(),
                d.occurrence
            );
            if slot(d.activity).is_none() {
                return Err(format!(
                    "{what}: only triage, approve_containment and close are decisions"
                ));
            }
            if !RoomChoice::allowed(d.activity).contains(&d.choice) {
                return Err(format!(
                    "{what}: `{}` is not a choice here; use {}",
                    d.choice.name(),
                    choices(d.activity)
                ));
            }
            if d.team >= teams {
                return Err(format!("{what}: team {} is not in the model", d.team));
            }
            if let Some(&k) = d.revoke.iter().find(|&&k| k >= credentials) {
                return Err(format!("{what}: credential {k} is not in the scenario"));
            }
            if !d.revoke.is_empty() && d.choice != RoomChoice::Approve {
                return Err(format!("{what}: only an approval revokes credentials"));
            }
            if decisions[..i]
                .iter()
                .any(|o| o.activity == d.activity && o.occurrence == d.occurrence)
            {
                return Err(format!("{what}: given twice"));
            }
        }
        Ok(RoomPlan { decisions })
    }

    pub fn decisions(&self) -> &[RoomDecision] {
        &self.decisions
    }

    /// The index of the decision for the n-th need of `activity`, if the room made one.
    pub(super) fn find(&self, activity: Activity, occurrence: u32) -> Option<usize> {
        self.decisions
            .iter()
            .position(|d| d.activity == activity && d.occurrence == occurrence)
    }
}

/// "declare or dismiss", ...
fn choices(activity: Activity) -> String {
    let names: Vec<&str> = RoomChoice::allowed(activity)
        .iter()
        .map(|c| c.name())
        .collect();
    names.join(" or ")
}

/// When each decision was needed in a traced run, as the room replays them: (activity,
/// occurrence, time), in time order. The capture sheet's `needed_at` and a replay agree on
/// these moments.
pub fn needed_times(trace: &[super::TraceEvent]) -> Vec<(Activity, u32, u64)> {
    let mut seen = [0u32; 3];
    let mut out = Vec::new();
    for e in trace
        .iter()
        .filter(|e| e.team.is_none() && e.what == "ready")
    {
        // The approval path begins with validate_entitlement's readiness.
        let activity = match e.activity {
            Some(Activity::ValidateEntitlement) => Activity::ApproveContainment,
            Some(a @ (Activity::Triage | Activity::Close)) => a,
            _ => continue,
        };
        let s = slot(activity).expect("a decision");
        out.push((activity, seen[s], e.time));
        seen[s] += 1;
    }
    out
}

use super::*;

impl<'c, 'w> Sim<'c, 'w> {
    /// A decision is needed: when the room made this one, it starts now by the room's team and
    /// is made after the room's delay (`Some(job)`); otherwise the model's path runs (`None`).
    pub(super) fn room_begins(&mut self, activity: Activity, cred: u16, from: u16) -> Option<u32> {
        let plan = self.ctx.room?;
        let s = slot(activity)?;
        let occurrence = self.room_seen[s];
        self.room_seen[s] += 1;
        let d = plan.find(activity, occurrence)?;
        let decision = &plan.decisions[d];
        let (team, delay) = (decision.team, decision.delay);
        let job = self.new_job(activity, cred, from);
        self.note(None, Some(activity), || "ready".to_string());
        self.attribute_start(job, team, false);
        self.schedule(self.now + delay, Ev::RoomDecides(job, d as u16));
        Some(job)
    }

    /// The room's decision on `job` is made now.
    pub(super) fn room_decides(&mut self, job: u32, d: usize) {
        let Some(plan) = self.ctx.room else { return };
        let decision = &plan.decisions[d];
        let team = decision.team;
        let j = self.ws.jobs[job as usize];
        self.trace_done(job, team);
        if j.dropped || j.episode != self.incident.episode {
            return;
        }
        let choice = decision.choice;
        self.note(Some(team), Some(j.activity), || {
            format!("the room decided: {}", choice.name())
        });
        match choice {
            RoomChoice::Declare | RoomChoice::Approve | RoomChoice::Close => {
                if choice == RoomChoice::Approve {
                    self.room_selects(&plan.decisions[d].revoke);
                }
                self.completed(job);
            }
            RoomChoice::Dismiss => self.dismissed(team),
            RoomChoice::Hold => self.drop_job(job),
        }
    }

    /// Containment will revoke exactly `revoke`: found or not, held or not; scope's other
    /// finds are left for verify.
    fn room_selects(&mut self, revoke: &[usize]) {
        for (k, c) in self.ws.creds.iter_mut().enumerate() {
            if c.revoke == RevokeState::NotTasked {
                c.found = revoke.contains(&k);
            }
        }
    }
}

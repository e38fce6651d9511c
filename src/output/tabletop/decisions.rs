//! Decision points: each decision the run needed, who worked it, when it was made, and where
//! its time went (R's wait and work, consults, sign-offs, split accountability).

use std::collections::BTreeMap;

use crate::domain::{Activity, CredentialKind, WaitCause};
use crate::engine::TraceEvent;
use crate::input::Model;

/// A decision the run needed (triage's declaration, approving containment, closing), from the
/// moment it became ready to the moment it was made.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionPoint {
    pub activity: Activity,
    /// When the decision became ready (its predecessor finished).
    pub needed: u64,
    /// The team that worked it (its R, or whoever escalation handed it to); `None` if nobody.
    pub worked_by: Option<usize>,
    /// When the last of its work, consults and sign-offs finished; `None` if not by the end.
    pub decided: Option<u64>,
    /// Waiting on the way, by cause (see `decision_points`).
    pub waits: [u64; WaitCause::COUNT],
    /// Working time: R's task and the first signature.
    pub work: u64,
    /// What was decided ("incident declared", "alert dismissed", ...), as the trace says it.
    pub outcome: Option<String>,
    /// The team whose signature came last, when the decision needed another team's.
    pub last_signer: Option<usize>,
}

/// Every decision point of a traced run under `model`, in the order they became ready. The
/// time from needed to decided is split the way the engine attributes it: R's wait and work,
/// consults answering after R finished, then the sign-off (a lone A's wait and work; for a
/// committee the first signature, then split accountability until the last).
pub fn decision_points(trace: &[TraceEvent], model: &Model) -> Vec<DecisionPoint> {
    let tasks = Tasks::of(trace);
    let mut out: Vec<DecisionPoint> = tasks
        .started
        .values()
        .filter_map(|s| tasks.decision(s, model))
        .collect();
    add_never_started(trace, &mut out);
    name_outcomes(trace, &mut out);
    out.sort_by_key(|p| p.needed);
    out
}

/// The tasks of a trace: the event that started each (by task id) and when it was done.
struct Tasks<'a> {
    started: BTreeMap<u32, &'a TraceEvent>,
    done: BTreeMap<u32, u64>,
}

impl<'a> Tasks<'a> {
    fn of(trace: &'a [TraceEvent]) -> Tasks<'a> {
        let (mut started, mut done) = (BTreeMap::new(), BTreeMap::new());
        for e in trace {
            if let Some(t) = e.task {
                match e.what.as_str() {
                    "started" => {
                        started.insert(t.id, e);
                    }
                    "done" => {
                        done.insert(t.id, e.time);
                    }
                    _ => {}
                }
            }
        }
        Tasks { started, done }
    }

    /// When the task `e` started was done; `None` if not by the end of the run.
    fn done_at(&self, e: &TraceEvent) -> Option<u64> {
        e.task.and_then(|t| self.done.get(&t.id).copied())
    }

    /// The decision point of a started task, if it is a decision.
    fn decision(&self, s: &TraceEvent, model: &Model) -> Option<DecisionPoint> {
        let (Some(activity), Some(task)) = (s.activity, s.task) else {
            return None;
        };
        if !activity.is_decision() {
            return None;
        }
        let mut point = DecisionPoint {
            activity,
            needed: s.time - s.wait,
            worked_by: s.team,
            decided: None,
            waits: s.waits,
            work: 0,
            outcome: None,
            last_signer: None,
        };
        self.time_spent(&mut point, s, task.id, model);
        Some(point)
    }

    /// Splits a decision's time as far as the run got: R's work, the consults answering after
    /// R finished, then the sign-offs; a part not finished by the end leaves it undecided.
    fn time_spent(&self, point: &mut DecisionPoint, s: &TraceEvent, task: u32, model: &Model) {
        let children: Vec<&TraceEvent> = self
            .started
            .values()
            .copied()
            .filter(|c| c.task.and_then(|t| t.parent) == Some(task))
            .collect();
        let (consults, sign_offs): (Vec<&TraceEvent>, Vec<&TraceEvent>) = children
            .into_iter()
            .partition(|c| c.activity == Some(Activity::Consult));
        let Some(r_done) = self.done_at(s) else {
            return;
        };
        point.work = r_done - s.time;
        // R and every consult done: the decision goes to its A.
        let consulted: Option<Vec<u64>> = consults.iter().map(|c| self.done_at(c)).collect();
        let Some(consulted) = consulted else {
            return;
        };
        let t1 = consulted.into_iter().fold(r_done, u64::max);
        point.waits[WaitCause::Consult.index()] += t1 - r_done;
        let signed: Option<Vec<(u64, &TraceEvent)>> = sign_offs
            .iter()
            .map(|so| self.done_at(so).map(|d| (d, *so)))
            .collect();
        let Some(mut signed) = signed else {
            return;
        };
        signed.sort_by_key(|(d, _)| *d);
        sign(point, s, t1, &signed, model);
    }
}

/// The sign-off part of a decision whose R and consults finished at `t1`: `signed` holds each
/// signature's finish and start event, earliest first. A lone A's wait and work count as the
/// decision's; a committee's wait between the first signature and the last is split
/// accountability (the first being R's own when R sits on the committee).
fn sign(
    point: &mut DecisionPoint,
    s: &TraceEvent,
    t1: u64,
    signed: &[(u64, &TraceEvent)],
    model: &Model,
) {
    let a = &model.row(point.activity, CredentialKind::Session).a;
    let committee = a.len() > 1;
    let self_signed = s.team.is_some_and(|t| a.contains(&t));
    point.decided = Some(signed.last().map_or(t1, |(d, _)| *d));
    point.last_signer = signed.last().and_then(|(_, so)| so.team);
    if let (Some(&(first, so)), Some(&(last, _))) = (signed.first(), signed.last()) {
        let first_signature = if committee && self_signed {
            t1
        } else {
            for (w, x) in point.waits.iter_mut().zip(so.waits) {
                *w += x;
            }
            point.work += first - so.time;
            first
        };
        if committee {
            point.waits[WaitCause::SplitAccountability.index()] += last - first_signature;
        }
    }
}

/// Decisions that became ready and were never started (nobody owns them).
fn add_never_started(trace: &[TraceEvent], out: &mut Vec<DecisionPoint>) {
    for e in trace {
        let Some(activity) = e.activity.filter(|a| a.is_decision()) else {
            continue;
        };
        if e.what == "ready"
            && !out
                .iter()
                .any(|p| p.activity == activity && p.needed == e.time)
        {
            out.push(DecisionPoint {
                activity,
                needed: e.time,
                worked_by: None,
                decided: None,
                waits: [0; WaitCause::COUNT],
                work: 0,
                outcome: None,
                last_signer: None,
            });
        }
    }
}

/// Decided means the engine said what was decided when the last of the work finished; a
/// sign-off that never started (nobody accountable) leaves no task behind, only no outcome.
fn name_outcomes(trace: &[TraceEvent], out: &mut [DecisionPoint]) {
    for p in out {
        let Some(decided) = p.decided else { continue };
        p.outcome = trace
            .iter()
            .filter(|e| e.time == decided && e.task.is_none() && e.activity == Some(p.activity))
            .map(|e| e.what.clone())
            .find(|w| {
                w != "ready" && !w.starts_with("decision waited") && !w.starts_with("informed that")
            });
        if p.outcome.is_none() {
            p.decided = None;
        }
    }
}

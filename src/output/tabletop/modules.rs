//! The exercise's modules: the run cut at its key moments, the way a CTEP situation manual is
//! cut. Each module presents what happened up to one decision point and ends on it.
//!
//! # Rule
//!
//! With `points` the run's decision points (needed order):
//!
//! 1. **First signal**: from T+0 up to the first triage decision becoming needed; it ends on
//!    that triage decision (declare or dismiss).
//! 2. **Scoping and escalation**: from then up to the first containment decision of the first
//!    declaration (the first `approve_containment` point needed after an "incident declared"
//!    outcome); no decision point of its own (the room discusses who scopes, who is paged,
//!    who is told).
//! 3. **The containment decision**: that containment decision (approve and which credentials,
//!    or hold), presented at the moment the declaration's first scope finished and containment
//!    could first be decided (`engine::room::needed_times`: the capture sheet's `needed_at`
//!    and a replay use the same moment), which for a model that approves after validation and
//!    business confirmation is before its approval task became ready.
//! 4. **Verification and closure**: from the containment decision up to the first close
//!    decision after it, ending on it. Left out when the run never reached a close.
//!
//! A run without a triage point, a declaration or a containment point has no modules to fill
//! (`modules` returns `Err` saying which moment is missing): the pack is refused.

use super::DecisionPoint;
use crate::domain::Activity;
use crate::engine::room::needed_times;
use crate::engine::TraceEvent;

/// Which key moment a module is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModuleKind {
    FirstSignal,
    ScopingAndEscalation,
    Containment,
    VerificationAndClosure,
}

impl ModuleKind {
    pub fn title(self) -> &'static str {
        match self {
            ModuleKind::FirstSignal => "First signal",
            ModuleKind::ScopingAndEscalation => "Scoping and escalation",
            ModuleKind::Containment => "The containment decision",
            ModuleKind::VerificationAndClosure => "Verification and closure",
        }
    }
}

/// One module of the exercise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Module {
    pub kind: ModuleKind,
    /// The module presents events with `from <= time < to` (the first module from 0). A
    /// player-facing inject of this module never comes from an event at or after `to`.
    pub from: u64,
    pub to: u64,
    /// The decision point it ends on (an index into the run's decision points).
    pub decision: Option<usize>,
}

/// Why a run cannot fill the modules: the first key moment it never reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// Nobody triaged anything: the attack was never detected (or never reported).
    Triage,
    /// Triage never declared an incident (every alert dismissed).
    Declaration,
    /// The incident never reached a containment decision.
    Containment,
}

impl Missing {
    /// The sentence a refusal gives.
    pub fn why(self) -> &'static str {
        match self {
            Missing::Triage => "the defenders never detected the attack, so nothing reached triage and the room would have no decision to make",
            Missing::Declaration => "every alert was dismissed at triage, so no incident was declared and the room would have no containment or closure to decide",
            Missing::Containment => "the incident was declared but never reached a containment decision (scope or its owners stalled)",
        }
    }
}

/// The modules of a run with decision points `points` and trace `trace` (see the module
/// documentation for the rule).
pub fn modules(points: &[DecisionPoint], trace: &[TraceEvent]) -> Result<Vec<Module>, Missing> {
    let first = |activity: Activity, after: u64| {
        points
            .iter()
            .position(|p| p.activity == activity && p.needed >= after)
    };
    let triage = first(Activity::Triage, 0).ok_or(Missing::Triage)?;
    let declared = points
        .iter()
        .filter(|p| p.activity == Activity::Triage)
        .find(|p| p.outcome.as_deref() == Some("incident declared"))
        .and_then(|p| p.decided)
        .ok_or(Missing::Declaration)?;
    let contain = first(Activity::ApproveContainment, declared).ok_or(Missing::Containment)?;
    let t1 = points[triage].needed;
    let approve = points[contain].needed;
    // When containment could first be decided: the last approval path begun by then.
    let t2 = needed_times(trace)
        .into_iter()
        .filter(|&(a, _, t)| a == Activity::ApproveContainment && t >= declared && t <= approve)
        .map(|(_, _, t)| t)
        .max()
        .unwrap_or(approve)
        .max(t1 + 1);
    let mut out = vec![
        Module {
            kind: ModuleKind::FirstSignal,
            from: 0,
            to: t1 + 1,
            decision: Some(triage),
        },
        Module {
            kind: ModuleKind::ScopingAndEscalation,
            from: t1 + 1,
            to: t2,
            decision: None,
        },
        Module {
            kind: ModuleKind::Containment,
            from: t2,
            to: t2 + 1,
            decision: Some(contain),
        },
    ];
    if let Some(close) = first(Activity::Close, approve) {
        out.push(Module {
            kind: ModuleKind::VerificationAndClosure,
            from: t2 + 1,
            to: points[close].needed + 1,
            decision: Some(close),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::WaitCause;

    fn point(activity: Activity, needed: u64, outcome: Option<&str>) -> DecisionPoint {
        DecisionPoint {
            activity,
            needed,
            worked_by: Some(0),
            decided: outcome.map(|_| needed + 60),
            waits: [0; WaitCause::COUNT],
            work: 60,
            outcome: outcome.map(String::from),
            last_signer: None,
        }
    }

    #[test]
    fn four_modules_cut_at_triage_containment_and_close() {
        let points = [
            point(Activity::Triage, 100, Some("alert dismissed")),
            point(Activity::Triage, 500, Some("incident declared")),
            point(
                Activity::ApproveContainment,
                900,
                Some("containment approved"),
            ),
            point(Activity::Close, 2000, Some("incident closed")),
        ];
        let m = modules(&points, &[]).unwrap();
        let cut: Vec<(ModuleKind, u64, u64, Option<usize>)> = m
            .iter()
            .map(|m| (m.kind, m.from, m.to, m.decision))
            .collect();
        assert_eq!(
            cut,
            [
                (ModuleKind::FirstSignal, 0, 101, Some(0)),
                (ModuleKind::ScopingAndEscalation, 101, 900, None),
                (ModuleKind::Containment, 900, 901, Some(2)),
                (ModuleKind::VerificationAndClosure, 901, 2001, Some(3)),
            ]
        );
    }

    #[test]
    fn runs_that_miss_a_key_moment_are_refused_with_the_moment() {
        assert_eq!(modules(&[], &[]), Err(Missing::Triage));
        let dismissed = [point(Activity::Triage, 100, Some("alert dismissed"))];
        assert_eq!(modules(&dismissed, &[]), Err(Missing::Declaration));
        let declared = [point(Activity::Triage, 100, Some("incident declared"))];
        assert_eq!(modules(&declared, &[]), Err(Missing::Containment));
        let no_close = [
            point(Activity::Triage, 100, Some("incident declared")),
            point(Activity::ApproveContainment, 900, None),
        ];
        assert_eq!(modules(&no_close, &[]).unwrap().len(), 3);
    }
}

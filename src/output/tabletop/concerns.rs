//! What the pack raises from a run: a discussion question and an after-action gap for every
//! stall, escalation, task never done, decision slow to sign or never made, lost plane, missed
//! revocation and model error.

use std::fmt::Write as _;

use super::{names, team_name, DecisionPoint, Played};
use crate::analysis::lint::{lint, Level};
use crate::domain::duration::{format_human, format_offset};
use crate::domain::{Activity, CredentialKind, WaitCause};
use crate::engine::TraceEvent;
use crate::input::{Model, Scenario};

/// The guide's discussion questions and the after-action gap rows (gap, owner, action, due).
pub(super) struct Raised {
    pub questions: Vec<String>,
    pub gaps: Vec<Vec<String>>,
}

/// Discussion questions and after-action gaps from every stall, gap and missed revocation;
/// the same question raised again later in the run is counted on its first asking.
pub(super) fn raise(
    scenario: &Scenario,
    model: &Model,
    model_text: (&str, &str),
    played: &Played,
    decisions: &[DecisionPoint],
) -> Raised {
    let mut concerns = Concerns::default();
    for e in &played.trace {
        concerns.on_event(e, &played.trace, model);
    }
    for d in decisions {
        concerns.on_decision(d, model);
    }
    for e in played.trace.iter().filter(|e| e.what.contains("lost")) {
        concerns.at(
            e.time,
            0,
            format!("a {}. Who should be watching that plane?", e.what),
            e.what.clone(),
            "nobody",
        );
    }
    concerns.0.sort_by_key(|c| c.first);
    let mut raised = Raised {
        questions: concerns.0.iter().map(Concern::question).collect(),
        gaps: concerns.0.iter().map(Concern::gap_row).collect(),
    };
    raised.unowned_revocations(scenario, model, played);
    raised.missed_revocations(model, played);
    raised.model_errors(scenario, model, model_text);
    if raised.questions.is_empty() {
        raised.questions.push("Nothing stalled in this run. Would it have gone as well at 3am on a Sunday, or with one team absent?".into());
    }
    raised.questions.dedup();
    raised
}

/// An after-action row: the gap and its owner, action and due left for the players.
fn gap_row(gap: String, owner: String) -> Vec<String> {
    vec![gap, owner, String::new(), String::new()]
}

impl Raised {
    /// Kinds of credential the attacker kept because nobody owns revoking them.
    fn unowned_revocations(&mut self, scenario: &Scenario, model: &Model, played: &Played) {
        let m = &played.metrics;
        for c in &scenario.credentials {
            if m.missed_by_kind[c.kind.index()] == 0 {
                continue;
            }
            if let Some(owner) = &c.owner {
                // An owner the model lacks leaves the credential unowned, whatever its kind's row.
                if model.team_index(owner).is_none() {
                    self.questions.push(format!(
                        "{} is owned by \"{owner}\", a team this model does not have; who would revoke it?",
                        c.id
                    ));
                    self.gaps.push(gap_row(
                        format!("{} is owned by a team that does not exist ({owner})", c.id),
                        "nobody".into(),
                    ));
                }
                continue;
            }
            if model.revoke[c.kind.index()].r.is_empty() {
                self.questions.push(format!(
                    "Nobody owns revoking {} credentials such as {}; who would?",
                    c.kind.name(),
                    c.id
                ));
                self.gaps.push(gap_row(
                    format!(
                        "nobody owns revoking {} credentials ({} missed)",
                        c.kind.name(),
                        c.id
                    ),
                    "nobody".into(),
                ));
            }
        }
    }

    /// Attacker credentials still working when the incident closed (or the run ended).
    fn missed_revocations(&mut self, model: &Model, played: &Played) {
        let m = &played.metrics;
        if m.missed_revocations == 0 {
            return;
        }
        self.questions.push(format!(
            "The incident {} with {} attacker credential(s) still working. How would you have known?",
            if m.time_to_first_close.is_some() { "was closed" } else { "ended" },
            m.missed_revocations
        ));
        let verify = model.row(Activity::Verify, CredentialKind::Session);
        self.gaps.push(gap_row(
            format!(
                "closed with {} attacker credential(s) still working",
                m.missed_revocations
            ),
            format!("verify: {}", names(model, &verify.r)),
        ));
    }

    /// The model's lint errors, with their help as the action.
    fn model_errors(&mut self, scenario: &Scenario, model: &Model, (label, text): (&str, &str)) {
        for f in lint(model, label, text, std::slice::from_ref(scenario)) {
            if f.level == Level::Error {
                self.questions
                    .push(format!("{} [{}]: {}", f.message, f.code, f.help));
                self.gaps.push(vec![
                    format!("{} [{}]", f.message, f.code),
                    "the model".into(),
                    f.help.clone(),
                    String::new(),
                ]);
            }
        }
    }
}

/// A discussion question and the gap it points at, asked once however often it recurs.
struct Concern {
    /// The question after "At T+hh:mm "; `{wait}` stands for the delay it is about.
    question: String,
    /// The after-action row; `{wait}` as above.
    gap: String,
    /// Who the model makes responsible for it ("nobody" for a gap in the model).
    owner: String,
    first: u64,
    again: u32,
    last: u64,
    longest: u64,
}

#[derive(Default)]
struct Concerns(Vec<Concern>);

impl Concerns {
    /// A concern at `time` about a delay of `wait` seconds (0 if none).
    fn at(&mut self, time: u64, wait: u64, question: String, gap: String, owner: &str) {
        if let Some(c) = self.0.iter_mut().find(|c| c.question == question) {
            c.again += 1;
            c.last = time;
            c.longest = c.longest.max(wait);
        } else {
            self.0.push(Concern {
                question,
                gap,
                owner: owner.to_string(),
                first: time,
                again: 0,
                last: time,
                longest: wait,
            });
        }
    }

    /// A task never done, an escalation, or a stall: a wait for an ownership cause or longer
    /// than the policy's stall threshold.
    fn on_event(&mut self, e: &TraceEvent, trace: &[TraceEvent], model: &Model) {
        let Some(a) = e.activity else { return };
        let a = a.name();
        if e.what.starts_with("never done") {
            self.at(
                e.time,
                0,
                format!("the {a} task was never done: nobody owns it and nobody is escalated to. Who should?"),
                format!("{a} never done: no owner and no escalation"),
                "nobody",
            );
        } else if e.what.starts_with("escalated") {
            self.at(
                e.time,
                0,
                format!("the {a} task went to escalation after waiting: {}. Who should have owned it from the start?", e.what),
                format!("{a} {}", e.what),
                "nobody until escalated",
            );
        } else if let Some(c) = e.cause {
            // A committee member's wait is the decision's split accountability, raised below.
            let stalled = c.is_ownership() || e.wait > model.policy.stall_threshold;
            if stalled && !committee_signature(e, trace, model) {
                let team = team_name(model, e.team);
                self.at(
                    e.time,
                    e.wait,
                    format!("{a} waited {{wait}} before {team} started it ({c}). What would have shortened it?"),
                    format!("{a} waited {{wait}} for {team} ({c})"),
                    team,
                );
            }
        }
    }

    /// A decision slow to get its last signature, or never made.
    fn on_decision(&mut self, d: &DecisionPoint, model: &Model) {
        let a = d.activity.name();
        let accountable = names(model, &model.row(d.activity, CredentialKind::Session).a);
        let split = d.waits[WaitCause::SplitAccountability.index()];
        match d.decided {
            Some(t) if split > 0 => {
                let last = team_name(model, d.last_signer);
                self.at(
                    t,
                    split,
                    format!("the {a} decision waited {{wait}} for the last of its accountable teams ({accountable}) to sign (the last: {last}). Does it need every one of them?"),
                    format!("{a} waited {{wait}} for the last of {accountable} to sign (split_accountability)"),
                    &accountable,
                );
            }
            Some(_) => {}
            None => self.at(
                d.needed,
                0,
                format!("the {a} decision was needed and never made by the end of the run. Who is accountable for it?"),
                format!("{a} never decided"),
                &accountable,
            ),
        }
    }
}

impl Concern {
    /// The delay it is about: the longest, "up to" when it happened more than once.
    fn wait(&self) -> String {
        let wait = format_human(self.longest as f64);
        if self.again > 0 {
            format!("up to {wait}")
        } else {
            wait
        }
    }

    /// `text` at its first time, with the delay filled in.
    fn at_first(&self, text: &str) -> String {
        format!(
            "{} {}",
            format_offset(self.first),
            text.replace("{wait}", &self.wait())
        )
    }

    /// The discussion question, and how often and until when it happened.
    fn question(&self) -> String {
        let mut s = format!("At {}", self.at_first(&self.question));
        if self.again > 0 {
            let _ = write!(
                s,
                " It happened {} times, the last at {}.",
                self.again + 1,
                format_offset(self.last)
            );
        }
        s
    }

    /// The after-action row: gap, owner, and blanks for action and due.
    fn gap_row(&self) -> Vec<String> {
        let mut gap = self.at_first(&self.gap);
        if self.again > 0 {
            let _ = write!(gap, " ({} times)", self.again + 1);
        }
        gap_row(gap, self.owner.clone())
    }
}

/// Whether `e` is a committee member's signature: a sign-off of a decision whose A is more
/// than one team.
fn committee_signature(e: &TraceEvent, trace: &[TraceEvent], model: &Model) -> bool {
    e.activity == Some(Activity::SignOff)
        && e.task.and_then(|t| t.parent).is_some_and(|p| {
            parent_activity(trace, p)
                .is_some_and(|pa| model.row(pa, CredentialKind::Session).a.len() > 1)
        })
}

/// The activity of task `id`, from its start in the trace.
fn parent_activity(trace: &[TraceEvent], id: u32) -> Option<Activity> {
    trace
        .iter()
        .find(|e| e.what == "started" && e.task.is_some_and(|t| t.id == id))
        .and_then(|e| e.activity)
}

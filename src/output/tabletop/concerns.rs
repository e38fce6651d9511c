//! Situations: what happened in the run that the room should discuss and the after-action
//! report should fix. Each situation exists only because the run shows it (an unowned task,
//! a committee's split accountability, an off-hours gap, a page, a revoked credential that
//! kept working, a class of credentials missed, an escalation, a lost signal or report, a
//! decision never made, a busy team's queue), belongs to the module whose window it began in,
//! and cites the RACI row, calendar or policy it probes. There is no template question: a
//! situation that did not happen asks nothing.

use std::fmt::Write as _;

use super::aar::{credentials_at_close, Held};
use super::cite::{calendar, cite_revoke, detect_r, owner_of, watchers, NO_OWNER};
pub(super) use super::cite::{cite, cite_row};
use super::truth::module_at;
use super::{names, team_name, Exercise};
use crate::domain::duration::{format_human, format_offset};
use crate::domain::{Activity, CredentialKind, WaitCause};
use crate::engine::TraceEvent;

/// What kind of situation it is; the label starts its question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Kind {
    Unowned,
    SharedResponsibility,
    Committee,
    NeverDecided,
    Escalation,
    OffHours,
    Paging,
    BusyTeam,
    ResidualValidity,
    MissedClass,
    MissingOwner,
    LostSignal,
    LostReport,
}

impl Kind {
    pub(super) fn label(self) -> &'static str {
        match self {
            Kind::Unowned => "Unowned row",
            Kind::SharedResponsibility => "Shared responsibility",
            Kind::Committee => "Committee",
            Kind::NeverDecided => "Decision never made",
            Kind::Escalation => "Escalation",
            Kind::OffHours => "Off-hours gap",
            Kind::Paging => "Paging",
            Kind::BusyTeam => "Busy team",
            Kind::ResidualValidity => "Residual validity",
            Kind::MissedClass => "Missed class of credentials",
            Kind::MissingOwner => "Owner missing from the model",
            Kind::LostSignal => "Lost signal",
            Kind::LostReport => "Lost report",
        }
    }
}

/// How urgent the fix is (docs/tabletop.md, "After-action report"): high when the situation
/// delayed containment or left a credential working, medium when it cost waiting, low
/// otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Priority {
    High,
    Medium,
    Low,
}

impl Priority {
    pub(super) fn name(self) -> &'static str {
        match self {
            Priority::High => "high",
            Priority::Medium => "medium",
            Priority::Low => "low",
        }
    }
}

/// One situation of the run, asked once however often it recurred.
pub(super) struct Situation {
    pub kind: Kind,
    /// The module whose window it first happened in.
    pub module: usize,
    pub first: u64,
    last: u64,
    again: u32,
    /// The longest delay it caused (0 if none, or not measured).
    longest: u64,
    /// The question after "At T+hh:mm "; `{wait}` stands for the delay.
    question: String,
    /// The RACI row, calendar or policy it probes.
    pub probes: String,
    /// The gap, for the after-action report; `{wait}` as above.
    gap: String,
    pub recommendation: String,
    /// Who the model names to fix it: the row's R or A, or "no owner: assign one".
    pub owner: String,
    /// It left a credential working, or (with `longest` > 0 or `blocked`) cost waiting.
    leaves_credential: bool,
    blocked: bool,
}

impl Situation {
    fn wait(&self) -> String {
        let wait = format_human(self.longest as f64);
        if self.again > 0 {
            format!("up to {wait}")
        } else {
            wait
        }
    }

    fn at_first(&self, text: &str) -> String {
        format!(
            "At {} {}",
            format_offset(self.first),
            text.replace("{wait}", &self.wait())
        )
    }

    fn times(&self) -> String {
        if self.again > 0 {
            format!(
                " It happened {} times, the last at {}.",
                self.again + 1,
                format_offset(self.last)
            )
        } else {
            String::new()
        }
    }

    /// The discussion question: its label, when, the question, how often, what it probes.
    pub(super) fn question(&self) -> String {
        format!(
            "{}: {}{} (probes: {})",
            self.kind.label(),
            self.at_first(&self.question),
            self.times(),
            self.probes
        )
    }

    /// The gap as the after-action report lists it.
    pub(super) fn gap(&self) -> String {
        let mut gap = self.at_first(&self.gap);
        if self.again > 0 {
            let _ = write!(gap, " ({} times)", self.again + 1);
        }
        gap
    }

    /// The priority rule, given when the attacker was evicted (`None`: never).
    pub(super) fn priority(&self, contained: Option<u64>) -> Priority {
        let cost = self.longest > 0 || self.blocked;
        if self.leaves_credential || (cost && contained.is_none_or(|c| self.first < c)) {
            Priority::High
        } else if cost {
            Priority::Medium
        } else {
            Priority::Low
        }
    }
}

/// Everything the run raises, in the order it first happened.
pub(super) fn situations(ex: &Exercise) -> Vec<Situation> {
    let mut s = Situations {
        ex,
        list: Vec::new(),
    };
    for e in &ex.played.trace {
        s.on_event(e);
    }
    for (i, d) in ex.decisions.iter().enumerate() {
        let at = super::truth::room_moment(&ex.modules, &ex.decisions, i);
        s.on_decision(d, at);
    }
    s.on_credentials();
    let mut list = s.list;
    list.sort_by_key(|c| c.first);
    list
}

struct Situations<'e, 'a> {
    ex: &'e Exercise<'a>,
    list: Vec<Situation>,
}

/// What a new situation says (see `Situation`).
struct New<'s> {
    kind: Kind,
    time: u64,
    wait: u64,
    question: String,
    probes: String,
    gap: String,
    recommendation: String,
    owner: &'s str,
}

impl Situations<'_, '_> {
    fn add(&mut self, n: New, leaves_credential: bool, blocked: bool) {
        if let Some(c) = self
            .list
            .iter_mut()
            .find(|c| c.kind == n.kind && c.question == n.question)
        {
            c.again += 1;
            c.last = n.time;
            c.longest = c.longest.max(n.wait);
            return;
        }
        self.list.push(Situation {
            kind: n.kind,
            module: module_at(&self.ex.modules, n.time),
            first: n.time,
            last: n.time,
            again: 0,
            longest: n.wait,
            question: n.question,
            probes: n.probes,
            gap: n.gap,
            recommendation: n.recommendation,
            owner: n.owner.to_string(),
            leaves_credential,
            blocked,
        });
    }

    fn on_event(&mut self, e: &TraceEvent) {
        let model = self.ex.model;
        if let Some(rest) = e.what.strip_prefix("signal ") {
            if let Some((signal, why)) = rest.split_once(" lost: ") {
                self.add(
                    New {
                        kind: Kind::LostSignal,
                        time: e.time,
                        wait: 0,
                        question: format!("the signal {signal} was lost ({why}). Who should have seen it, and what would they have done?"),
                        probes: format!("raci.detect and telemetry: {}", watchers(model, signal)),
                        gap: format!("signal {signal} lost: {why}"),
                        recommendation: "Give a detect owner telemetry on that plane (raci.detect, team telemetry).".into(),
                        owner: &owner_of(model, &detect_r(model)),
                    },
                    false,
                    false,
                );
            }
            return;
        }
        let Some(a) = e.activity else { return };
        if e.what.starts_with("never done") {
            self.never_done(e, a);
        } else if let Some(rest) = e.what.strip_prefix("escalated to ") {
            self.escalated(e, a, rest);
        } else if e.what == "started" && !self.committee_signature(e) {
            self.waited(e, a);
        }
    }

    /// A task nobody would ever do: an unowned row, or a report nobody takes in.
    fn never_done(&mut self, e: &TraceEvent, a: Activity) {
        if a == Activity::SignOff {
            return; // the decision it serves is never made: raised by `on_decision`
        }
        let cause = e.cause.map_or("unowned", |c| c.name());
        let (kind, question, recommendation) = if a == Activity::Intake {
            (
                Kind::LostReport,
                "an external report arrived and nobody took it in. Who answers reports from outside, and how would you know one came?".to_string(),
                "Add an intake row (raci.intake) for every report source, with an R on shift.".to_string(),
            )
        } else {
            (
                Kind::Unowned,
                format!("the {} task was never done: nobody owns it and nobody is escalated to. Who should?", a.name()),
                format!("Name an R for {} in the model (raci.{}), or an escalation target (policy.escalation).", a.name(), a.name()),
            )
        };
        self.add(
            New {
                kind,
                time: e.time,
                wait: 0,
                question,
                probes: format!("{}; policy.escalation: none", cite(self.ex.model, a)),
                gap: format!("{} never done ({cause})", a.name()),
                recommendation,
                owner: NO_OWNER,
            },
            false,
            true,
        );
    }

    fn escalated(&mut self, e: &TraceEvent, a: Activity, rest: &str) {
        let model = self.ex.model;
        let Some(esc) = model.policy.escalation else {
            return;
        };
        let to = &model.teams[esc.to].id;
        let row = model.row(a, CredentialKind::Session);
        self.add(
            New {
                kind: Kind::Escalation,
                time: e.time,
                wait: esc.after,
                question: format!(
                    "the {} task went to {rest}. Who should have owned it from the start?",
                    a.name()
                ),
                probes: format!(
                    "{}; policy.escalation: after {} to {to}",
                    cite(model, a),
                    format_human(esc.after as f64)
                ),
                gap: format!("{} escalated to {rest}", a.name()),
                recommendation: format!(
                    "Name the owner of {} in its row so it does not wait for escalation (raci.{}).",
                    a.name(),
                    a.name()
                ),
                owner: &owner_of(model, &row.r),
            },
            false,
            false,
        );
    }

    /// A task that waited for a calendar, a page, a busy queue, or shared responsibility.
    fn waited(&mut self, e: &TraceEvent, a: Activity) {
        let model = self.ex.model;
        let Some(t) = e.team else { return };
        let team = model.teams[t].id.as_str();
        let ready = e.time - e.wait;
        let w = |c: WaitCause| e.waits[c.index()];
        let cal = format!("calendar: {team} {}", calendar(&model.teams[t].coverage));
        // A revoke's row is its credential's kind's.
        let row = match (a, e.task.and_then(|t| t.credential)) {
            (Activity::Revoke, Some(k)) => cite_revoke(model, self.ex.scenario.credentials[k].kind),
            _ => cite(model, a),
        };
        let n = |kind, wait, question: String, probes: String, gap: String, rec: String| New {
            kind,
            time: ready,
            wait,
            question,
            probes,
            gap,
            recommendation: rec,
            owner: team,
        };
        if w(WaitCause::OffHours) > 0 {
            self.add(n(Kind::OffHours, w(WaitCause::OffHours),
                format!("{} waited {{wait}} for {team} to come on shift. Who covers it out of hours?", a.name()),
                cal.clone(),
                format!("{} waited {{wait}} for {team}'s shift (off_hours)", a.name()),
                format!("Give {team} an on-call for {} or move it to a team on shift.", a.name())), false, false);
        }
        if w(WaitCause::Paging) > 0 {
            self.add(n(Kind::Paging, w(WaitCause::Paging),
                format!("{} waited {{wait}} while {team} was paged. Is that page fast enough for this severity?", a.name()),
                cal,
                format!("{} waited {{wait}} to page {team} (paging)", a.name()),
                format!("Shorten {team}'s page latency, or page from a lower severity.")), false, false);
        }
        if w(WaitCause::Ambiguous) > 0 {
            self.add(n(Kind::SharedResponsibility, w(WaitCause::Ambiguous),
                format!("{} waited {{wait}} before {team} took it: more than one team is R. Who goes first?", a.name()),
                row.clone(),
                format!("{} waited {{wait}} with more than one R (ambiguous)", a.name()),
                format!("Name one R for {} (raci.{}).", a.name(), a.name())), false, false);
        }
        if w(WaitCause::Queue) > model.policy.stall_threshold {
            self.add(n(Kind::BusyTeam, w(WaitCause::Queue),
                format!("{} waited {{wait}} in {team}'s queue. What would you drop to take it sooner?", a.name()),
                format!("{row}; policy.stall_threshold: {}", format_human(model.policy.stall_threshold as f64)),
                format!("{} waited {{wait}} in {team}'s queue", a.name()),
                format!("Give incident work priority over {team}'s queue, or add staff.")), false, false);
        }
    }

    /// A committee slow to sign, or a decision never made.
    fn on_decision(&mut self, d: &super::DecisionPoint, at: u64) {
        let model = self.ex.model;
        let a = d.activity.name();
        let row = model.row(d.activity, CredentialKind::Session);
        let accountable = names(model, &row.a);
        let split = d.waits[WaitCause::SplitAccountability.index()];
        match d.decided {
            Some(t) if split > 0 => {
                let last = team_name(model, d.last_signer);
                self.add(New {
                    kind: Kind::Committee,
                    time: at,
                    wait: split,
                    question: format!("the {a} decision{} waited {{wait}} for the last of its accountable teams ({accountable}) to sign (the last: {last}, at {}). Does it need every one of them?", ready_note(d.needed, at), format_offset(t)),
                    probes: format!("{} (a committee of {})", cite(model, d.activity), row.a.len()),
                    gap: format!("{a} waited {{wait}} for the last of {accountable} to sign (split_accountability)"),
                    recommendation: format!("Make one team accountable for {a}, or let the committee delegate with a deadline."),
                    owner: &accountable,
                }, false, false);
            }
            Some(_) => {}
            None => self.add(New {
                kind: Kind::NeverDecided,
                time: at,
                wait: 0,
                question: format!("the {a} decision was needed and never made by the end of the run. Who is accountable for it?"),
                probes: cite(model, d.activity),
                gap: format!("{a} never decided"),
                recommendation: format!("Name an A for {a} who is reachable (raci.{a}), or an escalation target."),
                owner: &owner_of(model, &row.a),
            }, false, true),
        }
    }

    /// Revoked credentials that kept working, and credentials still working at close.
    fn on_credentials(&mut self) {
        let (ex, model) = (self.ex, self.ex.model);
        let at_close = credentials_at_close(ex);
        for c in &at_close.residual {
            let cred = &ex.scenario.credentials[c.credential];
            let kind = cred.kind.name();
            self.add(New {
                kind: Kind::ResidualValidity,
                time: c.revoked_at.unwrap_or(0),
                wait: cred.residual_validity,
                question: format!("{} was revoked and kept working for {{wait}} (its residual validity). What else must be cut so a revocation takes effect at once?", cred.id),
                probes: format!("{}; scenario: {} residual_validity {}", cite_revoke(model, cred.kind), cred.id, format_human(cred.residual_validity as f64)),
                gap: format!("{} ({kind}) kept working {{wait}} after it was revoked", cred.id),
                recommendation: format!("Make revoking {} take effect at once (end what it issued too), or shorten its residual validity.", cred.id),
                owner: &owner_of(model, &model.revoke[cred.kind.index()].r),
            }, true, false);
        }
        let m = &ex.played.metrics;
        let when = at_close.at;
        for &k in CredentialKind::ALL.iter() {
            if m.missed_by_kind[k.index()] == 0 {
                continue;
            }
            let held: Vec<&Held> = at_close
                .missed
                .iter()
                .filter(|h| ex.scenario.credentials[h.credential].kind == k)
                .collect();
            let ids: Vec<&str> = held
                .iter()
                .map(|h| ex.scenario.credentials[h.credential].id.as_str())
                .collect();
            let ids = if ids.is_empty() {
                format!("{} credential(s)", m.missed_by_kind[k.index()])
            } else {
                ids.join(", ")
            };
            // An owner the model lacks leaves the credential unowned, whatever its kind's row.
            let lost_owner = held.iter().find_map(|h| {
                let owner = ex.scenario.credentials[h.credential].owner.as_deref()?;
                model
                    .team_index(owner)
                    .is_none()
                    .then_some((h.credential, owner))
            });
            if let Some((c, owner)) = lost_owner {
                let id = &ex.scenario.credentials[c].id;
                self.add(New {
                    kind: Kind::MissingOwner,
                    time: when,
                    wait: 0,
                    question: format!("{id} is owned by \"{owner}\", a team this model does not have; who would revoke it?"),
                    probes: format!("scenario: {id} owner {owner}; {}", cite_revoke(model, k)),
                    gap: format!("{id} is owned by a team that does not exist ({owner})"),
                    recommendation: format!("Add {owner} to the model, or give {id} an owner the model has."),
                    owner: NO_OWNER,
                }, true, false);
                continue;
            }
            let row = &model.revoke[k.index()];
            self.add(New {
                kind: Kind::MissedClass,
                time: when,
                wait: 0,
                question: format!("the incident {} with {ids} ({}) still held by the attacker and working. Who looks for {} credentials, and how would you have known?", if m.time_to_first_close.is_some() { "was closed" } else { "ended" }, k.name(), k.name()),
                probes: format!("{}; {}", cite_revoke(model, k), cite(model, Activity::Verify)),
                gap: format!("{ids} ({}) still working at {}", k.name(), if m.time_to_first_close.is_some() { "close" } else { "the end" }),
                recommendation: format!("Put {} credentials in scope's and verify's inventory and name who revokes them (raci.revoke.{}).", k.name(), k.name()),
                owner: &owner_of(model, if row.r.is_empty() { &model.row(Activity::Verify, k).r } else { &row.r }),
            }, true, false);
        }
    }

    /// Whether `e` is a committee member's signature: its wait is the decision's split
    /// accountability, raised once by `on_decision`.
    fn committee_signature(&self, e: &TraceEvent) -> bool {
        let model = self.ex.model;
        e.activity == Some(Activity::SignOff)
            && e.task.and_then(|t| t.parent).is_some_and(|p| {
                self.ex
                    .played
                    .trace
                    .iter()
                    .find(|s| s.what == "started" && s.task.is_some_and(|t| t.id == p))
                    .and_then(|s| s.activity)
                    .is_some_and(|pa| model.row(pa, CredentialKind::Session).a.len() > 1)
            })
    }
}

/// ", its task ready at T+01:10," when the model's decision task became ready later than the
/// moment the room decides (containment after validation and confirmation); else nothing.
fn ready_note(needed: u64, at: u64) -> String {
    if needed == at {
        String::new()
    } else {
        format!(" (its task ready at {})", format_offset(needed))
    }
}

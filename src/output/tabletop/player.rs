//! What the players see: the run's events as they reach the room at that moment, never what
//! the model did with them.
//!
//! # Rule
//!
//! A player-visible inject comes from one event of the run that the defenders would perceive
//! when it happens, and carries that event's time as its `source`:
//!
//! - **alert**: a signal a watching team saw (the trace's `signal KIND (SEVERITY) in PLANE`;
//!   lost signals are never shown). Its credential is the one the detection points at; it
//!   reaches the team that worked the detection and every team whose detect row covers the
//!   signal's kind with full telemetry (1.0) on its plane (those see it for certain; a watcher
//!   with partial telemetry is named only if it worked the detection).
//! - **call / email / ticket**: an external report arriving (`external report (SOURCE)
//!   arrives`), for the R of the intake rows covering its source (or the team that received
//!   it). Reports carry no channel in the scenario, so the form follows the source: a customer
//!   opens a support ticket, law enforcement calls, a vendor, partner or threat-intel provider
//!   emails.
//! - **alert** (severity update): the incident's severity rising on its own (not with the
//!   alert that raised it), for every team that has received an inject before.
//! - **ticket**: a consult request reaching a team (the C of a row), when the task it serves
//!   is one a player would be asked about before its outcome (triage, scope, validating the
//!   entitlement, confirming with the business, approving containment, verify, close: never a
//!   revoke, rotate-all or evidence capture, which would tell the room what was approved).
//! - **page**: the on-call of an off-shift team paged for an alert, a report or a consult
//!   request, at the time the page went out.
//! - **inventory report** (module 3 only): the inventory's view of the credentials linked to
//!   the alerted one, as the inventory lists them (known, or believed unused); credentials in
//!   no inventory and those the attacker creates are not in it, and it never says which ones
//!   the attacker holds.
//!
//! Never shown: waits, outcomes (declared, dismissed, approved, revoked, closed, ...), the
//! run's phase, attacker steps the defenders did not observe, and the model's own decisions.
//! A module shows the injects with `from <= time < to` and `source < to`.

use std::collections::{BTreeMap, BTreeSet};

use super::{Module, ModuleKind, Played};
use crate::domain::{Activity, InventoryStatus, ReportSource, WaitCause};
use crate::engine::TraceEvent;
use crate::input::{Model, Scenario};

/// How an inject reaches the players.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Form {
    Alert,
    Call,
    Email,
    Ticket,
    Page,
    InventoryReport,
}

impl Form {
    pub fn name(self) -> &'static str {
        match self {
            Form::Alert => "alert",
            Form::Call => "call",
            Form::Email => "email",
            Form::Ticket => "ticket",
            Form::Page => "page",
            Form::InventoryReport => "inventory report",
        }
    }

    /// The form an external report takes, by its source (see the module documentation).
    pub fn of_report(source: ReportSource) -> Form {
        match source {
            ReportSource::Customer => Form::Ticket,
            ReportSource::LawEnforcement => Form::Call,
            _ => Form::Email,
        }
    }
}

/// One thing the players see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlayerInject {
    /// When it reaches the players (seconds into the run).
    pub time: u64,
    /// The time of the run's event it comes from (never after `time`).
    pub source: u64,
    pub form: Form,
    /// The receiving teams (model team indices), in team order.
    pub to: Vec<usize>,
    /// What it says.
    pub text: String,
}

/// How a credential is named to players: its id, kind, identity and plane.
pub fn credential_text(scenario: &Scenario, k: usize) -> String {
    let c = &scenario.credentials[k];
    let id = &scenario.identities[c.identity];
    format!(
        "credential {} ({}) of {} {}, {} plane",
        c.id,
        c.kind.name(),
        id.kind.name().replace('_', " "),
        id.id,
        c.plane.name()
    )
}

/// Every player-visible inject of the run but the inventory report, in time order.
pub fn player_view(scenario: &Scenario, model: &Model, played: &Played) -> Vec<PlayerInject> {
    let trace = &played.trace;
    let mut v = View {
        scenario,
        model,
        trace,
        activity_of: BTreeMap::new(),
        claimed: BTreeSet::new(),
        reached: BTreeSet::new(),
        alerted: Vec::new(),
        out: Vec::new(),
    };
    for e in trace {
        if let (Some(t), Some(a), "started") = (e.task, e.activity, e.what.as_str()) {
            v.activity_of.entry(t.id).or_insert(a);
        }
    }
    let mut stage: Option<usize> = None;
    for (i, e) in trace.iter().enumerate() {
        let what = e.what.as_str();
        if let Some(id) = what
            .strip_prefix("attacker stage `")
            .and_then(|r| r.strip_suffix("` completed"))
        {
            stage = scenario.stages.iter().position(|s| s.id == id);
        } else if what.starts_with("signal ") && !what.contains(" lost: ") {
            v.alert(i, stage);
        } else if e.activity == Some(Activity::Intake) && what.ends_with(") arrives") {
            v.report(i);
        } else if let Some(sev) = what.strip_prefix("incident severity rises to ") {
            let with_alert = i > 0 && trace[i - 1].time == e.time && v.last_alert_at(e.time);
            if !with_alert {
                v.severity(e.time, sev);
            }
        } else if e.activity == Some(Activity::Consult) && what == "started" {
            v.consult(e);
        } else if what == "started" {
            v.request(e);
        }
    }
    v.out.sort_by_key(|p| (p.time, p.form));
    v.out
}

/// The player-visible injects of one module (see the module documentation), with the
/// inventory report at the start of the containment module.
pub fn module_injects(
    scenario: &Scenario,
    model: &Model,
    played: &Played,
    module: &Module,
) -> Vec<PlayerInject> {
    let mut out: Vec<PlayerInject> = player_view(scenario, model, played)
        .into_iter()
        .filter(|p| p.time >= module.from && p.time < module.to && p.source < module.to)
        .collect();
    if module.kind == ModuleKind::Containment {
        out.extend(inventory_report(scenario, model, played, module.from));
    }
    out
}

/// Whether the inventory lists credential `k` (in use or believed unused): never one it does
/// not know, nor one the attacker creates. What players are ever shown of the inventory.
pub fn inventory_lists(scenario: &Scenario, k: usize) -> bool {
    let c = &scenario.credentials[k];
    !c.created && c.inventory != InventoryStatus::Unknown
}

/// The inventory's listing as players see it: the credential text and its status.
pub fn inventory_entry(scenario: &Scenario, k: usize) -> String {
    let status = match scenario.credentials[k].inventory {
        InventoryStatus::BelievedUnused => "listed, believed unused",
        _ => "listed, in use",
    };
    format!("{} [{status}]", credential_text(scenario, k))
}

/// What the inventory report at `at` is about: the credential triage worked on last by then
/// (the alerted one), and the credentials linked to it that the inventory lists, in index
/// order. The capture sheet's `credentials` column is exactly this list.
pub fn inventory_listing(
    scenario: &Scenario,
    trace: &[TraceEvent],
    at: u64,
) -> Option<(usize, Vec<usize>)> {
    let alerted = trace
        .iter()
        .filter(|e| e.time <= at && e.activity == Some(Activity::Triage) && e.what == "started")
        .filter_map(|e| e.task.and_then(|t| t.credential))
        .next_back()?;
    let mut ks = vec![alerted];
    ks.extend(scenario.links[alerted].iter().copied());
    ks.sort_unstable();
    ks.dedup();
    ks.retain(|&k| inventory_lists(scenario, k));
    Some((alerted, ks))
}

/// The inventory's view at `at` of the credential the incident was declared on and those
/// linked to it, for the R and A of the containment decision.
fn inventory_report(
    scenario: &Scenario,
    model: &Model,
    played: &Played,
    at: u64,
) -> Option<PlayerInject> {
    let (alerted, ks) = inventory_listing(scenario, &played.trace, at)?;
    let listed: Vec<String> = ks.iter().map(|&k| inventory_entry(scenario, k)).collect();
    let row = model.row(
        Activity::ApproveContainment,
        scenario.credentials[alerted].kind,
    );
    let mut to: Vec<usize> = row.r.iter().chain(&row.a).copied().collect();
    to.sort_unstable();
    to.dedup();
    let text = if listed.is_empty() {
        format!(
            "The inventory lists nothing linked to the alerted {}.",
            credential_text(scenario, alerted)
        )
    } else {
        format!(
            "The inventory lists these credentials linked to the alerted one (same identity, parent or child): {}.",
            listed.join("; ")
        )
    };
    Some(PlayerInject {
        time: at,
        source: at,
        form: Form::InventoryReport,
        to,
        text,
    })
}

struct View<'a> {
    scenario: &'a Scenario,
    model: &'a Model,
    trace: &'a [TraceEvent],
    /// Task id -> its activity, from the task's start.
    activity_of: BTreeMap<u32, Activity>,
    /// Detect and intake tasks already matched to an alert or report.
    claimed: BTreeSet<u32>,
    /// Teams that have received an inject.
    reached: BTreeSet<usize>,
    /// The credentials alerts and reports named, and when, in trace order.
    alerted: Vec<(u64, usize)>,
    out: Vec<PlayerInject>,
}

impl<'a> View<'a> {
    fn push(&mut self, time: u64, form: Form, mut to: Vec<usize>, text: String) {
        to.sort_unstable();
        to.dedup();
        if to.is_empty() {
            return;
        }
        self.reached.extend(to.iter().copied());
        self.out.push(PlayerInject {
            time,
            source: time,
            form,
            to,
            text,
        });
    }

    fn last_alert_at(&self, t: u64) -> bool {
        self.out
            .iter()
            .any(|p| p.time == t && p.form == Form::Alert)
    }

    /// The task of `activity` created at `t` (its start, whenever that came), not yet matched.
    fn task_created_at(&mut self, activity: Activity, t: u64) -> Option<&'a TraceEvent> {
        let e = self.trace.iter().find(|e| {
            e.activity == Some(activity)
                && e.what == "started"
                && e.time - e.wait == t
                && e.task.is_some_and(|k| !self.claimed.contains(&k.id))
        })?;
        self.claimed.insert(e.task.expect("filtered on a task").id);
        Some(e)
    }

    /// The credential an inject at `t` is about: the task's own, or else the one the latest
    /// alert or report by then named (the first one, before any).
    fn about(&self, task: Option<usize>, t: u64) -> Option<usize> {
        task.or_else(|| {
            let by_then = self.alerted.iter().rev().find(|&&(at, _)| at <= t);
            by_then.or(self.alerted.first()).map(|&(_, k)| k)
        })
    }

    /// " PREP CREDENTIAL" for an inject about `k`, or nothing.
    fn on(&self, prep: &str, k: Option<usize>) -> String {
        k.map_or(String::new(), |k| {
            format!(" {prep} {}", credential_text(self.scenario, k))
        })
    }

    /// The page an off-shift team's on-call received for the task `e` started, if any, about
    /// credential `k`.
    fn page(&mut self, e: &TraceEvent, what: &str, k: Option<usize>) {
        let paging = e.waits[WaitCause::Paging.index()];
        let Some(team) = e.team.filter(|_| paging > 0) else {
            return;
        };
        let at = e.time - paging;
        let text = format!(
            "{}'s on-call is paged: {what}{}.",
            self.model.teams[team].id,
            self.on("on", k)
        );
        self.push(at, Form::Page, vec![team], text);
    }

    fn alert(&mut self, i: usize, stage: Option<usize>) {
        let e = &self.trace[i];
        let (sc, model) = (self.scenario, self.model);
        let signal = stage.and_then(|s| {
            sc.stages[s]
                .signals
                .iter()
                .find(|g| e.what == format!("signal {} ({}) in {}", g.kind, g.severity, g.plane))
        });
        let Some(signal) = signal else {
            return;
        };
        let detect = self.task_created_at(Activity::Detect, e.time);
        let cred = detect
            .and_then(|d| d.task.and_then(|t| t.credential))
            .unwrap_or(signal.credential);
        let mut to: Vec<usize> = detect.and_then(|d| d.team).into_iter().collect();
        for row in model.detect.iter().filter(|r| r.covers(signal.kind)) {
            to.extend(
                row.r
                    .iter()
                    .filter(|&&t| model.teams[t].telemetry[signal.plane.index()] >= 1.0),
            );
        }
        let text = format!(
            "{} alert (severity {}) from {} telemetry, pointing at {}.",
            signal.kind,
            signal.severity,
            signal.plane,
            credential_text(sc, cred)
        );
        self.push(e.time, Form::Alert, to, text);
        self.alerted.push((e.time, cred));
        if let Some(d) = detect {
            self.page(d, &format!("{} alert", signal.kind), Some(cred));
        }
    }

    fn report(&mut self, i: usize) {
        let e = &self.trace[i];
        let (sc, model) = (self.scenario, self.model);
        let Some(source) = ReportSource::ALL
            .iter()
            .copied()
            .find(|s| e.what == format!("external report ({s}) arrives"))
        else {
            return;
        };
        let intake = self.task_created_at(Activity::Intake, e.time);
        let def = |k: Option<usize>| {
            sc.stages
                .iter()
                .flat_map(|s| &s.reports)
                .find(|r| r.source == source && k.is_none_or(|k| r.credential == k))
        };
        let cred = intake.and_then(|d| d.task.and_then(|t| t.credential));
        let Some(cred) = cred.or_else(|| def(None).map(|r| r.credential)) else {
            return;
        };
        let mut to: Vec<usize> = intake.and_then(|d| d.team).into_iter().collect();
        for row in model.intake.iter().filter(|r| r.covers(source)) {
            if row.r.len() == 1 || model.policy.diffusion >= 1.0 {
                to.extend(row.r.iter().copied());
            }
        }
        let severity = def(Some(cred)).map_or(String::new(), |r| {
            format!(" The reporter rates it {}.", r.severity)
        });
        let who = source.name().replace('_', " ");
        let text = format!(
            "A {who} reports suspicious use of {}.{severity}",
            credential_text(sc, cred)
        );
        self.push(e.time, Form::of_report(source), to, text);
        self.alerted.push((e.time, cred));
        if let Some(d) = intake {
            self.page(d, &format!("a {who} report"), Some(cred));
        }
    }

    fn severity(&mut self, t: u64, severity: &str) {
        let to: Vec<usize> = self.reached.iter().copied().collect();
        let text = format!(
            "Severity update: the incident{} is now rated {severity}.",
            self.on("on", self.about(None, t))
        );
        self.push(t, Form::Alert, to, text);
    }

    fn consult(&mut self, e: &TraceEvent) {
        let Some((task, team)) = e.task.zip(e.team) else {
            return;
        };
        let parent = task.parent.and_then(|p| self.activity_of.get(&p).copied());
        let Some(parent) = parent.filter(|a| {
            !matches!(
                a,
                Activity::Revoke | Activity::RotateAll | Activity::CaptureEvidence
            )
        }) else {
            return;
        };
        let k = self.about(task.credential, e.time - e.wait);
        let text = format!(
            "Consult request: your input is asked for {}{}.",
            phrase(parent),
            self.on("on", k)
        );
        self.push(e.time - e.wait, Form::Ticket, vec![team], text);
        self.page(e, &format!("consult request for {}", phrase(parent)), k);
    }

    /// A request for the work that informs the containment decision (validating the
    /// entitlement, confirming with the business) reaching its team.
    fn request(&mut self, e: &TraceEvent) {
        let Some((a, team)) = e.activity.zip(e.team) else {
            return;
        };
        if !matches!(a, Activity::ValidateEntitlement | Activity::ConfirmBusiness) {
            return;
        }
        let k = self.about(e.task.and_then(|t| t.credential), e.time - e.wait);
        let ask = match a {
            Activity::ValidateEntitlement => "validate that the access involved is entitled",
            _ => "confirm with the business what the credentials involved are used for",
        };
        let text = format!(
            "Request: {ask}{}, before containment is decided.",
            self.on("for", k)
        );
        self.push(e.time - e.wait, Form::Ticket, vec![team], text);
        self.page(e, &format!("request for {}", phrase(a)), k);
    }
}

/// How players hear of an activity they are asked about.
fn phrase(a: Activity) -> &'static str {
    match a {
        Activity::Triage => "triage of the alert",
        Activity::Scope => "scoping (which credentials are involved)",
        Activity::ValidateEntitlement => "validating that the access involved is entitled",
        Activity::ConfirmBusiness => {
            "confirming with the business what the credentials involved are used for"
        }
        Activity::ApproveContainment => "the containment decision",
        Activity::Verify => {
            "verification (that no credential anyone who should not have access could use is left)"
        }
        Activity::Close => "the decision to end the incident",
        _ => "the incident",
    }
}

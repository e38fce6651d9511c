//! The Situation Manual (CTEP's SitMan), for every player: the background, the ground rules,
//! the participants, and per module a short neutral premise and the injects as the players see
//! them at that time (`player`); and the per-team handouts (`handouts`).
//!
//! Nothing here says what the model did: no waits, no outcomes, no events after a module's
//! decision point (`tests/tabletop_spoilers.rs` checks every file under `participants/`).

use super::blocks::Block;
use super::handouts::{handout_files, inject_rows, words};
use super::injects::wall_clock;
use super::player::{inventory_lists, module_injects, PlayerInject};
use super::{document, layout, Exercise, ModuleKind};
use crate::domain::{InventoryStatus, DAY};
use crate::input::{Coverage, Model};

/// Where the Situation Manual is, in the pack (a stem: `.md`, `.html`, ...).
pub const SITUATION_MANUAL: &str = "participants/situation-manual";

/// The participant files: the Situation Manual and one handout per team.
pub(super) fn files(ex: &Exercise) -> Vec<(String, Vec<u8>)> {
    let shown: Vec<Vec<PlayerInject>> = ex
        .modules
        .iter()
        .map(|m| module_injects(ex.scenario, ex.model, ex.played, m))
        .collect();
    // Module 1 ends on a triage decision, which needs an alert or a report a team received.
    debug_assert!(
        shown.first().is_none_or(|s| !s.is_empty()),
        "module 1 has no player-visible inject"
    );
    debug_assert!(SITUATION_MANUAL.starts_with(layout::PARTICIPANTS));
    let title = format!("Situation Manual: {}", ex.scenario.name);
    let mut files = document(SITUATION_MANUAL, &title, &manual(ex, &shown), &[]);
    files.extend(handout_files(ex, &shown));
    files
}

/// The Situation Manual's blocks.
fn manual(ex: &Exercise, shown: &[Vec<PlayerInject>]) -> Vec<Block> {
    let model = ex.model;
    let mut blocks = background(ex);
    blocks.push(Block::Heading("Ground rules".into()));
    blocks.push(Block::Bullets(ground_rules()));
    blocks.push(Block::Heading("Participants".into()));
    blocks.push(Block::Para(format!(
        "The teams of the organisation (\"{}\"), each played by its own people:",
        model.name
    )));
    blocks.push(Block::table(
        ["team", "people on shift", "hours"],
        model
            .teams
            .iter()
            .map(|t| vec![t.id.clone(), t.staff.to_string(), hours(model, t)])
            .collect(),
    ));
    for (i, (m, injects)) in ex.modules.iter().zip(shown).enumerate() {
        blocks.push(Block::Heading(format!(
            "Module {}: {}",
            i + 1,
            m.kind.title()
        )));
        blocks.push(Block::Para(premise(m.kind).into()));
        blocks.push(if injects.is_empty() {
            Block::Para("No new inject reaches the room in this module.".into())
        } else {
            Block::table(
                ["T+", "day and time", "form", "to", "what the players see"],
                inject_rows(ex, injects),
            )
        });
        blocks.push(Block::Para(format!("For the room: {}", question(m.kind))));
    }
    blocks
}

/// The background, neutral and player-safe: the organisation's identities and the credentials
/// the inventory lists for them (never one it does not know nor one an attacker creates), and
/// when the exercise clock starts. Never the scenario's summary or its sources (the
/// facilitator's handbook has them): they say what happens and whether it is an attack.
fn background(ex: &Exercise) -> Vec<Block> {
    let sc = ex.scenario;
    let rows: Vec<Vec<String>> = (0..sc.credentials.len())
        .filter(|&k| inventory_lists(sc, k))
        .map(|k| {
            let c = &sc.credentials[k];
            let id = &sc.identities[c.identity];
            let status = match c.inventory {
                InventoryStatus::BelievedUnused => "believed unused",
                _ => "in use",
            };
            vec![
                id.id.clone(),
                id.kind.name().replace('_', " "),
                c.id.clone(),
                c.kind.name().into(),
                c.plane.name().into(),
                status.into(),
            ]
        })
        .collect();
    let mut blocks = vec![Block::Heading("Background".into())];
    blocks.push(if rows.is_empty() {
        Block::Para("The organisation's inventory lists no credentials in scope.".into())
    } else {
        Block::Para(
            "The exercise is about the organisation's non-human identities and their credentials. In scope, as the organisation's inventory lists them:".into(),
        )
    });
    if !rows.is_empty() {
        blocks.push(Block::table(
            [
                "identity",
                "identity kind",
                "credential",
                "kind",
                "plane",
                "inventory",
            ],
            rows,
        ));
    }
    blocks.push(Block::Para(format!(
        "The exercise clock starts at T+00:00, {}. Every inject below gives the exercise clock and the day and time it happens.",
        wall_clock(ex.played.metrics.start_in_week, 0)
    )));
    blocks
}

/// CTEP's ground rules for a discussion-based exercise (the handbook lists the same).
pub(super) fn ground_rules() -> Vec<String> {
    [
        "This is a no-fault, open, low-stress environment: the exercise tests the plan and the ownership model, not the people.",
        "Respond as your organisation would today, with the people, tools and authority you have now, not as the plan says you should.",
        "Decide on what you know at the time: each module tells you what has reached you so far, and nothing more.",
        "The facilitator controls the clock: time may jump between modules, and injects arrive when the facilitator reads them.",
        "Speak for your own team; if you would ask another team, ask them in the room and say how you would reach them (ticket, call, page).",
        "Assume the scenario is plausible; do not fight it. If something seems unrealistic, note it for the hot wash.",
        "Decisions are not precedents: they are made to explore the plan, not to bind anyone.",
        "The room's decisions are recorded on the decision capture sheet (who acted, when, what was chosen).",
    ]
    .map(String::from)
    .to_vec()
}

/// A team's hours, in words for the participants table.
fn hours(model: &Model, t: &crate::input::Team) -> String {
    let zone = super::handouts::zone(t.utc_offset);
    match t.coverage {
        Coverage::AlwaysOn => "around the clock".into(),
        Coverage::BusinessHours {
            start,
            end,
            days,
            on_call,
        } => {
            let clock = |s: u64| format!("{:02}:{:02}", s / 3600, s % 3600 / 60);
            let on_call = on_call.map_or("no on-call".into(), |oc| {
                format!(
                    "on call outside them for {} severity and above (answers a page within {})",
                    oc.min_severity,
                    words(oc.page_latency)
                )
            });
            let dated = if model.holidays.is_empty() {
                ""
            } else {
                ", not on holidays"
            };
            let days = super::handouts::day_names(days);
            format!(
                "{}-{} {zone}, {days}{dated}; {on_call}",
                clock(start),
                clock(end % DAY)
            )
        }
    }
}

/// A module's premise: neutral, saying where the exercise is, never what the model did.
fn premise(kind: ModuleKind) -> &'static str {
    match kind {
        ModuleKind::FirstSignal => {
            "It is an ordinary working period. Something reaches your teams: an alert, a report from outside, or both. Nobody yet knows whether it is an incident."
        }
        ModuleKind::ScopingAndEscalation => {
            "The room has made its first call on what reached it. Time moves on: more may arrive, teams may be asked for input, and people off shift may be needed."
        }
        ModuleKind::Containment => {
            "Containment has to be decided now: whether to act, on which credentials, and who has the authority to say so. The inventory's view of the credentials involved is in front of you."
        }
        ModuleKind::VerificationAndClosure => {
            "The room's containment decision is being carried out. Before the incident can end, someone has to check that nothing anyone who should not have access could use is left, and someone has to decide that it is over."
        }
    }
}

/// What the room discusses at the end of a module (neutral: no answer implied).
fn question(kind: ModuleKind) -> &'static str {
    match kind {
        ModuleKind::FirstSignal => {
            "Who looks at this first, what do they check, and who decides whether it is an incident?"
        }
        ModuleKind::ScopingAndEscalation => {
            "Who works out which credentials are involved, whom do you page or tell, and who has to agree before anything is switched off?"
        }
        ModuleKind::Containment => {
            "Do you contain now or hold, which credentials do you revoke, and who signs it off?"
        }
        ModuleKind::VerificationAndClosure => {
            "How do you check that every credential anyone who should not have access could use no longer works, and who decides the incident can end?"
        }
    }
}

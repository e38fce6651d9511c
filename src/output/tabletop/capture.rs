//! The decision capture sheet (`facilitator/decision-capture.csv` and `.ron`) and what
//! `raci-sim tabletop replay` reads back (`replay/pack.ron` and copies of the scenario and
//! model as loaded).
//!
//! The sheet has one row per decision point the modules end on (triage, containment, close:
//! at most three), its points filled in (`point`, `module`, `decision`, `occurrence`,
//! `needed_at`, `options`, `credentials`) and the room's columns blank (`team`, `decided_at`,
//! `choice`, `revoke`, `notes`). `input::decisions` reads it back.

use std::fmt::Write as _;

use super::player::inventory_listing;
use super::{layout, DecisionPoint, Exercise, Module, Pick};
use crate::domain::duration::format_offset;
use crate::domain::Activity;
use crate::engine::room::needed_times;
use crate::engine::TraceEvent;
use crate::input::decisions::{CapturePoint, SheetDecision, PACK_VERSION};
use crate::input::Scenario;
use crate::output::escape::{csv_text, visible};

/// The sheet's columns, in order.
pub const COLUMNS: [&str; 12] = [
    "point",
    "module",
    "decision",
    "occurrence",
    "needed_at",
    "options",
    "credentials",
    "team",
    "decided_at",
    "choice",
    "revoke",
    "notes",
];

/// The decision points of the sheet: the point each module ends on, in module order, named
/// D1, D2, ... Each is placed where a replay finds it (`engine::room::needed_times`): the
/// n-th time its decision was needed in the run, and when. For triage and close that is when
/// the module's decision became ready; for containment it is when the approval path began
/// (validation and business confirmation ready, the emergency approval requested), which is
/// the moment the room can first approve.
pub fn points(
    scenario: &Scenario,
    trace: &[TraceEvent],
    decisions: &[DecisionPoint],
    modules: &[Module],
) -> Vec<CapturePoint> {
    let needed = needed_times(trace);
    let mut out = Vec::new();
    for (m, module) in modules.iter().enumerate() {
        let Some(i) = module.decision else { continue };
        let d = &decisions[i];
        let decision = match d.activity {
            Activity::Triage => SheetDecision::Triage,
            Activity::ApproveContainment => SheetDecision::Containment,
            Activity::Close => SheetDecision::Close,
            _ => continue,
        };
        let Some(&(_, occurrence, at)) = needed
            .iter()
            .rev()
            .find(|(a, _, t)| *a == d.activity && *t <= d.needed)
        else {
            continue;
        };
        let credentials = if decision == SheetDecision::Containment {
            listed_credentials(scenario, trace, module.from)
        } else {
            Vec::new()
        };
        out.push(CapturePoint {
            point: format!("D{}", out.len() + 1),
            module: format!("{}. {}", m + 1, module.kind.title()),
            decision,
            occurrence,
            needed: at,
            credentials,
        });
    }
    out
}

/// The credential ids the players' inventory report at `at` lists (`player::inventory_listing`):
/// the alerted credential and those linked to it that the inventory knows, never a credential
/// it does not list nor one the attacker creates.
fn listed_credentials(scenario: &Scenario, trace: &[TraceEvent], at: u64) -> Vec<String> {
    inventory_listing(scenario, trace, at).map_or(Vec::new(), |(_, ks)| {
        ks.into_iter()
            .map(|k| scenario.credentials[k].id.clone())
            .collect()
    })
}

/// The sheet (CSV and RON) and the replay inputs.
pub(super) fn files(ex: &Exercise) -> Vec<(String, Vec<u8>)> {
    let points = points(ex.scenario, &ex.played.trace, &ex.decisions, &ex.modules);
    let f = layout::FACILITATOR;
    let r = layout::REPLAY;
    vec![
        (format!("{f}/decision-capture.csv"), sheet_csv(&points)),
        (
            format!("{f}/decision-capture.ron"),
            sheet_ron(ex, &points).into_bytes(),
        ),
        (format!("{r}/pack.ron"), pack_ron(ex).into_bytes()),
        (
            format!("{r}/scenario.ron"),
            ex.scenario_text.as_bytes().to_vec(),
        ),
        (
            format!("{r}/model.ron"),
            ex.model_text.1.as_bytes().to_vec(),
        ),
    ]
}

fn sheet_csv(points: &[CapturePoint]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let _ = w.write_record(COLUMNS);
    for p in points {
        let options = p.decision.options_text();
        let needed = format_offset(p.needed);
        let occurrence = p.occurrence.to_string();
        let credentials = csv_text(&p.credentials.join(" "));
        let _ = w.write_record([
            p.point.as_str(),
            &p.module,
            p.decision.name(),
            &occurrence,
            &needed,
            &options,
            &credentials,
            "",
            "",
            "",
            "",
            "",
        ]);
    }
    w.into_inner().unwrap_or_default()
}

/// A RON string literal.
fn ron_str(s: &str) -> String {
    ron::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn sheet_ron(ex: &Exercise, points: &[CapturePoint]) -> String {
    let teams: Vec<&str> = ex.model.teams.iter().map(|t| t.id.as_str()).collect();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "// Decision capture sheet: {} under {}.\n\
         // Fill in what the room decided at each point: team (who acted), decided_at (T+hh:mm,\n\
         // not before needed_at), choice (one of options), revoke (containment approved only:\n\
         // credential ids), notes. A row with a blank choice keeps the model's decision.\n\
         // Then: raci-sim tabletop replay <this pack> --decisions <this file>\n\
         // Teams: {}",
        visible(&ex.scenario.name).replace('\n', " "),
        visible(&ex.model.name).replace('\n', " "),
        visible(&teams.join(", ")).replace('\n', " ")
    );
    o.push_str("[\n");
    for p in points {
        let credentials: Vec<String> = p.credentials.iter().map(|c| ron_str(c)).collect();
        let _ = writeln!(
            o,
            "    (\n        point: {},\n        module: {},\n        decision: {},\n        occurrence: {},\n        needed_at: {},\n        options: {},\n        credentials: [{}],\n        team: \"\",\n        decided_at: \"\",\n        choice: \"\",\n        revoke: [],\n        notes: \"\",\n    ),",
            ron_str(&p.point),
            ron_str(&p.module),
            ron_str(p.decision.name()),
            p.occurrence,
            ron_str(&format_offset(p.needed)),
            ron_str(&p.decision.options_text()),
            credentials.join(", "),
        );
    }
    o.push_str("]\n");
    o
}

/// The pick as `--pick` takes it.
fn pick_arg(pick: Pick) -> String {
    match pick {
        Pick::Run(i) => format!("run:{i}"),
        other => other.name(),
    }
}

fn pack_ron(ex: &Exercise) -> String {
    format!(
        "// What `raci-sim tabletop replay` reads: the run this pack was made from and the\n\
         // inputs as loaded (scenario.ron, model.ron next to this file).\n\
         (\n    version: {PACK_VERSION},\n    scenario: {},\n    model: {},\n    seed: {},\n    run: {},\n    runs: {},\n    pick: {},\n    scenario_file: \"scenario.ron\",\n    model_file: \"model.ron\",\n)\n",
        ron_str(&ex.scenario.name),
        ron_str(&ex.model.name),
        ex.seed,
        ex.played.metrics.run,
        ex.runs,
        ron_str(&pick_arg(ex.pick)),
    )
}

//! A matrix read from a sheet becomes a model file: its letters as the RACI rows, and for
//! everything a RACI matrix does not say a documented default, each named as an assumption
//! (docs/spreadsheets.md, "Defaults").

use std::collections::{BTreeMap, BTreeSet};

use super::matrix::Matrix;
use super::names::{RowKey, SINGLE};
use crate::domain::duration::{ClockTime, Duration};
use crate::domain::{CredentialKind, Plane, Severity, Weekday};
use crate::input::file::{
    CoverageFile, DetectRowFile, EffortFile, IntakeRowFile, ModelFile, OnCallFile, PolicyFile,
    RaciFile, RowFile, TeamFile,
};

/// Staff of every imported team.
pub const DEFAULT_STAFF: u32 = 1;
/// Inventory accuracy on every plane of a team that holds an R that needs to see credentials.
pub const DEFAULT_VISIBILITY: f64 = 0.8;
/// Page latency of the on-call rota of a business-hours team.
pub const DEFAULT_PAGE_LATENCY: u64 = 30 * 60;

/// A model read from a sheet, with what was assumed and what to warn about.
#[derive(Clone, Debug)]
pub struct Imported {
    pub model: ModelFile,
    /// Comment lines for the top of the model file.
    pub header: Vec<String>,
    /// Team id -> the comment naming its assumed values.
    pub team_notes: BTreeMap<String, String>,
    pub policy_note: String,
    /// Said on the terminal (and in the header): rows missing, rows with no R.
    pub warnings: Vec<String>,
}

/// Rows whose R team works with credentials or signals, so needs visibility.
fn needs_visibility(key: &RowKey) -> bool {
    match key {
        RowKey::Detect(_) | RowKey::Revoke(_) | RowKey::RotateAll => true,
        RowKey::Single(n) => matches!(
            *n,
            "scope" | "validate_entitlement" | "verify" | "capture_evidence"
        ),
        RowKey::Intake(_) => false,
    }
}

/// The model of `m`: `name`, read from `source` (the file and sheet, for the header).
pub fn build(m: &Matrix, name: &str, source: &str) -> Imported {
    let ids: Vec<String> = m.teams.iter().map(|t| t.id.clone()).collect();
    let raci = raci(m, &ids);
    let mut watchers = BTreeSet::new();
    let mut monitors = BTreeSet::new();
    for row in &m.rows {
        for &(t, l) in &row.cells {
            if l.r && needs_visibility(&row.key) {
                watchers.insert(t);
            }
            if l.r && matches!(row.key, RowKey::Detect(_)) {
                monitors.insert(t);
            }
        }
    }
    let mut team_notes = BTreeMap::new();
    let teams = m
        .teams
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let (team, note) = team(&t.id, monitors.contains(&i), watchers.contains(&i));
            team_notes.insert(t.id.clone(), format!("\"{}\": {note}", t.header));
            team
        })
        .collect();
    let model = ModelFile {
        name: name.to_string(),
        summary: format!("imported by raci-sim import from {source}"),
        sources: vec![source.to_string()],
        teams,
        raci,
        policy: PolicyFile::default(),
        effort: EffortFile::default(),
        holidays: Vec::new(),
    };
    let warnings = warnings(m, &model.raci);
    let mut header = vec![
        format!(
            "Imported by raci-sim import from {source} (header row at {}).",
            m.header
        ),
        "The RACI rows are the spreadsheet's; everything else (staff, hours, visibility, \
         policy, effort) is a default of raci-sim import marked [assumption]: see \
         docs/spreadsheets.md, \"Defaults\", and set your real values."
            .to_string(),
    ];
    for s in &m.skipped {
        header.push(format!("Skipped row {s}."));
    }
    for w in &warnings {
        header.push(format!("Warning: {w}"));
    }
    Imported {
        model,
        header,
        team_notes,
        policy_note: "[assumption] policy: the file format's defaults (docs/file-formats.md); \
                      no escalation and no emergency containment, which a RACI matrix does not \
                      say"
        .into(),
        warnings,
    }
}

fn team(id: &str, monitors: bool, watches: bool) -> (TeamFile, String) {
    let coverage = if monitors {
        CoverageFile::AlwaysOn
    } else {
        CoverageFile::BusinessHours {
            start: ClockTime(9 * 3600),
            end: ClockTime(17 * 3600),
            days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            on_call: Some(OnCallFile {
                page_latency: Duration(DEFAULT_PAGE_LATENCY),
                min_severity: Severity::High,
            }),
        }
    };
    let visibility: BTreeMap<Plane, f64> = if watches {
        Plane::ALL
            .iter()
            .map(|&p| (p, DEFAULT_VISIBILITY))
            .collect()
    } else {
        BTreeMap::new()
    };
    let hours = if monitors {
        "always on (R on detect)"
    } else {
        "business hours Mon-Fri 09:00-17:00 UTC, on call paged at High within 30m"
    };
    let sees = if watches {
        "visibility 0.8 on every plane (R on a row that needs it)"
    } else {
        "no visibility (R on no row that needs it)"
    };
    let note = format!("[assumption] staff {DEFAULT_STAFF}, {hours}, {sees}, no background load");
    let team = TeamFile {
        id: id.to_string(),
        staff: DEFAULT_STAFF,
        coverage,
        utc_offset_hours: 0,
        background: None,
        visibility,
        revoke_effort: BTreeMap::new(),
        telemetry: None,
    };
    (team, note)
}

fn row_of(cells: &[(usize, super::names::Letters)], ids: &[String]) -> RowFile {
    let mut row = RowFile::default();
    for &(t, l) in cells {
        for (on, list) in [
            (l.r, &mut row.r),
            (l.a, &mut row.a),
            (l.c, &mut row.c),
            (l.i, &mut row.i),
        ] {
            if on {
                list.push(ids[t].clone());
            }
        }
    }
    row
}

fn raci(m: &Matrix, ids: &[String]) -> RaciFile {
    let mut raci = RaciFile {
        detect: Vec::new(),
        triage: RowFile::default(),
        scope: RowFile::default(),
        validate_entitlement: RowFile::default(),
        confirm_business: RowFile::default(),
        approve_containment: RowFile::default(),
        revoke: BTreeMap::new(),
        verify: RowFile::default(),
        capture_evidence: RowFile::default(),
        close: RowFile::default(),
        rotate_all: None,
        intake: Vec::new(),
    };
    let mut every_kind = None;
    for row in &m.rows {
        let r = row_of(&row.cells, ids);
        match &row.key {
            RowKey::Detect(signals) => raci.detect.push(DetectRowFile {
                signals: signals.clone(),
                r: r.r,
                i: r.i,
            }),
            RowKey::Intake(sources) => raci.intake.push(IntakeRowFile {
                sources: sources.clone(),
                r: r.r,
                i: r.i,
            }),
            RowKey::Single(n) => *single(&mut raci, n) = r,
            RowKey::Revoke(kinds) if kinds.is_empty() => every_kind = Some(r),
            RowKey::Revoke(kinds) => {
                for k in kinds {
                    raci.revoke.insert(*k, r.clone());
                }
            }
            RowKey::RotateAll => raci.rotate_all = Some(r),
        }
    }
    if let Some(r) = every_kind {
        for &k in CredentialKind::ALL {
            raci.revoke.entry(k).or_insert_with(|| r.clone());
        }
    }
    raci
}

fn single<'a>(raci: &'a mut RaciFile, name: &str) -> &'a mut RowFile {
    match name {
        "triage" => &mut raci.triage,
        "scope" => &mut raci.scope,
        "validate_entitlement" => &mut raci.validate_entitlement,
        "confirm_business" => &mut raci.confirm_business,
        "approve_containment" => &mut raci.approve_containment,
        "verify" => &mut raci.verify,
        "capture_evidence" => &mut raci.capture_evidence,
        _ => &mut raci.close,
    }
}

/// Rows the sheet does not give (left with nobody) and rows given with no R.
fn warnings(m: &Matrix, raci: &RaciFile) -> Vec<String> {
    let mut missing: Vec<&str> = Vec::new();
    if !m.rows.iter().any(|r| matches!(r.key, RowKey::Detect(_))) {
        missing.push("detect");
    }
    for n in SINGLE {
        if !m.rows.iter().any(|r| r.key == RowKey::Single(n)) {
            missing.push(n);
        }
    }
    if raci.revoke.is_empty() {
        missing.push("revoke");
    }
    let mut out = Vec::new();
    if !missing.is_empty() {
        out.push(format!(
            "not in the sheet, so nobody owns them: {} (`raci-sim lint` shows what that costs)",
            missing.join(", ")
        ));
    }
    let no_r: Vec<String> = m
        .rows
        .iter()
        .filter(|r| !r.cells.iter().any(|(_, l)| l.r))
        .map(|r| format!("{} ({})", r.key.name(), r.address))
        .collect();
    if !no_r.is_empty() {
        out.push(format!(
            "no R on {}: nobody does the work (`raci-sim lint` explains the gap)",
            no_r.join(", ")
        ));
    }
    out
}

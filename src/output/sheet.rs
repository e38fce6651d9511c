//! A model's RACI matrix as a spreadsheet (`raci-sim export`): activities down the first
//! column (one row per revoke kind, per detect row and per intake row), teams across the header
//! row, cells `A/R`, `R`, `A`, `C`, `I`. CSV or .xlsx, byte for byte the same for the same
//! model. `raci-sim import` reads both back to the same matrix. Also the text of an imported
//! model (`model_text`).

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use super::escape::csv_text;
use super::model_ron::{model_ron, Notes};
use crate::input::file::{ModelFile, RowFile};
use crate::input::sheet::names::{Letters, RowKey, SINGLE};
use crate::input::sheet::Imported;

/// The matrix of a model: team ids, then each row's name and one cell per team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetMatrix {
    pub teams: Vec<String>,
    pub rows: Vec<(String, Vec<String>)>,
}

/// The header cell over the activity column.
pub const CORNER: &str = "activity";
/// The worksheet's name in an exported workbook.
pub const SHEET_NAME: &str = "RACI";

fn cells(teams: &[String], r: &[String], a: &[String], c: &[String], i: &[String]) -> Vec<String> {
    teams
        .iter()
        .map(|t| {
            Letters {
                r: r.contains(t),
                a: a.contains(t),
                c: c.contains(t),
                i: i.contains(t),
            }
            .text()
        })
        .collect()
}

fn row_cells(teams: &[String], r: &RowFile) -> Vec<String> {
    cells(teams, &r.r, &r.a, &r.c, &r.i)
}

/// The model's matrix, rows in the model file's order.
pub fn matrix(m: &ModelFile) -> SheetMatrix {
    let teams: Vec<String> = m.teams.iter().map(|t| t.id.clone()).collect();
    let raci = &m.raci;
    let mut rows = Vec::new();
    for d in &raci.detect {
        let name = RowKey::Detect(d.signals.clone()).name();
        rows.push((name, cells(&teams, &d.r, &[], &[], &d.i)));
    }
    for d in &raci.intake {
        let name = RowKey::Intake(d.sources.clone()).name();
        rows.push((name, cells(&teams, &d.r, &[], &[], &d.i)));
    }
    let single = |n: &str| match n {
        "triage" => &raci.triage,
        "scope" => &raci.scope,
        "validate_entitlement" => &raci.validate_entitlement,
        "confirm_business" => &raci.confirm_business,
        "approve_containment" => &raci.approve_containment,
        "verify" => &raci.verify,
        "capture_evidence" => &raci.capture_evidence,
        _ => &raci.close,
    };
    for n in &SINGLE[..5] {
        rows.push((n.to_string(), row_cells(&teams, single(n))));
    }
    for (kind, r) in &raci.revoke {
        rows.push((RowKey::Revoke(vec![*kind]).name(), row_cells(&teams, r)));
    }
    for n in &SINGLE[5..] {
        rows.push((n.to_string(), row_cells(&teams, single(n))));
    }
    if let Some(r) = &raci.rotate_all {
        rows.push(("rotate_all".into(), row_cells(&teams, r)));
    }
    SheetMatrix { teams, rows }
}

/// The matrix as CSV (RFC 4180, `\n` line ends; text a spreadsheet would run as a formula
/// gets a leading apostrophe, which `import` takes off).
pub fn csv(m: &SheetMatrix) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = std::iter::once(CORNER.to_string()).chain(m.teams.iter().map(|t| csv_text(t)));
    // Writing to a Vec cannot fail.
    let _ = w.write_record(header.collect::<Vec<_>>());
    for (name, cells) in &m.rows {
        let record = std::iter::once(csv_text(name)).chain(cells.iter().cloned());
        let _ = w.write_record(record.collect::<Vec<_>>());
    }
    w.into_inner().unwrap_or_default()
}

/// The matrix as an .xlsx workbook of one sheet named [`SHEET_NAME`]: bold header, frozen
/// first row and column, a fixed creation date (2000-01-01) so the bytes are deterministic.
pub fn xlsx(m: &SheetMatrix, title: &str) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("raci-sim export")
            .set_creation_datetime(&date),
    );
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_NAME)?;
    ws.write_string_with_format(0, 0, CORNER, &bold)?;
    for (j, t) in m.teams.iter().enumerate() {
        ws.write_string_with_format(0, j as u16 + 1, t, &bold)?;
        let width = t.chars().count().clamp(6, 40) as f64 + 2.0;
        ws.set_column_width(j as u16 + 1, width)?;
    }
    let widest = m
        .rows
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(8);
    ws.set_column_width(0, widest.clamp(8, 60) as f64 + 2.0)?;
    for (i, (name, cells)) in m.rows.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, name)?;
        for (j, c) in cells.iter().enumerate() {
            if !c.is_empty() {
                ws.write_string(row, j as u16 + 1, c)?;
            }
        }
    }
    ws.set_freeze_panes(1, 1)?;
    wb.save_to_buffer()
}

/// An imported model as RON, with its header and the assumption of every team and the policy
/// as comments.
pub fn model_text(imp: &Imported) -> String {
    let notes = Notes {
        header: imp.header.clone(),
        teams: imp.team_notes.clone(),
        policy: Some(imp.policy_note.clone()),
    };
    model_ron(&imp.model, &notes)
}

//! RACI matrices kept in spreadsheets, read for `raci-sim import`: a CSV file or one worksheet
//! of an .xlsx workbook (`table`), its cells read as a matrix (`matrix`) with spreadsheet
//! names for raci-sim's rows and teams (`names`, and the mapping file: `mapping`), made into a
//! model file with documented defaults for what a matrix does not say (`build`).
//! docs/spreadsheets.md is the user's description; every problem is reported at its cell
//! (`Sheet1!C7`; for CSV also its line and column), at most 20 in full.

pub mod build;
mod mapping;
mod matrix;
pub mod names;
pub mod table;

use std::path::Path;

pub use build::Imported;
pub use mapping::{load_mapping, parse_mapping, Mapping};
pub use matrix::{read_matrix, Matrix};
pub use table::{Table, MAX_XLSX_BYTES};

use crate::input::{read_limited, LoadError, MAX_INPUT_BYTES};

/// Whether `bytes` are a zip archive (an .xlsx workbook) rather than CSV text.
fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Reads the sheet at `path`: an .xlsx workbook (by its content, whatever its name) or CSV.
/// `sheet` picks a worksheet of a workbook (default: the first).
pub fn read_sheet(path: &Path, sheet: Option<&str>) -> Result<Table, LoadError> {
    let bytes = read_limited(path, MAX_XLSX_BYTES)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sheet".into());
    parse_sheet(&path.to_string_lossy(), &file_name, bytes, sheet)
}

/// [`read_sheet`] on bytes already read: `label` names the file in messages, `file_name` is
/// the sheet's name in a CSV file's cell addresses.
pub fn parse_sheet(
    label: &str,
    file_name: &str,
    bytes: Vec<u8>,
    sheet: Option<&str>,
) -> Result<Table, LoadError> {
    let lower = file_name.to_lowercase();
    if is_zip(&bytes) || lower.ends_with(".xlsx") || lower.ends_with(".xlsm") {
        return table::from_xlsx(label, &bytes, sheet);
    }
    let whole = |message: String, help: &str| {
        let mut c = crate::input::check::Collected::new(label);
        let at = crate::input::ronpath::LineCol { line: 1, col: 1 };
        c.push(at, String::new(), &message, Some(help.into()));
        c.finish(()).unwrap_err()
    };
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(whole(
            "an Excel 97-2003 (.xls) workbook, which raci-sim does not read".into(),
            "save it as .xlsx or as .csv",
        ));
    }
    if sheet.is_some() {
        return Err(whole(
            "--sheet picks a worksheet of an .xlsx workbook; this is a CSV file".into(),
            "leave out --sheet",
        ));
    }
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(whole(
            format!(
                "a CSV file of {} bytes, larger than the {MAX_INPUT_BYTES} byte limit",
                bytes.len()
            ),
            "a RACI matrix is a few kilobytes; is this the right file?",
        ));
    }
    table::from_csv(label, file_name, bytes)
}

/// The model of the matrix in `table`: `name` is the model's name.
pub fn import(table: &Table, mapping: &Mapping, name: &str) -> Result<Imported, LoadError> {
    let matrix = read_matrix(table, mapping)?;
    let file = Path::new(&table.label)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| table.label.clone());
    let source = if file == table.sheet {
        file
    } else {
        format!("{file}, sheet \"{}\"", table.sheet)
    };
    Ok(build::build(&matrix, name, &source))
}

/// A model name from a file name: its stem as a team id is made (`Team RACI.xlsx` ->
/// `team-raci`), or `imported`.
pub fn default_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let s: String = names::slug(&stem).chars().take(64).collect();
    if s.is_empty() {
        "imported".into()
    } else {
        s
    }
}

//! A spreadsheet's cells, from CSV text or an .xlsx workbook, each with its address. Both
//! readers are bounded: the file's bytes, what an .xlsx decompresses to, the rows and columns
//! a matrix may span.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx};

use crate::input::check::Collected;
use crate::input::csv;
use crate::input::ronpath::LineCol;
use crate::input::{clip, closest, known_list, utf8_text, LoadError};

/// Most rows (1 to 1000) a matrix may use.
pub const MAX_ROWS: u32 = 1_000;
/// Most columns (A to DX) a matrix may use.
pub const MAX_COLUMNS: u32 = 128;
/// Largest .xlsx file read.
pub const MAX_XLSX_BYTES: u64 = 16 << 20;
/// Most bytes all parts of an .xlsx may decompress to (a zip bomb is refused before parsing).
pub const MAX_UNZIPPED: u64 = 64 << 20;
/// Most parts (files) in an .xlsx archive.
pub const MAX_PARTS: usize = 10_000;

/// What a cell holds: text, or something else (a number, a date, an error value), described.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    Other(String),
}

/// One non-blank cell.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub value: Value,
    /// Where it is in the file: CSV line and column; for .xlsx its row and column number.
    pub at: LineCol,
}

/// The non-blank cells of one sheet.
#[derive(Debug)]
pub struct Table {
    /// The file as named in messages.
    pub label: String,
    /// The sheet's name in cell addresses: the worksheet's name, or the CSV file's name.
    pub sheet: String,
    /// (row, column), both 0-based -> cell.
    pub cells: BTreeMap<(u32, u32), Cell>,
}

impl Table {
    /// `Sheet1!C7`, `'Team RACI'!B2`.
    pub fn address(&self, row: u32, col: u32) -> String {
        address(&self.sheet, row, col)
    }
}

/// A cell address in spreadsheet terms; the sheet name quoted (`'A b'!C7`) when it holds
/// anything but letters, digits, `_` and `.`.
pub fn address(sheet: &str, row: u32, col: u32) -> String {
    let plain = !sheet.is_empty()
        && sheet
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    let sheet = if plain {
        sheet.to_string()
    } else {
        format!("'{}'", sheet.replace('\'', "''"))
    };
    format!("{}!{}{}", clip(&sheet), column_name(col), row + 1)
}

/// `A` for 0, `Z` for 25, `AA` for 26.
pub fn column_name(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        out.push((b'A' + r) as char);
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

fn whole(label: &str, message: String, help: Option<String>) -> LoadError {
    let mut c = Collected::new(label);
    c.push(LineCol { line: 1, col: 1 }, String::new(), &message, help);
    c.finish(()).unwrap_err()
}

/// The cells of CSV `bytes`; `sheet` is the file's name.
pub fn from_csv(label: &str, sheet: &str, bytes: Vec<u8>) -> Result<Table, LoadError> {
    let text = utf8_text(label, bytes)?;
    let limits = csv::Limits {
        fields: MAX_COLUMNS as usize,
        rows: MAX_ROWS as usize,
        what: "a RACI matrix",
    };
    let rows = csv::parse_limited(&text, limits).map_err(|(at, m)| {
        let mut c = Collected::new(label);
        c.push(at, String::new(), &m, None);
        c.finish(()).unwrap_err()
    })?;
    let mut cells = BTreeMap::new();
    for row in rows {
        for (col, f) in row.into_iter().enumerate() {
            let r = f.row.saturating_sub(1);
            if r >= MAX_ROWS as usize {
                return Err(too_far(label, f.at, &address(sheet, r as u32, col as u32)));
            }
            if f.text.trim().is_empty() {
                continue;
            }
            let cell = Cell {
                value: Value::Text(f.text),
                at: f.at,
            };
            cells.insert((r as u32, col as u32), cell);
        }
    }
    Ok(Table {
        label: label.to_string(),
        sheet: sheet.to_string(),
        cells,
    })
}

fn too_far(label: &str, at: LineCol, addr: &str) -> LoadError {
    let mut c = Collected::new(label);
    c.push(
        at,
        addr.to_string(),
        &format!(
            "a cell outside the area a RACI matrix may use ({MAX_ROWS} rows, {MAX_COLUMNS} \
             columns: A1 to {})",
            address("x", MAX_ROWS - 1, MAX_COLUMNS - 1).trim_start_matches("x!")
        ),
        Some("put the matrix near the top left of its own sheet (--sheet NAME)".into()),
    );
    c.finish(()).unwrap_err()
}

/// Refuses an archive whose parts decompress to more than [`MAX_UNZIPPED`] bytes in all,
/// reading every part through (what calamine will read is then bounded).
fn bounded_zip(label: &str, bytes: &[u8]) -> Result<(), LoadError> {
    let not_xlsx = |e: String| {
        whole(
            label,
            format!("not an .xlsx workbook: {}", clip(&e)),
            Some("save the sheet as .xlsx (Excel 2007 or later) or as .csv".into()),
        )
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| not_xlsx(e.to_string()))?;
    if zip.len() > MAX_PARTS {
        return Err(not_xlsx(format!(
            "{} parts, more than {MAX_PARTS}",
            zip.len()
        )));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|e| not_xlsx(e.to_string()))?;
        let mut limited = part.take(MAX_UNZIPPED - total + 1);
        let n = std::io::copy(&mut limited, &mut std::io::sink())
            .map_err(|e| not_xlsx(e.to_string()))?;
        total += n;
        if total > MAX_UNZIPPED {
            return Err(whole(
                label,
                format!(
                    "the workbook decompresses to more than {} MiB; a RACI matrix is a few \
                     kilobytes",
                    MAX_UNZIPPED >> 20
                ),
                Some("save the matrix alone as .xlsx or .csv".into()),
            ));
        }
    }
    Ok(())
}

/// The cells of one worksheet of the .xlsx `bytes`: `sheet`, or the first.
pub fn from_xlsx(label: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Table, LoadError> {
    bounded_zip(label, bytes)?;
    let bad = |e: calamine::XlsxError| {
        whole(
            label,
            format!("not a readable .xlsx workbook: {}", clip(&e.to_string())),
            Some("save the sheet as .xlsx (Excel 2007 or later) or as .csv".into()),
        )
    };
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(bad)?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => match names.iter().find(|n| *n == s) {
            Some(n) => n.clone(),
            None => return Err(no_sheet(label, s, &names)),
        },
        None => match names.first() {
            Some(n) => n.clone(),
            None => return Err(whole(label, "the workbook has no worksheet".into(), None)),
        },
    };
    let mut reader = wb.worksheet_cells_reader(&name).map_err(bad)?;
    let mut cells = BTreeMap::new();
    let mut unsaved = Collected::new(label);
    while let Some(cell) = reader.next_cell_with_formula().map_err(bad)? {
        let (row, col) = cell.pos;
        let at = LineCol {
            line: row as usize + 1,
            col: col as usize + 1,
        };
        let formula = cell.formula.as_deref().map(str::trim).unwrap_or("");
        let value = match describe(&cell.value) {
            Some(v) => v,
            // A formula saved with no value (openpyxl, a script): its letter is unknown.
            None if !formula.is_empty() && cell.value == DataRef::Empty => {
                if row < MAX_ROWS && col < MAX_COLUMNS {
                    no_saved_value(&mut unsaved, at, &address(&name, row, col), formula);
                }
                continue;
            }
            None => continue,
        };
        if row >= MAX_ROWS || col >= MAX_COLUMNS {
            return Err(too_far(label, at, &address(&name, row, col)));
        }
        cells.insert((row, col), Cell { value, at });
    }
    unsaved.finish(Table {
        label: label.to_string(),
        sheet: name,
        cells,
    })
}

/// A formula cell with no cached value: what the spreadsheet would show is not in the file.
fn no_saved_value(found: &mut Collected, at: LineCol, addr: &str, formula: &str) {
    found.push(
        at,
        addr.to_string(),
        &format!(
            "the formula ={} has no saved value (the program that wrote the workbook did not \
             calculate it)",
            clip(formula.trim_start_matches('='))
        ),
        Some(
            "open the workbook in a spreadsheet program and save it (that stores every \
             formula's value), or paste the cells as values"
                .into(),
        ),
    );
}

fn no_sheet(label: &str, wanted: &str, names: &[String]) -> LoadError {
    let help = match closest(wanted, names.iter().map(String::as_str)) {
        Some(best) => format!("did you mean \"{}\"?", clip(best)),
        None => format!(
            "its sheets: {}",
            known_list(names.iter().map(String::as_str), '"')
        ),
    };
    // The sheet is named on the command line: no position in the file.
    let mut c = Collected::new(label);
    c.push(
        LineCol { line: 0, col: 0 },
        "--sheet".into(),
        &format!("the workbook has no sheet named \"{}\"", clip(wanted)),
        Some(help),
    );
    c.finish(()).unwrap_err()
}

/// A cell's value, `None` when blank.
fn describe(v: &DataRef) -> Option<Value> {
    Some(match v {
        DataRef::Empty => return None,
        DataRef::String(s) if s.trim().is_empty() => return None,
        DataRef::SharedString(s) if s.trim().is_empty() => return None,
        DataRef::String(s) => Value::Text(s.clone()),
        DataRef::SharedString(s) => Value::Text(s.to_string()),
        DataRef::Int(i) => Value::Other(format!("the number {i}")),
        DataRef::Float(f) => Value::Other(format!("the number {f}")),
        DataRef::Bool(b) => Value::Other(format!(
            "the logical value {}",
            b.to_string().to_uppercase()
        )),
        DataRef::DateTime(_) | DataRef::DateTimeIso(_) => Value::Other("a date".into()),
        DataRef::DurationIso(_) => Value::Other("a duration".into()),
        DataRef::Error(e) => Value::Other(format!("the error value {e}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_spreadsheet_addresses() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16_383), "XFD");
        assert_eq!(address("Sheet1", 6, 2), "Sheet1!C7");
        assert_eq!(address("raci.csv", 0, 0), "raci.csv!A1");
        assert_eq!(address("Team's RACI", 1, 1), "'Team''s RACI'!B2");
    }

    #[test]
    fn csv_cells_keep_their_rows_and_lines() {
        let t = from_csv("r.csv", "r.csv", b"a,b\n\n\"x\ny\",,R\n".to_vec()).unwrap();
        let keys: Vec<_> = t.cells.keys().copied().collect();
        assert_eq!(keys, [(0, 0), (0, 1), (2, 0), (2, 2)]);
        assert_eq!(t.cells[&(2, 2)].at, LineCol { line: 4, col: 5 });
    }

    #[test]
    fn not_a_workbook_is_refused() {
        let e = from_xlsx("x.xlsx", b"PK\x03\x04nonsense", None).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("x.xlsx:1:1: not an .xlsx workbook"),
            "{e}"
        );
    }
}

//! The decision capture sheet: what the room decided at each decision point of a tabletop
//! pack, read back for `raci-sim tabletop replay`. The pack writes the sheet
//! (`facilitator/decision-capture.csv` and `.ron`) with its points filled in; the room's
//! columns (`team`, `decided_at`, `choice`, `revoke`, `notes`) are left blank for the note
//! taker. A row whose `choice` is blank keeps the model's decision.
//!
//! Reading a sheet checks it against the pack it is replayed with: every row names a point of
//! that pack with the same decision, occurrence and `needed_at` (a sheet from another pack is
//! refused), team ids resolve to the model's teams and credential ids to the scenario's
//! (closest id suggested), the choice is one of the point's options, and `decided_at` is not
//! before `needed_at`. Every problem is reported at its file:line:col and field, at most 20 in
//! full, every message clipped (see `read`).

mod check;
mod pack;

pub use pack::{read_pack, PackFile, ReplayPack, PACK_VERSION};

use std::path::Path;

use serde::Deserialize;

use crate::domain::duration::format_offset;
use crate::input::check::Collected;
use crate::input::csv;
use crate::input::ronpath::{LineCol, RonMap};
use crate::input::{
    clip, clip_to, closest, known_list, parse_ron, read, read_text_limited, LoadError, Model,
    Scenario, MAX_INPUT_BYTES,
};

/// Which decision a point of the sheet is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SheetDecision {
    Triage,
    Containment,
    Close,
}

impl SheetDecision {
    pub fn name(self) -> &'static str {
        match self {
            SheetDecision::Triage => "triage",
            SheetDecision::Containment => "containment",
            SheetDecision::Close => "close",
        }
    }

    /// The choices the room has at a point of this kind.
    pub fn options(self) -> [SheetChoice; 2] {
        match self {
            SheetDecision::Triage => [SheetChoice::Declare, SheetChoice::Dismiss],
            SheetDecision::Containment => [SheetChoice::Approve, SheetChoice::Hold],
            SheetDecision::Close => [SheetChoice::Close, SheetChoice::Hold],
        }
    }

    /// "declare|dismiss", as the sheet's `options` column shows them.
    pub fn options_text(self) -> String {
        let [a, b] = self.options();
        format!("{}|{}", a.name(), b.name())
    }
}

/// What the room chose at a point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SheetChoice {
    Declare,
    Dismiss,
    Approve,
    Hold,
    Close,
}

impl SheetChoice {
    pub fn name(self) -> &'static str {
        match self {
            SheetChoice::Declare => "declare",
            SheetChoice::Dismiss => "dismiss",
            SheetChoice::Approve => "approve",
            SheetChoice::Hold => "hold",
            SheetChoice::Close => "close",
        }
    }
}

/// A decision point as the pack's sheet lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapturePoint {
    /// "D1", "D2", ...
    pub point: String,
    /// The module it ends ("3. The containment decision").
    pub module: String,
    pub decision: SheetDecision,
    /// The n-th time (0-based) this decision became needed in the run.
    pub occurrence: u32,
    /// When it became needed, in seconds from T+0 (the sheet shows whole minutes).
    pub needed: u64,
    /// For a containment point: the credential ids the inventory shows, for reference.
    pub credentials: Vec<String>,
}

/// One decision the room made in place of the model's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomRow {
    /// Index into the pack's points.
    pub point: usize,
    pub decision: SheetDecision,
    pub occurrence: u32,
    /// Model team index of the team that acted.
    pub team: usize,
    /// Seconds from needed to decided: `decided_at - needed_at`, both as the sheet writes
    /// them (whole minutes).
    pub delay: u64,
    pub choice: SheetChoice,
    /// Approve only: scenario credential indices to revoke, in the order given.
    pub revoke: Vec<usize>,
}

/// The engine's form of a sheet row.
pub fn room_decision(r: &RoomRow) -> crate::engine::room::RoomDecision {
    use crate::domain::Activity;
    use crate::engine::room::RoomChoice;
    crate::engine::room::RoomDecision {
        activity: match r.decision {
            SheetDecision::Triage => Activity::Triage,
            SheetDecision::Containment => Activity::ApproveContainment,
            SheetDecision::Close => Activity::Close,
        },
        occurrence: r.occurrence,
        team: r.team,
        delay: r.delay,
        choice: match r.choice {
            SheetChoice::Declare => RoomChoice::Declare,
            SheetChoice::Dismiss => RoomChoice::Dismiss,
            SheetChoice::Approve => RoomChoice::Approve,
            SheetChoice::Hold => RoomChoice::Hold,
            SheetChoice::Close => RoomChoice::Close,
        },
        revoke: r.revoke.clone(),
    }
}

/// What a sheet is checked against: the pack's points, its model and its scenario.
pub struct SheetContext<'a> {
    pub points: &'a [CapturePoint],
    pub model: &'a Model,
    pub scenario: &'a Scenario,
}

/// Most rows a sheet may hold (a pack has at most three points; blank rows are skipped).
pub const MAX_SHEET_ROWS: usize = 100;
/// Longest hour count in a `T+hh:mm` time (a year).
const MAX_HOURS: u64 = 366 * 24;

/// Reads a capture sheet by path: `.csv` or `.ron` by extension, at most
/// [`MAX_INPUT_BYTES`].
pub fn load_decisions(path: &Path, cx: &SheetContext) -> Result<Vec<RoomRow>, LoadError> {
    let label = path.to_string_lossy();
    let format = match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("csv") => Format::Csv,
        Some(e) if e.eq_ignore_ascii_case("ron") => Format::Ron,
        _ => {
            return Err(at_start(
                &label,
                "a capture sheet is a .csv or a .ron file".into(),
                Some(
                    "give facilitator/decision-capture.csv (or .ron) of the pack, filled in".into(),
                ),
            ))
        }
    };
    let text = read_text_limited(path, MAX_INPUT_BYTES as u64)?;
    parse_decisions(&label, &text, format, cx)
}

/// The two forms of the sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Ron,
}

/// Reads a capture sheet's text; `label` names it in errors.
pub fn parse_decisions(
    label: &str,
    text: &str,
    format: Format,
    cx: &SheetContext,
) -> Result<Vec<RoomRow>, LoadError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(at_start(
            label,
            format!(
                "file is {} bytes, larger than the {MAX_INPUT_BYTES} byte limit for an input file",
                text.len()
            ),
            None,
        ));
    }
    let mut found = Found::new(label);
    let rows = match format {
        Format::Csv => csv_rows(text, &mut found),
        Format::Ron => ron_rows(label, text)?,
    };
    if rows.len() > MAX_SHEET_ROWS {
        found.error(
            rows[MAX_SHEET_ROWS].at,
            "",
            format!(
                "{} rows, more than the limit of {MAX_SHEET_ROWS}",
                rows.len()
            ),
            Some("a capture sheet has one row per decision point of its pack".into()),
        );
        return found.finish(Vec::new());
    }
    let out = check::check_rows(&rows, cx, &mut found);
    found.finish(out)
}

/// One cell as read: its text, where it is, and the field name errors give.
#[derive(Clone, Debug)]
struct Cell {
    text: String,
    at: LineCol,
    field: String,
}

/// A row as read, before any check.
#[derive(Clone, Debug)]
struct RawRow {
    at: LineCol,
    point: Option<Cell>,
    decision: Option<Cell>,
    occurrence: Option<Cell>,
    needed_at: Option<Cell>,
    team: Option<Cell>,
    decided_at: Option<Cell>,
    choice: Option<Cell>,
    revoke: Vec<Cell>,
}

impl RawRow {
    fn at(at: LineCol) -> RawRow {
        RawRow {
            at,
            point: None,
            decision: None,
            occurrence: None,
            needed_at: None,
            team: None,
            decided_at: None,
            choice: None,
            revoke: Vec::new(),
        }
    }
}

/// The start of the file.
const START: LineCol = LineCol { line: 1, col: 1 };

/// Every column of the sheet, the required ones first.
const COLUMNS: [&str; 13] = [
    "point",
    "decision",
    "occurrence",
    "needed_at",
    "team",
    "decided_at",
    "choice",
    "revoke",
    "module",
    "options",
    "credentials",
    "notes",
    "",
];
const REQUIRED: usize = 8;

fn csv_rows(text: &str, found: &mut Found) -> Vec<RawRow> {
    let rows = match csv::parse(text) {
        Ok(rows) => rows,
        Err((at, message)) => {
            found.error(at, "", message, None);
            return Vec::new();
        }
    };
    let Some((header, body)) = rows.split_first() else {
        found.error(
            START,
            "",
            "the sheet is empty: no header line".into(),
            Some(format!("the header is {}", COLUMNS[..12].join(","))),
        );
        return Vec::new();
    };
    let columns = header_columns(header, found);
    if found.any() {
        return Vec::new();
    }
    body.iter()
        .map(|fields| csv_row(fields, &columns, header.len(), found))
        .collect()
}

/// The column name of each header field (an index into `COLUMNS`), checking names.
fn header_columns(header: &[csv::Field], found: &mut Found) -> Vec<usize> {
    let mut columns = Vec::new();
    for f in header {
        let name = f.text.trim().to_ascii_lowercase();
        match COLUMNS[..12].iter().position(|c| *c == name) {
            Some(i) if columns.contains(&i) => found.error(
                f.at,
                COLUMNS[i],
                format!("column `{}` is given twice", COLUMNS[i]),
                None,
            ),
            Some(i) => columns.push(i),
            None => {
                let help = match closest(&name, COLUMNS[..12].iter().copied()) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("the columns are {}", COLUMNS[..12].join(", ")),
                };
                found.error(
                    f.at,
                    "",
                    format!("unknown column `{}`", clip(&f.text)),
                    Some(help),
                );
                columns.push(12);
            }
        }
    }
    for (i, c) in COLUMNS[..REQUIRED].iter().enumerate() {
        if !columns.contains(&i) {
            found.error(
                header[0].at,
                c,
                format!("the header has no `{c}` column"),
                Some(format!(
                    "the sheet's columns are {}; start from the pack's facilitator/decision-capture.csv",
                    COLUMNS[..12].join(",")
                )),
            );
        }
    }
    columns
}

fn csv_row(fields: &[csv::Field], columns: &[usize], width: usize, found: &mut Found) -> RawRow {
    let mut row = RawRow::at(fields[0].at);
    if fields.len() > width {
        found.error(
            fields[width].at,
            "",
            format!(
                "this row has {} fields, the header {width}: a comma inside a cell needs the cell in quotes",
                fields.len()
            ),
            None,
        );
    }
    for (f, &c) in fields.iter().zip(columns) {
        let cell = Cell {
            text: f.text.clone(),
            at: f.at,
            field: COLUMNS[c].to_string(),
        };
        match COLUMNS[c] {
            "point" => row.point = Some(cell),
            "decision" => row.decision = Some(cell),
            "occurrence" => row.occurrence = Some(cell),
            "needed_at" => row.needed_at = Some(cell),
            "team" => row.team = Some(cell),
            "decided_at" => row.decided_at = Some(cell),
            "choice" => row.choice = Some(cell),
            "revoke" => row.revoke = split_ids(f),
            _ => {}
        }
    }
    row
}

/// The credential ids of a CSV `revoke` cell (separated by spaces, commas or semicolons), each
/// located at its own column.
fn split_ids(f: &csv::Field) -> Vec<Cell> {
    let mut out = Vec::new();
    let start = f.at.col + usize::from(f.quoted);
    let mut current: Option<(usize, String)> = None;
    for (i, c) in f.text.chars().chain([' ']).enumerate() {
        if c.is_whitespace() || c == ',' || c == ';' {
            if let Some((col, text)) = current.take() {
                out.push(Cell {
                    text,
                    at: LineCol {
                        line: f.at.line,
                        col: start + col,
                    },
                    field: "revoke".into(),
                });
            }
        } else {
            current.get_or_insert((i, String::new())).1.push(c);
        }
        if out.len() > MAX_SHEET_ROWS {
            break;
        }
    }
    out
}

/// A row of the RON sheet, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RowFile {
    point: String,
    // Written by the pack for the note taker; not read back.
    #[serde(default)]
    #[allow(dead_code)]
    module: String,
    decision: String,
    occurrence: u32,
    needed_at: String,
    #[serde(default)]
    #[allow(dead_code)]
    options: String,
    #[serde(default)]
    #[allow(dead_code)]
    credentials: Vec<String>,
    #[serde(default)]
    team: String,
    #[serde(default)]
    decided_at: String,
    #[serde(default)]
    choice: String,
    #[serde(default)]
    revoke: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    notes: String,
}

fn ron_rows(label: &str, text: &str) -> Result<Vec<RawRow>, LoadError> {
    let file: Vec<RowFile> = parse_ron(label, text)?;
    let map = RonMap::new(text);
    let cell = |i: usize, name: &str, text: &str| {
        let field = format!("[{i}].{name}");
        Some(Cell {
            text: text.to_string(),
            at: map.locate(&field),
            field,
        })
    };
    Ok(file
        .iter()
        .enumerate()
        .take(MAX_SHEET_ROWS + 1)
        .map(|(i, r)| RawRow {
            at: map.locate(&format!("[{i}]")),
            point: cell(i, "point", &r.point),
            decision: cell(i, "decision", &r.decision),
            occurrence: cell(i, "occurrence", &r.occurrence.to_string()),
            needed_at: cell(i, "needed_at", &r.needed_at),
            team: cell(i, "team", &r.team),
            decided_at: cell(i, "decided_at", &r.decided_at),
            choice: cell(i, "choice", &r.choice),
            revoke: r
                .revoke
                .iter()
                .enumerate()
                .take(MAX_SHEET_ROWS + 1)
                .filter_map(|(j, id)| cell(i, &format!("revoke[{j}]"), id))
                .collect(),
        })
        .collect())
}

/// "T+hh:mm" (hours may exceed 24; a single hour digit is accepted) as seconds.
pub fn parse_offset(s: &str) -> Result<u64, String> {
    let rest = s
        .trim()
        .strip_prefix("T+")
        .or_else(|| s.trim().strip_prefix("t+"))
        .ok_or("write it as T+hh:mm")?;
    let (h, m) = rest.split_once(':').ok_or("write it as T+hh:mm")?;
    let digits = |x: &str| !x.is_empty() && x.len() <= 6 && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || m.len() != 2 || !digits(m) {
        return Err("write it as T+hh:mm".into());
    }
    let (h, m): (u64, u64) = (
        h.parse().map_err(|_| "bad hours")?,
        m.parse().map_err(|_| "bad minutes")?,
    );
    if m >= 60 {
        return Err("minutes run from 00 to 59".into());
    }
    if h > MAX_HOURS {
        return Err(format!("more than {MAX_HOURS} hours after T+0"));
    }
    Ok(h * 3600 + m * 60)
}

/// The sheet's diagnostics: located by cell (CSV) or field (RON), the line and column at
/// least 1 and the field name clipped.
struct Found(Collected);

impl Found {
    fn new(label: &str) -> Self {
        Found(Collected::new(label))
    }

    fn any(&self) -> bool {
        self.0.any()
    }

    fn error(&mut self, at: LineCol, field: &str, message: String, help: Option<String>) {
        let at = LineCol {
            line: at.line.max(1),
            col: at.col.max(1),
        };
        self.0
            .push(at, clip_to(field, read::MAX_QUOTED), &message, help);
    }

    fn finish<T>(self, value: T) -> Result<T, LoadError> {
        self.0.finish(value)
    }
}

fn at_start(label: &str, message: String, help: Option<String>) -> LoadError {
    let mut f = Found::new(label);
    f.error(START, "", message, help);
    f.finish(()).unwrap_err()
}

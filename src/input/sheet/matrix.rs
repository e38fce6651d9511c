//! A sheet's cells read as a RACI matrix: which row is the header, which column holds the
//! activities, which columns are teams, and every cell's letters, each problem at its cell.
//!
//! The layout (docs/spreadsheets.md): the header is the first row with two or more non-blank
//! cells (title rows above it, one cell each, are skipped); the activity column is the leftmost
//! column with anything in it from the header down; every other header cell names a team;
//! blank rows and blank columns anywhere are skipped; a row with only an activity cell whose
//! name is not a raci-sim row and is not close to one is a section heading and is skipped.

use std::collections::HashMap;

use super::mapping::Mapping;
use super::names::{parse_letters, parse_row, slug, unescape_csv, Letters, RowKey, ALLOWED};
use super::table::{Cell, Table, Value};
use crate::input::check::{Collected, MAX_ID_CHARS, MAX_LIST};
use crate::input::clip;
use crate::input::ronpath::LineCol;

/// A team column.
#[derive(Clone, Debug)]
pub struct TeamColumn {
    pub id: String,
    pub header: String,
    pub col: u32,
}

/// One activity row read.
#[derive(Clone, Debug)]
pub struct MatrixRow {
    pub key: RowKey,
    /// The activity cell's address.
    pub address: String,
    /// (team index, letters) for every team with a letter on this row, in column order.
    pub cells: Vec<(usize, Letters)>,
}

/// The matrix as read, before it becomes a model.
#[derive(Clone, Debug, Default)]
pub struct Matrix {
    pub teams: Vec<TeamColumn>,
    pub rows: Vec<MatrixRow>,
    /// "Sheet1!A5 \"Containment\"": headings and ignored rows left out.
    pub skipped: Vec<String>,
    /// The header row's address (`Sheet1!A3`).
    pub header: String,
}

/// The raci-sim matrix in `table`, or every problem found (bounded by [`Collected`]).
pub fn read_matrix(table: &Table, mapping: &Mapping) -> Result<Matrix, crate::input::LoadError> {
    let mut found = Collected::new(&table.label);
    let Some(header_row) = header_row(table) else {
        found.push(
            LineCol { line: 1, col: 1 },
            table.address(0, 0),
            "no header row: the first row with two or more cells should name the teams",
            Some(
                "layout: activities down the first column, teams across the header row \
                  (docs/spreadsheets.md)"
                    .into(),
            ),
        );
        return found.finish(Matrix::default());
    };
    let first_col = table
        .cells
        .range((header_row, 0)..)
        .map(|(&(_, c), _)| c)
        .min()
        .unwrap_or(0);
    let mut m = Matrix {
        header: table.address(header_row, first_col),
        ..Matrix::default()
    };
    let ignored = teams(table, mapping, header_row, first_col, &mut m, &mut found);
    let mut rows: Vec<u32> = table
        .cells
        .range((header_row + 1, 0)..)
        .map(|(&(r, _), _)| r)
        .collect();
    rows.dedup();
    let mut ctx = RowContext {
        table,
        mapping,
        first_col,
        ignored,
        found: &mut found,
        seen: HashMap::new(),
    };
    for r in rows {
        ctx.row(r, &mut m);
    }
    if m.rows.iter().filter(|r| r.key.r_and_i_only()).count() > MAX_LIST {
        found.push(
            LineCol { line: 1, col: 1 },
            String::new(),
            &format!("more than {MAX_LIST} detect and intake rows"),
            None,
        );
    }
    found.finish(m)
}

/// The first row with two or more non-blank cells.
fn header_row(table: &Table) -> Option<u32> {
    let mut last = None;
    for &(r, _) in table.cells.keys() {
        if last == Some(r) {
            return Some(r);
        }
        last = Some(r);
    }
    None
}

fn text_of(cell: &Cell) -> Result<&str, &str> {
    match &cell.value {
        Value::Text(t) => Ok(unescape_csv(t.trim())),
        Value::Other(d) => Err(d),
    }
}

/// The team columns of the header; returns the columns left out by the mapping.
fn teams(
    table: &Table,
    mapping: &Mapping,
    header_row: u32,
    first_col: u32,
    m: &mut Matrix,
    found: &mut Collected,
) -> Vec<u32> {
    let mut ignored = Vec::new();
    let mut by_id: HashMap<String, String> = HashMap::new();
    for (&(_, col), cell) in table
        .cells
        .range((header_row, first_col + 1)..(header_row + 1, 0))
    {
        let addr = table.address(header_row, col);
        let header = match text_of(cell) {
            Ok(t) => t,
            Err(d) => {
                found.push(
                    cell.at,
                    addr,
                    &format!("team name: found {d}; a team name is text"),
                    None,
                );
                continue;
            }
        };
        if mapping.ignores_column(header) {
            ignored.push(col);
            continue;
        }
        let id = match mapping.team(header) {
            Some(id) => id.to_string(),
            None => slug(header),
        };
        let problem = if id.is_empty() {
            Some("team name: no letters or digits to make a team id of".to_string())
        } else if id.chars().count() > MAX_ID_CHARS {
            Some(format!("team name longer than {MAX_ID_CHARS} characters"))
        } else if m.teams.len() == MAX_LIST {
            Some(format!("more than {MAX_LIST} teams"))
        } else {
            by_id
                .get(&id)
                .map(|first| format!("team \"{}\" is already the column at {first}", clip(&id)))
        };
        if let Some(p) = problem {
            let help = "rename the column, map it to an id in the mapping file (teams: \
                        {\"Header\": \"id\"}) or leave it out (ignore_columns)";
            found.push(
                cell.at,
                addr,
                &format!("found \"{}\": {p}", clip(header)),
                Some(help.into()),
            );
            continue;
        }
        by_id.insert(id.clone(), addr);
        m.teams.push(TeamColumn {
            id,
            header: header.to_string(),
            col,
        });
    }
    ignored
}

struct RowContext<'a> {
    table: &'a Table,
    mapping: &'a Mapping,
    first_col: u32,
    ignored: Vec<u32>,
    found: &'a mut Collected,
    /// Where each single row (and each revoke kind) was first given.
    seen: HashMap<String, String>,
}

impl RowContext<'_> {
    fn row(&mut self, r: u32, m: &mut Matrix) {
        let table = self.table;
        let cells: Vec<(u32, &Cell)> = table
            .cells
            .range((r, 0)..(r + 1, 0))
            .map(|(&(_, c), cell)| (c, cell))
            .collect();
        let name_cell = cells
            .iter()
            .find(|(c, _)| *c == self.first_col)
            .map(|x| x.1);
        let rest: Vec<(u32, &Cell)> = cells
            .iter()
            .copied()
            .filter(|(c, _)| *c != self.first_col && !self.ignored.contains(c))
            .collect();
        let addr = table.address(r, self.first_col);
        let Some(name_cell) = name_cell else {
            // Only ignored columns (a description) in this row: nothing to read.
            let Some(&(c, cell)) = rest.first() else {
                return;
            };
            self.found.push(
                cell.at,
                table.address(r, c),
                &format!("activity: {} has letters but no activity name", addr),
                Some("write the activity in the first column of the row".into()),
            );
            return;
        };
        let name = match text_of(name_cell) {
            Ok(t) => t,
            Err(d) => {
                self.found.push(
                    name_cell.at,
                    addr,
                    &format!("activity: found {d}; an activity name is text"),
                    None,
                );
                return;
            }
        };
        let Some(key) = self.key(name, name_cell, &addr, rest.is_empty(), m) else {
            return;
        };
        self.once(&key, &addr, name_cell.at);
        let cells = self.letters(r, name, &key, &rest, m);
        m.rows.push(MatrixRow {
            key,
            address: addr,
            cells,
        });
    }

    /// The row an activity name is, or `None` when it is skipped (ignored, a heading) or an
    /// error.
    fn key(
        &mut self,
        name: &str,
        cell: &Cell,
        addr: &str,
        no_letters: bool,
        m: &mut Matrix,
    ) -> Option<RowKey> {
        if self.mapping.ignores_row(name) {
            m.skipped
                .push(format!("{addr} \"{}\" (ignore_rows)", clip(name)));
            return None;
        }
        let parsed = match self.mapping.activity(name) {
            Some(k) => Ok(k.clone()),
            None => parse_row(name),
        };
        match parsed {
            Ok(k) => Some(k),
            Err(e) if no_letters && !e.close => {
                m.skipped
                    .push(format!("{addr} \"{}\" (a heading: no letters)", clip(name)));
                None
            }
            Err(e) => {
                self.found.push(
                    cell.at,
                    addr.to_string(),
                    &format!("activity: found \"{}\": {}", clip(name), e.message),
                    Some(match e.by_word {
                        Some(row) => format!(
                            "{} name it in a mapping file (--mapping): activities: {{\"{}\": \"{row}\"}}",
                            e.help,
                            clip(name)
                        ),
                        None => format!(
                            "{}; or map it in a mapping file (--mapping): activities: {{\"{}\": \"<row>\"}}",
                            e.help,
                            clip(name)
                        ),
                    }),
                );
                None
            }
        }
    }

    /// A single row or a revoke kind given twice is an error (detect and intake rows repeat).
    fn once(&mut self, key: &RowKey, addr: &str, at: LineCol) {
        let names: Vec<String> = match key {
            RowKey::Single(n) => vec![n.to_string()],
            RowKey::RotateAll => vec!["rotate_all".into()],
            RowKey::Revoke(k) if k.is_empty() => vec!["revoke".into()],
            RowKey::Revoke(k) => k.iter().map(|k| format!("revoke {}", k.name())).collect(),
            RowKey::Detect(_) | RowKey::Intake(_) => vec![],
        };
        for n in names {
            if let Some(first) = self.seen.get(&n) {
                self.found.push(
                    at,
                    addr.to_string(),
                    &format!("activity: {n} is given twice (first at {first})"),
                    Some("merge the two rows into one".into()),
                );
                return;
            }
            self.seen.insert(n, addr.to_string());
        }
    }

    fn letters(
        &mut self,
        r: u32,
        activity: &str,
        key: &RowKey,
        rest: &[(u32, &Cell)],
        m: &Matrix,
    ) -> Vec<(usize, Letters)> {
        let mut out = Vec::new();
        for &(c, cell) in rest {
            let addr = self.table.address(r, c);
            let Some(t) = m.teams.iter().position(|t| t.col == c) else {
                self.found.push(
                    cell.at,
                    addr,
                    &format!("a cell under no team (activity \"{}\")", clip(activity)),
                    Some("name the team in the header row, or clear the cell".into()),
                );
                continue;
            };
            let team = &m.teams[t].header;
            let text = text_of(cell);
            let letters = text.ok().and_then(parse_letters);
            let Some(l) = letters else {
                let found = match text {
                    Ok(t) => format!("\"{}\"", clip(t)),
                    Err(d) => d.to_string(),
                };
                self.found.push(
                    cell.at,
                    addr,
                    &format!(
                        "team \"{}\", activity \"{}\": found {found}, not RACI letters",
                        clip(team),
                        clip(activity)
                    ),
                    Some(format!(
                        "allowed: {ALLOWED}; a column that is not a team (notes, a description) \
                         is skipped with ignore_columns: [\"{}\"] in a mapping file (--mapping)",
                        clip(team)
                    )),
                );
                continue;
            };
            if key.r_and_i_only() && (l.a || l.c) {
                self.found.push(
                    cell.at,
                    addr,
                    &format!(
                        "team \"{}\", activity \"{}\": found {}; {} rows take R and I only",
                        clip(team),
                        clip(activity),
                        l.text(),
                        if matches!(key, RowKey::Detect(_)) {
                            "detect"
                        } else {
                            "intake"
                        }
                    ),
                    Some(
                        "nobody signs off or is consulted on noticing a signal or a report".into(),
                    ),
                );
                continue;
            }
            if l.any() {
                out.push((t, l));
            }
        }
        out
    }
}

//! The mapping file of `raci-sim import --mapping`: spreadsheet names that differ from
//! raci-sim's, and rows and columns to leave out.
//!
//! ```ron
//! Mapping(
//!     activities: {"Kill sessions": "revoke session", "Sign off containment": "approve_containment"},
//!     teams: {"Security Operations": "soc"},
//!     ignore_rows: ["Legend"],
//!     ignore_columns: ["Description", "Notes"],
//! )
//! ```
//!
//! Names are matched ignoring case, spaces and punctuation (`words`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use super::names::{parse_row, words, RowKey};
use crate::input::check::{Checker, MAX_ITEMS};
use crate::input::{clip, parse_ron, read_text_limited, LoadError, MAX_INPUT_BYTES};

#[derive(Debug, Default, Deserialize)]
#[serde(rename = "Mapping", deny_unknown_fields)]
struct MappingFile {
    #[serde(default)]
    activities: BTreeMap<String, String>,
    #[serde(default)]
    teams: BTreeMap<String, String>,
    #[serde(default)]
    ignore_rows: Vec<String>,
    #[serde(default)]
    ignore_columns: Vec<String>,
}

/// A checked mapping: every key as [`words`].
#[derive(Debug, Default)]
pub struct Mapping {
    activities: HashMap<String, RowKey>,
    teams: HashMap<String, String>,
    ignore_rows: HashSet<String>,
    ignore_columns: HashSet<String>,
}

impl Mapping {
    /// The row a spreadsheet activity name is mapped to.
    pub fn activity(&self, name: &str) -> Option<&RowKey> {
        self.activities.get(&words(name))
    }

    /// The team id a header is mapped to.
    pub fn team(&self, header: &str) -> Option<&str> {
        self.teams.get(&words(header)).map(String::as_str)
    }

    pub fn ignores_row(&self, name: &str) -> bool {
        self.ignore_rows.contains(&words(name))
    }

    pub fn ignores_column(&self, header: &str) -> bool {
        self.ignore_columns.contains(&words(header))
    }
}

/// Reads and checks a mapping file.
pub fn load_mapping(path: &Path) -> Result<Mapping, LoadError> {
    let text = read_text_limited(path, MAX_INPUT_BYTES as u64)?;
    parse_mapping(&path.to_string_lossy(), &text)
}

/// Parses and checks mapping text; `label` names it in errors.
pub fn parse_mapping(label: &str, text: &str) -> Result<Mapping, LoadError> {
    let file: MappingFile = parse_ron(label, text)?;
    let mut c = Checker::new(label, text);
    let fits = c.cap("activities", file.activities.len(), MAX_ITEMS)
        & c.cap("teams", file.teams.len(), MAX_ITEMS)
        & c.cap("ignore_rows", file.ignore_rows.len(), MAX_ITEMS)
        & c.cap("ignore_columns", file.ignore_columns.len(), MAX_ITEMS);
    if !fits {
        return Err(c.stop());
    }
    let mut m = Mapping::default();
    for (name, row) in &file.activities {
        let field = format!("activities.{name}");
        match parse_row(row) {
            Ok(key) => {
                m.activities.insert(words(name), key);
            }
            Err(e) => c.error(
                &field,
                format!("\"{}\" (for \"{}\"): {}", clip(row), clip(name), e.message),
                Some(e.help),
            ),
        }
    }
    for (header, id) in &file.teams {
        let field = format!("teams.{header}");
        if id.trim().is_empty() {
            c.error(&field, "team id is empty", None);
            continue;
        }
        c.identifier(&field, "team id", id);
        m.teams.insert(words(header), id.clone());
    }
    m.ignore_rows = file.ignore_rows.iter().map(|s| words(s)).collect();
    m.ignore_columns = file.ignore_columns.iter().map(|s| words(s)).collect();
    c.finish(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CredentialKind;

    #[test]
    fn names_match_without_case_or_punctuation() {
        let m = parse_mapping(
            "m.ron",
            r#"Mapping(activities: {"Kill sessions": "revoke.session"}, teams: {"Security Operations": "soc"}, ignore_columns: ["Notes"])"#,
        )
        .unwrap();
        assert_eq!(
            m.activity(" kill  SESSIONS"),
            Some(&RowKey::Revoke(vec![CredentialKind::Session]))
        );
        assert_eq!(m.team("security-operations"), Some("soc"));
        assert!(m.ignores_column("NOTES"));
        assert!(!m.ignores_row("Notes"));
    }

    #[test]
    fn bad_targets_are_located() {
        let text =
            "Mapping(\n  activities: {\"Kill\": \"revoke sesion\"},\n  teams: {\"X\": \"\"},\n)";
        let e = parse_mapping("m.ron", text).unwrap_err().to_string();
        assert_eq!(
            e,
            "m.ron:2:16: field `activities.Kill`: \"revoke sesion\" (for \"Kill\"): \"sesion\" is not a credential kind\n  \
             help: did you mean \"session\"?\n\
             m.ron:3:11: field `teams.X`: team id is empty"
        );
        let e = parse_mapping("m.ron", "Mapping(rows: [])")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown field `rows`"), "{e}");
    }
}

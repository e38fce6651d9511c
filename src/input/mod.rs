//! The edge where files become trusted inputs. Loading is two-stage: `file` mirrors the RON text
//! (serde, strict); `validate` resolves every id to an index, every duration to seconds, checks
//! every number's range and the stage graph, and reports each problem at its file, line, column
//! and field with a suggestion where one helps.
//!
//! **Invariant:** a `Scenario` or `Model` that exists is valid: the engine never re-checks.

pub(crate) mod attack;
pub mod calendar;
pub(crate) mod check;
pub(crate) mod csv;
pub mod decisions;
pub mod file;
pub mod library;
mod model;
pub mod read;
pub(crate) mod response;
pub mod ronpath;
mod scenario;
pub mod sheet;
pub mod study;
pub(crate) mod validate;

pub use model::*;
pub use scenario::*;

use std::fmt;

use ron::extensions::Extensions;

use crate::domain::InventoryStatus;
use crate::input::ronpath::{LineCol, RonMap};

pub use read::{clip, clip_to, read_limited, read_text_limited, utf8_text};
pub use validate::{validate_model, validate_scenario};

/// One problem in one input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    /// 1-based; 0 when the problem has no position in the file (shown as `file: ...`).
    pub line: usize,
    pub col: usize,
    /// The field path, e.g. `stages[2].needs[0]`; empty for the whole file.
    pub field: String,
    pub message: String,
    pub help: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: ", self.file)?;
        } else {
            write!(f, "{}:{}:{}: ", self.file, self.line, self.col)?;
        }
        if !self.field.is_empty() {
            write!(f, "field `{}`: ", self.field)?;
        }
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Why an input could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", .0.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Diagnostic>),
    #[error("no shipped {kind} or file named `{name}`{}", suggestion(.help))]
    NotFound {
        kind: &'static str,
        name: String,
        help: Option<String>,
    },
}

fn suggestion(help: &Option<String>) -> String {
    help.as_ref()
        .map(|h| format!("\n  help: {h}"))
        .unwrap_or_default()
}

/// Largest scenario, model or study file accepted (1 MiB), so hostile input fails fast.
pub const MAX_INPUT_BYTES: usize = 1 << 20;
/// Deepest nesting accepted by the parser.
pub const MAX_NESTING: usize = 64;

/// Parses RON text into a file type, turning a parse error into a diagnostic at its field.
pub fn parse_ron<T: serde::de::DeserializeOwned>(label: &str, text: &str) -> Result<T, LoadError> {
    let label = &clip_to(label, read::MAX_LABEL);
    let at_start = |message: String| {
        LoadError::Invalid(vec![Diagnostic {
            file: label.to_string(),
            line: 1,
            col: 1,
            field: String::new(),
            message,
            help: None,
        }])
    };
    if text.len() > MAX_INPUT_BYTES {
        return Err(at_start(format!(
            "file is {} bytes, larger than the {} byte limit for an input file",
            text.len(),
            MAX_INPUT_BYTES
        )));
    }
    let options = ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME)
        .with_recursion_limit(MAX_NESTING);
    options.from_str::<T>(text).map_err(|e| {
        let map = RonMap::new(text);
        let at = LineCol {
            line: e.span.start.line,
            col: e.span.start.col,
        };
        let field = clip_to(map.path_at(at).unwrap_or(""), read::MAX_QUOTED * 3);
        let (message, help) = describe_ron_error(&e.code);
        let message = clip_to(&message, read::MAX_MESSAGE);
        let help = help.map(|h| clip_to(&h, read::MAX_MESSAGE));
        LoadError::Invalid(vec![Diagnostic {
            file: label.to_string(),
            line: at.line.max(1),
            col: at.col.max(1),
            field,
            message,
            help,
        }])
    })
}

/// ron's messages, lowercased into this tool's style, with a suggestion for misspellings.
fn describe_ron_error(code: &ron::Error) -> (String, Option<String>) {
    use ron::Error as E;
    match code {
        E::NoSuchStructField {
            expected,
            found,
            outer,
        } => (
            format!(
                "unknown field `{}`{}",
                clip(found),
                outer
                    .as_ref()
                    .map(|o| format!(" in {o}"))
                    .unwrap_or_default()
            ),
            Some(match closest(found, expected.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("expected one of {}", list(expected)),
            }),
        ),
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => (
            format!(
                "unknown variant `{}`{}",
                clip(found),
                outer
                    .as_ref()
                    .map(|o| format!(" of {o}"))
                    .unwrap_or_default()
            ),
            Some(match closest(found, expected.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("expected one of {}", list(expected)),
            }),
        ),
        E::MissingStructField { field, outer } => (
            format!(
                "missing field `{field}`{}",
                outer
                    .as_ref()
                    .map(|o| format!(" in {o}"))
                    .unwrap_or_default()
            ),
            Some(format!(
                "add `{field}: ...`; docs/file-formats.md lists every field"
            )),
        ),
        E::DuplicateStructField { field, .. } => (format!("field `{field}` is given twice"), None),
        E::ExpectedDifferentStructName { expected, found } => (
            format!("this is a `{found}` file, but a `{expected}` is needed here"),
            Some(format!(
                "give a {} file here; `raci-sim list` shows the shipped ones",
                expected.to_lowercase()
            )),
        ),
        E::Message(m) => (m.clone(), None),
        E::ExceededRecursionLimit => (
            format!("nesting deeper than {MAX_NESTING} levels"),
            Some("input files are a few levels deep; this file is not a scenario or model".into()),
        ),
        other => {
            let text = other.to_string();
            let mut chars = text.chars();
            let lower = match chars.next() {
                Some(c) => c.to_lowercase().chain(chars).collect(),
                None => text,
            };
            (
                format!("syntax error: {lower}"),
                Some("look for a missing comma, bracket, parenthesis or quote at or just before this point".into()),
            )
        }
    }
}

fn list(items: &[&str]) -> String {
    known_list(items.iter().copied(), '`')
}

/// Most names listed in one "known ..." or "expected one of ..." message.
pub const MAX_LISTED: usize = 10;

/// At most [`MAX_LISTED`] names, each quoted with `quote` and clipped, then "and N more".
pub fn known_list<'a>(items: impl ExactSizeIterator<Item = &'a str>, quote: char) -> String {
    let total = items.len();
    let mut out: Vec<String> = items
        .take(MAX_LISTED)
        .map(|s| format!("{quote}{}{quote}", clip(s)))
        .collect();
    if total > MAX_LISTED {
        out.push(format!("and {} more", total - MAX_LISTED));
    }
    out.join(", ")
}

/// Longest word (in characters) for which a misspelling is looked for.
const MAX_SUGGEST_CHARS: usize = 64;

/// The candidate closest to `word`, if it is close enough to be a plausible misspelling.
/// Words and candidates longer than 64 characters are not compared, and neither are lengths
/// too far apart to be close, so this stays cheap on hostile input.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = word.chars().count();
    if len > MAX_SUGGEST_CHARS {
        return None;
    }
    let allowed = |a: usize, b: usize| (a.max(b) / 3).max(2);
    candidates
        .into_iter()
        .filter_map(|c| {
            let clen = c.chars().count();
            if clen > MAX_SUGGEST_CHARS || clen.abs_diff(len) > allowed(c.len(), word.len()) {
                return None;
            }
            Some((strsim::levenshtein(word, c), c))
        })
        .filter(|(d, c)| *d <= allowed(c.len(), word.len()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

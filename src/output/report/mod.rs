//! The comparison report: one value (`Report`) rendered by one exporter per file, written into
//! a fresh folder that replaces the old one only when whole.

mod credentials;
mod decision_html;
pub mod figures_html;
pub mod files;
mod glossary_html;
mod index_html;
mod lint_html;
pub mod plots;
pub mod provenance_html;
mod raci_html;
mod scenario_html;
mod style;

use std::path::{Path, PathBuf};

use crate::output::folder::{write_folder, WriteError};

use crate::analysis::compare::Comparison;

pub use decision_html::thousands;
pub use files::{ResultsJson, RunsCsv, SummaryCsv, SummaryMarkdown, RESULTS_SCHEMA_VERSION};
pub use index_html::IndexHtml;

/// An input file of the comparison, for the record.
#[derive(Clone, Debug, serde::Serialize)]
pub struct InputFile {
    pub kind: &'static str,
    pub name: String,
    /// The path (for files given by path) or the repository path (for shipped files).
    pub source: String,
    pub sha256: String,
}

impl InputFile {
    pub fn new(kind: &'static str, name: &str, src: &crate::input::library::Source) -> Self {
        InputFile {
            kind,
            name: name.to_string(),
            source: src.label.clone(),
            sha256: sha256_hex(src.text.as_bytes()),
        }
    }
}

/// Everything a report file is made from.
pub struct Report<'a> {
    pub comparison: &'a Comparison,
    pub inputs: &'a [InputFile],
    pub command_line: &'a [String],
    /// More files for the folder (path inside it, bytes): gate results, sweep tables.
    pub extra: &'a [(String, Vec<u8>)],
    /// Each model's lint findings against the comparison's scenarios (one per model, in model
    /// order; empty when the model files are not at hand).
    pub lint: &'a [crate::analysis::consequence::ModelLint],
    /// What `raci-sim improve` found: its section opens index.html, its block summary.md, and
    /// its files (`output::improve::files`) go to `improve/`. `None` for every other report.
    pub improvement: Option<&'a crate::analysis::improve::Improvement>,
}

/// One output file of the report.
pub trait Exporter {
    fn file_name(&self) -> &'static str;
    fn render(&self, report: &Report) -> Vec<u8>;
}

/// Every file of the report folder, besides the plots.
pub fn exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(IndexHtml),
        Box::new(SummaryMarkdown),
        Box::new(SummaryCsv),
        Box::new(RunsCsv),
        Box::new(ResultsJson),
    ]
}

/// The SVG plots, by file name (in `plots/`): every chart of [`plots::charts`].
pub fn plot_files(c: &Comparison) -> Vec<(String, String)> {
    plots::charts(c)
        .into_iter()
        .map(|chart| (chart.file(), chart.render(c)))
        .collect()
}

/// Writes the report into `dir` with the safe folder writer ([`folder::write_folder`]): an
/// existing `dir` is replaced only when raci-sim wrote it (or `force`), and only once the new
/// one is complete; on any error nothing at `dir` changes.
pub fn write_report(dir: &Path, report: &Report, force: bool) -> Result<(), WriteError> {
    let mut files: Vec<(String, Vec<u8>)> = exporters()
        .iter()
        .map(|e| (e.file_name().to_string(), e.render(report)))
        .collect();
    for (file, svg) in plot_files(report.comparison) {
        files.push((format!("plots/{file}"), svg.into_bytes()));
    }
    if let Some(imp) = report.improvement {
        files.extend(crate::output::improve::files(imp));
    }
    files.extend(report.extra.iter().cloned());
    write_folder(dir, &files, force)
}

/// The default report folder for a comparison: timestamp-free, named by its inputs.
pub fn default_dir(c: &Comparison, all_shipped: bool) -> PathBuf {
    use sha2::{Digest, Sha256};
    let base = if all_shipped {
        "shipped-library".to_string()
    } else {
        let mut h = Sha256::new();
        for m in &c.models {
            h.update(m.name.as_bytes());
            h.update([0]);
        }
        for s in &c.scenarios {
            h.update(s.scenario.name.as_bytes());
            h.update([1]);
        }
        let hex: String = h
            .finalize()
            .iter()
            .take(4)
            .map(|b| format!("{b:02x}"))
            .collect();
        format!(
            "{}-vs-{}-models-on-{}-scenarios-{hex}",
            slug(&c.models[c.baseline].name),
            c.models.len(),
            c.scenarios.len()
        )
    };
    PathBuf::from("reports").join(format!("{base}-seed-{}-runs-{}", c.seed, c.runs))
}

/// A file-name-safe form of a name.
pub fn slug(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "model".into()
    } else {
        out.chars().take(40).collect()
    }
}

/// SHA-256 of some bytes, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

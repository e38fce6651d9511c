//! Everything raci-sim writes: the terminal text (`text`, `table`, and the decision in `decision_text`), the report folder (`report`), event
//! logs (`eventlog`), per-run records and the credential table (`runs`), tabletop packs (`tabletop`), gate results as JUnit and Markdown (`gate`), where a report comes from (`provenance`),
//! and what they share: escaping for each format (`escape`), folding per-team plots past 30
//! teams (`fold`), and the only writer of folders and files (`folder`, with `confine` for a
//! study's `out:`).

pub mod confine;
pub mod decision_text;
pub mod escape;
pub mod eventlog;
pub mod fold;
pub mod folder;
pub mod gate;
pub mod improve;
pub mod json_doc;
mod manifest;
pub mod model_ron;
pub mod provenance;
pub mod report;
pub mod runs;
pub mod sheet;
pub mod table;
pub mod tabletop;
pub mod text;

pub use folder::{
    check_file_target, check_new_file_target, check_target, write_file, write_folder,
    write_new_file, Refusal, WriteError, MARKER,
};
pub use report::{
    default_dir, exporters, plot_files, sha256_hex, slug, write_report, InputFile, Report,
    RESULTS_SCHEMA_VERSION,
};

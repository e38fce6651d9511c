//! docs/findings.md holds the tool's own output: regenerate the table and compare.

use raci_sim::engine::batch::{run_library, DEFAULT_SEED};
use raci_sim::output::text::findings_markdown;

const BEGIN: &str =
    "<!-- BEGIN GENERATED: cargo run --release -- table --runs 1000 --format markdown -->\n";
const END: &str = "<!-- END GENERATED -->";

#[test]
fn findings_table_matches_what_the_tool_prints_today() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/findings.md"))
        .expect("docs/findings.md");
    let start = doc.find(BEGIN).expect("begin marker") + BEGIN.len();
    let end = doc.find(END).expect("end marker");
    let fresh = findings_markdown(&run_library(1000, DEFAULT_SEED).expect("library runs"));
    assert!(
        doc[start..end] == fresh,
        "docs/findings.md is stale: regenerate the table with \
         `cargo run --release -- table --runs 1000 --format markdown` and re-read the prose"
    );
}

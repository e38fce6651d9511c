//! `replay/pack.ron`: which run of which inputs a tabletop pack was made from, read back by
//! `raci-sim tabletop replay` with the copies of the scenario and model next to it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::engine::budget::MAX_RUNS;
use crate::input::check::Checker;
use crate::input::{clip, parse_ron, read_text_limited, LoadError, MAX_INPUT_BYTES};

/// Version of `replay/pack.ron` this build writes and reads.
pub const PACK_VERSION: u32 = 1;

/// `replay/pack.ron` as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    pub version: u32,
    /// The scenario's and the model's names (as their files give them).
    pub scenario: String,
    pub model: String,
    pub seed: u64,
    /// The picked run.
    pub run: u64,
    /// Runs in the batch the pick was made from.
    pub runs: u64,
    /// The pick as `--pick` takes it.
    pub pick: String,
    /// The copies of the inputs, file names in the same folder.
    pub scenario_file: String,
    pub model_file: String,
}

/// A pack's replay inputs, read.
pub struct ReplayPack {
    pub pack: PackFile,
    /// (label, text) of the scenario and of the model copies.
    pub scenario: (String, String),
    pub model: (String, String),
}

/// Reads `PACK/replay/pack.ron` and the copies it names.
pub fn read_pack(pack_dir: &Path) -> Result<ReplayPack, LoadError> {
    let dir = pack_dir.join("replay");
    let path = dir.join("pack.ron");
    if !path.is_file() {
        return Err(LoadError::NotFound {
            kind: "tabletop pack",
            name: clip(&pack_dir.to_string_lossy()),
            help: Some(
                "give the folder `raci-sim tabletop` wrote: it holds replay/pack.ron".into(),
            ),
        });
    }
    let label = path.to_string_lossy().into_owned();
    let text = read_text_limited(&path, MAX_INPUT_BYTES as u64)?;
    let pack: PackFile = parse_ron(&label, &text)?;
    check(&label, &text, &pack)?;
    let read = |name: &str| -> Result<(String, String), LoadError> {
        let p: PathBuf = dir.join(name);
        let label = p.to_string_lossy().into_owned();
        let text = read_text_limited(&p, MAX_INPUT_BYTES as u64)?;
        Ok((label, text))
    };
    Ok(ReplayPack {
        scenario: read(&pack.scenario_file)?,
        model: read(&pack.model_file)?,
        pack,
    })
}

fn check(label: &str, text: &str, pack: &PackFile) -> Result<(), LoadError> {
    let mut c = Checker::new(label, text);
    if pack.version != PACK_VERSION {
        c.error(
            "version",
            format!(
                "pack version {} is not one this build reads ({PACK_VERSION})",
                pack.version
            ),
            Some("make the pack again with this build's `raci-sim tabletop`".into()),
        );
    }
    if pack.run >= MAX_RUNS {
        c.error(
            "run",
            format!("run {} is not below {MAX_RUNS}", pack.run),
            None,
        );
    }
    if !(1..=MAX_RUNS).contains(&pack.runs) {
        c.error(
            "runs",
            format!("runs {} is not from 1 to {MAX_RUNS}", pack.runs),
            None,
        );
    }
    for (field, name) in [
        ("scenario_file", &pack.scenario_file),
        ("model_file", &pack.model_file),
    ] {
        let plain = !name.is_empty()
            && name != "."
            && name != ".."
            && !name.contains(['/', '\\'])
            && !name.chars().any(char::is_control);
        if !plain {
            c.error(
                field,
                format!("\"{}\" is not a file name next to pack.ron", clip(name)),
                Some("the pack's copies are replay/scenario.ron and replay/model.ron".into()),
            );
        }
    }
    c.finish(())
}

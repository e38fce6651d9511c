//! raci-sim: an offline tabletop simulator and ownership-model tester for identity threat
//! response. Data flows one way, one folder a stage:
//! files -> validated inputs (`input`) -> simulated runs (`engine`) -> aggregates, comparisons,
//! gates (`analysis`) -> reports, logs and packs (`output`). `domain` is the vocabulary they
//! share; the binary's commands live in `src/cli/`.

pub mod analysis;
pub mod domain;
pub mod engine;
pub mod fuzzing;
pub mod input;
pub mod output;

/// The git commit this binary was built from (40 hex digits, `-dirty` when its sources differed
/// from that commit), or `None` when built without git or outside a checkout. Set by build.rs.
pub const BUILD_COMMIT: Option<&str> = option_env!("RACI_SIM_BUILD_COMMIT");

//! The serde types mirroring a study file, field for field, `deny_unknown_fields` throughout.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use super::GateMetric;
use crate::domain::duration::parse_duration;
use crate::domain::Plane;

#[derive(Debug, Deserialize)]
#[serde(rename = "Study", deny_unknown_fields)]
pub(super) struct StudyFile {
    pub(super) name: String,
    pub(super) models: Vec<String>,
    pub(super) scenarios: Vec<String>,
    #[serde(default)]
    pub(super) baseline: Option<String>,
    #[serde(default = "default_runs")]
    pub(super) runs: u64,
    #[serde(default = "default_seed")]
    pub(super) seed: u64,
    #[serde(default)]
    pub(super) out: Option<String>,
    #[serde(default)]
    pub(super) gates: Vec<GateFile>,
    #[serde(default)]
    pub(super) sweep: Vec<AxisFile>,
    #[serde(default)]
    pub(super) practical: Option<PracticalFile>,
}

/// The practical thresholds of verdicts; every field optional (defaults in `Practical`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename = "Practical", deny_unknown_fields)]
pub(super) struct PracticalFile {
    #[serde(default)]
    pub(super) time: Option<String>,
    #[serde(default)]
    pub(super) relative_percent: Option<f64>,
    #[serde(default)]
    pub(super) share_points: Option<f64>,
    #[serde(default)]
    pub(super) count: Option<f64>,
}

fn default_runs() -> u64 {
    2000
}
fn default_seed() -> u64 {
    crate::engine::batch::DEFAULT_SEED
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Gate", deny_unknown_fields)]
pub(super) struct GateFile {
    #[serde(default)]
    pub(super) name: Option<String>,
    pub(super) metric: GateMetric,
    #[serde(default)]
    pub(super) scenario: Option<String>,
    #[serde(default)]
    pub(super) model: Option<String>,
    #[serde(default)]
    pub(super) at_most: Option<Threshold>,
    #[serde(default)]
    pub(super) at_least: Option<Threshold>,
    /// Relative tolerance, e.g. 0.10 for "no worse than the baseline by more than 10%".
    #[serde(default)]
    pub(super) no_worse_than_baseline_by: Option<f64>,
    /// The effect the runs must resolve (a duration for time metrics, a number otherwise).
    #[serde(default)]
    pub(super) detect: Option<Threshold>,
    /// The sweep point the gate applies at: one value for every axis of the sweep.
    #[serde(default)]
    pub(super) at: Option<Vec<AtFile>>,
}

/// One coordinate of a gate's sweep point: a swept parameter and one of its axis's values.
#[derive(Debug, Deserialize)]
#[serde(rename = "At", deny_unknown_fields)]
pub(super) struct AtFile {
    pub(super) parameter: ParameterFile,
    pub(super) value: Threshold,
}

/// A threshold: a number, or a duration string for time metrics.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Threshold {
    Number(f64),
    Seconds(u64),
}

impl<'de> Deserialize<'de> for Threshold {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Threshold;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, or a duration such as \"4h\"")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Threshold, E> {
                Ok(Threshold::Number(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Threshold, E> {
                Ok(Threshold::Number(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Threshold, E> {
                Ok(Threshold::Number(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Threshold, E> {
                parse_duration(v).map(Threshold::Seconds).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Axis", deny_unknown_fields)]
pub(super) struct AxisFile {
    pub(super) parameter: ParameterFile,
    pub(super) values: Vec<Threshold>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Parameter", deny_unknown_fields)]
pub(super) enum ParameterFile {
    TeamStaff { team: String },
    EscalationTimeout,
    PageLatency { team: String },
    Diffusion,
    InventoryAccuracy { team: String, plane: Plane },
}

//! `--baseline results.json`: an earlier run's per-model means, checked before anything is
//! simulated against what the study's baseline gates need.

use crate::input::study::{Rule, Study};
use crate::input::{clip, Diagnostic, LoadError};

/// Recorded per-model means from an earlier results.json, for `--baseline results.json`.
pub struct RecordedBaseline(pub serde_json::Value);

impl RecordedBaseline {
    /// The recorded mean of `key` for `model` on `scenario`: `None` when the results do not
    /// hold the metric, `Some(None)` when they recorded no data for it (`null`: no runs of the
    /// kind it needs, e.g. no benign runs for wrongful revocations).
    pub fn mean(&self, scenario: &str, model: &str, key: &str) -> Option<Option<f64>> {
        let d = self
            .model(scenario, model)?
            .get("differences_from_baseline")?
            .as_array()?
            .iter()
            .find(|d| d["metric"] == key)?;
        let mean = d.get("model_mean")?;
        if mean.is_null() {
            Some(None)
        } else {
            mean.as_f64().map(Some)
        }
    }

    fn scenarios(&self) -> &[serde_json::Value] {
        (self.0.get("scenarios").and_then(|s| s.as_array())).map_or(&[], Vec::as_slice)
    }

    fn scenario(&self, name: &str) -> Option<&serde_json::Value> {
        self.scenarios().iter().find(|s| s["name"] == name)
    }

    fn models(&self, scenario: &str) -> &[serde_json::Value] {
        (self.scenario(scenario))
            .and_then(|s| s.get("models")?.as_array())
            .map_or(&[], Vec::as_slice)
    }

    fn model(&self, scenario: &str, model: &str) -> Option<&serde_json::Value> {
        self.models(scenario).iter().find(|m| m["model"] == model)
    }

    /// Checks a parsed results.json (`file` names it in messages): its schema version, then
    /// every scenario, model and metric the study's baseline gates hold to it.
    pub fn check(file: &str, v: serde_json::Value, study: &Study) -> Result<Self, LoadError> {
        let version = crate::output::RESULTS_SCHEMA_VERSION;
        match v.get("schema_version") {
            Some(found) if found.as_u64() == Some(version as u64) => {}
            found => {
                let what = match found {
                    None => "has no `schema_version`".to_string(),
                    Some(f) => format!("has `schema_version` {}", clip(&f.to_string())),
                };
                return Err(invalid(
                    file,
                    format!("{what}: not a results.json this raci-sim reads (schema version {version})"),
                    "give the results.json of a `raci-sim study` or `check` run by this version, built from the same study",
                ));
            }
        }
        let rec = RecordedBaseline(v);
        for g in study.gates.iter() {
            if !matches!(g.rule, Rule::NoWorseThanBaseline(_)) {
                continue;
            }
            if g.point != 0 {
                return Err(invalid(
                    file,
                    format!(
                        "gate `{}` ({}) is at a sweep point ({}), and a results.json records only the study's own models",
                        clip(&g.name),
                        g.field,
                        g.at_label()
                    ),
                    "hold sweep points to the study's baseline model (run check without --baseline), or drop the gate's `at`",
                ));
            }
            let key = g.metric.paired_key().expect("checked at load");
            for s in scenarios_of(study, g.scenario) {
                for m in models_of(study, g.model) {
                    rec.has(file, s, m, key)?;
                }
            }
        }
        Ok(rec)
    }

    /// An error unless the results hold `key` for `model` on `scenario`.
    fn has(&self, file: &str, scenario: &str, model: &str, key: &str) -> Result<(), LoadError> {
        let list = |v: &[serde_json::Value], field: &str| {
            let names: Vec<String> = (v.iter())
                .filter_map(|x| x.get(field)?.as_str().map(|s| format!("`{}`", clip(s))))
                .collect();
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        };
        let help = "build the baseline results.json from the same study file (the models keep their names), e.g. `raci-sim study STUDY` on the base branch";
        if self.scenario(scenario).is_none() {
            let message = format!(
                "has no results for scenario `{}`; it holds scenarios {}",
                clip(scenario),
                list(self.scenarios(), "name")
            );
            return Err(invalid(file, message, help));
        }
        if self.model(scenario, model).is_none() {
            let message = format!(
                "has no results for model `{}` on scenario `{}`; it holds models {}",
                clip(model),
                clip(scenario),
                list(self.models(scenario), "model")
            );
            return Err(invalid(file, message, help));
        }
        if self.mean(scenario, model, key).is_none() {
            let message = format!(
                "has no `{key}` mean for model `{}` on scenario `{}`",
                clip(model),
                clip(scenario)
            );
            return Err(invalid(file, message, help));
        }
        Ok(())
    }
}

/// The scenario names a gate spans.
fn scenarios_of(study: &Study, named: Option<usize>) -> Vec<&str> {
    match named {
        Some(s) => vec![study.scenarios[s].name.as_str()],
        None => study.scenarios.iter().map(|s| s.name.as_str()).collect(),
    }
}

/// The model names a baseline gate held to a recorded baseline spans (every model: each is
/// held to its own recorded results).
fn models_of(study: &Study, named: Option<usize>) -> Vec<&str> {
    match named {
        Some(m) => vec![study.models[m].name.as_str()],
        None => study.models.iter().map(|m| m.name.as_str()).collect(),
    }
}

fn invalid(file: &str, message: String, help: &str) -> LoadError {
    LoadError::Invalid(vec![Diagnostic {
        file: file.to_string(),
        line: 1,
        col: 1,
        field: String::new(),
        message,
        help: Some(help.to_string()),
    }])
}

//! The scenarios and models shipped with the tool, embedded in the binary so they work by name
//! from any directory. Any other file is read by path.

use std::path::Path;

use crate::input::{
    clip, closest, file::ModelFile, file::ScenarioFile, parse_ron, read_text_limited,
    validate_model, validate_scenario, LoadError, Model, Scenario, MAX_INPUT_BYTES,
};

/// A shipped file: its name (file stem), its path in the repository, and its text.
pub struct Shipped {
    pub name: &'static str,
    pub path: &'static str,
    pub text: &'static str,
}

macro_rules! shipped {
    ($dir:literal: $($name:literal),+ $(,)?) => {
        &[$(Shipped {
            name: $name,
            path: concat!($dir, $name, ".ron"),
            text: include_str!(concat!("../../", $dir, $name, ".ron")),
        }),+]
    };
}

/// Shipped breach scenarios.
pub const SCENARIOS: &[Shipped] = shipped![
    "scenarios/":
    "compromised-service-account",
    "replayed-token",
    "agent-privilege-chaining",
    "alert-storm-cover",
    "benign-lookalike-automation",
    "break-glass-misuse",
    "contractor-end-of-engagement",
    "dormant-account-activation",
    "insider-bulk-export",
    "orphaned-nhi-key",
    "outsourced-provider-credential",
    "privileged-api-key-outside-window",
    "shared-service-account-stale-owner",
    "user-to-workload-compromise",
];

/// Shipped ownership models.
pub const MODELS: &[Shipped] = shipped![
    "scenarios/models/":
    "split-iam-security",
    "three-way-decision-rights",
    "single-incident-lead",
    "cross-channel-identity-assurance",
    "hub-and-spoke",
    "anti-approval-committee",
    "anti-iam-without-authority",
    "anti-siloed-human-nhi",
    "anti-soc-owns-hygiene",
];

/// Shipped incident scenarios, rebuilt from public incident reports (docs/incidents.md). They
/// load by name like the library but are not part of the default every-model-on-every-scenario
/// job: each is meant for its own pair of models.
pub const INCIDENT_SCENARIOS: &[Shipped] = shipped![
    "scenarios/incidents/":
    "okta-support-2023",
    "uber-2022",
    "snowflake-unc5537-2024",
    "dropbox-sign-2024",
];

/// Shipped incident models: for each incident, the organisation as the record shows it and the
/// same organisation with the incident's lessons.
pub const INCIDENT_MODELS: &[Shipped] = shipped![
    "scenarios/incidents/models/":
    "okta-support-2023-as-it-was",
    "okta-support-2023-lessons-learned",
    "uber-2022-as-it-was",
    "uber-2022-lessons-learned",
    "snowflake-unc5537-2024-as-it-was",
    "snowflake-unc5537-2024-lessons-learned",
    "dropbox-sign-2024-as-it-was",
    "dropbox-sign-2024-lessons-learned",
];

/// Every shipped scenario a name can load: the library, then the incidents.
pub fn all_scenarios() -> impl Iterator<Item = &'static Shipped> {
    SCENARIOS.iter().chain(INCIDENT_SCENARIOS)
}

/// Every shipped model a name can load: the library, then the incidents.
pub fn all_models() -> impl Iterator<Item = &'static Shipped> {
    MODELS.iter().chain(INCIDENT_MODELS)
}

/// The text of an input and where it came from.
pub struct Source {
    /// How errors name it: the repository path of a shipped file, or the path given.
    pub label: String,
    pub text: std::borrow::Cow<'static, str>,
}

/// Reads a scenario by shipped name or path, without parsing it.
pub fn scenario_source(name_or_path: &str) -> Result<Source, LoadError> {
    read("scenario", [SCENARIOS, INCIDENT_SCENARIOS], name_or_path)
}

/// Reads a model by shipped name or path, without parsing it.
pub fn model_source(name_or_path: &str) -> Result<Source, LoadError> {
    read("model", [MODELS, INCIDENT_MODELS], name_or_path)
}

/// Reads `name_or_path`: a shipped name (`replayed-token`), or a file path.
fn read(
    kind: &'static str,
    shipped: [&'static [Shipped]; 2],
    name_or_path: &str,
) -> Result<Source, LoadError> {
    let shipped = shipped.into_iter().flatten();
    if let Some(s) = shipped.clone().find(|s| s.name == name_or_path) {
        return Ok(Source {
            label: s.path.to_string(),
            text: s.text.into(),
        });
    }
    let path = Path::new(name_or_path);
    if path.exists() {
        let text = read_text_limited(path, MAX_INPUT_BYTES as u64)?;
        return Ok(Source {
            label: name_or_path.to_string(),
            text: text.into(),
        });
    }
    Err(LoadError::NotFound {
        kind,
        name: clip(name_or_path),
        help: Some(match closest(name_or_path, shipped.map(|s| s.name)) {
            Some(best) => {
                format!("did you mean `{best}`? `raci-sim list` shows every shipped file")
            }
            None => "`raci-sim list` shows every shipped file; give a path for your own".into(),
        }),
    })
}

/// Loads and validates a scenario by shipped name or path.
pub fn load_scenario(name_or_path: &str) -> Result<Scenario, LoadError> {
    let s = scenario_source(name_or_path)?;
    parse_scenario(&s.label, &s.text)
}

/// Loads and validates a model by shipped name or path.
pub fn load_model(name_or_path: &str) -> Result<Model, LoadError> {
    let s = model_source(name_or_path)?;
    parse_model(&s.label, &s.text)
}

/// Parses and validates scenario text; `label` names it in errors.
pub fn parse_scenario(label: &str, text: &str) -> Result<Scenario, LoadError> {
    let file: ScenarioFile = parse_ron(label, text)?;
    validate_scenario(label, text, file)
}

/// Parses and validates model text; `label` names it in errors.
pub fn parse_model(label: &str, text: &str) -> Result<Model, LoadError> {
    let file: ModelFile = parse_ron(label, text)?;
    validate_model(label, text, file)
}

//! `raci-sim lint`: a model's ownership gaps, alone and against scenarios.

use std::process::ExitCode;

use anyhow::Result;

use raci_sim::analysis::lint::{lint, render_text, Finding, Level};
use raci_sim::input::library::{load_scenario, model_source, parse_model, SCENARIOS};

use super::terminal::{out, outln};

#[derive(clap::Args)]
pub struct LintArgs {
    /// Shipped model name or path.
    model: String,
    /// Scenarios to check it against (shipped names or paths).
    #[arg(long = "scenario", num_args = 1..)]
    scenarios: Vec<String>,
    /// Check against every shipped scenario.
    #[arg(long, conflicts_with = "scenarios")]
    all_scenarios: bool,
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    format: LintFormat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LintFormat {
    Text,
    Json,
}

/// Lint exit codes: 0 no error-level finding, 1 at least one, 2 unreadable input.
pub fn run(a: LintArgs) -> Result<ExitCode> {
    let src = model_source(&a.model)?;
    let m = parse_model(&src.label, &src.text)?;
    let names: Vec<String> = if a.all_scenarios {
        SCENARIOS.iter().map(|s| s.name.to_string()).collect()
    } else {
        a.scenarios
    };
    let scenarios = names
        .iter()
        .map(|s| load_scenario(s))
        .collect::<Result<Vec<_>, _>>()?;
    let findings = lint(&m, &src.label, &src.text, &scenarios);
    match a.format {
        LintFormat::Text => out(&render_text(&findings)),
        LintFormat::Json => {
            #[derive(serde::Serialize)]
            struct Doc<'a> {
                schema_version: u32,
                model: &'a str,
                findings: &'a [Finding],
            }
            let doc = Doc {
                schema_version: 1,
                model: &m.name,
                findings: &findings,
            };
            let json = serde_json::to_string_pretty(&doc).expect("plain data");
            outln!("{}", raci_sim::output::escape::json_for_html(json));
        }
    }
    Ok(if findings.iter().any(|f| f.level == Level::Error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

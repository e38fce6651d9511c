//! Every shipped scenario runs against every shipped model, and every shipped file says where
//! its values come from.

use raci_sim::engine::batch::{run_batch, BatchOptions};
use raci_sim::engine::DEFAULT_MAX_EVENTS;
use raci_sim::input::library::{load_model, load_scenario, MODELS, SCENARIOS};

#[test]
fn every_shipped_scenario_runs_against_every_shipped_model() {
    assert!(
        SCENARIOS.len() >= 14,
        "the library promises at least 14 scenarios"
    );
    assert!(MODELS.len() >= 9, "five seed models and four anti-patterns");
    for s in SCENARIOS {
        let sc = load_scenario(s.name).unwrap_or_else(|e| panic!("{}: {e}", s.path));
        for m in MODELS {
            let model = load_model(m.name).unwrap_or_else(|e| panic!("{}: {e}", m.path));
            let batch = run_batch(
                &sc,
                &model,
                BatchOptions {
                    first: 0,
                    runs: 20,
                    seed: 1,
                    keep_runs: true,
                    max_events: DEFAULT_MAX_EVENTS,
                },
                |_| {},
            )
            .unwrap_or_else(|e| panic!("{} x {}: {e}", s.name, m.name));
            assert_eq!(batch.runs.len(), 20);
            for r in &batch.runs {
                if let Some(t) = r.time_to_containment {
                    assert!(
                        t <= sc.horizon,
                        "{} x {}: contained after the horizon",
                        s.name,
                        m.name
                    );
                }
                assert!(r.attack || r.time_to_containment.is_none());
            }
        }
    }
}

#[test]
fn every_shipped_file_cites_its_sources_and_labels_assumptions() {
    for f in SCENARIOS.iter().chain(MODELS) {
        assert!(
            f.text.contains("docs/sources/seed-articles.md#seed-"),
            "{} cites no seed article",
            f.path
        );
        assert!(
            f.text.contains("[assumption]"),
            "{} labels no assumption",
            f.path
        );
        assert!(
            f.text.contains("sources:"),
            "{} has no sources field",
            f.path
        );
    }
    for f in SCENARIOS {
        assert!(
            f.text.contains("[sourced:"),
            "{} labels no value as sourced from a public figure or seed",
            f.path
        );
    }
}

#[test]
fn shipped_names_match_the_names_inside_the_files() {
    for s in SCENARIOS {
        assert_eq!(load_scenario(s.name).unwrap().name, s.name, "{}", s.path);
    }
    for m in MODELS {
        assert_eq!(load_model(m.name).unwrap().name, m.name, "{}", m.path);
    }
}

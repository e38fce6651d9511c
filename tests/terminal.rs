//! What the terminal shows: the comparison table fits in 100 columns and lists each scenario's
//! models in the report's ranking order; no share in a run summary or table reads above 100%.

use raci_sim::analysis::compare::{compare, Comparison};
use raci_sim::engine::batch::{run_batch, BatchOptions};
use raci_sim::engine::DEFAULT_MAX_EVENTS;
use raci_sim::input::library::{
    all_models, all_scenarios, load_model, load_scenario, parse_model, MODELS, SCENARIOS,
};
use raci_sim::output::table::WIDTH;
use raci_sim::output::text::{comparison_table, summary_table, summary_text};

fn library(runs: u64) -> Comparison {
    let scenarios = SCENARIOS.iter().map(|s| load_scenario(s.name).unwrap());
    let models = MODELS.iter().map(|m| load_model(m.name).unwrap());
    compare(
        scenarios.collect(),
        models.collect(),
        0,
        runs,
        7,
        Default::default(),
        DEFAULT_MAX_EVENTS,
        |_| {},
    )
    .expect("runs")
}

fn assert_fits(table: &str) {
    for line in table.lines() {
        assert!(
            line.chars().count() <= WIDTH,
            "{} columns: {line:?}",
            line.chars().count()
        );
    }
}

/// The data lines of each block: (rank text, model text), by scenario heading.
fn blocks(table: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let mut lines = table.lines().peekable();
    while let Some(heading) = lines.next() {
        if heading.is_empty() {
            continue;
        }
        let mut rows = Vec::new();
        // Two header lines and the rule, then rows until a blank line.
        for _ in 0..3 {
            lines.next();
        }
        while let Some(l) = lines.next_if(|l| !l.is_empty()) {
            if l.starts_with(' ') {
                continue; // the second line of a wrapped cell
            }
            let mut words = l.split_whitespace();
            let rank = words.next().unwrap().to_string();
            let model = words.next().unwrap().to_string();
            rows.push((rank, model));
        }
        out.push((heading.to_string(), rows));
    }
    out
}

/// A name as the table shows it: whole, or cut with an ellipsis.
fn shows(cell: &str, name: &str) -> bool {
    cell == name || cell.strip_suffix('…').is_some_and(|p| name.starts_with(p))
}

#[test]
fn the_comparison_table_fits_in_100_columns_in_ranking_order() {
    let c = library(30);
    let table = comparison_table(&c);
    assert_fits(&table);
    // The decision and its warnings under the table fit too (30 runs: every warning shows).
    let decision = raci_sim::output::decision_text::decision_lines(&c);
    assert!(
        decision.contains("too few runs for restricted mean TTC"),
        "{decision}"
    );
    assert_fits(&decision);
    let blocks = blocks(&table);
    assert_eq!(blocks.len(), c.scenarios.len());
    let mut ties = 0;
    let mut cut = 0;
    for ((heading, rows), s) in blocks.iter().zip(&c.scenarios) {
        assert_eq!(heading, &s.scenario.name);
        assert_eq!(rows.len(), s.ranking.len(), "{heading}");
        for ((rank, model), r) in rows.iter().zip(&s.ranking) {
            assert!(
                shows(model, &r.model),
                "{heading}: {model} is not {}",
                r.model
            );
            cut += usize::from(model.ends_with('…'));
            let shared = s.ranking.iter().filter(|x| x.rank == r.rank).count() > 1;
            let want = format!("{}{}", if shared { "=" } else { "" }, r.rank);
            assert_eq!(rank, &want, "{heading}: {}", r.model);
            ties += usize::from(shared);
        }
        // The report's order: ranks never go down.
        assert!(s.ranking.windows(2).all(|w| w[0].rank <= w[1].rank));
    }
    assert!(
        ties > 0,
        "some ranks are shared at 30 runs: the '=' form is checked"
    );
    assert!(
        cut > 0,
        "some shipped names are cut: the ellipsis is checked"
    );
    assert!(table.contains("better") && table.contains("baseline"));
}

/// Names far longer than the table (and wide characters counted as one column each) still fit.
#[test]
fn long_model_names_are_cut_to_fit() {
    let long =
        "an ownership model whose name goes on and on, well past any terminal's edge — ünïcödé";
    let text = MODELS[0].text.replacen(
        &format!("name: \"{}\"", MODELS[0].name),
        &format!("name: {long:?}"),
        1,
    );
    let renamed = parse_model("long.ron", &text).unwrap();
    let c = compare(
        vec![load_scenario(SCENARIOS[0].name).unwrap()],
        vec![load_model(MODELS[1].name).unwrap(), renamed],
        0,
        20,
        3,
        Default::default(),
        DEFAULT_MAX_EVENTS,
        |_| {},
    )
    .unwrap();
    let table = comparison_table(&c);
    assert_fits(&table);
    assert!(table.contains("an ownership model whose"), "{table}");
    assert!(table.contains('…'), "{table}");
}

/// Every percentage printed, as a number.
fn percentages(text: &str) -> Vec<f64> {
    text.split(|c: char| c.is_whitespace() || c == '(' || c == ',' || c == ';')
        .filter_map(|w| w.strip_suffix('%'))
        .filter_map(|n| n.parse::<f64>().ok())
        .collect()
}

/// Over every shipped scenario and model (incidents too, in every pairing) at 40 runs: every
/// share of the summary lies in 0..=1, and no percentage of the run summary, or of the table,
/// reads above 100%. (Evidence by close once read 100.2% on okta-support-2023 with its
/// lessons-learned model: evidence of runs never closed was counted against no revocations.)
#[test]
fn no_share_reads_above_100_percent_for_any_shipped_pair() {
    let mut rows = Vec::new();
    for s in all_scenarios() {
        let sc = load_scenario(s.name).unwrap();
        for m in all_models() {
            let m = load_model(m.name).unwrap();
            let opts = BatchOptions {
                first: 0,
                runs: 40,
                seed: 11,
                keep_runs: false,
                max_events: DEFAULT_MAX_EVENTS,
            };
            let b = run_batch(&sc, &m, opts, |_| {}).unwrap();
            let sm = &b.summary;
            for (what, x) in [
                ("detected", sm.share_detected),
                ("contained", sm.share_contained),
                ("evicted", sm.share_evicted_at_horizon),
                ("re-entered", sm.share_re_entered),
                ("with missed", sm.share_with_missed),
                ("evidence", sm.evidence_completeness),
            ] {
                assert!(
                    (0.0..=1.0).contains(&x),
                    "{} {}: {what} {x}",
                    s.name,
                    m.name
                );
            }
            let text = summary_text(sm, &b.breakdown, &m);
            let shares = percentages(&text);
            assert!(shares.len() >= 5, "{text}");
            for p in shares {
                assert!(
                    (0.0..=100.0).contains(&p),
                    "{} {}: {p}%\n{text}",
                    s.name,
                    m.name
                );
            }
            rows.push(b.summary);
        }
    }
    let table = summary_table(&rows);
    assert_fits(&table);
    assert!(percentages(&table)
        .iter()
        .all(|p| (0.0..=100.0).contains(p)));
}

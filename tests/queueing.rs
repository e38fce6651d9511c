//! Analytic check: a team fed Poisson arrivals with exponential effort and c staff is an M/M/c
//! queue; its mean wait in queue must match Erlang C.

use raci_sim::engine::batch::{run_batch, BatchOptions};

use crate::common::{model, scenario};

/// Erlang C mean wait in queue, in the units of `mean_service`.
fn erlang_c_wait(lambda: f64, mean_service: f64, c: u32) -> f64 {
    let a = lambda * mean_service;
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / k as f64;
        }
        sum += term;
    }
    let top = term * a / c as f64 * (c as f64 / (c as f64 - a));
    let p_wait = top / (sum + top);
    p_wait * mean_service / (c as f64 - a)
}

#[test]
fn background_queue_matches_erlang_c_within_three_percent() {
    // A quiet attacker that stays in for the whole horizon keeps the run going.
    let sc = scenario(include_str!("fixtures/mmc-quiet-scenario.ron"));
    let m = model(include_str!("fixtures/mmc-model.ron"));
    let batch = run_batch(
        &sc,
        &m,
        BatchOptions {
            first: 0,
            runs: 200,
            seed: 3,
            keep_runs: false,
            max_events: 10_000_000,
        },
        |_| {},
    )
    .expect("runs");
    let bd = &batch.breakdown;
    let measured = bd.background_wait[0] as f64 / bd.background_jobs[0] as f64;
    // lambda = 6/h = 1/600 per s, service 21 min = 1260 s, c = 3: rho = 0.7.
    let expected = erlang_c_wait(1.0 / 600.0, 1260.0, 3);
    let err = (measured - expected).abs() / expected;
    eprintln!(
        "M/M/3: measured {measured:.1}s, Erlang C {expected:.1}s, {} jobs",
        bd.background_jobs[0]
    );
    assert!(
        err < 0.03,
        "M/M/3 mean wait {measured:.1}s vs Erlang C {expected:.1}s ({:.1}% off, {} jobs)",
        100.0 * err,
        bd.background_jobs[0]
    );
    // and the utilisation is rho = 0.7
    let util = bd.busy[0] as f64 / bd.capacity[0] as f64;
    assert!((util - 0.7).abs() < 0.02, "utilisation {util}");
}

#[test]
fn erlang_c_formula_matches_a_textbook_value() {
    // M/M/2 with a = 1 (rho = 0.5): P(wait) = 1/3, Wq = (1/3) / (2 - 1) = 1/3 service times.
    let w = erlang_c_wait(1.0, 1.0, 2);
    assert!((w - 1.0 / 3.0).abs() < 1e-12, "{w}");
}

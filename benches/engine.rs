//! Speed, measured here and never in tests.
//! - `engine/mmc-events`: the bare engine on an M/M/3 queue (background arrivals and service
//!   only), one core; throughput in events per second (SimPy does ~0.44 M/s on a comparable
//!   queueing model on this machine).
//! - `runs/<scenario>/<model>/<threads>t`: whole runs per second for each shipped pair, on a
//!   1-thread and a 2-thread rayon pool.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use raci_sim::engine::batch::{run_batch, BatchOptions};
use raci_sim::engine::metrics::Breakdown;
use raci_sim::engine::{simulate, Context, Workspace, DEFAULT_MAX_EVENTS};
use raci_sim::input::library::{
    load_model, load_scenario, parse_model, parse_scenario, MODELS, SCENARIOS,
};

const QUIET: &str = include_str!("../tests/fixtures/mmc-quiet-scenario.ron");

const MMC: &str = include_str!("../tests/fixtures/mmc-model.ron");

fn engine_events(c: &mut Criterion) {
    let sc = parse_scenario("quiet", QUIET).unwrap();
    let m = parse_model("mmc", MMC).unwrap();
    let ctx = Context::new(&sc, &m, 1);
    let mut ws = Workspace::new(&ctx);
    let mut bd = Breakdown::new(1, sc.credentials.len());
    const RUNS: u64 = 8;
    let events: u64 = (0..RUNS)
        .map(|r| simulate(&ctx, &mut ws, r, &mut bd, None).unwrap().events)
        .sum();
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(events));
    g.bench_function("mmc-events", |b| {
        b.iter(|| {
            for r in 0..RUNS {
                std::hint::black_box(simulate(&ctx, &mut ws, r, &mut bd, None).unwrap());
            }
        })
    });
    g.finish();
}

fn whole_runs(c: &mut Criterion) {
    const RUNS: u64 = 16_384;
    let mut g = c.benchmark_group("runs");
    g.throughput(Throughput::Elements(RUNS));
    for s in SCENARIOS {
        let sc = load_scenario(s.name).unwrap();
        for mf in MODELS {
            let m = load_model(mf.name).unwrap();
            for threads in [1, 2] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                g.bench_function(format!("{}/{}/{threads}t", s.name, mf.name), |b| {
                    b.iter(|| {
                        pool.install(|| {
                            run_batch(
                                &sc,
                                &m,
                                BatchOptions {
                                    first: 0,
                                    runs: RUNS,
                                    seed: 1,
                                    keep_runs: false,
                                    max_events: DEFAULT_MAX_EVENTS,
                                },
                                |_| {},
                            )
                            .unwrap()
                        })
                    })
                });
            }
        }
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = engine_events, whole_runs
}
criterion_main!(benches);

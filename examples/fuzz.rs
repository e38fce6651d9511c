//! Mutation fuzzer for raci-sim's loaders, validation, lint and engine.
//!
//!     cargo run --profile fuzz --example fuzz -- --seconds 600 --seed 1
//!
//! Starts from every shipped scenario and model plus tests/hostile/, mutates them, and runs
//! each input through `raci_sim::fuzzing::check`. A panic is a crash: the input is saved to
//! tests/hostile/crash-<hash>.ron (the regression test then replays it). An input slower
//! than two seconds is saved as slow-<hash>.ron. Prints executions, crashes and slow inputs.

use std::panic;
use std::path::Path;
use std::time::{Duration, Instant};

use raci_sim::fuzzing::{check, mutate};
use raci_sim::input::library::{MODELS, SCENARIOS};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map_or(default, |v| v.parse().expect("a whole number"))
}

fn main() {
    let seconds = arg("--seconds", 60);
    let seed = arg("--seed", 1);
    let corpus_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut corpus: Vec<Vec<u8>> = SCENARIOS
        .iter()
        .chain(MODELS)
        .map(|s| s.text.as_bytes().to_vec())
        .collect();
    if let Ok(dir) = std::fs::read_dir(&corpus_dir) {
        for e in dir.flatten() {
            if let Ok(b) = std::fs::read(e.path()) {
                corpus.push(b);
            }
        }
    }
    panic::set_hook(Box::new(|_| {}));
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut execs, mut crashes, mut slow, mut loaded) = (0u64, 0u64, 0u64, 0u64);
    while Instant::now() < deadline {
        let refs: Vec<&[u8]> = corpus.iter().map(|c| c.as_slice()).collect();
        let mut input = corpus[rng.random_range(0..corpus.len())].clone();
        for _ in 0..rng.random_range(1..5u32) {
            input = mutate(&mut rng, &input, &refs);
        }
        let started = Instant::now();
        let result = panic::catch_unwind(|| check(&input));
        let took = started.elapsed();
        execs += 1;
        let hash = raci_sim::output::sha256_hex(&input);
        match result {
            Err(_) => {
                crashes += 1;
                let path = corpus_dir.join(format!("crash-{}.ron", &hash[..12]));
                std::fs::write(&path, &input).expect("save crash");
                eprintln!("crash saved: {}", path.display());
            }
            Ok(o) => {
                if o.scenario_ok || o.model_ok {
                    loaded += 1;
                    // Inputs that still load are good seeds for deeper mutation.
                    if corpus.len() < 5000 {
                        corpus.push(input.clone());
                    }
                }
            }
        }
        if took > Duration::from_secs(2) {
            slow += 1;
            let path = corpus_dir.join(format!("slow-{}.ron", &hash[..12]));
            std::fs::write(&path, &input).expect("save slow input");
            eprintln!("slow input ({took:?}) saved: {}", path.display());
        }
    }
    println!(
        "fuzz: {execs} executions in {seconds}s ({:.0}/s), {loaded} still loaded after mutation, {crashes} crashes, {slow} slower than 2s",
        execs as f64 / seconds as f64
    );
    if crashes > 0 {
        std::process::exit(1);
    }
}

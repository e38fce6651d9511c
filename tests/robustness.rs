//! Hostile input: nothing panics, nothing hangs, absurd values get a clear error or run within
//! limits. Every file in tests/hostile/ (crashes the fuzzers found, and hand-made absurd
//! files) is replayed here as a scenario, a model, a study, a results.json and a shard.json.

use std::panic;
use std::path::Path;
use std::process::Command;

use raci_sim::fuzzing::{
    check, fuzz_baseline, fuzz_model, fuzz_scenario, fuzz_shard, fuzz_study, mutate,
};
use raci_sim::input::library::{parse_model, parse_scenario, MODELS, SCENARIOS};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// A loader's fuzz entry and what it loads.
type Entry = (&'static str, fn(&[u8]));

fn corpus_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

#[test]
fn every_corpus_file_replays_without_panic() {
    let mut n = 0;
    for e in std::fs::read_dir(corpus_dir()).unwrap() {
        let path = e.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        // Each entry asserts that any error text stays under 64 KB.
        let entries: [Entry; 5] = [
            ("scenario", fuzz_scenario),
            ("model", fuzz_model),
            ("study", fuzz_study),
            ("results.json", fuzz_baseline),
            ("shard.json", fuzz_shard),
        ];
        for (what, entry) in entries {
            let r = panic::catch_unwind(|| entry(&bytes));
            assert!(r.is_ok(), "{} panics as a {what}", path.display());
        }
        assert!(panic::catch_unwind(|| check(&bytes)).is_ok());
        n += 1;
    }
    assert!(n >= 8);
}

#[test]
fn mutated_shipped_files_never_panic() {
    let corpus: Vec<&[u8]> = SCENARIOS
        .iter()
        .chain(MODELS)
        .map(|s| s.text.as_bytes())
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut loaded = 0;
    for i in 0..400 {
        let mut input = corpus[i % corpus.len()].to_vec();
        for _ in 0..(1 + i % 2) {
            input = mutate(&mut rng, &input, &corpus);
        }
        let r = panic::catch_unwind(|| check(&input));
        let o =
            r.unwrap_or_else(|_| panic!("input {i} panics:\n{}", String::from_utf8_lossy(&input)));
        loaded += (o.scenario_ok || o.model_ok) as u32;
    }
    // The mutations must still reach validation and the engine, not only the parser.
    eprintln!("{loaded} of 400 mutated inputs loaded");
    assert!(loaded >= 30, "only {loaded} mutated inputs loaded");
}

#[test]
fn arbitrary_bytes_never_panic() {
    use rand::RngExt;
    let mut rng = ChaCha8Rng::seed_from_u64(8);
    for len in [0usize, 1, 2, 7, 64, 1000, 50_000] {
        let bytes: Vec<u8> = (0..len).map(|_| rng.random::<u8>()).collect();
        assert!(
            panic::catch_unwind(|| check(&bytes)).is_ok(),
            "{len} random bytes"
        );
        let ascii: Vec<u8> = bytes
            .iter()
            .map(|b| b" ()[]{}:,\"abc019_-."[*b as usize % 19])
            .collect();
        assert!(
            panic::catch_unwind(|| check(&ascii)).is_ok(),
            "{len} ascii bytes"
        );
    }
}

fn load_error(kind: &str, file: &str) -> String {
    let text = std::fs::read_to_string(corpus_dir().join(file)).unwrap();
    let e = match kind {
        "scenario" => parse_scenario(file, &text).err(),
        _ => parse_model(file, &text).err(),
    };
    e.expect("rejected").to_string()
}

#[test]
fn absurd_staff_is_rejected_with_a_clear_error() {
    let e = load_error("model", "absurd-staff-4-billion.ron");
    assert!(
        e.starts_with("absurd-staff-4-billion.ron:14:21: field `teams[0].staff`: staff must be between 1 and 10000, got 4294967295"),
        "{e}"
    );
}

#[test]
fn absurd_stage_count_is_rejected_with_a_clear_error() {
    let e = load_error("scenario", "absurd-3000-stages.ron");
    assert!(
        e.contains("field `stages`: 3000 entries, more than the limit of 2000"),
        "{e}"
    );
}

#[test]
fn absurd_background_load_is_rejected_as_overload() {
    let e = load_error("model", "absurd-background-flood.ron");
    assert!(e.contains("team \"soc\" is overloaded"), "{e}");
}

#[test]
fn deep_nesting_is_rejected_with_a_clear_error() {
    let e = load_error("scenario", "absurd-nested-10000.ron");
    assert!(e.starts_with("absurd-nested-10000.ron:1:"), "{e}");
    assert!(e.contains("syntax error") || e.contains("nesting"), "{e}");
}

#[test]
fn a_stage_repeating_every_second_for_a_year_stops_at_the_event_cap() {
    let out = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
        .args(["run"])
        .arg(corpus_dir().join("absurd-repeat-every-second.ron"))
        .args(["--model", "split-iam-security", "--runs", "2"])
        .output()
        .unwrap();
    // Inputs no run can finish: bad input, exit 2.
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("exceeded the cap of 5000000 events"),
        "{stderr}"
    );
}

#[test]
fn huge_random_and_deeply_nested_files_get_clear_errors_from_the_binary() {
    let dir = std::env::temp_dir().join(format!("raci-sim-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // 50 MB of pseudo-random bytes.
    let mut rng = ChaCha8Rng::seed_from_u64(50);
    let mut big = vec![0u8; 50 << 20];
    rand::Rng::fill_bytes(&mut rng, &mut big);
    let random = dir.join("random.ron");
    std::fs::write(&random, &big).unwrap();
    let nested = dir.join("nested.ron");
    std::fs::write(
        &nested,
        format!("Model({}{})", "[".repeat(10_000), "]".repeat(10_000)),
    )
    .unwrap();
    for (file, expect) in [
        (&random, "larger than the 1048576 byte limit"),
        (&nested, "syntax error"),
    ] {
        for args in [vec!["lint"], vec!["run", "replayed-token", "--model"]] {
            let out = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
                .args(&args)
                .arg(file)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?} {stderr}");
            assert!(stderr.starts_with("error: "), "{stderr}");
            assert!(stderr.contains(expect), "{stderr}");
            assert!(!stderr.contains("panicked"), "{stderr}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs the binary in the repository folder; (exit code, stderr).
fn raci_sim(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn a_two_byte_raw_string_opener_is_a_syntax_error_not_a_panic() {
    let file = "tests/hostile/ronpath-raw-string-r-hash.ron";
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
    assert_eq!(bytes, b"r#");
    let expected = format!(
        "error: {file}:1:1: syntax error: expected opening `(` for struct `Scenario`\n  \
         help: look for a missing comma, bracket, parenthesis or quote at or just before this point\n"
    );
    for args in [
        vec!["run", file, "--model", "split-iam-security"],
        vec!["trace", file, "--model", "split-iam-security"],
    ] {
        assert_eq!(raci_sim(&args), (Some(2), expected.clone()), "{args:?}");
    }
    let (code, stderr) = raci_sim(&["lint", file]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("expected opening `(` for struct `Model`"),
        "{stderr}"
    );
}

#[test]
fn business_hours_ending_before_they_start_with_background_work_is_an_error_not_an_overflow() {
    let file = "tests/hostile/overflow-business-hours-end-before-start.ron";
    assert_eq!(
        raci_sim(&["run", "replayed-token", "--model", file]),
        (
            Some(2),
            format!(
                "error: {file}:19:50: field `teams[1].coverage.end`: business hours must end after they start\n"
            )
        )
    );
}

#[test]
fn an_endless_file_is_refused_at_the_size_limit() {
    let start = std::time::Instant::now();
    let (code, stderr) = raci_sim(&["run", "/dev/zero", "--model", "split-iam-security"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        "error: /dev/zero:1:1: file is larger than the 1048576 byte limit for an input file\n  \
         help: input files are a few kilobytes; is this the right file?\n"
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(2));
    let (code, stderr) = raci_sim(&["check", "/dev/zero"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("larger than the 1048576 byte limit"),
        "{stderr}"
    );
}

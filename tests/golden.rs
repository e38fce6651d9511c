//! Behaviour pinned across refactoring: the SHA-256 of every file written by the default
//! command, a study with a sweep, a tabletop pack and the event logs (every format, both case
//! notions), recorded in `tests/golden/hashes.txt`. A change to any output fails here; when the
//! change is intended, rewrite the record with `UPDATE_GOLDEN=1 cargo test golden` and say why
//! in the commit.

use std::os::unix::process::CommandExt as _;
use std::path::Path;

use crate::output_safety::{raci_sim, tree};

/// Runs raci-sim as a user types it (argv[0] `raci-sim`, from the repository's root, writing
/// under a fixed relative path), so the command line recorded in reports is the same on every
/// machine.
fn run(args: &[&str], extra: &[&Path]) {
    let o = raci_sim()
        .arg0("raci-sim")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The build's commit in `bytes` replaced by fixed text: the full commit (results.json, the
/// provenance section) and the short one after "commit " (the basis line). Returns how many
/// were replaced.
pub fn mask_commit(bytes: &[u8], commit: &str) -> (Vec<u8>, usize) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return (bytes.to_vec(), 0);
    };
    let short = raci_sim::output::provenance::short_commit(Some(commit)).unwrap();
    let full_n = text.matches(commit).count();
    let text = text.replace(commit, "<commit>");
    let short_form = format!("commit {short}");
    let short_n = text.matches(&short_form).count();
    let text = text.replace(&short_form, "commit <short commit>");
    (text.into_bytes(), full_n + short_n)
}

/// A marker's text before its `files:` list.
fn marker_head(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    text.split("files:\n")
        .next()
        .unwrap_or("")
        .as_bytes()
        .to_vec()
}

/// `name/path sha256` for every file under `dir`, one a line, the commit masked; the files
/// that recorded the commit, with how often.
fn hashes(name: &str, dir: &Path, out: &mut String) -> Vec<(String, usize)> {
    let commit = raci_sim::BUILD_COMMIT.expect(
        "the golden record is of a build from a git checkout: build.rs records no commit here",
    );
    let mut masked = Vec::new();
    for (path, bytes) in tree(dir) {
        if !path.ends_with('/') {
            // The marker's file list hashes files that record the commit; those files are
            // pinned here one by one, so the marker is pinned without its list.
            let bytes = match path.ends_with(".raci-sim-output") {
                true => marker_head(&bytes),
                false => bytes,
            };
            let (bytes, n) = mask_commit(&bytes, commit);
            if n > 0 {
                masked.push((format!("{name}/{path}"), n));
            }
            out.push_str(&format!(
                "{name}/{path} {}\n",
                raci_sim::output::sha256_hex(&bytes)
            ));
        }
    }
    masked
}

#[test]
fn golden_outputs_are_unchanged() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let t = Path::new("target/golden-outputs");
    let _ = std::fs::remove_dir_all(root.join(t));
    let d = |n: &str| t.join(n);
    // The default command is `compare` over the whole shipped library, 2,000 runs each.
    run(&["compare", "--quiet", "--out"], &[&d("default")]);
    run(
        &["study", "docs/examples/study.ron", "--quiet", "--out"],
        &[&d("study")],
    );
    run(
        &[
            "tabletop",
            "compromised-service-account",
            "--model",
            "single-incident-lead",
            "--pick",
            "p90",
            "--vs",
            "cross-channel-identity-assurance",
            "--out",
        ],
        &[&d("tabletop")],
    );
    std::fs::create_dir(root.join(d("logs"))).unwrap();
    for (file, notion) in [
        ("incident.csv", "incident"),
        ("incident.xes", "incident"),
        ("task.csv", "task"),
        ("task.xes", "task"),
        ("ocel.jsonocel", "incident"),
    ] {
        let path = d("logs").join(file);
        run(
            &[
                "run",
                "replayed-token",
                "--model",
                "hub-and-spoke",
                "--runs",
                "200",
            ],
            &[
                Path::new("--case-notion"),
                Path::new(notion),
                Path::new("--event-log"),
                &path,
            ],
        );
    }
    let mut got = String::new();
    let mut masked = Vec::new();
    for name in ["default", "study", "tabletop", "logs"] {
        masked.extend(hashes(name, &root.join(d(name)), &mut got));
    }
    // Both reports record the commit: index.html twice (basis line, provenance), results.json
    // once; nothing else does. Without the mask these hashes would change with every commit.
    let want_masked: Vec<(String, usize)> = ["default", "study"]
        .iter()
        .flat_map(|r| {
            [
                (format!("{r}/index.html"), 2),
                (format!("{r}/results.json"), 1),
            ]
        })
        .collect();
    assert_eq!(masked, want_masked, "where the commit was masked");
    let record = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/hashes.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&record, &got).unwrap();
    }
    let want = std::fs::read_to_string(&record).unwrap();
    let differ: Vec<&str> = got
        .lines()
        .zip(want.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a)
        .collect();
    assert!(
        got.lines().count() == want.lines().count() && differ.is_empty(),
        "outputs changed ({} files now, {} recorded); first differences: {:?}",
        got.lines().count(),
        want.lines().count(),
        &differ[..differ.len().min(5)]
    );
    std::fs::remove_dir_all(root.join(t)).unwrap();
}

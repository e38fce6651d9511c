//! A report folder survives a kill at any moment (it is exactly the old one or exactly the new
//! one), a closed pipe ends every command quietly, and jobs too big for the memory budget are
//! refused before they start.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::run_replayed_token;
use crate::output_safety::{raci_sim, scratch, tree};

/// One SHA-256 over every path and its bytes.
fn hash(t: &BTreeMap<String, Vec<u8>>) -> String {
    let mut all = Vec::new();
    for (k, v) in t {
        all.extend_from_slice(k.as_bytes());
        all.push(0);
        all.extend_from_slice(&(v.len() as u64).to_le_bytes());
        all.extend_from_slice(v);
    }
    raci_sim::output::sha256_hex(&all)
}

fn compare_args(seed: &str) -> Vec<String> {
    [
        "compare",
        "--models",
        "split-iam-security",
        "hub-and-spoke",
        "anti-approval-committee",
        "--scenarios",
        "replayed-token",
        "compromised-service-account",
        "--runs",
        "1500",
        "--quiet",
        "--seed",
        seed,
        "--out",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// The temporary folders of writes to `parent/report` (a killed write leaves its own).
fn temporaries(parent: &Path) -> Vec<std::ffi::OsString> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with(".report.raci-sim-tmp-"))
        .collect()
}

/// Starts `compare` into `dir` and returns it with the moment its temporary folder appeared.
fn start_writing(dir: &Path, seed: &str) -> (std::process::Child, Instant) {
    let parent = dir.parent().unwrap();
    let before = temporaries(parent);
    let mut child = raci_sim()
        .args(compare_args(seed))
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while temporaries(parent).iter().all(|n| before.contains(n)) {
        // On a loaded machine the whole write (temporary folder to swap) can fall between two
        // polls: the child has then finished, successfully, and the write is over.
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "the write failed: {status}");
            break;
        }
        assert!(Instant::now() < deadline, "the write never started");
        std::thread::sleep(Duration::from_micros(200));
    }
    (child, Instant::now())
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn a_kill_at_any_moment_leaves_exactly_the_old_report_or_exactly_the_new_one() {
    let t = scratch("kill");
    let work = t.join("work");
    std::fs::create_dir(&work).unwrap();
    let dir = work.join("report");
    let fresh = |seed: &str| {
        let o = raci_sim()
            .args(compare_args(seed))
            .arg(&dir)
            .output()
            .unwrap();
        assert!(o.status.success());
        tree(&dir)
    };
    let new = fresh("2");
    let old = fresh("1");
    copy_tree(&dir, &t.join("pristine-old"));
    let (old_hash, new_hash) = (hash(&old), hash(&new));
    assert_ne!(old_hash, new_hash);
    // How long the write takes, from its temporary folder appearing to the swap being done.
    let (mut child, began) = start_writing(&dir, "2");
    while !temporaries(&work).is_empty() {
        std::thread::sleep(Duration::from_micros(200));
    }
    let write_time = began.elapsed();
    child.wait().unwrap();
    let (mut saw_old, mut saw_new, mut mid_write) = (0, 0, 0);
    const KILLS: u32 = 60;
    for i in 0..KILLS {
        std::fs::remove_dir_all(&dir).unwrap();
        copy_tree(&t.join("pristine-old"), &dir);
        // Kill moments from a third into the write to past its end, densest around the swap.
        let frac = 0.3 + 0.9 * f64::from(i) / f64::from(KILLS);
        let (mut child, began) = start_writing(&dir, "2");
        std::thread::sleep(write_time.mul_f64(frac).saturating_sub(began.elapsed()));
        let _ = child.kill();
        child.wait().unwrap();
        mid_write += usize::from(!temporaries(&work).is_empty());
        let now = hash(&tree(&dir));
        assert!(
            now == old_hash || now == new_hash,
            "kill {i}: neither the old nor the new report"
        );
        if now == old_hash {
            saw_old += 1;
        } else {
            saw_new += 1;
        }
    }
    // The next write clears what a kill left behind.
    assert_eq!(fresh("1"), old);
    let left: Vec<_> = std::fs::read_dir(&work)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        ["report"],
        "temporary folders left after a complete write"
    );
    eprintln!("{KILLS} kills over a {write_time:?} write: {saw_old} left the old report, {saw_new} the new; {mid_write} landed mid-write");
    std::fs::remove_dir_all(&t).unwrap();
}

/// Runs `args`, reads one byte of its output and closes the pipe.
fn closed_pipe(args: &[&str]) -> (Option<i32>, String) {
    let mut child = raci_sim()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    let mut out = child.stdout.take().unwrap();
    let _ = out.read(&mut first);
    drop(out);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (child.wait().unwrap().code(), err)
}

#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let t = scratch("pipe");
    let report = t.join("r");
    let r = report.to_str().unwrap();
    let cases: [&[&str]; 7] = [
        &["list"],
        &[
            "trace",
            "insider-bulk-export",
            "--model",
            "anti-approval-committee",
        ],
        &["lint", "hub-and-spoke", "--all-scenarios"],
        &[
            "run",
            "replayed-token",
            "--model",
            "hub-and-spoke",
            "--runs",
            "2000",
            "--json",
            "-",
        ],
        &[
            "trace",
            "insider-bulk-export",
            "--model",
            "hub-and-spoke",
            "--jsonl",
            "-",
        ],
        &["table", "--runs", "5"],
        &[
            "compare",
            "--models",
            "hub-and-spoke",
            "split-iam-security",
            "--runs",
            "5",
            "--out",
            r,
        ],
    ];
    for args in cases {
        let (code, err) = closed_pipe(args);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
        // lint's own verdict (1: an error-level finding) stands; nothing else may fail.
        let expected = if args[0] == "lint" {
            [Some(0), Some(1)]
        } else {
            [Some(0), Some(0)]
        };
        assert!(expected.contains(&code), "{args:?}: exit {code:?}");
    }
    std::fs::remove_dir_all(&t).unwrap();
}

#[test]
fn jobs_over_the_memory_budget_are_refused_up_front_with_the_estimate() {
    let t = scratch("budget");
    let json = t.join("r.json");
    let start = Instant::now();
    let o = run_replayed_token("100000000")
        .args(["--json"])
        .arg(&json)
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("GiB") && e.contains("--memory-budget"), "{e}");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "refused before simulating"
    );
    assert!(!json.exists());
    // A budget below what even a streaming run holds in flight refuses it too.
    let o = run_replayed_token("10")
        .args(["--memory-budget", "1K"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = run_replayed_token("100000001").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("100000000"));
    std::fs::remove_dir_all(&t).unwrap();
}

//! Merge takes shard files as data from elsewhere: every tampered or mismatched shard is
//! refused with exit 2 before anything is written, and the report goes only where merge's own
//! `--out` says, never where the shard's embedded study would send it.

use std::path::{Path, PathBuf};

use crate::output_safety::{raci_sim, scratch, tree};

const STUDY: &str = r#"Study(
    name: "sharded",
    models: ["split-iam-security", "hub-and-spoke"],
    scenarios: ["replayed-token"],
    runs: 30,
    out: "reports/from-the-study",
    sweep: [(parameter: TeamStaff(team: "soc"), values: [1, 2])],
)"#;

/// Writes the study and its 3 shards under `t`; returns the shard folders.
fn shards(t: &Path) -> Vec<PathBuf> {
    std::fs::write(t.join("study.ron"), STUDY).unwrap();
    (1..=3)
        .map(|k| {
            let dir = t.join(format!("shard-{k}"));
            let o = raci_sim()
                .current_dir(t)
                .args(["study", "study.ron", "--shard", &format!("{k}/3"), "--out"])
                .arg(&dir)
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            assert!(dir.join(".raci-sim-output").is_file());
            dir
        })
        .collect()
}

fn merge(t: &Path, dirs: &[PathBuf], out: &Path) -> std::process::Output {
    raci_sim()
        .current_dir(t)
        .arg("merge")
        .args(dirs)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// The shard's JSON, changed by `edit`, written back.
fn tamper(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = dir.join("shard.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
}

#[test]
fn merge_refuses_every_bad_shard_and_writes_only_to_its_own_out() {
    let t = scratch("shards");
    let dirs = shards(&t);
    // Merge needs --out: nothing in the shards decides where the report goes.
    let o = raci_sim()
        .current_dir(&t)
        .arg("merge")
        .args(&dirs)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let good = merge(&t, &dirs, &t.join("merged"));
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(t.join("merged/sweep.csv").is_file());
    assert!(
        !t.join("reports").exists(),
        "the study's own out: was not used"
    );
    let pristine: Vec<Vec<u8>> = dirs
        .iter()
        .map(|d| std::fs::read(d.join("shard.json")).unwrap())
        .collect();
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, usize, Edit)> = vec![
        ("schema", 0, Box::new(|v| v["schema_version"] = 999.into())),
        (
            "not a shard",
            1,
            Box::new(|v| *v = serde_json::json!({"x": 1})),
        ),
        ("shard number", 1, Box::new(|v| v["shard"] = 1.into())),
        ("split", 2, Box::new(|v| v["of"] = 4.into())),
        ("range", 1, Box::new(|v| v["first"] = 0.into())),
        (
            "count",
            2,
            Box::new(|v| v["count"] = 1_000_000_000u64.into()),
        ),
        (
            "study",
            0,
            Box::new(|v| v["study_text"] = STUDY.replace("30", "31").into()),
        ),
        (
            "run dropped",
            1,
            Box::new(|v| {
                v["raw"][0][1]["runs"].as_array_mut().unwrap().pop();
            }),
        ),
        (
            "run index",
            1,
            Box::new(|v| v["raw"][0][0]["runs"][3]["run"] = 7.into()),
        ),
        (
            "time",
            2,
            Box::new(|v| v["raw"][0][0]["runs"][0]["time_to_detect"] = 99_999_999.into()),
        ),
        (
            "teams",
            0,
            Box::new(|v| v["raw"][0][0]["breakdown"]["teams"] = 100_000.into()),
        ),
        (
            "table",
            0,
            Box::new(|v| {
                v["raw"][0][0]["breakdown"]["handoffs"]
                    .as_array_mut()
                    .unwrap()
                    .pop();
            }),
        ),
        (
            "wait table",
            1,
            Box::new(|v| {
                v["raw"][0][1]["breakdown"]["wait_by_activity_cause"]
                    .as_array_mut()
                    .unwrap()
                    .pop();
            }),
        ),
        (
            "wait table missing (an older shard)",
            2,
            Box::new(|v| {
                let b = v["raw"][0][0]["breakdown"].as_object_mut().unwrap();
                b.remove("wait_by_activity_cause");
            }),
        ),
        (
            "models",
            0,
            Box::new(|v| {
                v["raw"][0].as_array_mut().unwrap().pop();
            }),
        ),
        ("sweep", 2, Box::new(|v| v["sweep"] = serde_json::json!([]))),
        ("unknown key", 0, Box::new(|v| v["surprise"] = 1.into())),
        (
            "missed by kind",
            1,
            Box::new(|v| v["raw"][0][0]["runs"][2]["missed_revocations"] = 3.into()),
        ),
        (
            "revocations",
            2,
            Box::new(|v| {
                v["raw"][0][1]["runs"][1]["revocations"] = 0.into();
                v["raw"][0][1]["runs"][1]["revocations_by_close"] = 3.into();
            }),
        ),
    ];
    for (what, k, edit) in cases {
        tamper(&dirs[k], edit);
        let out = t.join(format!("out-{}", what.replace(' ', "-")));
        let o = merge(&t, &dirs, &out);
        let e = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{what}: {e}");
        assert!(
            e.contains("shard-") && e.lines().count() < 10,
            "{what}: {e}"
        );
        assert!(!out.exists(), "{what}: nothing written");
        std::fs::write(dirs[k].join("shard.json"), &pristine[k]).unwrap();
    }
    // A folder left from an earlier run with another split (`shards/*` picks it up): named as
    // such, with what to do.
    let stale = t.join("shard-stale");
    let o = raci_sim()
        .current_dir(&t)
        .args(["study", "study.ron", "--shard", "2/2", "--out"])
        .arg(&stale)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mixed = [dirs[0].clone(), dirs[1].clone(), dirs[2].clone(), stale];
    let o = merge(&t, &mixed, &t.join("out-stale"));
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("a shard of a different study or split (2 of 2)")
            && e.contains("a folder left from an earlier run with another split"),
        "{e}"
    );
    // A missing shard, and one given twice.
    let o = merge(&t, &dirs[..2], &t.join("out-missing"));
    assert_eq!(o.status.code(), Some(2));
    let twice = [dirs[0].clone(), dirs[1].clone(), dirs[1].clone()];
    let o = merge(&t, &twice, &t.join("out-twice"));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("shard 2 of 3 again"));
    // Nor does merge write over one of the shards it reads.
    let before = tree(&dirs[1]);
    let o = merge(&t, &dirs, &dirs[1]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(tree(&dirs[1]), before);
    // Untampered again, the same bytes as the first merge.
    let again = merge(&t, &dirs, &t.join("merged-again"));
    assert!(again.status.success());
    assert_eq!(tree(&t.join("merged")), tree(&t.join("merged-again")));
    std::fs::remove_dir_all(&t).unwrap();
}

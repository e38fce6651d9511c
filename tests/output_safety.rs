//! What raci-sim writes and what it refuses (docs/safety.md): folders it did not write are
//! never touched, a study's `out:` stays inside its folder or the current folder, merge checks
//! every shard and writes only to its own `--out`, single files are written whole, and a closed
//! pipe ends a command quietly. Every check runs the binary as a user would.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::run_replayed_token;

pub fn raci_sim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_raci-sim"))
}

/// A fresh folder for one test, removed first if an earlier run left it.
pub fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("raci-sim-safety-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Every file under `dir` (relative path -> bytes), links and empty folders included.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().to_string();
            let t = e.file_type().unwrap();
            if t.is_symlink() {
                let target = std::fs::read_link(&p).unwrap();
                out.insert(rel, format!("link {}", target.display()).into_bytes());
            } else if t.is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(root, &p, out);
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn compare_into(out: &Path, extra: &[&str]) -> Output {
    raci_sim()
        .args(["compare", "--models", "split-iam-security", "hub-and-spoke"])
        .args(["--scenarios", "replayed-token", "--runs", "20", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// A user's folder: notes and a git repository.
fn users_folder(at: &Path) {
    std::fs::create_dir_all(at.join(".git/refs")).unwrap();
    std::fs::write(at.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(at.join("notes.txt"), "keep me\n").unwrap();
}

#[test]
fn a_folder_raci_sim_did_not_write_is_refused_and_left_byte_for_byte() {
    let t = scratch("not-ours");
    let notes = t.join("notes");
    users_folder(&notes);
    let before = tree(&notes);
    let o = compare_into(&notes, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains(&notes.display().to_string()), "{e}");
    assert!(e.contains("did not write") && e.contains("--force"), "{e}");
    assert_eq!(tree(&notes), before);
    // Every command that writes a folder refuses it the same way.
    let study = t.join("study.ron");
    std::fs::write(
        &study,
        r#"Study(name: "s", models: ["split-iam-security", "hub-and-spoke"], scenarios: ["replayed-token"], runs: 20)"#,
    )
    .unwrap();
    let runs: [&[&str]; 3] = [
        &["study", study.to_str().unwrap(), "--out"],
        &["study", study.to_str().unwrap(), "--shard", "1/2", "--out"],
        &[
            "tabletop",
            "replayed-token",
            "--model",
            "hub-and-spoke",
            "--runs",
            "20",
            "--out",
        ],
    ];
    for args in runs {
        let o = raci_sim().args(args).arg(&notes).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_eq!(tree(&notes), before, "{args:?}");
    }
    // ... and with --force it is replaced, now carrying the marker.
    let o = compare_into(&notes, &["--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(notes.join(".raci-sim-output").is_file());
    assert!(!notes.join("notes.txt").exists());
    std::fs::remove_dir_all(&t).unwrap();
}

#[test]
fn a_file_or_a_link_at_out_is_refused_untouched_and_an_empty_folder_is_used() {
    let t = scratch("non-folder");
    let file = t.join("report");
    std::fs::write(&file, "a user's file").unwrap();
    let o = compare_into(&file, &["--force"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is not a folder"));
    assert_eq!(std::fs::read(&file).unwrap(), b"a user's file");
    assert_eq!(
        std::fs::read_dir(&t).unwrap().count(),
        1,
        "nothing beside it either"
    );
    #[cfg(unix)]
    {
        let real = t.join("real");
        users_folder(&real);
        let link = t.join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let before = tree(&real);
        let o = compare_into(&link, &["--force"]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert_eq!(tree(&real), before);
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
    }
    let empty = t.join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = compare_into(&empty, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let marker = std::fs::read_to_string(empty.join(".raci-sim-output")).unwrap();
    assert!(marker.starts_with(&format!("raci-sim {}\n", env!("CARGO_PKG_VERSION"))));
    // Written by raci-sim and unchanged since, so the next run replaces it; once a file in it
    // was edited, it is refused (see a_folder_raci_sim_wrote_is_not_replaced_once_...).
    let o = compare_into(&empty, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(empty.join("index.html"), "edited").unwrap();
    let o = compare_into(&empty, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(std::fs::read(empty.join("index.html")).unwrap(), b"edited");
    std::fs::remove_dir_all(&t).unwrap();
}

#[test]
fn single_file_outputs_are_renamed_into_place_and_never_replace_a_folder() {
    let t = scratch("single-file");
    let json = t.join("results.json");
    std::fs::write(&json, "old").unwrap();
    let o = run_replayed_token("30")
        .args(["--json"])
        .arg(&json)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v["runs"].as_array().map(|r| r.len()), Some(30));
    assert_eq!(
        std::fs::read_dir(&t).unwrap().count(),
        1,
        "no temporary file left"
    );
    let folder = t.join("a-folder");
    users_folder(&folder);
    let before = tree(&folder);
    for flag in ["--json", "--event-log"] {
        let path = if flag == "--json" {
            folder.clone()
        } else {
            folder.join("..").join("a-folder")
        };
        let o = raci_sim()
            .args([
                "run",
                "replayed-token",
                "--model",
                "hub-and-spoke",
                "--runs",
                "5",
                flag,
            ])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{flag}: {}", stderr(&o));
        assert_eq!(tree(&folder), before);
    }
    std::fs::remove_dir_all(&t).unwrap();
}

fn study_with_out(dir: &Path, out: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("study.ron");
    std::fs::write(
        &path,
        format!(
            "Study(\n    name: \"s\",\n    models: [\"split-iam-security\", \"hub-and-spoke\"],\n    scenarios: [\"replayed-token\"],\n    runs: 20,\n    out: \"{out}\",\n    gates: [(metric: TimeToContainmentP90, at_most: \"30d\")],\n)\n"
        ),
    )
    .unwrap();
    path
}

#[test]
fn a_studys_out_stays_inside_its_folder_or_the_current_folder() {
    let t = scratch("confine");
    let home = t.join("repo/studies");
    let victim = t.join("victim");
    users_folder(&victim);
    let before = tree(&victim);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&victim, t.join("repo/studies-link")).ok();
    let escapes = [
        victim.display().to_string(),
        "../../victim".to_string(),
        "reports/../../../victim/sub".to_string(),
        "../studies-link/sub".to_string(),
    ];
    for out in &escapes {
        let study = study_with_out(&home, out);
        for cmd in ["study", "check"] {
            let o = raci_sim()
                .current_dir(t.join("repo/studies"))
                .args([cmd, study.to_str().unwrap()])
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(2), "{out}: {}", stderr(&o));
            let e = stderr(&o);
            if cmd == "study" {
                assert!(
                    e.contains(":6:5: field `out`") && e.contains("outside"),
                    "{out}: {e}"
                );
            }
        }
    }
    assert_eq!(tree(&victim), before);
    // Inside the study's folder it is written; --out on the command line overrides `out:`.
    let study = study_with_out(&home, "reports/mine");
    let o = raci_sim()
        .current_dir(&t)
        .arg("study")
        .arg(&study)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(home.join("reports/mine/index.html").is_file());
    let study = study_with_out(&home, "../../victim");
    let o = raci_sim()
        .current_dir(&t)
        .arg("study")
        .arg(&study)
        .arg("--out")
        .arg(t.join("chosen"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(t.join("chosen/index.html").is_file());
    assert_eq!(tree(&victim), before);
    std::fs::remove_dir_all(&t).unwrap();
}

#[test]
fn input_text_reaches_the_terminal_escaped_never_raw() {
    let t = scratch("terminal");
    let model = t.join("model.ron");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/models/hub-and-spoke.ron"),
    )
    .unwrap()
    .replacen("r: [\"soc\"]", "r: [\"\u{1b}[2J\u{1b}]0;owned\u{7}\"]", 1);
    std::fs::write(&model, text).unwrap();
    for args in [
        &["lint", model.to_str().unwrap()][..],
        &["run", "replayed-token", "--model", model.to_str().unwrap()],
    ] {
        let o = raci_sim().args(args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let all = [o.stdout, o.stderr].concat();
        assert!(
            !all.contains(&0x1b) && !all.contains(&0x07),
            "raw control bytes reach the terminal"
        );
        assert!(
            String::from_utf8_lossy(&all).contains("\\u{1b}"),
            "{}",
            String::from_utf8_lossy(&all)
        );
    }
    std::fs::remove_dir_all(&t).unwrap();
}

#[cfg(unix)]
#[test]
fn a_non_utf8_out_path_works() {
    use std::os::unix::ffi::OsStrExt;
    let t = scratch("non-utf8");
    let dir = t.join(std::ffi::OsStr::from_bytes(b"report-\xff"));
    let o = compare_into(&dir, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("index.html").is_file());
    // Where raci-sim needs the path as text, it is refused before simulating.
    let o = raci_sim()
        .args([
            "run",
            "replayed-token",
            "--model",
            "hub-and-spoke",
            "--json",
        ])
        .arg(std::ffi::OsStr::from_bytes(b"r-\xff.json"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("invalid UTF-8"));
    std::fs::remove_dir_all(&t).unwrap();
}

#[test]
fn per_run_random_streams_never_alias_up_to_the_run_limit() {
    use raci_sim::engine::budget::MAX_RUNS;
    use raci_sim::engine::stream_id;
    let runs = [0, 1, 2, 1 << 20, MAX_RUNS / 2, MAX_RUNS - 2, MAX_RUNS - 1];
    let mut seen = std::collections::HashSet::new();
    for &run in &runs {
        for class in 0..4 {
            for index in [0usize, 1, 255, 1999, 2000] {
                let id = stream_id(run, class, index);
                // The packing is invertible, so no two (run, source) pairs share a stream.
                assert_eq!(
                    (id >> 20, (id >> 16) & 0xf, (id & 0xffff) as usize),
                    (run, class, index)
                );
                assert!(seen.insert(id));
            }
        }
    }
}

/// A write killed before its marker was whole leaves an empty temporary folder, or one holding
/// part of the marker: the next write to the same `--out` removes both. A folder with the same
/// prefix that holds anything else is not provably ours and stays, byte for byte.
#[test]
fn a_killed_writes_unmarked_temporary_folder_is_removed_and_nothing_else() {
    let t = scratch("unfinished");
    let out = t.join("report");
    let empty = t.join(".report.raci-sim-tmp-AAAAAA");
    let partial = t.join(".report.raci-sim-tmp-BBBBBB");
    let users = t.join(".report.raci-sim-tmp-CCCCCC");
    std::fs::create_dir(&empty).unwrap();
    std::fs::create_dir(&partial).unwrap();
    std::fs::write(partial.join(".raci-sim-output"), b"raci-").unwrap();
    users_folder(&users);
    let before = tree(&users);
    let o = compare_into(&out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!empty.exists() && !partial.exists());
    assert_eq!(tree(&users), before);
    std::fs::remove_dir_all(&t).unwrap();
}

/// A pack whose capture sheet the note taker filled in, and into which `tabletop replay`
/// wrote its debrief, is not replaced by writing the pack again: exit 2, every byte left,
/// the changed files named; an untouched pack is replaced as before, and `--force` replaces.
#[test]
fn a_folder_raci_sim_wrote_is_not_replaced_once_a_file_in_it_changed() {
    let dir = scratch("edited-pack");
    let pack = |extra: &[&str]| {
        let mut args = vec![
            "tabletop",
            "compromised-service-account",
            "--model",
            "single-incident-lead",
            "--out",
            "pack",
        ];
        args.extend_from_slice(extra);
        raci_sim().args(&args).current_dir(&dir).output().unwrap()
    };
    assert_eq!(pack(&[]).status.code(), Some(0));
    // Untouched: written again.
    assert_eq!(pack(&[]).status.code(), Some(0));
    let sheet = dir.join("pack/facilitator/decision-capture.csv");
    let filled = std::fs::read_to_string(&sheet).unwrap().replacen(
        ",,,,,\r\n",
        ",soc,T+30:00,declare,,\r\n",
        1,
    );
    std::fs::write(&sheet, &filled).unwrap();
    std::fs::create_dir(dir.join("pack/notes")).unwrap();
    std::fs::write(dir.join("pack/notes/room.txt"), "what the room said").unwrap();
    let before = tree(&dir.join("pack"));
    let out = pack(&[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("was written by raci-sim but has changed since: facilitator/decision-capture.csv, notes/room.txt (edited or added); it is left untouched"),
        "{err}"
    );
    assert_eq!(
        tree(&dir.join("pack")),
        before,
        "a refused write changed the pack"
    );
    assert_eq!(pack(&["--force"]).status.code(), Some(0));
    assert!(!dir.join("pack/notes").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

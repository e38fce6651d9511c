//! Every cluster command line of docs/cluster.md and of the example files it names, run with
//! `sh -c` as written: `raci-sim` on PATH is the binary under test, `sbatch` and `kubectl` are
//! stand-ins that run the array script once per task id and the Jobs' container commands once
//! per completion index (on a folder standing in for the volume). The merged report must be
//! byte-identical to one machine's `raci-sim study` of the same study, with and without a sweep.

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(rel)).unwrap()
}

fn temp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("raci-sim-cluster-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The `sh` blocks of a Markdown file, each as one script.
fn sh_blocks(md: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in md.lines() {
        match (&mut current, line) {
            (None, "```sh") => current = Some(String::new()),
            (Some(b), "```") => {
                blocks.push(std::mem::take(b));
                current = None;
            }
            (Some(b), l) => {
                b.push_str(l);
                b.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

/// A Job manifest's container command (the `- |` block under `args:`) and how many times it
/// runs (`completions:` of an Indexed Job, else once).
fn job_command(yaml: &str) -> (String, u32) {
    let completions = yaml
        .lines()
        .find_map(|l| l.trim().strip_prefix("completions: "))
        .map_or(1, |n| n.parse().unwrap());
    let lines: Vec<&str> = yaml.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim() == "args:")
        .expect("args:")
        + 1;
    assert_eq!(lines[start].trim(), "- |", "args is one block scalar");
    let indent = lines[start].find('-').unwrap();
    let body: Vec<&str> = lines[start + 1..]
        .iter()
        .take_while(|l| l.len() - l.trim_start().len() > indent)
        .map(|l| l.trim())
        .collect();
    (body.join("\n") + "\n", completions)
}

/// `sbatch`: `--wrap CMD` runs CMD with sh; otherwise the script runs with sh once per task id
/// of its `#SBATCH --array=A-B` line. `--parsable` prints a job id.
const SBATCH: &str = r#"#!/bin/sh
wrap= script= parsable=
while [ $# -gt 0 ]; do
  case $1 in
    --wrap) wrap=$2; shift ;;
    --wrap=*) wrap=${1#--wrap=} ;;
    --parsable) parsable=1 ;;
    -*) ;;
    *) script=$1 ;;
  esac
  shift
done
if [ -n "$wrap" ]; then
  sh -c "$wrap" || exit 1
else
  range=$(sed -n 's/^#SBATCH --array=//p' "$script")
  i=${range%-*}
  while [ "$i" -le "${range#*-}" ]; do
    SLURM_ARRAY_TASK_ID=$i sh "$script" || exit 1
    i=$((i + 1))
  done
fi
if [ -n "$parsable" ]; then echo 4242; fi
"#;

/// `kubectl`: `apply -f F` runs the jobs script written for F; `cp` copies to and from the
/// volume folder ($VOLUME, for `raci-sim-files:/data`); `wait` returns at once.
const KUBECTL: &str = r#"#!/bin/sh
case $1 in
  apply) sh "$JOBS/$(basename "$3").sh" ;;
  wait) ;;
  cp) from=$(echo "$2" | sed "s|^raci-sim-files:/data|$VOLUME|")
      to=$(echo "$3" | sed "s|^raci-sim-files:/data|$VOLUME|")
      cp -R "$from" "$to" ;;
  *) echo "kubectl stand-in: $*" >&2; exit 1 ;;
esac
"#;

fn executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A folder laid out as a user's: the study and the model and scenario files it names at the
/// docs' paths (in the folder the commands run in, for the shard and Slurm commands, and in
/// its `study/` folder, for the Kubernetes commands), the repository's example files under
/// docs/examples, a bin folder with raci-sim and the stand-ins, and a volume folder.
fn setup(tag: &str, study: &str) -> PathBuf {
    let dir = temp(tag);
    let work = dir.join("work");
    std::fs::create_dir_all(work.join("docs/examples")).unwrap();
    for folder in [work.clone(), work.join("study")] {
        for (rel, from) in STUDY_FILES {
            let to = folder.join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(Path::new(ROOT).join(from), to).unwrap();
        }
        std::fs::write(folder.join("ownership-study.ron"), study).unwrap();
    }
    for e in std::fs::read_dir(Path::new(ROOT).join("docs/examples")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, work.join("docs/examples").join(p.file_name().unwrap())).unwrap();
    }
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_raci-sim"), bin.join("raci-sim")).unwrap();
    executable(&bin.join("sbatch"), SBATCH);
    executable(&bin.join("kubectl"), KUBECTL);
    std::fs::create_dir_all(dir.join("volume")).unwrap();
    let jobs = dir.join("jobs");
    std::fs::create_dir_all(&jobs).unwrap();
    for name in [
        "k8s-storage.yaml",
        "k8s-indexed-job.yaml",
        "k8s-merge-job.yaml",
    ] {
        let yaml = read(&format!("docs/examples/{name}"));
        let script = if yaml.contains("kind: Job") {
            let (cmd, n) = job_command(&yaml);
            let quoted = cmd.replace('\'', r"'\''");
            let workdir = yaml
                .lines()
                .find_map(|l| l.trim().strip_prefix("workingDir: "))
                .and_then(|d| d.split_whitespace().next()?.strip_prefix("/data"))
                .expect("the Job runs in a folder of the volume");
            format!(
                "set -e\ncd \"$VOLUME{workdir}\"\nfor i in $(seq 0 {}); do JOB_COMPLETION_INDEX=$i sh -c '{quoted}'; done\n",
                n - 1
            )
        } else {
            String::new() // the claim and the file pod: the volume folder is already there
        };
        std::fs::write(jobs.join(format!("{name}.sh")), script).unwrap();
    }
    dir
}

fn sh(dir: &Path, script: &str) {
    let path = format!(
        "{}:{}",
        dir.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .args(["-c", &format!("set -e\n{script}")])
        .current_dir(dir.join("work"))
        .env("PATH", path)
        .env("VOLUME", dir.join("volume"))
        .env("JOBS", dir.join("jobs"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every file of a report folder, by path relative to it.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().to_string();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Report folders (they hold index.html) under `dir`.
fn reports(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            if p.join("index.html").is_file() {
                found.push(p);
            } else {
                found.extend(reports(&p));
            }
        }
    }
    found
}

/// Runs every `sh` block of docs/cluster.md in a fresh folder and compares every report it
/// made with one machine's report of the same study.
fn docs_merge_to_one_machine(tag: &str, study: &str) {
    let blocks = sh_blocks(&read("docs/cluster.md"));
    assert_eq!(blocks.len(), 3, "shards, Slurm, Kubernetes: {blocks:?}");
    for (i, block) in blocks.iter().enumerate() {
        let dir = setup(&format!("{tag}-{i}"), study);
        sh(
            &dir,
            "raci-sim study ownership-study.ron --quiet --out ../one-machine",
        );
        sh(&dir, block);
        let one = files(&dir.join("one-machine"));
        let mut made = reports(&dir.join("work"));
        made.extend(reports(&dir.join("volume")));
        assert!(!made.is_empty(), "block {i} made no report:\n{block}");
        for r in made {
            let merged = files(&r);
            let names = |f: &[(String, Vec<u8>)]| f.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
            assert_eq!(names(&merged), names(&one), "{}", r.display());
            for (a, b) in merged.iter().zip(&one) {
                assert!(a.1 == b.1, "{} differs in {} (block {i})", a.0, r.display());
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// The files the study names, by path relative to it, and where they come from: the pods
/// must find them on the volume.
const STUDY_FILES: [(&str, &str); 2] = [
    (
        "models/split.ron",
        "scenarios/models/split-iam-security.ron",
    ),
    ("scenarios/token.ron", "scenarios/replayed-token.ron"),
];

const STUDY: &str = r#"Study(
    name: "ownership",
    models: ["models/split.ron", "hub-and-spoke"],
    scenarios: ["scenarios/token.ron"],
    runs: 80,
    seed: 7,
)"#;

#[test]
fn the_documented_cluster_commands_merge_to_one_machines_report() {
    docs_merge_to_one_machine("plain", STUDY);
}

#[test]
fn the_documented_cluster_commands_merge_a_sweep_to_one_machines_report() {
    let study = STUDY.replace(
        "seed: 7,",
        r#"seed: 7, sweep: [(parameter: TeamStaff(team: "soc"), values: [1, 3])],"#,
    );
    docs_merge_to_one_machine("sweep", &study);
}

/// The example files' own command lines are the ones the docs run (nothing else to rot).
#[test]
fn the_examples_hold_the_commands_the_docs_run() {
    let (shard, n) = job_command(&read("docs/examples/k8s-indexed-job.yaml"));
    assert_eq!(n, 8);
    assert!(shard.contains("--shard \"$K/8\""), "{shard}");
    let slurm = read("docs/examples/slurm-array.sh");
    assert!(slurm.contains("#SBATCH --array=1-8"));
    let docs = read("docs/cluster.md");
    // The merge line in the script's header is the one the docs submit.
    let wrap = slurm
        .lines()
        .find_map(|l| l.strip_prefix("#   sbatch --dependency"))
        .expect("the merge line");
    assert!(
        docs.contains(&format!("sbatch --dependency{wrap}")),
        "{wrap}"
    );
    assert!(!docs.contains("{1..8}") || docs.contains("shards/{1..8}` would"));
}

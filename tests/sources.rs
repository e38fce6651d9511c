//! Every citation in a shipped file resolves for a user of the repository: nothing cites the
//! project's private notes (the seed copies or the calibration notes outside the repository),
//! every `[sourced: ...]` label names a file under `docs/sources/` or a public address, and every
//! `docs/sources/<file>.md#<heading>` names a heading that exists (GitHub's anchor rules).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Paths users never see; a shipped file citing them cites nothing.
const PRIVATE: &[&str] = &["seeds/", "CALIBRATION.md"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Files a user reads or runs: the scenario library, the documentation, the examples.
fn shipped_files() -> Vec<(String, String)> {
    let root = root();
    let mut paths = vec![];
    for top in ["README.md", "ARCHITECTURE.md", "CHANGELOG.md"] {
        paths.push(root.join(top));
    }
    for dir in ["scenarios", "docs", "examples"] {
        walk(&root.join(dir), &mut paths);
    }
    paths.sort();
    paths
        .into_iter()
        .filter(|p| p.is_file())
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            let rel = p.strip_prefix(&root).unwrap().display().to_string();
            Some((rel, text))
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// GitHub's anchor for a heading: lower case, punctuation other than `-` and `_` dropped,
/// spaces to hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Every anchor a Markdown file defines, duplicates numbered as GitHub does (`x`, `x-1`, ...).
fn anchors(markdown: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        let hashes = line.chars().take_while(|c| *c == '#').count();
        if fenced || !(1..=6).contains(&hashes) || !line[hashes..].starts_with(' ') {
            continue;
        }
        let base = slug(&line[hashes..]);
        let mut a = base.clone();
        let mut n = 0;
        while out.contains(&a) {
            n += 1;
            a = format!("{base}-{n}");
        }
        out.insert(a);
    }
    out
}

/// Checks one citation (`file.md#anchor`, `file.md` or a folder) relative to `base`.
fn check_target(cited: &str, base: &Path, from: &str, problems: &mut Vec<String>) {
    let (file, anchor) = match cited.split_once('#') {
        Some((f, a)) => (f, Some(a)),
        None => (cited, None),
    };
    let path = base.join(file);
    if !path.exists() {
        problems.push(format!("{from}: cites {cited}, but {file} does not exist"));
        return;
    }
    if let Some(a) = anchor.filter(|a| !a.is_empty()) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if !anchors(&text).contains(a) {
            problems.push(format!(
                "{from}: cites {cited}, but {file} has no heading #{a}"
            ));
        }
    }
}

/// The `docs/sources/...` paths cited in `text`, trailing sentence punctuation removed.
fn cited_sources(text: &str) -> Vec<&str> {
    let mut out = vec![];
    let mut rest = text;
    while let Some(i) = rest.find("docs/sources/") {
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || "/._#-".contains(c)))
            .unwrap_or(tail.len());
        out.push(tail[..end].trim_end_matches('.'));
        rest = &tail[end..];
    }
    out
}

/// The text of every `[sourced: ...]` label, comment markers between lines removed.
fn sourced_labels(text: &str) -> Vec<String> {
    let mut out = vec![];
    let mut rest = text;
    while let Some(i) = rest.find("[sourced:") {
        let tail = &rest[i..];
        let end = tail.find(']').unwrap_or(tail.len());
        out.push(tail[..end].replace("//", " "));
        rest = &tail[end..];
    }
    out
}

/// Everything wrong with the citations of `files`, resolved against the repository at `root`.
fn problems(files: &[(String, String)], root: &Path) -> Vec<String> {
    let mut problems = vec![];
    for (path, text) in files {
        for p in PRIVATE {
            if text.contains(p) {
                problems.push(format!(
                    "{path}: cites {p}, which users of the project never see"
                ));
            }
        }
        for cited in cited_sources(text) {
            check_target(cited, root, path, &mut problems);
        }
        for label in sourced_labels(text) {
            let body = label["[sourced:".len()..].trim();
            if body == "..." || body.contains('<') {
                continue; // a placeholder in prose, not a citation
            }
            if !label.contains("docs/sources/") && !label.contains("https://") {
                problems.push(format!(
                    "{path}: `{}]` names no file under docs/sources/ and no public address",
                    label.split_whitespace().collect::<Vec<_>>().join(" ")
                ));
            }
        }
        // Relative links between the files of docs/sources/ resolve too.
        if path.starts_with("docs/sources/") && path.ends_with(".md") {
            for link in text.split("](").skip(1) {
                let target = &link[..link.find(')').unwrap_or(link.len())];
                if target.starts_with('#') {
                    check_target(&format!("{path}{target}"), root, path, &mut problems);
                } else if !target.contains("://") {
                    check_target(target, &root.join("docs/sources"), path, &mut problems);
                }
            }
        }
    }
    problems
}

#[test]
fn shipped_files_cite_only_what_users_can_resolve() {
    let files = shipped_files();
    assert!(
        files
            .iter()
            .any(|(p, _)| p == "docs/sources/seed-articles.md")
            && files.len() > 30,
        "the walk found the library and docs/sources/"
    );
    let problems = problems(&files, &root());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_shipped_scenario_and_model_cites_a_seed_article_by_heading() {
    let seeds =
        anchors(&std::fs::read_to_string(root().join("docs/sources/seed-articles.md")).unwrap());
    for n in 0..5 {
        assert!(
            seeds.contains(&format!("seed-00{n}")),
            "seed-00{n} has a heading"
        );
    }
    let library = raci_sim::input::library::SCENARIOS
        .iter()
        .chain(raci_sim::input::library::MODELS);
    for f in library {
        assert!(
            f.text.contains("docs/sources/seed-articles.md#seed-"),
            "{} cites no seed article",
            f.path
        );
    }
}

/// The check catches what it is for: planted bad citations each produce a problem, and the
/// GitHub anchor rules match the headings used in docs/sources/.
#[test]
fn planted_bad_citations_are_caught() {
    let root = root();
    let bad = |text: &str| problems(&[("scenarios/planted.ron".into(), text.into())], &root);
    assert!(bad(r#"sources: ["docs/sources/seed-articles.md#seed-001"]"#).is_empty());
    assert!(bad("// [sourced: docs/sources/calibration.md#aws-sts]; 1 h [assumption]").is_empty());
    assert_eq!(
        bad(r#"sources: ["seeds/001_213bf2c14fc84369.txt"]"#).len(),
        1
    );
    assert_eq!(bad("// [sourced: CALIBRATION.md, Sophos 2023]").len(), 2);
    assert_eq!(bad("// [sourced: seed 002]").len(), 1);
    assert_eq!(
        bad("// [sourced: docs/sources/calibration.md#no-such-topic]").len(),
        1
    );
    assert_eq!(
        bad("// [sourced: docs/sources/seed-articles.md#seed-009]").len(),
        1
    );
    assert_eq!(bad("see docs/sources/nowhere.md.").len(), 1);
    assert_eq!(
        bad("// [sourced:\n        // docs/sources/calibration.md#dwell-time]").len(),
        0,
        "a label split over two comment lines still counts"
    );
    let md = "# Sources\n## AWS STS\n## Off-hours attack starts\n## Dwell time\n## Dwell time\n```\n# not a heading\n```\n";
    let a = anchors(md);
    for want in [
        "sources",
        "aws-sts",
        "off-hours-attack-starts",
        "dwell-time",
        "dwell-time-1",
    ] {
        assert!(a.contains(want), "{want} in {a:?}");
    }
    assert!(!a.contains("not-a-heading"));
    assert_eq!(
        slug("Key age (Datadog, 2024): keys > 1 year"),
        "key-age-datadog-2024-keys--1-year"
    );
}

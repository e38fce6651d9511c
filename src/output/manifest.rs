//! What raci-sim wrote in a folder, recorded in its marker file, so that a folder is replaced
//! only while it still holds exactly that: a file someone edited (a tabletop pack's filled-in
//! capture sheet) or added (a debrief written into a pack, notes) is never lost to a rewrite.
//!
//! The marker lists every file it wrote as `sha256  path` lines after a `files:` line. A
//! marker without that list (written by raci-sim before 0.17) is taken at its word, as before.

use std::fs;
use std::path::Path;

use super::folder::MARKER;
use super::sha256_hex;

/// The manifest part of a marker for `files`.
pub fn listing(files: &[(String, Vec<u8>)]) -> String {
    let mut o = String::from("files:\n");
    for (path, bytes) in files {
        o.push_str(&sha256_hex(bytes));
        o.push_str("  ");
        o.push_str(path);
        o.push('\n');
    }
    o
}

/// The files of `dir` that are not as raci-sim wrote them: edited or added since, as
/// `/`-separated paths (a folder raci-sim wrote inside it as one `name/` entry), sorted;
/// empty for a folder whose marker has no listing.
pub fn changed_since_written(dir: &Path) -> Vec<String> {
    let Ok(marker) = fs::read_to_string(dir.join(MARKER)) else {
        return Vec::new();
    };
    let Some((_, listed)) = marker.split_once("files:\n") else {
        return Vec::new();
    };
    let written: std::collections::BTreeMap<&str, &str> = listed
        .lines()
        .filter_map(|l| l.split_once("  "))
        .map(|(hash, path)| (path, hash))
        .collect();
    let mut found = Vec::new();
    walk(dir, "", &mut found);
    let mut changed: Vec<String> = found
        .into_iter()
        .filter(|(path, bytes)| match written.get(path.as_str()) {
            Some(hash) => bytes.as_ref().is_none_or(|b| sha256_hex(b) != *hash),
            None => true,
        })
        .map(|(path, _)| path)
        .collect();
    changed.sort();
    changed
}

/// Every entry under `dir` but the marker: files with their bytes (`None` when unreadable, or
/// not a plain file: a link or a special file counts as changed).
fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, Option<Vec<u8>>)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if prefix.is_empty() && name == MARKER {
            continue;
        }
        let path = format!("{prefix}{name}");
        match e.file_type() {
            // A folder raci-sim wrote inside this one (a debrief in a pack) is one entry.
            Ok(t) if t.is_dir() && e.path().join(MARKER).exists() => {
                out.push((format!("{path}/"), None));
            }
            Ok(t) if t.is_dir() => walk(&e.path(), &format!("{path}/"), out),
            Ok(t) if t.is_file() => out.push((path, fs::read(e.path()).ok())),
            _ => out.push((path, None)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edited_or_added_file_is_named_and_an_untouched_folder_is_clean() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![
            ("a.md".to_string(), b"alpha".to_vec()),
            ("sub/b.csv".to_string(), b"beta".to_vec()),
        ];
        for (p, b) in &files {
            let path = dir.path().join(p);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, b).unwrap();
        }
        let marker = format!("raci-sim test\n{}", listing(&files));
        fs::write(dir.path().join(MARKER), marker).unwrap();
        assert!(changed_since_written(dir.path()).is_empty());
        fs::write(dir.path().join("sub/b.csv"), b"beta, filled in").unwrap();
        fs::create_dir(dir.path().join("notes")).unwrap();
        fs::write(dir.path().join("notes/x.md"), b"new").unwrap();
        fs::create_dir(dir.path().join("debrief")).unwrap();
        fs::write(dir.path().join("debrief").join(MARKER), b"raci-sim").unwrap();
        fs::write(dir.path().join("debrief/d.md"), b"debrief").unwrap();
        assert_eq!(
            changed_since_written(dir.path()),
            ["debrief/", "notes/x.md", "sub/b.csv"]
        );
        // A removed file loses nothing: not listed.
        fs::remove_file(dir.path().join("a.md")).unwrap();
        assert_eq!(changed_since_written(dir.path()).len(), 3);
        // An old marker without a listing is taken at its word.
        fs::write(dir.path().join(MARKER), "raci-sim 0.16\n").unwrap();
        assert!(changed_since_written(dir.path()).is_empty());
    }
}

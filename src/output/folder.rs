//! The only way raci-sim writes to the file system: whole folders and whole files, never
//! touching what raci-sim did not write.
//!
//! - Every folder raci-sim writes carries a marker file ([`MARKER`]) naming the tool and
//!   version. An existing folder is replaced only when it is empty or carries the marker and
//!   every file in it is as raci-sim wrote it (the marker lists each file's SHA-256; a file
//!   edited or added since, such as a filled-in capture sheet, is never lost), or the user
//!   passed `--force`; anything else is refused before any work is done
//!   ([`check_target`]) and again just before the swap.
//! - A folder is built in a sibling temporary folder with an unpredictable name (`tempfile`,
//!   created with `mkdir`, so it never follows a symlink), every file is fsynced, and the new
//!   folder takes the old one's place in one atomic step (`renameat2(RENAME_EXCHANGE)` on
//!   Linux), so a kill at any moment leaves the old folder or the new one, whole. What is left
//!   behind by a kill (a temporary folder carrying the marker) is removed on the next write.
//! - A single file is written to a temporary file beside it, fsynced and renamed over it.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};

/// The marker file in every folder raci-sim writes.
pub const MARKER: &str = ".raci-sim-output";

/// The marker file's text: which tool wrote the folder, and what that means.
pub fn marker_text() -> String {
    format!(
        "raci-sim {}\nThis folder was written by raci-sim. raci-sim replaces it whole when told \
         to write here again; anything you add to it will be lost then.\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// Why raci-sim will not write to a path (bad input: exit 2).
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error(
        "{} is a folder raci-sim did not write (it has no {MARKER} file and is not empty); \
         it is left untouched\n  help: give another --out path, or pass --force to replace \
         the folder and everything in it",
        .0.display()
    )]
    NotOurs(PathBuf),
    #[error(
        "{} exists and is not a folder; it is left untouched\n  help: give another --out path",
        .0.display()
    )]
    NotAFolder(PathBuf),
    #[error(
        "{} is a symbolic link; raci-sim does not write through links\n  help: give the \
         folder's real path, or another --out path",
        .0.display()
    )]
    Link(PathBuf),
    #[error(
        "{} is an existing folder; a file cannot be written in its place\n  help: give a file \
         path",
        .0.display()
    )]
    FolderInTheWay(PathBuf),
    #[error(
        "{} exists; raci-sim does not overwrite a file it may not have written (it could hold \
         your edits)\n  help: give another --out path, or pass --force to replace it",
        .0.display()
    )]
    Exists(PathBuf),
    #[error("{}: {what}\n  help: give another path", .path.display())]
    BadPath { path: PathBuf, what: &'static str },
    #[error(
        "{} was written by raci-sim but has changed since: {}; it is left untouched\n  help: \
         copy what you want to keep elsewhere (a filled-in capture sheet, a debrief), give \
         another --out path, or pass --force to replace the folder and everything in it",
        .dir.display(),
        changed_list(.files)
    )]
    Changed { dir: PathBuf, files: Vec<String> },
}

/// "a, b and 3 more (edited or added)".
fn changed_list(files: &[String]) -> String {
    let shown: Vec<&str> = files.iter().take(5).map(String::as_str).collect();
    let more = files.len().saturating_sub(shown.len());
    let mut s = shown.join(", ");
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    s + " (edited or added)"
}

/// Checks that raci-sim may write the folder `dir`: absent, empty, or carrying the marker with
/// every file as raci-sim wrote it (any folder with `force`). Nothing is changed.
pub fn check_target(dir: &Path, force: bool) -> Result<(), Refusal> {
    let dir = &normal(dir);
    split(dir)?;
    let meta = match fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(_) => return Ok(()),
    };
    if meta.file_type().is_symlink() {
        return Err(Refusal::Link(dir.to_path_buf()));
    }
    if !meta.is_dir() {
        return Err(Refusal::NotAFolder(dir.to_path_buf()));
    }
    if force || is_empty(dir) {
        return Ok(());
    }
    if !is_ours(dir) {
        return Err(Refusal::NotOurs(dir.to_path_buf()));
    }
    let changed = super::manifest::changed_since_written(dir);
    if changed.is_empty() {
        Ok(())
    } else {
        Err(Refusal::Changed {
            dir: dir.to_path_buf(),
            files: changed,
        })
    }
}

/// Checks that raci-sim may write the file `path` (not a folder, not a link to one).
pub fn check_file_target(path: &Path) -> Result<(), Refusal> {
    let path = &normal(path);
    if path.file_name().is_none() {
        return Err(Refusal::BadPath {
            path: path.to_path_buf(),
            what: "not a file path",
        });
    }
    if fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(Refusal::FolderInTheWay(path.to_path_buf()));
    }
    Ok(())
}

/// Checks that raci-sim may write the new file `path`: [`check_file_target`], and nothing
/// there yet unless `force` (`import`'s model and `export`'s sheet: a file a person may have
/// edited since is never replaced silently).
pub fn check_new_file_target(path: &Path, force: bool) -> Result<(), Refusal> {
    check_file_target(path)?;
    let path = &normal(path);
    if !force && fs::symlink_metadata(path).is_ok() {
        return Err(Refusal::Exists(path.to_path_buf()));
    }
    Ok(())
}

/// [`write_file`] for a file that must not exist yet unless `force`: checked first, and the
/// final rename refuses to replace a file that appeared meanwhile.
pub fn write_new_file(path: &Path, bytes: &[u8], force: bool) -> Result<(), WriteError> {
    check_new_file_target(path, force)?;
    if force {
        return write_file(path, bytes);
    }
    let path = &normal(path);
    let (parent, tmp) = temp_beside(path, bytes)?;
    tmp.persist_noclobber(path).map_err(|e| {
        if e.error.kind() == io::ErrorKind::AlreadyExists {
            WriteError::Refused(Refusal::Exists(path.to_path_buf()))
        } else {
            WriteError::Io(e.error)
        }
    })?;
    sync_dir(&parent);
    Ok(())
}

/// A failed folder or file write.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Writes `files` (paths inside the folder, `/`-separated, and their bytes) as the folder
/// `dir`, with the marker, whole or not at all; see the module documentation.
pub fn write_folder(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    force: bool,
) -> Result<(), WriteError> {
    let dir = &normal(dir);
    let (parent, name) = split(dir)?;
    fs::create_dir_all(&parent)?;
    remove_leftovers(&parent, &name);
    let mut prefix = OsString::from(".");
    prefix.push(&name);
    prefix.push(".raci-sim-tmp-");
    let tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .tempdir_in(&parent)?;
    // The marker first, so that even a half-built folder is known to be ours.
    let marker = marker_text() + &super::manifest::listing(files);
    write_synced(&tmp.path().join(MARKER), marker.as_bytes())?;
    for (file, bytes) in files {
        let path = inside(tmp.path(), file)?;
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        write_synced(&path, bytes)?;
    }
    sync_tree(tmp.path())?;
    set_folder_permissions(tmp.path())?;
    // Checked again at the last moment: the folder may have changed while we simulated.
    check_target(dir, force)?;
    if fs::symlink_metadata(dir).is_ok() {
        exchange(tmp.path(), dir)?;
        // The temporary path now holds the old folder: remove it, its marker last, so that a
        // kill while removing leaves something the next write recognises and clears.
        remove_marker_last(&tmp.keep());
    } else {
        fs::rename(tmp.path(), dir)?;
        let _ = tmp.keep();
    }
    sync_dir(&parent);
    Ok(())
}

/// Writes `bytes` to `path` whole or not at all: a temporary file beside it, fsynced, renamed.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let path = &normal(path);
    check_file_target(path)?;
    let (parent, tmp) = temp_beside(path, bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(&parent);
    Ok(())
}

/// `bytes` in a fsynced temporary file beside `path` (its folder created), ready to be renamed
/// onto it; the folder is returned for syncing after the rename.
fn temp_beside(
    path: &Path,
    bytes: &[u8],
) -> Result<(PathBuf, tempfile::NamedTempFile), WriteError> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let mut prefix = OsString::from(".");
    prefix.push(path.file_name().unwrap_or(OsStr::new("out")));
    prefix.push(".raci-sim-tmp-");
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .tempfile_in(&parent)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    set_file_permissions(tmp.path())?;
    Ok((parent, tmp))
}

/// `path` as its components: a trailing `/` or `/.` is dropped, so the last component is the
/// entry that is written (`reports/x/` is `reports/x`; a link `l/` is the link `l`).
fn normal(path: &Path) -> PathBuf {
    path.components().collect()
}

/// The folder's parent (`.` for a bare name) and its name; `..`, `/` and empty paths refused.
fn split(dir: &Path) -> Result<(PathBuf, OsString), Refusal> {
    let bad = |what| Refusal::BadPath {
        path: dir.to_path_buf(),
        what,
    };
    match dir.components().next_back() {
        Some(Component::Normal(name)) => {
            let parent = match dir.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            Ok((parent, name.to_os_string()))
        }
        Some(Component::ParentDir) => Err(bad("a folder path may not end in `..`")),
        Some(Component::CurDir) => Err(bad("the current folder cannot be replaced by a report")),
        _ => Err(bad("not a folder path that raci-sim can replace")),
    }
}

fn is_ours(dir: &Path) -> bool {
    fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

fn is_empty(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// A path inside the folder for a `/`-separated relative name; anything else is a bug.
fn inside(root: &Path, file: &str) -> io::Result<PathBuf> {
    let mut path = root.to_path_buf();
    for part in file.split('/') {
        match Path::new(part).components().collect::<Vec<_>>().as_slice() {
            [Component::Normal(p)] if *p != OsStr::new(MARKER) => path.push(p),
            _ => {
                return Err(io::Error::other(format!(
                    "internal error: output file name {file:?} is not a plain relative path"
                )))
            }
        }
    }
    Ok(path)
}

/// Temporary folders of earlier writes to `name` that were killed before they finished.
fn remove_leftovers(parent: &Path, name: &OsStr) {
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(".raci-sim-tmp-");
    let prefix = prefix.as_encoded_bytes();
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if !is_dir || !e.file_name().as_encoded_bytes().starts_with(prefix) {
            continue;
        }
        if is_ours(&e.path()) {
            remove_marker_last(&e.path());
        } else {
            remove_unfinished_start(&e.path());
        }
    }
}

/// A write killed before its marker was whole leaves its temporary folder empty, or holding
/// only part of the marker file: that much is certainly ours (a folder holding anything else
/// is left alone).
fn remove_unfinished_start(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let first: Vec<fs::DirEntry> = entries.flatten().take(2).collect();
    // A marker cut short: its start is the start of ours (the file listing follows).
    let partial_marker = |e: &fs::DirEntry| {
        let ours = marker_text();
        e.file_name() == OsStr::new(MARKER)
            && e.file_type().is_ok_and(|t| t.is_file())
            && fs::read(e.path()).is_ok_and(|b| {
                let n = b.len().min(ours.len());
                b[..n] == ours.as_bytes()[..n]
            })
    };
    match first.as_slice() {
        [] => {}
        [only] if partial_marker(only) => {
            let _ = fs::remove_file(only.path());
        }
        _ => return,
    }
    let _ = fs::remove_dir(dir);
}

fn remove_marker_last(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name() != OsStr::new(MARKER) {
                let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                let _ = if is_dir {
                    fs::remove_dir_all(e.path())
                } else {
                    fs::remove_file(e.path())
                };
            }
        }
    }
    let _ = fs::remove_file(dir.join(MARKER));
    let _ = fs::remove_dir(dir);
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Fsyncs every folder of the tree (files were synced as they were written).
fn sync_tree(dir: &Path) -> io::Result<()> {
    for e in fs::read_dir(dir)? {
        let e = e?;
        if e.file_type()?.is_dir() {
            sync_tree(&e.path())?;
        }
    }
    fs::File::open(dir)?.sync_all()
}

/// Best effort: a rename is durable once its folder is synced.
fn sync_dir(dir: &Path) {
    if let Ok(f) = fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// `tempfile` creates private folders and files; outputs are ordinary ones (rwxr-xr-x).
#[cfg(unix)]
fn set_folder_permissions(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755))
}

#[cfg(unix)]
fn set_file_permissions(file: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(file, fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_folder_permissions(_: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(not(unix))]
fn set_file_permissions(_: &Path) -> io::Result<()> {
    Ok(())
}

/// Swaps two folders in one step, so that `b` is always one of them whole.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

/// Elsewhere two renames: a kill between them leaves the old folder under the temporary name
/// (it carries the marker and is removed on the next write) and none at `b`.
#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    let mut aside = a.as_os_str().to_os_string();
    aside.push("-old");
    let aside = PathBuf::from(aside);
    fs::rename(b, &aside)?;
    if let Err(e) = fs::rename(a, b) {
        let _ = fs::rename(&aside, b);
        return Err(e);
    }
    fs::rename(&aside, a)
}

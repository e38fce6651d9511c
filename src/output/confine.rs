//! Where a study may send its report: a study file can come from a pull request, so its `out:`
//! must land inside the study's own folder or the current folder, whatever `..` or symbolic
//! links it uses. (`--out` on the command line is the user's own choice and is not confined.)

use std::path::{Component, Path, PathBuf};

/// `target` (relative to the current folder, or absolute) resolved through every symbolic link
/// of the part that exists; an error saying why when it lies inside none of `roots` (or is one
/// of them).
pub fn confined(target: &Path, roots: &[&Path]) -> Result<PathBuf, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    let resolved = resolve(&cwd.join(target))?;
    let roots: Vec<PathBuf> = roots
        .iter()
        .map(|root| std::fs::canonicalize(cwd.join(root)).unwrap_or_else(|_| cwd.join(root)))
        .collect();
    if roots.contains(&resolved) {
        return Err(format!(
            "is {} itself; a report needs a folder of its own inside it",
            resolved.display()
        ));
    }
    if roots.iter().any(|root| resolved.starts_with(root)) {
        Ok(resolved)
    } else {
        Err(format!(
            "resolves to {}, outside the study's folder and the current folder",
            resolved.display()
        ))
    }
}

/// The longest existing ancestor made canonical (links followed), the rest appended; `..` in
/// the part that does not exist is applied lexically.
fn resolve(path: &Path) -> Result<PathBuf, String> {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(&existing) {
            let mut out = real;
            for part in rest.iter().rev() {
                match Path::new(part).components().next() {
                    Some(Component::ParentDir) => {
                        out.pop();
                    }
                    Some(Component::Normal(p)) => out.push(p),
                    _ => {}
                }
            }
            return Ok(out);
        }
        let Some(last) = existing
            .components()
            .next_back()
            .map(|c| c.as_os_str().to_owned())
        else {
            return Err("has no folder that exists".into());
        };
        rest.push(last);
        if !existing.pop() {
            return Err("has no folder that exists".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::confined;
    use std::path::Path;

    #[test]
    fn inside_a_root_is_allowed_and_escapes_are_not() {
        let t = tempfile::tempdir().unwrap();
        let study = t.path().join("studies");
        std::fs::create_dir_all(study.join("sub")).unwrap();
        let root: &Path = &study;
        assert!(confined(&study.join("reports/x"), &[root]).is_ok());
        assert!(confined(&study.join("sub/../reports"), &[root]).is_ok());
        assert!(confined(&study.join("../elsewhere"), &[root]).is_err());
        assert!(confined(&study.join("reports/../../x"), &[root]).is_err());
        assert!(confined(Path::new("/etc"), &[root]).is_err());
        // The root itself is not a place for a report.
        assert!(confined(&study, &[root]).is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(t.path(), study.join("link")).unwrap();
            assert!(confined(&study.join("link/out"), &[root]).is_err());
        }
    }
}

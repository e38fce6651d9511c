//! Every file in tests/fixtures/invalid/ is rejected with exactly the message in its `.stderr`
//! sibling (file, line, column, field, help), exit code 2, and no panic.

use std::path::Path;
use std::process::Command;

#[test]
fn every_invalid_fixture_gets_its_exact_message_and_exit_code_2() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_str().unwrap();
        let args: Vec<&str> = if name.starts_with("scenario-") {
            vec!["run", name, "--model", "split-iam-security", "--runs", "1"]
        } else {
            vec![
                "run",
                "compromised-service-account",
                "--model",
                name,
                "--runs",
                "1",
            ]
        };
        let out = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
            .args(&args)
            .current_dir(&dir)
            .output()
            .expect("binary runs");
        let stderr = String::from_utf8(out.stderr).expect("utf-8");
        let expected = std::fs::read_to_string(path.with_extension("stderr"))
            .unwrap_or_else(|_| panic!("{name} has no .stderr file"));
        assert_eq!(stderr, expected, "{name}");
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(out.stdout.is_empty(), "{name} printed to stdout");
        assert!(!stderr.contains("panicked"), "{name}");
        // Every message names the file, a line and a column.
        assert!(stderr.starts_with(&format!("error: {name}:")), "{name}");
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} fixtures");
}

//! Provenance of a report: version, commit, seed, runs, the SHA-256 of every input and the
//! command as the user typed it, in results.json and index.html.

use std::process::Command;

/// `raci-sim compare` through the binary's absolute path, with a model file whose path has a
/// space and a quote: the record says `raci-sim`, keeps the path as typed and quotes it.
#[test]
fn a_report_records_the_command_as_typed_and_the_build() {
    let dir = std::env::temp_dir().join(format!("raci-sim-prov-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let models = dir.join("my models");
    std::fs::create_dir_all(&models).unwrap();
    let text = raci_sim::input::library::MODELS[1].text;
    let model = models.join("ops'.ron");
    std::fs::write(&model, text).unwrap();
    let out = dir.join("rep");
    let o = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
        .args(["compare", "--models", "split-iam-security"])
        .arg(&model)
        .args([
            "--scenarios",
            "replayed-token",
            "--runs",
            "20",
            "--seed",
            "3",
        ])
        .args(["--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    let p = &json["provenance"];
    let m = model.display().to_string();
    let quoted = format!("'{}'", m.replace('\'', r"'\''"));
    let command = format!(
        "raci-sim compare --models split-iam-security {quoted} --scenarios replayed-token --runs 20 --seed 3 --quiet --out {}",
        out.display()
    );
    assert_eq!(p["command"], command.as_str());
    assert_eq!(p["argv"][0], "raci-sim", "not the binary's path");
    assert_eq!(p["argv"][4], m.as_str(), "the path as typed");
    assert_eq!(p["tool_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(p["commit"].as_str(), raci_sim::BUILD_COMMIT);
    assert_eq!(
        (p["seed"].as_u64(), p["runs"].as_u64()),
        (Some(3), Some(20))
    );
    let inputs = p["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 3, "two models and a scenario");
    assert_eq!(inputs[1]["source"], m.as_str());
    assert_eq!(
        inputs[1]["sha256"],
        raci_sim::output::sha256_hex(text.as_bytes()).as_str()
    );

    let html = String::from_utf8(std::fs::read(out.join("index.html")).unwrap()).unwrap();
    let escaped = raci_sim::output::escape::html(&command);
    assert!(
        html.contains(&format!(
            "<pre class=\"command\"><code>{escaped}</code></pre>"
        )),
        "the command, ready to copy"
    );
    let section = &html[html
        .find("<section id=\"provenance\">")
        .expect("a provenance section")..];
    assert!(section.contains(&raci_sim::output::escape::html(&m)));
    assert!(section.contains(inputs[1]["sha256"].as_str().unwrap()));
    let version = match raci_sim::output::provenance::short_commit(raci_sim::BUILD_COMMIT) {
        Some(c) => format!("commit {c}"),
        None => "no commit recorded".into(),
    };
    let basis = format!(
        "20 runs x 1 scenario x 2 models, seed 3, raci-sim {} ({version})",
        env!("CARGO_PKG_VERSION")
    );
    assert!(html.contains(&basis), "basis line: {basis}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Built in this checkout, the binary knows its commit (40 hex digits, maybe `-dirty`).
#[test]
fn a_build_from_a_checkout_records_its_commit() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    if !root.join(".git").exists() {
        assert_eq!(raci_sim::BUILD_COMMIT, None, "no checkout, no commit");
        return;
    }
    let c = raci_sim::BUILD_COMMIT.expect("built from a checkout");
    let hex = c.strip_suffix("-dirty").unwrap_or(c);
    assert_eq!(hex.len(), 40);
    assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
    if let Ok(o) = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(root)
        .output()
    {
        let head = String::from_utf8_lossy(&o.stdout).trim().to_string();
        assert_eq!(hex, head, "the commit checked out when it was built");
    }
}

//! index.html's provenance: the basis line of the first screen and the provenance section
//! (inputs with their SHA-256, seed, runs, version, commit, the command that makes the report
//! again). Every string is escaped.

use std::fmt::Write as _;

use super::Report;
use crate::output::escape::html;
use crate::output::provenance::{short_commit, Provenance};

/// 2000 -> "2,000".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut o = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            o.push(',');
        }
        o.push(c);
    }
    o
}

fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// "raci-sim 0.1.0 (commit abc1234)", or "(no commit recorded)" for a build without git.
fn version_text() -> String {
    let commit = short_commit(crate::BUILD_COMMIT)
        .map_or("no commit recorded".to_string(), |c| format!("commit {c}"));
    format!("raci-sim {} ({commit})", env!("CARGO_PKG_VERSION"))
}

/// The basis of the report in one line, HTML-escaped: "2,000 runs x 14 scenarios x 9 models,
/// seed 20261123, raci-sim 0.1.0 (commit abc1234)".
pub fn basis_line(r: &Report) -> String {
    let c = r.comparison;
    html(&format!(
        "{} x {} x {}, seed {}, {}",
        count(c.runs, "run", "runs"),
        count(c.scenarios.len() as u64, "scenario", "scenarios"),
        count(c.models.len() as u64, "model", "models"),
        c.seed,
        version_text()
    ))
}

/// `<section id="provenance">`: how to make this report again, and what it was made from.
pub fn provenance_section(o: &mut String, r: &Report) {
    let p = Provenance::of(r);
    o.push_str("<section id=\"provenance\"><h2>Provenance</h2>\n");
    let _ = writeln!(
        o,
        "<p>To make this report again, byte for byte, run this in the folder it was made from (paths are as they were typed):</p>\n<div class=\"wide\"><pre class=\"command\"><code>{}</code></pre></div>",
        html(&p.command)
    );
    // The same words whether the commit is clean or "-dirty", so masking the commit string
    // (tests/golden.rs) masks everything that depends on the build.
    let commit = p.commit.map_or(
        "none recorded <small>(built outside a git checkout)</small>".to_string(),
        |c| format!("<code>{}</code>", html(c)),
    );
    o.push_str("<table class=\"facts\" style=\"width:auto\"><tbody>\n");
    for (what, value) in [
        ("raci-sim version", html(p.tool_version)),
        ("git commit", commit),
        ("seed", p.seed.to_string()),
        ("runs per model and scenario", thousands(p.runs)),
    ] {
        let _ = writeln!(
            o,
            "<tr><th class=\"name\">{what}</th><td class=\"name\">{value}</td></tr>"
        );
    }
    o.push_str("</tbody></table>\n<p><small>A commit ending in <code>-dirty</code> was built from sources (src/, scenarios/, build.rs, Cargo.toml, Cargo.lock) that differed from it.</small></p>\n");
    inputs_table(o, r);
    o.push_str("</section>\n");
}

/// Every input file: kind, name, where it was read from, SHA-256 of its bytes.
fn inputs_table(o: &mut String, r: &Report) {
    let _ = writeln!(
        o,
        "<h3>Inputs</h3>\n<p><small>{} files; a file's SHA-256 changes with any byte of it, so equal hashes mean the same inputs.</small></p>",
        r.inputs.len()
    );
    o.push_str("<div class=\"wide\"><table><thead><tr><th class=\"name\">kind</th><th class=\"name\">name</th><th class=\"name\">source</th><th class=\"name\">SHA-256</th></tr></thead><tbody>\n");
    for i in r.inputs {
        let _ = writeln!(
            o,
            "<tr><td class=\"name\">{}</td><td class=\"name\">{}</td><td class=\"name\">{}</td><td class=\"name\"><code>{}</code></td></tr>",
            html(i.kind),
            html(&i.name),
            html(&i.source),
            html(&i.sha256)
        );
    }
    o.push_str("</tbody></table></div>\n");
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(2000), "2,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}

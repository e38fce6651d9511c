//! Where a report comes from: the raci-sim version, the git commit it was built from, the seed,
//! the runs, the SHA-256 of every input file and the command that makes it again, as a user
//! types it. One value (`Provenance`) for results.json and index.html.

use serde::Serialize;

use super::report::{InputFile, Report};

/// The provenance object of results.json (docs/file-formats.md, "results.json").
#[derive(Serialize)]
pub struct Provenance<'a> {
    pub tool_version: &'static str,
    /// 40 hex digits, `-dirty` when the build's sources differed from the commit; `null` when
    /// built without git (a crates.io package).
    pub commit: Option<&'static str>,
    pub seed: u64,
    pub runs: u64,
    /// The command that writes this report again, ready to paste into a POSIX shell.
    pub command: String,
    /// The same command, one argument an element (no quoting).
    pub argv: &'a [String],
    pub inputs: &'a [InputFile],
}

impl<'a> Provenance<'a> {
    pub fn of(r: &'a Report) -> Self {
        Provenance {
            tool_version: env!("CARGO_PKG_VERSION"),
            commit: crate::BUILD_COMMIT,
            seed: r.comparison.seed,
            runs: r.comparison.runs,
            command: shell_command(r.command_line),
            argv: r.command_line,
            inputs: r.inputs,
        }
    }
}

/// The commit as people quote it: its first 7 hex digits (and `-dirty`), or `None`.
pub fn short_commit(commit: Option<&str>) -> Option<String> {
    commit.map(|c| match c.strip_suffix("-dirty") {
        Some(hex) => format!("{}-dirty", &hex[..hex.len().min(7)]),
        None => c[..c.len().min(7)].to_string(),
    })
}

/// One argument as a POSIX shell reads it back: unchanged when it holds only characters no
/// shell treats specially, else in single quotes (a single quote inside as `'\''`); the empty
/// string is `''`.
pub fn shell_quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        return arg.to_string();
    }
    format!("'{}'", arg.replace('\'', r"'\''"))
}

/// The arguments as one command line, each quoted only where needed.
pub fn shell_command(argv: &[String]) -> String {
    argv.iter()
        .map(|a| shell_quote(a))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The command as the user typed it: `raci-sim` for however the binary was invoked (never its
/// absolute path), then the arguments as given (paths stay as typed). `implicit` is the
/// subcommand the user left out (`compare` for the default command), appended so the record
/// is the explicit equivalent; global options keep their place before it.
pub fn command_as_typed(
    args: impl IntoIterator<Item = String>,
    implicit: Option<&str>,
) -> Vec<String> {
    let mut argv = vec!["raci-sim".to_string()];
    argv.extend(args);
    argv.extend(implicit.map(str::to_string));
    argv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_arguments_stay_as_they_are() {
        for a in [
            "compare",
            "--runs",
            "500",
            "docs/examples/study.ron",
            "a=b,c:d+e@f%",
        ] {
            assert_eq!(shell_quote(a), a);
        }
    }

    #[test]
    fn spaces_quotes_and_specials_are_single_quoted() {
        assert_eq!(shell_quote("my model.ron"), "'my model.ron'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(r#"say "hi""#), r#"'say "hi"'"#);
        assert_eq!(shell_quote("$HOME"), "'$HOME'");
        assert_eq!(shell_quote("~/m.ron"), "'~/m.ron'");
        assert_eq!(shell_quote("a*"), "'a*'");
        assert_eq!(shell_quote("né"), "'né'");
    }

    #[test]
    fn the_empty_string_is_two_quotes() {
        assert_eq!(shell_quote(""), "''");
        let argv: Vec<String> = ["raci-sim", "compare", "--out", ""]
            .map(String::from)
            .into();
        assert_eq!(shell_command(&argv), "raci-sim compare --out ''");
    }

    /// The quoted command, split as `sh` splits it, gives the arguments back.
    #[test]
    fn the_shell_reads_the_quoted_arguments_back() {
        let args = [
            "a b",
            "it's",
            "",
            r#"x"y"#,
            "$(echo no)",
            "`echo no`",
            "tab\there",
            "plain",
        ];
        let script = format!("printf '%s\\0' {}", shell_command(&args.map(String::from)));
        let Ok(out) = std::process::Command::new("sh")
            .args(["-c", &script])
            .output()
        else {
            return; // no shell on this machine: the cases above still hold
        };
        let back: Vec<&str> = std::str::from_utf8(&out.stdout)
            .unwrap()
            .split_terminator('\0')
            .collect();
        assert_eq!(back, args);
    }

    #[test]
    fn the_default_command_is_recorded_as_its_explicit_equivalent() {
        let typed = |args: &[&str], implicit| {
            command_as_typed(args.iter().map(|s| s.to_string()), implicit)
        };
        assert_eq!(typed(&[], Some("compare")), ["raci-sim", "compare"]);
        assert_eq!(
            typed(&["--memory-budget", "4G"], Some("compare")),
            ["raci-sim", "--memory-budget", "4G", "compare"]
        );
        assert_eq!(
            typed(&["compare", "--out", "rep"], None),
            ["raci-sim", "compare", "--out", "rep"]
        );
    }

    #[test]
    fn the_short_commit_keeps_the_dirty_mark() {
        let c = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(short_commit(Some(c)).as_deref(), Some("0123456"));
        let dirty = format!("{c}-dirty");
        assert_eq!(short_commit(Some(&dirty)).as_deref(), Some("0123456-dirty"));
        assert_eq!(short_commit(None), None);
    }
}

//! Everything raci-sim prints goes through here: control characters from input files are shown
//! escaped, never raw (so a name cannot move the cursor or recolour the terminal), and a closed
//! pipe (`raci-sim list | head -1`) ends the program quietly with exit 0.

use std::borrow::Cow;
use std::io::{self, Write as _};

/// `text` with the characters every output hides (`output::escape::is_hidden`: controls but
/// newline and tab, bidirectional overrides) and carriage returns written as `\u{..}`.
pub fn escaped(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c == '\r' || raci_sim::output::escape::is_hidden(c);
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Prints `text` (escaped) on standard output.
pub fn out(text: &str) {
    out_bytes(escaped(text).as_bytes());
}

/// Writes bytes to standard output as they are (JSON, already escaped by its writer). A reader
/// that went away ends the program with exit 0; any other failure with exit 1.
pub fn out_bytes(bytes: &[u8]) {
    let mut stdout = io::stdout().lock();
    if let Err(e) = stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        if e.kind() == io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        err(&format!("error: cannot write to standard output: {e}\n"));
        std::process::exit(1);
    }
}

/// Prints `text` (escaped) on standard error; a closed standard error is ignored.
pub fn err(text: &str) {
    let _ = io::stderr().lock().write_all(escaped(text).as_bytes());
}

/// `println!` through [`out`].
macro_rules! outln {
    () => { $crate::cli::terminal::out("\n") };
    ($($arg:tt)*) => { $crate::cli::terminal::out(&format!("{}\n", format_args!($($arg)*))) };
}

pub(crate) use outln;

#[cfg(test)]
mod tests {
    use super::escaped;

    #[test]
    fn control_and_bidi_characters_are_escaped_newlines_and_tabs_kept() {
        assert_eq!(escaped("a\tb\nc"), "a\tb\nc");
        assert_eq!(escaped("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(escaped("x\ry\u{7f}\u{85}"), "x\\u{d}y\\u{7f}\\u{85}");
        assert_eq!(escaped("abc\u{202e}def"), "abc\\u{202e}def");
    }
}

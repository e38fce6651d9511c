//! Reading input files with a size limit enforced while reading (so `/dev/zero`, a pipe or a
//! file that grows cannot exhaust memory), and quoting user text in messages so that every
//! message stays short whatever the input holds.

use std::io::Read;
use std::path::Path;

use super::{Diagnostic, LoadError};

/// Most characters of user text (an id, a reference, a value) quoted in one message.
pub const MAX_QUOTED: usize = 60;
/// Most characters of any one message or help line (user text included).
pub const MAX_MESSAGE: usize = 400;
/// Most characters of a file label (its path as given) in a message.
pub const MAX_LABEL: usize = 256;

/// User text as quoted in messages: at most [`MAX_QUOTED`] characters, then `…`; control
/// characters shown escaped (`\u{1b}`).
pub fn clip(text: &str) -> String {
    clip_to(text, MAX_QUOTED)
}

/// `text` cut to `max` characters (then `…`), control characters escaped.
pub fn clip_to(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max + 8));
    for (n, c) in text.chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        if c.is_control() && c != '\n' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads at most `limit` bytes of `path`. A larger file (or an endless one, like `/dev/zero`)
/// is refused as soon as byte `limit + 1` arrives: "file is larger than the N byte limit", at
/// line 1 of the file as named. The limit is the caller's: input files use
/// [`MAX_INPUT_BYTES`](super::MAX_INPUT_BYTES).
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, LoadError> {
    let label = path.to_string_lossy();
    let read_error = |source| LoadError::Read {
        file: clip_to(&label, MAX_LABEL),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > limit {
        return Err(whole_file(
            &label,
            format!("file is larger than the {limit} byte limit for an input file"),
            Some("input files are a few kilobytes; is this the right file?".into()),
        ));
    }
    Ok(bytes)
}

/// [`read_limited`], then the bytes as UTF-8 text. Bytes that are not UTF-8 are an error at
/// the line and column of the first bad byte, naming its byte offset.
pub fn read_text_limited(path: &Path, limit: u64) -> Result<String, LoadError> {
    let bytes = read_limited(path, limit)?;
    utf8_text(&path.to_string_lossy(), bytes)
}

/// `bytes` as text, or an error at the first byte that is not UTF-8.
pub fn utf8_text(label: &str, bytes: Vec<u8>) -> Result<String, LoadError> {
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let good = &e.as_bytes()[..offset];
        let good = std::str::from_utf8(good).unwrap_or_default();
        let line = good.matches('\n').count() + 1;
        let col = good[good.rfind('\n').map_or(0, |i| i + 1)..]
            .chars()
            .count()
            + 1;
        LoadError::Invalid(vec![Diagnostic {
            file: clip_to(label, MAX_LABEL),
            line,
            col,
            field: String::new(),
            message: format!(
                "not UTF-8 text: byte {offset} (0x{:02X}) is not valid UTF-8",
                e.as_bytes()[offset]
            ),
            help: Some("input files are UTF-8 text; is this the right file?".into()),
        }])
    })
}

fn whole_file(label: &str, message: String, help: Option<String>) -> LoadError {
    LoadError::Invalid(vec![Diagnostic {
        file: clip_to(label, MAX_LABEL),
        line: 1,
        col: 1,
        field: String::new(),
        message,
        help,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_cuts_long_text_and_escapes_control_characters() {
        assert_eq!(clip("soc"), "soc");
        assert_eq!(clip("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        let long = "x".repeat(100);
        assert_eq!(clip(&long), format!("{}…", "x".repeat(60)));
        assert_eq!(clip(&"é".repeat(61)).chars().count(), 61);
    }

    #[test]
    fn read_limited_stops_at_the_limit() {
        let e = read_limited(Path::new("/dev/zero"), 1000).unwrap_err();
        assert_eq!(
            e.to_string(),
            "/dev/zero:1:1: file is larger than the 1000 byte limit for an input file\n  \
             help: input files are a few kilobytes; is this the right file?"
        );
        let dir = std::env::temp_dir().join(format!("raci-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("f.ron");
        std::fs::write(&f, "ab\ncd\u{e9}\u{ff}").unwrap();
        assert_eq!(read_limited(&f, 9).unwrap().len(), 9);
        assert!(read_limited(&f, 8).is_err());
        std::fs::write(&f, b"ab\ncd\xffe").unwrap();
        let e = read_text_limited(&f, 100).unwrap_err().to_string();
        assert!(
            e.ends_with(":2:3: not UTF-8 text: byte 5 (0xFF) is not valid UTF-8\n  help: input files are UTF-8 text; is this the right file?"),
            "{e}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

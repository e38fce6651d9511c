//! Text from input files reaches HTML, SVG, XML (XES, JUnit), Markdown, CSV and JSON: escape it
//! for each.
//!
//! # Hidden characters: one rule for every format
//!
//! Input text may hold characters that XML 1.0 forbids outright (even as `&#..;` references),
//! that a terminal or viewer acts on instead of showing (ESC starts a colour sequence, U+009B
//! is a one-byte CSI), or that no viewer shows at all. [`is_hidden`] names them:
//!
//! - U+0000..U+001F except tab, line feed and carriage return (C0 controls, ESC among them);
//! - U+007F..U+009F (DEL and the C1 controls, NEL U+0085 and CSI U+009B among them);
//! - U+202A..U+202E and U+2066..U+2069 (bidirectional embeddings, overrides and isolates, which
//!   reorder what a reader sees: the terminal shows them escaped too);
//! - U+FFFE and U+FFFF (not characters; XML 1.0 excludes them).
//!
//! Every writer of HTML, SVG, XML, Markdown and CSV replaces each of them by its visible Rust
//! escape, `\u{1b}` for ESC (lowercase hex, no padding), through [`visible`] (directly, or
//! inside [`html`], [`markdown`] and [`csv_text`]); the rest of the text is kept as it was.
//! The replacement is plain ASCII, so every XML output parses and no raw control character
//! reaches a file. It is not reversible (an input that already spells `\u{1b}` reads the same):
//! the JSON outputs ([`json_for_html`]) keep the exact text instead, as `\u` escapes, so
//! `results.json` and OCEL logs stay a faithful record.
//!
//! Tab, line feed and carriage return are legal in XML and are left to each format (Markdown
//! turns line breaks into spaces; CSV quotes the cell).

use std::borrow::Cow;

/// Whether `c` is a hidden character (see the module documentation): replaced by [`visible`].
pub fn is_hidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{fffe}' | '\u{ffff}')
}

/// Pushes `c`, or its visible escape `\u{..}` when it is hidden.
fn push_visible(o: &mut String, c: char) {
    if is_hidden(c) {
        o.push_str(&format!("\\u{{{:x}}}", c as u32));
    } else {
        o.push(c);
    }
}

/// The text with every hidden character replaced by its visible escape (`\u{1b}` for ESC);
/// borrowed when there is none. The one rule every text output applies to input text.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hidden) {
        return Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_visible(&mut o, c);
    }
    Cow::Owned(o)
}

/// Escapes text for HTML and XML element content and attribute values (HTML, SVG, XES, JUnit):
/// markup characters become entities and hidden characters their visible escapes.
pub fn html(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => push_visible(&mut o, c),
        }
    }
    o
}

/// Escapes text for a Markdown table cell: no raw HTML, no table breaks, no emphasis or links,
/// no line breaks, hidden characters as visible escapes.
pub fn markdown(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '|' => o.push_str("\\|"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' => {
                o.push('\\');
                o.push(c);
            }
            '\n' | '\r' => o.push(' '),
            _ => push_visible(&mut o, c),
        }
    }
    o
}

/// JSON text safe to embed in HTML and free of raw control characters: `<`, `>`, `&`, DEL,
/// the C1 controls, U+FFFE and U+FFFF only occur inside JSON strings (serde_json already
/// escapes U+0000..U+001F), where their `\u` escapes mean the same, so the data stays exact.
pub fn json_for_html(json: String) -> String {
    let special = |c: char| matches!(c, '<' | '>' | '&') || is_hidden(c);
    if !json.contains(special) {
        return json;
    }
    let mut o = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if special(c) {
            o.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            o.push(c);
        }
    }
    o
}

/// A CSV cell a spreadsheet will not run as a formula: text starting with `=`, `+`, `-`, `@`,
/// tab or carriage return gets a leading apostrophe. Hidden characters become their visible
/// escapes (the CSV quoting keeps tab and line breaks as data). Numbers are written by the
/// caller and never pass through here.
pub fn csv_text(s: &str) -> String {
    let s = visible(s);
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_hostile_names() {
        assert_eq!(html("<script>x</script>"), "&lt;script&gt;x&lt;/script&gt;");
        assert_eq!(markdown("a|<b>*c*"), "a\\|&lt;b&gt;\\*c\\*");
        assert_eq!(csv_text("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_text("-1+2"), "'-1+2");
        assert_eq!(csv_text("soc"), "soc");
        let json = json_for_html(r#"{"name":"<script>&"}"#.to_string());
        assert_eq!(json, r#"{"name":"\u003cscript\u003e\u0026"}"#);
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["name"], "<script>&");
    }

    #[test]
    fn hidden_characters_become_visible_escapes() {
        let hostile = "a\u{1b}[31m\u{1}\u{8}\u{b}\u{c}\u{7f}\u{85}\u{9b}\u{fffe}\u{ffff}\tb\nc\rd";
        let shown = r"a\u{1b}[31m\u{1}\u{8}\u{b}\u{c}\u{7f}\u{85}\u{9b}\u{fffe}\u{ffff}";
        assert_eq!(visible(hostile), format!("{shown}\tb\nc\rd"));
        assert!(matches!(visible("plain é ✓"), Cow::Borrowed(_)));
        assert_eq!(html("<\u{0}>"), r"&lt;\u{0}&gt;");
        assert_eq!(markdown("x\u{1b}y\nz"), r"x\u{1b}y z");
        assert_eq!(csv_text("\u{1b}=1"), r"\u{1b}=1");
        assert_eq!(csv_text("\t\u{7f}"), "'\t\\u{7f}");
        for c in ['\u{e000}', '\u{fffd}', '\u{10000}', ' ', '\u{a0}'] {
            assert!(!is_hidden(c), "{c:?}");
        }
        // JSON keeps the exact text, escaped.
        let text = "\u{1b}\u{7f}\u{85}\u{ffff}";
        let json = json_for_html(serde_json::to_string(text).unwrap());
        assert!(
            !json.chars().any(|c| c.is_control() || is_hidden(c)),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<String>(&json).unwrap(), text);
    }
}

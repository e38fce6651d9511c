//! Text from input files reaches HTML, Markdown and CSV: escape it for each.

/// Escapes text for HTML element content and attribute values.
pub fn html(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// Escapes text for a Markdown table cell: no raw HTML, no table breaks, no emphasis or links.
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
            _ => o.push(c),
        }
    }
    o
}

/// JSON text safe to embed in HTML: `<`, `>` and `&` only occur inside JSON strings, where
/// their `\u` escapes mean the same.
pub fn json_for_html(json: String) -> String {
    if !json.contains(['<', '>', '&']) {
        return json;
    }
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// A CSV cell a spreadsheet will not run as a formula: text starting with `=`, `+`, `-`, `@`,
/// tab or carriage return gets a leading apostrophe. Numbers are written by the caller and
/// never pass through here.
pub fn csv_text(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
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
}

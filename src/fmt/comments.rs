//! Finding the comments of a rule file: `#` to the end of the line, outside strings and inline
//! scripts (`"""…"""`, where `#` belongs to the script).

/// One comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Byte offset of the `#`.
    pub at: usize,
    /// The comment, from `#` to the end of the line, trailing spaces removed.
    pub text: String,
    /// Nothing but blanks before it on its line.
    pub own_line: bool,
    /// An empty line comes right before its line (separating it from what precedes).
    pub blank_before: bool,
    /// An empty line comes right after its line (separating it from what follows).
    pub blank_after: bool,
}

/// Every comment of a text, in order.
pub fn scan(text: &str) -> Vec<Comment> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line_start = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                line_start = i + 1;
                i += 1;
            }
            b'"' if b[i..].starts_with(b"\"\"\"") => {
                // An inline script runs to the next three quotes.
                i += 3;
                while i < b.len() && !b[i..].starts_with(b"\"\"\"") {
                    if b[i] == b'\n' {
                        line_start = i + 1;
                    }
                    i += 1;
                }
                i = (i + 3).min(b.len());
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'#' => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                let own_line = text[line_start..i].trim().is_empty();
                let prev_line = text[..line_start.saturating_sub(1)]
                    .rsplit('\n')
                    .next()
                    .unwrap_or("");
                let next_line = text.get(end + 1..).and_then(|r| r.split('\n').next());
                out.push(Comment {
                    at: i,
                    text: text[i..end].trim_end().to_string(),
                    own_line,
                    blank_before: line_start > 0 && prev_line.trim().is_empty(),
                    blank_after: next_line.is_some_and(|l| l.trim().is_empty()),
                });
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::scan;

    #[test]
    fn comments_outside_strings_and_scripts() {
        let t = "a \"#no\" # yes\n  # own\n脚本 \"\"\"let m = #{}; # not\"\"\" # after\n";
        let c = scan(t);
        let texts: Vec<&str> = c.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["# yes", "# own", "# after"]);
        assert!(!c[0].own_line && c[1].own_line && !c[2].own_line);
    }
}

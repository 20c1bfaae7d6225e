//! A workaround for hcl-edit 0.10 on valid input.
//!
//! In HCL, newlines are not significant inside a `for` expression (HCL's
//! own parser stops including them when it enters one), so Terraform
//! accepts an object `for` whose value is a conditional split over lines:
//!
//! ```hcl
//! m = {
//!   for k, v in var.m : k => v.enabled
//!     ? v.a
//!     : v.b
//! }
//! ```
//!
//! hcl-edit 0.10 rejects it ("expected `}`"); the tuple form `[for …]` parses.
//! When a file does not parse, the model retries it with the newlines that
//! sit directly inside an object `for` turned into spaces. Byte offsets do not
//! change, so every line and column is still computed on the original text.
//! The retry is only accepted when it parses: a file that is invalid for
//! other reasons still reports its own error.

/// `text` with the newlines directly inside `{ for … }` replaced by spaces,
/// or `None` when there is none or the text cannot be scanned safely
/// (an unterminated string, a comment inside such an expression).
pub fn join(text: &str) -> Option<String> {
    #[derive(PartialEq)]
    enum Open {
        ForObject,
        Other,
    }
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut stack: Vec<Open> = Vec::new();
    let mut changed = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                // A quoted string ends on its own line (HCL has no multi-line
                // quoted strings outside interpolations, which we leave alone).
                let mut j = i + 1;
                loop {
                    match bytes.get(j)? {
                        b'\\' => j += 2,
                        b'"' => break,
                        b'\n' => return None,
                        _ => j += 1,
                    }
                }
                i = j + 1;
                continue;
            }
            b'#' => {
                if stack.last() == Some(&Open::ForObject) {
                    return None;
                }
                i = skip_line(bytes, i);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                if stack.last() == Some(&Open::ForObject) {
                    return None;
                }
                i = skip_line(bytes, i);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..].find("*/")? + i + 4;
                if stack.last() == Some(&Open::ForObject) && text[i..end].contains('\n') {
                    return None;
                }
                i = end;
                continue;
            }
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                if let Some(end) = heredoc_end(text, i) {
                    i = end;
                    continue;
                }
            }
            b'{' => {
                let rest = text[i + 1..].trim_start();
                let is_for =
                    rest.starts_with("for") && rest[3..].starts_with(|c: char| c.is_whitespace());
                stack.push(if is_for { Open::ForObject } else { Open::Other });
            }
            b'[' | b'(' => stack.push(Open::Other),
            b'}' | b']' | b')' => {
                stack.pop()?;
            }
            b'\n' if stack.last() == Some(&Open::ForObject) => {
                out[i] = b' ';
                changed = true;
            }
            _ => {}
        }
        i += 1;
    }
    if !changed || !stack.is_empty() {
        return None;
    }
    String::from_utf8(out).ok()
}

fn skip_line(bytes: &[u8], i: usize) -> usize {
    bytes[i..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| i + p)
}

/// The offset after a heredoc starting at `start` (`<<EOT` or `<<-EOT`),
/// or `None` when `start` does not open one.
fn heredoc_end(text: &str, start: usize) -> Option<usize> {
    let after = text[start + 2..]
        .strip_prefix('-')
        .unwrap_or(&text[start + 2..]);
    let ident: String = after
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if ident.is_empty() {
        return None;
    }
    let body_start = start + text[start..].find('\n')? + 1;
    let mut pos = body_start;
    for line in text[body_start..].split_inclusive('\n') {
        pos += line.len();
        if line.trim() == ident {
            return Some(pos);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn joins_only_inside_object_for() {
        let t = "locals {\n  m = {\n    for k, v in var.m : k => v.on\n      ? v.a\n      : v.b\n  }\n  o = {\n    a = 1\n    b = 2\n  }\n}\n";
        let j = join(t).expect("changed");
        assert_eq!(j.len(), t.len());
        assert!(j.contains("k => v.on       ? v.a       : v.b   }"), "{j}");
        // An object constructor keeps its newlines (they separate items).
        assert!(j.contains("{\n    a = 1\n    b = 2\n  }"), "{j}");
    }

    #[test]
    fn leaves_strings_heredocs_and_plain_files_alone() {
        assert!(join("a = \"{ for x\"\nb = 1\n").is_none());
        assert!(join("a = <<EOT\n{ for\nEOT\n").is_none());
        // A comment inside the expression: not safe to join.
        assert!(join("m = {\n  for k, v in x : k => v # why\n}\n").is_none());
    }
}

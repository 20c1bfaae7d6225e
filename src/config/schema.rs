//! The parts of `readyctl.yaml`'s JSON Schema that the derive cannot say:
//! what the loader rejects beyond types (issue 13: the schema and the binary
//! must agree). Applied to the derived schema by `readyctl schema`.
//!
//! Expressed here: `version` is 1; durations (`500ms`, `5s`, `2m`, `1h`, or
//! a bare number of seconds up to 24h); HTTP status codes 100 to 599, a
//! non-empty list or a class (`2xx`); URL schemes http/https; method and
//! header-name tokens; check ids `area.name` in lower case; globs whose
//! classes and `{…}` groups close (up to 16 levels of nesting).
//!
//! Not expressible in a schema, so checked by the binary only: whether a
//! well-formed check id names a check (user checks in `.readyctl/checks`
//! are not known to the schema), a string duration over 24h, a reversed
//! character range (`[z-a]`), and paths that leave the repository.

use serde_json::{Value, json};

/// A duration string as `config::parse_duration` reads it.
pub const DURATION_PATTERN: &str = r"^\s*([0-9]+\.?[0-9]*|\.[0-9]+)\s*(ms|s|m|h)\s*$";

/// An HTTP token (RFC 9110): a method or a header name.
pub const TOKEN_PATTERN: &str = r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";

/// A check id: `area.name`, lower case (`declarative::valid_id`).
pub const CHECK_ID_PATTERN: &str = r"^[a-z][a-z0-9_-]*\.[a-z0-9][a-z0-9_-]*$";

/// Characters of a glob over check ids (`terraform.*`, `docs.{runbook,rollback}`).
pub const CHECK_GLOB_CHARS: &str = r"^[a-z0-9_.*?\[\]{},!^-]+$";

/// A glob globset compiles: classes closed, `{…}` balanced and nested at
/// most [`crate::repo::text::MAX_GLOB_BRACES`] deep, no dangling `\`.
pub fn glob_pattern() -> String {
    const ESC: &str = r"\\.";
    // After `[` (and a `!`/`^`), a `]` is a member, not the end.
    const CLASS: &str = r"\[(?:[!^](?:\][^\]]*|[^\]]+)|\][^\]]*|[^!^\]][^\]]*)\]";
    const PLAIN: &str = r"[^\[{}\\]";
    let mut inner = format!("(?:{ESC}|{CLASS}|{PLAIN})");
    for _ in 0..crate::repo::text::MAX_GLOB_BRACES {
        inner = format!(r"(?:{ESC}|{CLASS}|{PLAIN}|\{{{inner}*\}})");
    }
    format!("^{inner}*$")
}

/// Add the constraints above to the schema derived from `config::Config`.
pub fn tighten(schema: &mut Value) {
    let glob = json!({"type": "string", "pattern": glob_pattern()});
    let check_glob = json!({"type": "string", "allOf": [
        {"pattern": glob_pattern()},
        {"pattern": CHECK_GLOB_CHARS}
    ]});
    let mut set = |pointer: &str, value: Value| {
        if let Some(slot) = schema.pointer_mut(pointer) {
            merge(slot, value);
        }
    };
    set("/properties/version", json!({"enum": [1, null]}));
    set(
        "/$defs/DurationValue",
        json!({
            "type": null,
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 86400},
                {"type": "string", "pattern": DURATION_PATTERN}
            ]
        }),
    );
    set(
        "/$defs/ExpectStatus/anyOf/0",
        json!({"minimum": 100, "maximum": 599}),
    );
    set(
        "/$defs/ExpectStatus/anyOf/1",
        json!({"minItems": 1, "items": {"minimum": 100, "maximum": 599}}),
    );
    set(
        "/$defs/ExpectStatus/anyOf/2",
        json!({"pattern": r"^\s*([1-5][xX][xX]|0*[1-5][0-9][0-9])\s*$"}),
    );
    set(
        "/$defs/Endpoint/properties/url",
        json!({"pattern": r"^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\s]+"}),
    );
    set(
        "/$defs/Endpoint/properties/method",
        json!({"pattern": r"^\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*$"}),
    );
    set(
        "/$defs/Endpoint/properties/headers",
        json!({"propertyNames": {"pattern": TOKEN_PATTERN}}),
    );
    set(
        "/$defs/ChecksConfig/properties/severity",
        json!({"propertyNames": {"pattern": CHECK_ID_PATTERN}}),
    );
    set(
        "/$defs/ChecksConfig/properties/skip",
        json!({"items": check_glob.clone()}),
    );
    set("/$defs/WaiverConfig/properties/check", check_glob.clone());
    set(
        "/$defs/WaiverConfig/properties/paths",
        json!({"items": glob.clone()}),
    );
    set(
        "/$defs/SecretsConfig/properties/allow_paths",
        json!({"items": glob.clone()}),
    );
    for key in ["vendored", "test_data", "examples", "generated"] {
        set(
            &format!("/$defs/PathsConfig/properties/{key}"),
            json!({"items": glob.clone()}),
        );
    }
}

/// Merge `add` into `slot`: objects key by key (recursively), a `null`
/// removes the key, anything else replaces.
fn merge(slot: &mut Value, add: Value) {
    match (slot, add) {
        (Value::Object(s), Value::Object(a)) => {
            for (k, v) in a {
                if v.is_null() {
                    s.remove(&k);
                } else if let Some(existing) = s.get_mut(&k) {
                    merge(existing, v);
                } else {
                    s.insert(k, v);
                }
            }
        }
        (slot, add) => *slot = add,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, s: &str) -> bool {
        regex::Regex::new(pattern).unwrap().is_match(s)
    }

    #[test]
    fn the_glob_pattern_agrees_with_globset_on_closure_and_nesting() {
        let p = glob_pattern();
        for g in [
            "a/{b",
            "a}",
            "[",
            "a[b",
            "[]",
            "[!]",
            "\\",
            "{a",
            &format!("{}a{}", "{".repeat(17), "}".repeat(17)),
        ] {
            assert!(!matches(&p, g), "{g} accepted");
            assert!(crate::repo::index::glob(g).is_err() || crate::repo::text::brace_depth(g) > 16);
        }
        for g in [
            "**/x",
            "{a,{b,c}}",
            "]",
            "[a-]",
            "{}",
            "[[]",
            "\\{",
            "!examples/**",
            &format!("{}a{}", "{".repeat(16), "}".repeat(16)),
        ] {
            assert!(matches(&p, g), "{g} refused");
            assert!(crate::repo::index::glob(g).is_ok(), "{g}");
        }
    }

    #[test]
    fn the_duration_pattern_agrees_with_parse_duration() {
        for d in ["5s", "500ms", "1.5m", " 2h ", ".5s", "5.s", "5 s"] {
            assert!(matches(DURATION_PATTERN, d), "{d}");
            assert!(crate::config::parse_duration(d).is_some(), "{d}");
        }
        for d in ["5 parsecs", "s", ".s", "1.2.3s", "5", "-5s", "5sec"] {
            assert!(!matches(DURATION_PATTERN, d), "{d}");
            assert!(crate::config::parse_duration(d).is_none(), "{d}");
        }
    }
}

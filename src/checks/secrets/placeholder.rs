//! Values that stand in for a secret without being one: truncations
//! (`abc...`, `abc…`), angle-bracket and template slots (`<token>`,
//! `${TOKEN}`, `{{ token }}`), masks (`xxxx`, `****`), and values made of
//! one repeated character or a handful of distinct ones.

/// Is `secret` a placeholder rather than a value?
pub fn is_placeholder(secret: &[u8]) -> bool {
    let lower = secret.to_ascii_lowercase();
    let has = |needle: &[u8]| memchr::memmem::find(&lower, needle).is_some();
    if has(b"...") || has("…".as_bytes()) || has(b"xxxx") || has(b"****") || has(b"${") {
        return true;
    }
    if secret.first() == Some(&b'<') && secret.last() == Some(&b'>') {
        return true;
    }
    if has(b"{{") && has(b"}}") {
        return true;
    }
    // Repeated characters: one character is half of a value, or a run of
    // 8+ identical characters makes up a third of it, or a long value uses
    // only three distinct characters.
    let mut counts = [0u32; 256];
    let mut run = 0usize;
    let mut longest = 0usize;
    let mut prev = None;
    for &b in secret {
        counts[b as usize] += 1;
        run = if prev == Some(b) { run + 1 } else { 1 };
        longest = longest.max(run);
        prev = Some(b);
    }
    // An identifier such as `content-section-header`: lower-case words
    // joined by separators, no digit.
    let separators = secret
        .iter()
        .filter(|&&b| matches!(b, b'-' | b'_' | b'.'))
        .count();
    if separators >= 2
        && secret
            .iter()
            .all(|&b| b.is_ascii_lowercase() || matches!(b, b'-' | b'_' | b'.'))
    {
        return true;
    }
    // A reference to where a secret lives, not the secret: lower-case
    // segments joined by `/` or `#`, two of them plain words
    // (`owner/home#assets/crates-credentials`, `team/app/db-password`).
    // Generated values have capitals; hex has no separators.
    if secret.iter().filter(|&&b| matches!(b, b'/' | b'#')).count() >= 2
        && secret.iter().all(|&b| {
            b.is_ascii_lowercase()
                || b.is_ascii_digit()
                || matches!(b, b'/' | b'#' | b'.' | b'_' | b'-')
        })
    {
        let segments: Vec<&[u8]> = secret.split(|&b| matches!(b, b'/' | b'#')).collect();
        let words = segments
            .iter()
            .filter(|s| s.len() >= 3 && s.iter().all(u8::is_ascii_lowercase))
            .count();
        if segments.iter().all(|s| !s.is_empty()) && words >= 2 {
            return true;
        }
    }
    // A dotted path of identifiers without a digit: code, not a value
    // (`this.config.clientSecret`).
    if secret.iter().filter(|&&b| b == b'.').count() >= 2
        && !secret.iter().any(u8::is_ascii_digit)
        && secret
            .split(|&b| b == b'.')
            .all(|p| !p.is_empty() && p.iter().all(|&b| b.is_ascii_alphabetic() || b == b'_'))
    {
        return true;
    }
    // Counting runs (`1234567890`, `abcdefgh`): typed by hand, not generated.
    if secret
        .windows(8)
        .any(|w| w.windows(2).all(|p| p[1] == p[0].wrapping_add(1)))
    {
        return true;
    }
    // Words in base64 (`c3Ryb25nLXBhc3N3b3Jk` is `strong-password`): an
    // encoded placeholder; real base64 secrets decode to random bytes.
    if secret.len() >= 12 && encodes_words(secret) {
        return true;
    }
    let n = secret.len();
    let top = counts.iter().copied().max().unwrap_or(0) as usize;
    let distinct = counts.iter().filter(|&&c| c > 0).count();
    (n >= 8 && top * 2 > n) || (longest >= 8 && longest * 3 >= n) || (n >= 8 && distinct <= 3)
}

/// Does `secret` decode (base64) to lower-case words joined by `-`, `_`,
/// `.` or spaces?
fn encodes_words(secret: &[u8]) -> bool {
    use base64::Engine;
    let engines = [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::URL_SAFE,
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    engines.iter().any(|e| {
        e.decode(secret).is_ok_and(|d| {
            d.len() >= 6
                && d.iter().any(|&b| matches!(b, b'-' | b'_' | b'.' | b' '))
                && d.iter()
                    .all(|&b| b.is_ascii_lowercase() || matches!(b, b'-' | b'_' | b'.' | b' '))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::is_placeholder;

    #[test]
    fn placeholders_and_values() {
        for p in [
            "AKIA...",
            "sk_live_abc…",
            "xoxb-xxxx-xxxx",
            "<your-token>",
            "${TOKEN}",
            "{{ token }}",
            "aaaaaaaaaaaaaaaa",
            "0000-0000-0000-0000",
            "abababababababab",
            "********",
            "md-content-section-header",
            "this.config.azureClientSecret",
            "xoxb-1234567890-1234567890123-q7Lm2Xv9Rt4Kp8Wz3Nc6Bd1F",
            "c3Ryb25nLXBhc3N3b3Jk",
            "aGVsbG8td29ybGQ=",
            "acme42/home#assets/deploy-credentials",
            "team/app/db-password",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
        for v in [
            "q7Lm2Xv9Rt4Kp8Wz",
            "Xq7!v9#Lm2$Rt4",
            "d41d8cd98f00b204e9800998ecf8427e",
            "q7lm/2xv9#rt4kp8wz3nc6",
            "/9j/4AAQSkZJRgABAQ",
        ] {
            assert!(!is_placeholder(v.as_bytes()), "{v}");
        }
        // A bearer token that opens with a run of `A`s is still a value.
        let bearer = format!(
            "{}{}",
            "A".repeat(21),
            "q7Lm2Xv9Rt4Kp8Wz3Nc6Bd1Fh5Jy0Gs7Ta2E".repeat(3)
        );
        assert!(!is_placeholder(bearer.as_bytes()));
    }
}

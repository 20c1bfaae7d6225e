//! The one redaction boundary: every message of a report, every finding and
//! every error line passes through here before it is printed or written, so
//! a secret that a check quoted (a checklist item, a URL path, a config key)
//! is never shown whole, whatever the check. The secret scanner's own rules
//! decide what a secret is; each one found is replaced by its redacted form
//! (`ghp_…(40 chars)`).

use crate::checks::secrets::{rules::Rules, scanner};
use crate::findings::Report;

/// `text` with every secret the scanner's rules find replaced by its
/// redacted form.
pub fn text(text: &str) -> String {
    let Ok(rules) = Rules::builtin() else {
        return text.to_string();
    };
    let mut hits = rules.scan("", text.as_bytes());
    if hits.is_empty() {
        return text.to_string();
    }
    hits.sort_by_key(|h| h.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for h in hits {
        // Overlapping hits: the first one already covers the bytes.
        if h.start < at || !text.is_char_boundary(h.start) || !text.is_char_boundary(h.end) {
            continue;
        }
        out.push_str(&text[at..h.start]);
        out.push_str(&scanner::redact(&h.secret));
        at = h.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Redact every message a report carries (checks, findings, fixes, waived
/// and suppressed findings, services).
pub fn report(report: &mut Report) {
    let services = report.services.iter_mut().flat_map(|s| s.checks.iter_mut());
    for c in report.checks.iter_mut().chain(services) {
        c.message = text(&c.message);
        if let Some(fix) = &mut c.fix {
            fix.hint = text(&fix.hint);
        }
        let waived = c.waived.iter_mut().map(|w| &mut w.finding);
        let suppressed = c.suppressed.iter_mut().map(|s| &mut s.finding);
        for f in c.findings.iter_mut().chain(waived).chain(suppressed) {
            f.message = text(&f.message);
        }
    }
}

//! The keyword prefilter's matcher: every occurrence of every rule keyword
//! (ASCII case-insensitive), as `aho_corasick`'s overlapping search reports
//! them, but several times faster on large files.
//!
//! An Aho-Corasick DFA step is one table load that depends on the previous
//! one, so a single search runs at the cache's latency (~1.5 ns a byte here,
//! a quarter of the whole scan's CPU). This matcher cuts a large file into
//! [`STREAMS`] pieces and steps one DFA state per piece in the same loop:
//! the loads are independent and overlap. Each piece starts `max_len` bytes
//! early, so its state is the one a single search would have by the time
//! its own bytes begin (the state remembers at most the last `max_len`
//! bytes), and keeps only the matches that end inside it. The result —
//! order included — is that of `find_overlapping_iter`; a test compares the
//! two on every rule sample and on generated text.

use aho_corasick::automaton::Automaton;
use aho_corasick::automaton::StateID;
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind, StartKind};

/// One keyword occurrence: `data[start..end]` is pattern `pattern`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeywordMatch {
    pub start: usize,
    pub end: usize,
    pub pattern: usize,
}

/// How many pieces of a large file are searched in one loop.
const STREAMS: usize = 4; // the loop below names four states
/// Below this size a file is searched as one piece.
const SPLIT_AT: usize = 2 * 1024;

pub struct Keywords {
    dfa: DFA,
    /// The keywords, as compiled (for tests against the reference search).
    #[cfg_attr(not(test), allow(dead_code))]
    patterns: Vec<Vec<u8>>,
    start: StateID,
    /// The longest keyword, in bytes.
    max_len: usize,
}

impl std::fmt::Debug for Keywords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keywords")
            .field("patterns", &self.patterns.len())
            .field("max_len", &self.max_len)
            .finish()
    }
}

impl Keywords {
    /// Compile lower-case keywords, matched ASCII case-insensitively.
    pub fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Result<Keywords, String> {
        // No prefilter: with one, start states are "special" and the loop
        // below would leave its fast path at every byte.
        let dfa = DFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Unanchored)
            .prefilter(false)
            .build(patterns)
            .map_err(|e| e.to_string())?;
        let start = dfa.start_state(Anchored::No).map_err(|e| e.to_string())?;
        let max_len = dfa.max_pattern_len();
        Ok(Keywords {
            dfa,
            patterns: patterns.iter().map(|p| p.as_ref().to_vec()).collect(),
            start,
            max_len,
        })
    }

    /// Every occurrence of every keyword in `data`, ordered by end (then by
    /// the automaton's order at one end), into `out` (cleared first).
    pub fn find_all(&self, data: &[u8], out: &mut Vec<KeywordMatch>) {
        out.clear();
        if data.len() < SPLIT_AT {
            self.search(data, 0, data.len(), self.start, 0, out);
            return;
        }
        let piece = data.len().div_ceil(STREAMS);
        // Piece k owns the matches ending in (own[k], own[k+1]] and reads
        // from `from[k]`, `max_len` bytes before its own first byte.
        let own: [usize; STREAMS + 1] = std::array::from_fn(|k| (k * piece).min(data.len()));
        let from: [usize; STREAMS] = std::array::from_fn(|k| own[k].saturating_sub(self.max_len));
        let steps = (0..STREAMS)
            .map(|k| own[k + 1] - from[k])
            .min()
            .unwrap_or(0);
        let mut later: [Vec<KeywordMatch>; STREAMS] = Default::default();
        // Four named states, not an array, so that they stay in registers:
        // a state spilled to the stack puts a store and a load into each
        // step's dependency chain.
        let (mut s0, mut s1, mut s2, mut s3) = (self.start, self.start, self.start, self.start);
        let pieces = data[from[0]..from[0] + steps]
            .iter()
            .zip(&data[from[1]..from[1] + steps])
            .zip(&data[from[2]..from[2] + steps])
            .zip(&data[from[3]..from[3] + steps]);
        for (i, (((&b0, &b1), &b2), &b3)) in pieces.enumerate() {
            s0 = self.dfa.next_state(Anchored::No, s0, b0);
            s1 = self.dfa.next_state(Anchored::No, s1, b1);
            s2 = self.dfa.next_state(Anchored::No, s2, b2);
            s3 = self.dfa.next_state(Anchored::No, s3, b3);
            if self.dfa.is_special(s0) {
                self.report(s0, from[0] + i + 1, own[0], out);
            }
            if self.dfa.is_special(s1) {
                self.report(s1, from[1] + i + 1, own[1], &mut later[1]);
            }
            if self.dfa.is_special(s2) {
                self.report(s2, from[2] + i + 1, own[2], &mut later[2]);
            }
            if self.dfa.is_special(s3) {
                self.report(s3, from[3] + i + 1, own[3], &mut later[3]);
            }
        }
        let sid = [s0, s1, s2, s3];
        // The rest of each piece (the pieces differ by up to `max_len`).
        for k in 0..STREAMS {
            let sink = if k == 0 { &mut *out } else { &mut later[k] };
            self.search(data, from[k] + steps, own[k + 1], sid[k], own[k], sink);
        }
        for rest in &later[1..] {
            out.extend_from_slice(rest);
        }
    }

    /// Run the DFA from state `sid` over `data[at..end]`, reporting matches
    /// that end after `floor`.
    fn search(
        &self,
        data: &[u8],
        at: usize,
        end: usize,
        mut sid: StateID,
        floor: usize,
        out: &mut Vec<KeywordMatch>,
    ) {
        for (i, &b) in data[at..end].iter().enumerate() {
            sid = self.dfa.next_state(Anchored::No, sid, b);
            if self.dfa.is_special(sid) {
                self.report(sid, at + i + 1, floor, out);
            }
        }
    }

    /// The matches of a special state reached at `end`, if it is past
    /// `floor` (before it, an earlier piece reports them).
    #[inline(never)]
    fn report(&self, sid: StateID, end: usize, floor: usize, out: &mut Vec<KeywordMatch>) {
        // Unanchored standard search never dies: special means match.
        if end <= floor || !self.dfa.is_match(sid) {
            return;
        }
        for i in 0..self.dfa.match_len(sid) {
            let pid = self.dfa.match_pattern(sid, i);
            out.push(KeywordMatch {
                start: end - self.dfa.pattern_len(pid),
                end,
                pattern: pid.as_usize(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::AhoCorasick;
    use proptest::prelude::*;

    /// What `aho_corasick`'s own overlapping search reports.
    fn reference<P: AsRef<[u8]>>(patterns: &[P], data: &[u8]) -> Vec<KeywordMatch> {
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(patterns)
            .unwrap();
        ac.find_overlapping_iter(data)
            .map(|m| KeywordMatch {
                start: m.start(),
                end: m.end(),
                pattern: m.pattern().as_usize(),
            })
            .collect()
    }

    fn ours(patterns: &[&str], data: &[u8]) -> Vec<KeywordMatch> {
        let mut out = Vec::new();
        Keywords::new(patterns).unwrap().find_all(data, &mut out);
        out
    }

    const WORDS: [&str; 8] = [
        "key", "api_key", "token", "KEY", "ghp_", "p_k", "secret", "e",
    ];

    #[test]
    fn matches_at_every_piece_boundary_are_reported_once() {
        let pats = ["key", "api_key", "token", "ghp_", "p_k", "secret"];
        // "API_KEY" across each boundary of a file just over SPLIT_AT, at
        // every offset: ending just before, at and after the boundary, and
        // starting further back than half the longest keyword.
        for shift in 0..4 {
            for back in 0..=8 {
                let mut data = vec![b'.'; SPLIT_AT + 3 * STREAMS + shift];
                let piece = data.len().div_ceil(STREAMS);
                for k in 1..STREAMS {
                    let at = k * piece - back;
                    data[at..at + 7].copy_from_slice(b"API_KEY");
                }
                // Each plant: `api_key` and `key`.
                let got = ours(&pats, &data);
                assert_eq!(got, reference(&pats, &data), "shift {shift}, back {back}");
                assert_eq!(got.len(), 2 * 3, "shift {shift}, back {back}: {got:?}");
            }
        }
    }

    #[test]
    fn same_as_aho_corasick_on_every_rule_sample() {
        use rand::SeedableRng;
        let rules = crate::checks::secrets::rules::Rules::builtin().unwrap();
        let kw = &rules.keywords;
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let mut all = String::new();
        let mut out = Vec::new();
        for r in &rules.rules {
            for t in r.samples.tp.iter().chain(&r.samples.fp) {
                let text = crate::checks::secrets::rules::expand_template(t, &mut rng);
                kw.find_all(text.as_bytes(), &mut out);
                assert_eq!(out, reference(&kw.patterns, text.as_bytes()), "{}", r.id);
                all.push_str(&text);
                all.push('\n');
            }
        }
        // All of them in one file, large enough to be cut into pieces.
        assert!(all.len() > 4 * SPLIT_AT, "{}", all.len());
        kw.find_all(all.as_bytes(), &mut out);
        let want = reference(&kw.patterns, all.as_bytes());
        assert!(want.len() > 1000, "{}", want.len());
        assert_eq!(out, want);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn same_as_aho_corasick_overlapping(
            parts in prop::collection::vec((0usize..WORDS.len(), "[a-zA-Z_ .\n]{0,40}"), 0..900),
        ) {
            let pats = WORDS;
            let mut data = Vec::new();
            for (w, filler) in &parts {
                data.extend_from_slice(WORDS[*w].as_bytes());
                data.extend_from_slice(filler.as_bytes());
            }
            prop_assert_eq!(ours(&pats, &data), reference(&pats, &data));
        }
    }
}

//! "Did you mean": the declared name nearest to a misspelt one, at a bounded cost. A case that
//! names an unknown code or fact is answered with a suggestion, and the work stays the same
//! whatever the size of the rule set — an error must not cost more than a decision.

use crate::limits::NAME_BYTES;

/// `what` and `name`, then "did you mean" and the suggestion if there is one, written in one
/// allocation: the message of a case that names an unknown code or fact.
pub(crate) fn did_you_mean(what: &str, name: &str, suggestion: Option<&str>) -> String {
    const ASK: &str = "；是否想写 ";
    const END: &str = "？";
    let more = suggestion.map_or(0, |s| ASK.len() + s.len() + END.len());
    let mut message = String::with_capacity(what.len() + name.len() + more);
    message.push_str(what);
    message.push_str(name);
    if let Some(s) = suggestion {
        message.push_str(ASK);
        message.push_str(s);
        message.push_str(END);
    }
    message
}

/// Candidates [`nearest`] compares at most (after the length filter).
pub(crate) const NEAREST_CANDIDATES: usize = 4_096;

/// Names a [`NameIndex`] compares on each side of the query, in each of its two orders.
const WINDOW: usize = 12;

/// The name among `candidates` closest to `name` (for "did you mean"), if close enough.
///
/// Bounded work whatever the input: a name longer than [`crate::limits::NAME_BYTES`] gets no
/// suggestion, a candidate whose length alone puts it out of reach is skipped before any
/// distance is computed, and at most [`NEAREST_CANDIDATES`] candidates are compared.
pub(crate) fn nearest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let query = Query::new(name)?;
    let candidates = candidates.into_iter().filter_map(|c| {
        let len = query.length_in_reach(c)?;
        Some(Candidate {
            name: c,
            letters: letters(c),
            len,
        })
    });
    query.best(candidates.take(NEAREST_CANDIDATES))
}

/// A name to compare, with what rules it out cheaply: the characters it uses and its length.
#[derive(Clone, Copy)]
struct Candidate<'a> {
    name: &'a str,
    /// Its [`letters`].
    letters: u64,
    /// Its length in characters.
    len: usize,
}

/// A misspelt name, ready to be compared. Codes and fact names are ASCII and are compared
/// byte by byte where they lie; only another name is split into characters.
struct Query<'n> {
    /// The name's bytes, where it is ASCII.
    ascii: Option<&'n [u8]>,
    /// The name's characters, where it is not.
    chars: Vec<char>,
    /// Its length in characters.
    len: usize,
    /// The largest distance still suggested: a third of the length, and at least two.
    limit: usize,
    /// The name's [`letters`].
    letters: u64,
}

impl<'n> Query<'n> {
    fn new(name: &'n str) -> Option<Query<'n>> {
        if name.len() > NAME_BYTES {
            return None;
        }
        let (ascii, chars) = if name.is_ascii() {
            (Some(name.as_bytes()), Vec::new())
        } else {
            (None, name.chars().collect())
        };
        let len = ascii.map_or(chars.len(), <[u8]>::len);
        Some(Query {
            ascii,
            chars,
            len,
            limit: (len / 3).max(1) + 1,
            letters: letters(name),
        })
    }

    /// The length of `c` in characters, where the lengths alone leave it within the limit.
    fn length_in_reach(&self, c: &str) -> Option<usize> {
        // A name's length in characters is at least a quarter of its bytes and at most all of
        // them: most candidates are settled without counting.
        let n = self.len;
        if c.len() > NAME_BYTES || c.len() / 4 > n + self.limit {
            return None;
        }
        let m = if c.is_ascii() {
            c.len()
        } else {
            c.chars().count()
        };
        (m.abs_diff(n) <= self.limit).then_some(m)
    }

    /// The Levenshtein distance to `c` over characters, if within the limit; one row on the
    /// stack, no allocation, and the rows stop early once every cell is past the limit.
    #[cfg(test)]
    fn distance(&self, c: &str) -> Option<usize> {
        self.distance_within(c, self.limit)
    }

    /// As [`Query::distance`], with a bound no greater than the limit: a candidate farther than
    /// one already found is dropped as soon as its rows say so.
    fn distance_within(&self, c: &str, bound: usize) -> Option<usize> {
        let limit = bound.min(self.limit).min(usize::from(u8::MAX)) as u8;
        if let Some(a) = self.ascii
            && c.is_ascii()
        {
            return within(a, c.as_bytes(), limit);
        }
        self.distance_in_chars(c, limit)
    }

    /// [`Query::distance_within`] for a name that is not ASCII: compared character by character.
    #[cold]
    #[inline(never)]
    fn distance_in_chars(&self, c: &str, limit: u8) -> Option<usize> {
        // Both names are at most NAME_BYTES bytes, so at most as many characters.
        let mut buf = ['\0'; NAME_BYTES];
        let mut m = 0;
        for (slot, ch) in buf.iter_mut().zip(c.chars()) {
            *slot = ch;
            m += 1;
        }
        match self.ascii {
            // An ASCII query against a name that is not: a character is never a byte's match
            // beyond ASCII, so compare the query's bytes as characters.
            Some(a) => {
                let mut q = ['\0'; NAME_BYTES];
                for (slot, b) in q.iter_mut().zip(a) {
                    *slot = char::from(*b);
                }
                within(&q[..a.len()], &buf[..m], limit)
            }
            None => within(&self.chars, &buf[..m], limit),
        }
    }

    /// The nearest of `candidates`, ties to the first in name order; each candidate is only
    /// compared as far as the best one so far. The lengths and the characters used rule most
    /// out before any table is computed.
    fn best<'a>(&self, candidates: impl Iterator<Item = Candidate<'a>>) -> Option<&'a str> {
        let mut best: Option<(usize, &str)> = None;
        for Candidate {
            name: c,
            letters,
            len,
        } in candidates
        {
            let bound = best.map_or(self.limit, |(d, _)| d);
            if len.abs_diff(self.len) > bound || edits_at_least(self.letters, letters) > bound {
                continue;
            }
            if let Some(d) = self.distance_within(c, bound)
                && best.is_none_or(|b| (d, c) < b)
            {
                best = Some((d, c));
            }
        }
        best.map(|(_, c)| c)
    }
}

/// The set of characters a name uses, as 64 bits: for codes and fact names one bit per letter,
/// digit, `_` and `-` (lower and upper case apart); any other character shares a bit by hash.
fn letters(name: &str) -> u64 {
    let mut set = 0u64;
    for c in name.chars() {
        let bit = match c {
            'a'..='z' => c as u32 - 'a' as u32,
            'A'..='Z' => 26 + c as u32 - 'A' as u32,
            '0'..='9' => 52 + c as u32 - '0' as u32,
            '_' => 62,
            '-' => 63,
            _ => (c as u32).wrapping_mul(0x9E37_79B9) >> 26,
        };
        set |= 1 << bit;
    }
    set
}

/// A lower bound of the edit distance between two names from their [`letters`]: one edit
/// removes at most one character class and adds at most one, so every class one name has and
/// the other lacks costs an edit, and the larger count of either side is a bound. It rules
/// most candidates out in a few instructions, before any table is computed.
fn edits_at_least(a: u64, b: u64) -> usize {
    (a & !b).count_ones().max((b & !a).count_ones()) as usize
}

/// The Levenshtein distance between `a` and `b`, if at most `limit`. A slip leaves most of a
/// name as it was: what the two share at the start and at the end costs nothing, so only the
/// rest goes through the table, one row on the stack, stopped once every cell is past the limit.
fn within<T: PartialEq + Copy>(a: &[T], b: &[T], limit: u8) -> Option<usize> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    if a.len().abs_diff(b.len()) > usize::from(limit) {
        return None;
    }
    // Both names are at most NAME_BYTES long, so every distance fits a byte.
    let mut row = [0u8; NAME_BYTES + 1];
    let row = &mut row[..=b.len()];
    for (j, cell) in row.iter_mut().enumerate() {
        *cell = j as u8;
    }
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = (i + 1) as u8;
        let mut row_min = row[0];
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            let cell = (diagonal + u8::from(ca != cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
            row[j + 1] = cell;
            row_min = row_min.min(cell);
        }
        if row_min > limit {
            return None;
        }
    }
    Some(usize::from(row[b.len()])).filter(|d| *d <= usize::from(limit))
}

/// The declared names of one kind (violation codes, facts), indexed once when the rules load
/// so that a suggestion compares a fixed number of them: the neighbours of the query in
/// alphabetical order (a slip near the end of a name) and in the order of the reversed names (a
/// slip near its start). With few names, every one is compared, as [`nearest`] does.
#[derive(Debug, Clone, Default)]
pub(crate) struct NameIndex {
    /// The names, sorted.
    forward: Vec<Box<str>>,
    /// The indices in `forward` in the order of the reversed names (compared character by
    /// character from the end, which orders them as the reversed strings would, without a
    /// reversed copy of each: two allocations a name were a tenth of a shipped load's).
    backward: Vec<u32>,
    /// The [`letters`] of each name in `forward`.
    letters: Vec<u64>,
    /// The length in characters of each name in `forward` (`usize::MAX` over
    /// [`NAME_BYTES`]).
    lens: Vec<usize>,
}

impl NameIndex {
    /// Indexes the names.
    pub(crate) fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> NameIndex {
        let mut forward: Vec<Box<str>> = names.into_iter().map(Box::from).collect();
        forward.sort_unstable();
        forward.dedup();
        let mut backward: Vec<u32> = (0..forward.len() as u32).collect();
        backward.sort_unstable_by(|&a, &b| {
            let (a, b) = (&forward[a as usize], &forward[b as usize]);
            a.chars().rev().cmp(b.chars().rev())
        });
        let letters = forward.iter().map(|n| letters(n)).collect();
        // A name over the limit is never compared: its length is out of every reach.
        let lens = forward
            .iter()
            .map(|n| {
                if n.len() > NAME_BYTES {
                    usize::MAX
                } else {
                    n.chars().count()
                }
            })
            .collect();
        NameIndex {
            forward,
            backward,
            letters,
            lens,
        }
    }

    /// The indexed name nearest to `name`, if close enough.
    pub(crate) fn nearest(&self, name: &str) -> Option<&str> {
        if self.forward.len() <= 4 * WINDOW {
            return nearest(name, self.forward.iter().map(|n| &**n));
        }
        let query = Query::new(name)?;
        let at = self.forward.partition_point(|n| &**n < name);
        let back = self.backward.partition_point(|&i| {
            self.forward[i as usize]
                .chars()
                .rev()
                .lt(name.chars().rev())
        });
        let around = back.saturating_sub(WINDOW)..(back + WINDOW).min(self.backward.len());
        let name_at = |i: usize| Candidate {
            name: &self.forward[i],
            letters: self.letters[i],
            len: self.lens[i],
        };
        let by_end = around.map(|i| name_at(self.backward[i] as usize));
        // The names just before and after the query first: a slip at the end is the commonest
        // (a letter added sorts just after the name), and a close candidate found early cuts
        // the others short. The answer does not depend on the order: the nearest, ties to the
        // first in name order, among the same candidates.
        let after = at..(at + WINDOW).min(self.forward.len());
        let before = at.saturating_sub(WINDOW)..at;
        let by_start = before
            .clone()
            .rev()
            .take(1)
            .chain(after)
            .chain(before.rev().skip(1));
        let by_start = by_start.map(name_at);
        query.best(by_start.chain(by_end))
    }
}

#[cfg(test)]
mod tests {
    use super::{NameIndex, Query, edits_at_least, letters, nearest};
    use proptest::prelude::{prop_assert, proptest};

    #[test]
    fn nearest_finds_close_names_only() {
        let names = ["volume_m3", "area_m2", "corrected"];
        assert_eq!(nearest("volum_m3", names), Some("volume_m3"));
        assert_eq!(nearest("corected", names), Some("corrected"));
        assert_eq!(nearest("party", names), None);
        assert_eq!(nearest("警高", ["警告", "罚款"]), Some("警告"));
    }

    #[test]
    fn nearest_does_no_work_on_a_huge_name() {
        let huge = "v".repeat(10_000_000);
        assert_eq!(nearest(&huge, ["volume_m3"]), None);
        assert_eq!(nearest("volume_m3", [huge.as_str()]), None);
    }

    #[test]
    fn the_index_finds_slips_at_either_end_among_many_names() {
        let codes: Vec<String> = (0..4_000)
            .map(|i| format!("G{}-{}-{}", i / 100, (i / 10) % 10, i % 10))
            .chain(["XR-49-2".to_string(), "JL-22-1".to_string()])
            .collect();
        let index = NameIndex::new(codes.iter().map(String::as_str));
        // A slip at the end, in the middle and at the start.
        assert_eq!(index.nearest("XR-49-"), Some("XR-49-2"));
        assert_eq!(index.nearest("XR-4-2"), Some("XR-49-2"));
        assert_eq!(index.nearest("YR-49-2"), Some("XR-49-2"));
        assert_eq!(index.nearest("G12-3-45"), Some("G12-3-4"));
        assert_eq!(index.nearest("完全不同的名称"), None);
        // The same answer as comparing every name, wherever the answer is unique.
        for probe in ["G7-7-", "G39-9-9x", "H0-0-1", "JL-22-2"] {
            let all = nearest(probe, codes.iter().map(String::as_str));
            assert_eq!(index.nearest(probe), all, "{probe}");
        }
    }

    /// The plain table, for comparison.
    fn levenshtein(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut cur = vec![i + 1; b.len() + 1];
            for (j, cb) in b.iter().enumerate() {
                cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }

    #[test]
    fn the_trimmed_early_stopping_distance_is_the_plain_one() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "XR-49-2",
            "XR-49-",
            "XR-4-2",
            "YR-49-2",
            "2-94-RX",
            "volume_m3",
            "volum_m3",
            "vlume_m3",
            "警告",
            "警高",
            "罚款警告",
            "aaaa",
            "aaab",
            "abab",
        ];
        for a in words {
            let q = Query::new(a).expect("short");
            for b in words {
                let want = levenshtein(a, b);
                let got = q.distance(b);
                if want <= q.limit {
                    assert_eq!(got, Some(want), "{a} / {b}");
                } else {
                    assert_eq!(got, None, "{a} / {b}");
                }
            }
        }
    }

    #[test]
    fn the_index_never_compares_a_name_over_the_limit() {
        use crate::limits::NAME_BYTES;
        let long: String = "ab".repeat(NAME_BYTES / 2 + 1);
        let mut names: Vec<String> = (0..100).map(|i| format!("C{i}")).collect();
        names.push(long.clone());
        let index = NameIndex::new(names.iter().map(String::as_str));
        // One edit from the long name, and within the limit in bytes.
        let query = &long[1..=NAME_BYTES];
        assert_eq!(index.nearest(query), None);
        assert_eq!(index.nearest("C1x"), Some("C1"));
    }

    #[test]
    fn the_index_of_few_names_compares_them_all() {
        let index = NameIndex::new(["volume_m3", "area_m2", "corrected"]);
        assert_eq!(index.nearest("volum_m3"), Some("volume_m3"));
        assert_eq!(index.nearest("party"), None);
    }

    proptest! {
        /// The bound from the characters used never exceeds the distance, so no candidate it
        /// rules out could have been the nearest.
        #[test]
        fn the_letters_bound_is_a_lower_bound(a in "[a-cA-C0-2_\\-警告罚]{0,8}", b in "[a-cA-C0-2_\\-警告罚]{0,8}") {
            prop_assert!(edits_at_least(letters(&a), letters(&b)) <= levenshtein(&a, &b));
        }
    }
}

//! "Did you mean": the declared name nearest to a misspelt one, at a bounded cost. A case that
//! names an unknown code or fact is answered with a suggestion, and the work stays the same
//! whatever the size of the rule set — an error must not cost more than a decision.

use crate::limits::NAME_BYTES;

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
    let candidates = candidates.into_iter().filter(|c| query.in_reach(c));
    query.best(candidates.take(NEAREST_CANDIDATES))
}

/// A misspelt name, ready to be compared.
struct Query {
    chars: Vec<char>,
    /// The name's bytes where it is ASCII (codes and fact names are): compared byte by byte.
    ascii: Option<Box<[u8]>>,
    /// The largest distance still suggested: a third of the length, and at least two.
    limit: usize,
}

impl Query {
    fn new(name: &str) -> Option<Query> {
        if name.len() > NAME_BYTES {
            return None;
        }
        let chars: Vec<char> = name.chars().collect();
        let limit = (chars.len() / 3).max(1) + 1;
        let ascii = name.is_ascii().then(|| name.as_bytes().into());
        Some(Query {
            chars,
            ascii,
            limit,
        })
    }

    /// Whether the lengths alone leave `c` within the limit.
    fn in_reach(&self, c: &str) -> bool {
        self.in_reach_within(c, self.limit)
    }

    /// Whether the lengths alone leave `c` within `bound`.
    fn in_reach_within(&self, c: &str, bound: usize) -> bool {
        // A name's length in characters is at least a quarter of its bytes and at most all of
        // them: most candidates are settled without counting.
        let n = self.chars.len();
        if c.len() > NAME_BYTES || c.len() / 4 > n + bound {
            return false;
        }
        let m = if self.ascii.is_some() && c.is_ascii() {
            c.len()
        } else {
            c.chars().count()
        };
        m.abs_diff(n) <= bound
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
        if let Some(a) = &self.ascii
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
        within(&self.chars, &buf[..m], limit)
    }

    /// The nearest of `candidates`, ties to the first in name order; each candidate is only
    /// compared as far as the best one so far.
    fn best<'a>(&self, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
        let mut best: Option<(usize, &str)> = None;
        for c in candidates {
            let bound = best.map_or(self.limit, |(d, _)| d);
            if !self.in_reach_within(c, bound) {
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
    /// Each name reversed, sorted, with its index in `forward`.
    backward: Vec<(Box<str>, u32)>,
}

impl NameIndex {
    /// Indexes the names.
    pub(crate) fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> NameIndex {
        let mut forward: Vec<Box<str>> = names.into_iter().map(Box::from).collect();
        forward.sort_unstable();
        forward.dedup();
        let mut backward: Vec<(Box<str>, u32)> = forward
            .iter()
            .enumerate()
            .map(|(i, n)| (n.chars().rev().collect::<String>().into(), i as u32))
            .collect();
        backward.sort_unstable();
        NameIndex { forward, backward }
    }

    /// The indexed name nearest to `name`, if close enough.
    pub(crate) fn nearest(&self, name: &str) -> Option<&str> {
        if self.forward.len() <= 4 * WINDOW {
            return nearest(name, self.forward.iter().map(|n| &**n));
        }
        let query = Query::new(name)?;
        let at = self.forward.partition_point(|n| &**n < name);
        let reversed: String = name.chars().rev().collect();
        let back = self.backward.partition_point(|(n, _)| **n < *reversed);
        let around = back.saturating_sub(WINDOW)..(back + WINDOW).min(self.backward.len());
        let by_end = around.map(|i| &*self.forward[self.backward[i].1 as usize]);
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
        let by_start = by_start.map(|i| &*self.forward[i]);
        query.best(by_start.chain(by_end))
    }
}

#[cfg(test)]
mod tests {
    use super::{NameIndex, Query, nearest};

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
    fn the_index_of_few_names_compares_them_all() {
        let index = NameIndex::new(["volume_m3", "area_m2", "corrected"]);
        assert_eq!(index.nearest("volum_m3"), Some("volume_m3"));
        assert_eq!(index.nearest("party"), None);
    }
}

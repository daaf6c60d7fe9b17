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
    candidates
        .into_iter()
        .filter(|c| query.in_reach(c))
        .take(NEAREST_CANDIDATES)
        .filter_map(|c| query.distance(c).map(|d| (d, c)))
        .min()
        .map(|(_, c)| c)
}

/// A misspelt name, ready to be compared.
struct Query {
    chars: Vec<char>,
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
        Some(Query { chars, limit })
    }

    /// Whether the lengths alone leave `c` within the limit.
    fn in_reach(&self, c: &str) -> bool {
        c.len() <= NAME_BYTES && c.chars().count().abs_diff(self.chars.len()) <= self.limit
    }

    /// The Levenshtein distance to `c` over characters, if within the limit; rows stop early
    /// once every cell is past it.
    fn distance(&self, c: &str) -> Option<usize> {
        let mut prev = [0usize; NAME_BYTES + 1];
        let mut cur = [0usize; NAME_BYTES + 1];
        let b: Vec<char> = c.chars().collect();
        for (j, cell) in prev.iter_mut().enumerate().take(b.len() + 1) {
            *cell = j;
        }
        for (i, ca) in self.chars.iter().enumerate() {
            cur[0] = i + 1;
            let mut row_min = cur[0];
            for (j, cb) in b.iter().enumerate() {
                let sub = prev[j] + usize::from(ca != cb);
                cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
                row_min = row_min.min(cur[j + 1]);
            }
            if row_min > self.limit {
                return None;
            }
            std::mem::swap(&mut prev, &mut cur);
        }
        Some(prev[b.len()]).filter(|d| *d <= self.limit)
    }
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
        let around = |at: usize, len: usize| at.saturating_sub(WINDOW)..(at + WINDOW).min(len);
        let by_start = around(at, self.forward.len()).map(|i| &*self.forward[i]);
        let by_end =
            around(back, self.backward.len()).map(|i| &*self.forward[self.backward[i].1 as usize]);
        by_start
            .chain(by_end)
            .filter(|c| query.in_reach(c))
            .filter_map(|c| query.distance(c).map(|d| (d, c)))
            .min()
            .map(|(_, c)| c)
    }
}

#[cfg(test)]
mod tests {
    use super::{NameIndex, nearest};

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

    #[test]
    fn the_index_of_few_names_compares_them_all() {
        let index = NameIndex::new(["volume_m3", "area_m2", "corrected"]);
        assert_eq!(index.nearest("volum_m3"), Some("volume_m3"));
        assert_eq!(index.nearest("party"), None);
    }
}

//! Every limit on what a rule set or a case may ask of the engine, in one place.
//!
//! Rule sets and cases come from more than one hand (uploads, county overlays, other programs),
//! so each amplifier has a bound: when a bound is reached the drafter gets a diagnostic, or the
//! case an error document, that names the limit — never a crash, a hang or a silently changed
//! value. `docs/limits.md` is the table of these numbers; keep the two in step.

/// Bytes in one rule file or hook script (4 MiB): ten times the whole shipped rule set. Spans
/// are `u32` byte offsets, so no file may come near 4 GiB.
pub const FILE_BYTES: usize = 4 * 1024 * 1024;

/// Bytes in all the files of one rule set together (16 MiB).
pub const RULESET_BYTES: usize = 16 * 1024 * 1024;

/// Files in one rule set, rule files and hook scripts together.
pub const FILES: usize = 1_000;

/// How many rule sets a rule set may build on through `基于` (a county on a city on a province
/// on the embedded one).
pub const BASE_DEPTH: usize = 4;

/// How deep `包含` may chain (a file including a file including …).
pub const INCLUDE_DEPTH: usize = 32;

/// How deep a rule file's trees may nest: brackets `(` and operators of a condition and `若 … {`
/// blocks, counted together along every path from the top (a chain `a 且 b 且 c` is two levels,
/// each operator being a node the tree walks recurse into). pest, lowering, checking,
/// formatting, publishing and evaluation recurse once per level; 32 levels stay inside a
/// 256 KiB thread even in a debug build (see `tests/hostile_depth.rs`).
pub const NESTING: usize = 32;

/// How deep brackets `(` and `{` may nest in one top-level item before it is parsed at all.
/// pest recurses once per bracket and has no bound of its own here (the crate is built without
/// its stack probe, which cost a tenth of every load), so a deeper item is refused by a scan
/// before pest sees it (S0104). Every item the tree could hold (at most [`NESTING`] levels, and
/// the few braces of a `法规`, `违法行为`, `版本`, party and `档次` around them) stays below it;
/// 64 levels stay inside a 256 KiB thread even in a debug build (`tests/hostile_depth.rs`).
pub const PARSE_BRACKETS: usize = 2 * NESTING;

/// Levels of the conditions along a chain of predicates using predicates, all counted together
/// (each predicate's tree, [`NESTING`] at most, stacked): evaluation follows the chain. With the
/// 16 predicates a chain may hold (M0223) this is the tighter bound for deep conditions.
pub const PREDICATE_LEVELS: usize = 128;

/// Syntax errors reported per file; parsing stops after this many (error recovery re-parses
/// from each error, so an unbounded count costs time for nothing a drafter can read).
pub const SYNTAX_ERRORS: usize = 100;

/// Clauses with a syntax error skipped in one item (a violation, an entry …) before the item is
/// given up as unreadable: each skip re-parses the item.
pub const CLAUSES_SKIPPED_PER_ITEM: usize = 32;

/// Facts a rule set may declare.
pub const FACTS: usize = 4_096;

/// Options (可选值) of one `选项` fact.
pub const OPTIONS_PER_FACT: usize = 1_024;

/// Bytes in a name: identifiers and codes in rule files, fact names and violation codes in a
/// case. Names in messages are clipped to this length as well.
pub const NAME_BYTES: usize = 128;

/// Bytes in one `"…"` string of a rule file (titles, citations, notes: 8 KiB is ~2 700 Chinese
/// characters).
pub const STRING_BYTES: usize = 8 * 1024;

/// Distinct violation codes in one case's `violations` (one act breaking several norms, Art.
/// 29); repeated codes count once.
pub const VIOLATIONS_PER_CASE: usize = 16;

/// Bytes in one case document (JSON text).
pub const CASE_BYTES: usize = 1024 * 1024;

/// Circumstances one hook run may add (`add_circumstance`).
pub const HOOK_CIRCUMSTANCES: usize = 16;

/// rhai operations all the hooks of one decision may use together (each run is also bounded on
/// its own by `hooks::LIMITS.operations`).
pub const HOOK_OPERATIONS_PER_DECISION: u64 = 300_000;

/// Wall-clock time all the hooks of one decision may take together, counted from the start of
/// its first hook: a safety net behind the operation counts, never reached by a lawful rule set.
pub const HOOK_TIME_PER_DECISION: std::time::Duration = std::time::Duration::from_secs(2);

/// The index of an option as the model stores it. Declarations are cut at
/// [`OPTIONS_PER_FACT`] (with a diagnostic), so every index fits; an index that did not would
/// become `u16::MAX`, which names no option, rather than wrap onto another one.
pub fn option_index(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

/// A name or text from the input, shortened for a message: at most [`NAME_BYTES`] bytes (on a
/// character boundary) and an ellipsis, so a 10 MB name is never echoed whole.
pub fn clip(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= NAME_BYTES {
        return s.into();
    }
    let mut end = NAME_BYTES;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…（共 {} 字节）", &s[..end], s.len()).into()
}

/// Cases the analysis of `caliper check` enumerates for one question ("is there a case where
/// …") over a partitioned fact space. A question over a larger space is asked again over the
/// facts its conditions read alone; where even that is larger, the finding is not made and a
/// diagnostic (L0499) says so.
pub const ANALYSIS_CASES: u64 = 1_000_000;

#[cfg(test)]
mod tests {
    use super::{NAME_BYTES, clip};

    #[test]
    fn clip_keeps_short_names_and_cuts_long_ones_on_a_char_boundary() {
        assert_eq!(clip("volume_m3"), "volume_m3");
        let long = "事".repeat(100);
        let c = clip(&long);
        assert!(c.len() < NAME_BYTES + 40, "{c}");
        assert!(c.ends_with("（共 300 字节）"), "{c}");
    }
}

//! One budget for all the hooks of one decision.
//!
//! Each run is bounded on its own (`Limits::operations`, `Limits::deadline`), but a case with
//! several norms (Art. 29) or a rule set with many hooks would multiply those bounds. A decision
//! therefore opens a [`Decision`] budget; every run on the thread draws its operations and its
//! time from it, and stops when the budget is spent: H0616 for operations, H0614 for time
//! (which, like the deadline of one run, is only a safety net). Outside a decision (a script
//! run directly, as in the unit tests) only the per-run limits apply.

use crate::limits;
use std::cell::Cell;
use std::time::Instant;

#[derive(Clone, Copy)]
struct Budget {
    /// Operations the decision's runs may still use.
    operations: u64,
    /// When the decision's first run started: the clock is read only for a decision that runs
    /// a hook (most run none, and reading it was 3% of such a decision's time).
    started: Option<Instant>,
}

thread_local! {
    static BUDGET: Cell<Option<Budget>> = const { Cell::new(None) };
}

/// The budget of one decision on this thread, open while the value lives.
#[must_use = "the budget closes when this is dropped"]
pub struct Decision {
    outer: Option<Budget>,
}

impl Decision {
    /// Opens a budget of [`limits::HOOK_OPERATIONS_PER_DECISION`] operations and
    /// [`limits::HOOK_TIME_PER_DECISION`].
    pub fn start() -> Decision {
        let outer = BUDGET.replace(Some(Budget {
            operations: limits::HOOK_OPERATIONS_PER_DECISION,
            started: None,
        }));
        Decision { outer }
    }
}

impl Drop for Decision {
    fn drop(&mut self) {
        BUDGET.set(self.outer);
    }
}

/// Operations the current decision still allows (`None`: no decision is open).
pub(super) fn operations_left() -> Option<u64> {
    BUDGET.get().map(|b| b.operations)
}

/// A run of the current decision starts at `now`: the first one starts the decision's clock.
pub(super) fn run_starts(now: Instant) {
    if let Some(mut b) = BUDGET.get().filter(|b| b.started.is_none()) {
        b.started = Some(now);
        BUDGET.set(Some(b));
    }
}

/// True when the current decision's runs have used up its time.
pub(super) fn out_of_time() -> bool {
    BUDGET.get().and_then(|b| b.started).is_some_and(|t| t.elapsed() > limits::HOOK_TIME_PER_DECISION)
}

/// Charges a finished run's operations to the current decision.
pub(super) fn charge(operations: u64) {
    if let Some(mut b) = BUDGET.get() {
        b.operations = b.operations.saturating_sub(operations);
        BUDGET.set(Some(b));
    }
}

#[cfg(test)]
mod tests {
    use super::{Decision, charge, limits, operations_left, out_of_time, run_starts};
    use std::time::{Duration, Instant};

    #[test]
    fn a_decision_budget_is_drawn_down_and_closed_on_drop() {
        assert_eq!(operations_left(), None);
        {
            let _d = Decision::start();
            charge(1_000);
            assert_eq!(
                operations_left(),
                Some(limits::HOOK_OPERATIONS_PER_DECISION - 1_000)
            );
            charge(u64::MAX);
            assert_eq!(operations_left(), Some(0));
        }
        assert_eq!(operations_left(), None);
    }

    #[test]
    fn the_time_counts_from_the_first_run_of_the_decision() {
        let Some(long_ago) = Instant::now().checked_sub(Duration::from_secs(60)) else {
            return;
        };
        let _d = Decision::start();
        assert!(!out_of_time());
        run_starts(long_ago);
        assert!(out_of_time());
        // A later run does not restart the clock.
        run_starts(Instant::now());
        assert!(out_of_time());
        drop(_d);
        let _e = Decision::start();
        assert!(!out_of_time());
    }
}

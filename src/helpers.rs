//! Helper threads, started once per process and then reused by every load. Starting a thread and
//! joining it cost the loading thread 100–150 µs a load (docs/performance.md), as much as parsing
//! a sixth of the shipped rule set. A helper that runs out of work looks for more during
//! [`SPIN`], then sleeps, and costs nothing.
//!
//! Work is shared ([`share`]): items that the calling thread and the helpers take one at a time,
//! each item by whoever is free first. Loads on several threads at once share the helpers, so a
//! helper may start late or not at all: the caller never waits for one to start, it does what is
//! left itself and waits only for the items a helper has taken. A panic in a helper ends that
//! item only; the caller gets none for it. So a helper that never comes only leaves its share
//! to the caller: a process forked after its helpers started has none, and its loads still
//! finish, on the calling thread (what they queue for the helpers stays queued, about a
//! kilobyte a load).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvError, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Helpers at most, whatever the cores: a load has little to share at once.
const MAX_HELPERS: usize = 3;

type Task = Box<dyn FnOnce() + Send + 'static>;

/// How long a thread looks for what it waits for (a task, an answer) before it sleeps. The
/// tasks of one load come tens of microseconds apart, and a thread asleep took about as long
/// to wake: with it, the shipped set loads in 1.08 ms instead of 1.10–1.13 ms, for 10–15% more
/// processor time (docs/performance.md). Past it the thread sleeps: an idle process spends
/// nothing.
const SPIN: Duration = Duration::from_micros(100);

/// The next message on `rx`, looked for during [`SPIN`] before sleeping until it comes.
fn receive<T>(rx: &Receiver<T>) -> Result<T, RecvError> {
    let start = Instant::now();
    loop {
        match rx.try_recv() {
            Ok(v) => return Ok(v),
            Err(TryRecvError::Disconnected) => return Err(RecvError),
            Err(TryRecvError::Empty) if start.elapsed() >= SPIN => return rx.recv(),
            Err(TryRecvError::Empty) => {
                for _ in 0..32 {
                    std::hint::spin_loop();
                }
            }
        }
    }
}

/// The queue the helpers take their tasks from, and how many they are.
struct Pool {
    tasks: Sender<Task>,
    helpers: usize,
}

/// The helpers, started on first use: one fewer than the cores available, at most
/// [`MAX_HELPERS`]; none on one core, or if no thread could be started.
fn pool() -> Option<&'static Pool> {
    static POOL: OnceLock<Option<Pool>> = OnceLock::new();
    POOL.get_or_init(|| {
        let want = crate::cores::available().saturating_sub(1).min(MAX_HELPERS);
        if want == 0 {
            return None;
        }
        let (tasks, queue) = channel::<Task>();
        let queue = Arc::new(Mutex::new(queue));
        let helpers = (0..want)
            .filter(|n| {
                let queue = Arc::clone(&queue);
                std::thread::Builder::new()
                    .name(format!("caliper-helper-{n}"))
                    .spawn(move || serve(&queue))
                    .is_ok()
            })
            .count();
        (helpers > 0).then_some(Pool { tasks, helpers })
    })
    .as_ref()
}

/// A helper's life: the next task, run, until the queue is gone.
fn serve(queue: &Mutex<Receiver<Task>>) {
    loop {
        // The lock is held while waiting for a task, not while running it.
        let task = match queue.lock() {
            Ok(q) => receive(&q),
            Err(_) => return,
        };
        let Ok(task) = task else { return };
        let _ = catch_unwind(AssertUnwindSafe(task));
    }
}

/// The items of one [`share`], each taken once.
struct Items<I> {
    items: Vec<Mutex<Option<I>>>,
    taken: AtomicUsize,
}

impl<I> Items<I> {
    /// The next item nobody has taken, with its index.
    fn take(&self) -> Option<(usize, I)> {
        loop {
            let n = self.taken.fetch_add(1, Ordering::Relaxed);
            let slot = self.items.get(n)?;
            if let Some(item) = slot.lock().ok().and_then(|mut s| s.take()) {
                return Some((n, item));
            }
        }
    }
}

/// Work shared with the helpers, under way: [`Shared::finish`] does what is left and gathers
/// the outputs. Dropped without it, the work is not waited for: a helper still does the items
/// it takes (their outputs are dropped), and the items none took are dropped with the last
/// helper's hold on them, or here when there are no helpers (the syntax trees a helper parsed
/// are freed so, `Rules::from_source`).
pub struct Shared<I, O, W> {
    items: Arc<Items<I>>,
    work: Arc<W>,
    done: Receiver<(usize, Option<O>)>,
}

/// Starts `work` on `items` on up to `helpers` helpers (none without them), in the order given;
/// the caller's share is done by [`Shared::finish`]. Helpers start on it at once, while the
/// caller does other things.
pub fn share<I, O, W>(helpers: usize, items: Vec<I>, work: W) -> Shared<I, O, W>
where
    I: Send + 'static,
    O: Send + 'static,
    W: Fn(I) -> O + Send + Sync + 'static,
{
    let items = Arc::new(Items {
        items: items.into_iter().map(|i| Mutex::new(Some(i))).collect(),
        taken: AtomicUsize::new(0),
    });
    let work = Arc::new(work);
    let (tx, done) = channel();
    if let Some(pool) = pool() {
        // A thread that waits on the channel is given its handle then, once per thread; made
        // here, it is made whether or not this share happens to wait, so that a leak checker
        // sees the same process whatever the timing (the C binding's valgrind test).
        drop(std::thread::current());
        for _ in 0..helpers.min(pool.helpers) {
            let (items, work, tx) = (Arc::clone(&items), Arc::clone(&work), tx.clone());
            let task: Task = Box::new(move || {
                while let Some((n, item)) = items.take() {
                    let out = catch_unwind(AssertUnwindSafe(|| work(item))).ok();
                    if tx.send((n, out)).is_err() {
                        return;
                    }
                }
            });
            // A task that cannot be queued leaves its share to the caller.
            let _ = pool.tasks.send(task);
        }
    }
    Shared { items, work, done }
}

impl<I, O, W: Fn(I) -> O> Shared<I, O, W> {
    /// Does every item no helper has taken, on this thread, then waits for those they took.
    /// The outputs are by item; none for an item whose work panicked on a helper (on this
    /// thread the panic is the caller's).
    pub fn finish(self) -> Vec<Option<O>> {
        let mut out: Vec<Option<O>> = std::iter::repeat_with(|| None)
            .take(self.items.items.len())
            .collect();
        let mut mine = 0;
        while let Some((n, item)) = self.items.take() {
            if let Some(slot) = out.get_mut(n) {
                *slot = Some((self.work)(item));
            }
            mine += 1;
        }
        // Every item is taken: the helpers send one answer for each of the others. The
        // channel ends early only if a helper's task is gone without answering.
        for _ in mine..out.len() {
            let Ok((n, o)) = receive(&self.done) else {
                break;
            };
            if let Some(slot) = out.get_mut(n) {
                *slot = o;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::share;

    #[test]
    fn every_item_is_done_once_and_comes_back_in_its_place() {
        // Several shares at once, so that the helpers are busy with the others' items.
        std::thread::scope(|s| {
            for t in 0..4u64 {
                s.spawn(move || {
                    let out = share(3, (0..500u64).collect(), move |i| i * 10 + t).finish();
                    let want: Vec<Option<u64>> = (0..500).map(|i| Some(i * 10 + t)).collect();
                    assert_eq!(out, want);
                });
            }
        });
        assert_eq!(share(3, Vec::<u8>::new(), |i| i).finish(), Vec::new());
    }

    #[test]
    fn a_panic_on_a_helper_loses_its_item_only_and_on_the_caller_is_the_callers() {
        for _ in 0..20 {
            let run = std::panic::catch_unwind(|| {
                share(3, (0..64u32).collect(), |i| {
                    assert_ne!(i, 7, "item 7 fails");
                    i
                })
                .finish()
            });
            match run {
                // The caller took item 7.
                Err(_) => {}
                Ok(out) => {
                    assert_eq!(out[7], None, "{out:?}");
                    let rest: Vec<_> = out.iter().enumerate().filter(|(n, _)| *n != 7).collect();
                    assert!(rest.iter().all(|(n, o)| **o == Some(*n as u32)), "{out:?}");
                }
            }
        }
    }
}

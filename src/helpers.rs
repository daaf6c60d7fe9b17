//! Helper threads, started once per process and then reused by every load. Starting a thread and
//! joining it cost the loading thread 100–150 µs a load (docs/performance.md), as much as parsing
//! a sixth of the shipped rule set; a helper that waits for work costs nothing.
//!
//! Each helper takes tasks from one queue, in turn; a task that panics ends itself only, and the
//! helper waits for the next. Loads on several threads at once share the helpers: a task waits
//! until one is free, so whoever asks must not wait for a task to start, only for what a task
//! has taken on (see [`crate::load`]'s read-ahead).

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, OnceLock};

/// Helpers at most, whatever the cores: a load has few files to read ahead at once.
const MAX_HELPERS: usize = 3;

type Task = Box<dyn FnOnce() + Send + 'static>;

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
            Ok(q) => q.recv(),
            Err(_) => return,
        };
        let Ok(task) = task else { return };
        // A panic is the task's own: its caller sees what it did not send.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(task));
    }
}

/// Queues `task` once for each of up to `n` helpers; returns how many were queued (0 without
/// helpers). Each runs when a helper is free, so some may run after the others have done all
/// there was to do: `task` must find that out and return.
pub fn beside(n: usize, task: impl Fn() + Send + Sync + 'static) -> usize {
    let Some(pool) = pool() else { return 0 };
    let task = Arc::new(task);
    let mut queued = 0;
    for _ in 0..n.min(pool.helpers) {
        let task = Arc::clone(&task);
        if pool.tasks.send(Box::new(move || task())).is_ok() {
            queued += 1;
        }
    }
    queued
}

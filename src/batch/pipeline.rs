//! The bounded, ordered pipeline under `batch` and `audit`: N workers, each cutting its own
//! chunks from the shared input, the caller's thread one of them and the writer. Input is cut
//! into chunks of lines; at most [`IN_FLIGHT_PER_WORKER`] chunks per worker are read and not yet written at
//! any time, so memory is bounded by the chunk size and the number of workers, never by the size
//! of the input, and the writer puts the chunks back in input order.

use std::collections::BTreeMap;
use std::io::{self, BufRead};
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Condvar, Mutex, PoisonError};

/// Lines per chunk: large enough that the channels cost nothing per line, small enough that
/// a worker's chunk stays in cache.
pub const CHUNK_LINES: usize = 256;

/// Chunks read but not yet written, per worker: the bound on memory (and on the writer's
/// reordering buffer).
pub const IN_FLIGHT_PER_WORKER: usize = 4;

/// One line of input: its number (from 1) and its bytes without the line end; `None` when it
/// was longer than the limit (its bytes were skipped).
pub struct Line {
    /// 1-based line number in the input.
    pub number: u64,
    /// The bytes, without `\n` or `\r\n`; `None` for a line over the length limit.
    pub bytes: Option<Vec<u8>>,
}

/// Reads one line of at most `max` bytes into `buf`. Returns `Ok(None)` at the end of input,
/// `Ok(Some(true))` for a line that fit, `Ok(Some(false))` for a longer line (skipped to its
/// end; `buf` is then empty). Memory stays bounded by `max` whatever the input holds.
pub fn read_line(r: &mut impl BufRead, max: usize, buf: &mut Vec<u8>) -> io::Result<Option<bool>> {
    buf.clear();
    append_line(r, max, buf)
}

/// [`read_line`] appending to `buf`: on a longer line `buf` is left as it was.
fn append_line(r: &mut impl BufRead, max: usize, buf: &mut Vec<u8>) -> io::Result<Option<bool>> {
    let start = buf.len();
    let mut seen = false;
    let mut fits = true;
    loop {
        let available = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        seen = true;
        let (part, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..i], Some(i + 1)),
            None => (available, None),
        };
        if fits {
            if buf.len() - start + part.len() > max {
                fits = false;
                buf.truncate(start);
            } else {
                buf.extend_from_slice(part);
            }
        }
        let used = done.unwrap_or(available.len());
        r.consume(used);
        if done.is_some() {
            break;
        }
    }
    if !seen {
        return Ok(None);
    }
    if buf.len() > start && buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(fits))
}

/// Bytes of lines a [`Block`] holds before it takes no more (a block may pass it by one line).
pub const BLOCK_BYTES: usize = 1 << 20;

/// Up to [`CHUNK_LINES`] consecutive lines read into one buffer: a batch allocates per block,
/// not per line.
pub struct Block {
    /// The number of the block's first line.
    pub first: u64,
    bytes: Vec<u8>,
    /// Each line's range in `bytes`, or none for a line over the length limit.
    ends: Vec<Option<(usize, usize)>>,
}

impl Block {
    /// The lines: number and bytes (none for a line over the length limit).
    pub fn lines(&self) -> impl Iterator<Item = (u64, Option<&[u8]>)> {
        (self.first..).zip(
            self.ends
                .iter()
                .map(|e| e.and_then(|(a, b)| self.bytes.get(a..b))),
        )
    }

    /// Lines in the block.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the block has no line.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// The lines of `r` in blocks, numbered from `first`, each line at most `max` bytes.
pub fn blocks(
    mut r: impl BufRead,
    first: u64,
    max: usize,
) -> impl Iterator<Item = io::Result<Block>> {
    let mut number = first;
    let mut done = false;
    let mut pending: Option<io::Error> = None;
    // Each block's buffer is sized by the one before it, with room to spare, so that a block is
    // seldom copied as it grows.
    let mut capacity = 64 * 1024;
    std::iter::from_fn(move || {
        if let Some(e) = pending.take() {
            return Some(Err(e));
        }
        if done {
            return None;
        }
        let mut block = Block {
            first: number,
            bytes: Vec::with_capacity(capacity),
            ends: Vec::with_capacity(CHUNK_LINES),
        };
        while block.ends.len() < CHUNK_LINES && block.bytes.len() < BLOCK_BYTES {
            match take_lines(&mut r, max, &mut block) {
                Ok(0) => {}
                Ok(n) => {
                    number += n as u64;
                    continue;
                }
                Err(e) => {
                    done = true;
                    if block.ends.is_empty() {
                        return Some(Err(e));
                    }
                    pending = Some(e);
                    break;
                }
            }
            // A line the reader's buffer does not hold whole, or one over the limit.
            let start = block.bytes.len();
            match append_line(&mut r, max, &mut block.bytes) {
                Ok(None) => {
                    done = true;
                    break;
                }
                Ok(Some(fits)) => {
                    block.ends.push(fits.then_some((start, block.bytes.len())));
                    number += 1;
                }
                Err(e) => {
                    done = true;
                    if block.ends.is_empty() {
                        return Some(Err(e));
                    }
                    // The lines read so far first; the error ends the input.
                    pending = Some(e);
                    break;
                }
            }
        }
        capacity = (block.bytes.len() + block.bytes.len() / 4).clamp(4 * 1024, 2 * BLOCK_BYTES);
        (!block.ends.is_empty()).then_some(Ok(block))
    })
}

/// Moves the complete lines at the front of `r`'s buffer into `block` with one copy, up to
/// the block's limits, and returns how many. A line the buffer does not hold to its end, or one
/// longer than `max`, is left to [`append_line`] (as is an interrupted read): 0 then.
///
/// This is [`append_line`] for each line, at one buffer check and one copy per buffer instead
/// of per line: the block's bytes keep each line's end, which its range leaves out.
fn take_lines(r: &mut impl BufRead, max: usize, block: &mut Block) -> io::Result<usize> {
    let available = match r.fill_buf() {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(0),
        Err(e) => return Err(e),
    };
    let base = block.bytes.len();
    let room = CHUNK_LINES.saturating_sub(block.ends.len());
    let (mut start, mut taken) = (0, 0);
    for end in memchr::memchr_iter(b'\n', available) {
        if taken == room || base + start >= BLOCK_BYTES || end - start > max {
            break;
        }
        let text_end = if available[start..end].last() == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        block.ends.push(Some((base + start, base + text_end)));
        start = end + 1;
        taken += 1;
    }
    block.bytes.extend_from_slice(&available[..start]);
    r.consume(start);
    Ok(taken)
}

/// The lines of `r`, numbered from `first`, each at most `max` bytes.
pub fn lines(
    mut r: impl BufRead,
    first: u64,
    max: usize,
) -> impl Iterator<Item = io::Result<Line>> {
    let mut number = first;
    let mut buf = Vec::new();
    std::iter::from_fn(move || match read_line(&mut r, max, &mut buf) {
        Ok(None) => None,
        Ok(Some(fits)) => {
            let line = Line {
                number,
                bytes: fits.then(|| buf.clone()),
            };
            number += 1;
            Some(Ok(line))
        }
        Err(e) => Some(Err(e)),
    })
}

/// Runs `work` over the items of `input` on `workers` threads, chunk by chunk, and gives each
/// chunk's result to `sink` in input order. With one worker everything runs on the caller's
/// thread (a figure for one core is then one core). Stops at the first error of the input or
/// of the sink and returns it.
pub fn ordered<I, O, W, S>(
    workers: usize,
    input: impl Iterator<Item = io::Result<I>> + Send,
    work: W,
    sink: S,
) -> io::Result<()>
where
    I: Send,
    O: Send,
    W: Fn(Vec<I>) -> O + Sync,
    S: FnMut(O) -> io::Result<()>,
{
    ordered_each(workers, input, |_| (), |(), chunk| work(chunk), sink)
}

/// [`ordered`] with state of each worker's own, as [`ordered_chunks_each`].
pub fn ordered_each<I, O, T, N, W, S>(
    workers: usize,
    input: impl Iterator<Item = io::Result<I>> + Send,
    init: N,
    work: W,
    sink: S,
) -> io::Result<()>
where
    I: Send,
    O: Send,
    N: Fn(usize) -> T + Sync,
    W: Fn(&mut T, Vec<I>) -> O + Sync,
    S: FnMut(O) -> io::Result<()>,
{
    let mut input = input;
    let mut pending: Option<io::Error> = None;
    let mut done = false;
    let chunks = std::iter::from_fn(move || {
        if let Some(e) = pending.take() {
            return Some(Err(e));
        }
        if done {
            return None;
        }
        let (chunk, end) = next_chunk(&mut input);
        match end {
            Some(Ok(())) => done = true,
            Some(Err(e)) => {
                done = true;
                pending = Some(e);
            }
            None => {}
        }
        if chunk.is_empty() {
            return pending.take().map(Err);
        }
        Some(Ok(chunk))
    });
    ordered_chunks_each(workers, chunks, init, work, sink)
}

/// [`ordered`] over input already cut into chunks (such as [`blocks`]).
///
/// Each worker takes the next chunk from the input itself, under a lock, and decides it: no
/// thread only reads, so on N cores N workers run, the bytes a worker cut are in its own cache
/// when it decides them, and a chunk is freed by the thread that allocated it. Cutting a chunk
/// is a small part of deciding it, so the lock is seldom waited for.
pub fn ordered_chunks<C, O, W, S>(
    workers: usize,
    input: impl Iterator<Item = io::Result<C>> + Send,
    work: W,
    sink: S,
) -> io::Result<()>
where
    C: Send,
    O: Send,
    W: Fn(C) -> O + Sync,
    S: FnMut(O) -> io::Result<()>,
{
    ordered_chunks_each(workers, input, |_| (), |(), chunk| work(chunk), sink)
}

/// [`ordered_chunks`] with state of each worker's own: `init(i)` makes worker `i`'s, on the
/// worker's thread before its first chunk, and `work` gets it with each chunk. What the workers
/// would otherwise share and write to at once (a reference count, say) goes there, so that
/// two cores do not take turns at one cache line.
///
/// The caller's thread is worker 0 and the writer: between its own chunks it writes what the
/// other workers finished, without waiting for them, and waits only when every chunk in flight
/// is theirs. So on N cores N threads run, not N workers and a writer that wakes for every
/// chunk and takes a core from a worker each time.
pub fn ordered_chunks_each<C, O, T, N, W, S>(
    workers: usize,
    input: impl Iterator<Item = io::Result<C>> + Send,
    init: N,
    work: W,
    mut sink: S,
) -> io::Result<()>
where
    C: Send,
    O: Send,
    N: Fn(usize) -> T + Sync,
    W: Fn(&mut T, C) -> O + Sync,
    S: FnMut(O) -> io::Result<()>,
{
    let workers = workers.max(1);
    if workers == 1 {
        let mut state = init(0);
        for chunk in input {
            sink(work(&mut state, chunk?))?;
        }
        return Ok(());
    }
    let in_flight = workers * IN_FLIGHT_PER_WORKER;
    let tokens = Tokens::new(in_flight);
    let (done_tx, done_rx) = sync_channel::<(u64, O)>(in_flight);
    let source = Mutex::new(Source {
        input,
        next: 0,
        ended: false,
        error: None,
    });
    std::thread::scope(|scope| {
        for i in 1..workers {
            let done_tx = done_tx.clone();
            let (source, tokens, init, work) = (&source, &tokens, &init, &work);
            scope.spawn(move || {
                let _close = CloseOnPanic(tokens);
                let mut state = init(i);
                while tokens.take() {
                    let Some((seq, chunk)) = take_chunk(source) else {
                        tokens.give();
                        return;
                    };
                    if done_tx.send((seq, work(&mut state, chunk))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let _close = CloseOnPanic(&tokens);
        let mut state = init(0);
        let written = lead(
            &source,
            &tokens,
            &done_rx,
            |c| work(&mut state, c),
            &mut sink,
        );
        // Unblock the workers if the sink stopped early: no more tokens, nowhere to send.
        tokens.close();
        drop(done_rx);
        written
    })?;
    match source.into_inner() {
        Ok(s) => s.error.map_or(Ok(()), Err),
        Err(poisoned) => poisoned.into_inner().error.map_or(Ok(()), Err),
    }
}

/// The caller's thread: decides chunks while a token is free, writes what the other workers
/// finished between them, and waits for those only when every chunk in flight is theirs.
fn lead<I, C, O>(
    source: &Mutex<Source<I>>,
    tokens: &Tokens,
    done: &Receiver<(u64, O)>,
    mut work: impl FnMut(C) -> O,
    sink: &mut impl FnMut(O) -> io::Result<()>,
) -> io::Result<()>
where
    I: Iterator<Item = io::Result<C>>,
{
    let mut writer = InOrder {
        waiting: BTreeMap::new(),
        next: 0,
        tokens,
    };
    loop {
        while let Ok((seq, out)) = done.try_recv() {
            writer.put(seq, out, sink)?;
        }
        if tokens.try_take() {
            let Some((seq, chunk)) = take_chunk(source) else {
                tokens.give();
                break;
            };
            writer.put(seq, work(chunk), sink)?;
        } else {
            let Ok((seq, out)) = done.recv() else {
                break;
            };
            writer.put(seq, out, sink)?;
        }
    }
    // The input ended: what the other workers still decide.
    for (seq, out) in done {
        writer.put(seq, out, sink)?;
    }
    Ok(())
}

/// The bound on chunks read and not yet written: a count of free tokens, taken before a chunk
/// is cut and given back when it is written (or when there was none to cut).
struct Tokens {
    state: Mutex<TokenState>,
    freed: Condvar,
}

struct TokenState {
    free: usize,
    /// Workers waiting for a token: only then does giving one back wake a thread.
    waiting: usize,
    /// The writer stopped: no token will be given again.
    closed: bool,
}

impl Tokens {
    fn new(free: usize) -> Tokens {
        Tokens {
            state: Mutex::new(TokenState {
                free,
                waiting: 0,
                closed: false,
            }),
            freed: Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, TokenState> {
        // The state is a count, valid whatever a panicking thread was doing.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for a token; false once the writer stopped.
    fn take(&self) -> bool {
        let mut s = self.lock();
        while s.free == 0 && !s.closed {
            s.waiting += 1;
            s = self.freed.wait(s).unwrap_or_else(PoisonError::into_inner);
            s.waiting -= 1;
        }
        if s.closed {
            return false;
        }
        s.free -= 1;
        true
    }

    /// A token if one is free now.
    fn try_take(&self) -> bool {
        let mut s = self.lock();
        if s.free == 0 || s.closed {
            return false;
        }
        s.free -= 1;
        true
    }

    fn give(&self) {
        let mut s = self.lock();
        s.free += 1;
        if s.waiting > 0 {
            self.freed.notify_one();
        }
    }

    fn close(&self) {
        self.lock().closed = true;
        self.freed.notify_all();
    }
}

/// Closes the tokens if its thread panics: the chunk that thread held is never written, so the
/// tokens behind it would never come back, and the other workers would wait for them forever.
/// Closed, they stop, and the panic reaches the caller when the scope joins them.
struct CloseOnPanic<'t>(&'t Tokens);

impl Drop for CloseOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.close();
        }
    }
}

/// The input the workers share: the chunks and the number of the next one.
struct Source<I> {
    input: I,
    next: u64,
    /// The input ended, by its end or by an error.
    ended: bool,
    /// The input's error, returned after the chunks before it are written.
    error: Option<io::Error>,
}

/// The next chunk and its number; none when the input ended.
fn take_chunk<I, C>(source: &Mutex<Source<I>>) -> Option<(u64, C)>
where
    I: Iterator<Item = io::Result<C>>,
{
    // A worker that panicked while cutting a chunk left the input in no known state: stop.
    let mut s = source.lock().ok()?;
    if s.ended {
        return None;
    }
    match s.input.next() {
        Some(Ok(chunk)) => {
            let seq = s.next;
            s.next += 1;
            Some((seq, chunk))
        }
        Some(Err(e)) => {
            s.ended = true;
            s.error = Some(e);
            None
        }
        None => {
            s.ended = true;
            None
        }
    }
}

/// The writer's state: chunks that came early, held until those before them are written.
struct InOrder<'t, O> {
    waiting: BTreeMap<u64, O>,
    next: u64,
    tokens: &'t Tokens,
}

impl<O> InOrder<'_, O> {
    /// Takes chunk `seq` and writes every chunk now due; each one written frees its token.
    fn put(
        &mut self,
        seq: u64,
        out: O,
        sink: &mut impl FnMut(O) -> io::Result<()>,
    ) -> io::Result<()> {
        if seq != self.next {
            self.waiting.insert(seq, out);
            return Ok(());
        }
        sink(out)?;
        self.done();
        while let Some(out) = self.waiting.remove(&self.next) {
            sink(out)?;
            self.done();
        }
        Ok(())
    }

    fn done(&mut self) {
        self.next += 1;
        self.tokens.give();
    }
}

/// Up to [`CHUNK_LINES`] items; with them, `Some(Ok)` at the end of input or `Some(Err)` on
/// an error, `None` if there may be more.
fn next_chunk<I>(
    input: &mut impl Iterator<Item = io::Result<I>>,
) -> (Vec<I>, Option<io::Result<()>>) {
    let mut chunk = Vec::with_capacity(CHUNK_LINES);
    while chunk.len() < CHUNK_LINES {
        match input.next() {
            Some(Ok(item)) => chunk.push(item),
            Some(Err(e)) => return (chunk, Some(Err(e))),
            None => return (chunk, Some(Ok(()))),
        }
    }
    (chunk, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Items 0..n, with an error in place of item `fail` if given.
    fn items(n: u64, fail: Option<u64>) -> impl Iterator<Item = io::Result<u64>> + Send {
        (0..n).map(move |i| {
            if Some(i) == fail {
                Err(io::Error::other("bad input"))
            } else {
                Ok(i)
            }
        })
    }

    /// Work that takes longer on some chunks, so that the workers finish out of order.
    fn uneven(chunk: Vec<u64>) -> Vec<u64> {
        if chunk
            .first()
            .is_some_and(|f| (f / CHUNK_LINES as u64).is_multiple_of(3))
        {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        chunk
    }

    #[test]
    fn chunks_come_back_in_input_order_on_every_number_of_workers() {
        for workers in [1, 2, 3, 5] {
            let mut seen = Vec::new();
            ordered(workers, items(10_000, None), uneven, |c| {
                seen.extend(c);
                Ok(())
            })
            .expect("no error");
            assert_eq!(seen, (0..10_000).collect::<Vec<_>>(), "{workers} workers");
        }
    }

    #[test]
    fn a_panic_in_any_worker_reaches_the_caller_instead_of_stopping_the_others_for_ever() {
        // From the fifth chunk on every chunk panics, so the caller's thread and the others
        // both meet one, whichever takes which.
        for (workers, from) in [(2, 5), (3, 5), (2, 0)] {
            let panicked = std::panic::catch_unwind(|| {
                ordered(
                    workers,
                    items(100_000, None),
                    |c: Vec<u64>| {
                        assert!(c[0] < from * CHUNK_LINES as u64, "a bug in the work");
                        c
                    },
                    |_| Ok(()),
                )
            });
            assert!(panicked.is_err(), "{workers} workers");
        }
    }

    #[test]
    fn an_input_error_comes_after_every_chunk_before_it() {
        for workers in [1, 2, 3] {
            let mut seen = Vec::new();
            let err = ordered(workers, items(5_000, Some(3_000)), uneven, |c| {
                seen.extend(c);
                Ok(())
            })
            .expect_err("the input's error");
            assert_eq!(err.to_string(), "bad input");
            // The chunk holding the error is cut short at it; every item before it is written.
            assert_eq!(seen, (0..3_000).collect::<Vec<_>>(), "{workers} workers");
        }
    }

    #[test]
    fn a_sink_that_fails_stops_every_worker() {
        for workers in [1, 2, 4] {
            let mut written = 0;
            let err = ordered(workers, items(1_000_000, None), uneven, |_| {
                written += 1;
                if written == 3 {
                    return Err(io::Error::other("disk full"));
                }
                Ok(())
            })
            .expect_err("the sink's error");
            assert_eq!(err.to_string(), "disk full");
            assert_eq!(written, 3, "nothing written after the error");
        }
    }

    #[test]
    fn in_flight_chunks_stay_within_the_bound() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let workers = 3;
        let cut = AtomicUsize::new(0);
        let mut most = 0;
        let mut written = 0;
        let input = (0..200u64).map(|i| {
            cut.fetch_add(1, Ordering::SeqCst);
            Ok(i)
        });
        ordered_chunks(workers, input, uneven_one, |_| {
            written += 1;
            most = most.max(cut.load(Ordering::SeqCst) - written);
            Ok(())
        })
        .expect("no error");
        assert_eq!(written, 200);
        assert!(
            most <= workers * IN_FLIGHT_PER_WORKER,
            "{most} chunks read and not written"
        );
    }

    fn uneven_one(i: u64) -> u64 {
        if i.is_multiple_of(7) {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        i
    }
}

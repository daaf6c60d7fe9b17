//! The bounded, ordered pipeline under `batch` and `audit`: one reader, N workers, one writer
//! (the caller's thread). Input is cut into chunks of lines; at most [`IN_FLIGHT_PER_WORKER`]
//! chunks per worker are read and not yet written at any time, so memory is bounded by the
//! chunk size and the number of workers, never by the size of the input, and the writer puts
//! the chunks back in input order.

use std::collections::BTreeMap;
use std::io::{self, BufRead};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

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
        let (part, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], Some(i + 1)),
            None => (available, None),
        };
        if fits {
            if buf.len() + part.len() > max {
                fits = false;
                buf.clear();
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
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(fits))
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
    mut sink: S,
) -> io::Result<()>
where
    I: Send,
    O: Send,
    W: Fn(Vec<I>) -> O + Sync,
    S: FnMut(O) -> io::Result<()>,
{
    let workers = workers.max(1);
    let mut input = input;
    if workers == 1 {
        loop {
            let (chunk, err) = next_chunk(&mut input);
            if !chunk.is_empty() {
                sink(work(chunk))?;
            }
            match err {
                Some(Ok(())) => return Ok(()),
                Some(Err(e)) => return Err(e),
                None => {}
            }
        }
    }
    let in_flight = workers * IN_FLIGHT_PER_WORKER;
    let (token_tx, token_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        // The channel has room for every token.
        let _ = token_tx.send(());
    }
    let (job_tx, job_rx) = sync_channel::<(u64, Vec<I>)>(in_flight);
    let (done_tx, done_rx) = sync_channel::<(u64, O)>(in_flight);
    let job_rx = Mutex::new(job_rx);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || read_chunks(input, &token_rx, &job_tx));
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let job_rx = &job_rx;
            let work = &work;
            scope.spawn(move || {
                loop {
                    let job = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((seq, chunk)) = job else { return };
                    if done_tx.send((seq, work(chunk))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let written = write_in_order(&done_rx, &token_tx, &mut sink);
        // Unblock the reader and the workers if the sink stopped early.
        drop(token_tx);
        drop(done_rx);
        let read = reader.join().unwrap_or(Ok(()));
        written.and(read)
    })
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

/// The reader: a token for each chunk it sends, so no more than the tokens are ever in flight.
fn read_chunks<I>(
    mut input: impl Iterator<Item = io::Result<I>>,
    tokens: &Receiver<()>,
    jobs: &SyncSender<(u64, Vec<I>)>,
) -> io::Result<()> {
    let mut seq = 0;
    loop {
        let (chunk, end) = next_chunk(&mut input);
        if !chunk.is_empty() {
            if tokens.recv().is_err() || jobs.send((seq, chunk)).is_err() {
                return Ok(());
            }
            seq += 1;
        }
        if let Some(end) = end {
            return end;
        }
    }
}

/// The writer: chunks back in order; each one written gives its token back to the reader.
fn write_in_order<O>(
    done: &Receiver<(u64, O)>,
    tokens: &SyncSender<()>,
    sink: &mut impl FnMut(O) -> io::Result<()>,
) -> io::Result<()> {
    let mut waiting: BTreeMap<u64, O> = BTreeMap::new();
    let mut next = 0;
    for (seq, out) in done {
        waiting.insert(seq, out);
        while let Some(out) = waiting.remove(&next) {
            sink(out)?;
            next += 1;
            let _ = tokens.send(());
        }
    }
    Ok(())
}

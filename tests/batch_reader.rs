//! The batch's reader: `pipeline::blocks` (lines cut a reader's buffer at a time) gives the
//! same lines, numbers and over-long markers as `pipeline::lines` (one line at a time), whatever
//! the reader's buffer size, the line ends (`\n`, `\r\n`, a bare `\r`, none at the end) and the
//! length limit; and every block stays within its limits.

use caliper::batch::pipeline::{self, BLOCK_BYTES, CHUNK_LINES};
use proptest::prelude::{
    ProptestConfig, Strategy, any, prop, prop_assert, prop_assert_eq, proptest,
};
use std::io::BufReader;

/// One line as both readers give it: number and bytes (none when over the limit).
type Seen = (u64, Option<Vec<u8>>);

fn by_lines(input: &[u8], capacity: usize, max: usize) -> Vec<Seen> {
    pipeline::lines(BufReader::with_capacity(capacity, input), 1, max)
        .map(|l| l.expect("in memory"))
        .map(|l| (l.number, l.bytes))
        .collect()
}

fn by_blocks(input: &[u8], capacity: usize, max: usize) -> Vec<Seen> {
    let mut seen = Vec::new();
    let mut next = 1;
    for block in pipeline::blocks(BufReader::with_capacity(capacity, input), 1, max) {
        let block = block.expect("in memory");
        assert!(!block.is_empty() && block.len() <= CHUNK_LINES);
        assert_eq!(block.first, next, "blocks follow each other");
        next += block.len() as u64;
        seen.extend(block.lines().map(|(n, b)| (n, b.map(<[u8]>::to_vec))));
    }
    seen
}

/// Input built of short runs of `a`, `\n`, `\r` and a two-byte character, so that line ends,
/// CR before LF, empty lines and lines at the limit all come often.
fn input() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((0u8..5, 1usize..12), 0..80).prop_map(|runs| {
        let mut out = Vec::new();
        for (what, n) in runs {
            let piece: &[u8] = match what {
                0 => b"a",
                1 => b"\n",
                2 => b"\r",
                3 => b"\r\n",
                _ => "案".as_bytes(),
            };
            for _ in 0..n {
                out.extend_from_slice(piece);
            }
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn blocks_give_the_lines_one_line_at_a_time_gives(
        input in input(),
        capacity in 1usize..40,
        max in 0usize..20,
        through_slice in any::<bool>(),
    ) {
        let expected = by_lines(&input, capacity, max);
        // A slice is its own reader whose buffer is all the input.
        let got = if through_slice {
            pipeline::blocks(&input[..], 1, max)
                .flat_map(|b| {
                    let b = b.expect("in memory");
                    b.lines().map(|(n, l)| (n, l.map(<[u8]>::to_vec))).collect::<Vec<_>>()
                })
                .collect()
        } else {
            by_blocks(&input, capacity, max)
        };
        prop_assert_eq!(&got, &expected);
        let lines = input.split(|&b| b == b'\n').count() - usize::from(input.ends_with(b"\n"));
        prop_assert_eq!(expected.len(), if input.is_empty() { 0 } else { lines });
        prop_assert!(expected.iter().all(|(_, b)| b.as_ref().is_none_or(|b| b.len() <= max)));
    }
}

#[test]
fn a_block_ends_at_its_line_count_or_its_bytes() {
    let line = vec![b'x'; 1000];
    let mut input = Vec::new();
    for _ in 0..(3 * BLOCK_BYTES / 1000) {
        input.extend_from_slice(&line);
        input.push(b'\n');
    }
    let sizes: Vec<usize> = pipeline::blocks(&input[..], 1, 4096)
        .map(|b| b.expect("in memory").len())
        .collect();
    // 1,000-byte lines: the line count (256) comes before the bytes (1 MiB).
    assert!(
        sizes.iter().rev().skip(1).all(|&n| n == CHUNK_LINES),
        "{sizes:?}"
    );
    let long = vec![b'y'; BLOCK_BYTES / 4];
    let mut input = Vec::new();
    for _ in 0..10 {
        input.extend_from_slice(&long);
        input.extend_from_slice(b"\r\n");
    }
    let sizes: Vec<usize> = pipeline::blocks(&input[..], 1, BLOCK_BYTES)
        .map(|b| b.expect("in memory").len())
        .collect();
    // Quarter-mebibyte lines: four to a block (the fourth reaches the bytes), then the rest.
    assert_eq!(sizes, [4, 4, 2]);
    let lines: Vec<Seen> = by_blocks(&input, 1 << 16, BLOCK_BYTES);
    assert!(lines.iter().all(|(_, b)| b.as_deref() == Some(&long[..])));
}

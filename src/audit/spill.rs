//! The first pass's record of each archive line, spilled to a temporary file so that the second
//! pass need not read and re-evaluate every case again: a fixed [`Record::BYTES`] bytes per
//! line on disk, nothing per line in memory. The file is unnamed and goes when it is closed.

use super::archive::CaseView;
use super::{Assessed, FAR_RATIO, Place};
use rust_decimal::Decimal;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};

/// What the second pass needs to know of a line without reading it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// The counter of the first pass that counted the line (one per worker).
    counter: u32,
    /// The line's group, numbered by that counter in the order it met them, or `u32::MAX` for
    /// a line in error or a case the rules leave undetermined.
    group: u32,
    /// The fine imposed, if any (above zero).
    fine: Option<Decimal>,
    /// A reason to look that does not depend on the group: a fine outside the statutory range
    /// or where the law says not to punish, a hearing notice not given.
    always: bool,
}

impl Record {
    /// Bytes per line on disk.
    pub const BYTES: usize = 25;

    /// The record of a line not grouped.
    pub const NONE: Record = Record {
        counter: 0,
        group: u32::MAX,
        fine: None,
        always: false,
    };

    /// The record of a case assessed into group `group` of counter `counter`.
    pub fn of(counter: u32, group: u32, c: &CaseView<'_>, a: &Assessed) -> Record {
        let fine = c.fine.filter(|f| *f > Decimal::ZERO);
        let always = (fine.is_some() && (a.place == Place::OutsideRange || a.shall_not_punish))
            || (a.hearing_due && c.hearing_notice == Some(false));
        Record {
            counter,
            group,
            fine,
            always,
        }
    }

    fn bytes(&self) -> [u8; Record::BYTES] {
        let mut b = [0; Record::BYTES];
        b[..4].copy_from_slice(&self.counter.to_le_bytes());
        b[4..8].copy_from_slice(&self.group.to_le_bytes());
        b[8] = u8::from(self.fine.is_some()) | (u8::from(self.always) << 1);
        if let Some(f) = self.fine {
            b[9..].copy_from_slice(&f.serialize());
        }
        b
    }

    fn from_bytes(b: &[u8; Record::BYTES]) -> Record {
        let mut counter = [0; 4];
        counter.copy_from_slice(&b[..4]);
        let mut group = [0; 4];
        group.copy_from_slice(&b[4..8]);
        let mut fine = [0; 16];
        fine.copy_from_slice(&b[9..]);
        Record {
            counter: u32::from_le_bytes(counter),
            group: u32::from_le_bytes(group),
            fine: (b[8] & 1 == 1).then(|| Decimal::deserialize(fine)),
            always: b[8] & 2 == 2,
        }
    }
}

/// The records as the first pass writes them, and the groups' medians once it is done.
pub struct Writer {
    file: BufWriter<File>,
    /// Per counter, per group id: the median a fine is compared with (none for a group too
    /// small).
    pub medians: Vec<Vec<Option<Decimal>>>,
}

impl Writer {
    /// A new temporary file.
    pub fn new() -> io::Result<Writer> {
        Ok(Writer {
            file: BufWriter::with_capacity(1 << 16, tempfile::tempfile()?),
            medians: Vec::new(),
        })
    }

    /// Appends one line's record.
    pub fn push(&mut self, r: &Record) -> io::Result<()> {
        self.file.write_all(&r.bytes())
    }

    /// The records, to be read from the first.
    pub fn finish(self) -> io::Result<Reader> {
        let mut file = self
            .file
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        file.rewind()?;
        Ok(Reader {
            file: BufReader::with_capacity(1 << 16, file),
            medians: self.medians,
        })
    }
}

/// The records read back in line order.
pub struct Reader {
    file: BufReader<File>,
    medians: Vec<Vec<Option<Decimal>>>,
}

impl Reader {
    /// The next line's record, none at the end.
    pub fn next(&mut self) -> io::Result<Option<Record>> {
        let mut b = [0; Record::BYTES];
        match self.file.read_exact(&mut b) {
            Ok(()) => Ok(Some(Record::from_bytes(&b))),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Whether [`super::reasons`] may find a reason to look at the line: never false where it
    /// would find one (it decides; this only spares reading the other lines again).
    pub fn calls_for_a_look(&self, r: &Record) -> bool {
        if r.always {
            return true;
        }
        let median = self
            .medians
            .get(r.counter as usize)
            .and_then(|m| m.get(r.group as usize))
            .copied()
            .flatten();
        match (r.fine, median) {
            (Some(f), Some(m)) => f >= m * FAR_RATIO || f * FAR_RATIO <= m,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Decimal, Record};

    #[test]
    fn a_record_reads_back_as_written() {
        for r in [
            Record::NONE,
            Record {
                counter: 1,
                group: 7,
                fine: Some(Decimal::new(12_345, 2)),
                always: true,
            },
            Record {
                counter: 0,
                group: 0,
                fine: None,
                always: false,
            },
        ] {
            assert_eq!(Record::from_bytes(&r.bytes()), r);
        }
    }
}

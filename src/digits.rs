//! Whole numbers written as decimal digits straight into a `String`: the same text as `Display`,
//! without the formatting machinery, for the places that write one per entry or per decision
//! (locations at load, the decision document, the trace).

/// Appends `n` in decimal digits, as `Display` for `u64` writes it.
pub(crate) fn push_u64(out: &mut String, n: u64) {
    // u64::MAX has 20 decimal digits.
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    let mut n = n;
    loop {
        at -= 1;
        // `n % 10` is below 10: the cast keeps it whole.
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[at..] {
        out.push(char::from(b));
    }
}

#[cfg(test)]
mod tests {
    use super::push_u64;

    #[test]
    fn digits_are_written_as_display_writes_them() {
        for n in [0, 7, 10, 99, 100, 123_456, u64::MAX] {
            let mut s = String::from("x:");
            push_u64(&mut s, n);
            assert_eq!(s, format!("x:{n}"));
        }
    }
}

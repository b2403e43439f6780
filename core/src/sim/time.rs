//! Virtual time: integer microseconds since the start of a run.
//!
//! Virtual time orders the simulation; it is never "the clock" a node reads. Nodes read
//! their own [`WallClock`](super::clock::WallClock), which may be skewed and drift.

use std::fmt;

/// An instant of virtual time, in microseconds since the start of the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);

    /// An instant `ms` milliseconds after the start.
    pub const fn from_millis(ms: u64) -> SimTime {
        SimTime(ms * 1_000)
    }

    /// Microseconds since the start.
    pub const fn as_micros(self) -> u64 {
        self.0
    }

    /// This instant moved `micros` later, saturating at the end of time.
    pub const fn plus_micros(self, micros: u64) -> SimTime {
        SimTime(self.0.saturating_add(micros))
    }
}

impl fmt::Display for SimTime {
    /// Milliseconds with three decimals: `12.345ms`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_millis(f, self.0 as i128)
    }
}

/// Writes a signed microsecond count as milliseconds with three decimals. The digits are
/// laid out in a small buffer on the stack: every trace line (and so every fingerprint)
/// writes a time or two, so this must not allocate.
pub(crate) fn write_millis(f: &mut fmt::Formatter<'_>, micros: i128) -> fmt::Result {
    let Ok(abs) = u64::try_from(micros.unsigned_abs()) else {
        // Beyond any clock's reach; never on a hot path.
        let sign = if micros < 0 { "-" } else { "" };
        let abs = micros.unsigned_abs();
        return f.pad(&format!("{sign}{}.{:03}ms", abs / 1_000, abs % 1_000));
    };
    let mut buf = [0u8; MILLIS_LEN + 1];
    let len = buf.len();
    let text_len = millis_text(abs, &mut buf[1..]).len();
    let mut at = len - text_len;
    if micros < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    f.pad(std::str::from_utf8(&buf[at..]).unwrap_or("?"))
}

/// Room for the 17 digits of `u64::MAX / 1000`, ".", three decimals and "ms".
pub(crate) const MILLIS_LEN: usize = 23;

/// `micros` as milliseconds with three decimals (`12.345ms`), laid out at the end of `buf`
/// (at least [`MILLIS_LEN`] bytes).
pub(crate) fn millis_text(micros: u64, buf: &mut [u8]) -> &str {
    let mut at = buf.len();
    for &b in b"sm" {
        at -= 1;
        buf[at] = b;
    }
    let frac = micros % 1_000;
    // "1xyz": the leading 1 keeps the zeros of xyz and is then replaced by the point.
    at = put_digits(buf, at, 1_000 + frac);
    buf[at] = b'.';
    at = put_digits(buf, at, micros / 1_000);
    std::str::from_utf8(&buf[at..]).unwrap_or("?")
}

/// Writes `n`'s decimal digits to end just before `buf[end]`; returns where they start.
fn put_digits(buf: &mut [u8], end: usize, mut n: u64) -> usize {
    let mut at = end;
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return at;
        }
    }
}

/// Writes `n` in decimal without the formatting machinery (no padding, no flags).
pub(crate) fn write_u64(out: &mut dyn fmt::Write, n: u64) -> fmt::Result {
    let mut buf = [0u8; 20];
    let at = put_digits(&mut buf, 20, n);
    out.write_str(std::str::from_utf8(&buf[at..]).unwrap_or("?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_milliseconds_with_three_decimals() {
        assert_eq!(SimTime(1_234_567).to_string(), "1234.567ms");
        assert_eq!(SimTime::ZERO.to_string(), "0.000ms");
        assert_eq!(format!("{:>10}", SimTime(5)), "   0.005ms");
        assert_eq!(SimTime(u64::MAX).to_string(), "18446744073709551.615ms");
        struct Micros(i128);
        impl fmt::Display for Micros {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_millis(f, self.0)
            }
        }
        assert_eq!(Micros(-1_001).to_string(), "-1.001ms");
        assert_eq!(Micros(-7).to_string(), "-0.007ms");
        assert_eq!(
            Micros(i128::MIN).to_string(),
            "-170141183460469231731687303715884105.728ms"
        );
    }

    #[test]
    fn plus_saturates_instead_of_wrapping() {
        assert_eq!(SimTime(u64::MAX - 1).plus_micros(5), SimTime(u64::MAX));
        assert_eq!(SimTime::from_millis(2).plus_micros(1), SimTime(2_001));
    }
}

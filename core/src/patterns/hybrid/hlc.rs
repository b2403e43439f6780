//! The hybrid logical clock: a wall-clock part and a logical counter.
//!
//! The rules (Kulkarni et al.): on a local or send event the wall part becomes the larger
//! of itself and the node's wall clock, and the counter goes up when the wall part did
//! not move, else back to zero; on a receive the wall part becomes the largest of itself,
//! the message's and the wall clock, and the counter follows whichever of them won. The
//! clock so never goes backwards, respects causality, and stays close to the wall clock:
//! its wall part is always some node's wall-clock reading.
//!
//! Switched off (`hybrid = false`) the clock is a plain wall clock, to show what breaks.

use std::fmt;

use crate::sim::clock::WallTime;

/// A hybrid timestamp: wall-clock microseconds, then a logical counter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hlc {
    /// The wall-clock part, in microseconds since 09:00:00.
    pub wall: i64,
    /// The logical counter.
    pub logical: u32,
}

impl Hlc {
    /// The timestamp just before this one (for "just before" reads).
    pub fn before(self) -> Hlc {
        match self.logical {
            0 => Hlc {
                wall: self.wall - 1,
                logical: u32::MAX,
            },
            n => Hlc {
                wall: self.wall,
                logical: n - 1,
            },
        }
    }

    /// The seconds and counter only, `46.587012+3` style: for labels where the hour and
    /// minute are clear from context.
    pub fn compact(&self) -> String {
        let text = WallTime(self.wall).to_string();
        format!("{}+{}", text.get(6..).unwrap_or(&text), self.logical)
    }

    /// Reads `HH:MM:SS[.ffffff][+counter]`, the form `Display` writes.
    pub fn parse(text: &str) -> Result<Hlc, String> {
        let text = text.trim();
        let (time, logical) = match text.split_once('+') {
            Some((time, counter)) => (
                time,
                counter
                    .trim()
                    .parse::<u32>()
                    .map_err(|_| format!("the counter `{counter}` is not a whole number"))?,
            ),
            None => (text, 0),
        };
        let bad = || format!("`{text}` is not a time like 09:00:00.012345+1");
        let mut parts = time.trim().split(':');
        let (Some(h), Some(m), Some(sec), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let (secs, fraction) = sec.split_once('.').unwrap_or((sec, ""));
        if fraction.len() > 6 || !fraction.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let number = |s: &str, max: i64| s.parse::<i64>().ok().filter(|v| (0..=max).contains(v));
        let (Some(h), Some(m), Some(secs)) = (number(h, 23), number(m, 59), number(secs, 59))
        else {
            return Err(bad());
        };
        let micros = format!("{fraction:0<6}")
            .parse::<i64>()
            .map_err(|_| bad())?;
        let of_day = ((h * 60 + m) * 60 + secs) * 1_000_000 + micros;
        Ok(Hlc {
            wall: of_day - 9 * 3_600 * 1_000_000,
            logical,
        })
    }
}

impl fmt::Display for Hlc {
    /// `09:00:00.012345+1`: the wall part as a time of day, then the counter.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}+{}", WallTime(self.wall), self.logical)
    }
}

/// A node's clock: hybrid, or (switched off) the plain wall clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HybridClock {
    last: Hlc,
    hybrid: bool,
}

impl HybridClock {
    /// A clock that is hybrid when `hybrid`, else a plain wall clock, starting at the
    /// wall-clock reading `start`.
    pub fn new(hybrid: bool, start: WallTime) -> HybridClock {
        HybridClock {
            last: Hlc {
                wall: start.0,
                logical: 0,
            },
            hybrid,
        }
    }

    /// The latest timestamp it gave.
    pub fn current(&self) -> Hlc {
        self.last
    }

    /// A local or send event at wall-clock reading `pt`.
    pub fn tick(&mut self, pt: WallTime) -> Hlc {
        self.last = if !self.hybrid || pt.0 > self.last.wall {
            Hlc {
                wall: pt.0,
                logical: 0,
            }
        } else {
            Hlc {
                wall: self.last.wall,
                logical: self.last.logical.saturating_add(1),
            }
        };
        self.last
    }

    /// A receive of a message stamped `m` at wall-clock reading `pt`.
    pub fn receive(&mut self, pt: WallTime, m: Hlc) -> Hlc {
        if !self.hybrid {
            return self.tick(pt);
        }
        let mine = self.last;
        let wall = mine.wall.max(m.wall).max(pt.0);
        let logical = if wall == mine.wall && wall == m.wall {
            mine.logical.max(m.logical).saturating_add(1)
        } else if wall == mine.wall {
            mine.logical.saturating_add(1)
        } else if wall == m.wall {
            m.logical.saturating_add(1)
        } else {
            0
        };
        self.last = Hlc { wall, logical };
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hlc(wall: i64, logical: u32) -> Hlc {
        Hlc { wall, logical }
    }

    #[test]
    fn ticks_follow_the_wall_clock_and_count_when_it_stands_still() {
        let mut c = HybridClock::new(true, WallTime(0));
        assert_eq!(c.tick(WallTime(100)), hlc(100, 0));
        assert_eq!(c.tick(WallTime(100)), hlc(100, 1));
        assert_eq!(c.tick(WallTime(90)), hlc(100, 2), "never backwards");
        assert_eq!(c.tick(WallTime(150)), hlc(150, 0));
    }

    #[test]
    fn a_receive_jumps_past_the_message() {
        let mut c = HybridClock::new(true, WallTime(0));
        c.tick(WallTime(100));
        assert_eq!(
            c.receive(WallTime(105), hlc(300, 4)),
            hlc(300, 5),
            "a lagging clock adopts"
        );
        assert_eq!(c.receive(WallTime(106), hlc(300, 9)), hlc(300, 10));
        assert_eq!(c.receive(WallTime(107), hlc(200, 0)), hlc(300, 11));
        assert_eq!(c.receive(WallTime(400), hlc(200, 0)), hlc(400, 0));
    }

    #[test]
    fn switched_off_it_is_the_plain_wall_clock() {
        let mut c = HybridClock::new(false, WallTime(0));
        c.tick(WallTime(100));
        assert_eq!(c.receive(WallTime(50), hlc(300, 4)), hlc(50, 0));
    }

    #[test]
    fn display_and_parse_round_trip() {
        let t = hlc(12_345, 2);
        assert_eq!(t.to_string(), "09:00:00.012345+2");
        assert_eq!(Hlc::parse("09:00:00.012345+2"), Ok(t));
        assert_eq!(Hlc::parse(" 09:00:00.0123 "), Ok(hlc(12_300, 0)));
        assert_eq!(Hlc::parse("08:59:59.9+0"), Ok(hlc(-100_000, 0)));
        assert!(Hlc::parse("9am").unwrap_err().contains("not a time"));
        assert!(Hlc::parse("09:00:00+x").unwrap_err().contains("counter"));
        assert!(Hlc::parse("25:00:00").is_err());
    }

    #[test]
    fn compact_keeps_the_seconds_and_the_counter() {
        assert_eq!(hlc(12_345, 2).compact(), "00.012345+2");
        assert_eq!(hlc(61_000_000, 0).compact(), "01.000000+0");
    }

    #[test]
    fn before_is_just_before() {
        assert!(hlc(5, 0).before() < hlc(5, 0));
        assert!(hlc(5, 3).before() < hlc(5, 3));
        assert!(hlc(4, 9) < hlc(5, 0).before());
    }
}

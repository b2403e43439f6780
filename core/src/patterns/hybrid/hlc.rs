//! The hybrid logical clock: a wall-clock part and a logical counter.
//!
//! The rules (Kulkarni et al.): on a local or send event the wall part becomes the larger
//! of itself and the node's wall clock, and the counter goes up when the wall part did
//! not move, else back to zero; on a receive the wall part becomes the largest of itself,
//! the message's and the wall clock, and the counter follows whichever of them won. The
//! clock so never goes backwards, respects causality, and stays close to the wall clock:
//! its wall part is always some node's wall-clock reading.
//!
//! The notes use Lamport clocks for this pattern; the simulation uses the hybrid clock
//! because it also tells the time of day. Two switches take a part away to compare
//! ([`ClockParts`]): without the wall part the same rules make a pure Lamport counter
//! (causality kept, no time of day); without the counter a timestamp is the node's plain
//! wall-clock reading (time of day kept, causality lost under skew).

use std::fmt;

use crate::sim::clock::WallTime;

/// A timestamp: wall-clock microseconds (absent for a pure Lamport counter), then a
/// logical counter. Timestamps without a wall part order before those with one; a run
/// uses one kind only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hlc {
    /// The wall-clock part, in microseconds since 09:00:00; `None` for a Lamport counter.
    pub wall: Option<i64>,
    /// The logical counter.
    pub logical: u32,
}

impl Hlc {
    /// A hybrid timestamp: wall-clock microseconds since 09:00:00 and a counter.
    pub fn at(wall: i64, logical: u32) -> Hlc {
        Hlc {
            wall: Some(wall),
            logical,
        }
    }

    /// A pure Lamport timestamp: a counter and no wall part.
    pub fn counter(logical: u32) -> Hlc {
        Hlc {
            wall: None,
            logical,
        }
    }

    /// The timestamp just before this one (for "just before" reads); the smallest
    /// Lamport timestamp, `#0`, has none and stays itself.
    pub fn before(self) -> Hlc {
        match (self.wall, self.logical) {
            (Some(wall), 0) => Hlc::at(wall - 1, u32::MAX),
            (wall, n) => Hlc {
                wall,
                logical: n.saturating_sub(1),
            },
        }
    }

    /// The seconds and counter only, `46.587012+3` style (`#7` for a Lamport counter):
    /// for labels where the hour and minute are clear from context.
    pub fn compact(&self) -> String {
        match self.wall {
            Some(wall) => {
                let text = WallTime(wall).to_string();
                format!("{}+{}", text.get(6..).unwrap_or(&text), self.logical)
            }
            None => format!("#{}", self.logical),
        }
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
        Ok(Hlc::at(of_day - 9 * 3_600 * 1_000_000, logical))
    }
}

impl fmt::Display for Hlc {
    /// `09:00:00.012345+1`: the wall part as a time of day, then the counter; `#7` for a
    /// Lamport counter.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.wall {
            Some(wall) => write!(f, "{}+{}", WallTime(wall), self.logical),
            None => write!(f, "#{}", self.logical),
        }
    }
}

/// Which parts a node's timestamps carry; both is the hybrid clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockParts {
    /// The wall part: without it the clock is a pure Lamport counter.
    pub wall: bool,
    /// The logical counter: without it a timestamp is the plain wall-clock reading.
    pub counter: bool,
}

impl ClockParts {
    /// The hybrid clock: wall time and a counter.
    pub const HYBRID: ClockParts = ClockParts {
        wall: true,
        counter: true,
    };

    /// What a clock with these parts is, in a few words.
    pub fn describe(self) -> &'static str {
        match (self.wall, self.counter) {
            (true, true) => "hybrid (wall time + counter)",
            (false, true) => "Lamport counter only",
            (true, false) => "wall clock only",
            (false, false) => "neither part: every timestamp is #0",
        }
    }
}

/// A node's clock: hybrid, or with a part switched off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HybridClock {
    last: Hlc,
    parts: ClockParts,
}

impl HybridClock {
    /// A clock with `parts`, starting at the wall-clock reading `start`.
    pub fn new(parts: ClockParts, start: WallTime) -> HybridClock {
        HybridClock {
            last: Hlc {
                wall: parts.wall.then_some(start.0),
                logical: 0,
            },
            parts,
        }
    }

    /// The latest timestamp it gave.
    pub fn current(&self) -> Hlc {
        self.last
    }

    /// The parts its timestamps carry.
    pub fn parts(&self) -> ClockParts {
        self.parts
    }

    /// A local or send event at wall-clock reading `pt`.
    pub fn tick(&mut self, pt: WallTime) -> Hlc {
        self.advance(pt, None)
    }

    /// A receive of a message stamped `m` at wall-clock reading `pt`.
    pub fn receive(&mut self, pt: WallTime, m: Hlc) -> Hlc {
        self.advance(pt, Some(m))
    }

    /// The hybrid rules, over the parts the clock carries. Without the counter the
    /// timestamp is the plain wall-clock reading (nothing to count past a later stamp
    /// with); without the wall part every wall part is equal (absent), so the counter
    /// alone moves: a Lamport clock.
    fn advance(&mut self, pt: WallTime, m: Option<Hlc>) -> Hlc {
        let pt = self.parts.wall.then_some(pt.0);
        if !self.parts.counter {
            self.last = Hlc {
                wall: pt,
                logical: 0,
            };
            return self.last;
        }
        let mine = self.last;
        let heard = m.map(|m| (m.wall, m.logical));
        let wall = mine.wall.max(pt).max(heard.map_or(pt, |(w, _)| w));
        let from_mine = (wall == mine.wall).then_some(mine.logical);
        let from_msg = heard.filter(|(w, _)| *w == wall).map(|(_, l)| l);
        let logical = match from_mine.max(from_msg) {
            Some(l) => l.saturating_add(1),
            None => 0,
        };
        self.last = Hlc { wall, logical };
        self.last
    }

    /// The clock in a few characters (milliseconds), for the stage.
    pub fn headline(&self) -> String {
        let now = self.last;
        match (now.wall, self.parts.counter) {
            (Some(wall), counter) => {
                let text = WallTime(wall).to_string();
                let ms = &text[..text.len().saturating_sub(3)];
                if counter {
                    format!("hlc {ms}+{}", now.logical)
                } else {
                    format!("stamp {ms}")
                }
            }
            (None, true) => format!("lamport {}", now.logical),
            (None, false) => "no clock".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hlc(wall: i64, logical: u32) -> Hlc {
        Hlc::at(wall, logical)
    }

    #[test]
    fn ticks_follow_the_wall_clock_and_count_when_it_stands_still() {
        let mut c = HybridClock::new(ClockParts::HYBRID, WallTime(0));
        assert_eq!(c.tick(WallTime(100)), hlc(100, 0));
        assert_eq!(c.tick(WallTime(100)), hlc(100, 1));
        assert_eq!(c.tick(WallTime(90)), hlc(100, 2), "never backwards");
        assert_eq!(c.tick(WallTime(150)), hlc(150, 0));
    }

    #[test]
    fn a_receive_jumps_past_the_message() {
        let mut c = HybridClock::new(ClockParts::HYBRID, WallTime(0));
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
    fn without_the_counter_it_is_the_plain_wall_clock() {
        let parts = ClockParts {
            wall: true,
            counter: false,
        };
        let mut c = HybridClock::new(parts, WallTime(0));
        c.tick(WallTime(100));
        assert_eq!(c.receive(WallTime(50), hlc(300, 4)), hlc(50, 0));
        assert_eq!(c.headline(), "stamp 09:00:00.000");
    }

    #[test]
    fn without_the_wall_part_it_is_a_lamport_counter() {
        let parts = ClockParts {
            wall: false,
            counter: true,
        };
        let mut c = HybridClock::new(parts, WallTime(5_000));
        assert_eq!(c.tick(WallTime(100)), Hlc::counter(1));
        assert_eq!(c.tick(WallTime(100)), Hlc::counter(2));
        assert_eq!(c.receive(WallTime(0), Hlc::counter(9)), Hlc::counter(10));
        assert_eq!(c.receive(WallTime(900), Hlc::counter(3)), Hlc::counter(11));
        assert_eq!(c.headline(), "lamport 11");
        assert_eq!(Hlc::counter(11).to_string(), "#11");
    }

    #[test]
    fn without_either_part_every_timestamp_is_the_same() {
        let parts = ClockParts {
            wall: false,
            counter: false,
        };
        let mut c = HybridClock::new(parts, WallTime(0));
        assert_eq!(c.tick(WallTime(100)), Hlc::counter(0));
        assert_eq!(c.receive(WallTime(200), Hlc::counter(7)), Hlc::counter(0));
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
        assert!(Hlc::counter(3).before() < Hlc::counter(3));
        assert_eq!(Hlc::counter(0).before(), Hlc::counter(0));
    }
}

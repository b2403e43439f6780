//! Playback: speeds, real time turned into virtual time, stepping and seeking.

use playground_core::sim::time::SimTime;

use super::{Cursor, Playground};

/// Playback speeds: (thousandths of 1×, label). 1× plays the whole run in about
/// [`ONE_X_RUN_SECONDS`] seconds (see [`Playground::one_x_us_per_s`]).
pub const SPEEDS: [(u64, &str); 10] = [
    (100, "0.1×"),
    (250, "0.25×"),
    (500, "0.5×"),
    (1_000, "1×"),
    (2_000, "2×"),
    (5_000, "5×"),
    (10_000, "10×"),
    (25_000, "25×"),
    (50_000, "50×"),
    (100_000, "100×"),
];

/// The speed a run opens at (1×), as an index into [`SPEEDS`].
pub(super) const DEFAULT_SPEED: usize = 3;

/// At 1×, a run plays in about this many seconds.
pub const ONE_X_RUN_SECONDS: u64 = 30;

/// With reduced motion, playing advances one step per this many real milliseconds.
pub(super) const REDUCED_MOTION_STEP_MS: f64 = 700.0;

/// While a few messages are in flight, at 1× the shortest takes at least this many real
/// milliseconds to cross the stage (at 2× half as long, and so on), so it can be followed...
pub const FOLLOW_CROSSING_MS: f64 = 600.0;

/// ...unless the run sends so many that slowing for each would make it crawl: slowing
/// adds at most about this many real milliseconds to a run at 1× (crossings shorten).
pub const FOLLOW_BUDGET_MS: f64 = 60_000.0;

/// Playback slows for messages only up to this many in flight: beyond it (a load
/// generator's traffic) no single message is worth following.
pub const FOLLOW_MAX_FLIGHTS: usize = 8;

/// ...and only up to this speed (thousandths of 1×): faster is a request to skim.
pub const FOLLOW_MAX_SPEED: u64 = 5_000;

impl Playground {
    /// Plays on by `real_ms` of real time, at the chosen speed (one step at a time with
    /// reduced motion), and stops at the end, or in guided mode before a key moment.
    pub(super) fn tick(&mut self, real_ms: f64) {
        if !self.playing || !real_ms.is_finite() || real_ms <= 0.0 {
            return;
        }
        let real_ms = real_ms.min(250.0);
        if self.reduced_motion {
            self.step_debt_ms += real_ms;
            while self.step_debt_ms >= REDUCED_MOTION_STEP_MS {
                self.step_debt_ms -= REDUCED_MOTION_STEP_MS;
                let before = self.cursor;
                self.step_forward();
                if self.stop_at_moment(before) {
                    return;
                }
            }
        } else {
            let before = self.cursor;
            let time = self.follow(real_ms);
            self.seek(time);
            if self.stop_at_moment(before) {
                return;
            }
        }
        if self.cursor.time >= self.end() && self.cursor.steps >= self.total_steps() {
            self.playing = false;
        }
    }

    /// Where playing `real_ms` on takes the cursor: at the chosen speed, slowed while a
    /// few messages are in flight so that each can be followed across the stage, and,
    /// while none is, not past the send of the next message.
    fn follow(&mut self, real_ms: f64) -> SimTime {
        let speed = SPEEDS[self.speed].0;
        let rate = self.one_x_us_per_s() as f64 / 1_000.0; // virtual µs per real ms
        let mut advance_us = real_ms * rate * speed as f64 / 1_000.0;
        self.following = false;
        if speed <= FOLLOW_MAX_SPEED {
            let flights = self.engine().flights_at(self.cursor.time);
            if let (1..=FOLLOW_MAX_FLIGHTS, Some(shortest)) = (flights.count, flights.shortest_us) {
                let cap = shortest as f64 * real_ms * speed as f64 / 1_000.0 / self.crossing_ms();
                self.following = cap < advance_us;
                advance_us = advance_us.min(cap);
            } else if let Some(next) = flights.next_send.filter(|_| flights.count == 0) {
                let to_next = next
                    .as_micros()
                    .saturating_sub(self.cursor.time.as_micros());
                if to_next > 0 {
                    advance_us = advance_us.min(to_next as f64);
                }
            }
        }
        self.cursor
            .time
            .plus_micros(advance_us.ceil().max(1.0) as u64)
    }

    /// How long, in real milliseconds at 1×, the shortest message in flight takes at
    /// least to cross the stage in this run: [`FOLLOW_CROSSING_MS`], shortened so that
    /// slowing for every message adds at most [`FOLLOW_BUDGET_MS`] to the run.
    pub fn crossing_ms(&self) -> f64 {
        let messages = self.engine().message_count().max(1) as f64;
        (FOLLOW_BUDGET_MS / messages).min(FOLLOW_CROSSING_MS)
    }

    /// Whether playback is slowed right now so that the messages in flight can be followed.
    pub fn following_messages(&self) -> bool {
        self.playing && self.following
    }

    /// Virtual microseconds that 1× plays per real second: the run's length over
    /// [`ONE_X_RUN_SECONDS`], but at least 1 ms and at most 100 ms, so messages stay
    /// visible in short runs and long runs do not crawl.
    pub fn one_x_us_per_s(&self) -> u64 {
        (self.end().as_micros() / ONE_X_RUN_SECONDS).clamp(1_000, 100_000)
    }

    /// Moves the cursor one step on (stopping play at the end).
    pub(super) fn step_forward(&mut self) {
        self.diagram_start = None;
        if self.cursor.steps < self.total_steps() {
            let steps = self.cursor.steps + 1;
            let time = self
                .engine()
                .step_time(steps - 1)
                .unwrap_or(self.cursor.time);
            self.cursor = Cursor { time, steps };
        } else {
            self.playing = false;
        }
    }

    /// Moves the cursor to `t` (clamped to the run), with every step at or before it.
    pub(super) fn seek(&mut self, t: SimTime) {
        self.diagram_start = None;
        let time = t.min(self.end());
        self.cursor = Cursor {
            time,
            steps: self.engine().steps_until(time),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::{FOLLOW_BUDGET_MS, FOLLOW_CROSSING_MS};
    use crate::url::parse_query;
    use playground_core::sim::trace::MsgId;

    /// Plays `search` at 1× in 60 frames a second to its end; the cursor at every frame.
    fn frames(search: &str) -> (Playground, Vec<SimTime>) {
        let mut p = Playground::open(parse_query(search), false);
        p.apply(Command::TogglePlay);
        let mut seen = Vec::new();
        while p.playing() && seen.len() < 200_000 {
            p.apply(Command::Tick(1_000.0 / 60.0));
            seen.push(p.cursor().time);
        }
        assert!(!p.playing(), "the run played to its end");
        (p, seen)
    }

    #[test]
    fn at_1x_every_message_can_be_followed_across_the_stage() {
        let (p, seen) = frames("?s=v1~lamport-concurrent~seed.2");
        let engine = p.run().engine();
        let mut followed = 0;
        for id in (0..)
            .map(MsgId)
            .take_while(|m| engine.message(*m).is_some())
        {
            let m = engine.message(id).unwrap();
            let Some(arrives) = (0..engine.trace_len())
                .filter_map(|i| engine.event(i))
                .find(|e| e.msg == Some(id) && e.arrives.is_some())
                .and_then(|e| e.arrives)
            else {
                continue;
            };
            let on_stage = seen
                .iter()
                .filter(|t| **t >= m.sent_at && **t < arrives)
                .count();
            // 600 ms at 60 frames a second, less a frame at each end.
            assert!(
                on_stage >= 30,
                "message {id:?} ({} → {}) was on stage for {on_stage} frames",
                m.sent_at,
                arrives
            );
            followed += 1;
        }
        assert!(followed > 5, "the story sends messages ({followed})");
    }

    #[test]
    fn a_run_with_many_messages_is_slowed_less_so_that_it_does_not_crawl() {
        let p = Playground::open(parse_query("?s=v1~sharding-hot-key~seed.1"), false);
        let messages = p.run().engine().message_count() as f64;
        assert!(p.crossing_ms() < FOLLOW_CROSSING_MS, "{}", p.crossing_ms());
        assert!(p.crossing_ms() * messages <= FOLLOW_BUDGET_MS + 1.0);
        let few = Playground::open(parse_query("?s=v1~lamport-concurrent~seed.2"), false);
        assert_eq!(few.crossing_ms(), FOLLOW_CROSSING_MS);
    }

    #[test]
    fn fast_speeds_are_not_slowed() {
        let mut p = Playground::open(parse_query("?s=v1~lamport-concurrent~seed.2"), false);
        p.apply(Command::SetSpeed(SPEEDS.len() - 1));
        p.apply(Command::TogglePlay);
        let mut ticks = 0;
        while p.playing() {
            p.apply(Command::Tick(1_000.0 / 60.0));
            assert!(!p.following_messages(), "100× skims");
            ticks += 1;
        }
        let end = p.end().as_micros() as f64;
        let expected = end / (p.one_x_us_per_s() as f64 * 100.0 / 60.0);
        assert!(
            f64::from(ticks) <= expected + 2.0,
            "at 100× the run plays at its own rate: {ticks} frames for about {expected:.0}"
        );
    }
}

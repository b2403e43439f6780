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

impl Playground {
    /// Plays on by `real_ms` of real time, at the chosen speed (one step at a time with
    /// reduced motion), and stops at the end.
    pub(super) fn tick(&mut self, real_ms: f64) {
        if !self.playing || !real_ms.is_finite() || real_ms <= 0.0 {
            return;
        }
        let real_ms = real_ms.min(250.0);
        if self.reduced_motion {
            self.step_debt_ms += real_ms;
            while self.step_debt_ms >= REDUCED_MOTION_STEP_MS {
                self.step_debt_ms -= REDUCED_MOTION_STEP_MS;
                self.step_forward();
            }
        } else {
            let rate = self.one_x_us_per_s() as f64 / 1_000.0; // virtual µs per real ms
            let advance_us = real_ms * rate * SPEEDS[self.speed].0 as f64 / 1_000.0;
            let time = self.cursor.time.plus_micros(advance_us.round() as u64);
            self.seek(time);
        }
        if self.cursor.time >= self.end() && self.cursor.steps >= self.total_steps() {
            self.playing = false;
        }
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

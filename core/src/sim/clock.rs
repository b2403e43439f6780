//! Per-node wall clocks, with skew and drift, kept apart from virtual time.
//!
//! A pattern reads its node's wall clock through its context; nothing reads virtual time
//! as "the clock". A wall clock is a line through an anchor point: at virtual time
//! `anchor` it reads `reading_at_anchor`, and it advances `1_000_000 + drift_ppm`
//! microseconds per million microseconds of virtual time. Changing skew or drift live
//! re-anchors at the current instant, so the reading never jumps except by the skew change.

use std::fmt;

use super::time::SimTime;

/// A wall-clock reading: microseconds since 09:00:00 of the run's (imaginary) day. It is
/// negative for a clock that lags behind at the start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WallTime(pub i64);

/// The time of day a perfect clock reads at virtual time zero, in microseconds.
const DAY_START_US: i128 = 9 * 3_600 * 1_000_000;

impl fmt::Display for WallTime {
    /// A time of day with microseconds, `09:00:00.007674`, as a log line would show it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const DAY_US: i128 = 24 * 3_600 * 1_000_000;
        let t = (DAY_START_US + i128::from(self.0)).rem_euclid(DAY_US);
        let (secs, micros) = (t / 1_000_000, t % 1_000_000);
        let text = format!(
            "{:02}:{:02}:{:02}.{micros:06}",
            secs / 3_600,
            secs / 60 % 60,
            secs % 60
        );
        f.pad(&text)
    }
}

/// The largest drift a clock accepts, in parts per million (±10%).
pub const MAX_DRIFT_PPM: i64 = 100_000;

/// A node's wall clock: skewed by an offset and drifting at a rate, in integers only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WallClock {
    anchor: SimTime,
    reading_at_anchor: i64,
    drift_ppm: i64,
    /// The sum of the steps it was set by (what a monotonic clock does not see).
    stepped_us: i64,
}

impl WallClock {
    /// A clock that reads `skew_us` ahead of virtual time at the start and drifts by
    /// `drift_ppm` (clamped to ±[`MAX_DRIFT_PPM`]).
    pub fn new(skew_us: i64, drift_ppm: i64) -> WallClock {
        WallClock {
            anchor: SimTime::ZERO,
            reading_at_anchor: skew_us,
            drift_ppm: drift_ppm.clamp(-MAX_DRIFT_PPM, MAX_DRIFT_PPM),
            stepped_us: 0,
        }
    }

    /// What this clock reads at virtual time `now`.
    pub fn read(&self, now: SimTime) -> WallTime {
        let elapsed = i128::from(now.0.saturating_sub(self.anchor.0));
        let advanced = elapsed * i128::from(1_000_000 + self.drift_ppm) / 1_000_000;
        let reading = i128::from(self.reading_at_anchor) + advanced;
        WallTime(reading.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
    }

    /// Offset of the reading from virtual time at `now`, in microseconds.
    pub fn skew_at(&self, now: SimTime) -> i64 {
        self.read(now)
            .0
            .saturating_sub(now.0.min(i64::MAX as u64) as i64)
    }

    /// The drift rate in parts per million.
    pub fn drift_ppm(&self) -> i64 {
        self.drift_ppm
    }

    /// Moves the clock by `delta_us` from `now` on (a step change, as an operator might).
    pub fn adjust(&mut self, now: SimTime, delta_us: i64) {
        self.reanchor(now);
        self.reading_at_anchor = self.reading_at_anchor.saturating_add(delta_us);
        self.stepped_us = self.stepped_us.saturating_add(delta_us);
    }

    /// The node's monotonic clock at virtual time `now`: the same oscillator (it drifts
    /// as the wall clock does), but never stepped, so it only measures intervals (as
    /// `CLOCK_MONOTONIC` or `System.nanoTime` do). It reads as the wall clock until the
    /// first step.
    pub fn monotonic(&self, now: SimTime) -> WallTime {
        WallTime(self.read(now).0.saturating_sub(self.stepped_us))
    }

    /// Changes the drift rate from `now` on, keeping the current reading.
    pub fn set_drift(&mut self, now: SimTime, drift_ppm: i64) {
        self.reanchor(now);
        self.drift_ppm = drift_ppm.clamp(-MAX_DRIFT_PPM, MAX_DRIFT_PPM);
    }

    fn reanchor(&mut self, now: SimTime) {
        self.reading_at_anchor = self.read(now).0;
        self.anchor = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_monotonic_clock_drifts_with_the_wall_clock_but_ignores_its_steps() {
        let mut c = WallClock::new(500, 10_000);
        let at = SimTime(1_000_000);
        let before = c.monotonic(at);
        assert_eq!(before, c.read(at));
        c.adjust(at, 3_000_000);
        c.adjust(SimTime(1_500_000), -200_000);
        let later = SimTime(2_000_000);
        assert_eq!(c.read(later).0 - c.monotonic(later).0, 2_800_000);
        // A million virtual microseconds is 1.01 million on this oscillator.
        assert_eq!(c.monotonic(later).0 - before.0, 1_010_000);
    }

    #[test]
    fn readings_show_as_a_time_of_day() {
        assert_eq!(WallTime(7_674).to_string(), "09:00:00.007674");
        assert_eq!(WallTime(-32_143).to_string(), "08:59:59.967857");
        assert_eq!(WallTime(3_600_000_000).to_string(), "10:00:00.000000");
    }

    #[test]
    fn a_perfect_clock_reads_virtual_time() {
        let c = WallClock::new(0, 0);
        assert_eq!(c.read(SimTime(12_345)), WallTime(12_345));
    }

    #[test]
    fn skew_offsets_and_drift_stretches() {
        let c = WallClock::new(-5_000, 1_000); // 5 ms behind, 0.1% fast
        assert_eq!(c.read(SimTime::ZERO), WallTime(-5_000));
        assert_eq!(
            c.read(SimTime(1_000_000)),
            WallTime(1_000_000 - 5_000 + 1_000)
        );
        assert_eq!(c.skew_at(SimTime(1_000_000)), -4_000);
    }

    #[test]
    fn live_changes_keep_the_reading_continuous() {
        let mut c = WallClock::new(0, 50_000);
        let before = c.read(SimTime(2_000_000));
        c.set_drift(SimTime(2_000_000), 0);
        assert_eq!(c.read(SimTime(2_000_000)), before);
        assert_eq!(c.read(SimTime(3_000_000)).0, before.0 + 1_000_000);
        c.adjust(SimTime(3_000_000), -700);
        assert_eq!(c.read(SimTime(3_000_000)).0, before.0 + 1_000_000 - 700);
    }

    #[test]
    fn absurd_drift_is_clamped() {
        let c = WallClock::new(0, i64::MAX);
        assert_eq!(c.drift_ppm(), MAX_DRIFT_PPM);
    }
}

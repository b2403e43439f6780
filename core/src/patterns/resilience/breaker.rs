//! A circuit breaker in the manner of Hystrix: outcomes counted in a rolling window of
//! buckets, open when enough calls failed, a sleep window, then one probe call.

/// A breaker's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BreakerConfig {
    /// Whether it acts: off, it still counts and changes state (and says so in notes) but
    /// lets every call through.
    pub enforce: bool,
    /// Calls the window must hold before the failure rate counts (Hystrix: 20).
    pub min_volume: u32,
    /// Failure rate, in percent, at which it opens (Hystrix: 50).
    pub threshold_pct: u32,
    /// The rolling window, made of [`BUCKETS`] buckets (Hystrix: 10 s in 10 buckets).
    pub window_us: u64,
    /// How long it stays open before a probe (Hystrix: 5 s).
    pub sleep_us: u64,
    /// Calls that take at least this long count as slow, if set (Resilience4j's
    /// slow-call duration threshold: 60 s).
    pub slow_us: Option<u64>,
    /// Slow-call rate, in percent, at which it opens (Resilience4j: 100).
    pub slow_pct: u32,
}

/// Buckets in the rolling window.
pub const BUCKETS: usize = 10;

/// The breaker's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Calls go through; outcomes are counted.
    Closed,
    /// Calls fail fast until the sleep window is over.
    Open,
    /// The next call is a probe; until its outcome, others fail fast.
    HalfOpen {
        /// Whether the probe is out.
        probing: bool,
    },
}

impl State {
    /// The state as the breaker gauge charts it: 0 closed, 1 half-open, 2 open.
    pub fn level(self) -> i64 {
        match self {
            State::Closed => 0,
            State::HalfOpen { .. } => 1,
            State::Open => 2,
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            State::Closed => "closed",
            State::HalfOpen { .. } => "half-open",
            State::Open => "open",
        }
    }
}

/// What the breaker says about the next call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admit {
    /// Make it.
    Call,
    /// Make it, as the probe.
    Probe,
    /// Fail fast.
    Reject,
}

/// What an outcome did to the breaker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Nothing.
    None,
    /// It opened: the window's calls, and how many of them failed and were slow.
    Opened {
        /// Failed calls.
        failed: u32,
        /// Slow calls.
        slow: u32,
        /// Calls.
        calls: u32,
    },
    /// Its probe succeeded: closed.
    Closed,
}

/// A circuit breaker (volatile: a restarted node starts closed).
#[derive(Clone, Debug)]
pub struct Breaker {
    cfg: BreakerConfig,
    state: State,
    /// Per bucket: its number (wall time / bucket width), calls, failed calls, slow calls.
    buckets: [(i64, u32, u32, u32); BUCKETS],
    /// Calls it failed fast.
    pub rejected: u64,
}

impl Breaker {
    /// A closed breaker.
    pub fn new(cfg: BreakerConfig) -> Breaker {
        Breaker {
            cfg,
            state: State::Closed,
            buckets: [(-1, 0, 0, 0); BUCKETS],
            rejected: 0,
        }
    }

    /// Its state.
    pub fn state(&self) -> State {
        self.state
    }

    /// Its settings.
    pub fn config(&self) -> BreakerConfig {
        self.cfg
    }

    /// Whether the next call may go.
    pub fn admit(&mut self) -> Admit {
        let admit = match self.state {
            State::Closed => Admit::Call,
            State::Open | State::HalfOpen { probing: true } => Admit::Reject,
            State::HalfOpen { probing: false } => {
                self.state = State::HalfOpen { probing: true };
                Admit::Probe
            }
        };
        match admit {
            Admit::Reject if !self.cfg.enforce => Admit::Call,
            Admit::Reject => {
                self.rejected += 1;
                Admit::Reject
            }
            other => other,
        }
    }

    /// The sleep window is over: true when that made it half-open.
    pub fn sleep_over(&mut self) -> bool {
        let open = self.state == State::Open;
        if open {
            self.state = State::HalfOpen { probing: false };
        }
        open
    }

    /// A call's outcome, at wall time `now_us`, after `took_us`; `probe` when it was the
    /// probe.
    pub fn record(&mut self, ok: bool, took_us: u64, probe: bool, now_us: i64) -> Change {
        let slow = self.cfg.slow_us.is_some_and(|limit| took_us >= limit);
        if probe {
            return if ok && !slow {
                self.state = State::Closed;
                self.buckets = [(-1, 0, 0, 0); BUCKETS];
                Change::Closed
            } else {
                self.state = State::Open;
                Change::Opened {
                    failed: u32::from(!ok),
                    slow: u32::from(slow),
                    calls: 1,
                }
            };
        }
        if self.state != State::Closed {
            // Calls made before it opened (or let through unenforced) do not count.
            return Change::None;
        }
        let width = (self.cfg.window_us / BUCKETS as u64).max(1) as i64;
        let number = now_us.div_euclid(width);
        let bucket = &mut self.buckets[number.rem_euclid(BUCKETS as i64) as usize];
        if bucket.0 != number {
            *bucket = (number, 0, 0, 0);
        }
        bucket.1 += 1;
        bucket.2 += u32::from(!ok);
        bucket.3 += u32::from(slow);
        let live = self
            .buckets
            .iter()
            .filter(|b| b.0 > number - BUCKETS as i64 && b.0 <= number);
        let (calls, failed, slow) =
            live.fold((0, 0, 0), |(c, f, s), b| (c + b.1, f + b.2, s + b.3));
        let too_many = |bad: u32, pct: u32| bad * 100 >= pct * calls;
        let slow_trips = self.cfg.slow_us.is_some() && too_many(slow, self.cfg.slow_pct);
        if calls >= self.cfg.min_volume && (too_many(failed, self.cfg.threshold_pct) || slow_trips)
        {
            self.state = State::Open;
            Change::Opened {
                failed,
                slow,
                calls,
            }
        } else {
            Change::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CFG: BreakerConfig = BreakerConfig {
        enforce: true,
        min_volume: 4,
        threshold_pct: 50,
        window_us: 100_000,
        sleep_us: 50_000,
        slow_us: None,
        slow_pct: 50,
    };

    fn opened(failed: u32, slow: u32, calls: u32) -> Change {
        Change::Opened {
            failed,
            slow,
            calls,
        }
    }

    #[test]
    fn opens_at_the_threshold_once_the_volume_is_reached_then_probes() {
        let mut b = Breaker::new(CFG);
        assert_eq!(b.record(false, 1_000, false, 0), Change::None);
        assert_eq!(b.record(false, 1_000, false, 1_000), Change::None);
        assert_eq!(b.record(true, 1_000, false, 2_000), Change::None);
        assert_eq!(b.record(true, 1_000, false, 3_000), opened(2, 0, 4));
        assert_eq!(b.admit(), Admit::Reject);
        b.sleep_over();
        assert_eq!(b.admit(), Admit::Probe);
        assert_eq!(b.admit(), Admit::Reject);
        assert_eq!(b.record(true, 1_000, true, 60_000), Change::Closed);
        assert_eq!(b.admit(), Admit::Call);
        assert_eq!(b.rejected, 2);
    }

    #[test]
    fn old_buckets_leave_the_window() {
        let mut b = Breaker::new(CFG);
        for t in 0..3 {
            b.record(false, 1_000, false, t * 1_000);
        }
        // 150 ms later the three failures are out of the window.
        assert_eq!(b.record(false, 1_000, false, 150_000), Change::None);
        assert_eq!(b.state(), State::Closed);
    }

    #[test]
    fn unenforced_it_changes_state_but_lets_calls_through() {
        let mut b = Breaker::new(BreakerConfig {
            enforce: false,
            ..CFG
        });
        for t in 0..4 {
            b.record(false, 1_000, false, t);
        }
        assert_eq!(b.state(), State::Open);
        assert_eq!(b.admit(), Admit::Call);
        b.sleep_over();
        assert_eq!(b.admit(), Admit::Probe);
        assert_eq!(b.admit(), Admit::Call);
    }

    #[test]
    fn slow_calls_open_it_when_a_threshold_is_set_and_never_without() {
        let slow = BreakerConfig {
            slow_us: Some(5_000),
            ..CFG
        };
        let mut watching = Breaker::new(slow);
        let mut blind = Breaker::new(CFG);
        // Every call succeeds, three of four take 8 ms.
        for (t, took) in [(0, 8_000), (1_000, 1_000), (2_000, 8_000)] {
            assert_eq!(watching.record(true, took, false, t), Change::None);
            assert_eq!(blind.record(true, took, false, t), Change::None);
        }
        assert_eq!(watching.record(true, 8_000, false, 3_000), opened(0, 3, 4));
        assert_eq!(blind.record(true, 8_000, false, 3_000), Change::None);
        // A slow probe does not close it: the dependency is still slow.
        watching.sleep_over();
        assert_eq!(watching.admit(), Admit::Probe);
        assert_eq!(watching.record(true, 6_000, true, 60_000), opened(0, 1, 1));
        watching.sleep_over();
        assert_eq!(watching.admit(), Admit::Probe);
        assert_eq!(watching.record(true, 2_000, true, 120_000), Change::Closed);
    }
}

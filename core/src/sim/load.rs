//! Load: how long work takes, when requests arrive and which keys they touch.
//!
//! These are reusable pieces a pattern's nodes hold (a load generator is a node with an
//! [`Arrivals`] and a [`Keys`]); every draw goes through the run's one seeded RNG (by way
//! of [`Ctx`](super::node::Ctx)), so a seed fixes the load like everything else.
//! Parameters, not code, choose them. The arithmetic that needs logarithms (exponential
//! gaps, Zipf weights) uses [`ln`] and [`exp`] below, written with `+ - * /` only, which
//! IEEE 754 rounds identically on every platform: the native run and the wasm run draw
//! the same numbers.

use std::sync::Arc;

use super::rng::Rng;

/// A random duration in microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delay {
    /// Always this long.
    Fixed(u64),
    /// Uniform between the two bounds, inclusive.
    Uniform(u64, u64),
    /// Exponentially distributed with this mean (memoryless: Poisson arrivals, service
    /// times of an M/M/c queue).
    Exponential(u64),
}

impl Delay {
    /// Draws one duration.
    pub fn draw(self, rng: &mut Rng) -> u64 {
        match self {
            Delay::Fixed(us) => us,
            Delay::Uniform(lo, hi) => rng.in_range(lo, hi),
            Delay::Exponential(mean) => exponential(rng, mean as f64),
        }
    }

    /// The mean duration.
    pub fn mean(self) -> u64 {
        match self {
            Delay::Fixed(us) | Delay::Exponential(us) => us,
            Delay::Uniform(lo, hi) => lo / 2 + hi / 2,
        }
    }

    /// This delay with every duration multiplied by `factor` (a slow worker: ×10).
    pub fn times(self, factor: u64) -> Delay {
        match self {
            Delay::Fixed(us) => Delay::Fixed(us.saturating_mul(factor)),
            Delay::Uniform(lo, hi) => {
                Delay::Uniform(lo.saturating_mul(factor), hi.saturating_mul(factor))
            }
            Delay::Exponential(mean) => Delay::Exponential(mean.saturating_mul(factor)),
        }
    }
}

/// Open-loop arrivals: requests come at a rate whatever the system's state (unlike a
/// closed-loop client, which waits for each answer). Each shape is a Poisson process
/// whose rate may change with time since the generator started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrivals {
    /// A steady Poisson process, `per_sec` requests per second on average.
    Poisson {
        /// Mean arrivals per second.
        per_sec: u64,
    },
    /// A steady rate with bursts: every `every_us`, for `length_us`, the rate is `burst_per_sec`.
    Bursts {
        /// Mean arrivals per second between bursts.
        per_sec: u64,
        /// Mean arrivals per second inside a burst.
        burst_per_sec: u64,
        /// Time from one burst's start to the next.
        every_us: u64,
        /// How long a burst lasts.
        length_us: u64,
    },
    /// A rate that changes linearly from `from_per_sec` to `to_per_sec` over `over_us`,
    /// then stays.
    Ramp {
        /// Starting rate.
        from_per_sec: u64,
        /// Final rate.
        to_per_sec: u64,
        /// How long the ramp takes.
        over_us: u64,
    },
}

impl Arrivals {
    /// The mean rate, per second, `elapsed_us` after the generator started.
    pub fn rate_at(self, elapsed_us: u64) -> u64 {
        match self {
            Arrivals::Poisson { per_sec } => per_sec,
            Arrivals::Bursts {
                per_sec,
                burst_per_sec,
                every_us,
                length_us,
            } => {
                if every_us > 0 && elapsed_us % every_us < length_us {
                    burst_per_sec
                } else {
                    per_sec
                }
            }
            Arrivals::Ramp {
                from_per_sec,
                to_per_sec,
                over_us,
            } => {
                if over_us == 0 || elapsed_us >= over_us {
                    return to_per_sec;
                }
                let (from, to) = (from_per_sec as i128, to_per_sec as i128);
                let done = (to - from) * elapsed_us as i128 / over_us as i128;
                (from + done).max(0) as u64
            }
        }
    }

    /// The gap before the next arrival, `elapsed_us` after the generator started; `None`
    /// when the rate is zero (nothing arrives).
    pub fn next_gap(self, rng: &mut Rng, elapsed_us: u64) -> Option<u64> {
        let rate = self.rate_at(elapsed_us);
        (rate > 0).then(|| exponential(rng, 1e6 / rate as f64).max(1))
    }
}

/// Which key a request touches.
#[derive(Clone, Debug, PartialEq)]
pub enum Keys {
    /// Every key in `0..n` equally likely.
    Uniform(u64),
    /// Key `k` (0-based) has weight `1 / (k + 1)^s`: a few keys take most requests.
    Zipf(Arc<ZipfTable>),
    /// `0, 1, 2 …`: monotonically increasing keys (timestamps, auto-increment ids).
    Sequential,
}

impl Keys {
    /// A Zipf distribution over `n` keys with skew `s` (1.0 is the classic law; 0 is uniform).
    pub fn zipf(n: u64, s: f64) -> Keys {
        Keys::Zipf(Arc::new(ZipfTable::new(n, s)))
    }

    /// Draws a key; `counter` is the sequential generator's state.
    pub fn draw(&self, rng: &mut Rng, counter: &mut u64) -> u64 {
        match self {
            Keys::Uniform(n) => rng.below(*n),
            Keys::Zipf(table) => table.draw(rng),
            Keys::Sequential => {
                *counter += 1;
                *counter - 1
            }
        }
    }
}

/// The cumulative weights of a Zipf distribution, in fixed point, for drawing by
/// binary search. Shared (`Arc`) so a checkpoint does not copy it.
#[derive(Debug, PartialEq)]
pub struct ZipfTable {
    cumulative: Vec<u64>,
}

impl ZipfTable {
    /// The table for `n` keys (at least one) and skew `s` (clamped to 0..=4).
    pub fn new(n: u64, s: f64) -> ZipfTable {
        let s = s.clamp(0.0, 4.0);
        let weights: Vec<f64> = (1..=n.max(1)).map(|k| exp(-s * ln(k as f64))).collect();
        let total: f64 = weights.iter().sum();
        let mut sum = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                sum += w;
                (sum / total * (1u64 << 52) as f64) as u64
            })
            .collect();
        ZipfTable { cumulative }
    }

    /// The probability of key `k`, in parts per million (for captions and tests).
    pub fn ppm(&self, k: usize) -> u64 {
        let below = if k == 0 { 0 } else { self.cumulative[k - 1] };
        let share = self.cumulative.get(k).copied().unwrap_or(below) - below;
        ((u128::from(share) * 1_000_000) >> 52) as u64
    }

    fn draw(&self, rng: &mut Rng) -> u64 {
        let top = self.cumulative.last().copied().unwrap_or(1);
        let x = rng.below(top);
        self.cumulative.partition_point(|&c| c <= x) as u64
    }
}

/// An exponential draw with mean `mean`, in whole microseconds.
fn exponential(rng: &mut Rng, mean: f64) -> u64 {
    // A uniform in (0, 1] from 53 random bits; -ln(u) is exponential with mean 1.
    let u = ((rng.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64;
    let x = -ln(u) * mean;
    if x >= u64::MAX as f64 {
        u64::MAX
    } else {
        x as u64
    }
}

/// The natural logarithm of a positive finite `x`, from `+ - * /` only (identical on
/// every platform): `x = m·2^e` with `m` in `[√½, √2)`, then `ln m = 2·atanh((m−1)/(m+1))`.
pub fn ln(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return f64::NEG_INFINITY;
    }
    let bits = x.to_bits();
    let mut exponent = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if exponent == -1023 {
        // Subnormal: normalise by hand.
        return ln(x * (1u64 << 52) as f64) - 52.0 * std::f64::consts::LN_2;
    }
    if m > std::f64::consts::SQRT_2 {
        m /= 2.0;
        exponent += 1;
    }
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let mut term = t;
    let mut sum = 0.0;
    let mut k = 1.0;
    while k < 60.0 {
        sum += term / k;
        term *= t2;
        k += 2.0;
    }
    2.0 * sum + exponent as f64 * std::f64::consts::LN_2
}

/// `e^x`, from `+ - * /` only: `x = k·ln 2 + r`, `e^r` by its series, times `2^k`.
pub fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 709.0 {
        return f64::INFINITY;
    }
    if x < -745.0 {
        return 0.0;
    }
    let k = (x / std::f64::consts::LN_2 + if x < 0.0 { -0.5 } else { 0.5 }) as i64;
    let r = x - k as f64 * std::f64::consts::LN_2;
    let mut term = 1.0;
    let mut sum = 1.0;
    for i in 1..30 {
        term *= r / i as f64;
        sum += term;
    }
    let mut scale = 1.0;
    let base = if k < 0 { 0.5 } else { 2.0 };
    for _ in 0..k.unsigned_abs() {
        scale *= base;
    }
    sum * scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_and_exp_agree_with_the_platform_closely() {
        for x in [1e-9, 0.001, 0.5, 1.0, 2.0, 10.0, 12345.678, 1e12] {
            assert!(
                (ln(x) - x.ln()).abs() < 1e-12 * x.ln().abs().max(1.0),
                "ln {x}"
            );
        }
        for x in [-50.0, -1.0, 0.0, 0.3, 1.0, 20.0, 300.0] {
            assert!((exp(x) - x.exp()).abs() <= 1e-12 * x.exp(), "exp {x}");
        }
    }

    #[test]
    fn exponential_delays_have_their_mean() {
        let mut rng = Rng::seeded(5);
        let n = 20_000;
        let total: u64 = (0..n)
            .map(|_| Delay::Exponential(1_000).draw(&mut rng))
            .sum();
        let mean = total / n;
        assert!((950..1_050).contains(&mean), "mean {mean}");
        assert_eq!(Delay::Fixed(7).draw(&mut rng), 7);
        assert_eq!(Delay::Uniform(2, 6).times(10), Delay::Uniform(20, 60));
    }

    #[test]
    fn poisson_arrivals_come_at_their_rate() {
        let mut rng = Rng::seeded(9);
        let load = Arrivals::Poisson { per_sec: 500 };
        let (mut elapsed, mut count) = (0u64, 0u64);
        while let Some(gap) = load.next_gap(&mut rng, elapsed) {
            elapsed += gap;
            if elapsed > 20_000_000 {
                break;
            }
            count += 1;
        }
        // 20 s at 500/s: 10,000 expected, standard deviation 100.
        assert!((9_600..10_400).contains(&count), "{count} arrivals");
        assert_eq!(Arrivals::Poisson { per_sec: 0 }.next_gap(&mut rng, 0), None);
    }

    #[test]
    fn bursts_and_ramps_change_the_rate() {
        let bursts = Arrivals::Bursts {
            per_sec: 10,
            burst_per_sec: 1_000,
            every_us: 1_000_000,
            length_us: 100_000,
        };
        assert_eq!(bursts.rate_at(50_000), 1_000);
        assert_eq!(bursts.rate_at(500_000), 10);
        assert_eq!(bursts.rate_at(1_050_000), 1_000);
        let ramp = Arrivals::Ramp {
            from_per_sec: 100,
            to_per_sec: 300,
            over_us: 1_000,
        };
        assert_eq!(ramp.rate_at(0), 100);
        assert_eq!(ramp.rate_at(500), 200);
        assert_eq!(ramp.rate_at(5_000), 300);
    }

    #[test]
    fn zipf_follows_its_law_and_skew_zero_is_uniform() {
        let keys = Keys::zipf(100, 1.0);
        let mut rng = Rng::seeded(2);
        let mut counts = vec![0u64; 100];
        let mut counter = 0;
        for _ in 0..100_000 {
            counts[keys.draw(&mut rng, &mut counter) as usize] += 1;
        }
        // Harmonic number H(100) ≈ 5.187: key 0 takes ≈ 19.3 %, key 1 half of that.
        assert!((18_500..20_100).contains(&counts[0]), "{}", counts[0]);
        assert!((9_000..10_300).contains(&counts[1]), "{}", counts[1]);
        let Keys::Zipf(table) = &keys else {
            unreachable!()
        };
        assert!((192_000..194_000).contains(&table.ppm(0)));
        let flat = ZipfTable::new(4, 0.0);
        assert!((0..4).all(|k| (249_000..=250_001).contains(&flat.ppm(k))));
    }

    #[test]
    fn uniform_and_sequential_keys() {
        let mut rng = Rng::seeded(4);
        let mut counter = 0;
        assert!((0..1_000).all(|_| Keys::Uniform(10).draw(&mut rng, &mut counter) < 10));
        let seq: Vec<u64> = (0..4)
            .map(|_| Keys::Sequential.draw(&mut rng, &mut counter))
            .collect();
        assert_eq!(seq, [0, 1, 2, 3]);
    }
}

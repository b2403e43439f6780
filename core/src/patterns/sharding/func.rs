//! The shard functions: which shard holds a key, by `hash mod N`, a consistent-hash ring
//! with virtual nodes, rendezvous (highest random weight), jump consistent hash or key
//! ranges, and how each changes when a shard is added, removed or split.

/// How keys map to shards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// `hash(key) mod N`.
    Modulo,
    /// A ring of hash points, `vnodes` per shard; a key goes to the next point clockwise.
    Ring,
    /// Rendezvous: every shard scores the key, the highest score wins.
    Rendezvous,
    /// Jump consistent hash (Lamping and Veach, 2014).
    Jump,
    /// Contiguous key ranges, split and merged by key.
    Ranges,
}

impl Scheme {
    /// The scheme a story's `scheme` parameter names (1 to 5).
    pub fn from_param(value: i64) -> Scheme {
        match value {
            1 => Scheme::Modulo,
            2 => Scheme::Ring,
            3 => Scheme::Rendezvous,
            4 => Scheme::Jump,
            _ => Scheme::Ranges,
        }
    }

    /// Its name, for views and captions.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Modulo => "hash mod N",
            Scheme::Ring => "consistent-hash ring",
            Scheme::Rendezvous => "rendezvous hashing",
            Scheme::Jump => "jump consistent hash",
            Scheme::Ranges => "key ranges",
        }
    }
}

/// A 64-bit mix (SplitMix64's finalizer): the hash every scheme uses.
pub fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Jump consistent hash: the bucket in `0..n` of a 64-bit key.
fn jump(mut key: u64, n: u32) -> u32 {
    let (mut b, mut j) = (0i64, 0i64);
    while j < i64::from(n) {
        b = j;
        key = key.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(1);
        j = ((b + 1) as f64 * ((1u64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    b as u32
}

/// Which shard (`0..shards()`) holds each key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardMap {
    scheme: Scheme,
    /// Shards `0..n` hold keys.
    n: u32,
    vnodes: u32,
    /// The ring's points (position, shard), by position.
    ring: Vec<(u64, u32)>,
    /// For ranges: (first key, shard), by first key; the first starts at 0.
    ranges: Vec<(u64, u32)>,
    /// Keys `0..key_space` are spread over the ranges at first; later keys fall in the last.
    key_space: u64,
}

impl ShardMap {
    /// `n` shards (at least one) by `scheme`, with `vnodes` points each on a ring, ranges
    /// of equal width over `0..key_space`.
    pub fn new(scheme: Scheme, n: u32, vnodes: u32, key_space: u64) -> ShardMap {
        let n = n.max(1);
        let mut map = ShardMap {
            scheme,
            n: 0,
            vnodes: vnodes.max(1),
            ring: Vec::new(),
            ranges: (0..n)
                .map(|s| (key_space * u64::from(s) / u64::from(n), s))
                .collect(),
            key_space,
        };
        for _ in 0..n {
            map.grow();
        }
        map
    }

    /// Its scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// How many shards hold keys.
    pub fn shards(&self) -> u32 {
        self.n
    }

    /// The shard holding `key`.
    pub fn owner(&self, key: u64) -> u32 {
        let h = mix(key);
        match self.scheme {
            Scheme::Modulo => (h % u64::from(self.n)) as u32,
            Scheme::Ring => {
                let i = self.ring.partition_point(|&(at, _)| at < h);
                self.ring.get(i).or(self.ring.first()).map_or(0, |r| r.1)
            }
            Scheme::Rendezvous => (0..self.n)
                .max_by_key(|&s| mix(h ^ mix(u64::from(s) + 1)))
                .unwrap_or(0),
            Scheme::Jump => jump(h, self.n),
            Scheme::Ranges => {
                let i = self.ranges.partition_point(|&(start, _)| start <= key);
                self.ranges[i.saturating_sub(1)].1
            }
        }
    }

    /// The keys `lo..hi` of a shard's first range (ranges only).
    pub fn range_of(&self, shard: u32) -> Option<(u64, u64)> {
        let i = self.ranges.iter().position(|&(_, s)| s == shard)?;
        let hi = self.ranges.get(i + 1).map_or(u64::MAX, |r| r.0);
        Some((self.ranges[i].0, hi))
    }

    /// The ring's points as `(position, shard)`, by position (a ring only).
    pub fn points(&self) -> &[(u64, u32)] {
        &self.ring
    }

    /// The ranges as `(first key, shard)`, by key.
    pub fn ranges(&self) -> &[(u64, u32)] {
        &self.ranges
    }

    fn grow(&mut self) -> u32 {
        let s = self.n;
        self.n += 1;
        if self.scheme == Scheme::Ring {
            for v in 0..self.vnodes {
                let at = mix((u64::from(s) + 1) << 32 | u64::from(v));
                let i = self.ring.partition_point(|r| r.0 < at);
                self.ring.insert(i, (at, s));
            }
        }
        s
    }

    /// Adds a shard and returns it. Ranges split the widest range at its middle.
    pub fn add(&mut self) -> u32 {
        if self.scheme == Scheme::Ranges {
            let widest = (0..self.ranges.len())
                .max_by_key(|&i| self.width(i))
                .unwrap_or(0);
            let lo = self.ranges[widest].0;
            return self.split(lo + self.width(widest) / 2);
        }
        self.grow()
    }

    fn width(&self, i: usize) -> u64 {
        let hi = self.ranges.get(i + 1).map_or(self.key_space, |r| r.0);
        hi.saturating_sub(self.ranges[i].0)
    }

    /// Removes the newest shard (its keys go back where they were: for ranges, to the
    /// range before), if more than one is left; returns it.
    pub fn remove(&mut self) -> Option<u32> {
        if self.n <= 1 {
            return None;
        }
        self.n -= 1;
        let gone = self.n;
        self.ring.retain(|r| r.1 != gone);
        let mut i = 0;
        while i < self.ranges.len() {
            if self.ranges[i].1 == gone {
                if i == 0 {
                    self.ranges[0].1 = self.ranges.get(1).map_or(0, |r| r.1);
                } else {
                    self.ranges.remove(i);
                    continue;
                }
            }
            i += 1;
        }
        Some(gone)
    }

    /// A new shard takes keys `at..` of the range holding `at`, up to that range's end
    /// (ranges only); returns the new shard.
    pub fn split(&mut self, at: u64) -> u32 {
        let new = self.grow();
        let i = self.ranges.partition_point(|&(start, _)| start <= at);
        self.ranges.insert(i, (at, new));
        if i > 0 && self.ranges[i - 1].0 == at {
            self.ranges.remove(i - 1);
        }
        new
    }

    /// Keys `lo..hi` go to `shard` (ranges only): a router learning of a move.
    pub fn assign(&mut self, lo: u64, hi: u64, shard: u32) {
        let after = self.owner(hi);
        self.ranges.retain(|&(start, _)| start < lo || start >= hi);
        let i = self.ranges.partition_point(|&(start, _)| start < lo);
        self.ranges.insert(i, (lo, shard));
        if hi != u64::MAX && self.ranges.get(i + 1).is_none_or(|r| r.0 != hi) {
            self.ranges.insert(i + 1, (hi, after));
        }
        self.n = self.n.max(shard + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The share of keys `0..keys` whose shard differs between `a` and `b`.
    fn moved(a: &ShardMap, b: &ShardMap, keys: u64) -> f64 {
        (0..keys).filter(|&k| a.owner(k) != b.owner(k)).count() as f64 / keys as f64
    }

    fn grown(scheme: Scheme, from: u32, to: u32) -> (ShardMap, ShardMap) {
        let before = ShardMap::new(scheme, from, 100, 100_000);
        let mut after = before.clone();
        for _ in from..to {
            after.add();
        }
        (before, after)
    }

    #[test]
    fn mod_n_moves_five_sixths_from_10_to_12_and_consistent_schemes_a_sixth() {
        let (a, b) = grown(Scheme::Modulo, 10, 12);
        assert!((moved(&a, &b, 100_000) - 5.0 / 6.0).abs() < 0.01);
        for scheme in [Scheme::Ring, Scheme::Rendezvous, Scheme::Jump] {
            let (a, b) = grown(scheme, 10, 12);
            let m = moved(&a, &b, 100_000);
            assert!((m - 1.0 / 6.0).abs() < 0.03, "{scheme:?} moved {m}");
        }
        // One more shard: about 1/(N+1).
        let (a, b) = grown(Scheme::Jump, 10, 11);
        assert!((moved(&a, &b, 100_000) - 1.0 / 11.0).abs() < 0.01);
    }

    #[test]
    fn a_range_split_moves_half_a_range_and_removing_gives_it_back() {
        let (a, b) = grown(Scheme::Ranges, 10, 11);
        assert!((moved(&a, &b, 100_000) - 0.05).abs() < 0.001);
        let mut c = b.clone();
        assert_eq!(c.remove(), Some(10));
        assert_eq!(moved(&a, &c, 100_000), 0.0);
        assert_eq!(a.owner(u64::MAX), 9);
    }

    #[test]
    fn assign_moves_exactly_the_keys_given() {
        let a = ShardMap::new(Scheme::Ranges, 4, 1, 100);
        let mut b = a.clone();
        b.assign(60, 75, 4);
        for k in 0..100 {
            let expect = if (60..75).contains(&k) { 4 } else { a.owner(k) };
            assert_eq!(b.owner(k), expect, "key {k}");
        }
        assert_eq!(b.range_of(4), Some((60, 75)));
    }

    #[test]
    fn more_virtual_nodes_spread_the_ring_more_evenly() {
        let spread = |vnodes| {
            let map = ShardMap::new(Scheme::Ring, 10, vnodes, 0);
            let mut counts = [0f64; 10];
            for k in 0..200_000 {
                counts[map.owner(k) as usize] += 1.0;
            }
            let mean = 20_000.0;
            let var = counts.iter().map(|c| (c - mean) * (c - mean)).sum::<f64>() / 10.0;
            var.sqrt() / mean
        };
        let (one, hundred, thousand) = (spread(1), spread(100), spread(1_000));
        assert!(one > 0.3, "{one}");
        assert!((0.04..0.18).contains(&hundred), "{hundred}");
        assert!(thousand < 0.06 && thousand < hundred, "{thousand}");
    }
}

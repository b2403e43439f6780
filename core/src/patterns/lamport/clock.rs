//! The Lamport clock itself: a counter that jumps past every value it hears of.

/// A logical clock. `update` is the whole algorithm: take the larger of the local and
/// the received value, then add one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LamportClock {
    current: u64,
}

impl LamportClock {
    /// A clock reading `start` (the notes start clocks at 1).
    pub fn new(start: u64) -> LamportClock {
        LamportClock { current: start }
    }

    /// Moves past `received` and past the local value; returns the new value.
    pub fn update(&mut self, received: u64) -> u64 {
        self.current = self.current.max(received).saturating_add(1);
        self.current
    }

    /// The current value.
    pub fn current(&self) -> u64 {
        self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_takes_the_max_then_adds_one() {
        let mut clock = LamportClock::new(1);
        assert_eq!(clock.update(1), 2);
        assert_eq!(clock.update(10), 11);
        assert_eq!(clock.update(3), 12);
        assert_eq!(clock.current(), 12);
    }
}

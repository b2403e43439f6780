//! What an open-loop client of the Services family keeps about its requests in flight:
//! when each was sent, and which have waited past the timeout (checked by sweeps, four per
//! timeout). Shared by load balancing's and discovery's clients.

use std::collections::VecDeque;

use crate::sim::node::Stamp;

/// Sweeps per timeout: a request is given up on after between 3/4 and 1 timeout.
const SWEEPS: u64 = 4;

/// A client's requests in flight.
#[derive(Clone, Debug)]
pub struct Outstanding {
    /// Time between two sweeps.
    pub sweep_us: u64,
    // Volatile.
    sweeps: u64,
    /// Requests in flight: number, when it was sent, the sweep count then.
    waiting: VecDeque<(u64, Stamp, u64)>,
}

impl Outstanding {
    /// Requests given up on after `timeout_us`.
    pub fn new(timeout_us: u64) -> Outstanding {
        Outstanding {
            sweep_us: (timeout_us / SWEEPS).max(1),
            sweeps: 0,
            waiting: VecDeque::new(),
        }
    }

    /// Request `id` was sent at `sent`.
    pub fn push(&mut self, id: u64, sent: Stamp) {
        self.waiting.push_back((id, sent, self.sweeps));
    }

    /// Request `id` was answered: when it was sent, unless it was given up on already.
    pub fn answer(&mut self, id: u64) -> Option<Stamp> {
        let pos = self.waiting.iter().position(|w| w.0 == id)?;
        self.waiting.remove(pos).map(|w| w.1)
    }

    /// A sweep: the next request that waited past the timeout, given up on (call until
    /// `None`, after [`Outstanding::sweep`]).
    pub fn expired(&mut self) -> Option<u64> {
        let &(id, _, at) = self.waiting.front()?;
        (self.sweeps - at >= SWEEPS).then(|| {
            self.waiting.pop_front();
            id
        })
    }

    /// Counts one sweep.
    pub fn sweep(&mut self) {
        self.sweeps += 1;
    }

    /// Requests in flight.
    pub fn len(&self) -> usize {
        self.waiting.len()
    }

    /// Whether none is in flight.
    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    /// Forgets every request (a crash).
    pub fn clear(&mut self) {
        self.waiting.clear();
    }
}

//! The requests an open-loop client is waiting for, and when it gives up on them: shared
//! by the Services family's clients (load balancing, API gateway).

use std::collections::VecDeque;

use crate::sim::node::Stamp;

/// Requests in flight, given up on after a timeout that sweeps (a timer every quarter of
/// it) check, so a client needs one timer, not one per request.
#[derive(Clone, Debug)]
pub struct Outstanding {
    /// Time between two sweeps.
    pub sweep_us: u64,
    sweeps: u64,
    /// Requests in flight: number, when it was sent, the sweep count then.
    waiting: VecDeque<(u64, Stamp, u64)>,
}

impl Outstanding {
    /// Nothing in flight yet; a request is given up on after `timeout_us`.
    pub fn new(timeout_us: u64) -> Outstanding {
        Outstanding {
            sweep_us: (timeout_us / 4).max(1),
            sweeps: 0,
            waiting: VecDeque::new(),
        }
    }

    /// Request `id` was sent at `at`.
    pub fn sent(&mut self, id: u64, at: Stamp) {
        self.waiting.push_back((id, at, self.sweeps));
    }

    /// Request `id` was answered: when it was sent, unless it was not waited for.
    pub fn answered(&mut self, id: u64) -> Option<Stamp> {
        let pos = self.waiting.iter().position(|w| w.0 == id)?;
        self.waiting.remove(pos).map(|w| w.1)
    }

    /// A sweep: the requests it gives up on (waiting four sweeps or more).
    pub fn sweep(&mut self) -> Vec<u64> {
        self.sweeps += 1;
        let mut expired = Vec::new();
        while let Some(&(id, _, at)) = self.waiting.front() {
            if self.sweeps - at < 4 {
                break;
            }
            self.waiting.pop_front();
            expired.push(id);
        }
        expired
    }

    /// How many requests are waited for.
    pub fn len(&self) -> usize {
        self.waiting.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    /// Forgets them all (a crash).
    pub fn clear(&mut self) {
        self.waiting.clear();
    }
}

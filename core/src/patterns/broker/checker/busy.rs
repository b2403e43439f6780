//! How busy each consumer is, from the trace: a consumer processes one delivery at a
//! time, so it is busy from the moment a delivery arrives at an idle consumer until the
//! last one waiting is done. Reported per 100 ms window as a share of the window.

use crate::patterns::findings::Findings;
use crate::sim::metrics::Measure;
use crate::sim::node::{NodeId, NodeStatus};
use crate::sim::time::SimTime;

use super::super::BUSY;

/// The window utilisation is reported over.
const WINDOW_US: u64 = 100_000;

/// One consumer's work, by the trace.
#[derive(Clone, Copy, Debug, Default)]
struct Worker {
    /// Deliveries that arrived and are not done.
    waiting: u32,
    /// Since when it has been busy in the current window, if it is.
    since: Option<u64>,
    /// Busy time in the current window, and in the whole run, in µs.
    window_us: u64,
    total_us: u64,
}

impl Worker {
    /// Counts the busy time up to `now`.
    fn catch_up(&mut self, now: u64) {
        if let Some(since) = self.since {
            let busy = now.saturating_sub(since);
            self.window_us += busy;
            self.total_us += busy;
            self.since = Some(now);
        }
    }
}

/// Every consumer's utilisation.
#[derive(Clone, Debug)]
pub struct Busy {
    consumers: Vec<NodeId>,
    workers: Vec<Worker>,
    window_end: u64,
    now: u64,
    /// Samples of windows that ended.
    samples: Vec<Measure>,
}

impl Busy {
    /// The utilisation of `consumers`.
    pub fn new(consumers: Vec<NodeId>) -> Busy {
        Busy {
            workers: vec![Worker::default(); consumers.len()],
            consumers,
            window_end: WINDOW_US,
            now: 0,
            samples: Vec::new(),
        }
    }

    fn worker(&mut self, node: NodeId) -> Option<&mut Worker> {
        let i = self.consumers.iter().position(|&c| c == node)?;
        self.workers.get_mut(i)
    }

    /// Time has reached `at`: closes every window that ended before it.
    pub fn advance(&mut self, at: SimTime) {
        let at = at.as_micros();
        while at >= self.window_end {
            let end = self.window_end;
            for (w, &node) in self.workers.iter_mut().zip(&self.consumers) {
                w.catch_up(end);
                let value = (w.window_us * 100 / WINDOW_US) as i64;
                let node = Some(node);
                self.samples.push(Measure {
                    metric: BUSY,
                    node,
                    value,
                });
                w.window_us = 0;
            }
            self.window_end += WINDOW_US;
        }
        self.now = at;
    }

    /// A delivery arrived at `node`.
    pub fn arrive(&mut self, node: NodeId, at: SimTime) {
        if let Some(w) = self.worker(node) {
            w.waiting += 1;
            if w.since.is_none() {
                w.since = Some(at.as_micros());
            }
        }
    }

    /// `node` is done with a delivery.
    pub fn done(&mut self, node: NodeId, at: SimTime) {
        if let Some(w) = self.worker(node) {
            w.catch_up(at.as_micros());
            w.waiting = w.waiting.saturating_sub(1);
            if w.waiting == 0 {
                w.since = None;
            }
        }
    }

    /// A consumer that is down holds nothing and does nothing.
    pub fn statuses(&mut self, status: &[NodeStatus], now: SimTime) {
        for (w, node) in self.workers.iter_mut().zip(&self.consumers) {
            if matches!(
                status.get(node.index()),
                Some(NodeStatus::Crashed | NodeStatus::Absent)
            ) && w.since.is_some()
            {
                w.catch_up(now.as_micros());
                w.since = None;
                w.waiting = 0;
            }
        }
    }

    /// Each consumer's share of the run so far spent processing ("c1 4 %, c2 0 %").
    pub fn summary(&self, names: &Findings) -> String {
        let mut text = String::new();
        for (w, &node) in self.workers.iter().zip(&self.consumers) {
            let busy = w.total_us + w.since.map_or(0, |s| self.now.saturating_sub(s));
            let pct = busy * 100 / self.now.max(1);
            if !text.is_empty() {
                text.push_str(", ");
            }
            text.push_str(names.name(node));
            text.push(' ');
            text.push_str(&pct.to_string());
            text.push_str(" %");
        }
        text
    }

    /// Hands the samples of the windows that ended to the engine.
    pub fn measure(&mut self, out: &mut Vec<Measure>) {
        out.append(&mut self.samples);
    }
}

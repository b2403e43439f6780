//! What an open-loop client of the Services family keeps: its load (when the next request
//! is due), its requests in flight (when each was sent, and which have waited past the
//! timeout, checked by sweeps, four per timeout) and how they ended (latency or failure,
//! counted and measured). Shared by load balancing's, discovery's and the API gateway's
//! clients.

use std::collections::VecDeque;

use crate::sim::load::Arrivals;
use crate::sim::metrics::{MetricKind, MetricSpec};
use crate::sim::node::{Ctx, Node, NodeView, Stamp};

/// The failed-requests chart of a pattern whose clients keep an [`Outstanding`],
/// counted as `help` says.
pub const fn failed_metric(help: &'static str) -> MetricSpec {
    MetricSpec {
        id: "failed",
        label: "Failed requests",
        kind: MetricKind::Counter,
        unit: "requests",
        per_node: false,
        help,
    }
}

/// Sweeps per timeout: a request is given up on after between 3/4 and 1 timeout.
const SWEEPS: u64 = 4;

/// A client's load and requests in flight.
#[derive(Clone, Debug)]
pub struct Outstanding {
    arrivals: Arrivals,
    /// Time between two sweeps.
    sweep_us: u64,
    /// The pattern's latency and failure metrics.
    metrics: [usize; 2],
    answered: u64,
    failed: u64,
    // Volatile.
    elapsed_us: u64,
    sweeps: u64,
    /// Requests in flight: number, when it was sent, the sweep count then.
    waiting: VecDeque<(u64, Stamp, u64)>,
}

impl Outstanding {
    /// Requests sent with `arrivals`, given up on after `timeout_us`; their latency and
    /// failures measured as `metrics` (the pattern's indices).
    pub fn new(arrivals: Arrivals, timeout_us: u64, metrics: [usize; 2]) -> Outstanding {
        Outstanding {
            arrivals,
            sweep_us: (timeout_us / SWEEPS).max(1),
            metrics,
            answered: 0,
            failed: 0,
            elapsed_us: 0,
            sweeps: 0,
            waiting: VecDeque::new(),
        }
    }

    /// Sets `timer` for the next request, if the load has one.
    pub fn next_arrival<N: Node>(&mut self, ctx: &mut Ctx<'_, N>, timer: N::Timer) {
        if let Some(gap) = ctx.arrival_gap(self.arrivals, self.elapsed_us) {
            self.elapsed_us += gap;
            ctx.set_timer(timer, gap, gap);
        }
    }

    /// The first request's timer (`arrival`) and the first sweep's (`sweep`).
    pub fn start<N: Node>(&mut self, ctx: &mut Ctx<'_, N>, arrival: N::Timer, sweep: N::Timer) {
        self.next_arrival(ctx, arrival);
        ctx.set_timer(sweep, self.sweep_us, self.sweep_us);
    }

    /// Request `id` was sent at `sent`.
    pub fn push(&mut self, id: u64, sent: Stamp) {
        self.waiting.push_back((id, sent, self.sweeps));
    }

    /// Request `id` was answered: when it was sent, unless it was given up on already. For
    /// a client that counts its outcomes itself (see [`Outstanding::answer`]).
    pub fn take(&mut self, id: u64) -> Option<Stamp> {
        let pos = self.waiting.iter().position(|w| w.0 == id)?;
        self.waiting.remove(pos).map(|w| w.1)
    }

    /// Request `id` was answered, `served` or not: its latency measured, or a failure;
    /// nothing if it was given up on already.
    pub fn answer<N: Node>(&mut self, ctx: &mut Ctx<'_, N>, id: u64, served: bool) {
        let Some(sent) = self.take(id) else {
            return;
        };
        if served {
            self.answered += 1;
            ctx.measure_since(self.metrics[0], sent);
        } else {
            self.fail(ctx);
        }
    }

    /// A request failed (nowhere to send it, "unavailable", or a timeout).
    pub fn fail<N: Node>(&mut self, ctx: &mut Ctx<'_, N>) {
        self.failed += 1;
        ctx.measure(self.metrics[1], 1);
    }

    /// After a sweep: the next request that waited past the timeout, given up on as a
    /// failure (call until `None`).
    pub fn expired<N: Node>(&mut self, ctx: &mut Ctx<'_, N>) -> Option<u64> {
        let &(id, _, at) = self.waiting.front()?;
        (self.sweeps - at >= SWEEPS).then(|| {
            self.waiting.pop_front();
            self.fail(ctx);
            id
        })
    }

    /// Counts one sweep and sets `timer` for the next.
    pub fn sweep<N: Node>(&mut self, ctx: &mut Ctx<'_, N>, timer: N::Timer) {
        self.sweeps += 1;
        ctx.set_timer(timer, self.sweep_us, self.sweep_us);
    }

    /// Requests in flight.
    pub fn len(&self) -> usize {
        self.waiting.len()
    }

    /// Requests answered, and requests failed or timed out, for a view.
    pub fn ended(&self) -> [u64; 2] {
        [self.answered, self.failed]
    }

    /// Whether none is in flight.
    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    /// A client's view: requests waiting, and `sent`, answered, failed or timed out.
    pub fn view(&self, sent: u64) -> NodeView {
        let [answered, failed] = self.ended();
        NodeView {
            role: "client",
            headline: format!("{} waiting", self.len()),
            fields: vec![
                ("sent", sent.to_string()),
                ("answered", answered.to_string()),
                ("failed or timed out", failed.to_string()),
            ],
        }
    }

    /// Forgets every request (a crash).
    pub fn clear(&mut self) {
        self.waiting.clear();
    }
}

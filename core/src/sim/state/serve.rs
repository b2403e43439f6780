//! Work that takes time: a node's workers and its queue.
//!
//! A message whose handling takes time ([`Node::service`]) arrives (an `Arrive` event),
//! takes a free worker or waits in the node's queue (or is dropped when the queue is
//! full), and reaches the handler when its service is done (the `Deliver` event), so a
//! request's path and its latency include the wait. The service time is drawn from the
//! run's RNG when a worker takes the message.

use std::collections::VecDeque;

use super::super::load::Delay;
use super::*;

/// The engine's own metrics, by their index in the pattern's list (when it lists them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Builtins {
    /// Queue depth per node ([`QUEUE`](crate::sim::metrics::QUEUE)).
    pub(crate) queue: Option<usize>,
    /// Messages handled per node ([`LOAD`](crate::sim::metrics::LOAD)).
    pub(crate) load: Option<usize>,
    /// The pattern's per-node gauges (the built-in queue depth among them), one bit per
    /// metric index below 64: a node that crashes or retires falls to zero on each.
    pub(crate) node_gauges: u64,
}

/// One node's work in hand and its queue.
#[derive(Clone, Debug, Default)]
pub(crate) struct Server {
    pub(super) serving: Vec<MsgId>,
    pub(super) waiting: VecDeque<MsgId>,
}

impl Server {
    pub(crate) fn is_serving(&self, msg: MsgId) -> bool {
        self.serving.contains(&msg)
    }

    /// Messages being served.
    pub(crate) fn busy(&self) -> u32 {
        self.serving.len() as u32
    }

    /// Messages waiting for a worker.
    pub(crate) fn queued(&self) -> u32 {
        self.waiting.len() as u32
    }

    pub(crate) fn approx_bytes(&self) -> usize {
        (self.serving.capacity() + self.waiting.capacity()) * std::mem::size_of::<MsgId>()
    }
}

impl State {
    /// `msg` from `from` reaches `to`, whose handling takes `work`: a worker takes it, or
    /// it waits, or the full queue drops it.
    pub(super) fn arrive(
        &mut self,
        to: NodeId,
        msg: MsgId,
        from: NodeId,
        work: Delay,
        scratch: &mut Scratch,
    ) {
        let workers = self.pattern.workers(to);
        match self
            .core
            .admit(to, msg, workers, work, &mut scratch.measures)
        {
            Some(queued) => {
                self.record(scratch, Some(to), EventKind::Arrive { msg, from, queued });
            }
            None => {
                let reason = DropReason::QueueFull;
                self.record(scratch, Some(to), EventKind::Dropped { msg, reason });
            }
        }
    }

    /// `msg`'s service at `node` is done: it reaches the handler, and the next waiting
    /// message takes the worker.
    pub(super) fn complete(
        &mut self,
        node: NodeId,
        msg: MsgId,
        log: &mut LogRef<'_>,
        scratch: &mut Scratch,
    ) {
        let server = &mut self.core.servers[node.index()];
        server.serving.retain(|&m| m != msg);
        if let Some(record) = log.read().envelope(msg) {
            self.handle(node, msg, record.from, log, scratch);
        }
        // The handler may have crashed or retired the node: only a running node goes on.
        if self.core.status[node.index()] != NodeStatus::Up {
            return;
        }
        let limit = self.pattern.workers(node).limit.max(1) as usize;
        while self.core.servers[node.index()].serving.len() < limit {
            let Some(next) = self.core.servers[node.index()].waiting.pop_front() else {
                break;
            };
            self.core.measure_queue(node, &mut scratch.measures);
            let Some(work) = self.pattern.service(node, next, log.read()) else {
                continue;
            };
            self.core.servers[node.index()].serving.push(next);
            self.core.start_work(node, next, work);
        }
    }
}

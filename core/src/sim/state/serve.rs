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
}

/// One node's work in hand and its queue.
#[derive(Clone, Debug, Default)]
pub(crate) struct Server {
    serving: Vec<MsgId>,
    waiting: VecDeque<MsgId>,
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

impl<N: Node, C: Checker<N>> State<N, C> {
    /// `msg` from `from` reaches `to`, whose handling takes `work`: a worker takes it, or
    /// it waits, or the full queue drops it.
    pub(super) fn arrive(
        &mut self,
        to: NodeId,
        msg: MsgId,
        from: NodeId,
        work: Delay,
        scratch: &mut Scratch<N>,
    ) {
        let workers = self.nodes[to.index()].workers();
        let server = &mut self.servers[to.index()];
        if server.serving.len() < workers.limit.max(1) as usize {
            server.serving.push(msg);
            self.record(
                scratch,
                Some(to),
                EventKind::Arrive {
                    msg,
                    from,
                    queued: 0,
                },
            );
            self.start_work(to, msg, work);
        } else if workers
            .queue
            .is_none_or(|bound| server.waiting.len() < bound as usize)
        {
            server.waiting.push_back(msg);
            let queued = server.waiting.len() as u32;
            self.record(scratch, Some(to), EventKind::Arrive { msg, from, queued });
            self.measure_queue(to, scratch);
        } else {
            let reason = DropReason::QueueFull;
            self.record(scratch, Some(to), EventKind::Dropped { msg, reason });
        }
    }

    fn start_work(&mut self, node: NodeId, msg: MsgId, work: Delay) {
        let took = work.draw(&mut self.rng);
        self.schedule(self.now.plus_micros(took), Pending::Complete { node, msg });
    }

    /// `msg`'s service at `node` is done: it reaches the handler, and the next waiting
    /// message takes the worker.
    pub(super) fn complete(
        &mut self,
        node: NodeId,
        msg: MsgId,
        log: &mut Log<'_, N::Msg>,
        scratch: &mut Scratch<N>,
    ) {
        let server = &mut self.servers[node.index()];
        server.serving.retain(|&m| m != msg);
        if let Some(record) = log.get(msg) {
            let (from, payload) = (record.from, record.payload.clone());
            self.handle(node, msg, from, payload, log, scratch);
        }
        // The handler may have crashed or retired the node: only a running node goes on.
        if self.status[node.index()] != NodeStatus::Up {
            return;
        }
        let limit = self.nodes[node.index()].workers().limit.max(1) as usize;
        while self.servers[node.index()].serving.len() < limit {
            let Some(next) = self.servers[node.index()].waiting.pop_front() else {
                break;
            };
            self.measure_queue(node, scratch);
            let Some(work) = log
                .get(next)
                .and_then(|r| self.nodes[node.index()].service(&r.payload))
            else {
                continue;
            };
            self.servers[node.index()].serving.push(next);
            self.start_work(node, next, work);
        }
    }

    /// Drops the work in hand and the queue of a node that crashed or left.
    pub(super) fn drop_work(&mut self, node: NodeId, scratch: &mut Scratch<N>) {
        let server = std::mem::take(&mut self.servers[node.index()]);
        let had_queue = !server.waiting.is_empty();
        for msg in server.serving.into_iter().chain(server.waiting) {
            let reason = DropReason::ReceiverDown;
            self.record(scratch, Some(node), EventKind::Dropped { msg, reason });
        }
        if had_queue {
            self.measure_queue(node, scratch);
        }
    }

    fn measure_queue(&mut self, node: NodeId, scratch: &mut Scratch<N>) {
        if let Some(metric) = self.builtins.queue {
            scratch.measures.push(Measure {
                metric,
                node: Some(node),
                value: i64::from(self.servers[node.index()].queued()),
            });
        }
    }
}

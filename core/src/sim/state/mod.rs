//! The complete mutable state of a run, and how one step changes it.
//!
//! The queue is a min-heap ordered by `(time, sequence)`, so events at one instant run in
//! the order they were scheduled. Queue entries can go stale (a replaced timer, a delayed
//! or held message); a stale entry is skipped and is not a step. A step is one start,
//! delivery, timer or action, and appends at least one trace event.
//!
//! Faults: a crashed node keeps only what its `on_crash` leaves (its durable state), loses
//! its timers, and messages reaching it are dropped. A paused node runs nothing: its due
//! deliveries and timers are parked and run, in order, the moment it resumes.

mod core;
mod faults;
mod serve;
#[cfg(test)]
mod tests;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::Arc;

use super::action::TimedAction;
use super::checker::{Breach, Checker, World};
use super::clock::WallClock;
use super::engine::Origin;
use super::metrics::Measure;
use super::network::Network;
use super::node::{Ctx, Effect, Node, NodeId, NodeStatus, NodeView};
use super::rng::Rng;
use super::snapshot::{progress_permille, FlightSnapshot, NodeSnapshot, Snapshot};
use super::time::SimTime;
use super::topology::Topology;
use super::trace::{DropReason, EventKind, Fate, MessageRecord, MsgId, Trace, TraceEvent};

use self::core::Core;
pub(crate) use serve::{Builtins, Server};

/// Something scheduled in the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pending {
    Start(NodeId),
    Deliver(MsgId),
    Timer {
        node: NodeId,
        token: u64,
    },
    /// A message that took time to handle is done: it reaches the handler now.
    Complete {
        node: NodeId,
        msg: MsgId,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Scheduled {
    time: SimTime,
    seq: u64,
    what: Pending,
}

impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.time, self.seq).cmp(&(other.time, other.seq))
    }
}

impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Clone, Copy, Debug)]
struct InFlight {
    due_at: SimTime,
    /// When a person held it (it stays where it was then until released).
    held_at: Option<SimTime>,
}

/// The message log as a step sees it: appended to while exploring, read-only while a
/// seek replays steps that are already recorded.
pub(crate) enum Log<'a, M> {
    Record(&'a mut Vec<MessageRecord<M>>),
    Shadow(&'a [MessageRecord<M>]),
}

impl<M: Clone> Log<'_, M> {
    fn push(&mut self, record: MessageRecord<M>) {
        if let Log::Record(log) = self {
            log.push(record);
        }
    }

    fn get(&self, msg: MsgId) -> Option<&MessageRecord<M>> {
        match self {
            Log::Record(log) => log.get(msg.0 as usize),
            Log::Shadow(log) => log.get(msg.0 as usize),
        }
    }
}

/// Buffers reused across steps, so a step allocates nothing in the common case.
pub(crate) struct Scratch<N: Node> {
    pub(crate) effects: Vec<Effect<N>>,
    pub(crate) events: Vec<TraceEvent<N>>,
    pub(crate) breaches: Vec<Breach>,
    pub(crate) measures: Vec<Measure>,
}

impl<N: Node> Default for Scratch<N> {
    fn default() -> Self {
        Scratch {
            effects: Vec::new(),
            events: Vec::new(),
            breaches: Vec::new(),
            measures: Vec::new(),
        }
    }
}

/// The complete mutable state of a run after some number of steps.
#[derive(Clone)]
pub struct State<N: Node, C: Checker<N>> {
    /// Everything that does not depend on the pattern's types: one copy of its code
    /// serves every pattern (see `core.rs`).
    core: Core,
    nodes: Vec<N>,
    timers: Vec<Vec<(N::Timer, u64)>>,
    checker: C,
}

impl<N: Node, C: Checker<N>> State<N, C> {
    /// The state before the first step: every node's start queued at zero, in id order.
    pub(crate) fn new(
        nodes: Vec<N>,
        mut clocks: Vec<WallClock>,
        network: Network,
        world: (Arc<Topology>, Builtins),
        rng: Rng,
        checker: C,
    ) -> Self {
        let (topology, builtins) = world;
        let n = nodes.len();
        clocks.resize(n, WallClock::new(0, 0));
        let mut state = State {
            core: Core {
                now: SimTime::ZERO,
                steps: 0,
                events: 0,
                seq: 0,
                next_token: 0,
                next_msg: 0,
                next_action: 0,
                rng,
                queue: BinaryHeap::new(),
                status: vec![NodeStatus::Up; n],
                clocks,
                parked: vec![Vec::new(); n],
                network,
                in_flight: BTreeMap::new(),
                servers: vec![Server::default(); n],
                topology,
                builtins,
                cause: None,
            },
            nodes,
            timers: vec![Vec::new(); n],
            checker,
        };
        for id in (0..n as u32).map(NodeId) {
            if state.core.topology.starts_absent(id) {
                state.core.status[id.index()] = NodeStatus::Absent;
            } else {
                state.core.schedule(SimTime::ZERO, Pending::Start(id));
            }
        }
        state
    }

    /// When the next step would happen (ignoring the horizon).
    pub(crate) fn next_time(&self, actions: &[(TimedAction<NodeId>, Origin)]) -> Option<SimTime> {
        self.core.next_time(actions)
    }

    /// Virtual time of the latest step.
    pub fn now(&self) -> SimTime {
        self.core.now
    }

    /// Steps taken so far.
    pub fn steps(&self) -> usize {
        self.core.steps
    }

    /// Trace events produced so far.
    pub fn events(&self) -> usize {
        self.core.events
    }

    /// Messages sent so far (including duplicates).
    pub fn messages_sent(&self) -> usize {
        self.core.next_msg as usize
    }

    /// Every node's state, in id order.
    pub fn nodes(&self) -> &[N] {
        &self.nodes
    }

    /// Every node's status, in id order.
    pub fn status(&self) -> &[NodeStatus] {
        &self.core.status
    }

    /// The invariant checker.
    pub fn checker(&self) -> &C {
        &self.checker
    }

    /// Roughly how many bytes a clone of this state takes (for spacing checkpoints).
    pub fn approx_bytes(&self) -> usize {
        use std::mem::size_of;
        let timers: usize = self.timers.iter().map(Vec::len).sum();
        let parked: usize = self.core.parked.iter().map(Vec::len).sum();
        size_of::<Self>()
            + self.nodes.len()
                * (size_of::<N>() + size_of::<NodeStatus>() + size_of::<WallClock>() + 48)
            + self.core.queue.len() * size_of::<Reverse<Scheduled>>()
            + self.core.in_flight.len() * (size_of::<MsgId>() + size_of::<InFlight>() + 16)
            + timers * size_of::<(N::Timer, u64)>()
            + parked * size_of::<Pending>()
            + self
                .core
                .servers
                .iter()
                .map(Server::approx_bytes)
                .sum::<usize>()
    }

    /// Answers the pattern's question about this state.
    pub fn query(&self, input: &str) -> Result<Vec<(String, String)>, String> {
        self.checker.query(&self.nodes, input)
    }

    /// The network's links and partitions.
    pub fn network(&self) -> &Network {
        &self.core.network
    }

    /// Whether message `msg` is in flight (sent, not yet delivered or dropped).
    pub fn is_in_flight(&self, msg: MsgId) -> bool {
        self.core.in_flight.contains_key(&msg)
    }

    /// Takes one step: the next action if it is due before the next queued event,
    /// else the next live queued event. Returns false when nothing is left before
    /// `horizon`.
    pub(crate) fn step(
        &mut self,
        actions: &[(TimedAction<NodeId>, Origin)],
        horizon: SimTime,
        mut log: Log<'_, N::Msg>,
        scratch: &mut Scratch<N>,
    ) -> bool {
        let first_event = scratch.events.len();
        loop {
            let queued = self.core.queue.peek().map(|Reverse(s)| s.time);
            if let Some((action, _)) = actions.get(self.core.next_action) {
                if queued.is_none_or(|q| action.at < q) {
                    if action.at > horizon {
                        return false;
                    }
                    self.core.now = self.core.now.max(action.at);
                    self.core.next_action += 1;
                    self.apply_action(&action.action, &mut log, scratch);
                    break;
                }
            }
            match queued {
                Some(t) if t <= horizon => {}
                _ => return false,
            }
            let Some(Reverse(next)) = self.core.queue.pop() else {
                return false;
            };
            // A stale or parked entry is not a step and must not move time.
            let before = self.core.now;
            self.core.now = next.time;
            if self.dispatch(next.what, &mut log, scratch) {
                break;
            }
            self.core.now = before;
        }
        self.core.steps += 1;
        for (offset, event) in scratch.events[first_event..].iter().enumerate() {
            let msg = match &event.kind {
                EventKind::Send { msg, .. }
                | EventKind::Deliver { msg, .. }
                | EventKind::Dropped { msg, .. } => log.get(*msg),
                _ => None,
            };
            self.checker.observe(self.core.events + offset, event, msg);
        }
        self.core.events += scratch.events.len() - first_event;
        let world = World {
            now: self.core.now,
            status: &self.core.status,
            clocks: &self.core.clocks,
        };
        self.checker
            .check(&self.nodes, &world, &mut scratch.breaches);
        self.checker.measure(&mut scratch.measures);
        true
    }

    /// Runs a queued entry. Returns false when it was stale or only parked.
    fn dispatch(
        &mut self,
        what: Pending,
        log: &mut Log<'_, N::Msg>,
        scratch: &mut Scratch<N>,
    ) -> bool {
        match what {
            Pending::Start(node) => {
                self.record(scratch, Some(node), EventKind::Start);
                self.run_handler(node, log, scratch, |n, ctx| n.on_start(ctx));
                true
            }
            Pending::Deliver(msg) => {
                let Some(flight) = self.core.in_flight.get(&msg) else {
                    return false;
                };
                if flight.held_at.is_some() || flight.due_at != self.core.now {
                    return false;
                }
                let Some(record) = log.get(msg) else {
                    return false;
                };
                let (from, to) = (record.from, record.to);
                match self.core.status[to.index()] {
                    NodeStatus::Paused => {
                        self.core.parked[to.index()].push(what);
                        false
                    }
                    NodeStatus::Crashed | NodeStatus::Absent => {
                        self.core.in_flight.remove(&msg);
                        let reason = match self.core.status[to.index()] {
                            NodeStatus::Absent => DropReason::NotMember,
                            _ => DropReason::ReceiverDown,
                        };
                        self.record(scratch, Some(to), EventKind::Dropped { msg, reason });
                        true
                    }
                    NodeStatus::Up => {
                        self.core.in_flight.remove(&msg);
                        match self.nodes[to.index()].service(&record.payload) {
                            Some(work) => self.arrive(to, msg, from, work, scratch),
                            None => {
                                let payload = record.payload.clone();
                                self.handle(to, msg, from, payload, log, scratch);
                            }
                        }
                        true
                    }
                }
            }
            Pending::Complete { node, msg } => {
                if !self.core.servers[node.index()].is_serving(msg) {
                    return false;
                }
                if self.core.status[node.index()] == NodeStatus::Paused {
                    self.core.parked[node.index()].push(what);
                    return false;
                }
                self.complete(node, msg, log, scratch);
                true
            }
            Pending::Timer { node, token } => {
                let timers = &mut self.timers[node.index()];
                let Some(pos) = timers.iter().position(|(_, t)| *t == token) else {
                    return false;
                };
                if self.core.status[node.index()] == NodeStatus::Paused {
                    self.core.parked[node.index()].push(what);
                    return false;
                }
                let (timer, _) = timers.remove(pos);
                self.record(scratch, Some(node), EventKind::Timer(timer.clone()));
                self.run_handler(node, log, scratch, |n, ctx| n.on_timer(ctx, timer));
                true
            }
        }
    }

    /// Delivers `msg` to `to`'s handler now.
    fn handle(
        &mut self,
        to: NodeId,
        msg: MsgId,
        from: NodeId,
        payload: N::Msg,
        log: &mut Log<'_, N::Msg>,
        scratch: &mut Scratch<N>,
    ) {
        self.record(scratch, Some(to), EventKind::Deliver { msg, from });
        if let Some(metric) = self.core.builtins.load {
            let node = Some(to);
            scratch.measures.push(Measure {
                metric,
                node,
                value: 1,
            });
        }
        self.run_handler(to, log, scratch, |n, ctx| n.on_message(ctx, from, payload));
    }

    fn record(&mut self, scratch: &mut Scratch<N>, node: Option<NodeId>, kind: EventKind<N>) {
        scratch.events.push(TraceEvent {
            time: self.core.now,
            node,
            kind,
        });
    }

    fn run_handler(
        &mut self,
        node: NodeId,
        log: &mut Log<'_, N::Msg>,
        scratch: &mut Scratch<N>,
        handler: impl FnOnce(&mut N, &mut Ctx<'_, N>),
    ) {
        let mut effects = std::mem::take(&mut scratch.effects);
        let wall = self.core.clocks[node.index()].read(self.core.now);
        let server = &self.core.servers[node.index()];
        let backlog = server.busy() + server.queued();
        let mut ctx = Ctx::new(node, self.core.now, wall, &mut self.core.rng, &mut effects)
            .with_backlog(backlog);
        handler(&mut self.nodes[node.index()], &mut ctx);
        // The event just recorded (the start, delivery, timer or action) caused this run.
        let cause = self.core.events + scratch.events.len() - 1;
        let outer = self.core.cause.replace(cause as u32);
        for effect in effects.drain(..) {
            self.apply_effect(node, effect, log, scratch);
        }
        self.core.cause = outer;
        scratch.effects = effects;
    }

    fn apply_effect(
        &mut self,
        node: NodeId,
        effect: Effect<N>,
        log: &mut Log<'_, N::Msg>,
        scratch: &mut Scratch<N>,
    ) {
        match effect {
            Effect::Send { to, msg } => self.send(node, to, msg, None, log, scratch),
            Effect::SetTimer {
                timer,
                min_us,
                max_us,
            } => {
                let timers = &mut self.timers[node.index()];
                timers.retain(|(t, _)| *t != timer);
                self.core.next_token += 1;
                let token = self.core.next_token;
                timers.push((timer, token));
                let delay = self.core.rng.in_range(min_us, max_us);
                self.core.schedule(
                    self.core.now.plus_micros(delay),
                    Pending::Timer { node, token },
                );
            }
            Effect::CancelTimer(timer) => {
                self.timers[node.index()].retain(|(t, _)| *t != timer);
            }
            Effect::Note(note) => self.record(scratch, Some(node), EventKind::Note(note)),
            Effect::Measure(measure) => scratch.measures.push(measure),
            Effect::Join(other) => self.join(other, log, scratch),
            Effect::Retire(other) => self.retire(other, scratch),
        }
    }

    fn send(
        &mut self,
        from: NodeId,
        to: NodeId,
        payload: N::Msg,
        copy_of: Option<MsgId>,
        log: &mut Log<'_, N::Msg>,
        scratch: &mut Scratch<N>,
    ) {
        let (msg, fate, duplicate) = self.core.route(from, to, copy_of.is_none());
        let copy = duplicate.then(|| payload.clone());
        log.push(MessageRecord {
            from,
            to,
            sent_at: self.core.now,
            copy_of,
            cause: self.core.cause,
            payload,
        });
        self.record(scratch, Some(from), EventKind::Send { msg, to, fate });
        if let Some(payload) = copy {
            self.send(from, to, payload, Some(msg), log, scratch);
        }
    }

    /// A plain-data picture of this state, with messages drawn at time `at`.
    pub(crate) fn snapshot(&self, names: &[String], trace: &Trace<N>, at: SimTime) -> Snapshot {
        let views: Vec<NodeView> = self.nodes.iter().map(Node::view).collect();
        let message = |id: MsgId| {
            let record = trace.messages.get(id.0 as usize)?;
            Some((
                record.from,
                record.to,
                record.sent_at,
                record.payload.to_string(),
            ))
        };
        let mut snapshot = self.core.snapshot(names, views, &message, at);
        snapshot.facts = self.checker.facts(&self.nodes);
        snapshot.tables = self.checker.tables(&self.nodes);
        snapshot
    }
}

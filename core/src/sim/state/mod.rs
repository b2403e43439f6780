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
mod typed;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::Arc;

use super::action::TimedAction;
use super::checker::{Breach, Property, World};
use super::clock::WallClock;
use super::engine::Origin;
use super::metrics::Measure;
use super::network::Network;
use super::node::{NodeId, NodeStatus, NodeView};
use super::payloads::{Envelope, LogRef};
use super::rng::Rng;
use super::snapshot::{progress_permille, FlightSnapshot, NodeSnapshot, Snapshot, TimerSnapshot};
use super::time::SimTime;
use super::topology::Topology;
use super::trace::{DropReason, EventKind, Fate, MessageRecord, MsgId, Slots, Trace, TraceEvent};

use self::core::Core;
pub(crate) use serve::{Builtins, Server};
use typed::{Call, HandlerCtx, RawEffect};
pub(crate) use typed::{PatternState, Typed};

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

/// Buffers reused across steps, so a step allocates nothing in the common case.
#[derive(Default)]
pub(crate) struct Scratch {
    pub(crate) effects: Vec<RawEffect>,
    pub(crate) events: Vec<TraceEvent<Slots>>,
    pub(crate) breaches: Vec<Breach>,
    pub(crate) measures: Vec<Measure>,
}

/// The complete mutable state of a run after some number of steps.
pub struct State {
    /// Everything that does not depend on the pattern's types (see `core.rs`).
    core: Core,
    /// The nodes, their timers and the checker, in the pattern's types (see `typed.rs`).
    pattern: Box<dyn PatternState>,
}

impl Clone for State {
    fn clone(&self) -> Self {
        State {
            core: self.core.clone(),
            pattern: self.pattern.clone_box(),
        }
    }
}

impl State {
    /// The state before the first step: every node's start queued at zero, in id order.
    /// `pattern` holds `n` nodes.
    pub(crate) fn new(
        pattern: (Box<dyn PatternState>, usize),
        mut clocks: Vec<WallClock>,
        network: Network,
        world: (Arc<Topology>, Builtins),
        rng: Rng,
    ) -> Self {
        let (pattern, n) = pattern;
        let (topology, builtins) = world;
        clocks.resize(n, WallClock::new(0, 0));
        let mut state = State {
            core: Core {
                now: SimTime::ZERO,
                steps: 0,
                events: 0,
                seq: 0,
                next_token: 0,
                next_msg: 0,
                timers_fired: 0,
                notes: 0,
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
            pattern,
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

    /// How many messages (duplicates included), fired timers and notes the run has
    /// logged so far.
    pub(crate) fn logged(&self) -> [usize; 3] {
        let c = &self.core;
        [c.next_msg, c.timers_fired, c.notes].map(|n| n as usize)
    }

    /// Every node's status, in id order.
    pub fn status(&self) -> &[NodeStatus] {
        &self.core.status
    }

    /// The properties the pattern's checker reports on.
    pub fn properties(&self) -> &'static [Property] {
        self.pattern.properties()
    }

    /// Roughly how many bytes a clone of this state takes (for spacing checkpoints).
    pub fn approx_bytes(&self) -> usize {
        use std::mem::size_of;
        let parked: usize = self.core.parked.iter().map(Vec::len).sum();
        size_of::<Self>()
            + self.pattern.approx_bytes()
            + self.core.status.len() * (size_of::<NodeStatus>() + size_of::<WallClock>() + 48)
            + self.core.queue.len() * size_of::<Reverse<Scheduled>>()
            + self.core.in_flight.len() * (size_of::<MsgId>() + size_of::<InFlight>() + 16)
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
        self.pattern.query(input)
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
        mut log: LogRef<'_>,
        scratch: &mut Scratch,
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
        let world = World {
            now: self.core.now,
            status: &self.core.status,
            clocks: &self.core.clocks,
        };
        self.pattern.end_step(
            self.core.events,
            &scratch.events[first_event..],
            &mut log,
            &world,
            (&mut scratch.breaches, &mut scratch.measures),
        );
        self.core.events += scratch.events.len() - first_event;
        true
    }

    /// Runs a queued entry. Returns false when it was stale or only parked.
    fn dispatch(&mut self, what: Pending, log: &mut LogRef<'_>, scratch: &mut Scratch) -> bool {
        match what {
            Pending::Start(node) => {
                self.record(scratch, Some(node), EventKind::Start);
                self.run_handler(node, Call::Start, log, scratch);
                true
            }
            Pending::Deliver(msg) => {
                let Some(flight) = self.core.in_flight.get(&msg) else {
                    return false;
                };
                if flight.held_at.is_some() || flight.due_at != self.core.now {
                    return false;
                }
                let Some(record) = log.read().envelope(msg) else {
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
                        match self.pattern.service(to, msg, log.read()) {
                            Some(work) => self.arrive(to, msg, from, work, scratch),
                            None => self.handle(to, msg, from, log, scratch),
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
                if !self.pattern.has_timer(node, token) {
                    return false;
                }
                if self.core.status[node.index()] == NodeStatus::Paused {
                    self.core.parked[node.index()].push(what);
                    return false;
                }
                self.pattern.fire_timer(node, token);
                let slot = self.core.timers_fired;
                self.core.timers_fired += 1;
                self.record(scratch, Some(node), EventKind::Timer(slot));
                self.run_handler(node, Call::Timer, log, scratch);
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
        log: &mut LogRef<'_>,
        scratch: &mut Scratch,
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
        self.run_handler(to, Call::Message { from, msg }, log, scratch);
    }

    fn record(&mut self, scratch: &mut Scratch, node: Option<NodeId>, kind: EventKind<Slots>) {
        scratch.events.push(TraceEvent {
            time: self.core.now,
            node,
            kind,
        });
    }

    fn run_handler(
        &mut self,
        node: NodeId,
        call: Call<'_>,
        log: &mut LogRef<'_>,
        scratch: &mut Scratch,
    ) {
        let mut effects = std::mem::take(&mut scratch.effects);
        let server = &self.core.servers[node.index()];
        let ctx = HandlerCtx {
            me: node,
            now: self.core.now,
            wall: self.core.clocks[node.index()].read(self.core.now),
            monotonic: self.core.clocks[node.index()].monotonic(self.core.now),
            backlog: server.busy() + server.queued(),
            rng: &mut self.core.rng,
        };
        self.pattern.run(call, ctx, log.read(), &mut effects);
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
        effect: RawEffect,
        log: &mut LogRef<'_>,
        scratch: &mut Scratch,
    ) {
        match effect {
            RawEffect::Send { to, staged } => self.send(node, to, staged, None, log, scratch),
            RawEffect::SetTimer {
                staged,
                min_us,
                max_us,
            } => {
                self.core.next_token += 1;
                let token = self.core.next_token;
                let due = self
                    .core
                    .now
                    .plus_micros(self.core.rng.in_range(min_us, max_us));
                self.pattern
                    .set_timer(node, staged, token, (self.core.now, due));
                self.core.schedule(due, Pending::Timer { node, token });
            }
            RawEffect::CancelTimer(staged) => self.pattern.cancel_timer(node, staged),
            RawEffect::Note(staged) => {
                self.pattern.note(staged);
                let slot = self.core.notes;
                self.core.notes += 1;
                self.record(scratch, Some(node), EventKind::Note(slot));
            }
            RawEffect::Measure(measure) => scratch.measures.push(measure),
            RawEffect::Join(other) => self.join(other, log, scratch),
            RawEffect::Retire(other) => self.retire(other, scratch),
        }
    }

    fn send(
        &mut self,
        from: NodeId,
        to: NodeId,
        staged: u32,
        copy_of: Option<MsgId>,
        log: &mut LogRef<'_>,
        scratch: &mut Scratch,
    ) {
        let (msg, fate, duplicate) = self.core.route(from, to, copy_of.is_none());
        let envelope: Envelope = MessageRecord {
            from,
            to,
            sent_at: self.core.now,
            copy_of,
            cause: self.core.cause,
            payload: (),
        };
        let copy = self.pattern.commit_send(staged, envelope, duplicate, log);
        self.record(scratch, Some(from), EventKind::Send { msg, to, fate });
        if let Some(copy) = copy {
            self.send(from, to, copy, Some(msg), log, scratch);
        }
    }

    /// A plain-data picture of this state, with messages drawn at time `at`.
    pub(crate) fn snapshot(&self, names: &[String], trace: &Trace, at: SimTime) -> Snapshot {
        let log = trace.log();
        let message = |id: MsgId| {
            let record = log.envelope(id)?;
            Some((
                record.from,
                record.to,
                record.sent_at,
                log.payload(id)?.to_string(),
            ))
        };
        let nodes = (self.pattern.views(), self.pattern.timers());
        let mut snapshot = self.core.snapshot(names, nodes, &message, at);
        snapshot.facts = self.pattern.facts();
        snapshot.tables = self.pattern.tables();
        snapshot.plots = self.pattern.plots();
        snapshot
    }
}

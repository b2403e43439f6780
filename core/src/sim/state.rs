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

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use super::action::{Action, TimedAction};
use super::checker::{Breach, Checker, World};
use super::clock::WallClock;
use super::engine::Origin;
use super::network::{LinkSelector, Network};
use super::node::{Ctx, Effect, Node, NodeId, NodeStatus};
use super::rng::Rng;
use super::snapshot::{progress_permille, FlightSnapshot, NodeSnapshot, Snapshot};
use super::time::SimTime;
use super::trace::{DropReason, EventKind, Fate, MessageRecord, MsgId, Trace, TraceEvent};

/// Something scheduled in the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pending {
    Start(NodeId),
    Deliver(MsgId),
    Timer { node: NodeId, token: u64 },
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
}

impl<N: Node> Default for Scratch<N> {
    fn default() -> Self {
        Scratch {
            effects: Vec::new(),
            events: Vec::new(),
            breaches: Vec::new(),
        }
    }
}

/// The complete mutable state of a run after some number of steps.
#[derive(Clone)]
pub struct State<N: Node, C: Checker<N>> {
    now: SimTime,
    steps: usize,
    events: usize,
    seq: u64,
    next_token: u64,
    next_msg: u32,
    next_action: usize,
    rng: Rng,
    queue: BinaryHeap<Reverse<Scheduled>>,
    nodes: Vec<N>,
    status: Vec<NodeStatus>,
    clocks: Vec<WallClock>,
    timers: Vec<Vec<(N::Timer, u64)>>,
    parked: Vec<Vec<Pending>>,
    network: Network,
    in_flight: BTreeMap<MsgId, InFlight>,
    checker: C,
}

impl<N: Node, C: Checker<N>> State<N, C> {
    /// The state before the first step: every node's start queued at zero, in id order.
    pub(crate) fn new(
        nodes: Vec<N>,
        mut clocks: Vec<WallClock>,
        network: Network,
        rng: Rng,
        checker: C,
    ) -> Self {
        let n = nodes.len();
        clocks.resize(n, WallClock::new(0, 0));
        let mut state = State {
            now: SimTime::ZERO,
            steps: 0,
            events: 0,
            seq: 0,
            next_token: 0,
            next_msg: 0,
            next_action: 0,
            rng,
            queue: BinaryHeap::new(),
            nodes,
            status: vec![NodeStatus::Up; n],
            clocks,
            timers: vec![Vec::new(); n],
            parked: vec![Vec::new(); n],
            network,
            in_flight: BTreeMap::new(),
            checker,
        };
        for id in 0..n {
            state.schedule(SimTime::ZERO, Pending::Start(NodeId(id as u32)));
        }
        state
    }

    /// Virtual time of the latest step.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Steps taken so far.
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// Trace events produced so far.
    pub fn events(&self) -> usize {
        self.events
    }

    /// Messages sent so far (including duplicates).
    pub fn messages_sent(&self) -> usize {
        self.next_msg as usize
    }

    /// Every node's state, in id order.
    pub fn nodes(&self) -> &[N] {
        &self.nodes
    }

    /// Every node's status, in id order.
    pub fn status(&self) -> &[NodeStatus] {
        &self.status
    }

    /// The invariant checker.
    pub fn checker(&self) -> &C {
        &self.checker
    }

    /// Roughly how many bytes a clone of this state takes (for spacing checkpoints).
    pub fn approx_bytes(&self) -> usize {
        use std::mem::size_of;
        let timers: usize = self.timers.iter().map(Vec::len).sum();
        let parked: usize = self.parked.iter().map(Vec::len).sum();
        size_of::<Self>()
            + self.nodes.len()
                * (size_of::<N>() + size_of::<NodeStatus>() + size_of::<WallClock>() + 48)
            + self.queue.len() * size_of::<Reverse<Scheduled>>()
            + self.in_flight.len() * (size_of::<MsgId>() + size_of::<InFlight>() + 16)
            + timers * size_of::<(N::Timer, u64)>()
            + parked * size_of::<Pending>()
    }

    /// Answers the pattern's question about this state.
    pub fn query(&self, input: &str) -> Result<Vec<(String, String)>, String> {
        self.checker.query(&self.nodes, input)
    }

    /// The network's links and partitions.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// Whether message `msg` is in flight (sent, not yet delivered or dropped).
    pub fn is_in_flight(&self, msg: MsgId) -> bool {
        self.in_flight.contains_key(&msg)
    }

    fn schedule(&mut self, time: SimTime, what: Pending) {
        self.seq += 1;
        self.queue.push(Reverse(Scheduled {
            time,
            seq: self.seq,
            what,
        }));
    }

    /// When the next step would happen (ignoring the horizon).
    pub(crate) fn next_time(&self, actions: &[(TimedAction<NodeId>, Origin)]) -> Option<SimTime> {
        let queued = self.queue.peek().map(|Reverse(s)| s.time);
        let action = actions.get(self.next_action).map(|(a, _)| a.at);
        match (queued, action) {
            (Some(q), Some(a)) => Some(if a < q { a.max(self.now) } else { q }),
            (q, a) => q.or(a.map(|a| a.max(self.now))),
        }
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
            let queued = self.queue.peek().map(|Reverse(s)| s.time);
            if let Some((action, _)) = actions.get(self.next_action) {
                if queued.is_none_or(|q| action.at < q) {
                    if action.at > horizon {
                        return false;
                    }
                    self.now = self.now.max(action.at);
                    self.next_action += 1;
                    self.apply_action(&action.action, &mut log, scratch);
                    break;
                }
            }
            match queued {
                Some(t) if t <= horizon => {}
                _ => return false,
            }
            let Some(Reverse(next)) = self.queue.pop() else {
                return false;
            };
            // A stale or parked entry is not a step and must not move time.
            let before = self.now;
            self.now = next.time;
            if self.dispatch(next.what, &mut log, scratch) {
                break;
            }
            self.now = before;
        }
        self.steps += 1;
        for (offset, event) in scratch.events[first_event..].iter().enumerate() {
            let msg = match &event.kind {
                EventKind::Send { msg, .. }
                | EventKind::Deliver { msg, .. }
                | EventKind::Dropped { msg, .. } => log.get(*msg),
                _ => None,
            };
            self.checker.observe(self.events + offset, event, msg);
        }
        self.events += scratch.events.len() - first_event;
        let world = World {
            now: self.now,
            status: &self.status,
            clocks: &self.clocks,
        };
        self.checker
            .check(&self.nodes, &world, &mut scratch.breaches);
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
                let Some(flight) = self.in_flight.get(&msg) else {
                    return false;
                };
                if flight.held_at.is_some() || flight.due_at != self.now {
                    return false;
                }
                let Some(record) = log.get(msg) else {
                    return false;
                };
                let (from, to) = (record.from, record.to);
                match self.status[to.index()] {
                    NodeStatus::Paused => {
                        self.parked[to.index()].push(what);
                        false
                    }
                    NodeStatus::Crashed => {
                        self.in_flight.remove(&msg);
                        let reason = DropReason::ReceiverDown;
                        self.record(scratch, Some(to), EventKind::Dropped { msg, reason });
                        true
                    }
                    NodeStatus::Up => {
                        self.in_flight.remove(&msg);
                        let payload = record.payload.clone();
                        self.record(scratch, Some(to), EventKind::Deliver { msg, from });
                        self.run_handler(to, log, scratch, |n, ctx| {
                            n.on_message(ctx, from, payload)
                        });
                        true
                    }
                }
            }
            Pending::Timer { node, token } => {
                let timers = &mut self.timers[node.index()];
                let Some(pos) = timers.iter().position(|(_, t)| *t == token) else {
                    return false;
                };
                if self.status[node.index()] == NodeStatus::Paused {
                    self.parked[node.index()].push(what);
                    return false;
                }
                let (timer, _) = timers.remove(pos);
                self.record(scratch, Some(node), EventKind::Timer(timer.clone()));
                self.run_handler(node, log, scratch, |n, ctx| n.on_timer(ctx, timer));
                true
            }
        }
    }

    fn record(&mut self, scratch: &mut Scratch<N>, node: Option<NodeId>, kind: EventKind<N>) {
        scratch.events.push(TraceEvent {
            time: self.now,
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
        let wall = self.clocks[node.index()].read(self.now);
        let mut ctx = Ctx::new(node, wall, &mut self.rng, &mut effects);
        handler(&mut self.nodes[node.index()], &mut ctx);
        for effect in effects.drain(..) {
            self.apply_effect(node, effect, log, scratch);
        }
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
                self.next_token += 1;
                let token = self.next_token;
                timers.push((timer, token));
                let delay = self.rng.in_range(min_us, max_us);
                self.schedule(self.now.plus_micros(delay), Pending::Timer { node, token });
            }
            Effect::CancelTimer(timer) => {
                self.timers[node.index()].retain(|(t, _)| *t != timer);
            }
            Effect::Note(note) => self.record(scratch, Some(node), EventKind::Note(note)),
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
        let msg = MsgId(self.next_msg);
        self.next_msg += 1;
        let link = self.network.link(from, to);
        let fate = if to.index() >= self.nodes.len() || self.network.is_blocked(from, to) {
            Fate::Cut
        } else if copy_of.is_none() && self.rng.chance(link.loss) {
            Fate::Lost
        } else {
            let latency = self.rng.in_range(link.latency_min_us, link.latency_max_us);
            Fate::Arrives(self.now.plus_micros(latency))
        };
        let duplicate = copy_of.is_none()
            && matches!(fate, Fate::Arrives(_))
            && self.rng.chance(link.duplication);
        let copy = duplicate.then(|| payload.clone());
        log.push(MessageRecord {
            from,
            to,
            sent_at: self.now,
            copy_of,
            payload,
        });
        self.record(scratch, Some(from), EventKind::Send { msg, to, fate });
        if let Fate::Arrives(due_at) = fate {
            self.in_flight.insert(
                msg,
                InFlight {
                    due_at,
                    held_at: None,
                },
            );
            self.schedule(due_at, Pending::Deliver(msg));
        }
        if let Some(payload) = copy {
            self.send(from, to, payload, Some(msg), log, scratch);
        }
    }

    fn apply_action(
        &mut self,
        action: &Action<NodeId>,
        log: &mut Log<'_, N::Msg>,
        scratch: &mut Scratch<N>,
    ) {
        let lane = match action {
            // Only messages already sent: a seek's replay can see the whole log.
            Action::Drop(m)
            | Action::Hold(m)
            | Action::Release(m)
            | Action::Delay { msg: m, .. } => {
                log.get(*m).filter(|_| m.0 < self.next_msg).map(|r| r.to)
            }
            other => other.subject().copied(),
        };
        let lane = lane.filter(|n| n.index() < self.nodes.len());
        self.record(scratch, lane, EventKind::Action(Box::new(action.clone())));
        let valid = |n: &NodeId| n.index() < self.nodes.len();
        match action {
            Action::Crash(n) if valid(n) => self.crash(*n, scratch),
            Action::Restart(n) if valid(n) && self.status[n.index()] == NodeStatus::Crashed => {
                self.status[n.index()] = NodeStatus::Up;
                self.record(scratch, Some(*n), EventKind::Start);
                self.run_handler(*n, log, scratch, |node, ctx| node.on_start(ctx));
            }
            Action::Pause(n) if valid(n) && self.status[n.index()] == NodeStatus::Up => {
                self.status[n.index()] = NodeStatus::Paused;
            }
            Action::Resume(n) if valid(n) && self.status[n.index()] == NodeStatus::Paused => {
                self.status[n.index()] = NodeStatus::Up;
                for what in std::mem::take(&mut self.parked[n.index()]) {
                    let at = match what {
                        Pending::Deliver(msg) => match self.in_flight.get_mut(&msg) {
                            // A message delayed while it waited keeps its later due time.
                            Some(flight) if flight.held_at.is_none() => {
                                flight.due_at = flight.due_at.max(self.now);
                                flight.due_at
                            }
                            _ => continue,
                        },
                        _ => self.now,
                    };
                    self.schedule(at, what);
                }
            }
            Action::Partition { from, to, one_way } => {
                self.network.block(from, to);
                if !one_way {
                    self.network.block(to, from);
                }
            }
            Action::Heal => self.network.heal(),
            Action::Drop(msg) if self.in_flight.remove(msg).is_some() => {
                let reason = DropReason::ByUser;
                self.record(scratch, lane, EventKind::Dropped { msg: *msg, reason });
            }
            Action::Hold(msg) => {
                if let Some(flight) = self.in_flight.get_mut(msg).filter(|f| f.held_at.is_none()) {
                    flight.held_at = Some(self.now);
                }
            }
            Action::Release(msg) => {
                if let Some(flight) = self.in_flight.get_mut(msg).filter(|f| f.held_at.is_some()) {
                    flight.held_at = None;
                    flight.due_at = self.now;
                    self.schedule(self.now, Pending::Deliver(*msg));
                }
            }
            Action::Delay { msg, by_us } => {
                if let Some(flight) = self.in_flight.get_mut(msg).filter(|f| f.held_at.is_none()) {
                    // Never into the past: a waiting message delayed a little is due now.
                    flight.due_at = flight.due_at.plus_micros(*by_us).max(self.now);
                    let due = flight.due_at;
                    self.schedule(due, Pending::Deliver(*msg));
                }
            }
            Action::SkewClock { node, delta_us } if valid(node) => {
                self.clocks[node.index()].adjust(self.now, *delta_us);
            }
            Action::SetDrift { node, ppm } if valid(node) => {
                self.clocks[node.index()].set_drift(self.now, *ppm);
            }
            Action::SetLink { link, cfg } => {
                let which = match link {
                    Some((a, b)) => LinkSelector::Between(*a, *b),
                    None => LinkSelector::All,
                };
                self.network.set_link(which, *cfg);
            }
            // Acting on an unknown node or in a state where the action means nothing
            // (crashing a crashed node, resuming a running one) is recorded and ignored.
            _ => {}
        }
    }

    fn crash(&mut self, node: NodeId, scratch: &mut Scratch<N>) {
        let i = node.index();
        if self.status[i] == NodeStatus::Crashed {
            return;
        }
        self.status[i] = NodeStatus::Crashed;
        self.nodes[i].on_crash();
        self.timers[i].clear();
        for what in std::mem::take(&mut self.parked[i]) {
            if let Pending::Deliver(msg) = what {
                if self.in_flight.remove(&msg).is_some() {
                    let reason = DropReason::ReceiverDown;
                    self.record(scratch, Some(node), EventKind::Dropped { msg, reason });
                }
            }
        }
    }

    /// A plain-data picture of this state, with messages drawn at time `at`.
    pub(crate) fn snapshot(&self, names: &[String], trace: &Trace<N>, at: SimTime) -> Snapshot {
        let at = at.max(self.now);
        let nodes = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let view = node.view();
                NodeSnapshot {
                    id: NodeId(i as u32),
                    name: names.get(i).cloned().unwrap_or_default(),
                    role: view.role,
                    status: self.status[i],
                    wall_clock: self.clocks[i].read(at),
                    skew_us: self.clocks[i].skew_at(at),
                    drift_ppm: self.clocks[i].drift_ppm(),
                    headline: view.headline,
                    fields: view.fields,
                }
            })
            .collect();
        let in_flight = self
            .in_flight
            .iter()
            .filter_map(|(&id, flight)| {
                let record = trace.messages.get(id.0 as usize)?;
                let drawn_at = flight.held_at.unwrap_or(at);
                let progress = progress_permille(record.sent_at, flight.due_at, drawn_at);
                Some(FlightSnapshot {
                    id,
                    from: record.from,
                    to: record.to,
                    label: record.payload.to_string(),
                    sent_at: record.sent_at,
                    due_at: flight.due_at,
                    progress_permille: progress,
                    held: flight.held_at.is_some(),
                })
            })
            .collect();
        Snapshot {
            time: at,
            steps: self.steps,
            events: self.events,
            nodes,
            in_flight,
            cut_links: self.network.blocked_links().collect(),
            facts: self.checker.facts(&self.nodes),
            tables: self.checker.tables(&self.nodes),
            link: self.network.default_link(),
        }
    }
}

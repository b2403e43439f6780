//! Nodes as state machines, and the context through which they act.
//!
//! A node never does anything itself: its handlers record effects (send, set a timer,
//! cancel a timer, note a pattern-level event) in a [`Ctx`], and the engine applies them
//! after the handler returns. That keeps every node a pure function of its inputs and the
//! shared seeded RNG, which is what makes replay exact. One run may mix roles (clients,
//! servers, a coordinator): a pattern's node type is usually an enum over its roles.

use std::fmt;

use super::clock::WallTime;
use super::load::{Arrivals, Delay, Keys};
use super::metrics::Measure;
use super::rng::Rng;
use super::time::SimTime;

/// A node's index in its run, stable for the whole run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The index as a `usize`, for indexing per-node tables.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Whether a node is running, crashed or paused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeStatus {
    /// Running normally.
    Up,
    /// Crashed: its volatile state is gone, messages to it are lost, its timers are void.
    Crashed,
    /// Paused (a GC pause): nothing runs; its timers and deliveries wait until it resumes.
    Paused,
    /// Not a member of the run: not yet added, or retired. Messages to it are dropped.
    Absent,
}

impl NodeStatus {
    /// A word for this status, for labels that must not rely on color.
    pub fn word(self) -> &'static str {
        match self {
            NodeStatus::Up => "up",
            NodeStatus::Crashed => "crashed",
            NodeStatus::Paused => "paused",
            NodeStatus::Absent => "absent",
        }
    }
}

/// What a node shows of itself: its role and its key fields, as plain text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeView {
    /// The node's role, e.g. "client" or "server".
    pub role: &'static str,
    /// The one value drawn on the node itself (its clock, its generation …).
    pub headline: String,
    /// Further named fields for the inspector, in display order.
    pub fields: Vec<(&'static str, String)>,
}

/// The field under which a node that is up but not well says what is wrong with it
/// ("fails every request (500)", "10× slower"): the inspector lists it with the others,
/// and stages mark the node at every size, so a failing node never looks healthy.
pub const TROUBLE: &str = "trouble";

/// A node of a pattern: a deterministic state machine driven by the engine.
pub trait Node: Clone + 'static {
    /// The messages nodes of this pattern exchange.
    type Msg: Clone + fmt::Debug + fmt::Display + 'static;
    /// The timers a node sets. Setting a timer equal to a pending one replaces it.
    type Timer: Clone + PartialEq + fmt::Debug + fmt::Display + 'static;
    /// Pattern-level events recorded in the trace ("stored e3 at ts=7").
    type Note: Clone + fmt::Debug + fmt::Display + 'static;

    /// Runs when the run starts and again when the node restarts after a crash.
    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>);
    /// Runs when a message is delivered.
    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Self::Msg);
    /// Runs when a timer fires.
    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Self::Timer);
    /// Forgets volatile state on a crash; what remains is what the pattern declares durable.
    fn on_crash(&mut self);
    /// The node's role and key fields for snapshots.
    fn view(&self) -> NodeView;
    /// How long handling `msg` takes, if it takes time: the message then waits for one
    /// of the node's [`Workers`], is served for a duration drawn from the delay, and only
    /// then reaches [`Node::on_message`]. `None` (the default) handles it at once.
    fn service(&self, _msg: &Self::Msg) -> Option<Delay> {
        None
    }
    /// How many messages with a service time the node serves at once, and how many may
    /// wait (read when one arrives).
    fn workers(&self) -> Workers {
        Workers::default()
    }
    /// Runs a pattern action (a verb of the pattern's `PatternInfo::verbs`, with its
    /// argument) on this node: "slow ×10", "make key 42 hot" …
    fn on_command(&mut self, _ctx: &mut Ctx<'_, Self>, _verb: &str, _arg: i64) {}
    /// A message's label for a space-time diagram arrow: a few characters (`hb g2`).
    fn short_label(msg: &Self::Msg) -> String {
        msg.to_string()
    }
    /// A note's label for a space-time diagram: a few words. By default its text up to
    /// the first parenthesis.
    fn note_label(note: &Self::Note) -> String {
        let text = note.to_string();
        text.split(" (").next().unwrap_or_default().to_string()
    }
    /// Whether a note is routine (drawn without a label, e.g. "accepted a heartbeat").
    fn note_is_minor(_note: &Self::Note) -> bool {
        false
    }
}

/// An effect recorded by a handler, applied by the engine after the handler returns.
#[derive(Clone, Debug)]
pub enum Effect<N: Node> {
    /// Send a message to a node.
    Send {
        /// Receiver.
        to: NodeId,
        /// Payload.
        msg: N::Msg,
    },
    /// Fire `timer` after a delay drawn uniformly from `min_us..=max_us`.
    SetTimer {
        /// Which timer; replaces a pending equal timer.
        timer: N::Timer,
        /// Shortest delay in microseconds.
        min_us: u64,
        /// Longest delay in microseconds.
        max_us: u64,
    },
    /// Cancel a pending timer, if any.
    CancelTimer(N::Timer),
    /// Record a pattern-level event in the trace.
    Note(N::Note),
    /// Record a measurement of one of the pattern's metrics.
    Measure(Measure),
    /// Bring an absent node into the run (it starts).
    Join(NodeId),
    /// Take a node out of the run (it stops for good, unless it joins again).
    Retire(NodeId),
}

/// A node's capacity for work that takes time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Workers {
    /// How many messages it serves at once (at least one).
    pub limit: u32,
    /// How many may wait for a worker; `None` for no bound. A message arriving at a full
    /// queue is dropped (and counted).
    pub queue: Option<u32>,
}

impl Default for Workers {
    fn default() -> Self {
        Workers {
            limit: 1,
            queue: None,
        }
    }
}

/// An instant a node can keep and measure from later, without reading virtual time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp(SimTime);

/// What a handler can see and do. Effects are buffered and applied afterwards.
pub struct Ctx<'a, N: Node> {
    me: NodeId,
    backlog: u32,
    now: SimTime,
    wall: WallTime,
    monotonic: WallTime,
    rng: &'a mut Rng,
    effects: &'a mut Vec<Effect<N>>,
}

impl<'a, N: Node> Ctx<'a, N> {
    pub(crate) fn new(
        me: NodeId,
        now: SimTime,
        wall: WallTime,
        rng: &'a mut Rng,
        effects: &'a mut Vec<Effect<N>>,
    ) -> Self {
        Ctx {
            me,
            backlog: 0,
            now,
            wall,
            monotonic: wall,
            rng,
            effects,
        }
    }

    /// The same context, for a node with `backlog` messages in hand or waiting.
    pub(crate) fn with_backlog(mut self, backlog: u32) -> Self {
        self.backlog = backlog;
        self
    }

    /// The context with this node's monotonic clock reading `monotonic` (by default it
    /// reads as the wall clock).
    pub(crate) fn with_monotonic(mut self, monotonic: WallTime) -> Self {
        self.monotonic = monotonic;
        self
    }

    /// Messages with a service time this node is serving or has waiting in its queue (a
    /// server knows its own backlog; it cannot see anyone else's).
    pub fn backlog(&self) -> u32 {
        self.backlog
    }

    /// This node's id.
    pub fn me(&self) -> NodeId {
        self.me
    }

    /// This node's wall clock now (skewed and drifting; not virtual time).
    pub fn wall_clock(&self) -> WallTime {
        self.wall
    }

    /// This node's monotonic clock now: it drifts with the wall clock but a clock step
    /// (a fault, an NTP correction) does not move it. Timeouts measured between two of
    /// its readings are what the node's own oscillator says elapsed.
    pub fn monotonic(&self) -> WallTime {
        self.monotonic
    }

    /// A uniform random value in `0..bound`, from the run's seeded RNG.
    pub fn random_below(&mut self, bound: u64) -> u64 {
        self.rng.below(bound)
    }

    /// Sends `msg` to `to`.
    pub fn send(&mut self, to: NodeId, msg: N::Msg) {
        self.effects.push(Effect::Send { to, msg });
    }

    /// Sends a copy of `msg` to each of `to`, in order.
    pub fn broadcast(&mut self, to: impl IntoIterator<Item = NodeId>, msg: N::Msg) {
        for id in to {
            self.send(id, msg.clone());
        }
    }

    /// Sets `timer` to fire after a delay drawn from `min_us..=max_us`.
    pub fn set_timer(&mut self, timer: N::Timer, min_us: u64, max_us: u64) {
        self.effects.push(Effect::SetTimer {
            timer,
            min_us,
            max_us,
        });
    }

    /// Cancels `timer` if it is pending.
    pub fn cancel_timer(&mut self, timer: N::Timer) {
        self.effects.push(Effect::CancelTimer(timer));
    }

    /// Records a pattern-level event in the trace.
    pub fn note(&mut self, note: N::Note) {
        self.effects.push(Effect::Note(note));
    }

    /// A duration drawn from `delay`.
    pub fn draw(&mut self, delay: Delay) -> u64 {
        delay.draw(self.rng)
    }

    /// Sets `timer` to fire after a duration drawn from `delay`.
    pub fn set_timer_after(&mut self, timer: N::Timer, delay: Delay) {
        let us = self.draw(delay);
        self.set_timer(timer, us, us);
    }

    /// The gap before the next open-loop arrival, `elapsed_us` after the generator
    /// started; `None` while the rate is zero.
    pub fn arrival_gap(&mut self, arrivals: Arrivals, elapsed_us: u64) -> Option<u64> {
        arrivals.next_gap(self.rng, elapsed_us)
    }

    /// A key drawn from `keys` (`counter` holds a sequential generator's state).
    pub fn key(&mut self, keys: &Keys, counter: &mut u64) -> u64 {
        keys.draw(self.rng, counter)
    }

    /// Records `value` for metric `metric` (its index in the pattern's list), about this node.
    pub fn measure(&mut self, metric: usize, value: i64) {
        let node = Some(self.me);
        self.effects.push(Effect::Measure(Measure {
            metric,
            node,
            value,
        }));
    }

    /// This instant, to measure a duration from later ([`Ctx::measure_since`]).
    pub fn stamp(&self) -> Stamp {
        Stamp(self.now)
    }

    /// Records the virtual time elapsed since `since`, in µs, for metric `metric`.
    pub fn measure_since(&mut self, metric: usize, since: Stamp) {
        let elapsed = self.now.as_micros().saturating_sub(since.0.as_micros());
        self.measure(metric, i64::try_from(elapsed).unwrap_or(i64::MAX));
    }

    /// Brings the absent node `node` into the run; it starts now.
    pub fn join(&mut self, node: NodeId) {
        self.effects.push(Effect::Join(node));
    }

    /// Takes `node` out of the run now.
    pub fn retire(&mut self, node: NodeId) {
        self.effects.push(Effect::Retire(node));
    }
}

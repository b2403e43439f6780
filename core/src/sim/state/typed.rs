//! The pattern's side of a run's state: its nodes, their pending timers and its checker,
//! behind the object-safe [`PatternState`].
//!
//! The engine (`State`, `Simulation`, the `Engine` methods, the trace) is compiled once
//! for every pattern; what depends on a pattern's types is only this adapter, compiled
//! per pattern. A handler's typed effects come back to the engine as [`RawEffect`]s whose
//! payloads wait here, staged, until the engine has routed the message (or numbered the
//! timer or note); the engine then hands each one to the typed log (`payloads.rs`) by
//! calling back in, in the order the handler produced them, so every random draw happens
//! in the same order as if the engine were generic.

use std::mem::take;

use super::super::checker::{Breach, Checker, Property, World};
use super::super::clock::WallTime;
use super::super::load::Delay;
use super::super::metrics::Measure;
use super::super::node::{Ctx, Effect, Node, NodeId, NodeView, Workers};
use super::super::payloads::{typed, Envelope, LogRef, PayloadLog};
use super::super::plot::Plot;
use super::super::rng::Rng;
use super::super::snapshot::{Table, TimerSnapshot};
use super::super::time::SimTime;
use super::super::trace::{EventKind, MessageRecord, MsgId, Slots, TraceEvent};

/// Which handler runs.
pub(crate) enum Call<'a> {
    /// `on_start`.
    Start,
    /// `on_message` with message `msg` from `from` (its payload is read from the log).
    Message { from: NodeId, msg: MsgId },
    /// `on_timer` with the timer [`PatternState::fire_timer`] took.
    Timer,
    /// `on_command`.
    Command { verb: &'a str, arg: i64 },
}

/// What a handler sees of the engine besides its node.
pub(crate) struct HandlerCtx<'a> {
    pub(crate) me: NodeId,
    pub(crate) now: SimTime,
    pub(crate) wall: WallTime,
    pub(crate) monotonic: WallTime,
    pub(crate) backlog: u32,
    pub(crate) rng: &'a mut Rng,
}

/// A handler's effect with its payload staged on the pattern's side (by index).
pub(crate) enum RawEffect {
    Send {
        to: NodeId,
        staged: u32,
    },
    SetTimer {
        staged: u32,
        min_us: u64,
        max_us: u64,
    },
    CancelTimer(u32),
    Note(u32),
    Measure(Measure),
    Join(NodeId),
    Retire(NodeId),
}

/// The pattern's side of the state, whatever its types.
pub(crate) trait PatternState {
    fn clone_box(&self) -> Box<dyn PatternState>;
    fn properties(&self) -> &'static [Property];
    /// Runs a handler of node `ctx.me`; its effects are appended to `out`.
    fn run(
        &mut self,
        call: Call<'_>,
        ctx: HandlerCtx<'_>,
        log: &dyn PayloadLog,
        out: &mut Vec<RawEffect>,
    );
    /// Staged message `staged` was routed as `envelope`: it is logged (when recording),
    /// and a copy is staged when the network duplicates it.
    fn commit_send(
        &mut self,
        staged: u32,
        envelope: Envelope,
        duplicate: bool,
        log: &mut LogRef<'_>,
    ) -> Option<u32>;
    /// Staged timer `staged` is pending at `node` with `token` from now until `due_at`,
    /// replacing an equal one.
    fn set_timer(&mut self, node: NodeId, staged: u32, token: u64, span: (SimTime, SimTime));
    fn cancel_timer(&mut self, node: NodeId, staged: u32);
    /// Staged note `staged` is the step's next note event.
    fn note(&mut self, staged: u32);
    fn has_timer(&self, node: NodeId, token: u64) -> bool;
    /// Takes the timer with `token` for the step's timer event and the next handler.
    fn fire_timer(&mut self, node: NodeId, token: u64);
    fn service(&self, node: NodeId, msg: MsgId, log: &dyn PayloadLog) -> Option<Delay>;
    fn workers(&self, node: NodeId) -> Workers;
    /// The node forgets its volatile state and its timers.
    fn crash(&mut self, node: NodeId);
    /// After a step whose events begin at trace index `first`: the checker sees each
    /// event in the pattern's types, then reports breaches and measurements; the step's
    /// timers and notes are logged (when recording).
    fn end_step(
        &mut self,
        first: usize,
        events: &[TraceEvent<Slots>],
        log: &mut LogRef<'_>,
        world: &World<'_>,
        out: (&mut Vec<Breach>, &mut Vec<Measure>),
    );
    fn views(&self) -> Vec<NodeView>;
    /// Every node's pending timers, the soonest first.
    fn timers(&self) -> Vec<Vec<TimerSnapshot>>;
    fn facts(&self) -> Vec<(&'static str, String)>;
    fn tables(&self) -> Vec<Table>;
    fn plots(&self) -> Vec<Plot>;
    fn query(&self, input: &str) -> Result<Vec<(String, String)>, String>;
    /// Roughly the bytes a clone takes (for spacing checkpoints).
    fn approx_bytes(&self) -> usize;
}

/// Payloads handed from a handler to the engine, by index, until the step ends.
struct Staged<N: Node> {
    effects: Vec<Effect<N>>,
    msgs: Vec<Option<N::Msg>>,
    timers: Vec<Option<N::Timer>>,
    notes: Vec<Option<N::Note>>,
    fired: Option<N::Timer>,
    /// The step's timer and note events' values, in event order.
    step_timers: Vec<N::Timer>,
    step_notes: Vec<N::Note>,
}

impl<N: Node> Default for Staged<N> {
    fn default() -> Self {
        Staged {
            effects: Vec::new(),
            msgs: Vec::new(),
            timers: Vec::new(),
            notes: Vec::new(),
            fired: None,
            step_timers: Vec::new(),
            step_notes: Vec::new(),
        }
    }
}

/// Nothing is staged between steps, so a checkpoint's clone starts empty.
impl<N: Node> Clone for Staged<N> {
    fn clone(&self) -> Self {
        Staged::default()
    }
}

/// A timer a node has set and that has not fired: its token in the queue, when it was set
/// and when it is due.
#[derive(Clone)]
struct Armed<T> {
    timer: T,
    token: u64,
    set_at: SimTime,
    due_at: SimTime,
}

/// The nodes, timers and checker of a pattern whose nodes are `N`.
#[derive(Clone)]
pub(crate) struct Typed<N: Node, C: Checker<N>> {
    nodes: Vec<N>,
    timers: Vec<Vec<Armed<N::Timer>>>,
    checker: C,
    staged: Staged<N>,
}

impl<N: Node, C: Checker<N>> Typed<N, C> {
    pub(crate) fn new(nodes: Vec<N>, checker: C) -> Self {
        let timers = vec![Vec::new(); nodes.len()];
        Typed {
            nodes,
            timers,
            checker,
            staged: Staged::default(),
        }
    }
}

fn stage<T>(slots: &mut Vec<Option<T>>, value: T) -> u32 {
    slots.push(Some(value));
    slots.len() as u32 - 1
}

fn unstage<T>(slots: &mut [Option<T>], staged: u32) -> Option<T> {
    slots.get_mut(staged as usize).and_then(Option::take)
}

impl<N: Node, C: Checker<N>> PatternState for Typed<N, C> {
    fn clone_box(&self) -> Box<dyn PatternState> {
        Box::new(self.clone())
    }

    fn properties(&self) -> &'static [Property] {
        self.checker.properties()
    }

    fn run(
        &mut self,
        call: Call<'_>,
        ctx: HandlerCtx<'_>,
        log: &dyn PayloadLog,
        out: &mut Vec<RawEffect>,
    ) {
        let Some(node) = self.nodes.get_mut(ctx.me.index()) else {
            return;
        };
        let mut effects = take(&mut self.staged.effects);
        let mut c = Ctx::new(ctx.me, ctx.now, ctx.wall, ctx.rng, &mut effects)
            .with_backlog(ctx.backlog)
            .with_monotonic(ctx.monotonic);
        match call {
            Call::Start => node.on_start(&mut c),
            Call::Message { from, msg } => {
                if let Some(record) = typed::<N>(log).and_then(|l| l.record(msg)) {
                    node.on_message(&mut c, from, record.payload.clone());
                }
            }
            Call::Timer => {
                if let Some(timer) = self.staged.fired.take() {
                    node.on_timer(&mut c, timer);
                }
            }
            Call::Command { verb, arg } => node.on_command(&mut c, verb, arg),
        }
        let staged = &mut self.staged;
        out.extend(effects.drain(..).map(|effect| match effect {
            Effect::Send { to, msg } => RawEffect::Send {
                to,
                staged: stage(&mut staged.msgs, msg),
            },
            Effect::SetTimer {
                timer,
                min_us,
                max_us,
            } => RawEffect::SetTimer {
                staged: stage(&mut staged.timers, timer),
                min_us,
                max_us,
            },
            Effect::CancelTimer(timer) => RawEffect::CancelTimer(stage(&mut staged.timers, timer)),
            Effect::Note(note) => RawEffect::Note(stage(&mut staged.notes, note)),
            Effect::Measure(measure) => RawEffect::Measure(measure),
            Effect::Join(node) => RawEffect::Join(node),
            Effect::Retire(node) => RawEffect::Retire(node),
        }));
        staged.effects = effects;
    }

    fn commit_send(
        &mut self,
        staged: u32,
        envelope: Envelope,
        duplicate: bool,
        log: &mut LogRef<'_>,
    ) -> Option<u32> {
        let payload = unstage(&mut self.staged.msgs, staged)?;
        let copy = duplicate.then(|| stage(&mut self.staged.msgs, payload.clone()));
        if let Some(log) = log.typed_mut::<N>() {
            log.messages.push(MessageRecord {
                from: envelope.from,
                to: envelope.to,
                sent_at: envelope.sent_at,
                copy_of: envelope.copy_of,
                cause: envelope.cause,
                payload,
            });
        }
        copy
    }

    fn set_timer(&mut self, node: NodeId, staged: u32, token: u64, span: (SimTime, SimTime)) {
        let (Some(timer), Some(timers)) = (
            unstage(&mut self.staged.timers, staged),
            self.timers.get_mut(node.index()),
        ) else {
            return;
        };
        timers.retain(|a| a.timer != timer);
        let (set_at, due_at) = span;
        timers.push(Armed {
            timer,
            token,
            set_at,
            due_at,
        });
    }

    fn cancel_timer(&mut self, node: NodeId, staged: u32) {
        let (Some(timer), Some(timers)) = (
            unstage(&mut self.staged.timers, staged),
            self.timers.get_mut(node.index()),
        ) else {
            return;
        };
        timers.retain(|a| a.timer != timer);
    }

    fn note(&mut self, staged: u32) {
        if let Some(note) = unstage(&mut self.staged.notes, staged) {
            self.staged.step_notes.push(note);
        }
    }

    fn has_timer(&self, node: NodeId, token: u64) -> bool {
        self.timers
            .get(node.index())
            .is_some_and(|timers| timers.iter().any(|a| a.token == token))
    }

    fn fire_timer(&mut self, node: NodeId, token: u64) {
        let Some(timers) = self.timers.get_mut(node.index()) else {
            return;
        };
        if let Some(pos) = timers.iter().position(|a| a.token == token) {
            let timer = timers.remove(pos).timer;
            self.staged.step_timers.push(timer.clone());
            self.staged.fired = Some(timer);
        }
    }

    fn service(&self, node: NodeId, msg: MsgId, log: &dyn PayloadLog) -> Option<Delay> {
        let record = typed::<N>(log)?.record(msg)?;
        self.nodes.get(node.index())?.service(&record.payload)
    }

    fn workers(&self, node: NodeId) -> Workers {
        self.nodes
            .get(node.index())
            .map(Node::workers)
            .unwrap_or_default()
    }

    fn crash(&mut self, node: NodeId) {
        if let Some(n) = self.nodes.get_mut(node.index()) {
            n.on_crash();
            self.timers[node.index()].clear();
        }
    }

    fn end_step(
        &mut self,
        first: usize,
        events: &[TraceEvent<Slots>],
        log: &mut LogRef<'_>,
        world: &World<'_>,
        (breaches, measures): (&mut Vec<Breach>, &mut Vec<Measure>),
    ) {
        // Popped from the back, so reversed: the step's values in event order.
        let mut timers = take(&mut self.staged.step_timers);
        let mut notes = take(&mut self.staged.step_notes);
        timers.reverse();
        notes.reverse();
        let mut fired = Vec::with_capacity(timers.len());
        let mut noted = Vec::with_capacity(notes.len());
        let read = typed::<N>(log.read());
        for (offset, raw) in events.iter().enumerate() {
            let Some(event) = typed_event::<N>(raw, &mut timers, &mut notes) else {
                continue;
            };
            let msg = match event.kind {
                EventKind::Send { msg, .. }
                | EventKind::Deliver { msg, .. }
                | EventKind::Dropped { msg, .. } => read.and_then(|l| l.record(msg)),
                _ => None,
            };
            self.checker.observe(first + offset, &event, msg);
            match event.kind {
                EventKind::Timer(timer) => fired.push(timer),
                EventKind::Note(note) => noted.push(note),
                _ => {}
            }
        }
        if let Some(log) = log.typed_mut::<N>() {
            log.timers.append(&mut fired);
            log.notes.append(&mut noted);
        }
        self.checker.check(&self.nodes, world, breaches);
        self.checker.measure(measures);
        let staged = &mut self.staged;
        staged.msgs.clear();
        staged.timers.clear();
        staged.notes.clear();
        // Keep the buffers' capacity for the next step.
        (staged.step_timers, staged.step_notes) = (timers, notes);
    }

    fn views(&self) -> Vec<NodeView> {
        self.nodes.iter().map(Node::view).collect()
    }

    fn timers(&self) -> Vec<Vec<TimerSnapshot>> {
        self.timers
            .iter()
            .map(|armed| {
                let mut out: Vec<TimerSnapshot> = armed
                    .iter()
                    .map(|a| TimerSnapshot {
                        label: a.timer.to_string(),
                        set_at: a.set_at,
                        due_at: a.due_at,
                    })
                    .collect();
                TimerSnapshot::by_due(&mut out);
                out
            })
            .collect()
    }

    fn facts(&self) -> Vec<(&'static str, String)> {
        self.checker.facts(&self.nodes)
    }

    fn tables(&self) -> Vec<Table> {
        self.checker.tables(&self.nodes)
    }

    fn plots(&self) -> Vec<Plot> {
        self.checker.plots(&self.nodes)
    }

    fn query(&self, input: &str) -> Result<Vec<(String, String)>, String> {
        self.checker.query(&self.nodes, input)
    }

    fn approx_bytes(&self) -> usize {
        use std::mem::size_of;
        let timers: usize = self.timers.iter().map(Vec::len).sum();
        size_of::<Self>()
            + self.nodes.len() * size_of::<N>()
            + timers * size_of::<Armed<N::Timer>>()
    }
}

/// Raw event `raw` in `N`'s types, its timer or note taken from the back of `timers` or
/// `notes`; `None` for a timer or note event whose value is missing.
fn typed_event<N: Node>(
    raw: &TraceEvent<Slots>,
    timers: &mut Vec<N::Timer>,
    notes: &mut Vec<N::Note>,
) -> Option<TraceEvent<N>> {
    let kind = match &raw.kind {
        EventKind::Start => EventKind::Start,
        EventKind::Send { msg, to, fate } => EventKind::Send {
            msg: *msg,
            to: *to,
            fate: *fate,
        },
        EventKind::Arrive { msg, from, queued } => EventKind::Arrive {
            msg: *msg,
            from: *from,
            queued: *queued,
        },
        EventKind::Deliver { msg, from } => EventKind::Deliver {
            msg: *msg,
            from: *from,
        },
        EventKind::Dropped { msg, reason } => EventKind::Dropped {
            msg: *msg,
            reason: *reason,
        },
        EventKind::Retired => EventKind::Retired,
        EventKind::Action(action) => EventKind::Action(action.clone()),
        EventKind::Timer(_) => EventKind::Timer(timers.pop()?),
        EventKind::Note(_) => EventKind::Note(notes.pop()?),
    };
    Some(TraceEvent {
        time: raw.time,
        node: raw.node,
        kind,
    })
}

//! The type-erased run a UI drives: [`Engine`] (object-safe) and [`Run`] (a session plus
//! its engine).

use super::action::{Action, TimedAction};
use super::captions::Captions;
use super::causality::Cone;
use super::checker::{Property, Violation};
use super::engine::Simulation;
use super::flights::Flights;
use super::metrics::{Heat, Series};
use super::node::NodeId;
use super::path::Path;
use super::scenario::{Caption, Config, Scenario};
use super::session::{Session, SessionError, MAX_ENCODED_LEN};
use super::snapshot::Snapshot;
use super::time::SimTime;
use super::topology::Topology;
use super::trace::{write_description, write_line, EventKind, Fate, MsgId, Parts};
use super::validate;

/// What kind of trace event, for drawing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventTag {
    /// A node started.
    Start,
    /// A message was sent and will arrive.
    Send,
    /// A message was sent and lost.
    Lost,
    /// A message was sent into a partition.
    Cut,
    /// A message that takes time to handle reached its node (served now, or queued).
    Arrive,
    /// A message was delivered.
    Deliver,
    /// A message in flight was dropped.
    Dropped,
    /// A timer fired.
    Timer,
    /// A node left the run.
    Retired,
    /// A person or the script acted.
    Action,
    /// A pattern-level event.
    Note,
}

/// One trace event as plain data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventInfo {
    /// Its index in the trace.
    pub index: usize,
    /// The step it belongs to.
    pub step: usize,
    /// When.
    pub time: SimTime,
    /// Its lane, if any.
    pub node: Option<NodeId>,
    /// What kind.
    pub tag: EventTag,
    /// The message it is about, if any.
    pub msg: Option<MsgId>,
    /// The other end of the message (receiver of a send, sender of a delivery).
    pub peer: Option<NodeId>,
    /// For a send that arrives: when.
    pub arrives: Option<SimTime>,
    /// Its one-line text, with time and lane.
    pub text: String,
    /// What it was, without time and lane.
    pub label: String,
    /// Whether it is routine (a diagram draws it without a label).
    pub minor: bool,
}

/// A message as plain data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageInfo {
    /// Its id.
    pub id: MsgId,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// When it was sent.
    pub sent_at: SimTime,
    /// The payload as text.
    pub label: String,
    /// A few characters for a diagram arrow.
    pub short: String,
    /// How it ended, once it has: when, and whether it was delivered (else dropped).
    pub end: Option<(SimTime, bool)>,
}

/// A run behind an object-safe interface: explore, read the trace, seek, act.
pub trait Engine {
    /// Node names in id order.
    fn names(&self) -> &[String];
    /// Node names then group names: the namespace of actions (see `sim::topology`).
    fn ref_names(&self) -> &[String];
    /// The run's groups, declared links and initially absent nodes.
    fn topology(&self) -> &Topology;
    /// Metric `metric` (its index in the pattern's list) bucket by bucket, up to `until`.
    fn series(&self, metric: usize, until: SimTime) -> Series;
    /// Metric `metric` per node and per bucket, up to `until`.
    fn heat(&self, metric: usize, until: SimTime) -> Heat;
    /// The bucket width of the run's metrics.
    fn metric_bucket(&self) -> u64;
    /// The path of the request `msg` belongs to (see `sim::path`).
    fn path(&self, msg: MsgId) -> Option<Path>;
    /// The message whose delivery caused `msg`, if one did.
    fn parent(&self, msg: MsgId) -> Option<MsgId>;
    /// What happened before trace event `index` and after it (see `sim::causality`).
    fn cone(&self, index: usize) -> Cone;
    /// The messages in flight at `t` (see `sim::flights`).
    fn flights_at(&self, t: SimTime) -> Flights;
    /// Messages sent in the explored run (duplicates included).
    fn message_count(&self) -> usize;
    /// When `msg` arrived to wait for a worker (its `Arrive` event), if it did.
    fn arrival(&self, msg: MsgId) -> Option<SimTime>;
    /// The message trace event `index` is about, if any (without formatting anything).
    fn event_msg(&self, index: usize) -> Option<MsgId>;
    /// Explores one step; false when the run is over.
    fn step(&mut self) -> bool;
    /// Explores until the next step would be later than `t`.
    fn run_until(&mut self, t: SimTime);
    /// Explores to the end, or until `max_steps` steps are recorded.
    fn run_to_end(&mut self, max_steps: usize);
    /// Whether nothing is left to happen before the horizon.
    fn is_finished(&self) -> bool;
    /// Virtual time of the latest explored step.
    fn now(&self) -> SimTime;
    /// When the run ends.
    fn horizon(&self) -> SimTime;
    /// Moves the end of the run later (never earlier), to explore a story past its end.
    fn extend_horizon(&mut self, horizon: SimTime);
    /// Steps explored.
    fn steps(&self) -> usize;
    /// How many checkpoints the run keeps.
    fn checkpoints(&self) -> usize;
    /// Trace events recorded.
    fn trace_len(&self) -> usize;
    /// Event `index` as one line of text.
    fn trace_line(&self, index: usize) -> String;
    /// The whole trace, one event per line.
    fn trace_text(&self) -> String;
    /// The fingerprint of [`Engine::trace_text`], streamed without building the text.
    fn trace_fingerprint(&self) -> u64;
    /// The fingerprint and each `chunk` lines' own, from one pass (see `Trace::fingerprints`).
    fn trace_fingerprints(&self, chunk: usize) -> (u64, Vec<u64>);
    /// Event `index` as plain data.
    fn event(&self, index: usize) -> Option<EventInfo>;
    /// Event `index`'s lane and kind only, without formatting any text (for filtering).
    fn event_class(&self, index: usize) -> Option<(Option<NodeId>, EventTag)>;
    /// Virtual time of step `step`.
    fn step_time(&self, step: usize) -> Option<SimTime>;
    /// How many explored steps happened at or before `t`.
    fn steps_until(&self, t: SimTime) -> usize;
    /// How many trace events the first `steps` steps recorded.
    fn events_through(&self, steps: usize) -> usize;
    /// The run at virtual time `t` (every step at or before it), from checkpoints.
    fn snapshot_at(&self, t: SimTime) -> Snapshot;
    /// The run right after step `step`, from checkpoints.
    fn snapshot_after_step(&self, step: usize) -> Snapshot;
    /// The run after `steps` steps, with messages drawn at `at`, from checkpoints.
    fn snapshot(&self, steps: usize, at: SimTime) -> Snapshot;
    /// The pattern's answer to `input` after `steps` steps.
    fn query(&self, steps: usize, input: &str) -> Result<Vec<(String, String)>, String>;
    /// The indices of the events at or after `from` and before `to`.
    fn events_between(&self, from: SimTime, to: SimTime) -> std::ops::Range<usize>;
    /// A message as plain data: sender, receiver, send time and payload text.
    fn message(&self, msg: MsgId) -> Option<MessageInfo>;
    /// A message's sender and receiver (without formatting anything).
    fn message_ends(&self, msg: MsgId) -> Option<(NodeId, NodeId)>;
    /// The properties checked after every step.
    fn properties(&self) -> &'static [Property];
    /// The first violation of each property, in property order.
    fn violations(&self) -> Vec<Option<Violation>>;
    /// Acts at `at`, discarding everything explored after it.
    fn branch(&mut self, at: SimTime, action: Action<NodeId>);
    /// The person's actions, in the order they apply.
    fn user_actions(&self) -> Vec<TimedAction<NodeId>>;
    /// How many times explored events were discarded (see `Simulation::truncations`).
    fn truncations(&self) -> usize;
}

impl Engine for Simulation {
    fn names(&self) -> &[String] {
        Simulation::names(self)
    }
    fn ref_names(&self) -> &[String] {
        Simulation::ref_names(self)
    }
    fn topology(&self) -> &Topology {
        Simulation::topology(self)
    }
    fn series(&self, metric: usize, until: SimTime) -> Series {
        self.metrics().series(metric, until)
    }
    fn heat(&self, metric: usize, until: SimTime) -> Heat {
        self.metrics().heat(metric, self.names().len(), until)
    }
    fn metric_bucket(&self) -> u64 {
        self.metrics().bucket_us()
    }
    fn path(&self, msg: MsgId) -> Option<Path> {
        self.trace().path(msg)
    }
    fn parent(&self, msg: MsgId) -> Option<MsgId> {
        self.trace().parent(msg)
    }
    fn cone(&self, index: usize) -> Cone {
        let trace = self.trace();
        Cone::of(&trace.events, trace.message_count(), index)
    }
    fn flights_at(&self, t: SimTime) -> Flights {
        self.trace().flights_at(t)
    }
    fn message_count(&self) -> usize {
        self.trace().message_count()
    }
    fn arrival(&self, msg: MsgId) -> Option<SimTime> {
        self.trace().arrival(msg)
    }
    fn event_msg(&self, index: usize) -> Option<MsgId> {
        self.trace().event_msg(index)
    }
    fn step(&mut self) -> bool {
        Simulation::step(self)
    }
    fn run_until(&mut self, t: SimTime) {
        Simulation::run_until(self, t)
    }
    fn run_to_end(&mut self, max_steps: usize) {
        Simulation::run_to_end(self, max_steps)
    }
    fn is_finished(&self) -> bool {
        Simulation::is_finished(self)
    }
    fn now(&self) -> SimTime {
        self.frontier().now()
    }
    fn horizon(&self) -> SimTime {
        Simulation::horizon(self)
    }
    fn steps(&self) -> usize {
        self.frontier().steps()
    }
    fn extend_horizon(&mut self, horizon: SimTime) {
        Simulation::extend_horizon(self, horizon);
    }
    fn checkpoints(&self) -> usize {
        self.checkpoint_count()
    }
    fn trace_len(&self) -> usize {
        self.trace().events.len()
    }
    fn trace_line(&self, index: usize) -> String {
        self.trace().line(index, self.ref_names())
    }
    fn trace_text(&self) -> String {
        self.trace().text(self.ref_names())
    }
    fn trace_fingerprint(&self) -> u64 {
        self.trace().fingerprint(self.ref_names())
    }
    fn trace_fingerprints(&self, chunk: usize) -> (u64, Vec<u64>) {
        self.trace().fingerprints(self.ref_names(), chunk)
    }
    fn event(&self, index: usize) -> Option<EventInfo> {
        let trace = self.trace();
        let event = trace.events.get(index)?;
        let note = match event.kind {
            EventKind::Note(slot) => trace.log().note_label(slot),
            _ => None,
        };
        Some(event_info(
            index,
            trace.step_of_event(index),
            event.time,
            event.node,
            &trace.parts(event),
            note,
            self.ref_names(),
        ))
    }
    fn event_class(&self, index: usize) -> Option<(Option<NodeId>, EventTag)> {
        let event = self.trace().events.get(index)?;
        let tag = match &event.kind {
            EventKind::Start => EventTag::Start,
            EventKind::Send { fate, .. } => match fate {
                Fate::Arrives(_) => EventTag::Send,
                Fate::Lost => EventTag::Lost,
                Fate::Cut => EventTag::Cut,
            },
            EventKind::Deliver { .. } => EventTag::Deliver,
            EventKind::Arrive { .. } => EventTag::Arrive,
            EventKind::Retired => EventTag::Retired,
            EventKind::Dropped { .. } => EventTag::Dropped,
            EventKind::Timer(_) => EventTag::Timer,
            EventKind::Action(_) => EventTag::Action,
            EventKind::Note(_) => EventTag::Note,
        };
        Some((event.node, tag))
    }
    fn step_time(&self, step: usize) -> Option<SimTime> {
        self.trace().step_time(step)
    }
    fn steps_until(&self, t: SimTime) -> usize {
        self.trace().steps_until(t)
    }
    fn events_through(&self, steps: usize) -> usize {
        self.trace().events_through(steps)
    }
    fn snapshot_at(&self, t: SimTime) -> Snapshot {
        Simulation::snapshot_at(self, t)
    }
    fn snapshot_after_step(&self, step: usize) -> Snapshot {
        Simulation::snapshot_after_step(self, step)
    }
    fn snapshot(&self, steps: usize, at: SimTime) -> Snapshot {
        Simulation::snapshot(self, steps, at)
    }
    fn events_between(&self, from: SimTime, to: SimTime) -> std::ops::Range<usize> {
        self.trace().events_between(from, to)
    }
    fn query(&self, steps: usize, input: &str) -> Result<Vec<(String, String)>, String> {
        Simulation::query(self, steps, input)
    }
    fn message(&self, msg: MsgId) -> Option<MessageInfo> {
        let trace = self.trace();
        let record = trace.message(msg)?;
        Some(MessageInfo {
            id: msg,
            from: record.from,
            to: record.to,
            sent_at: record.sent_at,
            label: trace.log().payload(msg)?.to_string(),
            short: trace.log().short_label(msg)?,
            end: self
                .trace()
                .end_of(msg)
                .map(|e| (e.time, matches!(e.kind, EventKind::Deliver { .. }))),
        })
    }
    fn message_ends(&self, msg: MsgId) -> Option<(NodeId, NodeId)> {
        self.trace()
            .message(msg)
            .map(|record| (record.from, record.to))
    }
    fn properties(&self) -> &'static [Property] {
        Simulation::properties(self)
    }
    fn violations(&self) -> Vec<Option<Violation>> {
        Simulation::violations(self).to_vec()
    }
    fn branch(&mut self, at: SimTime, action: Action<NodeId>) {
        Simulation::branch(self, at, action)
    }
    fn user_actions(&self) -> Vec<TimedAction<NodeId>> {
        Simulation::user_actions(self).cloned().collect()
    }
    fn truncations(&self) -> usize {
        Simulation::truncations(self)
    }
}

/// A session and the run it defines.
pub struct Run {
    scenario: &'static dyn Scenario,
    config: Config,
    session: Session,
    captions: Captions,
    engine: Box<dyn Engine>,
}

impl Run {
    pub(crate) fn new(
        scenario: &'static dyn Scenario,
        config: Config,
        session: Session,
        engine: Box<dyn Engine>,
    ) -> Run {
        let captions = Captions::new(scenario.captions(&config), scenario.event_captions(&config));
        Run {
            scenario,
            config,
            session,
            captions,
            engine,
        }
    }

    /// The scenario being run.
    pub fn scenario(&self) -> &'static dyn Scenario {
        self.scenario
    }

    /// The resolved seed, parameters and switches.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The session that reproduces this run, including every action taken so far.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The scenario's timed captions for this run, in time order (without those that
    /// wait for an event: see [`Run::captions_until`]).
    pub fn captions(&self) -> &[Caption] {
        self.captions.timed()
    }

    /// Every caption that applies by `t` in the explored run, in the order they apply,
    /// those that wait for an event from when it happened.
    pub fn captions_until(&self, t: SimTime) -> Vec<Caption> {
        self.captions.until(self.engine(), t)
    }

    /// The caption in force at `t`, if any.
    pub fn caption_at(&self, t: SimTime) -> Option<Caption> {
        self.captions.at(self.engine(), t)
    }

    /// The engine, for reading.
    pub fn engine(&self) -> &dyn Engine {
        self.engine.as_ref()
    }

    /// The engine, for exploring.
    pub fn engine_mut(&mut self) -> &mut dyn Engine {
        self.engine.as_mut()
    }

    /// Acts at `at` (naming nodes), discarding everything after it; the session records it.
    pub fn act(&mut self, at: SimTime, action: Action<String>) -> Result<(), SessionError> {
        let timed = TimedAction { at, action };
        let (_, roles) = validate::namespace(self.scenario, &self.config);
        let scope = validate::Scope {
            horizon: self.engine.horizon(),
            names: self.engine.ref_names(),
            roles: &roles,
            verbs: self.scenario.pattern().verbs,
        };
        let resolved = validate::action(&timed, &scope)?;
        validate::action_count(self.session.actions.len() + 1)?;
        // An upper bound: branching may drop later actions, never add any.
        let mut grown = self.session.clone();
        grown.actions.push(timed);
        let len = grown.encode().len();
        if len > MAX_ENCODED_LEN {
            return Err(SessionError::TooLong {
                len,
                max: MAX_ENCODED_LEN,
            });
        }
        self.engine.branch(resolved.at, resolved.action);
        let names = self.engine.ref_names().to_vec();
        self.session.actions = self
            .engine
            .user_actions()
            .into_iter()
            .map(|a| TimedAction {
                at: a.at,
                action: a
                    .action
                    .map(|id| names.get(id.index()).cloned().unwrap_or_default()),
            })
            .collect();
        Ok(())
    }

    /// Explores the whole run (up to `max_steps` steps) and returns its trace fingerprint.
    pub fn trace_hash(&mut self, max_steps: usize) -> u64 {
        self.engine.run_to_end(max_steps);
        self.engine.trace_fingerprint()
    }
}

/// Event `index` as plain data, the same code for every pattern: `note` is a note's label
/// and whether it is minor.
fn event_info(
    index: usize,
    step: usize,
    time: SimTime,
    node: Option<NodeId>,
    parts: &Parts<'_>,
    note: Option<(String, bool)>,
    names: &[String],
) -> EventInfo {
    let (tag, msg, peer, arrives) = match *parts {
        Parts::Start => (EventTag::Start, None, None, None),
        Parts::Send { msg, to, fate, .. } => match fate {
            Fate::Arrives(t) => (EventTag::Send, Some(msg), Some(to), Some(t)),
            Fate::Lost => (EventTag::Lost, Some(msg), Some(to), None),
            Fate::Cut => (EventTag::Cut, Some(msg), Some(to), None),
        },
        Parts::Deliver { msg, from, .. } => (EventTag::Deliver, Some(msg), Some(from), None),
        Parts::Arrive { msg, from, .. } => (EventTag::Arrive, Some(msg), Some(from), None),
        Parts::Retired => (EventTag::Retired, None, None, None),
        Parts::Dropped { msg, .. } => (EventTag::Dropped, Some(msg), None, None),
        Parts::Timer(_) => (EventTag::Timer, None, None, None),
        Parts::Action(_) => (EventTag::Action, None, None, None),
        Parts::Note(_) => (EventTag::Note, None, None, None),
    };
    let mut text = String::new();
    write_line(&mut text, time, node, parts, names);
    let (label, minor) = note.unwrap_or_else(|| {
        let mut label = String::new();
        let _ = write_description(&mut label, parts, names);
        (label, false)
    });
    EventInfo {
        index,
        step,
        time,
        node,
        tag,
        msg,
        peer,
        arrives,
        text,
        label,
        minor,
    }
}

//! The engine: a run's frontier, its trace, checkpoints, seeking and branching.
//!
//! All mutable simulation state lives in one cloneable [`State`] (see `state.rs`).
//! [`Simulation`] owns the *frontier* state (the furthest point explored), the
//! append-only [`Trace`], and checkpoints (clones of the state). What grows with a run
//! (stores, logs, checkers' histories) is held in persistent collections, so a
//! checkpoint shares it with the previous one and costs about what changed since.
//! Checkpoints are spaced by the state's size: one every 512 steps for a small run, up
//! to one every 8,192 for a large one, so their memory stays a small fraction of the
//! trace's. A snapshot of any past step clones the nearest checkpoint at or before it
//! and replays the steps between in *shadow* mode,
//! which evolves the state exactly as before but appends nothing to the trace. Branching
//! (acting at a past instant) restores that state as the frontier, truncates everything
//! after it, drops the person's later actions and records the new one.
//!
//! User actions are not queue entries: the next action applies as soon as the next queued
//! event is strictly later than the action's time. An action timed `t` therefore runs
//! after every event at or before `t`, whether it was taken live or replayed from a URL.

use std::cell::RefCell;
use std::sync::Arc;

use super::action::{Action, TimedAction};
use super::checker::{Checker, Property, Violation};
use super::clock::WallClock;
use super::metrics::{MetricKind, MetricSpec, Metrics, LOAD, QUEUE};
use super::network::{LinkConfig, Network};
use super::node::{Node, NodeId};
use super::payloads::{LogRef, Payloads};
use super::rng::Rng;
use super::snapshot::Snapshot;
use super::state::{Builtins, PatternState, Scratch, State, Typed};
use super::time::SimTime;
use super::topology::Topology;
use super::trace::Trace;

/// The fewest steps between two checkpoints.
pub const MIN_CHECKPOINT_INTERVAL: usize = 512;
/// The most steps between two checkpoints (it bounds the replay of a seek).
pub const MAX_CHECKPOINT_INTERVAL: usize = 4_096;
/// Checkpoints are spaced so that each step pays about this many bytes of checkpoint
/// (its unshared part; the first write after a checkpoint to each persistent collection
/// also copies one chunk of it, which the 512-step minimum spreads thin).
const CHECKPOINT_BYTES_PER_STEP: usize = 16;

/// Everything needed to start a run.
pub struct Setup<N: Node, C: Checker<N>> {
    /// Node names, in id order (`c1`, `s1` …).
    pub names: Vec<String>,
    /// Initial node states, in id order.
    pub nodes: Vec<N>,
    /// Initial wall clocks, in id order.
    pub clocks: Vec<WallClock>,
    /// How every link behaves at the start.
    pub link: LinkConfig,
    /// The run stops at this virtual time.
    pub horizon: SimTime,
    /// The seed of the run's one PRNG.
    pub seed: u64,
    /// The invariant checker.
    pub checker: C,
    /// Actions the scenario itself performs (its story), sorted by time.
    pub script: Vec<TimedAction<NodeId>>,
    /// Actions a person performed, sorted by time.
    pub user_actions: Vec<TimedAction<NodeId>>,
    /// Groups, declared links and nodes that start absent (empty for a flat run).
    pub topology: Topology,
    /// The metrics the pattern records (its `PatternInfo::metrics`).
    pub metrics: &'static [MetricSpec],
}

/// A [`Setup`] without the pattern's nodes and checker.
struct Plan {
    names: Vec<String>,
    clocks: Vec<WallClock>,
    link: LinkConfig,
    horizon: SimTime,
    seed: u64,
    script: Vec<TimedAction<NodeId>>,
    user_actions: Vec<TimedAction<NodeId>>,
    topology: Topology,
    metrics: &'static [MetricSpec],
}

/// Where an action in the merged list came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// The scenario's own story.
    Script,
    /// A person's action, kept in the session.
    User,
}

/// A run: the frontier state, its trace, its checkpoints and its violations. The same
/// type for every pattern: the pattern's nodes and checker live behind the state's
/// `PatternState`, its payloads behind the trace's `PayloadLog`, so this code is compiled
/// once.
pub struct Simulation {
    /// Node names, then group names: the namespace actions and trace text use.
    names: Vec<String>,
    node_count: usize,
    topology: Arc<Topology>,
    metrics: Metrics,
    horizon: SimTime,
    actions: Vec<(TimedAction<NodeId>, Origin)>,
    frontier: State,
    trace: Trace,
    checkpoints: Vec<State>,
    fixed_interval: Option<usize>,
    next_checkpoint: usize,
    violations: Vec<Option<Violation>>,
    scratch: Scratch,
    /// The state most recently rebuilt for a snapshot, kept so that the next one a little
    /// later (playback, stepping) replays only the steps between, not from a checkpoint.
    recent: RefCell<Option<State>>,
    /// How many times explored events were discarded (acting at a past instant).
    truncations: usize,
}

impl Simulation {
    /// Starts a run: every node's start is queued at time zero, in id order.
    pub fn new<N: Node, C: Checker<N>>(setup: Setup<N, C>) -> Self {
        let n = setup.nodes.len();
        let plan = Plan {
            names: setup.names,
            clocks: setup.clocks,
            link: setup.link,
            horizon: setup.horizon,
            seed: setup.seed,
            script: setup.script,
            user_actions: setup.user_actions,
            topology: setup.topology,
            metrics: setup.metrics,
        };
        Simulation::start(
            (Box::new(Typed::new(setup.nodes, setup.checker)), n),
            Trace::new(Box::new(Payloads::<N>::default())),
            plan,
        )
    }

    /// Starts a run whatever the pattern: the one copy of this code.
    fn start(pattern: (Box<dyn PatternState>, usize), trace: Trace, setup: Plan) -> Self {
        let topology = Arc::new(setup.topology);
        let builtin = |spec: MetricSpec| setup.metrics.iter().position(|m| m.id == spec.id);
        let node_gauges = (0..setup.metrics.len().min(64))
            .filter(|&m| setup.metrics[m].per_node && setup.metrics[m].kind == MetricKind::Gauge)
            .fold(0u64, |bits, m| bits | 1 << m);
        let builtins = Builtins {
            queue: builtin(QUEUE),
            load: builtin(LOAD),
            node_gauges,
        };
        let node_count = setup.names.len();
        let mut names = setup.names;
        names.extend(topology.names().map(str::to_string));
        let state = State::new(
            pattern,
            setup.clocks,
            Network::new(setup.link),
            (topology.clone(), builtins),
            Rng::seeded(setup.seed),
        );
        let properties = state.properties().len();
        let mut sim = Simulation {
            names,
            node_count,
            topology,
            metrics: Metrics::new(setup.metrics, Metrics::bucket_for(setup.horizon)),
            horizon: setup.horizon,
            actions: Vec::new(),
            checkpoints: vec![state.clone()],
            frontier: state,
            trace,
            fixed_interval: None,
            next_checkpoint: MIN_CHECKPOINT_INTERVAL,
            violations: vec![None; properties],
            scratch: Scratch::default(),
            recent: RefCell::new(None),
            truncations: 0,
        };
        sim.set_actions(setup.script, setup.user_actions);
        sim
    }

    /// Fixes how many steps separate checkpoints (at least 1) instead of spacing them by
    /// the state's size. Call before stepping.
    pub fn with_checkpoint_interval(mut self, interval: usize) -> Self {
        self.fixed_interval = Some(interval.max(1));
        self.checkpoints.truncate(1);
        self.next_checkpoint = interval.max(1);
        self
    }

    /// Charts the run's metrics in buckets of `bucket_us` instead of about 1/120 of the
    /// horizon: for a story whose samples are too sparse to read at that width.
    pub fn with_metric_bucket(mut self, bucket_us: u64) -> Self {
        self.metrics.set_bucket_us(bucket_us);
        self
    }

    /// How many steps after the latest checkpoint the next one is due.
    fn checkpoint_interval(&self) -> usize {
        self.fixed_interval.unwrap_or_else(|| {
            (self.frontier.approx_bytes() / CHECKPOINT_BYTES_PER_STEP)
                .clamp(MIN_CHECKPOINT_INTERVAL, MAX_CHECKPOINT_INTERVAL)
        })
    }

    /// How many checkpoints the run keeps.
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// The index of the latest checkpoint at or before `step`.
    fn checkpoint_before(&self, step: usize) -> usize {
        self.checkpoints
            .partition_point(|c| c.steps() <= step)
            .saturating_sub(1)
    }

    fn set_actions(&mut self, script: Vec<TimedAction<NodeId>>, user: Vec<TimedAction<NodeId>>) {
        self.actions = merge_actions(script, user);
    }

    /// Node names in id order.
    pub fn names(&self) -> &[String] {
        &self.names[..self.node_count]
    }

    /// Node names then group names: what a resolved action's ids index.
    pub fn ref_names(&self) -> &[String] {
        &self.names
    }

    /// The run's groups, links and initially absent nodes.
    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    /// The samples of the pattern's metrics, recorded while exploring.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The virtual time the run stops at.
    pub fn horizon(&self) -> SimTime {
        self.horizon
    }

    /// Moves the end of the run later (never earlier), so that a story can be explored
    /// past its own end, as the long-run benchmarks do.
    pub fn extend_horizon(&mut self, horizon: SimTime) {
        self.horizon = self.horizon.max(horizon);
    }

    /// The trace recorded so far.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The first violation of each property, in property order.
    pub fn violations(&self) -> &[Option<Violation>] {
        &self.violations
    }

    /// The properties the checker reports on.
    pub fn properties(&self) -> &'static [Property] {
        self.frontier.properties()
    }

    /// The frontier state (the furthest point explored).
    pub fn frontier(&self) -> &State {
        &self.frontier
    }

    /// How many times explored events were discarded, by acting at a past instant: what
    /// was read from the trace before may have changed since when this has.
    pub fn truncations(&self) -> usize {
        self.truncations
    }

    /// The person's actions, in the order they apply.
    pub fn user_actions(&self) -> impl Iterator<Item = &TimedAction<NodeId>> {
        self.actions
            .iter()
            .filter(|(_, o)| *o == Origin::User)
            .map(|(a, _)| a)
    }

    /// Runs one step at the frontier. Returns false when the run is over.
    pub fn step(&mut self) -> bool {
        let base = self.frontier.events();
        let log = LogRef::Record(self.trace.log.as_mut());
        if !self
            .frontier
            .step(&self.actions, self.horizon, log, &mut self.scratch)
        {
            return false;
        }
        let step = self.frontier.steps() - 1;
        let last = self.frontier.events() - 1;
        for breach in self.scratch.breaches.drain(..) {
            if let Some(slot @ None) = self.violations.get_mut(breach.property) {
                let event = breach.event.filter(|&e| e <= last).unwrap_or(last);
                let (event_step, time) = if event >= base {
                    (step, self.scratch.events[event - base].time)
                } else {
                    (
                        self.trace.step_of_event(event),
                        self.trace.events[event].time,
                    )
                };
                *slot = Some(Violation {
                    event,
                    step: event_step,
                    detected_step: step,
                    time,
                    detail: breach.detail,
                });
            }
        }
        let now = self.frontier.now();
        for measure in self.scratch.measures.drain(..) {
            self.metrics.record(now, step, measure);
        }
        self.trace.append_step(&mut self.scratch.events);
        if self.frontier.steps() >= self.next_checkpoint {
            self.checkpoints.push(self.frontier.clone());
            // Sizing the state costs a pass over the nodes: once per checkpoint.
            self.next_checkpoint = self.frontier.steps() + self.checkpoint_interval();
        }
        true
    }

    /// Explores until the next step would be later than `t`, or the run is over.
    pub fn run_until(&mut self, t: SimTime) {
        while self.next_time().is_some_and(|next| next <= t) {
            if !self.step() {
                break;
            }
        }
    }

    /// Explores to the end of the run, or until `max_steps` steps are recorded.
    pub fn run_to_end(&mut self, max_steps: usize) {
        while self.frontier.steps() < max_steps && self.step() {}
    }

    /// Whether nothing is left to happen before the horizon.
    pub fn is_finished(&self) -> bool {
        self.next_time().is_none()
    }

    /// When the frontier's next step would happen, if before the horizon.
    pub fn next_time(&self) -> Option<SimTime> {
        self.frontier
            .next_time(&self.actions)
            .filter(|&t| t <= self.horizon)
    }

    /// The state after `step` recorded steps, rebuilt from the nearest checkpoint.
    /// Steps past the frontier are clamped to it.
    pub fn state_after(&self, step: usize) -> State {
        self.with_state_after(step, State::clone)
    }

    /// Calls `f` with the state after `step` recorded steps (clamped to the frontier):
    /// the state kept from the previous call when it is at or before `step` and no
    /// earlier than the nearest checkpoint, else a clone of that checkpoint, replayed
    /// forward in shadow mode either way.
    fn with_state_after<R>(&self, step: usize, f: impl FnOnce(&State) -> R) -> R {
        let step = step.min(self.frontier.steps());
        let checkpoint = &self.checkpoints[self.checkpoint_before(step)];
        let mut recent = self.recent.borrow_mut();
        let state = match recent.take() {
            Some(state) if (checkpoint.steps()..=step).contains(&state.steps()) => state,
            _ => checkpoint.clone(),
        };
        let state = recent.insert(state);
        let mut scratch = Scratch::default();
        while state.steps() < step {
            let log = LogRef::Shadow(self.trace.log.as_ref());
            state.step(&self.actions, self.horizon, log, &mut scratch);
            scratch.events.clear();
            scratch.breaches.clear();
            scratch.measures.clear();
        }
        f(state)
    }

    /// A snapshot at virtual time `t`: every step at or before `t`, messages drawn at `t`.
    pub fn snapshot_at(&self, t: SimTime) -> Snapshot {
        let steps = self.trace.steps_until(t);
        self.with_state_after(steps, |state| {
            state.snapshot(self.names(), &self.trace, t.max(SimTime::ZERO))
        })
    }

    /// A snapshot after `steps` steps, with messages drawn at `at` (no earlier than the
    /// last of those steps).
    pub fn snapshot(&self, steps: usize, at: SimTime) -> Snapshot {
        self.with_state_after(steps, |state| state.snapshot(self.names(), &self.trace, at))
    }

    /// The pattern's answer to `input` after `steps` steps.
    pub fn query(&self, steps: usize, input: &str) -> Result<Vec<(String, String)>, String> {
        self.with_state_after(steps, |state| state.query(input))
    }

    /// A snapshot right after step `step`, at that step's time.
    pub fn snapshot_after_step(&self, step: usize) -> Snapshot {
        self.with_state_after(step, |state| {
            state.snapshot(self.names(), &self.trace, state.now())
        })
    }

    /// Acts at virtual time `at`: explores up to `at`, discards everything after it (the
    /// person's later actions too), records `action` and applies it at `at`.
    pub fn branch(&mut self, at: SimTime, action: Action<NodeId>) {
        self.recent.replace(None);
        self.run_until(at);
        let keep = self.trace.steps_until(at);
        if keep < self.frontier.steps() {
            self.truncate(keep);
        }
        let at = at.max(self.frontier.now());
        let cut = self.actions.partition_point(|(a, _)| a.at <= at);
        let later_script: Vec<_> = self
            .actions
            .drain(cut..)
            .filter(|(_, origin)| *origin == Origin::Script)
            .collect();
        self.actions
            .push((TimedAction { at, action }, Origin::User));
        self.actions.extend(later_script);
    }

    fn truncate(&mut self, steps: usize) {
        self.truncations += 1;
        self.frontier = self.state_after(steps);
        // What comes after `steps` is about to be explored again, differently.
        self.recent.replace(None);
        let events = self.frontier.events();
        self.trace.truncate(steps, events, self.frontier.logged());
        self.metrics.truncate(steps);
        self.checkpoints.truncate(self.checkpoint_before(steps) + 1);
        let last = self.checkpoints.last().map_or(0, State::steps);
        self.next_checkpoint = (last + self.checkpoint_interval()).max(steps + 1);
        for slot in &mut self.violations {
            if slot.as_ref().is_some_and(|v| v.detected_step >= steps) {
                *slot = None;
            }
        }
    }
}

/// The script's and the person's actions in the order they apply. Stable: at equal times
/// the script acts first, then the person, each in order. A free function, so that its
/// sort is compiled once rather than once per pattern.
fn merge_actions(
    script: Vec<TimedAction<NodeId>>,
    user: Vec<TimedAction<NodeId>>,
) -> Vec<(TimedAction<NodeId>, Origin)> {
    let mut merged: Vec<_> = script
        .into_iter()
        .map(|a| (a, Origin::Script))
        .chain(user.into_iter().map(|a| (a, Origin::User)))
        .collect();
    merged.sort_by_key(|(a, _)| a.at);
    merged
}

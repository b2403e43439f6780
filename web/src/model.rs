//! The playground's state and commands, with no Yew in sight.
//!
//! The UI sends [`Command`]s; [`Playground::apply`] carries them out on the run and the
//! cursor. Views read plain data back (`snapshot`, `properties`, `log_rows` …). The whole
//! run is explored when a session starts (up to [`MAX_UI_EVENTS`]), so the time slider knows
//! its length; the cursor then only seeks, which checkpoints keep cheap.

use std::collections::BTreeSet;
use std::rc::Rc;

use playground_core::sim::action::Action;
use playground_core::sim::causality::Cone;
use playground_core::sim::checker::{PropertyKind, Violation};
use playground_core::sim::network::LinkConfig;
use playground_core::sim::node::NodeId;
use playground_core::sim::rng::Ratio;
use playground_core::sim::time::SimTime;
use playground_core::sim::trace::MsgId;
use playground_core::{Registry, Run, Session};

use crate::layout::{Lanes, StageLayout};
use crate::logview::{self, LogFilter};
use crate::memo::Memo;
use crate::url::Query;

mod acting;
mod causality;
mod charts;
mod command;
mod compare;
#[cfg(feature = "bench")]
pub mod compare_bench;
mod diagram;
mod diagram_view;
mod embed;
mod guide;
mod moments;
mod open;
mod params;
mod path;
mod playback;
mod reading;
pub(crate) mod stage;
mod transfer;

pub use command::Command;
pub use compare::difference;
pub use transfer::{Download, ExportKind, ImportFields};

pub use charts::{chart_of, Chart, ChartLine, HeatStrip};
pub use diagram::{Arrow, ArrowEnd, MAX_DIAGRAM_EVENTS};
pub use embed::{embed_param, panels_or_default, Panel};
pub use guide::GuideCard;
pub use moments::{moments, pause_at, question, Choice, Moment, Question, Why};
pub use path::{PathHop, PathView};
pub use playback::{FOLLOW_MAX_FLIGHTS, ONE_X_RUN_SECONDS, SPEEDS};

pub use crate::logview::LogRow;

/// The pattern's answer to a question: label and text pairs, or why it cannot answer.
pub type QueryAnswer = Result<Vec<(String, String)>, String>;

/// The most trace events the page explores of one run (about a second in wasm).
pub const MAX_UI_EVENTS: usize = 1_000_000;

/// The instant shown: a virtual time and how many steps have happened by then.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    /// Virtual time shown.
    pub time: SimTime,
    /// Steps applied (at most the steps at or before `time`).
    pub steps: usize,
}

/// How serious a notice is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Something the person should know (e.g. the future was discarded).
    Info,
    /// Something went wrong and a fallback was used.
    Error,
}

/// A message shown in a banner until dismissed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// Info or error.
    pub tone: Tone,
    /// The text.
    pub text: String,
}

/// A property's status at the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyRow {
    /// Its short stable id (`no-stale-accept`).
    pub id: &'static str,
    /// The sentence.
    pub sentence: &'static str,
    /// Guarantee or contrast.
    pub kind: PropertyKind,
    /// Its first violation, if it happened by the cursor.
    pub violated: Option<Violation>,
    /// Its first violation, if it happens later in the explored run.
    pub breaks_later: Option<Violation>,
}

/// The playground: the run, the cursor and the view settings.
pub struct Playground {
    registry: Registry,
    run: Run,
    cursor: Cursor,
    playing: bool,
    speed: usize,
    reduced_motion: bool,
    step_debt_ms: f64,
    /// Whether the last tick was slowed for messages in flight (see `model/playback.rs`).
    following: bool,
    selected: Option<NodeId>,
    selected_msg: Option<MsgId>,
    path_msg: Option<MsgId>,
    /// The event whose causality is shown (see `model/causality.rs`).
    cone_event: Option<usize>,
    selected_group: Option<usize>,
    collapsed: BTreeSet<usize>,
    /// The stage's layout, for the collapsed groups and the stage's width.
    layout: Memo<(BTreeSet<usize>, u64), Rc<StageLayout>>,
    /// The node pairs that exchange messages in the run (read once per run).
    talks: Memo<(), Rc<Vec<(usize, usize)>>>,
    /// The diagram's lanes, for the collapsed groups and the hidden nodes.
    lanes: Memo<(BTreeSet<usize>, BTreeSet<usize>), Rc<Lanes>>,
    /// How the diagram is viewed: hidden lanes, collapsed repetitive messages.
    view: diagram_view::DiagramView,
    group: BTreeSet<NodeId>,
    log: LogFilter,
    diagram_span_us: u64,
    diagram_start: Option<SimTime>,
    help: bool,
    /// The embedded view's panels, when embedded.
    embed: Option<Vec<Panel>>,
    notices: Vec<Notice>,
    fingerprint: Option<u64>,
    query: String,
    /// The answer to `query` at a number of steps, for the run explored last.
    answer: Memo<(usize, String), QueryAnswer>,
    /// The charts of the run explored last.
    charts: Memo<(), Rc<Vec<Rc<Chart>>>>,
    /// The shown path, for the run explored last.
    path_memo: Memo<MsgId, Option<Rc<PathView>>>,
    /// The shown event's causality, for the run explored last.
    cone_memo: Memo<usize, Rc<Cone>>,
    /// Guided mode: its moments, the question asked (see `guide.rs`).
    guide: guide::Guide,
    /// Run B, when comparing (see `compare.rs`).
    vs: Option<Box<Playground>>,
    /// Where runs A and B part, once computed.
    divergence: Option<Option<Rc<playground_core::compare::Divergence>>>,
    /// The first difference in outcome between runs A and B, once computed.
    outcome: Option<Rc<playground_core::compare::Outcome>>,
    /// The trace's fingerprint per chunk of events, computed with the fingerprint.
    prints: Vec<u64>,
    /// The Rust test exported last, while it is shown.
    exported_test: Option<String>,
    /// A file an export made, for the page to offer as a download.
    download: Option<Download>,
}

impl Playground {
    /// Carries out a command.
    pub fn apply(&mut self, command: Command) {
        if let Some(command) = self.apply_compare(command) {
            self.apply_one(command);
        }
        self.sync_vs();
    }

    fn apply_one(&mut self, command: Command) {
        let Some(command) = self.apply_guide(command) else {
            return;
        };
        match command {
            Command::Fingerprint => {
                if self.fingerprint.is_none() {
                    let (whole, prints) = self.run.engine().trace_fingerprints(compare::CHUNK);
                    self.fingerprint = Some(whole);
                    self.prints = prints;
                }
                self.fingerprint_vs();
            }
            Command::TogglePlay => {
                if !self.playing && self.cursor.time >= self.end() {
                    self.seek(SimTime::ZERO);
                }
                self.playing = !self.playing;
                self.step_debt_ms = 0.0;
            }
            Command::Pause => self.playing = false,
            Command::Tick(real_ms) => self.tick(real_ms),
            Command::StepForward => {
                self.playing = false;
                let before = self.cursor;
                self.step_forward();
                self.stop_at_moment(before);
            }
            Command::StepBack => {
                self.playing = false;
                self.diagram_start = None;
                if self.cursor.steps > 0 {
                    let steps = self.cursor.steps - 1;
                    let time = match steps {
                        0 => SimTime::ZERO,
                        n => self.engine().step_time(n - 1).unwrap_or_default(),
                    };
                    self.cursor = Cursor { time, steps };
                }
            }
            Command::Scrub(t) => {
                self.playing = false;
                self.seek(t);
            }
            Command::JumpToEvent(index) => {
                if let Some(event) = self.engine().event(index) {
                    self.playing = false;
                    self.diagram_start = None;
                    self.cursor = Cursor {
                        time: event.time,
                        steps: event.step + 1,
                    };
                    if let Some(node) = event.node {
                        self.selected_group = None;
                        self.selected = Some(node);
                    }
                }
            }
            Command::SetSpeed(i) => self.speed = i.min(SPEEDS.len() - 1),
            Command::SelectNode(id) => {
                self.selected_msg = None;
                self.selected_group = None;
                self.selected = if self.selected == Some(id) {
                    None
                } else {
                    Some(id)
                };
            }
            Command::SelectMessage(id) => {
                self.selected_msg = (self.selected_msg != Some(id)).then_some(id);
                self.path_msg = self.selected_msg;
            }
            Command::SelectPath(id) => {
                self.path_msg = Some(id);
                self.cone_event = None;
            }
            Command::ClearPath => self.path_msg = None,
            Command::ShowCausality(index) => self.show_causality(index),
            Command::NextEvent(forward) => self.next_event(forward),
            Command::ClearFocus => (self.cone_event, self.path_msg) = (None, None),
            Command::SelectGroup(group) => self.select_group(group),
            Command::ToggleCollapse(group) => self.toggle_collapse(group),
            Command::IsolateGroup { group, one_way } => self.isolate_group(group, one_way),
            Command::Act(action) => self.act(action),
            Command::ToggleGroup(id) => {
                if !self.group.remove(&id) {
                    self.group.insert(id);
                }
            }
            Command::PartitionGroup { one_way } => self.partition_group(one_way),
            Command::SetLinks {
                latency_ms,
                loss_percent,
            } => {
                let latency_max_us = latency_ms.clamp(1, 10_000) * 1_000;
                let cfg = LinkConfig {
                    latency_min_us: (latency_max_us / 5).min(1_000),
                    latency_max_us,
                    loss: Ratio::new(loss_percent.min(100), 100),
                    duplication: Ratio::NEVER,
                };
                self.act(Action::SetLink { link: None, cfg });
            }
            Command::SetSwitch(name, on) => {
                let mut session = self.run.session().clone();
                session.switches_off.retain(|s| *s != name);
                if !on {
                    session.switches_off.push(name);
                }
                self.restart(session, true);
            }
            Command::TypeParam(name, typed) => self.type_param(&name, &typed),
            Command::SetParam(name, value) => {
                let session = self.run.session().clone().with_param(&name, value);
                self.restart(session, false);
            }
            Command::OpenScenario(id) => self.restart(Session::new(&id, 1), false),
            Command::NewSeed => {
                let mut session = self.run.session().clone();
                session.seed = next_seed(session.seed);
                self.restart(session, false);
            }
            Command::FilterNode(node) => self.log.node = node,
            Command::FilterKind(tag, shown) => {
                self.log.hidden.retain(|t| *t != tag);
                if !shown {
                    self.log.hidden.push(tag);
                }
            }
            Command::ToggleLane(node) => self.toggle_lane(node),
            Command::ShowAllLanes => self.show_all_lanes(),
            Command::ToggleRepeats => self.toggle_repeats(),
            Command::ExpandRepeat(key) => self.expand_repeat(key),
            Command::Zoom(direction) => self.zoom(direction),
            Command::Pan(direction) => self.pan(direction),
            Command::ToggleHelp => self.help = !self.help,
            Command::Query(input) => self.query = input.chars().take(100).collect(),
            Command::Dismiss(n) => {
                if n < self.notices.len() {
                    self.notices.remove(n);
                }
            }
            Command::Export(kind) => self.download = self.export(kind),
            Command::HideTest => self.exported_test = None,
            Command::Import(file) => self.import(file),
            // Carried out by `apply_guide` and `apply_compare`.
            Command::SetGuided(_)
            | Command::GuideDefault(_)
            | Command::Answer(_)
            | Command::Continue
            | Command::CompareWith(_)
            | Command::StopCompare
            | Command::SeekDivergence
            | Command::SeekOutcome
            | Command::OnB(_) => {}
        }
    }

    fn engine(&self) -> &dyn playground_core::sim::run::Engine {
        self.run.engine()
    }

    fn restart(&mut self, session: Session, keep_cursor: bool) {
        match self.registry.start(&session) {
            Ok(run) => self.replace_run(run, keep_cursor),
            Err(e) => self.notify(Notice {
                tone: Tone::Error,
                text: format!("That change could not be made: {e}."),
            }),
        }
    }

    /// Shows `run` instead of the run shown, at the same instant or at its start.
    fn replace_run(&mut self, run: Run, keep_cursor: bool) {
        let at = self.cursor.time;
        if run.scenario().pattern().id != self.run.scenario().pattern().id {
            self.query.clear();
        }
        if self
            .vs
            .as_ref()
            .is_some_and(|b| b.session().scenario != run.session().scenario)
        {
            self.vs = None;
        }
        self.exported_test = None;
        if self.run.session().scenario != run.session().scenario {
            self.view.hidden.clear();
        }
        self.view.expanded = Rc::default();
        self.run = run;
        self.playing = false;
        self.selected = None;
        self.selected_msg = None;
        self.path_msg = None;
        self.cone_event = None;
        self.selected_group = None;
        self.collapsed.clear();
        self.layout.clear();
        self.talks.clear();
        self.lanes.clear();
        self.group.clear();
        self.log.node = None;
        self.explore();
        self.fit_diagram();
        if keep_cursor {
            self.seek(at);
        } else {
            // A story chosen from the catalog starts where its link starts: before
            // its first step.
            self.cursor = Cursor::default();
        }
    }

    /// Shows `notice`, unless the very same one is already shown (a control pressed
    /// again at its limit must not stack banners).
    fn notify(&mut self, notice: Notice) {
        if !self.notices.contains(&notice) {
            self.notices.push(notice);
        }
    }

    fn explore(&mut self) {
        let engine = self.run.engine_mut();
        while engine.trace_len() < MAX_UI_EVENTS && engine.step() {}
        self.answer.clear();
        self.charts.clear();
        self.view.tags.clear();
        self.path_memo.clear();
        self.cone_memo.clear();
        self.guide.reset();
        self.fingerprint = None;
        self.prints.clear();
        self.divergence = None;
        self.outcome = None;
        if !self.run.engine().is_finished() {
            self.notify(Notice {
                tone: Tone::Info,
                text: format!(
                    "This run is long: the page shows its first {} events.",
                    self.engine().trace_len()
                ),
            });
        }
    }
}

/// The next seed after `seed`, spread out so consecutive clicks differ a lot.
fn next_seed(seed: u64) -> u64 {
    (seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407)
        >> 44)
        .max(1)
}

#[cfg(test)]
mod charts_paths_tests;
#[cfg(test)]
mod compare_tests;
#[cfg(test)]
mod diagram_view_tests;
#[cfg(test)]
mod guide_tests;
#[cfg(test)]
mod lanes_tests;
#[cfg(test)]
mod stage_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod transfer_tests;

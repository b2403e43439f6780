//! What the person can ask the page to do.

use playground_core::sim::action::Action;
use playground_core::sim::node::NodeId;
use playground_core::sim::run::EventTag;
use playground_core::sim::time::SimTime;
use playground_core::sim::trace::MsgId;
use playground_core::Session;

use super::{ExportKind, ImportFields};

#[cfg(doc)]
use super::SPEEDS;

/// What the person asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Fingerprint the explored run, if not done yet (the page asks right after it has
    /// drawn the run, so that opening a long run does not wait for it).
    Fingerprint,
    /// Play or pause.
    TogglePlay,
    /// Stop playing.
    Pause,
    /// Real time passed while playing, in milliseconds.
    Tick(f64),
    /// One step forward.
    StepForward,
    /// One step back.
    StepBack,
    /// Show this instant.
    Scrub(SimTime),
    /// Show the instant of this trace event (right after it).
    JumpToEvent(usize),
    /// Pick a playback speed (index into [`SPEEDS`]).
    SetSpeed(usize),
    /// Select a node for the inspector and its fault menu (again to deselect).
    SelectNode(NodeId),
    /// Select a group (by topology index) for its menu in the inspector (again to
    /// deselect).
    SelectGroup(usize),
    /// Fold a group into one box on the stage, or unfold it.
    ToggleCollapse(usize),
    /// Cut a group (by topology index) off from every node outside it.
    IsolateGroup {
        /// The group.
        group: usize,
        /// Only messages from the group to the rest are cut.
        one_way: bool,
    },
    /// Select a message in flight (and show its path).
    SelectMessage(MsgId),
    /// Show the path of the request this message belongs to.
    SelectPath(MsgId),
    /// Hide a node's lane in the diagram, or show it again.
    ToggleLane(NodeId),
    /// Show every lane in the diagram.
    ShowAllLanes,
    /// Draw repetitive messages one by one, or collapse them again.
    ToggleRepeats,
    /// Draw these runs of repetitive messages one by one (lanes and kind).
    ExpandRepeat(crate::layout::repeats::RepeatKey),
    /// Stop showing a path.
    ClearPath,
    /// Show the instant of this trace event and what happened before and after it.
    ShowCausality(usize),
    /// Stop highlighting a path or an event's causality.
    ClearFocus,
    /// Show the next (or, with `false`, the previous) event on a node and its causality:
    /// the diagram's events, one by one from the keyboard.
    NextEvent(bool),
    /// Apply a fault or change at the cursor.
    Act(Action<String>),
    /// Add or remove a node from the partition group.
    ToggleGroup(NodeId),
    /// Cut the group from everyone else, both ways or only outwards.
    PartitionGroup {
        /// Only messages from the group to the rest are cut.
        one_way: bool,
    },
    /// Set latency (max, ms) and loss (percent) of every link.
    SetLinks {
        /// Longest latency in milliseconds.
        latency_ms: u64,
        /// Loss in percent.
        loss_percent: u32,
    },
    /// Turn a mechanism on or off (restarts the run with the same seed and actions).
    SetSwitch(String, bool),
    /// A parameter as typed into its field (name, text): the nearest allowed value is
    /// used, and a notice says so when it is not what was typed.
    TypeParam(String, String),
    /// Change a parameter (restarts the run).
    SetParam(String, i64),
    /// Turn guided mode on or off (the person's choice, kept for the page's other stories).
    SetGuided(bool),
    /// Guided mode as a first visit to a story asks (unless the person chose already).
    GuideDefault(bool),
    /// Pick choice `n` of the question asked.
    Answer(usize),
    /// Close the question and play on.
    Continue,
    /// Open a scenario with its defaults.
    OpenScenario(String),
    /// Re-run with another seed.
    NewSeed,
    /// Show only events of this node in the log (`None`: all nodes).
    FilterNode(Option<NodeId>),
    /// Show or hide a kind of event in the log.
    FilterKind(EventTag, bool),
    /// Zoom the diagram: positive in, negative out.
    Zoom(i32),
    /// Move the diagram's window by half its width: negative earlier, positive later.
    Pan(i32),
    /// Show or hide the keyboard help.
    ToggleHelp,
    /// Dismiss notice number `n`.
    Dismiss(usize),
    /// Ask the pattern's question (e.g. "read as of") with this input.
    Query(String),
    /// Open run B, this session with one change, beside the run shown.
    CompareWith(Session),
    /// Close run B.
    StopCompare,
    /// Show the instant right after the first event where runs A and B part.
    SeekDivergence,
    /// Show the instant of the first difference in outcome between runs A and B.
    SeekOutcome,
    /// A command from one of run B's views.
    OnB(Box<Command>),
    /// Export the run shown (the page offers the file as a download).
    Export(ExportKind),
    /// Stop showing the exported test.
    HideTest,
    /// Open an exported run: the fields the browser read from a JSON file, or why it
    /// could not read one.
    Import(Result<ImportFields, String>),
}

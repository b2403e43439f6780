//! # Map/Reduce
//!
//! **Problem.** A computation over more data than one machine reads in good time (here:
//! counting words) must be spread over many machines, and one of them dying, or merely
//! being slow, must not spoil or stall the whole job.
//!
//! **Solution.** (Dean and Ghemawat, "MapReduce", OSDI 2004.) A master splits the input
//! into map tasks and hands each to an idle worker; a map task writes its output,
//! partitioned by key, to the worker's local disk. Once every map task is done, reduce
//! tasks fetch their partition from every map output (the shuffle), combine it, and
//! the master commits each reduce output once (an atomic rename). The master pings its
//! workers: a silent one is marked failed, its tasks in progress go back to idle, and so
//! do its *finished* map tasks — their output was on its disk. Near the end of a phase
//! the master starts backup copies of the tasks still running; whichever finishes first
//! wins. The paper: without backup tasks a sort took 44 % longer, for a few percent
//! more work.
//!
//! Not in the notes: the master's state survives its crash (the paper's master writes
//! checkpoints; a master that dies ends the job there); time is scaled down (a word
//! takes about half a millisecond); a worker's heartbeat reports the copies it runs, so
//! the master notices a lost assignment, or a lost report of a task's end, and runs the
//! task again.

mod checker;
mod corpus;
mod master;
mod msg;
mod node;
mod scenarios;
mod worker;

pub use checker::{MapReduceChecker, PROPERTIES};
pub use corpus::{partition, Corpus, TEXT};
pub use msg::{Counts, Msg, Note, Task, Timer};
pub use node::MapReduceNode;
pub use scenarios::{MapReduceScenario, DIES_MID_MAP, STRAGGLER, WORKER_DIES};

use crate::patterns::slowable::slow_verb;
use crate::sim::metrics::{MetricKind, MetricSpec};
use crate::sim::scenario::looks::{brown, purple};
use crate::sim::scenario::{PatternInfo, SwitchSpec};

/// Metric: whether each worker is running a task (1) or idle (0): the task timeline.
const BUSY: usize = 0;
/// Metric: copies of tasks started, first copies, re-runs and backups (from the trace).
const STARTED: usize = 1;
/// Metric: backup copies started (from the trace).
const BACKUPS: usize = 2;
/// Metric: word counts moved by the shuffle (from the trace).
const SHUFFLED: usize = 3;
/// Metric: reduce outputs committed (from the trace).
const COMMITTED: usize = 4;

/// A worker heartbeats this often.
const HEARTBEAT_US: u64 = 10_000;
/// The master hands out tasks and looks for silent workers this often.
const ROUND_US: u64 = 5_000;
/// A worker silent for this long is marked failed.
const DEAD_US: u64 = 30_000;
/// A copy handed to a worker this long ago that its heartbeat does not report was lost
/// (its assignment or the report of its end): the master stops counting on it.
const UNREPORTED_US: u64 = 30_000;

/// The switch for backup copies near the end of a phase.
pub const BACKUP_TASKS: &str = "backup-tasks";
/// The switch for committing each reduce output once.
pub const COMMIT_ONCE: &str = "commit-once";
/// The switch for running a failed worker's finished map tasks again.
pub const RERUN_LOST: &str = "rerun-lost-maps";
/// A task whose every copy and output died with its workers must run again within this
/// long: failure detection, a scheduling round and a heartbeat's slack.
const RERUN_BOUND_US: u64 = DEAD_US + ROUND_US + HEARTBEAT_US + 15_000;

/// Map/Reduce in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "mapreduce",
    family: "Data processing",
    name: "Map/Reduce",
    problem: "Counting the words of a text too large for one machine means spreading the \
              work over many, and one of them dying, or merely being slow, must not spoil \
              or stall the whole job.",
    solution: &[
        "A master splits the input into map tasks and hands each to an idle worker; a map \
         task counts its split's words and writes them, partitioned by word, to the \
         worker's local disk.",
        "Once every map task is done, each reduce task fetches its partition of every map \
         output (the shuffle), sums the counts, and the master commits its output once (an \
         atomic rename; a second copy's output is discarded).",
        "The master hears a heartbeat from each worker every 10 ms; after 30 ms of silence \
         it marks the worker failed: its tasks in progress go back to idle, and so do its \
         finished map tasks, whose output was on its disk (Dean and Ghemawat, OSDI 2004, \
         §3.3).",
        "Near the end of a phase (no idle task left) the master starts a backup copy of \
         each task still running; whichever copy finishes first wins. Without them a sort \
         took 44 % longer, for a few percent more work (§3.6, §5.4).",
        "Not in the notes: the master's state survives its crash (the paper suggests \
         periodic checkpoints; its implementation aborts the job when the master fails); \
         a word takes about half a millisecond to map or reduce; a \
         worker's heartbeat reports the copies it runs (as Hadoop's task trackers do), so \
         a task whose assignment or report of its end was lost runs again 30 ms on.",
    ],
    properties: PROPERTIES,
    switches: &[
        SwitchSpec {
            name: BACKUP_TASKS,
            label: "The master starts backup copies near the end of a phase",
            when_off: "The job waits for its slowest task: one slow worker holds back the \
                       whole phase while the others sit idle.",
        },
        SwitchSpec {
            name: COMMIT_ONCE,
            label: "Each reduce output is committed once (atomic rename)",
            when_off: "Every copy of a reduce task that finishes commits its output: a \
                       backup copy commits a partition a second time.",
        },
        SwitchSpec {
            name: RERUN_LOST,
            label: "A failed worker's finished map tasks run again",
            when_off: "The master keeps counting a dead worker's map outputs as done: the \
                       reducers ask for them where nobody can read them, and the job never \
                       ends.",
        },
    ],
    query: None,
    roles: &[purple("master"), brown("worker")],
    metrics: &[
        MetricSpec {
            id: "busy",
            label: "Workers running a task",
            kind: MetricKind::Gauge,
            unit: "tasks",
            per_node: true,
            help: "Per worker, 1 while it runs a task: the job's timeline, one row per \
                   worker.",
        },
        MetricSpec {
            id: "started",
            label: "Task copies started",
            kind: MetricKind::Counter,
            unit: "tasks",
            per_node: false,
            help: "Tasks the master handed out, counted from the trace: first copies, \
                   copies run again after a failure, and backups.",
        },
        MetricSpec {
            id: "backups",
            label: "Backup copies",
            kind: MetricKind::Counter,
            unit: "tasks",
            per_node: false,
            help: "Copies of a task started while another copy of it was still running, \
                   counted from the trace: the extra work backups cost.",
        },
        MetricSpec {
            id: "shuffled",
            label: "Word counts shuffled",
            kind: MetricKind::Counter,
            unit: "counts",
            per_node: false,
            help: "(word, count) pairs sent from map outputs to reducers, counted from the \
                   trace.",
        },
        MetricSpec {
            id: "committed",
            label: "Reduce outputs committed",
            kind: MetricKind::Counter,
            unit: "outputs",
            per_node: false,
            help: "Reduce outputs the master committed: one per partition when the job is \
                   done.",
        },
    ],
    verbs: &[slow_verb(
        &["worker"],
        "Multiply the worker's time per word (a bad disk, a busy machine); 1 makes it \
         normal again.",
        50,
        10,
    )],
};

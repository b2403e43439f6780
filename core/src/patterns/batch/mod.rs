//! # Coordinated batch: join vs reduce
//!
//! **Problem.** A coordinator splits a batch into tasks, hands them to workers and
//! combines their results. Some workers are slower than others (a noisy neighbour, a
//! bigger slice of data): when is the answer ready, and when can anyone see a part of it?
//!
//! **Solution.** Two ways to combine (the notes: "Join (compute after all the tasks are
//! completed) / Reduce (keep computing as and when a task is completed)"). A *join* is a
//! barrier: the coordinator keeps one slot per task, waits until every slot is filled,
//! and only then computes, so the first and the final result both come after the slowest
//! task. A *reduce* folds each result into a running answer as it arrives and publishes
//! the running answer at once: the first result comes after the fastest task, and the
//! final one right after the slowest, with the folding already done.
//!
//! **Why the answers agree.** The combination (a sum) is associative and commutative, so
//! the order results arrive in does not matter, but a reduce must fold each task exactly
//! once: results travel over at-least-once delivery (1 in 20 messages arrives twice
//! here), and a join's slot absorbs a repeat where a running sum would count it twice.
//!
//! Tasks are handed out round robin when the batch starts (a static partition, so a slow
//! worker's tasks wait for it); a lost task is not handed out again (map/reduce shows
//! that). A task takes 4–6 ms; folding one result takes 1 ms of the coordinator's time.

mod checker;
mod coordinator;
mod msg;
mod node;
mod scenarios;

pub use checker::{BatchChecker, PROPERTIES};
pub use msg::{Msg, Note, Timer};
pub use node::BatchNode;
pub use scenarios::{BatchScenario, JOIN, REDUCE};

use crate::patterns::slowable::slow_verb;
use crate::sim::metrics::{MetricKind, MetricSpec};
use crate::sim::scenario::looks::{blue, brown, purple};
use crate::sim::scenario::{PatternInfo, SwitchSpec};

/// Metric: from a batch's start to its first result (from the trace).
const FIRST: usize = 0;
/// Metric: from a batch's start to its final result (from the trace).
const FINAL: usize = 1;
/// Metric: results (running or final) the coordinator published (from the trace).
const RESULTS: usize = 2;
/// Metric: tasks in the latest published result, 0 when a batch starts (from the trace).
const COVERED: usize = 3;

/// A batch whose first result takes longer than this breaks "early results".
pub const EARLY_US: u64 = 20_000;

/// The switch that makes a reducing coordinator fold each task's result once.
pub const FOLD_ONCE: &str = "fold-once";

/// Coordinated batch in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "batch",
    family: "Data processing",
    name: "Coordinated batch (join vs reduce)",
    problem: "A coordinator hands a batch's tasks to workers and combines their results. \
              One slow worker holds the whole batch back: when is the answer ready, and \
              can anyone see part of it sooner?",
    solution: &[
        "Join: keep one slot per task, wait until every task has answered (a barrier), \
         then compute. First and final result both come after the slowest task.",
        "Reduce: fold each task's result into a running answer as it arrives and publish \
         it. The first result comes after the fastest task; the final one right after \
         the slowest, the folding already done.",
        "Both give the same final answer if the combination is associative and \
         commutative and each task is folded exactly once: a reduce must remember which \
         tasks it has folded, since a result can arrive twice.",
        "Not in the notes: tasks go out round robin when a batch starts, a task takes \
         4–6 ms, folding a result 1 ms; 1 message in 20 is delivered twice \
         (at-least-once delivery); a new batch starts 50 ms after the last one's final \
         result.",
    ],
    properties: PROPERTIES,
    switches: &[SwitchSpec {
        name: FOLD_ONCE,
        label: "The reducer folds each task's result once",
        when_off: "It folds every result that arrives: a result delivered twice is \
                   counted twice, and the batch looks complete before its last task is \
                   in, with a wrong sum.",
    }],
    query: None,
    roles: &[purple("coordinator"), brown("worker"), blue("consumer")],
    metrics: &[
        MetricSpec {
            id: "first",
            label: "Time to first result",
            kind: MetricKind::Latency,
            unit: "µs",
            per_node: false,
            help: "From a batch's first task sent to the first result the coordinator \
                   publishes for it, from the trace.",
        },
        MetricSpec {
            id: "final",
            label: "Time to final result",
            kind: MetricKind::Latency,
            unit: "µs",
            per_node: false,
            help: "From a batch's first task sent to its final result, from the trace.",
        },
        MetricSpec {
            id: "results",
            label: "Results published",
            kind: MetricKind::Counter,
            unit: "results",
            per_node: false,
            help: "Running and final results the coordinator sent to the consumer, \
                   counted from the trace: a reduce sends one per task.",
        },
        MetricSpec {
            id: "covered",
            label: "Tasks in the latest result",
            kind: MetricKind::Gauge,
            unit: "tasks",
            per_node: false,
            help: "How many tasks the latest published result covers, as it says (all of \
                   them for a final result); back to 0 when a new batch starts.",
        },
    ],
    verbs: &[slow_verb(
        &["worker"],
        "Multiply this worker's task time (a noisy neighbour, a bigger slice of data); 1 \
         makes it normal again.",
        20,
        10,
    )],
};

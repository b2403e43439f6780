//! # Spark RDD lineage
//!
//! **Problem.** An iterative job (k-means, PageRank) reads the same data every
//! iteration; keeping it in memory makes each iteration fast, but memory dies with its
//! machine, and replicating every dataset to survive that costs as much as the work.
//!
//! **Solution.** (Zaharia et al., "Resilient Distributed Datasets", NSDI 2012.) A dataset
//! is immutable and split into partitions; it records its *lineage*: the
//! transformations that derive it from its parents. A *narrow* transformation (map,
//! filter) derives each partition from one parent partition; a *wide* one (group by key)
//! from every parent partition, through a shuffle. A lost partition is recomputed from
//! its lineage, on another machine, and only it: a narrow one from its one parent, a
//! wide one from its part of every parent's shuffle output, whose lost pieces must be
//! recomputed first. A checkpoint on stable storage cuts a long lineage: the lost
//! partition is read back instead. The paper (Fig. 11): k-means on 75 nodes, about 58 s
//! an iteration; a node killed at the start of iteration 6 makes it about 80 s, then
//! back to 58 s.
//!
//! Here: word counts of the map/reduce text (`lines` on stable storage, parsed into
//! `pairs` (narrow), grouped by word into `links` (wide), cached), and ten iterations of
//! a small numeric job over `links`; a replacement executor starts 5 ms after one dies.

mod checker;
mod driver;
mod executor;
mod msg;
mod node;
mod scenarios;

pub use checker::{RddChecker, PROPERTIES};
pub use msg::{Job, Msg, Note, Source, Timer};
pub use node::RddNode;
pub use scenarios::{RddScenario, LINEAGE};

use crate::sim::metrics::{MetricKind, MetricSpec};
use crate::sim::scenario::looks::{brown, purple};
use crate::sim::scenario::{PatternInfo, SwitchSpec};

/// Metric: whether each executor is running a task.
const BUSY: usize = 0;
/// Metric: each iteration's time (from the trace), in ms.
const ITERATION: usize = 1;
/// Metric: partitions computed again after they were lost (from the trace).
const RECOMPUTED: usize = 2;

/// An executor heartbeats this often.
const HEARTBEAT_US: u64 = 5_000;
/// The driver hands out tasks and looks for silent executors this often.
const ROUND_US: u64 = 2_500;
/// An executor silent for this long is lost.
const DEAD_US: u64 = 15_000;

/// The job's value before the first iteration.
pub const X0: u64 = 1;

/// One partition's share of an iteration over its word counts, given the job's value
/// `x`: what an executor computes and the checker computes again from the input.
pub fn partial(counts: &[(u16, u32)], x: u64) -> u64 {
    counts
        .iter()
        .map(|&(w, n)| (u64::from(n) * x + u64::from(w)) % 1_009)
        .sum()
}

/// The job's value after iteration `iter`, from the sum of its partitions' shares.
pub fn next_x(iter: u32, sum: u64) -> u64 {
    (sum + u64::from(iter)) % 100_003
}

/// The switch for rebuilding lost partitions from their lineage.
pub const LINEAGE_SWITCH: &str = "lineage";

/// RDD lineage in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "rdd",
    family: "Data processing",
    name: "Spark RDD lineage",
    problem: "An iterative job reads the same data every iteration: kept in memory, each \
              iteration is fast, but memory dies with its machine, and copying every \
              dataset to another machine to survive that costs as much as the work.",
    solution: &[
        "A dataset is immutable, split into partitions, and remembers its lineage: the \
         transformations that derive it from its parents. Here `lines` (the text, on \
         stable storage) → `pairs` (parse: narrow, one parent partition each) → `links` \
         (group by word: wide, a part of every parent partition, through a shuffle), \
         cached in the executors' memory; each iteration maps over `links`.",
        "The driver hands each iteration's task for a partition to the executor caching \
         it. An executor silent for 15 ms is lost, with its cached partitions and its \
         shuffle outputs.",
        "A lost partition is recomputed from its lineage on another executor, and only \
         it: a wide dependency needs its part of every parent's shuffle output, so the \
         lost shuffle outputs are recomputed first (from `lines`).",
        "A checkpoint (the parameter) writes `links` to stable storage as it is built: a \
         lost partition is then read back, and the lineage is cut there.",
        "Zaharia et al., NSDI 2012, Fig. 11: k-means, 75 nodes, a node killed at the \
         start of iteration 6: about 80 s instead of 58 s, then 58 s again. Not in the \
         paper: a replacement executor starts 5 ms after one dies (a cluster manager \
         would), and time is scaled to milliseconds.",
    ],
    properties: PROPERTIES,
    switches: &[SwitchSpec {
        name: LINEAGE_SWITCH,
        label: "A lost partition is rebuilt from its lineage",
        when_off: "The job starts over from the input when a partition is lost: every \
                   iteration and partition already computed is computed again.",
    }],
    query: None,
    roles: &[purple("driver"), brown("executor")],
    metrics: &[
        MetricSpec {
            id: "busy",
            label: "Executors running a task",
            kind: MetricKind::Gauge,
            unit: "tasks",
            per_node: true,
            help: "Per executor, 1 while it runs a task.",
        },
        MetricSpec {
            id: "iteration",
            label: "Iteration time",
            kind: MetricKind::Gauge,
            unit: "ms",
            per_node: false,
            help: "How long the latest iteration took, from the previous one's end to its \
                   own (the first from the start), from the trace: the shape of the \
                   paper's Fig. 11.",
        },
        MetricSpec {
            id: "recomputed",
            label: "Partitions recomputed",
            kind: MetricKind::Counter,
            unit: "partitions",
            per_node: false,
            help: "`pairs` and `links` partitions computed again after they were lost, \
                   counted from the trace (a read from the checkpoint is not a \
                   recomputation).",
        },
    ],
    verbs: &[],
};

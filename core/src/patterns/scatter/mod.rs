//! # Scatter/gather
//!
//! **Problem.** A search over a large index is split across many shards: a root sends
//! the query to every shard (scatter) and combines their parts (gather). It answers
//! only when the slowest part is in, so a hiccup that is rare on one server (a pause,
//! a busy disk) becomes common for the whole request: with a chance p of a slow part
//! per server and N servers, 1 − (1 − p)^N of requests are slow — 63 % for p = 1 % and
//! N = 100 (Dean and Barroso, "The Tail at Scale", CACM 2013).
//!
//! **Solution.** Fan out anyway, and tame the tail: a *hedged request* sends a second
//! copy of a part that is late (after about the 95th-percentile latency) to another
//! replica of the shard and takes whichever answers first; a request then waits on a
//! hiccup only if both replicas hit one. Or answer at a deadline with the parts in hand
//! ("good enough"), giving up completeness.
//!
//! Every shard has two replicas; the root asks one at random. A part usually takes about
//! 1 ms (exponential); a hiccup takes 50–100 ms. Time is not scaled.

mod checker;
mod client;
mod leaf;
mod msg;
mod node;
mod root;
mod scenarios;

pub use checker::{ScatterChecker, PROPERTIES};
pub use msg::{Msg, Note, Timer};
pub use node::ScatterNode;
pub use scenarios::{ScatterScenario, HEDGED_REQUESTS, TAIL_AT_SCALE};

use crate::sim::metrics::{MetricKind, MetricSpec};
use crate::sim::scenario::looks::{blue, brown, purple};
use crate::sim::scenario::{PatternInfo, SwitchSpec};

/// Metric: a search's latency, measured by its client from send to answer.
const LATENCY: usize = 0;
/// Metric: searches the client sent (from the trace).
const SEARCHES: usize = 1;
/// Metric: searches answered after more than [`SLOW_US`] (from the trace).
const SLOW: usize = 2;
/// Metric: queries the root sent to replicas, hedged copies included (from the trace).
const LEAF_CALLS: usize = 3;
/// Metric: hedged copies the root sent (from the trace).
const HEDGED: usize = 4;

/// A search answered after more than this is slow (and breaks "fast answers").
pub const SLOW_US: u64 = 10_000;

/// The switch that makes the root wait for every shard.
pub const WAIT_ALL: &str = "wait-all";

/// Scatter/gather in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "scatter",
    family: "Data processing",
    name: "Scatter/gather",
    problem: "A root sends a search to every shard of an index and must wait for the \
              slowest part: a hiccup that is rare on one server becomes the common case \
              for a request that fans out to many (1 − (1 − p)^N of them wait on one).",
    solution: &[
        "The root fans the query out to one replica of every shard and gathers the parts; \
         it answers once every shard has answered.",
        "Hedged requests (Dean and Barroso, \"The Tail at Scale\", 2013): once a part is \
         late (about the 95th-percentile latency), the root asks the shard's other replica \
         too and takes whichever answers first. They report the 99.9th percentile falling \
         from 1,800 ms to 74 ms for 2 % more requests.",
        "Or answer at a deadline with the parts in hand: fast, but incomplete.",
        "Not in the notes: every shard has two replicas, the root picks one at random; a \
         part usually takes about 1 ms (exponential), a hiccup 50–100 ms.",
    ],
    properties: PROPERTIES,
    switches: &[SwitchSpec {
        name: WAIT_ALL,
        label: "The root waits for every shard's part",
        when_off: "The root answers 10 ms after a search arrives with whatever parts it \
                   has: the tail is cut, and answers that missed a hiccup's shard are \
                   incomplete.",
    }],
    query: None,
    roles: &[blue("client"), purple("root"), brown("replica")],
    metrics: &[
        MetricSpec::latency(
            "From the client's search to the root's answer: the slowest part it waited \
             for, plus two network hops each way.",
        ),
        MetricSpec {
            id: "searches",
            label: "Searches",
            kind: MetricKind::Counter,
            unit: "searches",
            per_node: false,
            help: "Searches the client sent, counted from the trace.",
        },
        MetricSpec {
            id: "slow",
            label: "Searches slower than 10 ms",
            kind: MetricKind::Counter,
            unit: "searches",
            per_node: false,
            help: "Answers that reached the client more than 10 ms after its search: \
                   divided by the searches, the share that waited on a hiccup.",
        },
        MetricSpec {
            id: "queries",
            label: "Queries to replicas",
            kind: MetricKind::Counter,
            unit: "queries",
            per_node: false,
            help: "Queries the root sent to replicas, hedged copies included, counted \
                   from the trace: searches × shards, plus the hedges.",
        },
        MetricSpec {
            id: "hedged",
            label: "Hedged queries",
            kind: MetricKind::Counter,
            unit: "queries",
            per_node: false,
            help: "Second copies the root sent to a shard's other replica, counted from \
                   the trace: the extra load hedging costs.",
        },
    ],
    verbs: &[],
};

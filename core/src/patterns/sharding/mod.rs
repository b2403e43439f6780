//! # Sharding
//!
//! **Problem.** One machine cannot hold all the keys or serve all the requests, so the
//! keys are split over shards. Which shard holds a key (the shard function) decides how
//! evenly the load spreads and how many keys must move when a shard is added; a key or a
//! range that is much hotter than the rest overloads its shard whatever the others do;
//! and moving keys while clients read and write them can lose a write or let two shards
//! take writes for the same key.
//!
//! **Solution.** A consistent scheme (a hash ring with virtual nodes, rendezvous or jump
//! hashing) moves only the new shard's share of keys, about 1/(N+1), where `hash mod N`
//! moves most; ranges keep neighbouring keys together and split where the load is. A hot
//! range is split; a single hot key cannot be split, only replicated for reads (or
//! salted). A range moves live in steps: copy, catch up from the source's log, switch
//! reads, fence the source's writes and switch them, finish; a shard that gave keys away
//! answers MOVED so that a router with a stale map learns where they went.
//!
//! Keys are numbers; a shard serves one request at a time (exponential service time)
//! with a bounded queue. Time is not scaled.

mod captions;
mod checker;
mod client;
pub mod func;
mod msg;
mod node;
mod router;
mod scenarios;
mod shard;

pub use checker::{ShardChecker, PROPERTIES};
pub use msg::{Msg, Note, Req, Timer};
pub use node::ShardNode;
pub use scenarios::{
    ShardScenario, CELEBRITY, FUNCTIONS, HOT_RANGE, MONOTONIC, RESHARD, ROUTERS, SALTED, SCALING,
};

use crate::sim::metrics::{MetricKind, MetricSpec, QUEUE};

/// Per key, a number: the one persistent map type of the pattern (a shard's store, a
/// log's positions, the checker's records), keyed by `usize` as another pattern's map
/// is, because every type an `imbl` map is built for adds kilobytes of wasm. Keys stay
/// far below 2^32.
type KeyMap = imbl::OrdMap<usize, u64>;
use crate::sim::scenario::looks::{blue, brown, purple};
use crate::sim::scenario::{ParamSpec, PatternInfo, SwitchSpec, VerbSpec};

/// Metric: a request's latency, from the client's send to the shard's answer.
const LATENCY: usize = 0;
/// Metric: requests a client gave up on after its timeout.
const FAILED: usize = 1;
/// Metric: requests each shard answered (from the trace).
const SERVED: usize = 2;
/// Metric: requests dropped at a shard's full queue (from the trace).
const DROPPED: usize = 3;

/// The switch that makes a moving range's source ship its later writes to the new shard.
pub const CATCH_UP: &str = "catch-up";
/// The switch that fences the source's writes before writes switch to the new shard.
pub const WRITE_FENCE: &str = "write-fence";
/// The switch that makes a shard answer MOVED for keys it gave away.
pub const REDIRECT: &str = "redirect";

const fn verb(
    name: &'static str,
    label: &'static str,
    help: &'static str,
    role: &'static [&'static str],
    arg: &'static str,
    max: i64,
    default: i64,
) -> VerbSpec {
    VerbSpec {
        name,
        label,
        help,
        roles: role,
        arg: Some(ParamSpec {
            name: "n",
            label: arg,
            min: 0,
            max,
            default,
            unit: "",
            step: 1,
        }),
    }
}

const ROUTER: &[&str] = &["router"];

/// Sharding in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "sharding",
    family: "Sharding",
    name: "Sharding",
    problem: "Keys are split over shards. The shard function decides how evenly load \
              spreads and how many keys move when a shard is added; one hot key or range \
              overloads its shard; moving keys while they are written can lose writes.",
    solution: &[
        "hash mod N spreads keys evenly but moves most of them when N changes (10 → 12 \
         shards: 5/6). A consistent-hash ring, rendezvous or jump hashing move only the \
         new shards' share, about 1/(N+1) per shard added; a ring needs many virtual nodes \
         per shard to spread evenly (about 10 % standard deviation at 100).",
        "Key ranges keep neighbouring keys together and split where the load is; \
         monotonically increasing keys all land in the last range.",
        "A hot range is split (by load, not by width); one hot key cannot be split, only \
         replicated for reads or salted: its writes spread over sub-keys on several \
         shards, and every read must ask them all.",
        "A range moves live (Vitess's Reshard): copy, catch up from the source's log, \
         switch reads, fence the source and switch writes once the new shard has the \
         whole log, finish. A shard that gave keys away answers MOVED (Redis Cluster), \
         and routers with a stale map learn from it.",
        "Not in the notes: one router keeps the map, a second asks it every 250 ms; every \
         shard answers the client directly. The router that runs a move repeats every \
         40 ms the step it has no answer to, and the shards take a repeat as a no-op \
         (the new shard keeps each log entry once, by its number); a move's state is \
         durable, so a lost message or a shard's restart delays a move, never stalls it.",
    ],
    properties: PROPERTIES,
    switches: &[
        SwitchSpec {
            name: CATCH_UP,
            label: "The source ships writes made after its copy",
            when_off: "The new shard has only the copy: writes the source acknowledged \
                       while the range moved are gone once the move finishes.",
        },
        SwitchSpec {
            name: WRITE_FENCE,
            label: "The source stops taking writes before they switch",
            when_off: "Writes switch at once: a router with an old map keeps writing to \
                       the source, so two shards take writes for the same keys.",
        },
        SwitchSpec {
            name: REDIRECT,
            label: "A shard answers MOVED for keys it gave away",
            when_off: "It answers that the key is not here: a router with an old map sends \
                       requests that fail until it asks for the map again.",
        },
    ],
    query: None,
    roles: &[blue("client"), purple("router"), brown("shard")],
    metrics: &[
        MetricSpec::latency("From the client's request to the shard's answer."),
        MetricSpec {
            id: "failed",
            label: "Requests timed out",
            kind: MetricKind::Counter,
            unit: "requests",
            per_node: false,
            help: "Requests a client gave up on after 100 ms (dropped at a full queue, or \
                   sent to a shard that said the key was not there).",
        },
        MetricSpec {
            id: "served",
            label: "Requests served per shard",
            kind: MetricKind::Counter,
            unit: "requests",
            per_node: true,
            help: "Answers each shard sent, counted from the trace: its throughput, against \
                   a capacity of one request per service time.",
        },
        MetricSpec {
            id: "dropped",
            label: "Requests dropped at full queues",
            kind: MetricKind::Counter,
            unit: "requests",
            per_node: false,
            help: "Requests that reached a shard whose queue was full, counted from the trace.",
        },
        QUEUE,
    ],
    verbs: &[
        verb(
            "add-shard",
            "Add shards",
            "Add this many shards to the router's map (they join the run).",
            ROUTER,
            "Shards",
            4,
            1,
        ),
        verb(
            "remove-shard",
            "Remove shards",
            "Remove this many of the newest shards (they leave the run).",
            ROUTER,
            "Shards",
            4,
            1,
        ),
        verb(
            "split",
            "Split a hot range",
            "Split shard N's range at the median of the keys routed to it lately (key \
             ranges only): a spare shard takes the upper part.",
            ROUTER,
            "Shard",
            16,
            1,
        ),
        verb(
            "replicate",
            "Replicate a key for reads",
            "Send reads of this key to every shard in turn (each holds a read replica).",
            ROUTER,
            "Key",
            1_000_000,
            0,
        ),
        verb(
            "salt",
            "Salt a hot key",
            "Spread this key over sub-keys on as many shards (the story's salts): each write \
             goes to one sub-key in turn, each read to every one.",
            ROUTER,
            "Key",
            1_000_000,
            0,
        ),
        verb(
            "reshard",
            "Move half a range live",
            "Move the upper half of shard N's range to a spare shard while traffic runs: \
             copy, catch up, switch reads, switch writes, finish.",
            ROUTER,
            "Shard",
            16,
            1,
        ),
        verb(
            "hot",
            "Make a key hot",
            "This client sends half its requests to this key from now on.",
            &["client"],
            "Key",
            1_000_000,
            0,
        ),
    ],
};

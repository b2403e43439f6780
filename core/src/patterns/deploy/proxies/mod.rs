//! # Proxies: reverse and client
//!
//! **Problem.** Clients need a cache in front of the servers, balancing over them, and
//! someone to notice a server that died. Building that into every server, or every
//! client's code, repeats it everywhere.
//!
//! **Solution.** Put it in a proxy. A *reverse proxy* stands in front of the servers:
//! clients know one address, and the proxy caches, balances and checks the servers'
//! health for all of them (one shared cache; one place to change; run by whoever runs the
//! servers). A *client proxy* stands beside each client (a library, or a local agent
//! like a service mesh's sidecar on the client's side): the same logic, once per client.
//!
//! **What fails when the proxy fails.** A reverse proxy is on every client's path: when
//! it dies, every client is cut off though every server is up. A client proxy is on one
//! client's path: when it dies, one client is cut off. And each client proxy's cache
//! sees only its own client's requests, so it saves the servers less than a shared one.
//!
//! Not modelled: TLS, routing by path to different services (every server serves every
//! path), cache invalidation (an answer is reused for 200 ms, whatever changed).

mod checker;
pub(super) mod edge;
mod scenarios;

pub use checker::{ProxiesChecker, PROPERTIES};
pub use scenarios::{ProxiesScenario, CLIENT_SIDE, REVERSE};

use crate::patterns::outstanding::failed_metric;
use crate::sim::metrics::{MetricKind, MetricSpec};
use crate::sim::scenario::looks::{blue, brown, purple};
use crate::sim::scenario::{PatternInfo, SwitchSpec};

/// Metric: requests that reached a server (from the trace).
const BACKEND: usize = 2;
/// Metric: requests a proxy answered from its cache (from the trace).
const HITS: usize = 3;
/// Metric: per client, requests it gave up on (from the trace).
const TIMEOUTS: usize = 4;

/// The switch that makes the proxies probe the servers and skip the ones that are down.
pub const HEALTH: &str = "health-checks";

/// Reverse and client proxies in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "proxies",
    family: "Deployment",
    name: "Proxies: reverse and client",
    problem: "Every client wants the same things done in front of the servers: a cache, \
              balancing, skipping a server that died. Written into every server or every \
              client, that logic is repeated everywhere and changed everywhere.",
    solution: &[
        "A reverse proxy stands in front of the servers: clients know one address; it \
         caches answers (one cache shared by every client), balances the rest over the \
         servers and checks their health. One place to change, run by the servers' owners.",
        "A client proxy stands beside each client (a library, or a local agent like a \
         mesh's sidecar on the client's side): the same logic, once per client, each with \
         a cache of its own client's requests only.",
        "When a reverse proxy fails, every client is cut off, though every server is up; \
         when a client proxy fails, one client is.",
        "Here each proxy caches an answer for 200 ms and probes every server every 20 ms, \
         skipping one that missed two probes. Not modelled: TLS, routing by path to \
         different services, cache invalidation.",
    ],
    properties: PROPERTIES,
    switches: &[SwitchSpec {
        name: HEALTH,
        label: "The proxies check the servers' health",
        when_off: "The proxies never probe the servers: they keep sending a share of the \
                   requests to a server that died, and those time out.",
    }],
    query: None,
    roles: &[
        blue("client"),
        purple("reverse proxy"),
        purple("client proxy"),
        brown("server"),
    ],
    metrics: &[
        MetricSpec::latency("From the client's send to its answer, through its proxy."),
        failed_metric("Requests a client gave up on (no answer within 50 ms)."),
        MetricSpec {
            id: "backend",
            label: "Requests that reached a server",
            kind: MetricKind::Counter,
            unit: "requests",
            per_node: false,
            help: "Requests a proxy forwarded to a server, from the trace: what the cache \
                   did not save the servers.",
        },
        MetricSpec {
            id: "hits",
            label: "Answered from a cache",
            kind: MetricKind::Counter,
            unit: "requests",
            per_node: false,
            help: "Requests a proxy answered at once from its cache, from the trace.",
        },
        MetricSpec {
            id: "timeouts",
            label: "Timeouts by client",
            kind: MetricKind::Counter,
            unit: "requests",
            per_node: true,
            help: "Per client, the requests it gave up on, from the trace: which clients a \
                   failure cut off.",
        },
    ],
    verbs: &[],
};

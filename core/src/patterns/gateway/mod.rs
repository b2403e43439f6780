//! # API gateway
//!
//! **Problem.** Clients call many services (orders, users, search …). If each client
//! talks to each service, every service must authenticate callers and protect itself
//! from a greedy one, and clients must know where every service lives.
//!
//! **Solution.** One entry point: the gateway. It authenticates each request (here by
//! asking an auth service whether the token is valid), applies a rate limit per client (a
//! token bucket: tokens added at a steady rate, up to a burst; a request without a token
//! is refused with 429), and routes the request by its path to an instance of that
//! path's service, relaying the answer. AWS API Gateway's default throttle is a token
//! bucket of 10,000 requests a second with a burst of 5,000; here a client's limit is
//! 100 a second with a burst of 50, the same ratio.
//!
//! **Why it works.** Every request passes through the same steps in the same order, so
//! a service only ever sees requests that were authenticated and within their client's
//! limit. The price is an extra hop (and the auth call) on every request, and one more
//! thing that must stay up: a single gateway is a single point of failure, so it runs as
//! replicas behind a load balancer that checks their health (AWS ALB's defaults: a check
//! every 30 s, unhealthy after 2 failures; here every 30 ms, time scaled down 1,000×).
//! The replicas share the rate limit: each enforces its share of it.
//!
//! Built on the foundation for traffic, like load balancing: open-loop clients, service
//! time and queues at the gateways, the auth service and the instances, request paths,
//! a crash fault, `slow` as a pattern action, charts of outcomes and latency.

mod backend;
mod balancer;
mod checker;
mod client;
mod entry;
mod msg;
mod node;
mod scenarios;

pub use checker::{GatewayChecker, PROPERTIES, WINDOW_US};
pub use entry::Limit;
pub use msg::{Msg, Outcome, PATHS};
pub use node::GatewayNode;
pub use scenarios::{GatewayScenario, ROUTING, SPOF};

use crate::patterns::slowable::SLOW_VERB;
use crate::sim::metrics::{MetricKind, MetricSpec};
use crate::sim::scenario::looks::{blue, brown, green, purple};
use crate::sim::scenario::{PatternInfo, SwitchSpec};

/// Metric: a served request's latency, measured by its client from send to answer.
const LATENCY: usize = 0;
/// Metric: requests served (200); the next three follow `Outcome`'s order.
const ROUTED: usize = 1;
/// Metric: requests that failed: 503, or no answer before the client's timeout.
const FAILED: usize = 4;
/// Metric: requests each gateway took.
const HANDLED: usize = 5;

/// The switch that turns the gateway's token check off.
pub const AUTH: &str = "auth";
/// The switch that turns the gateway's rate limit off.
pub const RATE_LIMIT: &str = "rate-limit";

const fn counter(id: &'static str, label: &'static str, help: &'static str) -> MetricSpec {
    MetricSpec {
        id,
        label,
        kind: MetricKind::Counter,
        unit: "requests",
        per_node: false,
        help,
    }
}

/// The API gateway in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "gateway",
    family: "Services",
    name: "API gateway",
    problem: "Clients call many services. If each client talks to each service, every \
              service must check credentials and protect itself from a greedy caller, and \
              every client must know where each service lives.",
    solution: &[
        "One entry point, the gateway, takes every request.",
        "It authenticates the request: it asks the auth service whether its token is \
         valid, and answers 401 if not.",
        "It applies the client's rate limit, a token bucket (AWS API Gateway's default: \
         10,000 a second, burst 5,000; here 100 a second, burst 50), and answers 429 when \
         the bucket is empty.",
        "It routes the request by its path (/orders, /users, /search) to the next instance \
         of that service, and relays the answer.",
        "It is a single point of failure: run replicas behind a load balancer that checks \
         their health (AWS ALB: every 30 s, out after 2 misses; here 30 ms, time scaled \
         down 1,000×). Each replica enforces its share of every client's limit.",
    ],
    properties: PROPERTIES,
    switches: &[
        SwitchSpec {
            name: AUTH,
            label: "Gateway checks every token",
            when_off: "The gateway routes requests without asking the auth service: a \
                       client with a bad token reaches the services.",
        },
        SwitchSpec {
            name: RATE_LIMIT,
            label: "Gateway rate-limits each client",
            when_off: "Every request with a valid token goes through: a greedy client gets \
                       as much of the services as it asks for.",
        },
    ],
    query: None,
    roles: &[
        blue("client"),
        purple("balancer"),
        purple("gateway"),
        brown("auth"),
        green("instance"),
    ],
    metrics: &[
        MetricSpec::latency(
            "From the client's send to a 200 answer: the hop to the gateway, the auth \
             check, the service's queue and work, and back.",
        ),
        counter(
            "served",
            "Served (200)",
            "Requests routed to a service and answered.",
        ),
        counter(
            "unauthorized",
            "Refused: bad token (401)",
            "Requests the gateway refused because the auth service did not know the token.",
        ),
        counter(
            "limited",
            "Refused: rate limit (429)",
            "Requests the gateway refused because the client's bucket was empty.",
        ),
        counter(
            "failed",
            "Failed (503 or timeout)",
            "Requests the balancer could not place (no gateway up) or that got no answer \
             before the client's timeout.",
        ),
        MetricSpec {
            id: "taken",
            label: "Requests per gateway",
            kind: MetricKind::Counter,
            unit: "requests",
            per_node: true,
            help: "Requests each gateway took.",
        },
    ],
    verbs: &[SLOW_VERB],
};

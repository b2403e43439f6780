//! Idempotent receiver (notes, section 4).
//!
//! A client sends a request that is not idempotent (here: add 1 to a counter). The
//! answer can be lost, the request can be duplicated by the network, the server can
//! crash after applying it and before answering. The client must retry, and the server
//! must not apply a retry twice.
//!
//! The client registers and gets a unique id. Every request carries (client id, request
//! number), and a retry keeps its number. The server keeps a session per client with the
//! response to every request it applied: a retry is answered from the session, a new
//! number is applied. Sessions stay small: each request tells the server the highest
//! number whose answer the client has, so older answers can be dropped, and a session
//! with no traffic for its time-to-live expires — a request on an expired session is
//! refused, never silently applied twice, and the client registers again. The session
//! table is written durably with the counter, so a crash does not forget what was applied.
//!
//! The mechanism switch `keep-sessions` turns the session table off: retries and
//! duplicates are applied again, and the counter shows it.

mod checker;
mod node;
mod scenarios;

pub use checker::{IdempotentChecker, PROPERTIES};
pub use node::{
    Client, ClientPlan, IdempotentNode, Msg, Note, Outcome, Refusal, Server, ServerPlan, Session,
    Timer, MAX_RESPONSES_PER_SESSION,
};
pub use scenarios::{IdempotentScenario, CRASH, DUPLICATE, EXPIRY, LOST_RESPONSE};

use crate::sim::scenario::{PatternInfo, SwitchSpec};

/// The switch that makes the server keep sessions.
pub const KEEP_SESSIONS: &str = "keep-sessions";

/// The idempotent receiver in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "idempotent",
    family: "Requests",
    name: "Idempotent receiver",
    problem: "A client's request changes state (it is not idempotent). The response may be \
              lost, the network may deliver the request twice, the server may crash after \
              applying it and before answering. The client has to retry — how does the \
              server avoid applying the same request twice?",
    solution: &[
        "The client registers with the server.",
        "The server gives the client a unique id.",
        "The client sends every request with its client id and a request number.",
        "The server keeps a session for each client.",
        "The session keeps the response to every non-idempotent request.",
        "The server responds.",
        "Without a response in time, the client retries with the same request number.",
        "The server answers a retry from the session when it finds it there…",
        "…and handles a request with a new number normally.",
    ],
    properties: PROPERTIES,
    switches: &[SwitchSpec {
        name: KEEP_SESSIONS,
        label: "Server keeps sessions",
        when_off: "The server applies every request it receives, so a retry or a duplicate \
                   is applied again and the counter counts it twice.",
    }],
    query: None,
};

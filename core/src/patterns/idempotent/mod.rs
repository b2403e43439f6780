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
//! with no traffic for its time-to-live expires. The session table is written durably
//! with the counter, so a server crash does not forget what was applied.
//!
//! What expiry costs: the session was the server's only memory of which requests it
//! applied. A request on an expired session is refused, and the refusal speaks for that
//! copy of that attempt only: an earlier attempt, or a network copy of this one, may have
//! been applied before the session expired, with its answer lost. The client cannot
//! know, and says "outcome unknown" rather than resend the operation under a new id. A
//! client that crashes with an attempt out is in the same place. The notes stop at step
//! 9 and say nothing of expiry; this is the simulation's answer, and the limit of what
//! the pattern can promise: at most once, and exactly once only while the session lives.
//!
//! Two mechanism switches: `keep-sessions` turns the session table off (retries and
//! duplicates are applied again); `report-unknown-outcome` off makes the client resend
//! blindly under its new client id, and an operation whose answer was lost is applied
//! twice.

mod checker;
mod client;
mod messages;
mod node;
mod scenarios;
mod server;

pub use checker::{IdempotentChecker, PROPERTIES};
pub use client::{Client, ClientPlan};
pub use messages::{Msg, Note, Outcome, Refusal, Timer};
pub use node::IdempotentNode;
pub use scenarios::{IdempotentScenario, CRASH, DUPLICATE, EXPIRY, LOST_RESPONSE};
pub use server::{Server, ServerPlan, Session, MAX_RESPONSES_PER_SESSION};

use crate::sim::scenario::looks::{blue, green};
use crate::sim::scenario::{PatternInfo, SwitchSpec};

/// The switch that makes the server keep sessions.
pub const KEEP_SESSIONS: &str = "keep-sessions";

/// The switch that makes the client report "outcome unknown" instead of resending an
/// operation blindly under a new client id.
pub const REPORT_UNKNOWN: &str = "report-unknown-outcome";

/// The session table switch.
const KEEP_SESSIONS_SWITCH: SwitchSpec = SwitchSpec {
    name: KEEP_SESSIONS,
    label: "Server keeps sessions",
    when_off: "The server applies every request it receives, so a retry or a duplicate \
               is applied again and the counter counts it twice.",
};

/// The honest client switch.
const REPORT_UNKNOWN_SWITCH: SwitchSpec = SwitchSpec {
    name: REPORT_UNKNOWN,
    label: "Client reports an unknown outcome instead of resending under a new id",
    when_off: "When its session expires (or it crashes) after an attempt whose answer \
               never came, the client registers again and resends the operation under its \
               new id; if the lost attempt had been applied, it is applied twice.",
};

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
        "Not in the notes: an idle session expires, and a request on it is refused. Only \
         the session knew whether an earlier attempt was applied, so the client reports \
         the operation's outcome as unknown instead of resending it under a new id.",
    ],
    properties: PROPERTIES,
    switches: &[KEEP_SESSIONS_SWITCH, REPORT_UNKNOWN_SWITCH],
    query: None,
    roles: &[blue("client"), green("server")],
    metrics: checker::METRICS,
    verbs: &[],
};

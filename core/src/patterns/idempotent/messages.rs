//! The messages, timers and pattern-level events of the idempotent receiver.

use std::fmt;

/// Why a request was not applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The client's session expired (or never existed): register again.
    SessionExpired,
    /// A late copy of a request that was answered long ago; its response is discarded.
    Stale,
}

/// A server's answer to a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Applied: the counter's value right after this request.
    Applied(u64),
    /// Not applied.
    Refused(Refusal),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Applied(counter) => write!(f, "ok counter={counter}"),
            Outcome::Refused(Refusal::SessionExpired) => f.write_str("session expired"),
            Outcome::Refused(Refusal::Stale) => f.write_str("stale duplicate"),
        }
    }
}

/// Messages of the pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A client asks for a session.
    Register,
    /// The server opened a session and gives the client its id.
    Registered {
        /// The client's id.
        client: u32,
    },
    /// Add `amount` to the counter (not idempotent: applying it twice shows).
    Request {
        /// The client's id.
        client: u32,
        /// The request number, from 1 per session; a retry keeps its number.
        req: u32,
        /// Which of its client's operations this is (1 for the first one asked of it).
        /// A label for the reader and the checker: the server never reads it, since a
        /// real server would know an operation only by (client id, request number).
        op: u32,
        /// How much to add.
        amount: u64,
        /// The highest request number whose response the client has received.
        acked: u32,
    },
    /// The answer to a request.
    Response {
        /// The client's id.
        client: u32,
        /// The request number.
        req: u32,
        /// What happened.
        outcome: Outcome,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Register => f.write_str("register"),
            Msg::Registered { client } => write!(f, "registered as client {client}"),
            Msg::Request {
                client,
                req,
                op,
                amount,
                acked,
            } => write!(
                f,
                "client {client} r{req}: add {amount} (op {op}; acked r{acked})"
            ),
            Msg::Response {
                client,
                req,
                outcome,
            } => write!(f, "client {client} r{req}: {outcome}"),
        }
    }
}

/// Timers of the pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// The client's registration got no answer.
    RegisterTimeout,
    /// Time for the client's next request.
    NextRequest,
    /// The client's request got no answer in time: retry it.
    RequestTimeout,
    /// The server sends answer number `n` of its outbox (after writing it durably).
    Reply(u64),
    /// The server expires idle sessions.
    Sweep,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::RegisterTimeout => f.write_str("register-timeout"),
            Timer::NextRequest => f.write_str("next-request"),
            Timer::RequestTimeout => f.write_str("request-timeout"),
            Timer::Reply(n) => write!(f, "reply #{n}"),
            Timer::Sweep => f.write_str("sweep-sessions"),
        }
    }
}

/// Pattern-level events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// The server opened a session.
    SessionOpened {
        /// The client's id.
        client: u32,
    },
    /// The server expired an idle session (or evicted the idlest one when full).
    SessionExpired {
        /// The client's id.
        client: u32,
    },
    /// The server applied a request.
    Applied {
        /// The client's id.
        client: u32,
        /// The request number.
        req: u32,
        /// The counter afterwards.
        counter: u64,
    },
    /// The server answered a retry from the session, without applying it again.
    FromSession {
        /// The client's id.
        client: u32,
        /// The request number.
        req: u32,
    },
    /// The server refused a request.
    Refused {
        /// The client's id.
        client: u32,
        /// The request number.
        req: u32,
        /// Why.
        why: Refusal,
    },
    /// The client got an answer to its request.
    Completed {
        /// The client's id.
        client: u32,
        /// The request number.
        req: u32,
        /// The answer.
        outcome: Outcome,
    },
    /// The client retries a request with the same number.
    Retry {
        /// The client's id.
        client: u32,
        /// The request number.
        req: u32,
    },
    /// The client cannot tell whether an operation was applied, and says so: its session
    /// expired (or the client crashed) after an attempt whose answer never came.
    OutcomeUnknown {
        /// Which of the client's operations.
        op: u32,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::SessionOpened { client } => write!(f, "session of client {client} opened"),
            Note::SessionExpired { client } => write!(f, "session of client {client} expired"),
            Note::Applied {
                client,
                req,
                counter,
            } => write!(f, "applied r{req}: counter={counter} (client {client})"),
            Note::FromSession { client, req } => {
                write!(f, "r{req} answered from the session (client {client})")
            }
            Note::Refused { client, req, why } => {
                let why = match why {
                    Refusal::SessionExpired => "session expired",
                    Refusal::Stale => "stale duplicate",
                };
                write!(f, "refused r{req}: {why} (client {client})")
            }
            Note::Completed {
                client,
                req,
                outcome,
            } => write!(f, "r{req} done: {outcome} (client {client})"),
            Note::Retry { client, req } => write!(f, "retry r{req} (client {client})"),
            Note::OutcomeUnknown { op } => {
                write!(f, "op {op}: outcome unknown (it may have been applied)")
            }
        }
    }
}

//! What the API gateway's nodes say to each other, their timers and notes.

use std::fmt;

/// The paths the gateway routes, in route order: a request's `route` indexes it.
pub const PATHS: [&str; 3] = ["/orders", "/users", "/search"];

/// How a request ended, as its client hears it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A service answered (200).
    Ok,
    /// The gateway refused it: bad credentials (401).
    Unauthorized,
    /// The gateway refused it: over the client's rate limit (429).
    TooMany,
    /// No gateway was up to take it (503 from the balancer).
    Unavailable,
}

impl Outcome {
    /// Its HTTP status code.
    pub fn code(self) -> u16 {
        match self {
            Outcome::Ok => 200,
            Outcome::Unauthorized => 401,
            Outcome::TooMany => 429,
            Outcome::Unavailable => 503,
        }
    }
}

/// A message between a client, the balancer, a gateway, the auth service and a service
/// instance. `client` is the client's node index (clients come first: c1 is 0).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A client's request for a path (through the balancer, if there is one).
    Request {
        /// The client.
        client: u32,
        /// Its number at the client.
        id: u64,
        /// Which of [`PATHS`].
        route: u8,
        /// The credentials it carries.
        token: u32,
    },
    /// The gateway asks the auth service whether a request's token is valid.
    Verify {
        /// The client.
        client: u32,
        /// The request's number.
        id: u64,
        /// Which of [`PATHS`].
        route: u8,
        /// The token to check.
        token: u32,
    },
    /// The auth service's answer.
    Verdict {
        /// The client.
        client: u32,
        /// The request's number.
        id: u64,
        /// Which of [`PATHS`].
        route: u8,
        /// Whether the token is valid.
        valid: bool,
    },
    /// The gateway hands a request to an instance of the path's service.
    Work {
        /// The client.
        client: u32,
        /// The request's number.
        id: u64,
        /// Which of [`PATHS`].
        route: u8,
    },
    /// An instance finished a request.
    Done {
        /// The client.
        client: u32,
        /// The request's number.
        id: u64,
    },
    /// The answer to the client.
    Reply {
        /// The request's number.
        id: u64,
        /// How it ended.
        outcome: Outcome,
    },
    /// The balancer's health check of a gateway.
    Ping {
        /// The round.
        round: u64,
    },
    /// A gateway's answer to it.
    Pong {
        /// The round.
        round: u64,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = |route: &u8| PATHS.get(usize::from(*route)).copied().unwrap_or("/");
        match self {
            Msg::Request { id, route, .. } => write!(f, "GET {} r{id}", path(route)),
            Msg::Verify { client, id, .. } => write!(f, "verify token of c{}/r{id}", client + 1),
            Msg::Verdict {
                client, id, valid, ..
            } => {
                let verdict = if *valid { "valid" } else { "invalid" };
                write!(f, "c{}/r{id}: token {verdict}", client + 1)
            }
            Msg::Work { client, id, route } => {
                write!(f, "GET {} c{}/r{id}", path(route), client + 1)
            }
            Msg::Done { client, id } => write!(f, "done c{}/r{id}", client + 1),
            Msg::Reply { id, outcome } => write!(f, "{} r{id}", outcome.code()),
            Msg::Ping { round } => write!(f, "ping {round}"),
            Msg::Pong { round } => write!(f, "pong {round}"),
        }
    }
}

/// A timer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A client's next request is due.
    Arrival,
    /// A client gives up on requests older than its timeout.
    Sweep,
    /// A gateway adds a token to every client's bucket.
    Refill,
    /// The balancer's next health-check round.
    HealthRound,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Timer::Arrival => "next request",
            Timer::Sweep => "time out old requests",
            Timer::Refill => "add a token to every bucket",
            Timer::HealthRound => "health-check round",
        })
    }
}

/// A pattern-level event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// The balancer stopped sending requests to a gateway after missed health checks.
    Ejected {
        /// The gateway's index among the gateways.
        gateway: u32,
    },
    /// The balancer sends requests to a gateway again (it answered a health check).
    Admitted {
        /// The gateway's index among the gateways.
        gateway: u32,
    },
    /// A client gave up on a request.
    TimedOut {
        /// The request's number.
        id: u64,
    },
    /// An instance's service time changed.
    Slowed {
        /// The new factor (1 is normal).
        factor: u64,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Ejected { gateway } => write!(f, "ejected gw{} (missed checks)", gateway + 1),
            Note::Admitted { gateway } => write!(f, "admitted gw{}", gateway + 1),
            Note::TimedOut { id } => write!(f, "gave up on r{id} (timeout)"),
            Note::Slowed { factor } => write!(f, "service time now ×{factor}"),
        }
    }
}

//! What the load balancer's nodes say to each other, their timers and notes.

use std::fmt;

/// A message between a client, a balancer and an instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A client's request, numbered per client.
    Request {
        /// The request's number at its client.
        id: u64,
    },
    /// A balancer hands a request to an instance.
    Work {
        /// The client that asked (its node index; clients come first, so c1 is 0).
        client: u32,
        /// The request's number at that client.
        id: u64,
    },
    /// An instance finished a request.
    Done {
        /// The client that asked (its node index; clients come first, so c1 is 0).
        client: u32,
        /// The request's number at that client.
        id: u64,
    },
    /// An instance could not serve a request (an HTTP 500: a broken dependency), at once.
    Failed {
        /// The client that asked (its node index; clients come first, so c1 is 0).
        client: u32,
        /// The request's number at that client.
        id: u64,
    },
    /// The balancer relays an instance's error to the client.
    Error {
        /// The request's number.
        id: u64,
    },
    /// The balancer's answer to the client.
    Response {
        /// The request's number.
        id: u64,
        /// False when no instance was healthy (the balancer failed fast).
        served: bool,
    },
    /// A health check.
    Ping {
        /// The round.
        round: u64,
    },
    /// The answer to a health check, with the instance's load then.
    Pong {
        /// The round.
        round: u64,
        /// Requests the instance was serving or had queued.
        load: u32,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Request { id } => write!(f, "request r{id}"),
            Msg::Work { client, id } => write!(f, "work c{}/r{id}", client + 1),
            Msg::Done { client, id } => write!(f, "done c{}/r{id}", client + 1),
            Msg::Failed { client, id } => write!(f, "500 c{}/r{id}", client + 1),
            Msg::Error { id } => write!(f, "error r{id} (500)"),
            Msg::Response { id, served: true } => write!(f, "response r{id}"),
            Msg::Response { id, served: false } => write!(f, "unavailable r{id}"),
            Msg::Ping { round } => write!(f, "ping {round}"),
            Msg::Pong { round, load } => write!(f, "pong {round} (load {load})"),
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
    /// A balancer's next health-check round.
    HealthRound,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Timer::Arrival => "next request",
            Timer::Sweep => "time out old requests",
            Timer::HealthRound => "health-check round",
        })
    }
}

/// A pattern-level event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// A balancer stopped routing to an instance after missed health checks.
    Ejected {
        /// The instance's index among the instances.
        instance: u32,
        /// Health checks it missed in a row.
        missed: u32,
    },
    /// A balancer stopped routing to an instance after errors in a row (outlier
    /// detection), for a while.
    Outlier {
        /// The instance's index among the instances.
        instance: u32,
        /// Errors in a row.
        errors: u32,
        /// For how long, in ms.
        for_ms: u64,
    },
    /// An instance starts or stops failing every request.
    Failing {
        /// Whether it fails them now.
        on: bool,
    },
    /// A balancer routes to an instance again (it answered a health check).
    Admitted {
        /// The instance's index among the instances.
        instance: u32,
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
            Note::Ejected { instance, missed } => {
                write!(
                    f,
                    "ejected i{} ({missed} health checks missed)",
                    instance + 1
                )
            }
            Note::Outlier {
                instance,
                errors,
                for_ms,
            } => write!(
                f,
                "ejected i{} for {for_ms} ms ({errors} errors in a row)",
                instance + 1
            ),
            Note::Failing { on: true } => f.write_str("fails every request (500)"),
            Note::Failing { on: false } => f.write_str("serves requests again"),
            Note::Admitted { instance } => write!(f, "admitted i{}", instance + 1),
            Note::TimedOut { id } => write!(f, "gave up on r{id} (timeout)"),
            Note::Slowed { factor } => write!(f, "service time now ×{factor}"),
        }
    }
}

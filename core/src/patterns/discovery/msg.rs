//! What discovery's nodes say to each other, their timers and notes. Instances are named
//! by their number among the instances (0 is i1).

use std::fmt;

/// A message between clients, the registry, a balancer and the instances.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// An instance registers, or renews its lease.
    Heartbeat,
    /// A registrar's health check.
    Ping,
    /// An instance's answer to a health check.
    Pong,
    /// A registrar registers an instance, or renews its lease, on its behalf.
    Renew {
        /// The instance's number.
        instance: u32,
    },
    /// A registry server passes on to a peer what it heard: a renewal (which registers an
    /// instance the peer does not list) or an eviction.
    Replicate {
        /// The instance's number.
        instance: u32,
        /// True for an eviction, false for a renewal.
        evicted: bool,
    },
    /// A client (or balancer) asks the registry for the instances.
    Fetch {
        /// The asker's round.
        round: u64,
    },
    /// The registry's answer: the instances it lists.
    Instances {
        /// The round asked.
        round: u64,
        /// The instances, by number.
        list: Vec<u32>,
    },
    /// A client's request to a balancer (server-side discovery).
    Request {
        /// The request's number at its client.
        id: u64,
    },
    /// A request handed to an instance.
    Work {
        /// The client that asked (its node index; clients come first, so c1 is 0).
        client: u32,
        /// The request's number at that client.
        id: u64,
    },
    /// An instance finished a request.
    Done {
        /// The client that asked.
        client: u32,
        /// The request's number at that client.
        id: u64,
    },
    /// A balancer's answer to its client.
    Response {
        /// The request's number.
        id: u64,
        /// False when the balancer knew no instance.
        served: bool,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Heartbeat => f.write_str("heartbeat"),
            Msg::Ping => f.write_str("ping"),
            Msg::Pong => f.write_str("pong"),
            Msg::Renew { instance } => write!(f, "renew i{}", instance + 1),
            Msg::Replicate { instance, evicted } => write!(
                f,
                "replicate {} i{}",
                if *evicted {
                    "eviction of"
                } else {
                    "renewal of"
                },
                instance + 1
            ),
            Msg::Fetch { round } => write!(f, "fetch {round}"),
            Msg::Instances { round, list } => {
                write!(f, "instances {round}:")?;
                for i in list {
                    write!(f, " i{}", i + 1)?;
                }
                Ok(())
            }
            Msg::Request { id } => write!(f, "request r{id}"),
            Msg::Work { client, id } => write!(f, "work c{}/r{id}", client + 1),
            Msg::Done { client, id } => write!(f, "done c{}/r{id}", client + 1),
            Msg::Response { id, served: true } => write!(f, "response r{id}"),
            Msg::Response { id, served: false } => write!(f, "unavailable r{id}"),
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
    /// A client (or balancer) refreshes its list.
    Refresh,
    /// An instance's next heartbeat, or a registrar's next round of health checks.
    Heartbeat,
    /// The registry's eviction round.
    Evict,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Timer::Arrival => "next request",
            Timer::Sweep => "time out old requests",
            Timer::Refresh => "refresh the list",
            Timer::Heartbeat => "heartbeat",
            Timer::Evict => "eviction round",
        })
    }
}

/// A pattern-level event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// The registry added an instance.
    Registered {
        /// The instance's number.
        instance: u32,
    },
    /// The registry evicted an instance whose lease expired.
    Evicted {
        /// The instance's number.
        instance: u32,
        /// How long since its last renewal, in ms of the registry's clock.
        silent_ms: u64,
    },
    /// The registry stopped evicting: too few renewals (self-preservation).
    Preserving {
        /// Renewals in the last round.
        renewals: u64,
        /// Renewals expected.
        expected: u64,
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
            Note::Registered { instance } => write!(f, "registered i{}", instance + 1),
            Note::Evicted {
                instance,
                silent_ms,
            } => write!(f, "evicted i{} (silent {silent_ms} ms)", instance + 1),
            Note::Preserving { renewals, expected } => write!(
                f,
                "self-preservation: {renewals} of {expected} renewals, no eviction"
            ),
            Note::TimedOut { id } => write!(f, "gave up on r{id} (timeout)"),
            Note::Slowed { factor } => write!(f, "service time now ×{factor}"),
        }
    }
}

//! What the generation clock's nodes say to each other, their timers and their notes.

use std::fmt;

use crate::sim::node::NodeId;

/// A client write as a server log holds it: the generation of the leader that took it,
/// and its number within that generation. Shown as `w2.3` (generation 2, third write).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WriteId {
    /// The generation of the leader that accepted it from the client.
    pub gen: u64,
    /// Its number within that generation, from 1.
    pub n: u32,
}

impl fmt::Display for WriteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "w{}.{}", self.gen, self.n)
    }
}

/// Messages of the pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// The leader is alive, in generation `gen`.
    Heartbeat {
        /// The leader's generation.
        gen: u64,
    },
    /// A follower rejects a heartbeat, a write or a vote request from an older generation
    /// and returns the generation it has seen.
    Reject {
        /// The higher generation the follower has seen.
        gen: u64,
    },
    /// A candidate asks for a vote in generation `gen`.
    RequestVote {
        /// The generation the candidate stands in.
        gen: u64,
    },
    /// A server's answer to a vote request.
    Vote {
        /// The generation the vote is for.
        gen: u64,
        /// Whether the vote is granted.
        granted: bool,
    },
    /// The leader replicates a write to a follower, tagged with its generation.
    Replicate {
        /// The leader's generation.
        gen: u64,
        /// The write.
        write: WriteId,
    },
    /// A follower accepted a write.
    Accepted {
        /// The write.
        write: WriteId,
    },
    /// A client asks a server to write (request number `req`).
    ClientWrite {
        /// The client's request number.
        req: u32,
    },
    /// The write is acknowledged: a majority accepted it.
    WriteOk {
        /// The client's request number.
        req: u32,
        /// The write as the log holds it.
        write: WriteId,
    },
    /// This server is not the leader; try the hinted one.
    NotLeader {
        /// The client's request number.
        req: u32,
        /// Who this server believes leads.
        hint: Option<NodeId>,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Heartbeat { gen } => write!(f, "heartbeat gen={gen}"),
            Msg::Reject { gen } => write!(f, "reject: seen gen={gen}"),
            Msg::RequestVote { gen } => write!(f, "vote for me? gen={gen}"),
            Msg::Vote { gen, granted } => {
                write!(f, "vote gen={gen} {}", if *granted { "yes" } else { "no" })
            }
            Msg::Replicate { gen, write } => write!(f, "replicate {write} gen={gen}"),
            Msg::Accepted { write } => write!(f, "accepted {write}"),
            Msg::ClientWrite { req } => write!(f, "write r{req}"),
            Msg::WriteOk { req, write } => write!(f, "ok r{req} as {write}"),
            Msg::NotLeader { req, .. } => write!(f, "not leader (r{req})"),
        }
    }
}

/// Timers of the pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A follower heard no heartbeat in time: stand for election.
    ElectionTimeout,
    /// The leader's next heartbeat.
    HeartbeatTick,
    /// The client's next write.
    NextWrite,
    /// The client's write got no answer in time.
    WriteTimeout,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Timer::ElectionTimeout => "election-timeout",
            Timer::HeartbeatTick => "heartbeat-tick",
            Timer::NextWrite => "next-write",
            Timer::WriteTimeout => "write-timeout",
        })
    }
}

/// What a server accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accepted {
    /// A heartbeat.
    Heartbeat,
    /// A write.
    Write(WriteId),
}

/// The kind of message that told a leader of a higher generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heard {
    /// A follower rejected its heartbeat or write (the notes' answer).
    Rejection,
    /// A heartbeat of a newer leader.
    Heartbeat,
    /// A write replicated by a newer leader.
    Write,
    /// A candidate's vote request.
    VoteRequest,
    /// An answer to its own vote request.
    Vote,
}

impl fmt::Display for Heard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Heard::Rejection => "a rejection",
            Heard::Heartbeat => "a heartbeat",
            Heard::Write => "a replicated write",
            Heard::VoteRequest => "a vote request",
            Heard::Vote => "a vote",
        })
    }
}

/// Pattern-level events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// The server stands for election in a new generation.
    Campaign {
        /// The new generation.
        gen: u64,
    },
    /// The server voted.
    Voted {
        /// For whom.
        candidate: NodeId,
        /// In which generation.
        gen: u64,
    },
    /// The server became leader.
    Leader {
        /// Its generation.
        gen: u64,
    },
    /// The server accepted a heartbeat or a write from a leader of generation `from_gen`.
    Accept {
        /// What it accepted.
        what: Accepted,
        /// The generation the message carried.
        from_gen: u64,
    },
    /// The server rejected a message from an older generation.
    Rejected {
        /// The message's generation.
        from_gen: u64,
        /// The server's generation.
        seen: u64,
    },
    /// The leader learned a higher generation and stepped down.
    SteppedDown {
        /// The generation it learned.
        learned: u64,
        /// The kind of message it learned it from.
        from: Heard,
    },
    /// The leader acknowledged a write to the client: a majority accepted it.
    Acknowledged {
        /// The write.
        write: WriteId,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Campaign { gen } => write!(f, "stands for election in gen {gen}"),
            Note::Voted { gen, .. } => write!(f, "votes in gen {gen}"),
            Note::Leader { gen } => write!(f, "LEADER of gen {gen}"),
            Note::Accept {
                what: Accepted::Heartbeat,
                from_gen,
            } => write!(f, "accepts heartbeat of gen {from_gen}"),
            Note::Accept {
                what: Accepted::Write(w),
                from_gen,
            } => write!(f, "accepts {w} of gen {from_gen}"),
            Note::Rejected { from_gen, seen } => {
                write!(f, "rejects gen {from_gen} (has seen gen {seen})")
            }
            Note::SteppedDown { learned, from } => {
                write!(f, "steps down: learned gen {learned} from {from}")
            }
            Note::Acknowledged { write } => write!(f, "acknowledges {write} (majority)"),
        }
    }
}

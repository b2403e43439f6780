//! Messages, timers and notes of the consistent core.

use std::fmt;

use super::meta::{Entry, ReqId};
use crate::sim::node::NodeId;

/// Messages of the pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A candidate asks for a vote.
    RequestVote {
        /// Its term.
        term: u64,
        /// Its last log index.
        last_index: usize,
        /// The term of its last entry.
        last_term: u64,
    },
    /// A vote.
    Vote {
        /// The voter's term.
        term: u64,
        /// Whether granted.
        granted: bool,
    },
    /// The leader replicates entries (none: a heartbeat).
    Append {
        /// Its term.
        term: u64,
        /// The index before the entries.
        prev_index: usize,
        /// The term of that entry.
        prev_term: u64,
        /// The entries.
        entries: Vec<Entry>,
        /// The leader's commit index.
        commit: usize,
    },
    /// A follower's answer.
    AppendReply {
        /// The follower's term.
        term: u64,
        /// Whether the entries matched and were stored.
        ok: bool,
        /// How far the follower's log now matches (or a hint where to retry).
        matched: usize,
    },
    /// A follower passes a request on to the leader.
    Forward {
        /// Who asked.
        origin: NodeId,
        /// The request.
        request: Box<Msg>,
    },
    /// Set a metadata key.
    Put {
        /// The request.
        req: ReqId,
        /// The key.
        key: char,
        /// The value.
        value: u32,
    },
    /// Read a metadata key: through the leader (linearizable) or locally (maybe stale).
    Get {
        /// The request.
        req: ReqId,
        /// The key.
        key: char,
        /// Whether it must go through the leader.
        via_leader: bool,
    },
    /// Who owns a partition of the data cluster?
    WhoOwns {
        /// The request.
        req: ReqId,
        /// The partition.
        partition: u8,
    },
    /// A data node joins.
    Register,
    /// A data node renews its lease.
    Renew {
        /// Its renewal number.
        n: u32,
    },
    /// The put is acknowledged.
    PutOk {
        /// The request.
        req: ReqId,
    },
    /// A read's answer.
    GetOk {
        /// The request.
        req: ReqId,
        /// The value, if set.
        value: Option<u32>,
        /// Whether the leader answered through the log (else it may be stale).
        linearizable: bool,
    },
    /// The owner of a partition, as this management node knows it.
    Owner {
        /// The request.
        req: ReqId,
        /// The partition.
        partition: u8,
        /// Its owner, if any.
        owner: Option<NodeId>,
    },
    /// This node knows no leader to forward to; try another.
    NotLeader {
        /// A hint.
        hint: Option<NodeId>,
    },
    /// The data node is registered.
    Registered,
    /// The data node's lease is renewed: it owns these partitions.
    Lease {
        /// The renewal it answers.
        n: u32,
        /// The partitions it owns.
        partitions: Vec<u8>,
    },
    /// The client writes to a partition's owner.
    DataWrite {
        /// The request.
        req: ReqId,
        /// The partition.
        partition: u8,
        /// The value.
        value: u32,
    },
    /// The owner took the write.
    DataOk {
        /// The request.
        req: ReqId,
    },
    /// This data node does not own the partition (now).
    NotOwner {
        /// The request.
        req: ReqId,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::RequestVote { term, .. } => write!(f, "vote for me? term={term}"),
            Msg::Vote { term, granted } => {
                write!(
                    f,
                    "vote term={term} {}",
                    if *granted { "yes" } else { "no" }
                )
            }
            Msg::Append {
                term,
                prev_index,
                entries,
                commit,
                ..
            } => write!(
                f,
                "append term={term} after #{prev_index}: {} entries, commit #{commit}",
                entries.len()
            ),
            Msg::AppendReply { ok, matched, .. } => {
                write!(
                    f,
                    "append {} (matched #{matched})",
                    if *ok { "ok" } else { "refused" }
                )
            }
            Msg::Forward { request, .. } => write!(f, "forwarded: {request}"),
            Msg::Put { key, value, .. } => write!(f, "put {key}={value}"),
            Msg::Get {
                key, via_leader, ..
            } => {
                write!(
                    f,
                    "get {key}{}",
                    if *via_leader {
                        " through the leader"
                    } else {
                        ""
                    }
                )
            }
            Msg::WhoOwns { partition, .. } => write!(f, "who owns p{partition}?"),
            Msg::Register => f.write_str("register"),
            Msg::Renew { n } => write!(f, "renew lease #{n}"),
            Msg::PutOk { .. } => f.write_str("put ok"),
            Msg::GetOk {
                value,
                linearizable,
                ..
            } => write!(
                f,
                "value {} ({})",
                value.map_or("none".to_string(), |v| v.to_string()),
                if *linearizable {
                    "latest"
                } else {
                    "may be stale"
                }
            ),
            Msg::Owner {
                partition, owner, ..
            } => write!(
                f,
                "p{partition} is owned by {}",
                owner.map_or("nobody".to_string(), |o| format!("node {}", o.0))
            ),
            Msg::NotLeader { .. } => f.write_str("no leader known"),
            Msg::Registered => f.write_str("registered"),
            Msg::Lease { n, partitions } => write!(f, "lease #{n}: owns {partitions:?}"),
            Msg::DataWrite {
                partition, value, ..
            } => write!(f, "write p{partition}={value}"),
            Msg::DataOk { .. } => f.write_str("write ok"),
            Msg::NotOwner { .. } => f.write_str("not the owner"),
        }
    }
}

/// Timers of the pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// No heartbeat: stand for election.
    ElectionTimeout,
    /// The leader's next heartbeat.
    HeartbeatTick,
    /// The leader has heard no renewal from this data node for a lease and a margin.
    LeaseCheck(NodeId),
    /// A data node's next renewal.
    RenewTick,
    /// A data node's lease from renewal number `n` ends.
    LeaseEnd(u32),
    /// A data node's registration got no answer.
    RegisterRetry,
    /// The client's next operation.
    NextOp,
    /// The client's request got no answer.
    RequestTimeout,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::ElectionTimeout => f.write_str("election-timeout"),
            Timer::HeartbeatTick => f.write_str("heartbeat-tick"),
            Timer::LeaseCheck(d) => write!(f, "lease-check node {}", d.0),
            Timer::RenewTick => f.write_str("renew-tick"),
            Timer::LeaseEnd(n) => write!(f, "lease #{n} ends"),
            Timer::RegisterRetry => f.write_str("register-retry"),
            Timer::NextOp => f.write_str("next-op"),
            Timer::RequestTimeout => f.write_str("request-timeout"),
        }
    }
}

/// Pattern-level events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// A management node became leader.
    Leader {
        /// Its term.
        term: u64,
    },
    /// A management node applied a committed entry.
    Applied {
        /// The log index.
        index: usize,
        /// The entry's term.
        term: u64,
        /// The command, in words (with node names).
        what: String,
    },
    /// The leader acknowledged a put to the client.
    Acked {
        /// The put's log index.
        index: usize,
        /// The put's term.
        term: u64,
        /// The key.
        key: char,
        /// The value.
        value: u32,
    },
    /// The leader answered a read through the log.
    ReadServed {
        /// The key.
        key: char,
        /// The log index of the put whose value it returned.
        from_index: Option<usize>,
    },
    /// A data node holds a lease on these partitions.
    Holds {
        /// The renewal.
        n: u32,
        /// The partitions.
        partitions: Vec<u8>,
    },
    /// A data node's lease ran out.
    Lapsed,
    /// A data node took a write.
    Stored {
        /// The partition.
        partition: u8,
        /// The value.
        value: u32,
    },
    /// The client finished an operation.
    Done {
        /// What it learned.
        what: String,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Leader { term } => write!(f, "LEADER of term {term}"),
            Note::Applied { index, what, .. } => write!(f, "applied #{index}: {what}"),
            Note::Acked {
                index, key, value, ..
            } => write!(f, "acknowledged put {key}={value} (#{index})"),
            Note::ReadServed { key, .. } => write!(f, "read {key} through the log"),
            Note::Holds { n, partitions } => write!(f, "holds lease #{n} on {partitions:?}"),
            Note::Lapsed => f.write_str("lease lapsed: owns nothing"),
            Note::Stored { partition, value } => write!(f, "stored p{partition}={value}"),
            Note::Done { what } => f.write_str(what),
        }
    }
}

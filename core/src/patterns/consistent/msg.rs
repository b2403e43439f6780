//! Messages, timers and notes of the consistent core.

use std::fmt;
use std::sync::Arc;

use super::meta::{Cmd, Entry, ReqId};
use crate::sim::node::NodeId;

/// A node with its stage name, so that messages, timers and notes say "d1", never "node 4".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    /// The node.
    pub id: NodeId,
    /// Its name on the stage.
    pub name: Arc<str>,
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// A partition a data node owns, with its fencing token: the log index of the entry that
/// gave the partition to this owner, so a later owner always holds a larger token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owned {
    /// The partition.
    pub partition: u8,
    /// The fencing token.
    pub token: usize,
}

impl fmt::Display for Owned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{} (token {})", self.partition, self.token)
    }
}

fn list(owned: &[Owned]) -> String {
    if owned.is_empty() {
        return "nothing".into();
    }
    let parts: Vec<String> = owned.iter().map(Owned::to_string).collect();
    parts.join(", ")
}

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
        /// Whether it must go through the leader (its answer is then current, not a
        /// follower's copy that may lag).
        via_leader: bool,
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
        owner: Option<Peer>,
        /// The management leader this node follows, if it hears from one.
        leader: Option<Peer>,
    },
    /// This node has heard from no leader lately (an election is likely under way), so it
    /// does not forward the request: ask again shortly.
    NotLeader {
        /// The request, if a client's.
        req: Option<ReqId>,
    },
    /// The data node is registered.
    Registered,
    /// The data node's lease is renewed: it owns these partitions.
    Lease {
        /// The renewal it answers.
        n: u32,
        /// The partitions it owns, with their fencing tokens.
        partitions: Vec<Owned>,
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
    /// A data node stores a write in the partition store, with its fencing token.
    Persist {
        /// The client's request.
        req: ReqId,
        /// The partition and the writer's token for it.
        owned: Owned,
        /// The value.
        value: u32,
    },
    /// The store's answer to a persist.
    Persisted {
        /// The client's request.
        req: ReqId,
        /// Whether it stored the write (else the token was older than one it has seen).
        ok: bool,
    },
    /// The leader tells the store a partition's fencing token before granting it.
    Fence(Owned),
    /// The store knows the token.
    FenceOk(Owned),
}

impl Msg {
    /// The client request a message carries or answers, if any.
    pub fn req(&self) -> Option<ReqId> {
        match self {
            Msg::Put { req, .. }
            | Msg::Get { req, .. }
            | Msg::WhoOwns { req, .. }
            | Msg::PutOk { req }
            | Msg::GetOk { req, .. }
            | Msg::Owner { req, .. }
            | Msg::DataWrite { req, .. }
            | Msg::DataOk { req }
            | Msg::NotOwner { req }
            | Msg::Persist { req, .. }
            | Msg::Persisted { req, .. } => Some(*req),
            Msg::NotLeader { req, .. } => *req,
            Msg::Forward { request, .. } => request.req(),
            _ => None,
        }
    }
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
            Msg::WhoOwns {
                partition,
                via_leader,
                ..
            } => {
                let how = if *via_leader {
                    " (through the leader)"
                } else {
                    ""
                };
                write!(f, "who owns p{partition}?{how}")
            }
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
                partition,
                owner,
                leader,
                ..
            } => {
                match owner {
                    Some(o) => write!(f, "p{partition} is owned by {o}")?,
                    None => write!(f, "p{partition} is owned by nobody")?,
                }
                match leader {
                    Some(l) => write!(f, "; leader {l}"),
                    None => f.write_str("; no leader now"),
                }
            }
            Msg::NotLeader { .. } => f.write_str("no leader now: retry soon"),
            Msg::Registered => f.write_str("registered"),
            Msg::Lease { n, partitions } => write!(f, "lease #{n}: owns {}", list(partitions)),
            Msg::DataWrite {
                partition, value, ..
            } => write!(f, "write p{partition}={value}"),
            Msg::DataOk { .. } => f.write_str("write ok"),
            Msg::NotOwner { .. } => f.write_str("not the owner"),
            Msg::Persist { owned, value, .. } => write!(
                f,
                "store p{}={value} with token {}",
                owned.partition, owned.token
            ),
            Msg::Persisted { ok, .. } => f.write_str(if *ok {
                "stored"
            } else {
                "refused: an older token"
            }),
            Msg::Fence(owned) => write!(f, "fence {owned}"),
            Msg::FenceOk(owned) => write!(f, "fenced {owned}"),
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
    LeaseCheck(Peer),
    /// A data node's next renewal.
    RenewTick,
    /// A data node's lease from renewal number `n` may have ended: it reads its wall clock.
    LeaseEnd(u32),
    /// A data node registers with the core.
    Join,
    /// A data node's registration got no answer.
    RegisterRetry,
    /// The client's next operation.
    NextOp,
    /// The client's request got no answer.
    RequestTimeout,
    /// The client asks the same management node again (it heard no leader yet).
    RetrySoon,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::ElectionTimeout => f.write_str("election-timeout"),
            Timer::HeartbeatTick => f.write_str("heartbeat-tick"),
            Timer::LeaseCheck(d) => write!(f, "lease-check {d}"),
            Timer::RenewTick => f.write_str("renew-tick"),
            Timer::LeaseEnd(n) => write!(f, "lease #{n} ends"),
            Timer::Join => f.write_str("join"),
            Timer::RegisterRetry => f.write_str("register-retry"),
            Timer::NextOp => f.write_str("next-op"),
            Timer::RequestTimeout => f.write_str("request-timeout"),
            Timer::RetrySoon => f.write_str("retry-soon"),
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
        /// The command.
        cmd: Cmd,
        /// The command, in words (with node names).
        what: String,
    },
    /// A management node skipped a committed put: a retry of a request it already applied.
    Skipped {
        /// The retry's log index.
        index: usize,
        /// The log index where the request was applied.
        first: usize,
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
        /// The partitions, with their fencing tokens.
        partitions: Vec<Owned>,
    },
    /// A data node's lease ran out, on its own wall clock.
    Lapsed,
    /// The store took a data node's write.
    Stored {
        /// The data node that sent it.
        writer: Peer,
        /// The partition and the writer's token.
        owned: Owned,
        /// The value.
        value: u32,
    },
    /// The store refused a data node's write: its token is older than one it has seen.
    Fenced {
        /// The data node that sent it.
        writer: Peer,
        /// The partition and the writer's token.
        owned: Owned,
        /// The newest token the store has seen for the partition.
        newest: usize,
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
            Note::Skipped { index, first } => {
                write!(
                    f,
                    "skipped #{index}: a retry of the put applied at #{first}"
                )
            }
            Note::Holds { n, partitions } => write!(f, "holds lease #{n} on {}", list(partitions)),
            Note::Lapsed => f.write_str("lease lapsed: owns nothing"),
            Note::Stored {
                writer,
                owned,
                value,
            } => write!(
                f,
                "stored p{}={value} from {writer} (token {})",
                owned.partition, owned.token
            ),
            Note::Fenced {
                writer,
                owned,
                newest,
            } => write!(
                f,
                "refused {writer}'s write to p{}: token {} < {newest} (fenced)",
                owned.partition, owned.token
            ),
            Note::Done { what } => f.write_str(what),
        }
    }
}

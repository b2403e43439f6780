//! The management cluster's replicated state: commands, log entries and the metadata they
//! build (key-value pairs, data-cluster membership, and which data node owns what).

use std::collections::{BTreeMap, BTreeSet};

use super::dedup::RequestTable;
use super::msg::Owned;
use crate::sim::node::NodeId;

/// A client request's identity: the client and its request number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReqId {
    /// The client.
    pub client: NodeId,
    /// Its request number.
    pub n: u32,
}

/// A command in the management log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmd {
    /// A new leader's first entry, committing everything before it.
    Noop,
    /// Set a metadata key.
    Put {
        /// The key.
        key: char,
        /// The value.
        value: u32,
        /// The request.
        req: ReqId,
    },
    /// A linearizable read, answered when applied.
    Read {
        /// The key.
        key: char,
        /// The request.
        req: ReqId,
    },
    /// A data node joins.
    Register(NodeId),
    /// A data node renews its lease (number `n` of its renewals).
    Renew(NodeId, u32),
    /// A data node's lease expired: it leaves, and what it owned is reassigned.
    Expire(NodeId),
}

impl Cmd {
    /// The command in words, naming nodes with `name`.
    pub fn describe(&self, name: impl Fn(NodeId) -> String) -> String {
        match self {
            Cmd::Noop => "no-op".into(),
            Cmd::Put { key, value, .. } => format!("put {key}={value}"),
            Cmd::Read { key, .. } => format!("read {key}"),
            Cmd::Register(d) => format!("register {}", name(*d)),
            Cmd::Renew(d, n) => format!("renew {} #{n}", name(*d)),
            Cmd::Expire(d) => format!("expire {}", name(*d)),
        }
    }
}

/// A log entry: the command and the term (generation) of the leader that appended it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The leader's term.
    pub term: u64,
    /// The command.
    pub cmd: Cmd,
}

/// The metadata the management cluster keeps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// Key-value pairs, with the log index of the put that set each.
    pub kv: BTreeMap<char, (u32, usize)>,
    /// Data nodes with a lease.
    pub members: BTreeSet<NodeId>,
    /// Which data node owns each partition, with the fencing token of that ownership
    /// (the log index of the entry that gave it).
    pub owners: BTreeMap<u8, (NodeId, usize)>,
    /// The last put applied per client, to answer retries without applying them twice.
    pub requests: RequestTable,
}

/// What applying a command did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// It took effect.
    Done,
    /// A put already applied at this index: it was skipped.
    Retry(usize),
}

impl Meta {
    /// Applies the command at log index `index`, with `partitions` partitions in all.
    pub fn apply(&mut self, index: usize, cmd: Cmd, partitions: u8) -> Applied {
        match cmd {
            Cmd::Put { key, value, req } => {
                if let Some(first) = self.requests.applied_at(req) {
                    return Applied::Retry(first);
                }
                self.requests.record(req, index);
                self.kv.insert(key, (value, index));
            }
            Cmd::Register(d) => {
                // A newcomer takes the first partition nobody owns, if any.
                if self.members.insert(d) {
                    if let Some(p) = (1..=partitions).find(|p| !self.owners.contains_key(p)) {
                        self.owners.insert(p, (d, index));
                    }
                }
            }
            Cmd::Expire(d) => {
                self.members.remove(&d);
                let heir = self.members.iter().next().copied();
                for p in 1..=partitions {
                    if self.owner(p) == Some(d) {
                        match heir {
                            Some(h) => self.owners.insert(p, (h, index)),
                            None => self.owners.remove(&p),
                        };
                    }
                }
            }
            Cmd::Noop | Cmd::Read { .. } | Cmd::Renew(..) => {}
        }
        Applied::Done
    }

    /// The owner of partition `p`, if any.
    pub fn owner(&self, p: u8) -> Option<NodeId> {
        self.owners.get(&p).map(|(o, _)| *o)
    }

    /// The partitions `d` owns, with their fencing tokens.
    pub fn owned_by(&self, d: NodeId) -> Vec<Owned> {
        self.owners
            .iter()
            .filter(|(_, (o, _))| *o == d)
            .map(|(p, (_, token))| Owned {
                partition: *p,
                token: *token,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expired_owner_hands_its_partitions_to_a_member() {
        let mut m = Meta::default();
        m.apply(1, Cmd::Register(NodeId(4)), 2);
        m.apply(2, Cmd::Register(NodeId(5)), 2);
        let parts = |d| {
            m.owned_by(NodeId(d))
                .iter()
                .map(|o| (o.partition, o.token))
                .collect::<Vec<_>>()
        };
        assert_eq!(parts(4), vec![(1, 1)]);
        assert_eq!(parts(5), vec![(2, 2)]);
        m.apply(3, Cmd::Expire(NodeId(4)), 2);
        let parts = |d| {
            m.owned_by(NodeId(d))
                .iter()
                .map(|o| (o.partition, o.token))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            parts(5),
            vec![(1, 3), (2, 2)],
            "the new owner of p1 has a larger token"
        );
        m.apply(4, Cmd::Expire(NodeId(5)), 2);
        assert!(m.owners.is_empty());
    }

    #[test]
    fn a_retried_put_is_applied_once() {
        let mut m = Meta::default();
        let req = ReqId {
            client: NodeId(0),
            n: 1,
        };
        let put = |value| Cmd::Put {
            key: 'x',
            value,
            req,
        };
        assert_eq!(m.apply(2, put(1), 2), Applied::Done);
        assert_eq!(m.apply(3, put(1), 2), Applied::Retry(2));
        assert_eq!(m.kv.get(&'x'), Some(&(1, 2)));
    }
}

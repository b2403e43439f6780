//! The management cluster's replicated state: commands, log entries and the metadata they
//! build (key-value pairs, data-cluster membership, and which data node owns what).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

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

impl fmt::Display for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cmd::Noop => f.write_str("no-op"),
            Cmd::Put { key, value, .. } => write!(f, "put {key}={value}"),
            Cmd::Read { key, .. } => write!(f, "read {key}"),
            Cmd::Register(d) => write!(f, "register node {}", d.0),
            Cmd::Renew(d, n) => write!(f, "renew node {} #{n}", d.0),
            Cmd::Expire(d) => write!(f, "expire node {}", d.0),
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
    /// Which data node owns each partition.
    pub owners: BTreeMap<u8, NodeId>,
}

impl Meta {
    /// Applies the command at log index `index`, with `partitions` partitions in all.
    pub fn apply(&mut self, index: usize, cmd: Cmd, partitions: u8) {
        match cmd {
            Cmd::Put { key, value, .. } => {
                self.kv.insert(key, (value, index));
            }
            Cmd::Register(d) => {
                // A newcomer takes the first partition nobody owns, if any.
                if self.members.insert(d) {
                    if let Some(p) = (1..=partitions).find(|p| !self.owners.contains_key(p)) {
                        self.owners.insert(p, d);
                    }
                }
            }
            Cmd::Expire(d) => {
                self.members.remove(&d);
                let heir = self.members.iter().next().copied();
                for p in 1..=partitions {
                    if self.owners.get(&p) == Some(&d) {
                        match heir {
                            Some(h) => self.owners.insert(p, h),
                            None => self.owners.remove(&p),
                        };
                    }
                }
            }
            Cmd::Noop | Cmd::Read { .. } | Cmd::Renew(..) => {}
        }
    }

    /// The partitions `d` owns.
    pub fn owned_by(&self, d: NodeId) -> Vec<u8> {
        self.owners
            .iter()
            .filter(|(_, o)| **o == d)
            .map(|(p, _)| *p)
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
        assert_eq!(m.owned_by(NodeId(4)), vec![1]);
        assert_eq!(m.owned_by(NodeId(5)), vec![2]);
        m.apply(3, Cmd::Expire(NodeId(4)), 2);
        assert_eq!(m.owned_by(NodeId(5)), vec![1, 2]);
        m.apply(4, Cmd::Expire(NodeId(5)), 2);
        assert!(m.owners.is_empty());
    }
}

//! Checks the consistent core's promises after every step.
//!
//! - Acknowledged metadata: every entry the leader acknowledged is remembered with its log
//!   index and term; it is lost as soon as any management node applies a different entry
//!   at that index.
//! - Leases: a data node holds partition p from when the leader sent the grant until a
//!   lease's length (in virtual time) after the node asked for that renewal. The checker
//!   builds these intervals from the trace and checks that no two nodes' intervals for one
//!   partition overlap: the core's promise. A node whose clock is wrong may believe in its
//!   lease for longer; what that costs is checked by "writes inside the lease".
//! - Reads through the leader: the value returned comes from a put at least as recent as
//!   every put acknowledged before.
//! - Puts applied once: no management node applies the same client's put of the same
//!   value at two log indices (a retry applied again). Keyed by the client node and what it
//!   asked, not by the request numbers the mechanism uses.
//! - Writes inside the lease: the store takes no write that a data node applied (sent to
//!   the store) outside its lease on the partition as the core granted it: from the
//!   leader's grant (a `Lease` message listing the partition) until a grant that no longer
//!   lists it, or a grant of the partition to another node. A write applied inside the
//!   lease that reaches the store late is fine: the store orders it before the new owner's.

use imbl::OrdMap;

use std::collections::BTreeMap;

use super::meta::Cmd;
use super::msg::{Msg, Note};
use super::node::ConsistentNode;
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::node::NodeId;
use crate::sim::time::SimTime;
use crate::sim::trace::{EventKind, MessageRecord, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "acked-never-lost",
        sentence: "Metadata acknowledged to a client is never lost while a majority of the \
                   management cluster is up.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "one-lease-holder",
        sentence: "The core never grants a lease on a partition while another data node's \
                   lease on it may still run (a lease's length after that node asked, in \
                   virtual time).",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "writes-inside-lease",
        sentence: "The store takes no write that a data node applied outside its lease on \
                   the partition (before the core granted it, or after the core granted the \
                   partition to another node).",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "put-applied-once",
        sentence: "A put a client asked for once is applied once, however often it was retried.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "leader-reads-latest",
        sentence: "Reads through the leader return the latest acknowledged value.",
        kind: PropertyKind::Guarantee,
    },
];

const NEVER_LOST: usize = 0;
const ONE_HOLDER: usize = 1;
const INSIDE_LEASE: usize = 2;
const APPLIED_ONCE: usize = 3;
const LATEST: usize = 4;

/// A lease interval of one node on one partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Held {
    node: NodeId,
    from: SimTime,
    until: SimTime,
}

/// The consistent core's checker.
#[derive(Clone, Debug)]
pub struct ConsistentChecker {
    names: Vec<String>,
    lease_us: u64,
    acked: OrdMap<usize, (u64, char)>,
    applied: OrdMap<usize, u64>,
    renew_sent: OrdMap<(NodeId, u32), SimTime>,
    grant_sent: OrdMap<(NodeId, u32), SimTime>,
    leases: BTreeMap<u8, Vec<Held>>,
    /// Per (data node, partition): when the core granted its lease, while it has it.
    granted: BTreeMap<(NodeId, u8), SimTime>,
    /// The last grant of each partition: to whom and when.
    given: BTreeMap<u8, (NodeId, SimTime)>,
    /// Per (data node, partition, value): when the node sent that write to the store, and
    /// why that instant was outside its lease, if it was.
    persists: OrdMap<(NodeId, u8, u32), (SimTime, Option<String>)>,
    /// Per (management node, client, key, value): the log index where that put applied.
    puts: OrdMap<(NodeId, NodeId, char, u32), usize>,
    found: Vec<Breach>,
}

impl ConsistentChecker {
    /// A checker for nodes `names`, with leases of `lease_us`.
    pub fn new(names: &[String], lease_us: u64) -> ConsistentChecker {
        ConsistentChecker {
            names: names.to_vec(),
            lease_us,
            acked: OrdMap::new(),
            applied: OrdMap::new(),
            renew_sent: OrdMap::new(),
            grant_sent: OrdMap::new(),
            leases: BTreeMap::new(),
            granted: BTreeMap::new(),
            given: BTreeMap::new(),
            puts: OrdMap::new(),
            persists: OrdMap::new(),
            found: Vec::new(),
        }
    }

    fn name(&self, id: NodeId) -> &str {
        self.names.get(id.index()).map_or("?", String::as_str)
    }

    fn conflict(
        &mut self,
        index: usize,
        acked_term: u64,
        other_term: u64,
        key: char,
        event: usize,
    ) {
        if acked_term != other_term {
            self.found.push(Breach {
                property: NEVER_LOST,
                event: Some(event),
                detail: format!(
                    "the put of {key} acknowledged at #{index} (term {acked_term}) was replaced \
                     there by an entry of term {other_term}"
                ),
            });
        }
    }
}

impl Checker<ConsistentNode> for ConsistentChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<ConsistentNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        let Some(node) = event.node else { return };
        match (&event.kind, msg.map(|m| (&m.payload, m.to))) {
            (EventKind::Send { .. }, Some((Msg::Renew { n }, _))) => {
                self.renew_sent.entry((node, *n)).or_insert(event.time);
            }
            (EventKind::Send { .. }, Some((Msg::Lease { n, partitions }, to))) => {
                self.grant_sent.entry((to, *n)).or_insert(event.time);
                // A grant lists what the node owns now: it keeps what it had, gains new
                // partitions, and loses the rest; whoever held a partition granted to it
                // has lost it.
                self.granted.retain(|(d, p), _| {
                    let listed = partitions.iter().any(|o| o.partition == *p);
                    if *d == to {
                        listed
                    } else {
                        !listed
                    }
                });
                for o in partitions {
                    // A renewal keeps the time of the grant that began the holding.
                    let since = *self.granted.entry((to, o.partition)).or_insert(event.time);
                    self.given.insert(o.partition, (to, since));
                }
            }
            (EventKind::Send { .. }, Some((Msg::Persist { owned, value, .. }, _))) => {
                // The data node applies the write now; judge it against the lease now.
                let p = owned.partition;
                let outside = (!self.granted.contains_key(&(node, p))).then(|| {
                    let writer = self.name(node);
                    match self.given.get(&p) {
                        Some((other, at)) if *other != node => {
                            format!("the core had granted p{p} to {} at {at}", self.name(*other))
                        }
                        _ => format!("{writer} held no lease on p{p}"),
                    }
                });
                self.persists
                    .insert((node, p, *value), (event.time, outside));
            }
            (
                EventKind::Note(Note::Stored {
                    writer,
                    owned,
                    value,
                }),
                _,
            ) => {
                let p = owned.partition;
                if let Some((sent, Some(why))) = self.persists.get(&(writer.id, p, *value)) {
                    let detail = format!(
                        "the store took {writer}'s write p{p}={value}, sent at {sent}, but {why}"
                    );
                    self.found.push(Breach {
                        property: INSIDE_LEASE,
                        event: Some(index),
                        detail,
                    });
                }
            }
            (EventKind::Note(Note::Holds { n, partitions }), _) => {
                let (Some(&asked), Some(&granted)) = (
                    self.renew_sent.get(&(node, *n)),
                    self.grant_sent.get(&(node, *n)),
                ) else {
                    return;
                };
                let held = Held {
                    node,
                    from: granted,
                    until: asked.plus_micros(self.lease_us),
                };
                for p in partitions.iter().map(|o| &o.partition) {
                    let holders = self.leases.entry(*p).or_default();
                    let clash = holders
                        .iter()
                        .find(|h| h.node != node && h.from < held.until && held.from < h.until)
                        .copied();
                    // A renewal that overlaps the node's latest hold extends it: the list
                    // grows with tenures, not with renewals, and clashes are the same.
                    match holders.iter_mut().rev().find(|h| h.node == node) {
                        Some(last) if last.from <= held.until && held.from <= last.until => {
                            last.from = last.from.min(held.from);
                            last.until = last.until.max(held.until);
                        }
                        _ => holders.push(held),
                    }
                    if let Some(other) = clash {
                        let detail = format!(
                            "{} holds p{p} from {} to {} while {} holds it from {} to {}",
                            self.name(node),
                            held.from,
                            held.until,
                            self.name(other.node),
                            other.from,
                            other.until
                        );
                        self.found.push(Breach {
                            property: ONE_HOLDER,
                            event: Some(index),
                            detail,
                        });
                    }
                }
            }
            (
                EventKind::Note(Note::Acked {
                    index: at,
                    term,
                    key,
                    ..
                }),
                _,
            ) => {
                self.acked.insert(*at, (*term, *key));
                if let Some(&other) = self.applied.get(at) {
                    self.conflict(*at, *term, other, *key, index);
                }
            }
            (
                EventKind::Note(Note::Applied {
                    index: at,
                    term,
                    cmd,
                    ..
                }),
                _,
            ) => {
                self.applied.entry(*at).or_insert(*term);
                if let Cmd::Put { key, value, req } = *cmd {
                    let first = *self
                        .puts
                        .entry((node, req.client, key, value))
                        .or_insert(*at);
                    if first != *at {
                        let detail = format!(
                            "{} applied {}'s put {key}={value} at #{first} and again at #{at}",
                            self.name(node),
                            self.name(req.client)
                        );
                        self.found.push(Breach {
                            property: APPLIED_ONCE,
                            event: Some(index),
                            detail,
                        });
                    }
                }
                if let Some(&(acked, key)) = self.acked.get(at) {
                    self.conflict(*at, acked, *term, key, index);
                }
            }
            (EventKind::Note(Note::ReadServed { key, from_index }), _) => {
                let latest = self
                    .acked
                    .iter()
                    .filter(|(_, (_, k))| k == key)
                    .map(|(i, _)| *i)
                    .max();
                if let Some(latest) = latest {
                    if from_index.is_none_or(|i| i < latest) {
                        self.found.push(Breach {
                            property: LATEST,
                            event: Some(index),
                            detail: format!(
                                "a read of {key} through the leader returned the put at {} but \
                                 the put at #{latest} was acknowledged",
                                from_index.map_or("nothing".to_string(), |i| format!("#{i}"))
                            ),
                        });
                    }
                }
            }
            _ => {}
        }
    }

    fn check(&mut self, _nodes: &[ConsistentNode], _world: &World<'_>, out: &mut Vec<Breach>) {
        out.append(&mut self.found);
    }

    fn facts(&self, nodes: &[ConsistentNode]) -> Vec<(&'static str, String)> {
        let leader = nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.management().is_some_and(|m| m.leading()))
            .map(|(i, _)| self.names[i].clone())
            .collect::<Vec<_>>();
        let owners = nodes
            .iter()
            .filter_map(ConsistentNode::management)
            .find(|m| m.leading())
            .map(|m| {
                m.meta()
                    .owners
                    .iter()
                    .map(|(p, (o, _))| format!("p{p}→{}", self.name(*o)))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        vec![
            (
                "Management leader",
                if leader.is_empty() {
                    "none (election)".into()
                } else {
                    leader.join(", ")
                },
            ),
            (
                "Owners, as the leader knows them",
                if owners.is_empty() {
                    "none".into()
                } else {
                    owners
                },
            ),
            ("Acknowledged puts", self.acked.len().to_string()),
        ]
    }
}

#[cfg(test)]
mod tests;

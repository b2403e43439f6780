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
    acked: BTreeMap<usize, (u64, char)>,
    applied: BTreeMap<usize, u64>,
    renew_sent: BTreeMap<(NodeId, u32), SimTime>,
    grant_sent: BTreeMap<(NodeId, u32), SimTime>,
    leases: BTreeMap<u8, Vec<Held>>,
    /// Per (data node, partition): when the core granted its lease, while it has it.
    granted: BTreeMap<(NodeId, u8), SimTime>,
    /// The last grant of each partition: to whom and when.
    given: BTreeMap<u8, (NodeId, SimTime)>,
    /// Per (data node, partition, value): when the node sent that write to the store, and
    /// why that instant was outside its lease, if it was.
    persists: BTreeMap<(NodeId, u8, u32), (SimTime, Option<String>)>,
    /// Per (management node, client, key, value): the log index where that put applied.
    puts: BTreeMap<(NodeId, NodeId, char, u32), usize>,
    found: Vec<Breach>,
}

impl ConsistentChecker {
    /// A checker for nodes `names`, with leases of `lease_us`.
    pub fn new(names: &[String], lease_us: u64) -> ConsistentChecker {
        ConsistentChecker {
            names: names.to_vec(),
            lease_us,
            acked: BTreeMap::new(),
            applied: BTreeMap::new(),
            renew_sent: BTreeMap::new(),
            grant_sent: BTreeMap::new(),
            leases: BTreeMap::new(),
            granted: BTreeMap::new(),
            given: BTreeMap::new(),
            puts: BTreeMap::new(),
            persists: BTreeMap::new(),
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
                    self.granted.entry((to, o.partition)).or_insert(event.time);
                    self.given.insert(o.partition, (to, event.time));
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
                    holders.push(held);
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
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::patterns::consistent::meta::ReqId;
    use crate::patterns::consistent::msg::{Owned, Peer};
    use crate::sim::node::NodeStatus;
    use crate::sim::trace::{Fate, MsgId};

    // Nodes: c1 (0), m1 (1), m2 (2), d1 (3), d2 (4), s1 (5).
    const C1: u32 = 0;
    const M1: u32 = 1;
    const M2: u32 = 2;
    const D1: u32 = 3;
    const D2: u32 = 4;
    const S1: u32 = 5;
    const LEASE: u64 = 300;

    fn names() -> Vec<String> {
        ["c1", "m1", "m2", "d1", "d2", "s1"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    fn peer(id: u32) -> Peer {
        Peer {
            id: NodeId(id),
            name: Arc::from(names()[id as usize].as_str()),
        }
    }

    /// One step of a hand-built trace: at `time`, on `node`, an event with its message.
    struct Step {
        time: u64,
        node: u32,
        kind: EventKind<ConsistentNode>,
        msg: Option<MessageRecord<Msg>>,
    }

    fn note(time: u64, node: u32, note: Note) -> Step {
        Step {
            time,
            node,
            kind: EventKind::Note(note),
            msg: None,
        }
    }

    fn send(time: u64, from: u32, to: u32, payload: Msg) -> Step {
        Step {
            time,
            node: from,
            kind: EventKind::Send {
                msg: MsgId(0),
                to: NodeId(to),
                fate: Fate::Arrives(SimTime(time + 1)),
            },
            msg: Some(MessageRecord {
                from: NodeId(from),
                to: NodeId(to),
                sent_at: SimTime(time),
                copy_of: None,
                payload,
            }),
        }
    }

    fn applied(time: u64, node: u32, index: usize, term: u64, cmd: Cmd) -> Step {
        note(
            time,
            node,
            Note::Applied {
                index,
                term,
                cmd,
                what: String::new(),
            },
        )
    }

    fn owned(partition: u8, token: usize) -> Owned {
        Owned { partition, token }
    }

    /// Feeds the steps to a checker and returns the ids of the properties broken, with
    /// the event that broke each.
    fn run(steps: Vec<Step>) -> Vec<(&'static str, Option<usize>, String)> {
        let mut checker = ConsistentChecker::new(&names(), LEASE);
        let mut out = Vec::new();
        for (i, step) in steps.into_iter().enumerate() {
            let event = TraceEvent {
                time: SimTime(step.time),
                node: Some(NodeId(step.node)),
                kind: step.kind,
            };
            checker.observe(i, &event, step.msg.as_ref());
            let world = World {
                now: SimTime(step.time),
                status: &[NodeStatus::Up; 6],
                clocks: &[],
            };
            checker.check(&[], &world, &mut out);
        }
        out.into_iter()
            .map(|b| (PROPERTIES[b.property].id, b.event, b.detail))
            .collect()
    }

    fn put(n: u32, value: u32) -> Cmd {
        Cmd::Put {
            key: 'x',
            value,
            req: ReqId {
                client: NodeId(C1),
                n,
            },
        }
    }

    #[test]
    fn an_acknowledged_put_replaced_by_another_term_is_lost() {
        let acked = Note::Acked {
            index: 2,
            term: 1,
            key: 'x',
            value: 1,
        };
        let broken = run(vec![note(10, M1, acked), applied(20, M2, 2, 2, Cmd::Noop)]);
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert_eq!(broken[0].0, "acked-never-lost");
        assert_eq!(broken[0].1, Some(1));
        assert!(broken[0].2.contains("replaced there by an entry of term 2"));
        // The same index applied with the acknowledged term breaks nothing.
        let acked = Note::Acked {
            index: 2,
            term: 1,
            key: 'x',
            value: 1,
        };
        assert!(run(vec![note(10, M1, acked), applied(20, M2, 2, 1, put(1, 1))]).is_empty());
    }

    #[test]
    fn two_data_nodes_holding_one_partition_at_once_are_caught() {
        let lease = |n| Msg::Lease {
            n,
            partitions: vec![owned(1, 2)],
        };
        let holds = |n| Note::Holds {
            n,
            partitions: vec![owned(1, 2)],
        };
        let steps = |d2_asks: u64| {
            vec![
                send(0, D1, M1, Msg::Renew { n: 1 }),
                send(5, M1, D1, lease(1)),
                note(6, D1, holds(1)),
                send(d2_asks, D2, M1, Msg::Renew { n: 1 }),
                send(d2_asks + 5, M1, D2, lease(1)),
                note(d2_asks + 6, D2, holds(1)),
            ]
        };
        // d1 holds p1 from 5 until 0 + 300; d2 is granted p1 at 105: they overlap.
        let broken = run(steps(100));
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert_eq!(broken[0].0, "one-lease-holder");
        assert_eq!(broken[0].1, Some(5));
        // d2 granted after d1's lease ended: no overlap.
        assert!(run(steps(400)).is_empty());
    }

    #[test]
    fn a_write_applied_after_the_core_expired_the_writer_is_caught() {
        let write = |time, writer: u32, value| {
            let persist = Msg::Persist {
                req: ReqId {
                    client: NodeId(C1),
                    n: value,
                },
                owned: owned(1, 2),
                value,
            };
            let stored = Note::Stored {
                writer: peer(writer),
                owned: owned(1, 2),
                value,
            };
            [send(time, writer, S1, persist), note(time + 2, S1, stored)]
        };
        let grant = |time, partitions| send(time, M1, D1, Msg::Lease { n: 1, partitions });
        let to_d2 = || {
            send(
                400,
                M1,
                D2,
                Msg::Lease {
                    n: 1,
                    partitions: vec![owned(1, 9)],
                },
            )
        };
        let mut steps = vec![grant(5, vec![owned(1, 2)])];
        steps.extend(write(50, D1, 1));
        steps.push(to_d2());
        steps.extend(write(500, D1, 2));
        let broken = run(steps);
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert_eq!(broken[0].0, "writes-inside-lease");
        assert_eq!(broken[0].1, Some(5), "at the store's take");
        assert!(
            broken[0].2.contains("the core had granted p1 to d2 at"),
            "{}",
            broken[0].2
        );
        // Applied inside the lease, taken by the store after the new grant: fine.
        let [persist, stored] = write(390, D1, 3);
        let steps = vec![grant(5, vec![owned(1, 2)]), persist, to_d2(), stored];
        assert!(run(steps).is_empty());
        // A node never granted the partition cannot write it either.
        let broken = run(write(50, D2, 1).into());
        assert_eq!(broken.len(), 1);
        assert!(
            broken[0].2.contains("d2 held no lease on p1"),
            "{}",
            broken[0].2
        );
        // A renewal that no longer lists the partition ends the lease on it.
        let mut steps = vec![grant(5, vec![owned(1, 2)]), grant(60, vec![])];
        steps.extend(write(70, D1, 1));
        let broken = run(steps);
        assert_eq!(broken.len(), 1, "{broken:?}");
    }

    #[test]
    fn a_put_applied_twice_is_caught_whatever_its_request_number() {
        // The same client's put x=1, applied at #2 and again at #3 by m1: a retry that the
        // core did not recognise (here even sent under a new request number).
        let broken = run(vec![
            applied(10, M1, 2, 1, put(1, 1)),
            applied(12, M2, 2, 1, put(1, 1)),
            applied(20, M1, 3, 1, put(2, 1)),
        ]);
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert_eq!(broken[0].0, "put-applied-once");
        assert_eq!(broken[0].1, Some(2));
        assert_eq!(broken[0].2, "m1 applied c1's put x=1 at #2 and again at #3");
        // A different value is a different put.
        assert!(run(vec![
            applied(10, M1, 2, 1, put(1, 1)),
            applied(20, M1, 3, 1, put(2, 2)),
        ])
        .is_empty());
    }

    #[test]
    fn a_read_through_the_leader_older_than_an_acknowledged_put_is_caught() {
        let acked = |index| Note::Acked {
            index,
            term: 1,
            key: 'x',
            value: 2,
        };
        let read = |from_index| Note::ReadServed {
            key: 'x',
            from_index,
        };
        let broken = run(vec![note(10, M1, acked(3)), note(20, M1, read(Some(2)))]);
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert_eq!(broken[0].0, "leader-reads-latest");
        assert_eq!(broken[0].1, Some(1));
        let broken = run(vec![note(10, M1, acked(3)), note(20, M1, read(None))]);
        assert_eq!(broken.len(), 1, "a read that finds nothing is stale too");
        assert!(run(vec![note(10, M1, acked(3)), note(20, M1, read(Some(3)))]).is_empty());
    }
}

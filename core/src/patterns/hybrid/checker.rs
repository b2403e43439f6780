//! Checks the hybrid clock's promises after every step, from the trace alone.
//!
//! Happened-before is the transitive closure of two kinds of edge in the trace: one event
//! after another on the same node, and a send before its delivery. A strict order holds
//! along every path exactly when it holds along every edge, so the checker verifies each
//! edge as the trace grows: every node's successive timestamps (its sends' stamps and its
//! clock after each receive) strictly increase, and a receive's clock is above the stamp
//! of the message received.
//!
//! What the servers stored comes from their notes (the [`Ledger`]), reads are answered
//! from it with the servers' read rule, and which transaction happened before which comes
//! from the coordinator's events: a transaction acknowledged before another began
//! happened before it.

use std::collections::BTreeMap;

use super::hlc::Hlc;
use super::ledger::Ledger;
use super::node::HybridNode;
use super::protocol::{Msg, Note, TxId, Version};
use super::server::read_as_of;
use crate::patterns::sort_short_by_key;
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::node::NodeId;
use crate::sim::trace::{EventKind, MessageRecord, MsgId, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "one-timestamp-per-transaction",
        sentence: "Every server stores a committed transaction's writes under the same \
                   timestamp.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "clock-never-backwards",
        sentence: "A node never stamps an event earlier than an event it stamped before.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "hb-implies-hlc",
        sentence: "If event a happened before event b, then hlc(a) < hlc(b).",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "close-to-wall-clock",
        sentence: "Every timestamp tells the time of day of its event: its wall part lies \
                   between the slowest wall clock's reading at that instant and the latest \
                   any wall clock has read, so a read as of 09:00:00.040 means that time \
                   (within the clocks' skew).",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "all-or-none",
        sentence: "A read as of any timestamp sees either all or none of a committed \
                   transaction's writes.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "no-lost-update",
        sentence: "An acknowledged write is never hidden by a write to the same key that \
                   happened before it.",
        kind: PropertyKind::Guarantee,
    },
];

const SAME_TIMESTAMP: usize = 0;
const NEVER_BACKWARDS: usize = 1;
const HB_IMPLIES_HLC: usize = 2;
const CLOSE_TO_WALL: usize = 3;
const ALL_OR_NONE: usize = 4;
const NO_LOST_UPDATE: usize = 5;

/// The hybrid clock's checker.
#[derive(Clone, Debug)]
pub struct HybridChecker {
    names: Vec<String>,
    /// Each node's latest timestamp in the trace.
    last: Vec<Option<Hlc>>,
    /// Stamps of messages in flight.
    stamps: BTreeMap<MsgId, Hlc>,
    /// A delivery in this step whose clock reading is still to come, per node.
    receiving: Vec<Option<(MsgId, Hlc)>>,
    /// Timestamps read in this step, for the wall-clock check: node, stamp, event.
    fresh: Vec<(NodeId, Hlc, usize)>,
    /// Each transaction's commit timestamps so far: server, timestamp.
    commits: BTreeMap<TxId, Vec<(NodeId, Hlc)>>,
    /// What the servers stored, from their notes.
    ledger: Ledger,
    /// The event at which each transaction's first write went out.
    began: BTreeMap<TxId, usize>,
    /// The event at which each transaction was acknowledged.
    acknowledged: BTreeMap<TxId, usize>,
    /// The latest any wall clock has read so far.
    latest_wall: i64,
    /// Events of this step that need checks against the stored versions.
    touched: Vec<(TxId, usize)>,
    found: Vec<Breach>,
}

impl HybridChecker {
    /// A checker for a run whose nodes are `names`.
    pub fn new(names: &[String]) -> HybridChecker {
        HybridChecker {
            names: names.to_vec(),
            last: vec![None; names.len()],
            stamps: BTreeMap::new(),
            receiving: vec![None; names.len()],
            fresh: Vec::new(),
            commits: BTreeMap::new(),
            ledger: Ledger::new(names.len()),
            began: BTreeMap::new(),
            acknowledged: BTreeMap::new(),
            latest_wall: i64::MIN,
            touched: Vec::new(),
            found: Vec::new(),
        }
    }

    fn name(&self, id: NodeId) -> &str {
        self.names.get(id.index()).map_or("?", String::as_str)
    }

    /// A timestamp `hlc` read on `node`: it must come after the node's previous one.
    fn clock_event(&mut self, node: NodeId, hlc: Hlc, index: usize, what: &str) {
        if let Some(previous) = self.last[node.index()] {
            let detail = format!(
                "{} {what} at {hlc}, not after its previous event at {previous}",
                self.name(node)
            );
            if hlc < previous {
                self.found.push(Breach {
                    property: NEVER_BACKWARDS,
                    event: Some(index),
                    detail: detail.clone(),
                });
            }
            if hlc <= previous {
                self.found.push(Breach {
                    property: HB_IMPLIES_HLC,
                    event: Some(index),
                    detail,
                });
            }
        }
        self.last[node.index()] = Some(hlc);
        self.fresh.push((node, hlc, index));
    }

    /// Whether `hlc`, read on `node` now, tells the time of day: `slowest` is the slowest
    /// wall clock's reading now.
    fn tells_the_time(&self, node: NodeId, hlc: Hlc, slowest: Option<i64>) -> Result<(), String> {
        let name = self.name(node);
        match hlc.wall {
            None => Err(format!(
                "{name} stamped an event {hlc}: a timestamp without a wall part tells no time \
                 of day"
            )),
            Some(wall) if wall > self.latest_wall => Err(format!(
                "{name} stamped an event {hlc}, ahead of every wall clock's reading so far"
            )),
            Some(wall) if slowest.is_some_and(|s| wall < s) => Err(format!(
                "{name} stamped an event {hlc}, behind every wall clock's reading now"
            )),
            Some(_) => Ok(()),
        }
    }

    /// Whether a read as of any `t` at every server `tx` wrote to sees all or none of its
    /// writes. A read sees a write when it returns a version at least as new as it; a
    /// pending write that could still commit at or before `t` makes the read wait.
    fn all_or_none(&self, tx: TxId) -> Result<(), String> {
        let writes = self.ledger.writes_of(tx);
        let mut instants: Vec<Hlc> = writes
            .iter()
            .filter(|(_, v)| v.committed)
            .flat_map(|(_, v)| [v.ts, v.ts.before()])
            .collect();
        sort_short_by_key(&mut instants, |t| *t);
        instants.dedup();
        for t in instants {
            let mut seen = Vec::new();
            let mut unseen = Vec::new();
            for (server, v) in &writes {
                let label = format!("{}={} on {}", v.key, v.value, self.name(*server));
                let store = &self.ledger.stores()[server.index()];
                match read_as_of(store, v.key, t) {
                    Ok(Some(found)) if v.committed && found.ts >= v.ts => seen.push(label),
                    Ok(_) => unseen.push(label),
                    Err(_) => {} // a pending write makes that read wait, not answer
                }
            }
            if !seen.is_empty() && !unseen.is_empty() {
                return Err(format!(
                    "a read as of {t} sees {} but not {} of {tx}",
                    seen.join(", "),
                    unseen.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// Whether transaction `a` was acknowledged before `b` began (so `a` happened before
    /// `b`: both are events of the coordinator).
    fn happened_before(&self, a: TxId, b: TxId) -> bool {
        match (self.acknowledged.get(&a), self.began.get(&b)) {
            (Some(acked), Some(began)) => acked < began,
            _ => false,
        }
    }

    /// An acknowledged transaction's versions must not be hidden by ones that happened
    /// before them.
    fn lost_update(&self) -> Option<String> {
        for (i, store) in self.ledger.stores().iter().enumerate() {
            let committed: Vec<&Version> = store.iter().filter(|v| v.committed).collect();
            for later in committed
                .iter()
                .filter(|v| self.acknowledged.contains_key(&v.tx))
            {
                if let Some(earlier) = committed.iter().find(|e| {
                    e.key == later.key && e.ts >= later.ts && self.happened_before(e.tx, later.tx)
                }) {
                    return Some(format!(
                        "on {} the acknowledged write {}={} of {} (at {}) is hidden by the \
                         earlier {}={} of {} stamped later ({})",
                        self.names[i],
                        later.key,
                        later.value,
                        later.tx,
                        later.ts,
                        earlier.key,
                        earlier.value,
                        earlier.tx,
                        earlier.ts
                    ));
                }
            }
        }
        None
    }
    /// One of `node`'s notes, at trace event `index`.
    fn note(&mut self, node: NodeId, index: usize, note: &Note) {
        self.ledger.apply(node, note);
        match note {
            Note::Clock { hlc } => {
                if let Some((id, stamp)) = self.receiving[node.index()].take() {
                    if *hlc <= stamp {
                        self.found.push(Breach {
                            property: HB_IMPLIES_HLC,
                            event: Some(index),
                            detail: format!(
                                "{} received {id} stamped {stamp}, but its clock moved only to \
                                 {hlc}",
                                self.name(node)
                            ),
                        });
                    }
                }
                self.clock_event(node, *hlc, index, "received a message");
            }
            Note::Committed { tx, ts, .. } => {
                let differing = self
                    .commits
                    .get(tx)
                    .and_then(|c| c.iter().find(|(_, t)| t != ts).copied());
                if let Some((other, first)) = differing {
                    let detail = format!(
                        "{tx} is committed at {first} on {} but at {ts} on {}",
                        self.name(other),
                        self.name(node)
                    );
                    self.found.push(Breach {
                        property: SAME_TIMESTAMP,
                        event: Some(index),
                        detail,
                    });
                }
                self.commits.entry(*tx).or_default().push((node, *ts));
                self.touched.push((*tx, index));
            }
            Note::Replicated { version } => self.touched.push((version.tx, index)),
            Note::TxDone { tx, .. } => {
                self.acknowledged.insert(*tx, index);
                self.touched.push((*tx, index));
            }
            Note::Provisional { .. } | Note::Forgot { .. } | Note::TxAborted { .. } => {}
        }
    }
}

impl Checker<HybridNode> for HybridChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<HybridNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        let Some(node) = event.node.filter(|n| n.index() < self.names.len()) else {
            return;
        };
        match &event.kind {
            EventKind::Send { msg: id, .. } => {
                if let Some(record) = msg {
                    let stamp = record.payload.hlc();
                    // A network duplicate is not a new event of its sender.
                    if record.copy_of.is_none() {
                        self.clock_event(node, stamp, index, "sent a message stamped");
                        if let Msg::Write { tx, .. } = record.payload {
                            self.began.entry(tx).or_insert(index);
                        }
                    }
                    self.stamps.insert(*id, stamp);
                }
            }
            EventKind::Deliver { msg: id, .. } => {
                if let Some(stamp) = self.stamps.remove(id) {
                    self.receiving[node.index()] = Some((*id, stamp));
                }
            }
            EventKind::Dropped { msg: id, .. } => {
                self.stamps.remove(id);
            }
            EventKind::Note(note) => self.note(node, index, note),
            _ => {}
        }
    }

    fn check(&mut self, _nodes: &[HybridNode], world: &World<'_>, out: &mut Vec<Breach>) {
        out.append(&mut self.found);
        self.latest_wall = self.latest_wall.max(world.fastest_wall_clock().0);
        let slowest = world.clocks.iter().map(|c| c.read(world.now).0).min();
        for (node, hlc, index) in std::mem::take(&mut self.fresh) {
            if let Err(detail) = self.tells_the_time(node, hlc, slowest) {
                out.push(Breach {
                    property: CLOSE_TO_WALL,
                    event: Some(index),
                    detail,
                });
            }
        }
        for (tx, index) in std::mem::take(&mut self.touched) {
            if let Err(detail) = self.all_or_none(tx) {
                out.push(Breach {
                    property: ALL_OR_NONE,
                    event: Some(index),
                    detail,
                });
            }
            if let Some(detail) = self.lost_update() {
                out.push(Breach {
                    property: NO_LOST_UPDATE,
                    event: Some(index),
                    detail,
                });
            }
        }
    }

    fn facts(&self, _nodes: &[HybridNode]) -> Vec<(&'static str, String)> {
        let commits = if self.commits.is_empty() {
            "none yet".to_string()
        } else {
            self.commits
                .iter()
                .map(|(tx, at)| {
                    let mut stamps: Vec<String> = at.iter().map(|(_, t)| t.to_string()).collect();
                    stamps.dedup();
                    format!("{tx} at {}", stamps.join(" / "))
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        let pending =
            self.ledger
                .stores()
                .iter()
                .enumerate()
                .flat_map(|(i, store)| {
                    store.iter().filter(|v| !v.committed).map(move |v| {
                        format!("{}={} ({}) on {}", v.key, v.value, v.tx, self.names[i])
                    })
                })
                .collect::<Vec<_>>();
        vec![
            ("Commit timestamps", commits),
            (
                "Pending (invisible to reads)",
                if pending.is_empty() {
                    "none".to_string()
                } else {
                    pending.join(", ")
                },
            ),
        ]
    }

    fn query(&self, nodes: &[HybridNode], input: &str) -> Result<Vec<(String, String)>, String> {
        let t = Hlc::parse(input)?;
        Ok(nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.server().map(|s| (i, s)))
            .map(|(i, server)| {
                let values: Vec<String> = server
                    .keys()
                    .into_iter()
                    .map(|key| {
                        let counter_only = server
                            .versions()
                            .iter()
                            .find(|v| v.key == key && v.ts.wall.is_none());
                        match (counter_only, server.read_as_of(key, t)) {
                            (Some(v), _) => format!(
                                "{key}: cannot be read as of {t}: its versions carry only a \
                                 Lamport counter ({key}={} of {} at {}), which tells no time \
                                 of day",
                                v.value, v.tx, v.ts
                            ),
                            (None, read) => answer(key, read),
                        }
                    })
                    .collect();
                let answer = if values.is_empty() {
                    "nothing stored".to_string()
                } else {
                    values.join(", ")
                };
                (self.names[i].clone(), answer)
            })
            .collect())
    }
}

/// A read's answer for `key`, in words.
fn answer(key: char, read: Result<Option<Version>, Version>) -> String {
    match read {
        Ok(Some(v)) => format!("{key}={} ({} at {})", v.value, v.tx, v.ts),
        Ok(None) => format!("{key}: nothing yet"),
        Err(p) => format!("{key}: waits for pending {} ({}={})", p.tx, p.key, p.value),
    }
}

#[cfg(test)]
mod tests;

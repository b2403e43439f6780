//! Checks the generation clock's promises after every step, from the trace alone.
//!
//! The checker never reads a server's own generation. It keeps its own record of what
//! the trace shows: the highest generation each server has *seen* (carried by a message
//! delivered to it, or its own campaign or leadership), who became leader in which
//! generation, the newest write each server accepted, and which servers accepted each
//! write before they had seen a newer generation.

use imbl::OrdMap;

use std::collections::BTreeSet;

use super::messages::{Accepted, Msg, Note, WriteId};
use super::node::GenerationNode;
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::node::NodeId;
use crate::sim::trace::{EventKind, MessageRecord, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "one-leader-per-generation",
        sentence: "At most one server is leader in any one generation.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "no-stale-accept",
        sentence: "No server accepts a heartbeat or a write carrying a lower generation than \
                   one it has already seen in a message or in its own election.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "log-in-generation-order",
        sentence: "No server accepts a write of an older generation after one of a newer \
                   generation: a deposed leader's write never lands on top of its \
                   successor's.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "acked-by-majority-in-generation",
        sentence: "A write acknowledged to a client was accepted by a majority of the servers \
                   before any of that majority had seen a newer generation.",
        kind: PropertyKind::Guarantee,
    },
];

const ONE_LEADER: usize = 0;
const NO_STALE_ACCEPT: usize = 1;
const LOG_ORDER: usize = 2;
const MAJORITY_IN_GENERATION: usize = 3;

/// Who accepted one write, split by what they had seen when they did.
#[derive(Clone, Debug, Default)]
struct Acceptors {
    /// Servers that accepted it having seen no newer generation than the write's.
    in_generation: BTreeSet<NodeId>,
    /// Servers that accepted it after seeing a newer generation.
    after_newer: BTreeSet<NodeId>,
}

/// The generation clock's checker.
#[derive(Clone, Debug)]
pub struct GenerationChecker {
    names: Vec<String>,
    servers: usize,
    leaders: OrdMap<u64, NodeId>,
    /// The highest generation each node has seen, by node index.
    seen: Vec<u64>,
    /// The node handling the step's delivery and the generation its message carries.
    delivery: Option<(NodeId, Option<u64>)>,
    /// The newest write (by generation) each node has accepted.
    newest_write: Vec<Option<WriteId>>,
    acceptors: OrdMap<WriteId, Acceptors>,
    breaches: Vec<Breach>,
}

/// The generation a message carries, if it carries one.
fn generation_of(msg: &Msg) -> Option<u64> {
    match msg {
        Msg::Heartbeat { gen }
        | Msg::Reject { gen }
        | Msg::RequestVote { gen }
        | Msg::Vote { gen, .. }
        | Msg::Replicate { gen, .. } => Some(*gen),
        Msg::Accepted { .. }
        | Msg::ClientWrite { .. }
        | Msg::WriteOk { .. }
        | Msg::NotLeader { .. } => None,
    }
}

impl GenerationChecker {
    /// A checker for a run whose nodes are `names`, `servers` of them servers.
    pub fn new(names: &[String], servers: usize) -> GenerationChecker {
        GenerationChecker {
            names: names.to_vec(),
            servers,
            leaders: OrdMap::new(),
            seen: vec![0; names.len()],
            delivery: None,
            newest_write: vec![None; names.len()],
            acceptors: OrdMap::new(),
            breaches: Vec::new(),
        }
    }

    fn name(&self, id: NodeId) -> &str {
        self.names.get(id.index()).map_or("?", String::as_str)
    }

    fn names_of(&self, nodes: &BTreeSet<NodeId>) -> String {
        if nodes.is_empty() {
            return "none".to_string();
        }
        let names: Vec<&str> = nodes.iter().map(|&n| self.name(n)).collect();
        names.join(", ")
    }

    fn see(&mut self, node: NodeId, gen: u64) {
        if let Some(seen) = self.seen.get_mut(node.index()) {
            *seen = (*seen).max(gen);
        }
    }

    fn breach(&mut self, property: usize, index: usize, detail: String) {
        self.breaches.push(Breach {
            property,
            event: Some(index),
            detail,
        });
    }

    fn on_note(&mut self, index: usize, node: NodeId, note: &Note) {
        match *note {
            Note::Campaign { gen } => self.see(node, gen),
            Note::Leader { gen } => {
                self.see(node, gen);
                match self.leaders.get(&gen) {
                    Some(&other) if other != node => {
                        let detail = format!(
                            "{} became leader of generation {gen}, which {} already leads",
                            self.name(node),
                            self.name(other)
                        );
                        self.breach(ONE_LEADER, index, detail);
                    }
                    _ => {
                        self.leaders.insert(gen, node);
                    }
                }
            }
            Note::Accept { what, from_gen } => self.on_accept(index, node, what, from_gen),
            Note::Acknowledged { write } => self.on_acknowledged(index, node, write),
            Note::Voted { .. } | Note::Rejected { .. } | Note::SteppedDown { .. } => {}
        }
    }

    fn on_accept(&mut self, index: usize, node: NodeId, what: Accepted, claimed: u64) {
        // A heartbeat's generation is the one its delivered message carries; a write's is
        // part of the write's identity.
        let (gen, label) = match what {
            Accepted::Heartbeat => {
                let delivered = match self.delivery {
                    Some((to, gen)) if to == node => gen,
                    _ => None,
                };
                (delivered.unwrap_or(claimed), "a heartbeat".to_string())
            }
            Accepted::Write(w) => (w.gen, format!("write {w}")),
        };
        let seen = self.seen.get(node.index()).copied().unwrap_or(0);
        if gen < seen {
            let detail = format!(
                "{} accepted {label} of generation {gen} after seeing generation {seen}",
                self.name(node)
            );
            self.breach(NO_STALE_ACCEPT, index, detail);
        }
        let Accepted::Write(write) = what else {
            return;
        };
        let newest = self.newest_write.get(node.index()).copied().flatten();
        match newest {
            Some(top) if top.gen > write.gen => {
                let detail = format!(
                    "{} accepted {write} of generation {} on top of {top} of generation {}",
                    self.name(node),
                    write.gen,
                    top.gen
                );
                self.breach(LOG_ORDER, index, detail);
            }
            _ => {
                if let Some(slot) = self.newest_write.get_mut(node.index()) {
                    *slot = Some(write);
                }
            }
        }
        let acceptors = self.acceptors.entry(write).or_default();
        if gen < seen {
            acceptors.after_newer.insert(node);
        } else {
            acceptors.in_generation.insert(node);
        }
    }

    fn on_acknowledged(&mut self, index: usize, node: NodeId, write: WriteId) {
        let acceptors = self.acceptors.get(&write).cloned().unwrap_or_default();
        let count = acceptors.in_generation.len();
        if count > self.servers / 2 {
            return;
        }
        let detail = format!(
            "{} acknowledged {write}, but only {count} of {} servers accepted it before \
             seeing a newer generation ({}); accepted after seeing one: {}",
            self.name(node),
            self.servers,
            self.names_of(&acceptors.in_generation),
            self.names_of(&acceptors.after_newer),
        );
        self.breach(MAJORITY_IN_GENERATION, index, detail);
    }
}

impl Checker<GenerationNode> for GenerationChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<GenerationNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        let Some(node) = event.node else {
            return;
        };
        match &event.kind {
            EventKind::Deliver { .. } => {
                let gen = msg.and_then(|m| generation_of(&m.payload));
                if let Some(gen) = gen {
                    self.see(node, gen);
                }
                self.delivery = Some((node, gen));
            }
            EventKind::Note(note) => self.on_note(index, node, note),
            EventKind::Send { .. } => {}
            EventKind::Start
            | EventKind::Timer(_)
            | EventKind::Dropped { .. }
            | EventKind::Arrive { .. }
            | EventKind::Retired
            | EventKind::Action(_) => self.delivery = None,
        }
    }

    fn check(&mut self, _nodes: &[GenerationNode], _world: &World<'_>, out: &mut Vec<Breach>) {
        out.append(&mut self.breaches);
    }

    fn facts(&self, nodes: &[GenerationNode]) -> Vec<(&'static str, String)> {
        let leaders = self
            .leaders
            .iter()
            .map(|(gen, node)| format!("gen {gen}: {}", self.name(*node)))
            .collect::<Vec<_>>()
            .join(", ");
        let generations = nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.generation().map(|g| format!("{} {g}", self.names[i])))
            .collect::<Vec<_>>()
            .join(", ");
        let in_generation = self
            .acceptors
            .values()
            .filter(|a| a.in_generation.len() > self.servers / 2)
            .count();
        vec![
            (
                "Leaders by generation",
                if leaders.is_empty() {
                    "none yet".into()
                } else {
                    leaders
                },
            ),
            ("Generation of each server", generations),
            (
                "Writes a majority accepted in their generation",
                in_generation.to_string(),
            ),
        ]
    }
}

#[cfg(test)]
mod tests;

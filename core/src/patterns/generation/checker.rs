//! Checks the generation clock's three promises after every step.
//!
//! The checker keeps its own record: who became leader in which generation, the highest
//! generation each server has held (read from the servers after every step; the
//! generation is durable, so it never goes down), and which servers accepted each write
//! while they were in the write's generation.

use std::collections::{BTreeMap, BTreeSet};

use super::node::{Accepted, GenerationNode, Msg, Note, WriteId};
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
        sentence: "No server accepts a heartbeat or a write from a generation lower than one \
                   it has seen.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "acked-by-majority-in-generation",
        sentence: "A write acknowledged to a client was accepted by a majority of the servers \
                   while they were in the writer's generation.",
        kind: PropertyKind::Guarantee,
    },
];

const ONE_LEADER: usize = 0;
const NO_STALE_ACCEPT: usize = 1;
const MAJORITY_IN_GENERATION: usize = 2;

/// The generation clock's checker.
#[derive(Clone, Debug)]
pub struct GenerationChecker {
    names: Vec<String>,
    servers: usize,
    leaders: BTreeMap<u64, NodeId>,
    seen: Vec<u64>,
    accepted_in_generation: BTreeMap<WriteId, BTreeSet<NodeId>>,
    step: Vec<(usize, NodeId, Note)>,
}

impl GenerationChecker {
    /// A checker for a run whose nodes are `names`, `servers` of them servers.
    pub fn new(names: &[String], servers: usize) -> GenerationChecker {
        GenerationChecker {
            names: names.to_vec(),
            servers,
            leaders: BTreeMap::new(),
            seen: vec![0; names.len()],
            accepted_in_generation: BTreeMap::new(),
            step: Vec::new(),
        }
    }

    fn name(&self, id: NodeId) -> &str {
        self.names.get(id.index()).map_or("?", String::as_str)
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
        _msg: Option<&MessageRecord<Msg>>,
    ) {
        if let (Some(node), EventKind::Note(note)) = (event.node, &event.kind) {
            self.step.push((index, node, note.clone()));
        }
    }

    fn check(&mut self, nodes: &[GenerationNode], _world: &World<'_>, out: &mut Vec<Breach>) {
        for (index, node, note) in std::mem::take(&mut self.step) {
            let generation_now = nodes.get(node.index()).and_then(GenerationNode::generation);
            match note {
                Note::Leader { gen } => match self.leaders.get(&gen) {
                    Some(&other) if other != node => out.push(Breach {
                        property: ONE_LEADER,
                        event: Some(index),
                        detail: format!(
                            "{} became leader of generation {gen}, which {} already leads",
                            self.name(node),
                            self.name(other)
                        ),
                    }),
                    _ => {
                        self.leaders.insert(gen, node);
                    }
                },
                Note::Accept { what, from_gen } => {
                    let seen = self.seen[node.index()];
                    if from_gen < seen {
                        let what = match what {
                            Accepted::Heartbeat => "a heartbeat".to_string(),
                            Accepted::Write(w) => format!("write {w}"),
                        };
                        out.push(Breach {
                            property: NO_STALE_ACCEPT,
                            event: Some(index),
                            detail: format!(
                                "{} accepted {what} from generation {from_gen} after seeing \
                                 generation {seen}",
                                self.name(node)
                            ),
                        });
                    }
                    if let Accepted::Write(write) = what {
                        if generation_now == Some(write.gen) {
                            self.accepted_in_generation
                                .entry(write)
                                .or_default()
                                .insert(node);
                        }
                    }
                }
                Note::Acknowledged { write } => {
                    let acceptors = self.accepted_in_generation.get(&write);
                    let count = acceptors.map_or(0, BTreeSet::len);
                    if count <= self.servers / 2 {
                        let names: Vec<&str> = acceptors
                            .into_iter()
                            .flatten()
                            .map(|&n| self.name(n))
                            .collect();
                        out.push(Breach {
                            property: MAJORITY_IN_GENERATION,
                            event: Some(index),
                            detail: format!(
                                "{write} was acknowledged, but only {count} of {} servers \
                                 accepted it in generation {} ({})",
                                self.servers,
                                write.gen,
                                if names.is_empty() {
                                    "none".to_string()
                                } else {
                                    names.join(", ")
                                }
                            ),
                        });
                    }
                }
                _ => {}
            }
        }
        for (seen, node) in self.seen.iter_mut().zip(nodes) {
            if let Some(gen) = node.generation() {
                *seen = (*seen).max(gen);
            }
        }
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
        let acknowledged = self
            .accepted_in_generation
            .iter()
            .filter(|(_, acceptors)| acceptors.len() > self.servers / 2)
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
                acknowledged.to_string(),
            ),
        ]
    }
}

//! Checks the RDD job from the trace: each iteration's value against the value computed
//! directly from the input, that no iteration is computed twice, and, for the page, where
//! every partition of every dataset is (what each executor reported computing, less what
//! died with it): the lineage graph.

use std::rc::Rc;

use super::msg::{Job, Msg, Note, Source};
use super::node::RddNode;
use super::{next_x, partial, ITERATION, RECOMPUTED, X0};
use crate::patterns::findings::{run_wide, Findings};
use crate::patterns::lineage::{self, Dataset, State};
use crate::patterns::mapreduce::Corpus;
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::metrics::Measure;
use crate::sim::node::{NodeId, NodeStatus};
use crate::sim::snapshot::Table;
use crate::sim::time::SimTime;
use crate::sim::trace::{EventKind, MessageRecord, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "correct-result",
        sentence: "Every iteration's value equals the value computed directly from the \
                   input: no partition lost, missed or counted twice, whatever died.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "no-lost-progress",
        sentence: "No iteration is computed twice: a lost partition is rebuilt from its \
                   lineage, and the job never starts over.",
        kind: PropertyKind::Guarantee,
    },
];

const CORRECT: usize = 0;
const PROGRESS: usize = 1;

/// Where the partitions of one dataset are, from the trace.
#[derive(Clone, Debug)]
struct Places {
    /// Per partition: the executors holding it.
    held: Vec<Vec<NodeId>>,
    /// Per partition: lost with an executor at least once.
    lost: Vec<bool>,
    /// Per partition: computed at least once.
    computed: Vec<bool>,
}

impl Places {
    fn new(parts: u32) -> Places {
        let n = parts as usize;
        Places {
            held: vec![Vec::new(); n],
            lost: vec![false; n],
            computed: vec![false; n],
        }
    }

    fn add(&mut self, p: u32, at: NodeId) {
        if let Some(held) = self.held.get_mut(p as usize) {
            if !held.contains(&at) {
                held.push(at);
            }
            self.computed[p as usize] = true;
        }
    }

    fn died(&mut self, node: NodeId) {
        for (held, lost) in self.held.iter_mut().zip(&mut self.lost) {
            let before = held.len();
            held.retain(|&n| n != node);
            *lost |= before > 0 && held.is_empty();
        }
    }

    fn state(&self, p: usize) -> State {
        match (self.held[p].is_empty(), self.lost[p], self.computed[p]) {
            (false, true, _) => State::Recomputed,
            (false, false, _) => State::Held,
            (true, true, _) => State::Lost,
            (true, false, _) => State::Missing,
        }
    }
}

/// The RDD checker.
#[derive(Clone, Debug)]
pub struct RddChecker {
    driver: NodeId,
    /// Each iteration's value, computed from the input.
    expected: Rc<Vec<u64>>,
    pairs: Places,
    links: Places,
    checkpointed: Vec<bool>,
    /// The latest iteration finished, and when.
    last: (u32, SimTime),
    /// The iteration running now and which of its partitions finished.
    current: (u32, Vec<bool>),
    up: Vec<bool>,
    findings: Findings,
    measures: Vec<Measure>,
}

impl RddChecker {
    /// A checker for nodes named `names` (the driver first), a job of `iterations` over
    /// `parts` partitions of `corpus`.
    pub fn new(names: &[String], corpus: &Corpus, parts: u32, iterations: u32) -> RddChecker {
        let all: Vec<(u16, u32)> = (0..).zip(corpus.counts()).filter(|&(_, n)| n > 0).collect();
        let mut x = X0;
        let expected = (1..=iterations)
            .map(|i| {
                x = next_x(i, partial(&all, x));
                x
            })
            .collect();
        RddChecker {
            driver: NodeId(0),
            expected: Rc::new(expected),
            pairs: Places::new(parts),
            links: Places::new(parts),
            checkpointed: vec![false; parts as usize],
            last: (0, SimTime::ZERO),
            current: (1, vec![false; parts as usize]),
            up: vec![true; names.len()],
            findings: Findings::new(names),
            measures: Vec::new(),
        }
    }

    fn on_send(&mut self, from: NodeId, msg: &Msg) {
        match *msg {
            Msg::Run { job, .. } if from == self.driver => {
                let again = match job {
                    Job::Parse(q) => self.pairs.computed.get(q as usize),
                    Job::Iter {
                        part,
                        source: Source::Lineage,
                        ..
                    } => self.links.computed.get(part as usize),
                    Job::Iter { .. } => None,
                };
                if again == Some(&true) {
                    self.measures.push(run_wide(RECOMPUTED, 1));
                }
            }
            Msg::Parsed { q } => self.pairs.add(q, from),
            Msg::IterDone {
                iter,
                part,
                checkpointed,
                ..
            } => {
                self.links.add(part, from);
                if let Some(c) = self.checkpointed.get_mut(part as usize) {
                    *c |= checkpointed;
                }
                if iter != self.current.0 {
                    self.current = (iter, vec![false; self.current.1.len()]);
                }
                if let Some(done) = self.current.1.get_mut(part as usize) {
                    *done = true;
                }
            }
            _ => {}
        }
    }

    fn on_note(&mut self, index: usize, time: SimTime, note: &Note) {
        let Note::Iteration { iter, x } = *note else {
            return;
        };
        let (last, since) = self.last;
        let ms = (time.0 - since.0.min(time.0)) / 1_000;
        self.measures.push(run_wide(ITERATION, ms as i64));
        if iter <= last {
            self.findings.breach(PROGRESS, index, |_| {
                format!("iteration {iter} finished again, after iteration {last}")
            });
        }
        let want = self.expected.get(iter as usize - 1).copied();
        if want != Some(x) {
            self.findings.breach(CORRECT, index, |_| match want {
                Some(want) => format!("iteration {iter} gave x={x}; the input gives x={want}"),
                None => format!(
                    "iteration {iter} is beyond the job's {} iterations",
                    self.expected.len()
                ),
            });
        }
        self.last = (iter, time);
        self.current = (iter + 1, vec![false; self.current.1.len()]);
    }
}

impl Checker<RddNode> for RddChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<RddNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        let Some(node) = event.node else {
            return;
        };
        match (&event.kind, msg) {
            (EventKind::Send { .. }, Some(record)) if record.copy_of.is_none() => {
                self.on_send(node, &record.payload);
            }
            (EventKind::Note(note), _) => self.on_note(index, event.time, note),
            _ => {}
        }
    }

    fn check(&mut self, _nodes: &[RddNode], world: &World<'_>, out: &mut Vec<Breach>) {
        for (i, s) in world.status.iter().enumerate() {
            // A paused executor keeps its memory and disk; a crashed or absent one not.
            let up = matches!(s, NodeStatus::Up | NodeStatus::Paused);
            if self.up.get(i) == Some(&true) && !up {
                self.pairs.died(NodeId(i as u32));
                self.links.died(NodeId(i as u32));
            }
            if let Some(u) = self.up.get_mut(i) {
                *u = up;
            }
        }
        self.findings.drain(out);
    }

    fn measure(&mut self, out: &mut Vec<Measure>) {
        out.append(&mut self.measures);
    }

    fn tables(&self, _nodes: &[RddNode]) -> Vec<Table> {
        let n = self.links.held.len();
        let name = |places: &Places, p: usize| {
            places.held[p]
                .first()
                .map_or("", |&at| self.findings.name(at))
        };
        let lines = Dataset {
            name: "lines",
            dependency: "",
            parts: vec![(State::Stable, "", false); n],
        };
        let pairs = Dataset {
            name: "pairs",
            dependency: "narrow",
            parts: (0..n)
                .map(|p| (self.pairs.state(p), name(&self.pairs, p), false))
                .collect(),
        };
        let links = Dataset {
            name: "links",
            dependency: "wide",
            parts: (0..n)
                .map(|p| {
                    (
                        self.links.state(p),
                        name(&self.links, p),
                        self.checkpointed[p],
                    )
                })
                .collect(),
        };
        let mut title = String::from("iteration ");
        title.push_str(&self.current.0.min(self.expected.len() as u32).to_string());
        let iteration = Dataset {
            name: &title,
            dependency: "narrow",
            parts: (0..n)
                .map(|p| {
                    let done = self.current.1[p];
                    (if done { State::Held } else { State::Missing }, "", false)
                })
                .collect(),
        };
        vec![lineage::table(
            "Lineage",
            "Each dataset's partitions, from the trace: lines on stable storage → pairs \
             (parse, narrow: one parent each) → links (group by word, wide: a part of \
             every parent, through a shuffle; cached) → this iteration (narrow). Red: \
             lost with its executor; orange: computed again from its lineage.",
            &[lines, pairs, links, iteration],
        )]
    }
}

#[cfg(test)]
mod tests;

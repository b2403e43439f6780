//! Checks a coordinated batch from the trace: what each worker sent for each task, what
//! the coordinator published and when (whatever the coordinator counts).

use super::msg::Msg;
use super::node::BatchNode;
use super::{COVERED, EARLY_US, FINAL, FIRST, RESULTS};
use crate::patterns::findings::Findings;
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::metrics::Measure;
use crate::sim::node::NodeId;
use crate::sim::time::SimTime;
use crate::sim::trace::{EventKind, MessageRecord, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "final-is-sum",
        sentence: "Every batch's final result is the sum of every one of its tasks' \
                   outputs as the workers sent them, each task counted once.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "early-results",
        sentence: "Every batch publishes a first result within 20 ms of its start.",
        kind: PropertyKind::Contrast,
    },
];

const SUM: usize = 0;
const EARLY: usize = 1;

/// One batch as the trace shows it.
#[derive(Clone, Debug)]
struct Seen {
    batch: u32,
    start: SimTime,
    /// Per task: the output its worker sent, once sent.
    outputs: Vec<Option<u64>>,
    published: bool,
}

/// The coordinated batch's checker.
#[derive(Clone, Debug)]
pub struct BatchChecker {
    coordinator: NodeId,
    tasks: u32,
    /// The batches whose final result is not out yet: at most one, since the coordinator
    /// starts the next after a final result or a restart (which clears this).
    open: Vec<Seen>,
    findings: Findings,
    measures: Vec<Measure>,
}

impl BatchChecker {
    /// A checker for nodes named `names`, `coordinator` handing out `tasks` per batch.
    pub fn new(names: &[String], coordinator: NodeId, tasks: u32) -> BatchChecker {
        BatchChecker {
            coordinator,
            tasks,
            open: Vec::new(),
            findings: Findings::new(names),
            measures: Vec::new(),
        }
    }

    fn record(&mut self, metric: usize, value: i64) {
        self.measures.push(Measure {
            metric,
            node: None,
            value,
        });
    }

    fn on_send(&mut self, index: usize, at: SimTime, from: NodeId, msg: &Msg) {
        let coordinator = from == self.coordinator;
        match *msg {
            Msg::Task { batch, .. }
                if coordinator && self.open.iter().all(|s| s.batch != batch) =>
            {
                let outputs = vec![None; self.tasks as usize];
                let published = false;
                let seen = Seen {
                    batch,
                    start: at,
                    outputs,
                    published,
                };
                self.open.push(seen);
                self.record(COVERED, 0);
            }
            Msg::Output { batch, task, value } => {
                let seen = self.open.iter_mut().find(|s| s.batch == batch);
                if let Some(slot) = seen.and_then(|s| s.outputs.get_mut(task as usize)) {
                    *slot = Some(value);
                }
            }
            Msg::Running { batch, .. } | Msg::Final { batch, .. } if coordinator => {
                self.record(RESULTS, 1);
                let covered = match *msg {
                    Msg::Running { folded, .. } => folded,
                    _ => self.tasks,
                };
                self.record(COVERED, i64::from(covered));
                self.publish(index, at, batch, msg);
            }
            _ => {}
        }
    }

    fn publish(&mut self, index: usize, at: SimTime, batch: u32, msg: &Msg) {
        let Some(at_index) = self.open.iter().position(|s| s.batch == batch) else {
            return;
        };
        let seen = &mut self.open[at_index];
        let took = |seen: &Seen| (at.as_micros() - seen.start.as_micros()) as i64;
        if !seen.published {
            seen.published = true;
            let first = took(seen);
            self.record(FIRST, first);
            if first as u64 > EARLY_US {
                self.findings.breach(EARLY, index, |_| {
                    format!(
                        "b{batch}'s first result came {} ms after its start",
                        first / 1_000
                    )
                });
            }
        }
        let Msg::Final { value, .. } = *msg else {
            return;
        };
        let seen = self.open.remove(at_index);
        self.record(FINAL, took(&seen));
        let missing = seen.outputs.iter().position(Option::is_none);
        let sum: u64 = seen.outputs.iter().flatten().sum();
        if missing.is_some() || sum != value {
            let coordinator = self.coordinator;
            self.findings.breach(SUM, index, |f| {
                let why = match missing {
                    Some(task) => format!("before task {task}'s output was sent"),
                    None => format!("but its tasks' outputs sum to {sum}"),
                };
                format!(
                    "{} published b{batch}'s final result {value} {why}",
                    f.name(coordinator)
                )
            });
        }
    }
}

impl Checker<BatchNode> for BatchChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<BatchNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        let Some(node) = event.node else {
            return;
        };
        match (&event.kind, msg) {
            (EventKind::Send { .. }, Some(record)) if record.copy_of.is_none() => {
                self.on_send(index, event.time, node, &record.payload);
            }
            // A coordinator that restarts starts a new batch; the open ones are dropped.
            (EventKind::Start, _) if node == self.coordinator => self.open.clear(),
            _ => {}
        }
    }

    fn check(&mut self, _nodes: &[BatchNode], _world: &World<'_>, out: &mut Vec<Breach>) {
        self.findings.drain(out);
    }

    fn measure(&mut self, out: &mut Vec<Measure>) {
        out.append(&mut self.measures);
    }
}

#[cfg(test)]
mod tests;

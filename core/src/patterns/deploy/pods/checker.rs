//! Checks pods and services from the trace: when each container really started (its
//! status after each step) against the start-up time its application needs, and how
//! each request ended. It also measures the ready pods and the window of lost capacity
//! from the same ground truth.

use super::READY;
use crate::patterns::deploy::msg::{Msg, Note};
use crate::patterns::deploy::DeployNode;
use crate::patterns::findings::Findings;
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::metrics::Measure;
use crate::sim::node::{NodeId, NodeStatus};
use crate::sim::time::SimTime;
use crate::sim::trace::{EventKind, MessageRecord, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "served-when-ready",
        sentence: "No request is handled by a pod that was not ready: every request a \
                   pod's application answers comes at least its start-up time after the \
                   container (re)started.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "no-errors",
        sentence: "Every request succeeds: a ready pod answers it before the client's \
                   timeout.",
        kind: PropertyKind::Contrast,
    },
];

const READY_ONLY: usize = 0;
const NO_ERRORS: usize = 1;

/// The pods-and-services checker.
#[derive(Clone, Debug)]
pub struct PodsChecker {
    findings: Findings,
    startup_us: u64,
    /// The containers' node ids.
    containers: Vec<NodeId>,
    /// Per node: when it is ready (up since at least the start-up time); `None` while it
    /// is crashed or out of the run. Containers running at the start were ready already.
    ready_at: Vec<Option<SimTime>>,
    /// Ready containers after the latest step, and how many there were at the start.
    ready: i64,
    full: i64,
    /// Since when fewer containers are ready than at the start, and the latest window
    /// that was so (start, end).
    short_since: Option<SimTime>,
    lost: Option<(SimTime, SimTime)>,
    pending: Vec<Measure>,
}

impl PodsChecker {
    /// A checker for nodes named `names`, of which `containers` are application
    /// containers that need `startup_us` after each start.
    pub fn new(names: &[String], containers: Vec<NodeId>, startup_us: u64) -> PodsChecker {
        PodsChecker {
            findings: Findings::new(names),
            startup_us,
            containers,
            ready_at: vec![Some(SimTime::ZERO); names.len()],
            ready: -1,
            full: -1,
            short_since: None,
            lost: None,
            pending: Vec::new(),
        }
    }
}

impl Checker<DeployNode> for PodsChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<DeployNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        match (&event.kind, msg) {
            (EventKind::Send { .. }, Some(record)) => match record.payload {
                Msg::Done { client, id, .. } => {
                    let pod = record.from;
                    let ready_at = self.ready_at.get(pod.index()).copied().flatten();
                    if ready_at.is_some_and(|at| at <= event.time) {
                        return;
                    }
                    let started = ready_at.map(|at| SimTime(at.as_micros() - self.startup_us));
                    self.findings.breach(READY_ONLY, index, |c| {
                        let since = started.map_or(String::new(), |s| format!(", started {s}"));
                        format!(
                            "{} answered c{}/r{id} at {}{since}: not ready (it needs {})",
                            c.name(pod),
                            client + 1,
                            event.time,
                            SimTime(self.startup_us),
                        )
                    });
                }
                Msg::Response { id, ok: false } => {
                    let to = record.to;
                    self.findings.breach(NO_ERRORS, index, |c| {
                        format!("{}'s request r{id} failed", c.name(to))
                    });
                }
                _ => {}
            },
            (EventKind::Note(Note::TimedOut { id }), _) => {
                let node = event.node.unwrap_or(NodeId(u32::MAX));
                self.findings.breach(NO_ERRORS, index, |c| {
                    format!("{} gave up on r{id}: no answer in time", c.name(node))
                });
            }
            _ => {}
        }
    }

    fn check(&mut self, _nodes: &[DeployNode], world: &World<'_>, out: &mut Vec<Breach>) {
        let mut ready = 0;
        for (at, status) in self.ready_at.iter_mut().zip(world.status) {
            match status {
                NodeStatus::Crashed | NodeStatus::Absent => *at = None,
                _ => {
                    at.get_or_insert(SimTime(world.now.as_micros() + self.startup_us));
                }
            }
        }
        for c in &self.containers {
            let up = world.status.get(c.index()) == Some(&NodeStatus::Up);
            let at = self.ready_at.get(c.index()).copied().flatten();
            ready += i64::from(up && at.is_some_and(|at| at <= world.now));
        }
        if ready != self.ready {
            self.ready = ready;
            self.pending.push(Measure {
                metric: READY,
                node: None,
                value: ready,
            });
            if self.full < 0 {
                self.full = ready;
            }
            match (self.short_since, ready < self.full) {
                (None, true) => self.short_since = Some(world.now),
                (Some(since), false) => {
                    self.lost = Some((since, world.now));
                    self.short_since = None;
                }
                _ => {}
            }
        }
        self.findings.drain(out);
    }

    fn measure(&mut self, out: &mut Vec<Measure>) {
        out.append(&mut self.pending);
    }

    fn facts(&self, _nodes: &[DeployNode]) -> Vec<(&'static str, String)> {
        let window = match (self.short_since, self.lost) {
            (Some(since), _) => format!("short since {since}"),
            (None, Some((from, to))) => {
                format!(
                    "{from} to {to} ({})",
                    SimTime(to.as_micros() - from.as_micros())
                )
            }
            (None, None) => "none".to_string(),
        };
        vec![
            ("ready pods", self.ready.max(0).to_string()),
            ("capacity lost", window),
        ]
    }
}

#[cfg(test)]
mod tests;

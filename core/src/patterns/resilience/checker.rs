//! Checks retries and breakers from the trace: every call a node sends, which job it
//! carries (a job sent again by the same caller is a retry, whatever the caller thinks),
//! and the notes in which a breaker says it opened or closed.

use std::collections::VecDeque;

use super::caller::BURST;
use super::msg::{Msg, Note};
use super::node::ResilienceNode;
use super::{DB_CALLS, RETRIES};
use crate::patterns::findings::Findings;
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::metrics::Measure;
use crate::sim::node::NodeId;
use crate::sim::time::SimTime;
use crate::sim::trace::{EventKind, MessageRecord, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "open-breaker-only-probes",
        sentence: "A breaker in the open state sends no call to its dependency except its \
                   probes: one call, once its sleep window is over, until it closes or opens \
                   again.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "retry-budget",
        sentence: "With a retry budget, calls never exceed (1 + budget) × the load offered: \
                   over any 100 ms, no caller sends more retries than 10 % of its new calls, \
                   plus 2, so calls reaching the database stay within 1.1× the requests its \
                   caller was given (+2).",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "answered",
        sentence: "Every request gets a successful answer.",
        kind: PropertyKind::Contrast,
    },
];

const ONLY_PROBES: usize = 0;
const BUDGET: usize = 1;
const ANSWERED: usize = 2;

/// The window the retry budget is checked over.
pub const WINDOW_US: u64 = 100_000;

/// A node's breaker, as its notes tell it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Seen {
    Closed,
    Open { since: SimTime, probed: bool },
}

/// What the checker knows of one node as a caller.
#[derive(Clone, Debug)]
struct Sender {
    breaker: Seen,
    /// The highest job it has sent a call for: a call for a job at or below it is a retry.
    top_job: u64,
    /// Its calls in the latest window: when, and whether a retry.
    recent: VecDeque<(SimTime, bool)>,
}

/// The retries and circuit breaker checker.
#[derive(Clone, Debug)]
pub struct ResilienceChecker {
    findings: Findings,
    databases: Vec<NodeId>,
    sleep_us: u64,
    budget_pct: u32,
    senders: Vec<Sender>,
    measures: Vec<Measure>,
}

impl ResilienceChecker {
    /// A checker for nodes named `names`, where `databases` are the bottom layer, breakers
    /// sleep `sleep_us` when open, and the retry budget is `budget_pct` percent.
    pub fn new(
        names: &[String],
        databases: Vec<NodeId>,
        sleep_us: u64,
        budget_pct: u32,
    ) -> ResilienceChecker {
        let sender = Sender {
            breaker: Seen::Closed,
            top_job: 0,
            recent: VecDeque::new(),
        };
        ResilienceChecker {
            findings: Findings::new(names),
            databases,
            sleep_us,
            budget_pct,
            senders: vec![sender; names.len()],
            measures: Vec::new(),
        }
    }

    fn on_call(&mut self, index: usize, at: SimTime, from: NodeId, to: NodeId, call: &Msg) {
        let Msg::Call {
            job,
            attempt,
            probe,
        } = *call
        else {
            return;
        };
        if self.databases.contains(&to) {
            self.measures.push(Measure {
                metric: DB_CALLS,
                node: Some(to),
                value: 1,
            });
        }
        let Some(sender) = self.senders.get_mut(from.index()) else {
            return;
        };
        // The breaker: while open, only one probe, once the sleep window is over.
        if let Seen::Open { since, probed } = sender.breaker {
            let early = at.as_micros() < since.as_micros() + self.sleep_us;
            if probe && !probed && !early {
                sender.breaker = Seen::Open {
                    since,
                    probed: true,
                };
            } else {
                let why = if !probe {
                    "a call that is not a probe"
                } else if probed {
                    "a second probe"
                } else {
                    "a probe before the sleep window was over"
                };
                self.findings.breach(ONLY_PROBES, index, |c| {
                    format!(
                        "{} sent {why} (j{job}#{attempt}) to {} while its breaker was open \
                         (since {since})",
                        c.name(from),
                        c.name(to)
                    )
                });
            }
        }
        // The budget: a call for a job this caller already called for is a retry.
        let Some(sender) = self.senders.get_mut(from.index()) else {
            return;
        };
        let retry = job <= sender.top_job;
        sender.top_job = sender.top_job.max(job);
        while sender
            .recent
            .front()
            .is_some_and(|&(t, _)| t.as_micros() + WINDOW_US <= at.as_micros())
        {
            sender.recent.pop_front();
        }
        sender.recent.push_back((at, retry));
        if !retry {
            return;
        }
        self.measures.push(Measure {
            metric: RETRIES,
            node: Some(from),
            value: 1,
        });
        let retries = sender.recent.iter().filter(|r| r.1).count() as u64;
        let new = sender.recent.len() as u64 - retries;
        let allowed = u64::from(self.budget_pct) * new + u64::from(BURST) * 100;
        if retries * 100 > allowed {
            let pct = self.budget_pct;
            self.findings.breach(BUDGET, index, |c| {
                format!(
                    "{} sent {retries} retries within 100 ms (the latest j{job}#{attempt} to \
                     {}) for {new} new calls: more than {} % of them plus {BURST}",
                    c.name(from),
                    c.name(to),
                    pct
                )
            });
        }
    }
}

impl Checker<ResilienceNode> for ResilienceChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<ResilienceNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        let Some(node) = event.node else {
            return;
        };
        match (&event.kind, msg) {
            (EventKind::Send { to, .. }, Some(record)) if record.copy_of.is_none() => {
                self.on_call(index, event.time, node, *to, &record.payload);
            }
            // A node that (re)starts has a closed breaker: its state is volatile.
            (EventKind::Start, _) => {
                if let Some(s) = self.senders.get_mut(node.index()) {
                    s.breaker = Seen::Closed;
                }
            }
            (EventKind::Note(note), _) => match note {
                Note::Opened { .. } => {
                    if let Some(s) = self.senders.get_mut(node.index()) {
                        s.breaker = Seen::Open {
                            since: event.time,
                            probed: false,
                        };
                    }
                }
                Note::Closed => {
                    if let Some(s) = self.senders.get_mut(node.index()) {
                        s.breaker = Seen::Closed;
                    }
                }
                Note::GaveUp { job, why } => {
                    self.findings.breach(ANSWERED, index, |c| {
                        format!("{}'s request j{job} failed ({why})", c.name(node))
                    });
                }
                Note::HalfOpen | Note::Slowed { .. } => {}
            },
            _ => {}
        }
    }

    fn check(&mut self, _nodes: &[ResilienceNode], _world: &World<'_>, out: &mut Vec<Breach>) {
        self.findings.drain(out);
    }

    fn measure(&mut self, out: &mut Vec<Measure>) {
        out.append(&mut self.measures);
    }
}

#[cfg(test)]
mod tests;

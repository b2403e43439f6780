//! Checks the hosts story from the trace: when the client sent each request and when
//! its answer reached it, and when the latest fault was acted (a crash, a pause, a
//! link changed: any action but a pattern's verb).

use std::collections::BTreeMap;

use crate::patterns::deploy::msg::{Msg, Note};
use crate::patterns::deploy::DeployNode;
use crate::patterns::findings::Findings;
use crate::sim::action::Action;
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::node::NodeId;
use crate::sim::time::SimTime;
use crate::sim::trace::{EventKind, MessageRecord, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "answered-fast",
        sentence: "Every request the tenants serve is answered within 25 ms of its sending, \
                   whatever their neighbours do.",
        kind: PropertyKind::Contrast,
    },
    Property {
        id: "isolated-from-neighbours",
        sentence: "Tenants isolated from each other (containers, VMs) answer every request \
                   they serve within 50 ms of its sending, whatever a neighbour runs \
                   (requests sent at least 200 ms after the latest fault; processes promise \
                   nothing).",
        kind: PropertyKind::Guarantee,
    },
];

const FAST: usize = 0;
const ISOLATED: usize = 1;
/// The latency the contrast holds every served request to, and the guarantee.
const FAST_US: u64 = 25_000;
const ISOLATED_US: u64 = 50_000;
/// How long after a fault the guarantee leaves requests out (queues drain).
const SETTLE_US: u64 = 200_000;

/// The hosts story's checker.
#[derive(Clone, Debug)]
pub struct HostsChecker {
    findings: Findings,
    client: NodeId,
    /// The client's requests in flight: number, and when it was sent.
    sent: BTreeMap<u64, SimTime>,
    /// Whether the tenants run isolated (containers or VMs), and the latest fault.
    isolated: bool,
    last_fault: Option<SimTime>,
}

impl HostsChecker {
    /// A checker for nodes named `names`, whose load comes from `client`, served by
    /// tenants deployed `isolated` (as containers or VMs) or not (as processes).
    pub fn new(names: &[String], client: NodeId, isolated: bool) -> HostsChecker {
        HostsChecker {
            findings: Findings::new(names),
            client,
            sent: BTreeMap::new(),
            isolated,
            last_fault: None,
        }
    }

    /// Whether a request sent at `sent` is far enough from every fault for the
    /// guarantee.
    fn calm_since(&self, sent: SimTime) -> bool {
        self.last_fault
            .is_none_or(|f| f.as_micros() + SETTLE_US <= sent.as_micros())
    }
}

impl Checker<DeployNode> for HostsChecker {
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
            (EventKind::Send { .. }, Some(record)) if record.from == self.client => {
                if let Msg::Request { id } = record.payload {
                    self.sent.insert(id, event.time);
                }
            }
            (EventKind::Deliver { .. }, Some(record)) if record.to == self.client => {
                let Msg::Response { id, ok } = record.payload else {
                    return;
                };
                let Some(sent) = self.sent.remove(&id) else {
                    return;
                };
                let took = event.time.as_micros() - sent.as_micros();
                let detail = |_: &Findings| {
                    format!(
                        "r{id}, sent at {sent}, was answered after {}",
                        SimTime(took)
                    )
                };
                if ok && took > FAST_US {
                    self.findings.breach(FAST, index, detail);
                }
                if ok && took > ISOLATED_US && self.isolated && self.calm_since(sent) {
                    self.findings.breach(ISOLATED, index, detail);
                }
            }
            (EventKind::Action(action), _) if !matches!(**action, Action::Command { .. }) => {
                self.last_fault = Some(event.time);
            }
            (EventKind::Note(Note::TimedOut { id }), _) => {
                self.sent.remove(id);
            }
            _ => {}
        }
    }

    fn check(&mut self, _nodes: &[DeployNode], _world: &World<'_>, out: &mut Vec<Breach>) {
        self.findings.drain(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patterns::deploy::checker::message_event;
    use crate::sim::checker::breaches_after_step;

    fn message(c: &mut HostsChecker, index: usize, at: u64, payload: Msg, to_client: bool) {
        let ends = if to_client { (1, 0) } else { (0, 1) };
        let (event, record) = message_event(index, at, ends, payload, to_client);
        c.observe(index, &event, Some(&record));
    }

    #[test]
    fn a_slow_answer_breaks_the_contrast_and_a_failed_one_does_not() {
        let names = vec!["c1".to_string(), "lb".to_string()];
        let mut c = HostsChecker::new(&names, NodeId(0), true);
        message(&mut c, 1, 0, Msg::Request { id: 1 }, false);
        message(&mut c, 2, 0, Msg::Request { id: 2 }, false);
        message(&mut c, 3, 25_000, Msg::Response { id: 1, ok: true }, true);
        message(&mut c, 4, 40_000, Msg::Response { id: 2, ok: false }, true);
        assert!(breaches_after_step(&mut c, 2).is_empty());
        message(&mut c, 5, 50_000, Msg::Request { id: 3 }, false);
        message(&mut c, 6, 75_001, Msg::Response { id: 3, ok: true }, true);
        let found = breaches_after_step(&mut c, 2);
        assert_eq!((found[0].property, found[0].event), (FAST, Some(6)));
        assert!(found[0].detail.contains("r3"), "{}", found[0].detail);
    }

    #[test]
    fn a_slow_answer_breaks_isolation_when_isolated_and_calm_only() {
        let names = vec!["c1".to_string(), "lb".to_string()];
        let slow = |c: &mut HostsChecker, index: usize, at: u64, id: u64| {
            message(c, index, at, Msg::Request { id }, false);
            let answer = Msg::Response { id, ok: true };
            message(c, index + 1, at + 50_001, answer, true);
        };
        // As processes: only the contrast.
        let mut processes = HostsChecker::new(&names, NodeId(0), false);
        slow(&mut processes, 1, 0, 1);
        let found = breaches_after_step(&mut processes, 2);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].property, FAST);
        // Isolated: a request sent within 200 ms of a fault is left out; one sent after
        // breaks the guarantee.
        let mut c = HostsChecker::new(&names, NodeId(0), true);
        let crash = TraceEvent {
            time: SimTime(10_000),
            node: Some(NodeId(1)),
            kind: EventKind::Action(Box::new(Action::Crash(NodeId(1)))),
        };
        c.observe(1, &crash, None);
        slow(&mut c, 2, 100_000, 1);
        let found = breaches_after_step(&mut c, 2);
        assert!(found.iter().all(|b| b.property != ISOLATED), "{found:?}");
        slow(&mut c, 4, 210_000, 2);
        let found = breaches_after_step(&mut c, 2);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].property, found[0].event), (ISOLATED, Some(5)));
        assert!(found[0].detail.contains("r2"), "{}", found[0].detail);
    }
}

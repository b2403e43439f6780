//! Checks the load balancer from the trace: which instance each request was sent to,
//! and since when that instance had been down (from every node's status after each step).

use super::msg::{Msg, Note};
use super::node::BalanceNode;
use crate::patterns::downtime::Downtime;
use crate::patterns::findings::Findings;
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::node::NodeId;
use crate::sim::time::SimTime;
use crate::sim::trace::{EventKind, MessageRecord, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "no-routing-to-dead",
        sentence: "No request is sent to an instance that has been down (crashed, or out of \
                   the run) for longer than the detection bound: the health checks it may \
                   miss before it is ejected, one more round, and a round trip.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "answered-in-time",
        sentence: "Every request is answered before its client's timeout.",
        kind: PropertyKind::Contrast,
    },
];

const NO_DEAD: usize = 0;
const IN_TIME: usize = 1;

/// The load balancer's checker.
#[derive(Clone, Debug)]
pub struct BalanceChecker {
    findings: Findings,
    bound_us: u64,
    down: Downtime,
}

impl BalanceChecker {
    /// A checker for nodes named `names`, with the detection bound `bound_us`.
    pub fn new(names: &[String], bound_us: u64) -> BalanceChecker {
        BalanceChecker {
            findings: Findings::new(names),
            bound_us,
            down: Downtime::new(names.len()),
        }
    }
}

impl Checker<BalanceNode> for BalanceChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<BalanceNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        match (&event.kind, msg) {
            (EventKind::Send { to, .. }, Some(record)) => {
                let Msg::Work { client, id } = record.payload else {
                    return;
                };
                let Some(since) = self.down.since(*to) else {
                    return;
                };
                let down_for = event.time.as_micros() - since.as_micros();
                if down_for > self.bound_us {
                    let (from, to, bound) = (record.from, *to, self.bound_us);
                    self.findings.breach(NO_DEAD, index, |c| {
                        format!(
                            "{} sent request c{}/r{id} to {}, down since {since} ({} > the \
                             bound {})",
                            c.name(from),
                            client + 1,
                            c.name(to),
                            SimTime(down_for),
                            SimTime(bound),
                        )
                    });
                }
            }
            (EventKind::Note(Note::TimedOut { id }), _) => {
                let node = event.node.unwrap_or(NodeId(u32::MAX));
                self.findings.breach(IN_TIME, index, |c| {
                    format!(
                        "{} gave up on r{id}: no answer before its timeout",
                        c.name(node)
                    )
                });
            }
            _ => {}
        }
    }

    fn check(&mut self, _nodes: &[BalanceNode], world: &World<'_>, out: &mut Vec<Breach>) {
        self.down.update(world);
        self.findings.drain(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::clock::WallClock;
    use crate::sim::node::NodeStatus;
    use crate::sim::trace::{Fate, MsgId};

    fn names() -> Vec<String> {
        ["c1", "b1", "i1"].iter().map(|s| s.to_string()).collect()
    }

    fn send_work(checker: &mut BalanceChecker, index: usize, at: u64) {
        let event = TraceEvent {
            time: SimTime(at),
            node: Some(NodeId(1)),
            kind: EventKind::Send {
                msg: MsgId(index as u32),
                to: NodeId(2),
                fate: Fate::Arrives(SimTime(at + 1_000)),
            },
        };
        let record = MessageRecord {
            from: NodeId(1),
            to: NodeId(2),
            sent_at: SimTime(at),
            copy_of: None,
            cause: None,
            payload: Msg::Work { client: 0, id: 7 },
        };
        checker.observe(index, &event, Some(&record));
    }

    fn after_step(checker: &mut BalanceChecker, at: u64, status: &[NodeStatus]) -> Vec<Breach> {
        let clocks = vec![WallClock::new(0, 0); status.len()];
        let world = World {
            now: SimTime(at),
            status,
            clocks: &clocks,
        };
        let mut out = Vec::new();
        checker.check(&[], &world, &mut out);
        out
    }

    #[test]
    fn sending_to_an_instance_dead_past_the_bound_breaks_the_guarantee() {
        let mut checker = BalanceChecker::new(&names(), 100_000);
        let up = [NodeStatus::Up; 3];
        let dead = [NodeStatus::Up, NodeStatus::Up, NodeStatus::Crashed];
        assert!(after_step(&mut checker, 0, &up).is_empty());
        assert!(after_step(&mut checker, 10_000, &dead).is_empty());
        // Within the bound: the balancer cannot know yet.
        send_work(&mut checker, 5, 110_000);
        assert!(after_step(&mut checker, 110_000, &dead).is_empty());
        send_work(&mut checker, 6, 110_001);
        let found = after_step(&mut checker, 110_001, &dead);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].property, found[0].event), (NO_DEAD, Some(6)));
        assert!(found[0].detail.contains("to i1"), "{}", found[0].detail);
        // Back up: sending to it is fine again.
        assert!(after_step(&mut checker, 200_000, &up).is_empty());
        send_work(&mut checker, 7, 900_000);
        assert!(after_step(&mut checker, 900_000, &up).is_empty());
    }

    #[test]
    fn a_timeout_breaks_the_contrast() {
        let mut checker = BalanceChecker::new(&names(), 100_000);
        let event = TraceEvent {
            time: SimTime(5),
            node: Some(NodeId(0)),
            kind: EventKind::Note(Note::TimedOut { id: 3 }),
        };
        checker.observe(4, &event, None);
        let found = after_step(&mut checker, 5, &[NodeStatus::Up; 3]);
        assert_eq!((found[0].property, found[0].event), (IN_TIME, Some(4)));
    }
}

//! Checks the load balancer from the trace: which instance each request was sent to,
//! and since when that instance had been down (from every node's status after each step).

use super::balancer::Outliers;
use super::msg::{Msg, Note};
use super::node::BalanceNode;
use crate::patterns::downtime::Downtime;
use crate::patterns::findings::Findings;
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::node::{NodeId, NodeStatus};
use crate::sim::time::SimTime;
use crate::sim::trace::{EventKind, MessageRecord, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "dead-skipped-in-time",
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
    Property {
        id: "no-routing-to-outlier",
        sentence: "Once an instance has answered a balancer with 5 errors in a row, that \
                   balancer sends it no request for 300 ms times the times this happened \
                   (270 ms at least, its own clock may run fast), unless a tenth of the \
                   instances (at least one) are out already.",
        kind: PropertyKind::Guarantee,
    },
];

const NO_DEAD: usize = 0;
const IN_TIME: usize = 1;
const NO_OUTLIER: usize = 2;

/// What one balancer was told by one instance, as the outlier rule reads it.
#[derive(Clone, Copy, Debug)]
struct Told {
    balancer: NodeId,
    instance: NodeId,
    /// Errors in a row since the last success or ejection.
    errors: u32,
    ejections: u32,
    /// Out until then (virtual time, the shortest its clock allows).
    until: SimTime,
}

/// The load balancer's checker.
#[derive(Clone, Debug)]
pub struct BalanceChecker {
    findings: Findings,
    bound_us: u64,
    down: Downtime,
    outliers: Outliers,
    /// At most this many instances out at once, per balancer.
    cap: usize,
    told: Vec<Told>,
}

impl BalanceChecker {
    /// A checker for nodes named `names`, with the detection bound `bound_us`, holding
    /// balancers over `instances` instances to the outlier rule `outliers` (whether or
    /// not their own detection is on: the guarantee is what it should do).
    pub fn new(
        names: &[String],
        bound_us: u64,
        outliers: Outliers,
        instances: usize,
    ) -> BalanceChecker {
        BalanceChecker {
            findings: Findings::new(names),
            bound_us,
            down: Downtime::new(names.len()),
            outliers,
            cap: Outliers::cap(instances),
            told: Vec::new(),
        }
    }

    fn told(&mut self, balancer: NodeId, instance: NodeId) -> &mut Told {
        let at = match self
            .told
            .iter()
            .position(|t| t.balancer == balancer && t.instance == instance)
        {
            Some(at) => at,
            None => {
                self.told.push(Told {
                    balancer,
                    instance,
                    errors: 0,
                    ejections: 0,
                    until: SimTime::ZERO,
                });
                self.told.len() - 1
            }
        };
        &mut self.told[at]
    }

    /// `balancer` was told by `instance` that a request failed (`failed`) or succeeded,
    /// at `now`: the ejection the rule requires, if any.
    fn answer(&mut self, balancer: NodeId, instance: NodeId, failed: bool, now: SimTime) {
        let out = self
            .told
            .iter()
            .filter(|t| t.balancer == balancer && t.until > now)
            .count();
        let (rule, cap) = (self.outliers, self.cap);
        let told = self.told(balancer, instance);
        if !failed {
            told.errors = 0;
            return;
        }
        told.errors += 1;
        if told.errors >= rule.errors_in_row && told.until <= now && out < cap {
            told.ejections += 1;
            let for_us = rule.base_us * u64::from(told.ejections);
            told.until = SimTime(now.as_micros() + for_us - for_us / 10);
            told.errors = 0;
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
            (EventKind::Deliver { from, .. }, Some(record)) => {
                let failed = match record.payload {
                    Msg::Failed { .. } => true,
                    Msg::Done { .. } => false,
                    _ => return,
                };
                self.answer(record.to, *from, failed, event.time);
            }
            (EventKind::Send { to, .. }, Some(record)) => {
                let Msg::Work { client, id } = record.payload else {
                    return;
                };
                let ejected = self
                    .told
                    .iter()
                    .find(|t| t.balancer == record.from && t.instance == *to)
                    .filter(|t| t.until > event.time)
                    .copied();
                if let Some(t) = ejected {
                    let (from, to) = (record.from, *to);
                    self.findings.breach(NO_OUTLIER, index, |c| {
                        format!(
                            "{} sent request c{}/r{id} to {}, which it had to keep out until \
                             {} ({} errors in a row, ejection {})",
                            c.name(from),
                            client + 1,
                            c.name(to),
                            t.until,
                            self.outliers.errors_in_row,
                            t.ejections,
                        )
                    });
                }
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
        // A balancer that crashed or left the run forgot what it was told (it starts
        // afresh when it comes back).
        self.told.retain(|t| {
            !matches!(
                world.status.get(t.balancer.index()),
                Some(NodeStatus::Crashed | NodeStatus::Absent)
            )
        });
        self.findings.drain(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::clock::WallClock;
    use crate::sim::trace::message_event;

    const RULE: Outliers = Outliers {
        on: true,
        errors_in_row: 5,
        base_us: 300_000,
    };

    /// Instance `from` answers balancer `to` (message `index`, delivered at `at`) with an
    /// error (`failed`) or a success.
    fn answer_between(
        checker: &mut BalanceChecker,
        ends: (u32, u32),
        index: usize,
        at: u64,
        failed: bool,
    ) {
        let payload = if failed {
            Msg::Failed { client: 0, id: 7 }
        } else {
            Msg::Done { client: 0, id: 7 }
        };
        let (event, record) = message_event(index, at, ends, payload, true);
        checker.observe(index, &event, Some(&record));
    }

    /// i1 answers b1's request `index` at `at`: an error (`failed`) or a success.
    fn answer(checker: &mut BalanceChecker, index: usize, at: u64, failed: bool) {
        answer_between(checker, (2, 1), index, at, failed);
    }

    #[test]
    fn routing_to_an_instance_after_five_errors_in_a_row_within_its_ejection_breaks() {
        let up = [NodeStatus::Up; 3];
        // Four errors, a success, four errors: never five in a row, nothing to keep out.
        let mut checker = BalanceChecker::new(&names(), 100_000, RULE, 10);
        for (i, failed) in [true, true, true, true, false, true, true, true, true]
            .into_iter()
            .enumerate()
        {
            answer(&mut checker, i, 1_000 * i as u64, failed);
        }
        send_work(&mut checker, 20, 10_000);
        assert!(after_step(&mut checker, 10_000, &up).is_empty());
        // The fifth in a row: out for 300 ms (270 ms at least).
        answer(&mut checker, 21, 11_000, true);
        send_work(&mut checker, 22, 200_000);
        let found = after_step(&mut checker, 200_000, &up);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].property, found[0].event), (NO_OUTLIER, Some(22)));
        assert!(
            found[0].detail.contains("ejection 1"),
            "{}",
            found[0].detail
        );
    }

    #[test]
    fn each_ejection_lasts_longer_than_the_one_before() {
        let up = [NodeStatus::Up; 3];
        let mut checker = BalanceChecker::new(&names(), 100_000, RULE, 10);
        for i in 0..5 {
            answer(&mut checker, i, i as u64, true);
        }
        // After the first ejection (270 ms at least): routing to it again is allowed.
        send_work(&mut checker, 10, 280_000);
        assert!(after_step(&mut checker, 280_000, &up).is_empty());
        // Five more errors: out for twice as long.
        for i in 0..5 {
            answer(&mut checker, 20 + i, 300_000 + i as u64, true);
        }
        send_work(&mut checker, 30, 800_000);
        let found = after_step(&mut checker, 800_000, &up);
        assert_eq!((found[0].property, found[0].event), (NO_OUTLIER, Some(30)));
        assert!(
            found[0].detail.contains("ejection 2"),
            "{}",
            found[0].detail
        );
    }

    #[test]
    fn a_crashed_balancer_starts_afresh() {
        let mut checker = BalanceChecker::new(&names(), 100_000, RULE, 10);
        for i in 0..5 {
            answer(&mut checker, i, i as u64, true);
        }
        let crashed = [NodeStatus::Up, NodeStatus::Crashed, NodeStatus::Up];
        assert!(after_step(&mut checker, 10, &crashed).is_empty());
        send_work(&mut checker, 9, 1_000);
        assert!(after_step(&mut checker, 1_000, &[NodeStatus::Up; 3]).is_empty());
    }

    #[test]
    fn with_the_cap_reached_more_errors_ask_for_no_ejection() {
        let up = [NodeStatus::Up; 3];
        // Ten instances: one out at a time. With i1 out, a second instance's errors eject
        // nothing.
        let mut checker = BalanceChecker::new(&names(), 100_000, RULE, 10);
        for i in 0..5 {
            answer(&mut checker, i, i as u64, true);
        }
        for i in 0..5 {
            answer_between(&mut checker, (0, 1), 10 + i, 10 + i as u64, true);
        }
        send_work_between(&mut checker, (1, 0), 20, 1_000);
        assert!(after_step(&mut checker, 1_000, &up).is_empty());
    }

    fn names() -> Vec<String> {
        ["c1", "b1", "i1"].iter().map(|s| s.to_string()).collect()
    }

    /// Balancer `from` sends request work to instance `to`: message `index` at `at`.
    fn send_work_between(checker: &mut BalanceChecker, ends: (u32, u32), index: usize, at: u64) {
        let work = Msg::Work { client: 0, id: 7 };
        let (event, record) = message_event(index, at, ends, work, false);
        checker.observe(index, &event, Some(&record));
    }

    /// b1 sends i1 work: message `index` at `at`.
    fn send_work(checker: &mut BalanceChecker, index: usize, at: u64) {
        send_work_between(checker, (1, 2), index, at);
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
        let mut checker = BalanceChecker::new(&names(), 100_000, RULE, 10);
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
        let mut checker = BalanceChecker::new(&names(), 100_000, RULE, 10);
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

//! The checker's unit tests: hand-built traces that break each property, and ones that
//! look alike but hold.

use super::*;
use crate::sim::action::Action;
use crate::sim::clock::WallClock;
use crate::sim::time::SimTime;
use crate::sim::trace::{DropReason, MsgId};

const P1: NodeId = NodeId(0);
const BROKER: NodeId = NodeId(1);
const C1: NodeId = NodeId(2);
const C2: NodeId = NodeId(3);
const DLQ: NodeId = NodeId(4);

/// A trace builder: every call appends one event; `step` ends a step with the broker
/// holding what the test says.
struct Trace {
    c: BrokerChecker,
    index: usize,
    now: u64,
    broker: Broker,
    status: Vec<NodeStatus>,
}

impl Trace {
    fn new() -> Trace {
        Trace::with(&["p1", "broker", "c1", "c2", "dlq"], 1)
    }

    /// A trace of nodes named `names` (the broker second, consumers c1 and c2 third and
    /// fourth), with the queues `bound` from the start.
    fn with(names: &[&str], bound: u8) -> Trace {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        Trace {
            c: BrokerChecker::new(&names, BROKER, vec![C1, C2], bound),
            index: 0,
            now: 0,
            broker: Broker::holding(&[], &[]),
            status: vec![NodeStatus::Up; names.len()],
        }
    }

    fn event(
        &mut self,
        node: NodeId,
        kind: EventKind<BrokerNode>,
        record: Option<(NodeId, NodeId, Msg)>,
    ) {
        self.now += 100;
        let event = TraceEvent {
            time: SimTime(self.now),
            node: Some(node),
            kind,
        };
        let record = record.map(|(from, to, payload)| MessageRecord {
            from,
            to,
            sent_at: SimTime(self.now),
            copy_of: None,
            cause: None,
            payload,
        });
        self.c.observe(self.index, &event, record.as_ref());
        self.index += 1;
    }

    fn send(&mut self, from: NodeId, to: NodeId, msg: Msg) {
        let kind = EventKind::Send {
            msg: MsgId(self.index as u32),
            to,
            fate: Fate::Arrives(SimTime(self.now + 1_000)),
        };
        self.event(from, kind, Some((from, to, msg)));
    }

    fn deliver(&mut self, from: NodeId, to: NodeId, msg: Msg) {
        let kind = EventKind::Deliver {
            msg: MsgId(self.index as u32),
            from,
        };
        self.event(to, kind, Some((from, to, msg)));
    }

    fn publish(&mut self, id: u64) {
        self.deliver(
            P1,
            BROKER,
            Msg::Publish {
                id,
                poison: false,
                topic: 0,
            },
        );
    }

    fn hand_out(&mut self, id: u64, tag: u64, to: NodeId) {
        let before = 0;
        let poison = false;
        self.send(
            BROKER,
            to,
            Msg::Deliver {
                id,
                tag,
                poison,
                before,
            },
        );
    }

    /// Ends a step with the broker holding `ready` and `out`: the breaches reported.
    fn step(&mut self, ready: &[u64], out: &[(u64, NodeId, u64)]) -> Vec<Breach> {
        self.end_step(Broker::holding(ready, out))
    }

    /// Ends a step with the broker holding `ready` (queue, message) and `out` (tag,
    /// consumer, queue, message).
    fn step_in(&mut self, ready: &[(u8, u64)], out: &[(u64, NodeId, u8, u64)]) -> Vec<Breach> {
        self.end_step(Broker::holding_in(ready, out))
    }

    fn end_step(&mut self, broker: Broker) -> Vec<Breach> {
        self.broker = broker;
        let nodes = vec![BrokerNode::Broker(self.broker.clone()); 2];
        let clocks = vec![WallClock::new(0, 0); self.status.len()];
        let world = World {
            now: SimTime(self.now),
            status: &self.status,
            clocks: &clocks,
        };
        let mut breaches = Vec::new();
        self.c.check(&nodes, &world, &mut breaches);
        breaches
    }

    fn crash_broker(&mut self) {
        self.status[BROKER.index()] = NodeStatus::Crashed;
        self.event(
            BROKER,
            EventKind::Action(Box::new(Action::Crash(BROKER))),
            None,
        );
    }
}

fn only(found: &[Breach], property: usize) -> &Breach {
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].property, property, "{found:?}");
    &found[0]
}

#[test]
fn a_broker_that_keeps_nothing_across_a_crash_loses_what_it_held() {
    let mut t = Trace::new();
    t.publish(1);
    t.publish(2);
    t.hand_out(1, 7, C1);
    assert!(t.step(&[2], &[(7, C1, 1)]).is_empty());
    // A durable broker keeps both, the delivery back in the queue.
    let mut durable = Trace::new();
    durable.publish(1);
    durable.publish(2);
    durable.hand_out(1, 7, C1);
    durable.step(&[2], &[(7, C1, 1)]);
    durable.crash_broker();
    assert!(durable.step(&[1, 2], &[]).is_empty());
    // A transient one comes back empty: lost, at the crash.
    t.crash_broker();
    let crash = t.index - 1;
    let found = t.step(&[], &[]);
    let breach = only(&found, CONSERVATION);
    assert_eq!(breach.event, Some(crash));
    assert!(
        breach.detail.contains("kept none of 2"),
        "{}",
        breach.detail
    );
}

#[test]
fn a_delivery_the_broker_forgot_is_lost_when_it_never_reaches_the_consumer() {
    let mut t = Trace::new();
    t.publish(1);
    t.publish(2);
    // Automatic acknowledgement: the broker keeps neither delivery.
    t.hand_out(1, 1, C1);
    t.hand_out(2, 2, C2);
    assert!(t.step(&[], &[]).is_empty());
    // m1 reaches c1's handler: done.
    t.deliver(
        BROKER,
        C1,
        Msg::Deliver {
            id: 1,
            tag: 1,
            poison: false,
            before: 0,
        },
    );
    assert!(t.step(&[], &[]).is_empty());
    // c2 crashes with m2 waiting: its only copy is dropped.
    let reason = DropReason::ReceiverDown;
    let record = (
        BROKER,
        C2,
        Msg::Deliver {
            id: 2,
            tag: 2,
            poison: false,
            before: 0,
        },
    );
    t.event(
        C2,
        EventKind::Dropped {
            msg: MsgId(2),
            reason,
        },
        Some(record),
    );
    let found = t.step(&[], &[]);
    let breach = only(&found, CONSERVATION);
    assert_eq!(breach.event, Some(t.index - 1));
    assert!(breach.detail.contains("m2 was lost"), "{}", breach.detail);
}

#[test]
fn a_dropped_delivery_the_broker_still_keeps_is_not_lost() {
    let mut t = Trace::new();
    t.publish(1);
    t.hand_out(1, 1, C1);
    assert!(t.step(&[], &[(1, C1, 1)]).is_empty());
    let reason = DropReason::ReceiverDown;
    let record = (
        BROKER,
        C1,
        Msg::Deliver {
            id: 1,
            tag: 1,
            poison: false,
            before: 0,
        },
    );
    t.event(
        C1,
        EventKind::Dropped {
            msg: MsgId(1),
            reason,
        },
        Some(record),
    );
    assert!(t.step(&[], &[(1, C1, 1)]).is_empty());
    // c1 reconnects: the broker requeues it and may hand it out again.
    t.deliver(
        C1,
        BROKER,
        Msg::Subscribe {
            prefetch: 1,
            queue: 0,
        },
    );
    assert!(t.step(&[1], &[]).is_empty());
    t.hand_out(1, 2, C2);
    assert!(t.step(&[], &[(2, C2, 1)]).is_empty());
    let mut measures = Vec::new();
    t.c.measure(&mut measures);
    assert_eq!(
        measures.iter().filter(|m| m.metric == REDELIVERED).count(),
        1
    );
}

#[test]
fn handing_out_a_message_that_is_out_or_acknowledged_breaks_conservation() {
    let mut t = Trace::new();
    t.publish(1);
    t.hand_out(1, 1, C1);
    t.step(&[], &[(1, C1, 1)]);
    t.hand_out(1, 2, C2);
    let found = t.step(&[], &[(1, C1, 1), (2, C2, 1)]);
    assert!(only(&found, CONSERVATION)
        .detail
        .contains("while it was out at a consumer"));

    let mut t = Trace::new();
    t.publish(1);
    t.hand_out(1, 1, C1);
    t.step(&[], &[(1, C1, 1)]);
    // An ack for another tag, or from another consumer, settles nothing.
    t.deliver(C2, BROKER, Msg::Ack { id: 1, tag: 1 });
    t.deliver(C1, BROKER, Msg::Ack { id: 1, tag: 9 });
    assert!(t.step(&[], &[(1, C1, 1)]).is_empty());
    t.deliver(C1, BROKER, Msg::Ack { id: 1, tag: 1 });
    assert!(t.step(&[], &[]).is_empty());
    t.hand_out(1, 3, C2);
    let found = t.step(&[], &[(3, C2, 1)]);
    assert!(only(&found, CONSERVATION)
        .detail
        .contains("while it was acknowledged"));
}

#[test]
fn a_broker_holding_more_or_less_than_the_trace_says_breaks_conservation() {
    let mut t = Trace::new();
    t.publish(1);
    assert!(t.step(&[1], &[]).is_empty());
    t.publish(1);
    assert!(
        t.step(&[1], &[]).is_empty(),
        "a publish seen twice is stored once"
    );
    t.publish(2);
    let found = t.step(&[1, 2, 2], &[]);
    let breach = only(&found, CONSERVATION);
    assert!(
        breach.detail.contains("holds 3 messages"),
        "{}",
        breach.detail
    );
    assert!(breach.detail.contains("should hold 2"), "{}", breach.detail);
}

#[test]
fn a_sixth_delivery_breaks_bounded_redelivery_and_dead_lettering_ends_it() {
    let mut t = Trace::new();
    t.publish(1);
    for tag in 1..=5 {
        t.hand_out(1, tag, C1);
        assert!(t.step(&[], &[(tag, C1, 1)]).is_empty());
        t.deliver(C1, BROKER, Msg::Reject { id: 1, tag });
        assert!(t.step(&[1], &[]).is_empty());
    }
    let mut dead = t.c.clone();
    t.hand_out(1, 6, C1);
    let found = t.step(&[], &[(6, C1, 1)]);
    let breach = only(&found, BOUNDED);
    assert!(breach.detail.contains("6th time"), "{}", breach.detail);
    // Dead-lettered instead: it holds.
    let mut d = Trace::new();
    std::mem::swap(&mut d.c, &mut dead);
    d.index = t.index;
    d.send(
        BROKER,
        DLQ,
        Msg::DeadLetter {
            id: 1,
            deliveries: 5,
            queue: 0,
        },
    );
    assert!(d.step(&[], &[]).is_empty());
    assert!(d.c.facts(&[]).contains(&("dead-lettered", "1".to_string())));
}

#[test]
fn more_than_100_ready_messages_break_the_short_queue_contrast() {
    let mut t = Trace::new();
    let ids: Vec<u64> = (1..=100).collect();
    for &id in &ids {
        t.publish(id);
    }
    assert!(t.step(&ids, &[]).is_empty());
    t.publish(101);
    let ids: Vec<u64> = (1..=101).collect();
    let found = t.step(&ids, &[]);
    assert!(only(&found, SHORT).detail.contains("101 messages ready"));
}

#[test]
fn utilisation_is_the_share_of_each_window_a_consumer_had_work() {
    let mut t = Trace::new();
    let arrive = |queued| EventKind::Arrive {
        msg: MsgId(0),
        from: BROKER,
        queued,
    };
    let done = || Msg::Deliver {
        id: 1,
        tag: 1,
        poison: false,
        before: 0,
    };
    // c1: busy from 100 µs to 300 µs and from 400 µs to 800 µs (two deliveries queued).
    t.event(C1, arrive(0), None);
    t.deliver(BROKER, C1, done());
    t.event(C1, arrive(0), None);
    t.event(C1, arrive(1), None);
    t.deliver(BROKER, C1, done());
    t.deliver(BROKER, C1, done());
    t.c.busy.advance(SimTime(100_000));
    let mut measures = Vec::new();
    t.c.measure(&mut measures);
    let busy: Vec<(NodeId, i64)> = measures
        .iter()
        .filter(|m| m.metric == BUSY)
        .map(|m| (m.node.unwrap(), m.value))
        .collect();
    // 600 µs of 100 ms rounds down to 0 %; the whole run's share says the same.
    assert_eq!(busy, vec![(C1, 0), (C2, 0)]);
    t.now = 100_000;
    t.event(C1, arrive(0), None);
    t.c.busy.advance(SimTime(250_000));
    t.c.measure(&mut measures);
    let last = measures.iter().rev().find(|m| m.node == Some(C1)).unwrap();
    assert_eq!(last.value, 99, "busy from 100.1 ms to 200 ms");
    // Over the run: 0.6 ms, then 100.1 ms to 250 ms, of 250 ms.
    let facts = t.c.facts(&[]);
    assert_eq!(facts.last().unwrap().1, "c1 60 %, c2 0 %");
}

/// The topic story's nodes: c1 takes from audit (#), c2 from eu-orders (orders.eu.*),
/// c3 from shipments (*.*.shipped, transient), c4 from analytics (orders.#, bound late).
const C3: NodeId = NodeId(4);
const C4: NodeId = NodeId(5);
const TOPIC_NODES: [&str; 7] = ["p1", "broker", "c1", "c2", "c3", "c4", "dlq"];
const ORDERS_EU_SHIPPED: u8 = 3;
const ORDERS_US_CREATED: u8 = 2;

impl Trace {
    fn topics() -> Trace {
        let mut t = Trace::with(&TOPIC_NODES, 0b01110);
        for (consumer, queue) in [(C1, 1), (C2, 2), (C3, 3)] {
            t.subscribe(consumer, queue);
        }
        t
    }

    fn subscribe(&mut self, consumer: NodeId, queue: u8) {
        let prefetch = 10;
        self.deliver(consumer, BROKER, Msg::Subscribe { prefetch, queue });
    }

    fn publish_to(&mut self, id: u64, topic: u8) {
        let poison = false;
        let publish = Msg::Publish { id, poison, topic };
        self.deliver(P1, BROKER, publish);
    }
}

#[test]
fn a_publish_is_copied_into_every_bound_queue_that_matches_and_each_copy_counts() {
    let mut t = Trace::topics();
    t.publish_to(1, ORDERS_EU_SHIPPED);
    // audit, eu-orders and shipments each hold a copy.
    assert!(t.step_in(&[(1, 1), (2, 1), (3, 1)], &[]).is_empty());
    t.hand_out(1, 1, C2);
    assert!(t.step_in(&[(1, 1), (3, 1)], &[(1, C2, 2, 1)]).is_empty());
    // Acknowledging eu-orders' copy leaves the other two where they are.
    t.deliver(C2, BROKER, Msg::Ack { id: 1, tag: 1 });
    assert!(t.step_in(&[(1, 1), (3, 1)], &[]).is_empty());
    let facts = t.c.facts(&[]);
    assert!(
        facts.contains(&("copies acknowledged", "1".to_string())),
        "{facts:?}"
    );
    assert!(
        facts.contains(&("copies ready", "2".to_string())),
        "{facts:?}"
    );
    // A broker that copied it into one queue only breaks conservation.
    let mut t = Trace::topics();
    t.publish_to(1, ORDERS_EU_SHIPPED);
    let found = t.step_in(&[(1, 1)], &[]);
    let breach = only(&found, CONSERVATION);
    assert!(breach.detail.contains("holds 1"), "{}", breach.detail);
    assert!(breach.detail.contains("should hold 3"), "{}", breach.detail);
}

#[test]
fn a_queue_bound_late_has_no_copy_of_what_was_published_before() {
    let mut t = Trace::topics();
    t.publish_to(1, ORDERS_US_CREATED);
    assert!(t.step_in(&[(1, 1)], &[]).is_empty());
    t.subscribe(C4, 4);
    t.publish_to(2, ORDERS_US_CREATED);
    assert!(t.step_in(&[(1, 1), (1, 2), (4, 2)], &[]).is_empty());
    let facts = t.c.facts(&[]);
    let copies = facts.iter().find(|(l, _)| *l == "copies routed per queue");
    assert_eq!(
        copies.unwrap().1,
        "audit 2, eu-orders 0, shipments 0, analytics 1"
    );
    // Handing m1 to analytics' consumer: it was never routed there.
    t.hand_out(1, 1, C4);
    let found = t.step_in(&[(1, 2), (4, 2)], &[(1, C4, 4, 1)]);
    let breach = only(&found, CONSERVATION);
    assert!(
        breach
            .detail
            .contains("handed m1 to c4 while it was never routed"),
        "{}",
        breach.detail
    );
}

#[test]
fn a_transient_queue_takes_its_copies_away_by_design_but_a_durable_one_must_keep_them() {
    let mut t = Trace::topics();
    t.publish_to(1, ORDERS_EU_SHIPPED);
    t.hand_out(1, 1, C3);
    assert!(t.step_in(&[(1, 1), (2, 1)], &[(1, C3, 3, 1)]).is_empty());
    let mut lossy = Trace::topics();
    lossy.c = t.c.clone();
    lossy.index = t.index;
    // The broker comes back with the durable queues' copies: shipments' is gone.
    t.crash_broker();
    assert!(t.step_in(&[(1, 1), (2, 1)], &[]).is_empty());
    let facts = t.c.facts(&[]);
    assert!(facts.contains(&("gone with a transient queue", "1".to_string())));
    assert!(facts.contains(&("copies lost", "0".to_string())));
    // shipments is unbound until c3 declares it again: a publish now skips it.
    t.publish_to(2, ORDERS_EU_SHIPPED);
    assert!(t.step_in(&[(1, 1), (2, 1), (1, 2), (2, 2)], &[]).is_empty());
    // Without persistent messages eu-orders comes back without its copy: lost.
    lossy.crash_broker();
    let crash = lossy.index - 1;
    let found = lossy.step_in(&[(1, 1)], &[]);
    let breach = only(&found, CONSERVATION);
    assert_eq!(breach.event, Some(crash));
    assert!(
        breach.detail.contains("kept none of 1"),
        "{}",
        breach.detail
    );
}

//! The checker's unit tests: hand-built traces that break each property, and ones that
//! look alike but hold.

use super::*;
use crate::patterns::bus::msg::Format;
use crate::sim::checker::breaches_after_step;
use crate::sim::trace::{DropReason, MsgId};

const SHOP: NodeId = NodeId(0);
const BUS: NodeId = NodeId(1);
const SHIPPING: NodeId = NodeId(2);
const BILLING: NodeId = NodeId(3);
const INVALID: NodeId = NodeId(4);

fn checker() -> BusChecker {
    let names: Vec<String> = ["shop", "bus", "shipping", "billing", "invalid"]
        .map(String::from)
        .to_vec();
    let routes = Routes {
        orders: (SHIPPING, Format::Json, "shipping"),
        invoices: (BILLING, Format::Csv, "billing"),
        invalid: Some(INVALID),
        confirmed: true,
    };
    BusChecker::new(&names, BUS, routes)
}

/// A trace builder: every call appends one event at `at_us`.
struct Trace {
    c: BusChecker,
    index: usize,
}

impl Trace {
    fn new() -> Trace {
        Trace {
            c: checker(),
            index: 0,
        }
    }

    fn record(
        &mut self,
        at_us: u64,
        node: NodeId,
        kind: EventKind<BusNode>,
        msg: Option<(NodeId, NodeId, u64, Msg)>,
    ) {
        let event = TraceEvent {
            time: SimTime(at_us),
            node: Some(node),
            kind,
        };
        let record = msg.map(|(from, to, sent, payload)| MessageRecord {
            from,
            to,
            sent_at: SimTime(sent),
            copy_of: None,
            cause: None,
            payload,
        });
        self.c.observe(self.index, &event, record.as_ref());
        self.index += 1;
    }

    fn send(&mut self, at_us: u64, from: NodeId, to: NodeId, msg: Msg) {
        let kind = EventKind::Send {
            msg: MsgId(self.index as u32),
            to,
            fate: Fate::Arrives(SimTime(at_us + 1_000)),
        };
        self.record(at_us, from, kind, Some((from, to, at_us, msg)));
    }

    fn deliver(&mut self, at_us: u64, sent_us: u64, from: NodeId, to: NodeId, msg: Msg) {
        let kind = EventKind::Deliver {
            msg: MsgId(self.index as u32),
            from,
        };
        self.record(at_us, to, kind, Some((from, to, sent_us, msg)));
    }

    /// The bus takes in `kind` #`id`, sent by the shop at 0.
    fn take(&mut self, at_us: u64, id: u64, kind: Kind, bad: bool) {
        let format = Format::Json;
        let msg = Msg::Send {
            id,
            kind,
            format,
            bad,
        };
        self.deliver(at_us, 0, SHOP, BUS, msg);
    }

    fn breaches(&mut self) -> Vec<Breach> {
        breaches_after_step(&mut self.c, 5)
    }
}

fn only(found: &[Breach], property: usize) -> &Breach {
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].property, property, "{found:?}");
    &found[0]
}

#[test]
fn an_order_routed_to_billing_or_a_good_message_called_invalid_breaks_the_routes() {
    let mut t = Trace::new();
    t.take(1_000, 1, Kind::Order, false);
    let format = Format::Json;
    t.send(
        1_000,
        BUS,
        SHIPPING,
        Msg::Routed {
            id: 1,
            kind: Kind::Order,
            format,
        },
    );
    t.take(2_000, 2, Kind::Unknown, false);
    t.send(2_000, BUS, INVALID, Msg::Invalid { id: 2, bad: false });
    assert!(t.breaches().is_empty());
    t.take(3_000, 3, Kind::Order, false);
    t.send(
        3_000,
        BUS,
        BILLING,
        Msg::Routed {
            id: 3,
            kind: Kind::Order,
            format: Format::Csv,
        },
    );
    let found = t.breaches();
    assert!(only(&found, RIGHT).detail.contains("to billing"));

    let mut t = Trace::new();
    t.take(1_000, 4, Kind::Invoice, false);
    t.send(1_000, BUS, INVALID, Msg::Invalid { id: 4, bad: false });
    let found = t.breaches();
    assert!(only(&found, RIGHT).detail.contains("could be converted"));
}

#[test]
fn a_message_the_bus_takes_in_and_sends_nowhere_is_dropped() {
    let mut t = Trace::new();
    t.take(1_000, 1, Kind::Order, true);
    t.send(1_000, BUS, INVALID, Msg::Invalid { id: 1, bad: true });
    assert!(t.breaches().is_empty());
    t.take(2_000, 2, Kind::Order, true);
    let taken = t.index - 1;
    let found = t.breaches();
    let breach = only(&found, NONE_DROPPED);
    assert_eq!(breach.event, Some(taken));
    assert!(breach.detail.contains("#2"), "{}", breach.detail);
}

#[test]
fn a_history_that_records_a_delivery_that_never_happened_is_false() {
    let mut t = Trace::new();
    let order = |id| Msg::Routed {
        id,
        kind: Kind::Order,
        format: Format::Json,
    };
    let history = |id| {
        EventKind::Note(Note::Delivered {
            id,
            to: SHIPPING,
            name: "shipping",
        })
    };
    // Recorded after it arrived: true.
    t.take(1_000, 1, Kind::Order, false);
    t.send(1_000, BUS, SHIPPING, order(1));
    t.deliver(2_000, 1_000, BUS, SHIPPING, order(1));
    t.record(3_000, BUS, history(1), None);
    assert!(t.breaches().is_empty());
    // Recorded as it is sent, then dropped at a crashed shipping: false, at the drop.
    t.take(4_000, 2, Kind::Order, false);
    t.send(4_000, BUS, SHIPPING, order(2));
    t.record(4_000, BUS, history(2), None);
    assert!(t.breaches().is_empty(), "not yet known");
    let reason = DropReason::ReceiverDown;
    let dropped = (BUS, SHIPPING, 4_000, order(2));
    t.record(
        5_000,
        SHIPPING,
        EventKind::Dropped {
            msg: MsgId(9),
            reason,
        },
        Some(dropped),
    );
    let found = t.breaches();
    let breach = only(&found, TRUE_HISTORY);
    assert_eq!(breach.event, Some(t.index - 1));
    let answer = t.c.query(&[], "2").unwrap();
    assert!(answer[2].1.starts_with("nowhere: lost"), "{answer:?}");
    assert!(answer[3].1.starts_with("shipping"), "{answer:?}");
    // Lost, but a network copy of it arrives: the history that follows is true.
    t.take(6_000, 3, Kind::Order, false);
    let lost = Fate::Lost;
    let kind = EventKind::Send {
        msg: MsgId(20),
        to: SHIPPING,
        fate: lost,
    };
    t.record(6_000, BUS, kind, Some((BUS, SHIPPING, 6_000, order(3))));
    t.deliver(7_000, 6_000, BUS, SHIPPING, order(3));
    t.record(8_000, BUS, history(3), None);
    assert!(t.breaches().is_empty());
    assert!(t.c.query(&[], "x").is_err());
    assert!(t.c.query(&[], "99").is_err());
}

#[test]
fn a_message_that_takes_over_100_ms_breaks_the_contrast() {
    let mut t = Trace::new();
    let order = |id| Msg::Routed {
        id,
        kind: Kind::Order,
        format: Format::Json,
    };
    t.take(10_000, 1, Kind::Order, false);
    t.send(10_000, BUS, SHIPPING, order(1));
    t.deliver(99_000, 10_000, BUS, SHIPPING, order(1));
    assert!(t.breaches().is_empty(), "99 ms from the shop's send at 0");
    t.take(120_000, 2, Kind::Order, false);
    t.send(120_000, BUS, SHIPPING, order(2));
    t.deliver(130_000, 120_000, BUS, SHIPPING, order(2));
    let found = t.breaches();
    assert!(only(&found, PROMPT).detail.contains("130 ms"));
}

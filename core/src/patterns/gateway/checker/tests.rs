//! The gateway checker on hand-built traces: nodes c1 (valid token), c2 (invalid), gw,
//! auth, i1.

use super::*;
use crate::sim::clock::WallClock;
use crate::sim::node::NodeStatus;
use crate::sim::trace::{Fate, MsgId};

const C1: NodeId = NodeId(0);
const C2: NodeId = NodeId(1);
const GW: NodeId = NodeId(2);
const AUTH: NodeId = NodeId(3);
const I1: NodeId = NodeId(4);

/// A hand-built trace fed to a checker, one event at a time.
struct Trace {
    checker: GatewayChecker,
    events: usize,
    messages: u32,
}

impl Trace {
    fn new(allowed: usize) -> Trace {
        let names: Vec<String> = ["c1", "c2", "gw", "auth", "i1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        Trace {
            checker: GatewayChecker::new(&names, vec![true, false], allowed),
            events: 0,
            messages: 0,
        }
    }

    fn observe(
        &mut self,
        at: u64,
        node: NodeId,
        kind: EventKind<GatewayNode>,
        record: Option<&MessageRecord<Msg>>,
    ) -> usize {
        let index = self.events;
        self.events += 1;
        let event = TraceEvent {
            time: SimTime(at),
            node: Some(node),
            kind,
        };
        self.checker.observe(index, &event, record);
        index
    }

    /// `from` sends `payload` to `to` at `at`, caused by event `cause`, and it is
    /// delivered 1 µs later: returns the delivery's event.
    fn hop(
        &mut self,
        at: u64,
        from: NodeId,
        to: NodeId,
        payload: Msg,
        cause: Option<usize>,
    ) -> usize {
        let msg = MsgId(self.messages);
        self.messages += 1;
        let record = MessageRecord {
            from,
            to,
            sent_at: SimTime(at),
            copy_of: None,
            cause: cause.map(|c| c as u32),
            payload,
        };
        let fate = Fate::Arrives(SimTime(at + 1));
        self.observe(at, from, EventKind::Send { msg, to, fate }, Some(&record));
        self.observe(at + 1, to, EventKind::Deliver { msg, from }, Some(&record))
    }

    fn breaches(&mut self) -> Vec<Breach> {
        let status = [NodeStatus::Up; 5];
        let clocks = vec![WallClock::new(0, 0); 5];
        let world = World {
            now: SimTime(0),
            status: &status,
            clocks: &clocks,
        };
        let mut out = Vec::new();
        self.checker.check(&[], &world, &mut out);
        out
    }

    /// `client`'s request `id` at `at`: to the gateway, to auth and back, to the
    /// instance, labelled by the gateway as c1's whatever its path says. Returns the
    /// instance's delivery.
    fn request(&mut self, at: u64, client: NodeId, id: u64) -> usize {
        let (route, token) = (0, 7);
        let asked = self.hop(
            at,
            client,
            GW,
            Msg::Request {
                client: client.0,
                id,
                route,
                token,
            },
            None,
        );
        let verify = Msg::Verify {
            client: client.0,
            id,
            route,
            token,
        };
        let checked = self.hop(at + 2, GW, AUTH, verify, Some(asked));
        let verdict = Msg::Verdict {
            client: client.0,
            id,
            route,
            valid: true,
        };
        let heard = self.hop(at + 4, AUTH, GW, verdict, Some(checked));
        self.hop(
            at + 6,
            GW,
            I1,
            Msg::Work {
                client: 0,
                id,
                route,
            },
            Some(heard),
        )
    }
}

#[test]
fn a_request_from_a_client_with_a_bad_token_reaching_a_service_breaks_the_guarantee() {
    let mut trace = Trace::new(100);
    trace.request(0, C1, 1);
    assert!(trace.breaches().is_empty(), "c1's token is valid");
    // c2's request is labelled c1's by the gateway: its path still leads back to c2.
    let handled = trace.request(100, C2, 1);
    let found = trace.breaches();
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].property, found[0].event),
        (AUTHENTICATED, Some(handled))
    );
    assert_eq!(
        found[0].detail,
        "i1 handled r1 of c2, whose token is invalid"
    );
}

#[test]
fn a_request_refused_at_the_gateway_breaks_nothing() {
    let mut trace = Trace::new(100);
    let asked = trace.hop(
        0,
        C2,
        GW,
        Msg::Request {
            client: 1,
            id: 1,
            route: 0,
            token: 0,
        },
        None,
    );
    let reply = Msg::Reply {
        id: 1,
        outcome: super::super::msg::Outcome::Unauthorized,
    };
    trace.hop(2, GW, C2, reply, Some(asked));
    assert!(trace.breaches().is_empty());
}

#[test]
fn more_requests_through_in_a_window_than_allowed_breaks_the_limit() {
    let mut trace = Trace::new(3);
    for (id, at) in [(1, 0), (2, 300_000), (3, 600_000)] {
        trace.request(at, C1, id);
    }
    assert!(trace.breaches().is_empty());
    // Within 1 s of the first: a fourth.
    let fourth = trace.request(900_000, C1, 4) - 1;
    let found = trace.breaches();
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].property, found[0].event), (LIMITED, Some(fourth)));
    assert!(
        found[0].detail.starts_with("4 requests of c1 went on"),
        "{}",
        found[0].detail
    );
}

#[test]
fn the_limit_counts_over_a_sliding_window() {
    let mut trace = Trace::new(3);
    for (id, at) in [
        (1, 0),
        (2, 300_000),
        (3, 600_000),
        (4, 1_000_000),
        (5, 1_300_000),
    ] {
        trace.request(at, C1, id);
    }
    assert!(trace.breaches().is_empty(), "never more than 3 within 1 s");
}

#[test]
fn a_timeout_breaks_the_contrast() {
    let mut trace = Trace::new(3);
    let at = trace.observe(5, C1, EventKind::Note(Note::TimedOut { id: 3 }), None);
    let found = trace.breaches();
    assert_eq!((found[0].property, found[0].event), (ANSWERED, Some(at)));
}

//! Hand-built traces that break each property, and ones that must not.

use super::*;
use crate::patterns::generation::Timer;
use crate::sim::node::NodeStatus;
use crate::sim::time::SimTime;
use crate::sim::trace::MsgId;

const S1: u32 = 1;
const S2: u32 = 2;
const S3: u32 = 3;

/// One event of a hand-built trace, on a node's lane.
enum Ev {
    /// The node is delivered a message from a peer.
    Recv(u32, Msg),
    /// The node records a note.
    Note(Note),
    /// A timer fires at the node.
    Tick,
}

fn write(gen: u64, n: u32) -> WriteId {
    WriteId { gen, n }
}

fn accept_write(w: WriteId) -> Ev {
    Ev::Note(Note::Accept {
        what: Accepted::Write(w),
        from_gen: w.gen,
    })
}

fn accept_heartbeat(claimed: u64) -> Ev {
    Ev::Note(Note::Accept {
        what: Accepted::Heartbeat,
        from_gen: claimed,
    })
}

/// Feeds `events` (each on its node's lane, one per step) to a checker of c1, s1–s3.
fn run(events: Vec<(u32, Ev)>) -> Vec<Breach> {
    let names: Vec<String> = ["c1", "s1", "s2", "s3"].map(String::from).to_vec();
    let mut checker = GenerationChecker::new(&names, 3);
    let mut out = Vec::new();
    for (i, (node, ev)) in events.into_iter().enumerate() {
        let (kind, record) = match ev {
            Ev::Recv(from, payload) => {
                let msg = MsgId(i as u32);
                let record = MessageRecord {
                    from: NodeId(from),
                    to: NodeId(node),
                    sent_at: SimTime(0),
                    copy_of: None,
                    cause: None,
                    payload,
                };
                let from = NodeId(from);
                (EventKind::Deliver { msg, from }, Some(record))
            }
            Ev::Note(note) => (EventKind::Note(note), None),
            Ev::Tick => (EventKind::Timer(Timer::ElectionTimeout), None),
        };
        let event = TraceEvent {
            time: SimTime(i as u64),
            node: Some(NodeId(node)),
            kind,
        };
        checker.observe(i, &event, record.as_ref());
        let world = World {
            now: SimTime(i as u64),
            status: &[NodeStatus::Up; 4],
            clocks: &[],
        };
        checker.check(&[], &world, &mut out);
    }
    out
}

fn broken(breaches: &[Breach], property: usize) -> Vec<&Breach> {
    breaches.iter().filter(|b| b.property == property).collect()
}

/// s1 leads generation 1 and replicates w1.1 to s2 and s3, which accept it; s1
/// acknowledges it.
fn healthy_write() -> Vec<(u32, Ev)> {
    let w = write(1, 1);
    vec![
        (S1, Ev::Note(Note::Leader { gen: 1 })),
        (S1, Ev::Recv(0, Msg::ClientWrite { req: 1 })),
        (S1, accept_write(w)),
        (S2, Ev::Recv(S1, Msg::Replicate { gen: 1, write: w })),
        (S2, accept_write(w)),
        (S3, Ev::Recv(S1, Msg::Replicate { gen: 1, write: w })),
        (S3, accept_write(w)),
        (S1, Ev::Recv(S2, Msg::Accepted { write: w })),
        (S1, Ev::Note(Note::Acknowledged { write: w })),
    ]
}

#[test]
fn a_healthy_write_breaks_nothing() {
    assert_eq!(run(healthy_write()), vec![]);
}

#[test]
fn two_leaders_of_one_generation_are_caught() {
    let breaches = run(vec![
        (S2, Ev::Note(Note::Leader { gen: 2 })),
        (S2, Ev::Tick),
        (S3, Ev::Note(Note::Leader { gen: 2 })),
    ]);
    assert_eq!(breaches.len(), 1);
    assert_eq!(breaches[0].property, ONE_LEADER);
    assert_eq!(breaches[0].event, Some(2));
    assert!(breaches[0]
        .detail
        .contains("s3 became leader of generation 2, which s2"));
}

#[test]
fn a_heartbeat_below_the_seen_generation_is_caught_from_its_payload() {
    // s2 has seen generation 2 in a vote request; then it takes s1's heartbeat of
    // generation 1, while its note claims generation 2: the payload decides.
    let breaches = run(vec![
        (S2, Ev::Recv(S3, Msg::RequestVote { gen: 2 })),
        (S2, Ev::Recv(S1, Msg::Heartbeat { gen: 1 })),
        (S2, accept_heartbeat(2)),
    ]);
    let stale = broken(&breaches, NO_STALE_ACCEPT);
    assert_eq!(stale.len(), 1, "{breaches:?}");
    assert_eq!(stale[0].event, Some(2));
    assert!(stale[0]
        .detail
        .contains("s2 accepted a heartbeat of generation 1 after seeing generation 2"));
}

#[test]
fn a_heartbeat_of_the_newest_generation_is_no_stale_accept() {
    let breaches = run(vec![
        (S2, Ev::Recv(S3, Msg::RequestVote { gen: 2 })),
        (S2, Ev::Recv(S3, Msg::Heartbeat { gen: 2 })),
        (S2, accept_heartbeat(2)),
    ]);
    assert_eq!(breaches, vec![]);
}

#[test]
fn a_deposed_leaders_write_on_top_of_its_successors_is_caught() {
    // s2 accepts w2.1 from the leader of generation 2, then the deposed s1's w1.4.
    let (new, old) = (write(2, 1), write(1, 4));
    let breaches = run(vec![
        (S2, Ev::Recv(S3, Msg::Replicate { gen: 2, write: new })),
        (S2, accept_write(new)),
        (S2, Ev::Recv(S1, Msg::Replicate { gen: 1, write: old })),
        (S2, accept_write(old)),
    ]);
    let order = broken(&breaches, LOG_ORDER);
    assert_eq!(order.len(), 1, "{breaches:?}");
    assert_eq!(order[0].event, Some(3));
    assert!(order[0]
        .detail
        .contains("s2 accepted w1.4 of generation 1 on top of w2.1 of generation 2"));
    assert_eq!(broken(&breaches, NO_STALE_ACCEPT).len(), 1);
}

#[test]
fn a_write_acknowledged_by_servers_of_a_newer_generation_is_caught() {
    // s2 and s3 have seen generation 2 before they accept s1's w1.4; s1 acknowledges it.
    let w = write(1, 4);
    let breaches = run(vec![
        (S1, Ev::Note(Note::Leader { gen: 1 })),
        (S2, Ev::Note(Note::Campaign { gen: 2 })),
        (S3, Ev::Recv(S2, Msg::RequestVote { gen: 2 })),
        (S1, Ev::Recv(0, Msg::ClientWrite { req: 4 })),
        (S1, accept_write(w)),
        (S2, Ev::Recv(S1, Msg::Replicate { gen: 1, write: w })),
        (S2, accept_write(w)),
        (S3, Ev::Recv(S1, Msg::Replicate { gen: 1, write: w })),
        (S3, accept_write(w)),
        (S1, Ev::Note(Note::Acknowledged { write: w })),
    ]);
    let acked = broken(&breaches, MAJORITY_IN_GENERATION);
    assert_eq!(acked.len(), 1, "{breaches:?}");
    assert_eq!(acked[0].event, Some(9));
    assert!(
        acked[0].detail.contains("only 1 of 3 servers")
            && acked[0].detail.contains("(s1)")
            && acked[0]
                .detail
                .contains("accepted after seeing one: s2, s3"),
        "{}",
        acked[0].detail
    );
}

#[test]
fn a_write_acknowledged_without_enough_acceptors_is_caught() {
    let mut events = healthy_write();
    // Without s2's and s3's acceptances, only s1 accepted it.
    events.drain(3..7);
    let breaches = run(events);
    let acked = broken(&breaches, MAJORITY_IN_GENERATION);
    assert_eq!(acked.len(), 1, "{breaches:?}");
    assert!(acked[0].detail.contains("only 1 of 3 servers"));
}

#[test]
fn an_acceptance_before_the_newer_generation_still_counts() {
    // s2 and s3 accept w1.1 in generation 1, then see generation 2; the late
    // acknowledgement rests on a majority that accepted it in its generation.
    let mut events = healthy_write();
    let ack = events.pop().expect("the acknowledgement");
    events.push((S2, Ev::Note(Note::Campaign { gen: 2 })));
    events.push((S3, Ev::Recv(S2, Msg::RequestVote { gen: 2 })));
    events.push(ack);
    assert_eq!(run(events), vec![]);
}

//! The engine's foundation for traffic, on a toy node: service time and bounded queues,
//! what a crash or a pause does to work in hand, membership, pattern actions, group
//! faults and local links, causes and paths, built-in metrics.

use super::super::action::{Action, TimedAction};
use super::super::checker::{Breach, Checker, Property, World};
use super::super::engine::{Setup, Simulation};
use super::super::load::Delay;
use super::super::metrics::QUEUE;
use super::super::network::LinkConfig;
use super::super::node::{Ctx, Node, NodeId, NodeStatus, NodeView, Workers};
use super::super::time::SimTime;
use super::super::topology::Topology;
use super::super::trace::{MessageRecord, MsgId, TraceEvent};

/// Sends five requests to its peer on start (and one more per `send` command); answers
/// every request (a number below 100) with the number plus 100. Requests take `work`.
#[derive(Clone, Debug)]
struct Toy {
    peer: Option<NodeId>,
    work: Delay,
    workers: Workers,
}

impl Node for Toy {
    type Msg = u32;
    type Timer = u32;
    type Note = u32;
    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        if let Some(peer) = self.peer {
            (1..=5).for_each(|m| ctx.send(peer, m));
        }
    }
    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: u32) {
        if msg < 100 {
            ctx.send(from, msg + 100);
        }
    }
    fn on_timer(&mut self, _ctx: &mut Ctx<'_, Self>, _timer: u32) {}
    fn on_crash(&mut self) {}
    fn view(&self) -> NodeView {
        NodeView {
            role: "toy",
            headline: String::new(),
            fields: Vec::new(),
        }
    }
    fn service(&self, msg: &u32) -> Option<Delay> {
        (*msg < 100).then_some(self.work)
    }
    fn workers(&self) -> Workers {
        self.workers
    }
    fn on_command(&mut self, ctx: &mut Ctx<'_, Self>, verb: &str, arg: i64) {
        if let (Some(peer), "send") = (self.peer, verb) {
            ctx.send(peer, arg as u32);
        }
    }
}

#[derive(Clone)]
struct NoChecks;

impl Checker<Toy> for NoChecks {
    fn properties(&self) -> &'static [Property] {
        &[]
    }
    fn observe(&mut self, _: usize, _: &TraceEvent<Toy>, _: Option<&MessageRecord<u32>>) {}
    fn check(&mut self, _: &[Toy], _: &World<'_>, _: &mut Vec<Breach>) {}
}

const MS: u64 = 1_000;

fn run(topology: Topology, actions: Vec<(u64, Action<NodeId>)>) -> Simulation {
    let client = Toy {
        peer: Some(NodeId(1)),
        work: Delay::Fixed(0),
        workers: Workers::default(),
    };
    let server = Toy {
        peer: None,
        work: Delay::Fixed(10 * MS),
        workers: Workers {
            limit: 1,
            queue: Some(2),
        },
    };
    let mut sim = Simulation::new(Setup {
        names: vec!["c".into(), "s".into()],
        nodes: vec![client, server],
        clocks: Vec::new(),
        link: LinkConfig {
            latency_min_us: MS,
            latency_max_us: MS,
            ..LinkConfig::default()
        },
        horizon: SimTime(200 * MS),
        seed: 1,
        checker: NoChecks,
        script: Vec::new(),
        user_actions: actions
            .into_iter()
            .map(|(ms, action)| TimedAction {
                at: SimTime(ms * MS),
                action,
            })
            .collect(),
        topology,
        metrics: &[QUEUE],
    });
    sim.run_to_end(10_000);
    sim
}

fn text(sim: &Simulation) -> String {
    sim.trace().text(sim.ref_names())
}

#[test]
fn one_worker_serves_in_turn_and_a_full_queue_drops() {
    let sim = run(Topology::default(), Vec::new());
    let text = text(&sim);
    for line in [
        "1.000ms s    arrive #0 from c 1; served now",
        "1.000ms s    arrive #1 from c 2; queued, 1 waiting",
        "1.000ms s    arrive #2 from c 3; queued, 2 waiting",
        "1.000ms s    drop #3 4 (queue is full)",
        "11.000ms s    recv #0 from c 1",
        "21.000ms s    recv #1 from c 2",
        "31.000ms s    recv #2 from c 3",
    ] {
        assert!(text.contains(line), "missing `{line}` in\n{text}");
    }
    // The queue gauge: 1, 2 on arrival, then 1 and 0 as the worker takes each.
    let queue: Vec<(u64, i64)> = sim
        .metrics()
        .samples(0)
        .iter()
        .map(|s| (s.time.as_micros() / MS, s.value))
        .collect();
    assert_eq!(queue, [(1, 1), (1, 2), (11, 1), (21, 0)]);
}

#[test]
fn a_reply_is_caused_by_the_delivery_and_the_path_spans_the_wait() {
    let sim = run(Topology::default(), Vec::new());
    let trace = sim.trace();
    // #5 is s's answer to #0 (sent when #0 reached the handler at 11 ms).
    let log = crate::sim::payloads::typed::<Toy>(trace.log()).unwrap();
    assert_eq!(log.messages[5].payload, 101);
    assert_eq!(trace.parent(MsgId(5)), Some(MsgId(0)));
    assert_eq!(trace.parent(MsgId(0)), None, "the start caused the request");
    let path = trace.path(MsgId(5)).unwrap();
    let hops: Vec<u32> = path.hops.iter().map(|h| h.msg.0).collect();
    assert_eq!(hops, [0, 5]);
    assert_eq!(
        path.latency(),
        Some(12 * MS),
        "1 ms there, 10 ms served, 1 ms back"
    );
    assert_eq!(trace.path(MsgId(1)).unwrap().hops.len(), 2);
}

#[test]
fn a_crash_drops_the_work_in_hand_and_the_queue() {
    let sim = run(Topology::default(), vec![(5, Action::Crash(NodeId(1)))]);
    let text = text(&sim);
    for msg in ["#0 1", "#1 2", "#2 3"] {
        assert!(
            text.contains(&format!("drop {msg} (receiver is down)")),
            "{msg} in\n{text}"
        );
    }
    assert!(
        !text.contains("recv #0"),
        "the completion of #0 is void:\n{text}"
    );
}

#[test]
fn a_pause_holds_the_completion_until_it_resumes() {
    let sim = run(
        Topology::default(),
        vec![
            (5, Action::Pause(NodeId(1))),
            (50, Action::Resume(NodeId(1))),
        ],
    );
    let text = text(&sim);
    assert!(text.contains("50.000ms s    recv #0 from c 1"), "{text}");
    assert!(text.contains("60.000ms s    recv #1 from c 2"), "{text}");
}

#[test]
fn an_absent_node_drops_messages_until_it_joins_and_a_command_acts_through_the_node() {
    let mut topology = Topology::default();
    topology.start_absent(NodeId(1));
    let sim = run(
        topology,
        vec![
            (20, Action::Join(NodeId(1))),
            (
                30,
                Action::Command {
                    node: NodeId(0),
                    verb: "send".into(),
                    arg: 42,
                },
            ),
            (60, Action::Retire(NodeId(1))),
        ],
    );
    let text = text(&sim);
    assert!(
        text.contains("drop #0 1 (receiver is not a member)"),
        "{text}"
    );
    assert!(text.contains("20.000ms s    start"), "{text}");
    assert!(text.contains("30.000ms c    DO c send 42"), "{text}");
    assert!(text.contains("41.000ms s    recv #5 from c 42"), "{text}");
    assert!(text.contains("60.000ms s    retired"), "{text}");
    assert_eq!(sim.frontier().status()[1], NodeStatus::Absent);
    // The command's send is caused by the action event.
    assert_eq!(sim.trace().parent(MsgId(5)), None);
    assert!(sim.trace().message(MsgId(5)).unwrap().cause.is_some());
}

#[test]
fn a_group_fault_reaches_its_members_and_its_local_link_is_used() {
    let mut topology = Topology::default();
    let host = topology.group("h", "host", None);
    topology.set_local_link(
        host,
        LinkConfig {
            latency_min_us: 50,
            latency_max_us: 50,
            ..LinkConfig::default()
        },
    );
    topology.place(NodeId(0), host);
    topology.place(NodeId(1), host);
    // Id 2 is past the two nodes: it names group 0, `h`.
    let sim = run(topology, vec![(5, Action::Crash(NodeId(2)))]);
    let text = text(&sim);
    assert!(
        text.contains("0.050ms s    arrive #0 from c 1; served now"),
        "{text}"
    );
    assert!(text.contains("5.000ms *    CRASH h"), "{text}");
    assert_eq!(
        sim.frontier().status(),
        [NodeStatus::Crashed, NodeStatus::Crashed]
    );
}

#[test]
fn flights_at_an_instant_count_what_is_on_its_way_and_find_the_next_send() {
    let sim = run(Topology::default(), Vec::new());
    let trace = sim.trace();
    // c sends five requests at 0 that arrive at 1 ms; s answers each when served, the
    // first at 11 ms (arriving at 12 ms).
    let early = trace.flights_at(SimTime(MS / 2));
    assert_eq!((early.count, early.shortest_us), (5, Some(MS)));
    let between = trace.flights_at(SimTime(5 * MS));
    assert_eq!((between.count, between.shortest_us), (0, None));
    assert_eq!(between.next_send, Some(SimTime(11 * MS)));
    let answer = trace.flights_at(SimTime(11 * MS + MS / 2));
    assert_eq!(answer.count, 1);
}

//! Seeking: a snapshot rebuilt from checkpoints equals the one from replaying from zero.

use playground_core::patterns::lamport::{Client, ClientPlan, LamportChecker, LamportNode, Server};
use playground_core::sim::action::{Action, TimedAction};
use playground_core::sim::engine::{Setup, Simulation};
use playground_core::sim::network::LinkConfig;
use playground_core::sim::node::{NodeId, NodeStatus};
use playground_core::sim::rng::Rng;
use playground_core::sim::time::SimTime;
use playground_core::sim::trace::MsgId;

/// A busy Lamport run: 6 clients, 3 servers, 60 writes each, with a crash and a pause.
fn busy_run(checkpoint_interval: usize) -> Simulation {
    let at = |ms| SimTime::from_millis(ms);
    let script = vec![
        TimedAction {
            at: at(30),
            action: Action::Crash(NodeId(6)),
        },
        TimedAction {
            at: at(45),
            action: Action::Pause(NodeId(7)),
        },
        TimedAction {
            at: at(60),
            action: Action::Restart(NodeId(6)),
        },
        TimedAction {
            at: at(80),
            action: Action::Resume(NodeId(7)),
        },
    ];
    lamport_run(checkpoint_interval, script, Vec::new())
}

/// A Lamport run of 6 clients and 3 servers (ids 6, 7, 8) with a script and user actions.
fn lamport_run(
    checkpoint_interval: usize,
    script: Vec<TimedAction<NodeId>>,
    user_actions: Vec<TimedAction<NodeId>>,
) -> Simulation {
    let (clients, servers) = (6, 3);
    let server_ids: Vec<NodeId> = (clients..clients + servers).map(NodeId).collect();
    let plan = ClientPlan {
        writes: 60,
        think_min_us: 500,
        think_max_us: 3_000,
        ack_timeout_us: 20_000,
        carry_clock: true,
        stagger_targets: true,
    };
    let mut nodes: Vec<LamportNode> = (0..clients)
        .map(|i| LamportNode::Client(Client::new(i as u16, server_ids.clone(), plan)))
        .collect();
    nodes.extend((0..servers).map(|_| LamportNode::Server(Server::default())));
    let names: Vec<String> = (1..=clients)
        .map(|i| format!("c{i}"))
        .chain((1..=servers).map(|i| format!("s{i}")))
        .collect();
    Simulation::new(Setup {
        topology: Default::default(),
        metrics: &[],
        checker: LamportChecker::new(&names),
        names,
        nodes,
        clocks: Vec::new(),
        link: LinkConfig::default(),
        horizon: SimTime::from_millis(10_000),
        seed: 17,
        script,
        user_actions,
    })
    .with_checkpoint_interval(checkpoint_interval)
}

#[test]
fn snapshot_from_checkpoints_equals_snapshot_from_replaying_from_zero() {
    let mut sim = busy_run(64);
    sim.run_to_end(1_000_000);
    let steps = sim.frontier().steps();
    assert!(
        steps > 1_000,
        "the run should be long, it has {steps} steps"
    );
    let mut rng = Rng::seeded(5);
    for _ in 0..25 {
        let k = rng.below(steps as u64 + 1) as usize;
        let mut replay = busy_run(usize::MAX);
        for _ in 0..k {
            assert!(replay.step());
        }
        assert_eq!(replay.frontier().steps(), k);
        assert_eq!(
            sim.snapshot_after_step(k),
            replay.snapshot_after_step(k),
            "step {k}"
        );
    }
}

#[test]
fn snapshot_at_a_time_shows_every_step_up_to_it_and_messages_midway() {
    let mut sim = busy_run(64);
    sim.run_to_end(1_000_000);
    let mut rng = Rng::seeded(6);
    for _ in 0..25 {
        let t = SimTime(rng.below(sim.frontier().now().as_micros()));
        let mut replay = busy_run(usize::MAX);
        replay.run_until(t);
        let expected = replay.snapshot_at(t);
        assert_eq!(sim.snapshot_at(t), expected, "at {t}");
        for m in &expected.in_flight {
            assert!(
                m.sent_at <= t && m.progress_permille <= 1000,
                "{m:?} at {t}"
            );
            let waiting = expected.nodes[m.to.index()].status == NodeStatus::Paused;
            assert!(t <= m.due_at || waiting || m.held, "{m:?} overdue at {t}");
        }
    }
}

#[test]
fn seeking_does_not_disturb_the_frontier_or_the_trace() {
    let mut sim = busy_run(64);
    sim.run_until(SimTime::from_millis(100));
    let before = sim.trace().text(sim.names());
    let steps = sim.frontier().steps();
    let _ = sim.snapshot_after_step(steps / 3);
    let _ = sim.snapshot_at(SimTime::from_millis(10));
    assert_eq!(sim.trace().text(sim.names()), before);
    sim.run_to_end(1_000_000);
    let mut straight = busy_run(64);
    straight.run_to_end(1_000_000);
    assert_eq!(
        sim.trace().text(sim.names()),
        straight.trace().text(straight.names())
    );
}

#[test]
fn a_paused_node_runs_what_waited_when_it_resumes() {
    let mut sim = busy_run(64);
    sim.run_to_end(1_000_000);
    let text = sim.trace().text(sim.names());
    let resume = text.lines().position(|l| l.contains("RESUME s2")).unwrap();
    let pause = text.lines().position(|l| l.contains("PAUSE s2")).unwrap();
    let during = text.lines().skip(pause + 1).take(resume - pause - 1);
    assert!(
        during.clone().all(|l| !l.contains(" s2   recv")),
        "s2 ran while paused"
    );
    let after = text.lines().nth(resume + 1).unwrap();
    assert!(
        after.contains(" s2   recv"),
        "parked delivery runs at resume: {after}"
    );
}

#[test]
fn a_crashed_node_loses_messages_and_restarts_with_its_durable_clock() {
    let mut sim = busy_run(64);
    sim.run_to_end(1_000_000);
    let text = sim.trace().text(sim.names());
    assert!(
        text.contains("(receiver is down)"),
        "messages to s1 were dropped"
    );
    let before = sim.snapshot_at(SimTime::from_millis(29));
    let after = sim.snapshot_at(SimTime::from_millis(61));
    let clock = |s: &playground_core::sim::snapshot::Snapshot| s.nodes[6].headline.clone();
    assert_eq!(
        clock(&before),
        clock(&after),
        "s1's clock survived the crash"
    );
}

fn at_ms(ms: u64, action: Action<NodeId>) -> TimedAction<NodeId> {
    TimedAction {
        at: SimTime::from_millis(ms),
        action,
    }
}

#[test]
fn a_message_delayed_while_it_waits_for_a_paused_node_keeps_its_delay() {
    let mut probe = lamport_run(64, Vec::new(), vec![at_ms(2, Action::Pause(NodeId(6)))]);
    probe.run_until(SimTime::from_millis(3));
    let waiting = probe.snapshot_at(SimTime::from_millis(3)).in_flight;
    let msg = waiting
        .iter()
        .find(|m| m.to == NodeId(6))
        .expect("a message to s1")
        .id;
    let actions = vec![
        at_ms(2, Action::Pause(NodeId(6))),
        at_ms(9, Action::Delay { msg, by_us: 50_000 }),
        at_ms(10, Action::Resume(NodeId(6))),
    ];
    let mut sim = lamport_run(64, Vec::new(), actions);
    sim.run_to_end(1_000_000);
    let text = sim.trace().text(sim.names());
    let delivery = text
        .lines()
        .find(|l| l.contains(&format!("recv {msg} ")))
        .expect("delivered in the end");
    let time: f64 = delivery
        .trim_start()
        .split("ms")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(time >= 9.0 + 50.0 - 10.0, "delivered too early: {delivery}");
}

#[test]
fn virtual_time_never_goes_backwards_even_when_waiting_messages_are_delayed() {
    let mut rng = Rng::seeded(11);
    for _ in 0..40 {
        let pause = rng.in_range(1, 20);
        let actions = vec![
            at_ms(pause, Action::Pause(NodeId(rng.in_range(6, 8) as u32))),
            at_ms(
                pause + 5,
                Action::Delay {
                    msg: MsgId(rng.below(20) as u32),
                    by_us: rng.below(2_000),
                },
            ),
            at_ms(pause + 8, Action::Resume(NodeId(6))),
            at_ms(pause + 8, Action::Resume(NodeId(7))),
            at_ms(pause + 8, Action::Resume(NodeId(8))),
        ];
        let mut sim = lamport_run(64, Vec::new(), actions);
        sim.run_to_end(1_000_000);
        let times: Vec<SimTime> = sim.trace().events.iter().map(|e| e.time).collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "time went backwards"
        );
    }
}

#[test]
fn a_held_message_stays_where_it_was_held() {
    let mut probe = lamport_run(64, Vec::new(), Vec::new());
    probe.run_to_end(1_000_000);
    let (when, first) = (1..20)
        .find_map(|ms| {
            let flying = probe.snapshot_at(SimTime::from_millis(ms)).in_flight;
            flying.first().cloned().map(|m| (ms, m))
        })
        .expect("a message in flight early on");
    let mut sim = lamport_run(64, Vec::new(), vec![at_ms(when, Action::Hold(first.id))]);
    sim.run_to_end(1_000_000);
    let later = |ms| {
        sim.snapshot_at(SimTime::from_millis(ms))
            .in_flight
            .into_iter()
            .find(|m| m.id == first.id)
            .expect("still held")
    };
    let (a, b) = (later(when + 1), later(when + 40));
    assert!(a.held && b.held);
    assert_eq!(
        a.progress_permille, b.progress_permille,
        "a held message does not move"
    );
}

#[test]
fn branching_in_the_past_equals_replaying_the_recorded_actions() {
    let mut rng = Rng::seeded(21);
    for _ in 0..20 {
        let mut sim = lamport_run(32, Vec::new(), Vec::new());
        sim.run_to_end(1_000_000);
        let first = SimTime(rng.below(60_000));
        let second = SimTime(rng.below(60_000));
        let node = || NodeId(6);
        sim.branch(first, Action::Crash(node()));
        sim.run_to_end(1_000_000);
        sim.branch(second, Action::Restart(node()));
        sim.run_to_end(1_000_000);
        let recorded: Vec<TimedAction<NodeId>> = sim.user_actions().cloned().collect();
        let mut replay = lamport_run(32, Vec::new(), recorded);
        replay.run_to_end(1_000_000);
        assert_eq!(
            sim.trace().text(sim.names()),
            replay.trace().text(replay.names())
        );
        assert_eq!(sim.violations(), replay.violations());
        let end = sim.frontier().steps();
        for k in (0..end).step_by(37) {
            assert_eq!(
                sim.snapshot_after_step(k),
                replay.snapshot_after_step(k),
                "step {k}"
            );
        }
    }
}

#[test]
fn a_long_run_keeps_many_checkpoints_so_a_seek_never_replays_from_zero() {
    let sim = playground_tests::bench::workload_run(200_000);
    let steps = sim.frontier().steps();
    // At most 8,192 steps between checkpoints, whatever the state's size.
    assert!(
        sim.checkpoint_count() >= steps / 8_192,
        "{} checkpoints for {steps} steps",
        sim.checkpoint_count()
    );
    assert!(sim.checkpoint_count() > 5);
    let last = sim.snapshot_after_step(steps);
    assert_eq!(last.steps, steps);
}

#[test]
fn playing_forward_from_the_kept_state_equals_rebuilding_from_a_checkpoint() {
    let explored = || {
        let mut sim = busy_run(512);
        sim.run_to_end(1_000_000);
        sim
    };
    let playing = explored();
    // Forward a few steps at a time (each from the state the previous snapshot left),
    // then back (each from a checkpoint again), as a person playing and stepping back.
    let forward = (300..1_100).step_by(9);
    let back = (300..1_100).rev().step_by(13);
    for k in forward.chain(back) {
        let fresh = explored();
        assert_eq!(
            playing.snapshot_after_step(k),
            fresh.snapshot_after_step(k),
            "step {k}"
        );
    }
}

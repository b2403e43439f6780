//! Seeking: a snapshot rebuilt from checkpoints equals the one from replaying from zero.

use playground_core::patterns::lamport::{Client, ClientPlan, LamportChecker, LamportNode, Server};
use playground_core::sim::action::{Action, TimedAction};
use playground_core::sim::engine::{Setup, Simulation};
use playground_core::sim::network::LinkConfig;
use playground_core::sim::node::{NodeId, NodeStatus};
use playground_core::sim::rng::Rng;
use playground_core::sim::time::SimTime;

/// A busy Lamport run: 6 clients, 3 servers, 60 writes each, with a crash and a pause.
fn busy_run(checkpoint_interval: usize) -> Simulation<LamportNode, LamportChecker> {
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
    let at = |ms| SimTime::from_millis(ms);
    Simulation::new(Setup {
        checker: LamportChecker::new(&names),
        names,
        nodes,
        clocks: Vec::new(),
        link: LinkConfig::default(),
        horizon: SimTime::from_millis(10_000),
        seed: 17,
        script: vec![
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
        ],
        user_actions: Vec::new(),
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

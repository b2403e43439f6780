//! The generation clock's stories, switches and guarantees: each story shows what the
//! notes say, each switch a story offers breaks a consequence property at a named event,
//! and every property that a switch or a fault can break is found broken by a sweep.

use playground_core::sim::checker::PropertyKind;
use playground_core::sim::run::{Engine, EventTag};
use playground_core::{Registry, Session};
use playground_tests::{faulty_session, first_event};

const SWITCH: &str = "check-generation";

/// Runs `session` to its end.
fn run_of(registry: &Registry, session: &Session) -> playground_core::sim::run::Run {
    let mut run = registry.start(session).expect("session starts");
    run.engine_mut().run_to_end(2_000_000);
    assert!(run.engine().is_finished());
    run
}

/// The first violation of property `id`: its event index, detail and trace line.
fn violation(engine: &dyn Engine, id: &str) -> Option<(usize, String, String)> {
    let index = engine
        .properties()
        .iter()
        .position(|p| p.id == id)
        .unwrap_or_else(|| panic!("no property {id}"));
    engine.violations()[index]
        .clone()
        .map(|v| (v.event, v.detail, engine.trace_line(v.event)))
}

/// The ids of the guarantees `engine`'s run broke.
fn broken(engine: &dyn Engine) -> Vec<&'static str> {
    engine
        .properties()
        .iter()
        .zip(engine.violations())
        .filter(|(p, v)| p.kind == PropertyKind::Guarantee && v.is_some())
        .map(|(p, _)| p.id)
        .collect()
}

/// The first event index at or after `from` whose line contains `text`.
fn find(engine: &dyn Engine, from: usize, text: &str) -> Option<usize> {
    (from..engine.trace_len()).find(|&i| engine.trace_line(i).contains(text))
}

#[test]
fn the_old_leader_steps_down_because_a_follower_rejected_its_stale_messages() {
    let registry = Registry::standard();
    let run = run_of(&registry, &Session::new("generation-pause", 1));
    let engine = run.engine();
    assert_eq!(broken(engine), Vec::<&str>::new());
    assert!(find(engine, 0, "LEADER of gen 2").is_some());
    let resumed = find(engine, 0, "RESUME s1").expect("s1 resumes");
    let step_down = find(engine, resumed, "s1   steps down: learned gen 2").expect("s1 steps down");
    assert!(engine
        .trace_line(step_down)
        .ends_with("learned gen 2 from a rejection"));
    // Woken, s1 sends a stale heartbeat and a stale write before it steps down, and a
    // follower rejects them.
    let sent = |text: &str| find(engine, resumed, text).is_some_and(|i| i < step_down);
    assert!(sent("heartbeat gen=1") && sent("replicate w1."));
    assert!(sent("rejects gen 1 (has seen gen 2)"));
    // The cause: the step-down happens in the step that delivered a rejection to s1.
    let step = engine.event(step_down).expect("event").step;
    let first = engine.events_through(step);
    let cause = engine.event(first).expect("the step's first event");
    assert_eq!(cause.tag, EventTag::Deliver, "{}", cause.text);
    assert_eq!(engine.names()[cause.node.expect("a lane").index()], "s1");
    let msg = engine
        .message(cause.msg.expect("a message"))
        .expect("its record");
    assert!(
        msg.label.starts_with("reject: seen gen=2"),
        "s1 stepped down on {}",
        msg.label
    );
    // Nothing of generation 2 reached s1 before that rejection.
    let heard_of_generation_2 = |i: usize| {
        let e = engine.event(i).expect("event");
        let to_s1 = e.node.is_some_and(|n| engine.names()[n.index()] == "s1");
        let label = e
            .msg
            .and_then(|m| engine.message(m))
            .map(|m| m.label)
            .unwrap_or_default();
        e.tag == EventTag::Deliver && to_s1 && label.contains("gen=2")
    };
    assert!(
        !(resumed..first).any(heard_of_generation_2),
        "s1 heard of generation 2 before the rejection"
    );
}

/// For each (story, offered switch): the consequence property that switching it off
/// breaks at the default seed, and what the line of the breaking event says.
const SWITCH_HARM: &[(&str, &str, &str, &str)] = &[
    (
        "generation-pause",
        SWITCH,
        "log-in-generation-order",
        "accepts w1.",
    ),
    (
        "generation-pause",
        SWITCH,
        "acked-by-majority-in-generation",
        "s1   acknowledges w1.",
    ),
    (
        "generation-partition",
        SWITCH,
        "acked-by-majority-in-generation",
        "s1   acknowledges w1.",
    ),
];

#[test]
fn every_offered_switch_breaks_a_consequence_at_the_default_seed() {
    let registry = Registry::standard();
    let mut offered = Vec::new();
    for scenario in registry.scenarios_of("generation") {
        let id = scenario.id();
        assert_eq!(
            broken(run_of(&registry, &Session::new(id, 1)).engine()),
            Vec::<&str>::new()
        );
        for switch in scenario.offered_switches() {
            offered.push((id, switch.name));
        }
    }
    let mut pinned: Vec<_> = SWITCH_HARM.iter().map(|&(s, w, _, _)| (s, w)).collect();
    pinned.dedup();
    offered.sort_unstable();
    pinned.sort_unstable();
    assert_eq!(offered, pinned, "every offered switch has its harm pinned");
    for &(scenario, switch, property, line) in SWITCH_HARM {
        let off = Session::new(scenario, 1).with_switch_off(switch);
        let run = run_of(&registry, &off);
        let (_, detail, at) = violation(run.engine(), property)
            .unwrap_or_else(|| panic!("{scenario} without {switch} keeps {property}"));
        assert!(
            at.contains(line),
            "{scenario}: {property} broke at {at} ({detail})"
        );
    }
}

#[test]
fn without_the_check_two_leaders_have_writes_accepted_at_once() {
    let registry = Registry::standard();
    let off = Session::new("generation-pause", 1).with_switch_off(SWITCH);
    let run = run_of(&registry, &off);
    let engine = run.engine();
    let (stale, detail, line) =
        violation(engine, "log-in-generation-order").expect("a stale write lands");
    assert!(detail.contains("of generation 1 on top of w2."), "{detail}");
    assert!(
        line.contains("s2   accepts w1.") || line.contains("s3   accepts w1."),
        "{line}"
    );
    // The split brain lasts: s1 never steps down, and the new leader's writes are still
    // acknowledged after the stale one was accepted.
    assert!(find(engine, 0, "s1   steps down").is_none());
    assert!(find(engine, stale, "s2   acknowledges w2.").is_some());
    let (acked, detail, _) =
        violation(engine, "acked-by-majority-in-generation").expect("a stale ack");
    assert!(
        acked > stale && detail.contains("s1 acknowledged w1."),
        "{detail}"
    );
}

#[test]
fn stories_without_a_stale_leader_offer_no_switch() {
    let registry = Registry::standard();
    for id in ["generation-crash", "generation-split-vote"] {
        let scenario = registry.scenario(id).expect("registered");
        assert!(scenario.offered_switches().is_empty(), "{id}");
        let off = Session::new(id, 1).with_switch_off(SWITCH);
        assert!(registry.start(&off).is_err(), "{id} accepts the switch");
    }
}

#[test]
fn generation_scenarios_tell_their_stories() {
    let registry = Registry::standard();
    let text = |id: &str| {
        run_of(&registry, &Session::new(id, 1))
            .engine()
            .trace_text()
    };
    let crash = text("generation-crash");
    assert!(crash.contains("LEADER of gen 2") && !crash.contains("LEADER of gen 3"));
    let split = text("generation-split-vote");
    assert!(
        split.contains("s2   stands for election in gen 2")
            && split.contains("s3   stands for election in gen 2")
    );
    assert!(!split.contains("LEADER of gen 2") && split.contains("LEADER of gen 3"));
    let partition = text("generation-partition");
    let (during, after) = partition.split_at(partition.find("HEAL").unwrap());
    let cut = during.find("PARTITION").unwrap();
    assert!(
        !during[cut..].contains("acknowledges w1."),
        "the minority leader gets no write acknowledged"
    );
    assert!(during.contains("LEADER of gen 2"));
    assert!(after.contains("s1   steps down: learned gen 2"));
}

/// How many of `seeds` runs of `scenario` without the check break `property`, with
/// random faults when `faults`.
fn seeds_breaking(registry: &Registry, scenario: &str, property: &str, faults: bool) -> usize {
    (1..=20)
        .filter(|&seed| {
            let session = if faults {
                faulty_session(registry, scenario, seed)
            } else {
                Session::new(scenario, seed)
            };
            let run = run_of(registry, &session.with_switch_off(SWITCH));
            violation(run.engine(), property).is_some()
        })
        .count()
}

#[test]
fn a_sweep_without_the_check_finds_every_breakable_guarantee_broken() {
    let registry = Registry::standard();
    for property in [
        "no-stale-accept",
        "log-in-generation-order",
        "acked-by-majority-in-generation",
    ] {
        for faults in [false, true] {
            let count = seeds_breaking(&registry, "generation-pause", property, faults);
            assert!(
                count >= 15,
                "{property} broke on only {count} of 20 seeds (faults: {faults})"
            );
        }
    }
    let partition = seeds_breaking(
        &registry,
        "generation-partition",
        "acked-by-majority-in-generation",
        false,
    );
    assert!(partition >= 8, "only {partition} of 20 partition seeds");
}

#[test]
fn the_election_captions_follow_the_run_not_the_clock() {
    use playground_core::sim::action::Action;
    use playground_core::sim::node::NodeId;
    use playground_core::sim::time::SimTime;
    let registry = Registry::standard();
    for seed in 1..=5 {
        let mut run = run_of(&registry, &Session::new("generation-crash", seed));
        let e = run.engine();
        let (stood, candidate, _) = first_event(e, 400_000, "stands for election").unwrap();
        let (won, leader, _) = first_event(e, 400_000, "LEADER of gen").unwrap();
        let at = |us: u64| run.caption_at(SimTime(us)).unwrap().text;
        // Until a timeout runs out, the crash; from it, who stood; from the win, who leads.
        assert!(at(stood - 1).starts_with("s1 crashes."), "seed {seed}");
        assert!(at(stood).starts_with(&format!("{candidate}'s random election timeout")));
        assert!(at(won - 1).starts_with(&format!("{candidate}'s random")));
        assert!(at(won).starts_with(&format!("{leader} has the votes of a majority")));
        assert!(at(1_399_999).starts_with(&format!("{leader} has the votes")));
        assert!(at(1_400_000).starts_with("s1 restarts"));
        // Acting before the election discards what was explored: crashing the winner
        // before it stands makes another server win, and the caption names that one.
        let loser = if leader == "s2" { "s3" } else { "s2" };
        run.engine_mut().branch(
            SimTime(stood - 1),
            Action::Crash(NodeId(leader[1..].parse::<u32>().unwrap())),
        );
        run.engine_mut().run_to_end(1_000_000);
        let (won, leader, _) = first_event(run.engine(), 400_000, "LEADER of gen").unwrap();
        assert_eq!(leader, loser, "seed {seed}");
        let text = run.caption_at(SimTime(won)).unwrap().text;
        assert!(
            text.starts_with(&format!("{loser} has the votes")),
            "{text}"
        );
    }
    // With every follower down nobody stands until s1 restarts, and nobody wins: the
    // crash caption stays, then the restart's; no caption names a leader.
    let alone = Session::new("generation-crash", 1)
        .with_action(SimTime::from_millis(450), Action::Crash("s2".into()))
        .with_action(SimTime::from_millis(450), Action::Crash("s3".into()));
    let run = run_of(&registry, &alone);
    let stood = first_event(run.engine(), 400_000, "stands for election");
    assert!(
        stood.as_ref().is_none_or(|(t, _, _)| *t > 1_400_000),
        "{stood:?}"
    );
    assert!(first_event(run.engine(), 400_000, "LEADER of gen").is_none());
    let text = run.caption_at(SimTime::from_millis(1_399)).unwrap().text;
    assert!(text.starts_with("s1 crashes."), "{text}");
    let all = run.captions_until(run.engine().horizon());
    assert!(
        all.iter().all(|c| !c.text.contains("votes of a majority")),
        "{all:?}"
    );
}

/// A crashed leader reads "down" while it is down (not "follower", which it becomes only
/// when it restarts), keeps its stored generation, and is a follower again after.
#[test]
fn a_crashed_leader_reads_down_until_it_restarts() {
    use playground_core::sim::time::SimTime;
    let run = playground_tests::run_to_end(&Session::new("generation-crash", 1));
    let s1 = |ms: u64| {
        let snap = run.engine().snapshot_at(SimTime::from_millis(ms));
        snap.nodes
            .iter()
            .find(|n| n.name == "s1")
            .unwrap()
            .headline
            .clone()
    };
    // s1 leads generation 1, crashes at 400 ms and restarts at 1,400 ms.
    assert!(s1(399).starts_with("LEADER · gen 1"), "{}", s1(399));
    assert!(s1(401).starts_with("down · gen 1"), "{}", s1(401));
    assert!(s1(1_399).starts_with("down"), "{}", s1(1_399));
    assert!(s1(1_401).starts_with("follower"), "{}", s1(1_401));
}

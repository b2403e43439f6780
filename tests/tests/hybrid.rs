//! The hybrid clock's stories, switch by switch: what each switch costs at the default
//! seed, seed sweeps that find every breakable guarantee breaking, and the stories'
//! texts and answers checked against their runs.

use playground_core::patterns::hybrid::Hlc;
use playground_core::sim::action::Action;
use playground_core::sim::time::SimTime;
use playground_core::{Registry, Session};
use playground_tests::{guarantee_breaches, Breach};

/// Runs `session` to its end.
fn run(registry: &Registry, session: &Session) -> playground_core::sim::run::Run {
    let mut run = registry.start(session).expect("session starts");
    run.engine_mut().run_to_end(2_000_000);
    assert!(run.engine().is_finished());
    run
}

/// Every guarantee `session` breaks, first breach each.
fn breaches(registry: &Registry, session: &Session) -> Vec<Breach> {
    guarantee_breaches(registry, session)
}

/// The first breach of `property` in `session`, if any.
fn breach_of(registry: &Registry, session: &Session, property: &str) -> Option<Breach> {
    breaches(registry, session)
        .into_iter()
        .find(|b| b.property == property)
}

/// What switching one switch off costs in one story at seed 1: the consequence property
/// that breaks, a phrase of its detail, and a phrase of the trace line of the event at
/// which it breaks.
struct Harm {
    story: &'static str,
    switch: &'static str,
    property: &'static str,
    detail: &'static str,
    event: &'static str,
}

const HARMS: &[Harm] = &[
    Harm {
        story: "hybrid-transaction",
        switch: "final-clock",
        property: "all-or-none",
        detail: "sees x=1 on s1 but not y=1 on s2 of T1",
        event: "s2   y committed (T1) at",
    },
    Harm {
        story: "hybrid-transaction",
        switch: "carry-wall",
        property: "close-to-wall-clock",
        detail: "co stamped an event #1: a timestamp without a wall part tells no time of day",
        event: "co   send #0 to s1 T1 write x=1 clock=#1",
    },
    Harm {
        story: "hybrid-transaction",
        switch: "carry-counter",
        property: "all-or-none",
        detail: "sees x=1 on s1 but not z=1 on s3 of T1",
        event: "s1   x committed (T1) at",
    },
    Harm {
        story: "hybrid-lagging",
        switch: "final-clock",
        property: "all-or-none",
        detail: "sees y=1 on s2 but not x=1 on s1 of T1",
        event: "s1   x committed (T1) at",
    },
    Harm {
        story: "hybrid-lagging",
        switch: "carry-wall",
        property: "close-to-wall-clock",
        detail: "tells no time of day",
        event: "co   send #0 to s1 T1 write x=1 clock=#1",
    },
    Harm {
        story: "hybrid-lagging",
        switch: "carry-counter",
        property: "hb-implies-hlc",
        detail: "s1 sent a message stamped at 09:00:00.008812+0, not after its previous event \
                 at 09:00:00.008812+0",
        event: "s1   send #1 to co T1 wrote x",
    },
    Harm {
        story: "hybrid-lww",
        switch: "carry-wall",
        property: "close-to-wall-clock",
        detail: "tells no time of day",
        event: "co   send #0 to s1 T1 write k=1 clock=#1",
    },
    Harm {
        story: "hybrid-lww",
        switch: "carry-counter",
        property: "no-lost-update",
        detail: "on s1 the acknowledged write k=2 of T2 (at 09:00:00.047383+0) is hidden by \
                 the earlier k=1 of T1 stamped later",
        event: "co   T2 acknowledged, stored at 09:00:00.047383+0",
    },
    Harm {
        story: "hybrid-coordinator-crash",
        switch: "final-clock",
        property: "all-or-none",
        detail: "sees y=1 on s2 but not x=1 on s1 of T1",
        event: "s2   y committed (T1) at",
    },
    Harm {
        story: "hybrid-coordinator-crash",
        switch: "carry-wall",
        property: "close-to-wall-clock",
        detail: "tells no time of day",
        event: "co   send #0 to s1 T1 write x=1 clock=#1",
    },
    Harm {
        story: "hybrid-coordinator-crash",
        switch: "carry-counter",
        property: "hb-implies-hlc",
        detail: "s1 sent a message stamped at 09:00:00.008812+0",
        event: "s1   send #1 to co T1 wrote x",
    },
];

#[test]
fn every_offered_switch_breaks_a_consequence_at_a_named_event() {
    let registry = Registry::standard();
    let stories: Vec<_> = registry
        .scenarios()
        .iter()
        .filter(|s| s.pattern().id == "hybrid")
        .collect();
    assert_eq!(stories.len(), 4);
    for story in stories {
        let on = Session::new(story.id(), 1);
        let held = breaches(&registry, &on);
        assert!(held.is_empty(), "{}: {held:?}", story.id());
        for switch in story.offered_switches() {
            let harm = HARMS
                .iter()
                .find(|h| h.story == story.id() && h.switch == switch.name)
                .unwrap_or_else(|| panic!("{} offers {} with no harm", story.id(), switch.name));
            let off = on.clone().with_switch_off(switch.name);
            let breach = breach_of(&registry, &off, harm.property).unwrap_or_else(|| {
                panic!(
                    "{} without {}: {} holds",
                    harm.story, harm.switch, harm.property
                )
            });
            assert!(
                breach.detail.contains(harm.detail) && breach.line.contains(harm.event),
                "{} without {}: {breach:?}",
                harm.story,
                harm.switch
            );
        }
    }
    // The table names only switches the stories offer.
    for harm in HARMS {
        let story = registry.scenario(harm.story).expect("a story");
        assert!(
            story
                .offered_switches()
                .iter()
                .any(|s| s.name == harm.switch),
            "{} does not offer {}",
            harm.story,
            harm.switch
        );
    }
}

#[test]
fn last_writer_wins_does_not_offer_the_final_clock_it_never_uses() {
    let registry = Registry::standard();
    let story = registry.scenario("hybrid-lww").unwrap();
    let offered: Vec<_> = story.offered_switches().iter().map(|s| s.name).collect();
    assert_eq!(offered, ["carry-wall", "carry-counter"]);
    assert!(story.summary().contains("its switch is not offered"));
    let refused = registry.start(&Session::new("hybrid-lww", 1).with_switch_off("final-clock"));
    assert!(
        refused.is_err(),
        "a switch the story does not offer is refused"
    );
}

#[test]
fn final_clock_off_also_stores_one_transaction_under_several_timestamps() {
    let registry = Registry::standard();
    let off = Session::new("hybrid-transaction", 1).with_switch_off("final-clock");
    let breach = breach_of(&registry, &off, "one-timestamp-per-transaction").expect("breaks");
    assert!(
        breach.detail.starts_with("T1 is committed at"),
        "{breach:?}"
    );
    assert!(breach.line.contains("y committed (T1)"), "{breach:?}");
}

/// Stamps of the form `… at <timestamp>` on lines containing `what`.
fn stamps_after(text: &str, what: &str) -> Vec<Hlc> {
    text.lines()
        .filter(|l| l.contains(what))
        .flat_map(|l| {
            let stamps = l.rsplit_once(" at ").map_or("", |(_, s)| s);
            stamps.split(" / ").map(|s| Hlc::parse(s).expect("a stamp"))
        })
        .collect()
}

#[test]
fn an_acknowledgement_shows_the_timestamps_the_versions_are_stored_under() {
    let registry = Registry::standard();
    let sessions = [
        Session::new("hybrid-transaction", 1),
        Session::new("hybrid-transaction", 1).with_switch_off("final-clock"),
        Session::new("hybrid-lww", 1),
        Session::new("hybrid-lagging", 1),
    ];
    for session in sessions {
        let text = run(&registry, &session).engine().trace_text();
        for tx in ["T1", "T2"] {
            let mut stored = stamps_after(&text, &format!("committed ({tx}) at"));
            stored.sort();
            stored.dedup();
            let acked = stamps_after(&text, &format!("{tx} acknowledged, stored at"));
            assert!(!stored.is_empty(), "{}: {tx} stored", session.encode());
            assert_eq!(acked, stored, "{}: {tx}", session.encode());
        }
    }
}

#[test]
fn a_lamport_version_cannot_be_read_as_of_a_time_of_day() {
    let registry = Registry::standard();
    for story in ["hybrid-transaction", "hybrid-lww"] {
        let off = Session::new(story, 1).with_switch_off("carry-wall");
        let run = run(&registry, &off);
        let steps = run.engine().steps();
        let answer = run.engine().query(steps, "09:00:00.040").expect("a time");
        assert!(!answer.is_empty());
        for (server, text) in &answer {
            assert!(
                text.contains("cannot be read as of 09:00:00.040000+0")
                    && text.contains("carry only a Lamport counter"),
                "{story} {server}: {text}"
            );
        }
        // With the wall part, the same question has an answer.
        let on = run_default_answer(&registry, story);
        assert!(
            on.iter().all(|(_, text)| !text.contains("cannot")),
            "{on:?}"
        );
    }
}

fn run_default_answer(registry: &Registry, story: &str) -> Vec<(String, String)> {
    let run = run(registry, &Session::new(story, 1));
    let steps = run.engine().steps();
    run.engine().query(steps, "09:00:00.040").unwrap()
}

#[test]
fn captions_say_which_clock_runs() {
    let registry = Registry::standard();
    let caption = |session: &Session| {
        run(&registry, session)
            .captions()
            .iter()
            .map(|c| c.text.clone())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let on = Session::new("hybrid-transaction", 1);
    assert!(caption(&on).contains("The notes use a Lamport counter alone"));
    let lamport = caption(&on.clone().with_switch_off("carry-wall"));
    assert!(lamport.contains("Lamport counter") && lamport.contains("cannot be answered"));
    let wall = caption(&on.with_switch_off("carry-counter"));
    assert!(wall.contains("plain wall clock"), "{wall}");
}

#[test]
fn without_either_part_every_story_runs_and_nothing_is_ordered() {
    let registry = Registry::standard();
    for story in [
        "hybrid-transaction",
        "hybrid-lagging",
        "hybrid-lww",
        "hybrid-coordinator-crash",
    ] {
        let neither = Session::new(story, 1)
            .with_switch_off("carry-wall")
            .with_switch_off("carry-counter");
        let breach = breach_of(&registry, &neither, "hb-implies-hlc").expect("unordered");
        assert!(
            breach
                .detail
                .contains("stamped #0, but its clock moved only to #0"),
            "{story}: {breach:?}"
        );
        let run = run(&registry, &neither);
        let captions: Vec<_> = run.captions().iter().map(|c| c.text.as_str()).collect();
        assert!(
            captions.iter().any(|c| c.contains("every timestamp is #0")),
            "{story}"
        );
        assert!(
            captions.iter().all(|c| !c.contains("plain wall clock")),
            "{story}: {captions:?}"
        );
    }
    let lww = Session::new("hybrid-lww", 1)
        .with_switch_off("carry-wall")
        .with_switch_off("carry-counter");
    assert!(breach_of(&registry, &lww, "no-lost-update").is_some());
}

/// Seeds a sweep covers; each pinned breach must show on at least three in four.
const SEEDS: std::ops::RangeInclusive<u64> = 1..=20;

/// On how many of [`SEEDS`] `property` breaks in `story` changed by `change`.
fn seeds_breaking(story: &str, property: &str, change: impl Fn(Session) -> Session) -> usize {
    let registry = Registry::standard();
    SEEDS
        .filter(|&seed| {
            breach_of(&registry, &change(Session::new(story, seed)), property).is_some()
        })
        .count()
}

#[test]
fn sweeps_find_every_switch_breaking_its_guarantees() {
    let all = SEEDS.count();
    let pinned = HARMS.iter().map(|h| (h.story, h.switch, h.property));
    let more = [
        (
            "hybrid-transaction",
            "final-clock",
            "one-timestamp-per-transaction",
        ),
        ("hybrid-transaction", "carry-counter", "hb-implies-hlc"),
    ];
    for (story, switch, property) in pinned.chain(more) {
        let broken = seeds_breaking(story, property, |s| s.with_switch_off(switch));
        assert!(
            broken * 4 >= all * 3,
            "{story} without {switch}: {property} broke on only {broken} of {all} seeds"
        );
    }
}

#[test]
fn a_wall_clock_set_back_makes_plain_wall_clock_stamps_go_backwards() {
    // s1's wall clock is set back 50 ms before T2's write reaches it.
    let set_back = |s: Session| {
        s.with_action(
            SimTime::from_millis(30),
            Action::SkewClock {
                node: "s1".into(),
                delta_us: -50_000,
            },
        )
    };
    let all = SEEDS.count();
    let story = "hybrid-transaction";
    let without_counter = |s: Session| set_back(s).with_switch_off("carry-counter");
    assert_eq!(
        seeds_breaking(story, "clock-never-backwards", without_counter),
        all
    );
    assert_eq!(seeds_breaking(story, "clock-never-backwards", set_back), 0);
    assert_eq!(seeds_breaking(story, "close-to-wall-clock", set_back), 0);
}

#[test]
fn a_coordinator_crash_leaves_pending_writes_that_reads_never_see() {
    let registry = Registry::standard();
    let session = Session::new("hybrid-coordinator-crash", 1);
    assert!(breaches(&registry, &session).is_empty());
    let run = run(&registry, &session);
    let steps = run.engine().steps();
    let answer = run.engine().query(steps, "09:00:01").expect("a valid time");
    assert_eq!(answer.len(), 3);
    for (server, text) in &answer {
        assert!(text.contains("waits for pending T2"), "{server}: {text}");
    }
    let before = run.engine().query(steps, "09:00:00.000001").unwrap();
    assert!(before.iter().all(|(_, text)| text.contains("nothing yet")));
}

#[test]
fn reads_as_of_any_time_see_a_transaction_whole_or_not_at_all() {
    let registry = Registry::standard();
    let run = run(&registry, &Session::new("hybrid-transaction", 1));
    let steps = run.engine().steps();
    for t in (0..200_000).step_by(997) {
        let at = Hlc::at(t, 0).to_string();
        let answer = run.engine().query(steps, &at).unwrap();
        let t1 = answer.iter().filter(|(_, v)| v.contains("(T1 ")).count();
        assert!(t1 == 0 || t1 == 3, "as of {at}: {answer:?}");
    }
}

#[test]
fn a_lagging_server_adopts_the_higher_hybrid_time_and_its_versions_grow() {
    let registry = Registry::standard();
    let run = run(&registry, &Session::new("hybrid-lagging", 1));
    let engine = run.engine();
    let s2 = engine.snapshot_after_step(engine.steps()).nodes[2].clone();
    let field = |name: &str| {
        s2.fields
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(field("clock kind"), "hybrid (wall time + counter)");
    let hlc = Hlc::parse(&field("clock")).unwrap();
    assert!(
        hlc.wall > Some(s2.wall_clock.0),
        "s2's hybrid clock ({hlc}) is ahead of its lagging wall clock ({})",
        s2.wall_clock
    );
    let stamps = stamps_after(
        &engine
            .trace_text()
            .lines()
            .filter(|l| l.contains(" s2 "))
            .collect::<Vec<_>>()
            .join("\n"),
        "committed (",
    );
    assert!(
        stamps.len() >= 3 && stamps.windows(2).all(|w| w[0] < w[1]),
        "{stamps:?}"
    );
}

#[test]
fn without_the_counter_the_lagging_server_stamps_an_effect_before_its_cause() {
    // The caption says so: find s2's receives whose clock reading is below the stamp of
    // the message it received.
    let registry = Registry::standard();
    let off = Session::new("hybrid-lagging", 1).with_switch_off("carry-counter");
    let text = run(&registry, &off).engine().trace_text();
    let lines: Vec<&str> = text.lines().collect();
    let before_cause = lines
        .windows(2)
        .filter(|w| w[0].contains(" s2   recv ") && w[0].contains("clock="))
        .filter(|w| w[1].contains(" s2   clock -> "))
        .filter(|w| {
            let stamp = w[0].rsplit_once("clock=").map(|(_, s)| s).unwrap();
            let clock = w[1].rsplit_once("clock -> ").map(|(_, s)| s).unwrap();
            Hlc::parse(clock).unwrap() < Hlc::parse(stamp).unwrap()
        })
        .count();
    assert!(
        before_cause >= 3,
        "{before_cause} receives stamped before their cause"
    );
    let on = run(&registry, &Session::new("hybrid-lagging", 1));
    assert!(!on.engine().trace_text().contains("clock -> 08:59"));
}

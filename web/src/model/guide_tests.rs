//! Guided mode: its moments and questions on real runs (every question's marked answer
//! is what the run does, every other choice is false in it), cases built to trip the
//! question builder, and the flow (stop, answer, continue; seeking does not ask).
use super::*;
use crate::url::parse_query;
use playground_core::sim::run::EventTag;

fn open(search: &str) -> Playground {
    Playground::open(parse_query(search), false)
}

/// Every non-minor note at or after event `from`: its index, time and "node: label".
fn notes_from(run: &Run, from: usize) -> Vec<(usize, SimTime, String)> {
    let engine = run.engine();
    (from..engine.trace_len())
        .filter_map(|i| {
            let event = engine.event(i)?;
            let node = event.node?;
            (event.tag == EventTag::Note && !event.minor).then(|| {
                let text = format!("{}: {}", engine.names()[node.index()], event.label);
                (i, event.time, text)
            })
        })
        .collect()
}

/// Checks `question` against the run, independently of how it was built; returns its
/// kind ("next" or "breaks").
fn check(run: &Run, moment: &Moment, question: &Question) -> &'static str {
    let engine = run.engine();
    let (_, steps) = pause_at(engine, moment);
    let n = question.choices.len();
    assert!((2..=3).contains(&n), "{n} choices: {question:?}");
    let right = &question.choices[question.right].text;
    let others = question
        .choices
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != question.right)
        .map(|(_, c)| c.text.as_str());
    if question.ask.contains("happens next") {
        let future = notes_from(run, engine.events_through(steps));
        let echo = moment.action.as_ref().map(|(t, _)| *t);
        let next = future
            .iter()
            .find(|(_, t, _)| Some(*t) != echo)
            .expect("a next event");
        assert_eq!(&next.2, right, "the marked answer happens next");
        for other in others {
            assert!(
                future.iter().all(|(_, _, text)| text != other),
                "{other} does happen after {}",
                moment.at
            );
        }
        "next"
    } else {
        let violations = engine.violations();
        let properties = engine.properties();
        let ahead = properties
            .iter()
            .zip(&violations)
            .filter_map(|(p, v)| v.as_ref().filter(|v| v.step >= steps).map(|v| (p, v)))
            .min_by_key(|(_, v)| v.step);
        match ahead {
            Some((p, _)) => assert_eq!(right, p.sentence, "it breaks first"),
            None => assert!(right.starts_with("None of them"), "{right}"),
        }
        for other in others {
            if other.starts_with("None of them") {
                assert!(ahead.is_some(), "something breaks");
                continue;
            }
            let i = properties.iter().position(|p| p.sentence == other).unwrap();
            assert_eq!(violations[i], None, "{other} never breaks");
        }
        "breaks"
    }
}

#[test]
fn every_story_asks_only_questions_its_run_answers_truly() {
    let registry = Registry::standard();
    let mut kinds = Vec::new();
    for scenario in registry.scenarios() {
        // Seeds 1 and 2, and at seed 1 each switch the story offers off (its breach).
        let sessions = [1, 2].map(|seed| Session::new(scenario.id(), seed));
        let switched = scenario
            .offered_switches()
            .into_iter()
            .map(|s| Session::new(scenario.id(), 1).with_switch_off(s.name));
        for session in sessions.into_iter().chain(switched) {
            let mut run = registry.start(&session).unwrap();
            let engine = run.engine_mut();
            while engine.trace_len() < MAX_UI_EVENTS && engine.step() {}
            let found = moments(&run);
            assert!(found.len() <= 5, "{}: {found:?}", session.encode());
            assert!(found.windows(2).all(|w| w[0].at < w[1].at));
            for moment in &found {
                assert!(moment.at > SimTime::ZERO && moment.at <= run.engine().now());
                if let Some(q) = question(&run, moment) {
                    kinds.push((scenario.pattern().id, check(&run, moment, &q)));
                }
            }
        }
    }
    for (pattern, kind) in [
        ("generation", "next"),
        ("generation", "breaks"),
        ("idempotent", "next"),
        ("lamport", "breaks"),
        ("balance", "next"),
        ("balance", "breaks"),
        ("resilience", "breaks"),
    ] {
        assert!(kinds.contains(&(pattern, kind)), "{pattern} asks {kind}");
    }
    assert!(kinds.len() > 300, "{} questions", kinds.len());
}

#[test]
fn a_crash_asks_which_follower_stands_for_election_first() {
    let p = open("?s=v1~generation-crash~seed.1");
    let found = p.moments();
    let crash = &found[0];
    assert_eq!(crash.action, Some((crash.at, "CRASH s1".to_string())));
    assert_eq!(crash.why, Why::Action);
    let q = question(p.run(), crash).unwrap();
    assert_eq!(q.ask, "Which of these happens next?");
    let texts: Vec<&str> = q.choices.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(q.choices[q.right].text, "s2: stands for election in gen 2");
    assert!(
        texts.contains(&"s3: stands for election in gen 2"),
        "{texts:?}"
    );
    assert_eq!(
        q.choices[q.right].explain,
        "The pattern's next event is “s2: stands for election in gen 2”, at 639.368ms."
    );
}

#[test]
fn a_note_that_comes_later_elsewhere_is_not_offered_as_a_wrong_choice() {
    // Both clients' clocks reach 3, one after the other: before the first, "the other
    // client's clock reaches 3" is not next, but it does happen, so it is no wrong choice.
    let p = open("?s=v1~lamport-concurrent~seed.2");
    let run = p.run();
    let threes: Vec<_> = notes_from(run, 0)
        .into_iter()
        .filter(|(_, _, text)| text.ends_with("clock -> 3"))
        .collect();
    assert_eq!(threes.len(), 2, "{threes:?}");
    assert_ne!(threes[0].2, threes[1].2, "on two nodes");
    let moment = Moment {
        at: threes[0].1,
        why: Why::Caption,
        action: None,
    };
    let q = question(run, &moment).unwrap();
    check(run, &moment, &q);
    assert!(
        q.choices.iter().all(|c| c.text != threes[1].2) || threes[1].1 == threes[0].1,
        "{q:?}"
    );
}

#[test]
fn a_property_broken_before_the_moment_is_not_a_choice() {
    let p = open("?s=v1~lamport-skew~seed.1");
    let run = p.run();
    let broke = run.engine().violations()[1]
        .clone()
        .expect("the contrast breaks");
    let after = Moment {
        at: broke.time.plus_micros(1_000),
        why: Why::Breach,
        action: None,
    };
    let q = question(run, &after).unwrap();
    check(run, &after, &q);
    assert!(q.choices[q.right].text.starts_with("None of them"));
    let wall = run.engine().properties()[1].sentence;
    assert!(q.choices.iter().all(|c| c.text != wall), "{q:?}");
    let before = Moment {
        at: broke.time,
        why: Why::Breach,
        action: None,
    };
    let q = question(run, &before).unwrap();
    assert_eq!(q.choices[q.right].text, wall);
    assert!(q.choices[q.right].explain.contains("hb-implies-wall"));
}

/// Plays at 60 frames a second until the card shows or the run ends.
fn play_to_card(p: &mut Playground) -> Option<GuideCard> {
    if !p.playing() {
        p.apply(Command::TogglePlay);
    }
    for _ in 0..200_000 {
        if let Some(card) = p.guide_card() {
            return Some(card);
        }
        if !p.playing() {
            return None;
        }
        p.apply(Command::Tick(1_000.0 / 60.0));
    }
    panic!("the run never ended");
}

#[test]
fn guided_playing_stops_before_each_moment_asks_reveals_and_plays_on() {
    let mut p = open("?s=v1~generation-crash~seed.1&guide=1");
    assert!(p.guided());
    let moments = p.moments();
    let card = play_to_card(&mut p).expect("stops at the first moment");
    assert!(!p.playing());
    assert_eq!(card.question.at, moments[0].at);
    assert_eq!(p.cursor().time.as_micros(), moments[0].at.as_micros() - 1);
    assert_eq!(
        p.caption(),
        p.run().caption_at(SimTime(399_999)).map(|c| c.text)
    );
    let wrong = (card.question.right + 1) % card.question.choices.len();
    p.apply(Command::Answer(wrong));
    let (verdict, reveal) = p.guide_card().unwrap().reveal().unwrap();
    assert_eq!(verdict, "Not this time.");
    assert!(
        reveal.ends_with(
            "never happens after this point. The pattern's next event is “s2: stands for \
             election in gen 2”, at 639.368ms."
        ),
        "{reveal}"
    );
    p.apply(Command::Answer(card.question.right));
    assert_eq!(p.guide_card().unwrap().chosen, Some(wrong), "one answer");
    p.apply(Command::Continue);
    assert!(p.playing() && p.guide_card().is_none());
    let mut asked = 1;
    while let Some(card) = play_to_card(&mut p) {
        p.apply(Command::Answer(card.question.right));
        assert_eq!(p.guide_card().unwrap().reveal().unwrap().0, "Right.");
        p.apply(Command::Continue);
        asked += 1;
    }
    assert!((2..=3).contains(&asked), "asked {asked} times");
    assert!(p.cursor().time >= p.end(), "played to the end");

    let mut free = open("?s=v1~generation-crash~seed.1&guide=0");
    assert!(!free.guided());
    assert_eq!(
        play_to_card(&mut free),
        None,
        "no question without guided mode"
    );
    assert!(free.cursor().time >= free.end());
}

#[test]
fn a_breach_is_asked_about_before_it_happens_and_shown_once_it_has() {
    let mut p = open("?s=v1~balance-host-failure~seed.1&guide=1");
    let breach = p.run().engine().violations()[1].clone().unwrap();
    loop {
        let card = play_to_card(&mut p).expect("asks before the breach");
        if card.question.at == breach.time {
            break;
        }
        p.apply(Command::Continue);
    }
    let card = p.guide_card().unwrap();
    assert_eq!(card.question.ask, "Which of these breaks first from here?");
    assert_eq!(
        p.properties()[1].violated,
        None,
        "not announced before it happens"
    );
    p.apply(Command::Continue);
    while p.cursor().time < breach.time {
        p.apply(Command::Tick(1_000.0 / 60.0));
    }
    assert!(p.properties()[1].violated.is_some(), "shown once reached");
}

#[test]
fn seeking_past_a_moment_does_not_ask_but_stepping_into_one_does() {
    let mut p = open("?s=v1~generation-crash~seed.1&guide=1");
    let first = p.moments()[0].at;
    p.apply(Command::Scrub(first.plus_micros(5_000)));
    assert_eq!(p.guide_card(), None);
    p.apply(Command::Scrub(SimTime(first.as_micros() - 2)));
    while p.guide_card().is_none() && p.cursor().time < first {
        p.apply(Command::StepForward);
    }
    assert!(p.guide_card().is_some(), "stepping into the moment asks");
    assert_eq!(p.cursor().time.as_micros(), first.as_micros() - 1);
    p.apply(Command::Scrub(SimTime::ZERO));
    assert_eq!(p.guide_card(), None, "seeking closes the card");
    p.apply(Command::TogglePlay);
    for _ in 0..100_000 {
        p.apply(Command::Tick(20.0));
        if p.cursor().time > first {
            break;
        }
    }
    assert_eq!(p.guide_card(), None, "asked once per moment");
}

#[test]
fn reduced_motion_stops_at_moments_too() {
    let mut p = Playground::open(parse_query("?s=v1~generation-crash~seed.1&guide=1"), true);
    p.apply(Command::TogglePlay);
    while p.playing() {
        p.apply(Command::Tick(250.0));
    }
    let card = p.guide_card().expect("stopped at a moment");
    assert_eq!(card.question.at, p.moments()[0].at);
}

#[test]
fn the_mode_follows_the_link_then_the_first_visit_then_the_persons_choice() {
    assert!(
        !open("?s=v1~generation-crash~seed.1").guided(),
        "off for a link"
    );
    let bad = open("?s=v1~generation-crash~seed.1&guide=yes");
    assert!(!bad.guided());
    assert!(bad.notices()[0].text.contains("`guide=yes` is neither 1"));
    let mut p = open("?s=v1~generation-crash~seed.1");
    p.apply(Command::GuideDefault(true));
    assert!(p.guided(), "on for a first visit");
    p.apply(Command::SetGuided(false));
    p.apply(Command::OpenScenario("lamport-skew".into()));
    p.apply(Command::GuideDefault(true));
    assert!(!p.guided(), "the person's choice outlasts a first visit");
    p.apply(Command::SetGuided(true));
    p.apply(Command::GuideDefault(false));
    assert!(p.guided());
}

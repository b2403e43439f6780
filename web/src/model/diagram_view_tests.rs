//! Tests of the diagram's view settings on a real run: collapsed heartbeats keep
//! causality, hit-testing, event walking and the cursor right; hidden lanes.

use playground_core::sim::node::NodeId;

use super::{Command, Playground};
use crate::layout::marks::{DiagramMarks, Focus, Hit, View};
use crate::layout::DiagramGeometry;
use crate::url::parse_query;

fn open(session: &str) -> Playground {
    Playground::open(parse_query(&format!("?s={session}")), false)
}

/// The diagram's marks as the page draws them, at the cursor.
fn marks(p: &Playground) -> (DiagramMarks, DiagramGeometry) {
    let window = p.diagram_window();
    let lanes = p.lanes();
    let g = DiagramGeometry::following(p.cursor().time, window.1, p.end())
        .starting_at(window.0)
        .for_lanes(&lanes)
        .fit_width(900.0);
    let events = p.events_between(g.start, g.end());
    let arrows = p.arrows(&events);
    let cone = p.cone();
    let expanded = p.collapse();
    let view = View {
        shown: p.snapshot_events(),
        cursor: p.cursor().time,
        focus: cone.as_deref().map_or(Focus::None, Focus::Cone),
        breaches: &[],
        collapse: expanded.as_deref().map(Vec::as_slice),
        reserved: &[],
    };
    (DiagramMarks::new(&g, &lanes, &events, &arrows, &view), g)
}

#[test]
fn heartbeats_collapse_and_walking_onto_one_draws_it_again() {
    let mut p = open("v1~generation-pause~seed.1");
    p.apply(Command::Scrub(p.end()));
    let (m, _) = marks(&p);
    assert!(
        !m.repeats.is_empty(),
        "the leader's heartbeats are collapsed"
    );
    let collapsed: Vec<_> = m
        .repeats
        .iter()
        .flat_map(|r| r.repeat.msgs.clone())
        .collect();
    assert!(collapsed.iter().all(|&msg| m.arrow_at(msg).is_none()));
    // Walk back from the end: every event walked to is drawn and found where it is
    // drawn, a collapsed heartbeat's delivery and its routine note among them.
    let mut walked_onto_collapsed = 0;
    for _ in 0..120 {
        p.apply(Command::NextEvent(false));
        let index = p.cone().expect("walking chooses an event").chosen;
        let e = p.engine().event(index).unwrap();
        // (The window ends just before the run's last instant.)
        if e.time >= p.end() {
            continue;
        }
        let (m, _) = marks(&p);
        let (x, y) = m
            .event_at(index)
            .unwrap_or_else(|| panic!("{e:?} is drawn"));
        assert!(
            matches!(m.hit(x, y), Some(Hit::Event(i)) if p.engine().event(i).unwrap().time == e.time),
            "{e:?} is found"
        );
        if let Some(msg) = e.msg.filter(|m| collapsed.contains(m)) {
            assert!(m.arrow_at(msg).is_some(), "its message is drawn");
            walked_onto_collapsed += 1;
        }
    }
    assert!(
        walked_onto_collapsed > 0,
        "walked onto a collapsed heartbeat"
    );
    let (m, _) = marks(&p);
    // Each band is one class: all before, all after or all concurrent; all past or future.
    let cone = p.cone().unwrap();
    for r in &m.repeats {
        let relations: Vec<_> = r.repeat.msgs.iter().map(|&m| cone.message(m)).collect();
        assert!(relations.windows(2).all(|w| w[0] == w[1]), "{relations:?}");
    }
    // Clicking a band's middle finds it, and expanding it draws its messages.
    let r = &m.repeats[0];
    let (bx, by) = ((r.band.0 + r.band.2) / 2.0, (r.band.1 + r.band.3) / 2.0);
    if let Some(Hit::Repeat(i)) = m.hit(bx, by) {
        p.apply(Command::ExpandRepeat(m.repeats[i].repeat.key));
        let (after, _) = marks(&p);
        assert!(after
            .repeats
            .iter()
            .all(|x| x.repeat.key != m.repeats[i].repeat.key));
    }
    p.apply(Command::ToggleRepeats);
    assert!(marks(&p).0.repeats.is_empty(), "every message drawn");
}

#[test]
fn the_cursor_splits_a_run_into_past_and_future() {
    let mut p = open("v1~generation-pause~seed.1");
    p.apply(Command::Scrub(playground_core::sim::time::SimTime(
        p.end().as_micros() * 9 / 10,
    )));
    let (m, _) = marks(&p);
    let shown = p.snapshot_events();
    for r in &m.repeats {
        let future: Vec<bool> = r
            .repeat
            .msgs
            .iter()
            .map(|&msg| {
                let events = p.events_between(r.repeat.first, r.repeat.last.plus_micros(1));
                events
                    .iter()
                    .any(|e| e.msg == Some(msg) && e.index >= shown)
            })
            .collect();
        assert!(future.windows(2).all(|w| w[0] == w[1]), "{future:?}");
        assert_eq!(r.class.contains("future"), future[0]);
    }
}

#[test]
fn a_hidden_lane_takes_its_events_and_messages_with_it() {
    let mut p = open("v1~generation-pause~seed.1");
    p.apply(Command::Scrub(p.end()));
    let s3 = NodeId(p.engine().names().iter().position(|n| n == "s3").unwrap() as u32);
    let before = p.lanes().len();
    let session = p.session().clone();
    p.apply(Command::ToggleLane(s3));
    let lanes = p.lanes();
    assert_eq!(lanes.len(), before - 1);
    assert!(!lanes.shows(s3));
    let events = p.events_between(playground_core::sim::time::SimTime::ZERO, p.end());
    let arrows = p.arrows(&events);
    assert!(arrows
        .iter()
        .all(|a| a.to_lane < lanes.len() && a.from_lane < lanes.len()));
    assert!(p.hidden_messages(&events) > 0, "s3's messages are counted");
    assert!(arrows.len() + p.hidden_messages(&events) >= p.arrows(&events).len());
    // Hiding every lane keeps the last one; Show all brings them back.
    p.apply(Command::ShowAllLanes);
    for i in 0..p.engine().names().len() {
        p.apply(Command::ToggleLane(NodeId(i as u32)));
    }
    assert_eq!(p.lanes().len(), 1, "the last lane shown stays");
    p.apply(Command::ShowAllLanes);
    assert_eq!(p.lanes().len(), before);
    assert_eq!(p.session(), &session, "the view is not in the session");
}

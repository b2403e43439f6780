//! The diagram's marks: one path per kind, and hit-testing that finds what a click or
//! the pointer is on.

use std::collections::BTreeSet;

use playground_core::sim::node::NodeId;
use playground_core::sim::run::{EventInfo, EventTag};
use playground_core::sim::time::SimTime;
use playground_core::sim::topology::Topology;
use playground_core::sim::trace::MsgId;

use super::marks::{distance_to_segment, DiagramMarks, Focus, Hit};
use super::{DiagramGeometry, Lanes};
use crate::model::{Arrow, ArrowEnd};

fn lanes() -> Lanes {
    let names = ["a".to_string(), "b".to_string()];
    Lanes::new(&names, &["x", "x"], &Topology::default(), &BTreeSet::new())
}

fn event(index: usize, node: usize, time: u64, tag: EventTag) -> EventInfo {
    EventInfo {
        index,
        step: index,
        time: SimTime(time),
        node: Some(NodeId(node as u32)),
        tag,
        msg: None,
        peer: None,
        arrives: None,
        text: format!("event {index}"),
        label: format!("label {index}"),
        minor: false,
    }
}

fn arrow(msg: u32, sent: u64, end: ArrowEnd) -> Arrow {
    Arrow {
        msg: MsgId(msg),
        from_lane: 0,
        to_lane: 1,
        sent: SimTime(sent),
        arrived: None,
        end,
        label: format!("m{msg} ping"),
        short: "ping".into(),
    }
}

fn geometry() -> DiagramGeometry {
    DiagramGeometry::following(SimTime(0), 1_000, SimTime(1_000))
}

#[test]
fn every_kind_of_mark_is_one_path() {
    let g = geometry();
    let events = [
        event(0, 0, 100, EventTag::Send),
        event(1, 0, 200, EventTag::Send),
        event(2, 1, 300, EventTag::Deliver),
        event(3, 1, 900, EventTag::Deliver),
    ];
    let arrows = [
        arrow(0, 100, ArrowEnd::Delivered(SimTime(300))),
        arrow(1, 200, ArrowEnd::Delivered(SimTime(900))),
        arrow(2, 250, ArrowEnd::Dropped(SimTime(400))),
    ];
    let marks = DiagramMarks::new(&g, &lanes(), &events, &arrows, 3, Focus::None);
    let classes: Vec<&str> = marks.events.iter().map(|s| s.class.as_str()).collect();
    assert_eq!(
        classes,
        ["event send", "event deliver", "event deliver future"]
    );
    assert_eq!(
        marks.events[0].d.matches('M').count(),
        2,
        "both sends in one path"
    );
    let kinds: Vec<&str> = marks.arrows.iter().map(|k| k.class.as_str()).collect();
    assert_eq!(kinds, ["arrow", "arrow dropped"]);
    assert_eq!(marks.arrows[0].lines.matches('M').count(), 2);
    assert_eq!(marks.arrows[0].heads.matches('z').count(), 2, "a head each");
    assert!(
        marks.arrows[1].heads.is_empty(),
        "a dropped arrow ends in a cross"
    );
    assert!(marks.arrows[1].labels.iter().any(|l| l.text == "✕ dropped"));
}

#[test]
fn a_selected_path_has_its_own_arrows() {
    let g = geometry();
    let arrows = [
        arrow(0, 100, ArrowEnd::Delivered(SimTime(300))),
        arrow(1, 200, ArrowEnd::Delivered(SimTime(900))),
    ];
    let path = BTreeSet::from([MsgId(1)]);
    let marks = DiagramMarks::new(&g, &lanes(), &[], &arrows, 0, Focus::Path(&path));
    let kinds: Vec<&str> = marks.arrows.iter().map(|k| k.class.as_str()).collect();
    assert_eq!(kinds, ["arrow", "arrow on-path"]);
}

#[test]
fn the_pointer_hits_events_before_arrows_and_nothing_far_away() {
    let g = geometry();
    let events = [
        event(0, 0, 100, EventTag::Send),
        event(7, 1, 300, EventTag::Deliver),
    ];
    let arrows = [arrow(4, 100, ArrowEnd::Delivered(SimTime(300)))];
    let marks = DiagramMarks::new(&g, &lanes(), &events, &arrows, 8, Focus::None);
    let (x0, y0) = marks.event_at(0).unwrap();
    let (x1, y1) = marks.event_at(7).unwrap();
    assert_eq!(y0, g.lane_y(0));
    assert_eq!(x1, g.abs_x(SimTime(300)));
    assert_eq!(marks.hit(x0 + 2.0, y0 - 1.0), Some(Hit::Event(0)));
    assert_eq!(marks.hit(x1, y1 + 3.0), Some(Hit::Event(7)));
    let (mx, my) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    assert_eq!(marks.hit(mx, my + 2.0), Some(Hit::Arrow(MsgId(4))));
    assert_eq!(marks.hit(mx, my + 40.0), None, "off the arrow");
    assert_eq!(marks.hit(x1 + 100.0, y1), None, "past the arrow's end");
}

#[test]
fn labels_that_would_overprint_are_left_out() {
    let g = geometry();
    let events = [
        event(0, 0, 100, EventTag::Note),
        event(1, 0, 110, EventTag::Note),
        event(2, 0, 120, EventTag::Note),
    ];
    let marks = DiagramMarks::new(&g, &lanes(), &events, &[], 3, Focus::None);
    // The first goes above the lane, the second below, the third would overprint the
    // first and is left out (its event keeps its tooltip).
    assert_eq!(marks.event_labels.len(), 2);
    assert!(marks.event_labels[0].y < g.lane_y(0));
    assert!(marks.event_labels[1].y > g.lane_y(0));
    assert_eq!(
        marks.hit(g.abs_x(SimTime(120)), g.lane_y(0)),
        Some(Hit::Event(2))
    );
}

#[test]
fn distance_to_a_segment_is_to_its_nearest_point() {
    let s = [0.0, 0.0, 10.0, 0.0];
    assert_eq!(distance_to_segment(5.0, 3.0, s), 3.0);
    assert_eq!(distance_to_segment(-4.0, 3.0, s), 5.0);
    assert_eq!(distance_to_segment(13.0, 4.0, s), 5.0);
    assert_eq!(
        distance_to_segment(1.0, 1.0, [0.0, 0.0, 0.0, 0.0]),
        2f64.sqrt()
    );
}

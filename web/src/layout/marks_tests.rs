//! The diagram's marks: one path per kind, and hit-testing that finds what a click or
//! the pointer is on.

use std::collections::BTreeSet;

use playground_core::sim::node::NodeId;
use playground_core::sim::run::{EventInfo, EventTag};
use playground_core::sim::time::SimTime;
use playground_core::sim::topology::Topology;
use playground_core::sim::trace::MsgId;

use super::labels::{Rect, CHAR_WIDTH};
use super::marks::{DiagramMarks, Focus, Hit, View};
use super::shapes::distance_to_segment;
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

fn view(shown: usize, focus: Focus<'_>) -> View<'_> {
    View {
        shown,
        focus,
        ..View::default()
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
    let marks = DiagramMarks::new(&g, &lanes(), &events, &arrows, &view(3, Focus::None));
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
    let marks = DiagramMarks::new(&g, &lanes(), &[], &arrows, &view(0, Focus::Path(&path)));
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
    let marks = DiagramMarks::new(&g, &lanes(), &events, &arrows, &view(8, Focus::None));
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

/// Every placed label's box: event and breach labels start at their x, arrow labels
/// are centered on it.
fn label_boxes(marks: &DiagramMarks, breaches: &[usize]) -> Vec<Rect> {
    let mut boxes: Vec<Rect> = marks
        .event_labels
        .iter()
        .map(|l| Rect::text(l.x, l.y, l.text.chars().count()))
        .collect();
    for l in marks.arrows.iter().flat_map(|k| &k.labels) {
        let half = l.text.chars().count() as f64 * CHAR_WIDTH / 2.0;
        boxes.push(Rect::text(l.x - half, l.y, l.text.chars().count()));
    }
    for l in breaches.iter().filter_map(|&i| marks.breach_label(i)) {
        boxes.push(Rect::text(l.x, l.y, l.text.chars().count()));
    }
    boxes
}

/// A crowded window: three lanes, a message every few microseconds each way, notes and
/// actions among them.
fn dense() -> (Lanes, Vec<EventInfo>, Vec<Arrow>) {
    let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    let lanes = Lanes::new(&names, &["x"; 3], &Topology::default(), &BTreeSet::new());
    let (mut events, mut arrows) = (Vec::new(), Vec::new());
    for k in 0..120u64 {
        let node = (k % 3) as usize;
        let tag = match k % 5 {
            0 => EventTag::Note,
            1 => EventTag::Action,
            _ => EventTag::Send,
        };
        let index = events.len();
        events.push(event(index, node, 5 + k * 8, tag));
        let mut a = arrow(
            k as u32,
            5 + k * 8,
            ArrowEnd::Delivered(SimTime(30 + k * 8)),
        );
        (a.from_lane, a.to_lane) = (node, (node + 1) % 3);
        a.short = format!("msg{k} g2");
        arrows.push(a);
    }
    (lanes, events, arrows)
}

#[test]
fn placed_labels_never_overlap_each_other_or_an_event() {
    let g = geometry();
    let (lanes, events, arrows) = dense();
    let breaches = [10, 11];
    let v = View {
        shown: 60,
        cursor: SimTime(500),
        breaches: &breaches,
        ..View::default()
    };
    let marks = DiagramMarks::new(&g, &lanes, &events, &arrows, &v);
    let boxes = label_boxes(&marks, &breaches);
    assert!(
        boxes.len() > 20,
        "a crowded window still has labels: {}",
        boxes.len()
    );
    assert!(boxes.len() < 240, "not every label fits: some are left out");
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
        }
        for e in &events {
            let (x, y) = marks.event_at(e.index).unwrap();
            let mark = Rect(x - 5.0, y - 5.0, x + 5.0, y + 5.0);
            assert!(!a.overlaps(&mark), "{a:?} covers event {}", e.index);
        }
        let left = g.abs_x(g.start);
        assert!(
            a.0 >= left && a.2 <= left + g.width,
            "{a:?} leaves the plot"
        );
    }
    // Both breaches are labelled: they go first.
    assert!(breaches.iter().all(|&i| marks.breach_label(i).is_some()));
}

#[test]
fn labels_keep_off_the_reserved_boxes() {
    let g = geometry();
    let (lanes, events, arrows) = dense();
    // The whole plot's height over its first third, as the texts at the top of the
    // marks across the lanes would take a part of it.
    let left = g.abs_x(g.start);
    let strip = Rect(left, 0.0, left + g.width / 3.0, g.height(lanes.len()));
    let placed_in_strip = |reserved: &[Rect]| {
        let v = View {
            shown: 60,
            cursor: SimTime(500),
            reserved,
            ..View::default()
        };
        let marks = DiagramMarks::new(&g, &lanes, &events, &arrows, &v);
        let boxes = label_boxes(&marks, &[]);
        let inside = boxes.iter().filter(|b| b.overlaps(&strip)).count();
        (inside, boxes.len())
    };
    let (free, _) = placed_in_strip(&[]);
    assert!(free > 0, "labels go there when it is free");
    let (reserved, elsewhere) = placed_in_strip(&[strip]);
    assert_eq!(reserved, 0, "no label on a reserved box");
    assert!(elsewhere > 0, "the others are still placed");
}

#[test]
fn actions_and_notes_are_labelled_before_messages_and_near_the_cursor_first() {
    let g = geometry();
    // Five notes and an action at one instant on one lane: four spots around it.
    let mut events: Vec<EventInfo> = (0..5).map(|i| event(i, 0, 500, EventTag::Note)).collect();
    events.push(event(5, 0, 500, EventTag::Action));
    let mut many = arrow(9, 480, ArrowEnd::Delivered(SimTime(560)));
    many.short = "a long message label".into();
    let marks = DiagramMarks::new(&g, &lanes(), &events, &[many], &view(6, Focus::None));
    let texts: Vec<&str> = marks.event_labels.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts.len(), 4, "one label per free spot: {texts:?}");
    assert_eq!(texts[0], "label 5", "the action first");
    // A note far from the cursor loses to one near it.
    let far = [
        event(0, 0, 100, EventTag::Note),
        event(1, 0, 900, EventTag::Note),
    ];
    let mut crowded = Vec::from(far);
    for i in 2..6 {
        crowded.push(event(i, 0, 100 + i as u64, EventTag::Note));
    }
    let v = View {
        shown: 6,
        cursor: SimTime(100),
        ..View::default()
    };
    let marks = DiagramMarks::new(&g, &lanes(), &crowded, &[], &v);
    let first = &marks.event_labels[0];
    assert!(
        first.x < g.abs_x(SimTime(200)),
        "nearest the cursor first: {first:?}"
    );
    assert_eq!(
        marks.hit(g.abs_x(SimTime(105)), g.lane_y(0)),
        Some(Hit::Event(5)),
        "an unlabelled event is still found"
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

#[test]
fn a_collapsed_run_leaves_out_its_events_and_the_routine_notes_of_its_deliveries() {
    let g = geometry();
    let mut events = Vec::new();
    let mut arrows = Vec::new();
    for k in 0..6u32 {
        let t = 50 + 100 * u64::from(k);
        let mut send = event(events.len(), 0, t, EventTag::Send);
        send.msg = Some(MsgId(k));
        events.push(send);
        let mut deliver = event(events.len(), 1, t + 20, EventTag::Deliver);
        deliver.msg = Some(MsgId(k));
        events.push(deliver);
        let mut routine = event(events.len(), 1, t + 20, EventTag::Note);
        routine.minor = true;
        events.push(routine);
        arrows.push(arrow(k, t, ArrowEnd::Delivered(SimTime(t + 20))));
    }
    let v = View {
        shown: events.len(),
        collapse: Some(&[]),
        ..View::default()
    };
    let marks = DiagramMarks::new(&g, &lanes(), &events, &arrows, &v);
    assert_eq!(marks.repeats.len(), 1);
    assert!(marks.events.is_empty(), "{:?}", marks.events);
    assert!(marks.arrows.iter().all(|k| k.lines.is_empty()));
    let r = &marks.repeats[0];
    let middle = ((r.band.0 + r.band.2) / 2.0, (r.band.1 + r.band.3) / 2.0);
    assert_eq!(marks.hit(middle.0, middle.1), Some(Hit::Repeat(0)));
    assert!(marks.event_labels.iter().any(|l| l.text == "×6 ping"));
    // Every message drawn: the notes come back.
    let all = DiagramMarks::new(
        &g,
        &lanes(),
        &events,
        &arrows,
        &view(events.len(), Focus::None),
    );
    assert!(all.repeats.is_empty());
    assert!(all.events.iter().any(|s| s.class == "event note"));
}

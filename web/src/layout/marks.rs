//! The space-time diagram's marks, drawn in bulk: every event shape of one kind is one
//! SVG path, and every arrow of one kind is one path for its lines and one for its
//! heads. Playing moves the whole window past on every frame (at 10x a window holds
//! less than a frame's worth of run), so a frame sets a few long attributes instead of
//! creating and removing hundreds of elements. What an element did for itself, a
//! tooltip and a click target, [`DiagramMarks::hit`] does for the whole diagram: it
//! finds the event or arrow under the pointer.
//!
//! Coordinates are on the strip in absolute time (see [`DiagramGeometry::abs_x`]).

use std::collections::BTreeSet;

use playground_core::sim::causality::{Cone, Relation};
use playground_core::sim::run::{EventInfo, EventTag};
use playground_core::sim::time::SimTime;
use playground_core::sim::trace::MsgId;

use super::labels::{place, Rank, Rect, Taken, Wanted, CHAR_WIDTH};
use super::repeats::{self, Repeat, RepeatKey};
use super::shapes::{distance_to_segment, event_class, head, line, shape, short};
use super::{DiagramGeometry, Lanes};
use crate::model::{Arrow, ArrowEnd};

/// How near (in SVG units) the pointer must be to an event or an arrow to hit it.
const EVENT_REACH: f64 = 7.0;
const ARROW_REACH: f64 = 4.5;

/// An arrow head's length per unit of line width (the old marker's size).
const HEAD_PER_WIDTH: f64 = 6.0;

/// One kind of mark: its CSS classes and its path.
#[derive(Clone, Debug, PartialEq)]
pub struct Shape {
    /// CSS classes, e.g. `"event send future"`.
    pub class: String,
    /// The SVG path of every mark of this kind.
    pub d: String,
}

/// A piece of text on the diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// CSS class, if any.
    pub class: &'static str,
    /// Where it starts (or is centered, as its class says).
    pub x: f64,
    /// Its baseline.
    pub y: f64,
    /// The text.
    pub text: String,
}

/// The arrows of one kind (delivered, dropped, still in flight, lost; on the selected
/// path or not): lines, heads, the bars of time spent at their node, labels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ArrowKind {
    /// CSS classes of the group, e.g. `"arrow dropped on-path"`.
    pub class: String,
    /// Every line.
    pub lines: String,
    /// Every head (delivered and pending arrows).
    pub heads: String,
    /// Every bar of waiting and service at the receiver.
    pub bars: String,
    /// Labels and end marks ("✕ dropped").
    pub labels: Vec<Label>,
}

/// A run of repetitive messages drawn as one band between its two lanes.
#[derive(Clone, Debug, PartialEq)]
pub struct RepeatMark {
    /// The run.
    pub repeat: Repeat,
    /// Its band: from its first send to its last delivery, between its lanes.
    pub band: Rect,
    /// CSS classes, e.g. `"repeat future"`.
    pub class: String,
}

/// What the pointer is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    /// An event, by trace index.
    Event(usize),
    /// A message's arrow.
    Arrow(MsgId),
    /// A run of repetitive messages, by its index in [`DiagramMarks::repeats`].
    Repeat(usize),
}

/// Everything the diagram's plot draws, and where, for hit-testing.
#[derive(Debug, Default, PartialEq)]
pub struct DiagramMarks {
    /// Arrow groups, drawn first.
    pub arrows: Vec<ArrowKind>,
    /// Event shapes, one per kind (and whether it is after the cursor).
    pub events: Vec<Shape>,
    /// Event labels (the pattern's events and actions) that found a free place.
    pub event_labels: Vec<Label>,
    /// Each breach's label that found a place, by the trace index of its event.
    breach_labels: Vec<(usize, Label)>,
    /// Runs of repetitive messages drawn as one band each.
    pub repeats: Vec<RepeatMark>,
    /// The messages inside those runs (not drawn one by one).
    collapsed: BTreeSet<MsgId>,
    /// Each event drawn: trace index and position.
    points: Vec<(usize, f64, f64)>,
    /// Each arrow drawn: message and the segment it is drawn along.
    segments: Vec<(MsgId, [f64; 4])>,
}

/// The index of the group whose class is `base` followed by `extra` (`""` or a class
/// with its leading space), made by `make` from that class if missing.
fn group_of<T>(
    groups: &mut Vec<T>,
    (base, extra): (&str, &str),
    class_of: fn(&T) -> &str,
    make: fn(String) -> T,
) -> usize {
    let same = |g: &T| {
        let class = class_of(g);
        class.len() == base.len() + extra.len() && class.starts_with(base) && class.ends_with(extra)
    };
    match groups.iter().position(same) {
        Some(i) => i,
        None => {
            groups.push(make([base, extra].concat()));
            groups.len() - 1
        }
    }
}

/// What the diagram highlights: a request's path, or an event's causality.
#[derive(Clone, Copy, Default)]
pub enum Focus<'a> {
    /// Nothing.
    #[default]
    None,
    /// These messages (a request's path).
    Path(&'a BTreeSet<MsgId>),
    /// What happened before and after one event.
    Cone(&'a Cone),
}

impl Focus<'_> {
    /// The class an arrow gets (with its leading space), if highlighted.
    fn arrow(self, msg: MsgId) -> &'static str {
        match self {
            Focus::Path(p) if p.contains(&msg) => " on-path",
            Focus::Cone(c) => relation_class(c.message(msg)),
            _ => "",
        }
    }

    /// The class an event gets (with its leading space), if highlighted.
    fn event(self, index: usize) -> &'static str {
        match self {
            Focus::Cone(c) => relation_class(c.event(index)),
            _ => "",
        }
    }
}

fn relation_class(relation: Relation) -> &'static str {
    match relation {
        Relation::Concurrent => "",
        Relation::Before => " before",
        Relation::Chosen => " chosen",
        Relation::After => " after",
    }
}

/// What the marks are drawn for, besides the window: the present, the focus, breaches.
#[derive(Clone, Copy, Default)]
pub struct View<'a> {
    /// Trace events already shown: later ones are in the future.
    pub shown: usize,
    /// The cursor: labels near it are placed first.
    pub cursor: SimTime,
    /// What is highlighted.
    pub focus: Focus<'a>,
    /// Events that broke a property (their label goes first).
    pub breaches: &'a [usize],
    /// Whether runs of repetitive messages are drawn as one mark, and the runs a person
    /// expanded (`None`: every message drawn).
    pub collapse: Option<&'a [RepeatKey]>,
    /// Boxes labels keep off: the texts of the marks drawn across every lane (where
    /// compared runs part, where their outcomes first differ).
    pub reserved: &'a [Rect],
}

/// Where a placed label goes.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Slot {
    /// With the arrows of group `.0`; centered on its spot.
    Arrow(usize),
    /// With the event labels.
    Event,
    /// With the event labels, a run's count.
    Repeat,
    /// With the breach marks, for the event with this trace index.
    Breach(usize),
}

impl DiagramMarks {
    /// Lays out `events` and `arrows` in window `g` on `lanes`, for `view`.
    pub fn new(
        g: &DiagramGeometry,
        lanes: &Lanes,
        events: &[EventInfo],
        arrows: &[Arrow],
        view: &View<'_>,
    ) -> DiagramMarks {
        let mut marks = DiagramMarks::default();
        let cursor = g.abs_x(view.cursor);
        let mut wanted = Vec::new();
        if let Some(expanded) = view.collapse {
            marks.add_repeats(g, lanes, events, arrows, view, expanded, &mut wanted);
        }
        marks.add_arrows(g, arrows, view.focus, cursor, &mut wanted);
        marks.add_events(g, lanes, events, view, &mut wanted);
        // Labels keep off every event's mark, and off each other.
        let left = g.abs_x(g.start);
        let mut taken = Taken::new(left);
        for r in view.reserved {
            taken.take(*r);
        }
        for &(_, x, y) in &marks.points {
            taken.take(Rect(
                x - EVENT_REACH,
                y - EVENT_REACH,
                x + EVENT_REACH,
                y + EVENT_REACH,
            ));
        }
        for ((slot, mut label), x, y) in place(wanted, &mut taken, left, left + g.width) {
            label.y = y;
            label.x = x;
            match slot {
                Slot::Arrow(i) => {
                    label.x += label.text.chars().count() as f64 * CHAR_WIDTH / 2.0;
                    marks.arrows[i].labels.push(label);
                }
                Slot::Event | Slot::Repeat => marks.event_labels.push(label),
                Slot::Breach(index) => marks.breach_labels.push((index, label)),
            }
        }
        marks
    }

    /// Finds the runs of repetitive messages (see `layout/repeats.rs`) and draws each as
    /// a band with its count; their messages and events are then left out.
    #[allow(clippy::too_many_arguments)]
    fn add_repeats(
        &mut self,
        g: &DiagramGeometry,
        lanes: &Lanes,
        events: &[EventInfo],
        arrows: &[Arrow],
        view: &View<'_>,
        expanded: &[RepeatKey],
        wanted: &mut Vec<Wanted<(Slot, Label)>>,
    ) {
        // An arrow is in the future when one of its events is.
        let mut future = BTreeSet::new();
        let mut keep = BTreeSet::new();
        for e in events {
            let Some(msg) = e.msg else { continue };
            if e.index >= view.shown {
                future.insert(msg);
            }
        }
        // The chosen event's message stays drawn: its own, or the one whose delivery it
        // followed (a note made on the delivery's step).
        if let Focus::Cone(c) = view.focus {
            let at = events.iter().position(|e| e.index == c.chosen);
            let chosen = at.map(|i| &events[i]);
            let msg = chosen.and_then(|ch| {
                ch.msg.or_else(|| {
                    let before = events[..at?].iter().rev();
                    let mut same = before.take_while(|e| (e.node, e.time) == (ch.node, ch.time));
                    same.find_map(|e| e.msg)
                })
            });
            keep.extend(msg);
        }
        let class_of = |a: &Arrow| match (future.contains(&a.msg), view.focus.arrow(a.msg)) {
            (false, relation) => relation,
            (true, "") => " future",
            (true, " before") => " future before",
            (true, " after") => " future after",
            (true, _) => " future on-path",
        };
        let cursor = g.abs_x(view.cursor);
        for repeat in repeats::find(lanes, arrows, events, &class_of, &keep, expanded) {
            let (x0, x1) = (g.abs_x(repeat.first), g.abs_x(repeat.last));
            let (y0, y1) = (g.lane_y(repeat.key.0), g.lane_y(repeat.key.1));
            let band = Rect(x0, y0 + 3.0, x1.max(x0 + 6.0), y1 - 3.0);
            let text = format!("×{} {}", repeat.msgs.len(), short(&repeat.kinds, 14));
            let (cx, cy) = ((band.0 + band.2) / 2.0, (y0 + y1) / 2.0 + 4.0);
            let half = CHAR_WIDTH * text.chars().count() as f64 / 2.0;
            wanted.push(Wanted {
                rank: Rank::Repeat,
                distance: (cx - cursor).abs(),
                spots: vec![
                    (cx - half, cy),
                    (cx - half, cy - 14.0),
                    (cx - half, cy + 14.0),
                ],
                chars: text.chars().count(),
                item: (
                    Slot::Repeat,
                    Label {
                        class: "repeat-label",
                        x: 0.0,
                        y: 0.0,
                        text,
                    },
                ),
            });
            self.collapsed.extend(repeat.msgs.iter().copied());
            self.repeats.push(RepeatMark {
                class: ["repeat", repeat.class].concat(),
                repeat,
                band,
            });
        }
    }

    fn add_arrows(
        &mut self,
        g: &DiagramGeometry,
        arrows: &[Arrow],
        focus: Focus<'_>,
        cursor: f64,
        wanted: &mut Vec<Wanted<(Slot, Label)>>,
    ) {
        let left = g.abs_x(g.start);
        let right = left + g.width;
        let clamp_x = |x: f64| x.clamp(left - 4.0, right + 4.0);
        for a in arrows.iter().filter(|a| !self.collapsed.contains(&a.msg)) {
            let (x1, y1) = (g.abs_x(a.sent), g.lane_y(a.from_lane));
            let y2 = g.lane_y(a.to_lane);
            let extra = focus.arrow(a.msg);
            let on_path = !extra.is_empty();
            let (until, kind, mark) = match a.end {
                ArrowEnd::Delivered(t) => (t, "arrow", None),
                ArrowEnd::Dropped(t) => (t, "arrow dropped", Some("✕ dropped")),
                ArrowEnd::Pending(t) => (t, "arrow pending", None),
                ArrowEnd::Lost => (a.sent, "arrow lost", None),
            };
            let i = group_of(
                &mut self.arrows,
                (kind, extra),
                |k| &k.class,
                |class| ArrowKind {
                    class,
                    ..ArrowKind::default()
                },
            );
            let group = &mut self.arrows[i];
            let mut want = |rank, x: f64, spots: Vec<(f64, f64)>, text: String, class| {
                wanted.push(Wanted {
                    rank,
                    distance: (x - cursor).abs(),
                    spots,
                    chars: text.chars().count(),
                    item: (
                        Slot::Arrow(i),
                        Label {
                            class,
                            x: 0.0,
                            y: 0.0,
                            text,
                        },
                    ),
                });
            };
            if a.end == ArrowEnd::Lost {
                // A lost message: a short stub ending in a cross, a third of the way down.
                let (x2, y2) = (x1 + 18.0, y1 + (y2 - y1) / 3.0);
                line(&mut group.lines, x1, y1, x2, y2);
                let spots = vec![(x2, y2 + 4.0), (x2 + 4.0, y2 + 16.0)];
                want(Rank::Loss, x2, spots, "✕ lost".into(), "lost-mark");
                self.segments.push((a.msg, [x1, y1, x2, y2]));
                continue;
            }
            // Work that takes time: the arrow ends where the message reached its node,
            // and a bar on the lane shows the time it waited and was served until `until`.
            let x_end = g.abs_x(until);
            let x2 = a.arrived.map_or(x_end, |t| g.abs_x(t));
            if a.arrived.is_some() {
                line(&mut group.bars, clamp_x(x2), y2, clamp_x(x_end), y2);
            }
            // The label is centered on a point a third, a half or two thirds along.
            let text = short(&a.short, 16);
            let half = CHAR_WIDTH * text.chars().count() as f64 / 2.0;
            let spots = [3.0, 2.0, 1.5]
                .iter()
                .map(|d| (x1 + (x2 - x1) / d - half, y1 + (y2 - y1) / d + 4.0))
                .collect();
            let rank = if on_path {
                Rank::Focused
            } else {
                Rank::Message
            };
            want(rank, x1, spots, text, "");
            if let Some(mark) = mark {
                let spots = vec![(x_end, y2 - 6.0), (x_end, y2 + 16.0)];
                want(Rank::Loss, x_end, spots, mark.into(), "lost-mark");
            }
            let (cx1, cx2) = (clamp_x(x1), clamp_x(x2));
            line(&mut group.lines, cx1, y1, cx2, y2);
            if mark.is_none() {
                let width = if on_path { 2.6 } else { 1.3 };
                head(&mut group.heads, cx1, y1, cx2, y2, HEAD_PER_WIDTH * width);
            }
            self.segments.push((a.msg, [cx1, y1, cx2, y2]));
        }
    }

    fn add_events(
        &mut self,
        g: &DiagramGeometry,
        lanes: &Lanes,
        events: &[EventInfo],
        view: &View<'_>,
        wanted: &mut Vec<Wanted<(Slot, Label)>>,
    ) {
        let cursor = g.abs_x(view.cursor);
        // A collapsed message's events are left out, and so is the routine note its
        // delivery made (the same node at the same instant: "accepts heartbeat").
        let mut delivered = None;
        for e in events {
            let Some(node) = e.node.filter(|&n| lanes.shows(n)) else {
                continue;
            };
            if e.msg.is_some_and(|m| self.collapsed.contains(&m)) && e.tag != EventTag::Timer {
                delivered = (e.tag == EventTag::Deliver).then_some((node, e.time));
                continue;
            }
            if e.tag == EventTag::Note && e.minor && delivered == Some((node, e.time)) {
                continue;
            }
            let lane = lanes.lane_of(node);
            let (x, y) = (g.abs_x(e.time), g.lane_y(lane));
            let future = e.index >= view.shown;
            let relation = view.focus.event(e.index);
            let extra = match (future, relation) {
                (false, relation) => relation,
                (true, "") => " future",
                (true, " before") => " future before",
                (true, " after") => " future after",
                (true, _) => " future chosen",
            };
            let i = group_of(
                &mut self.events,
                (event_class(e.tag), extra),
                |s| &s.class,
                |class| Shape {
                    class,
                    d: String::new(),
                },
            );
            shape(&mut self.events[i].d, e.tag, x, y);
            self.points.push((e.index, x, y));
            if view.breaches.contains(&e.index) {
                let text = "⚠ broke a property".to_string();
                wanted.push(Wanted {
                    rank: Rank::Breach,
                    distance: 0.0,
                    spots: vec![(x + 9.0, y + 20.0), (x + 9.0, y - 11.0)],
                    chars: text.chars().count(),
                    item: (
                        Slot::Breach(e.index),
                        Label {
                            class: "",
                            x,
                            y,
                            text,
                        },
                    ),
                });
            }
            let chosen = relation == " chosen";
            let rank = match e.tag {
                _ if chosen => Rank::Chosen,
                _ if e.minor => continue,
                EventTag::Action => Rank::Action,
                EventTag::Note => Rank::Note,
                EventTag::Dropped | EventTag::Retired => Rank::Loss,
                _ => continue,
            };
            let text = short(e.label.split(" (").next().unwrap_or_default(), 30);
            let width = CHAR_WIDTH * text.chars().count() as f64;
            // Beside the mark: right above, right below, left above, left below.
            let (above, below) = (y - 11.0, y + 20.0);
            let (right, left) = (x + 9.0, x - 9.0 - width);
            wanted.push(Wanted {
                rank,
                distance: (x - cursor).abs(),
                spots: vec![(right, above), (right, below), (left, above), (left, below)],
                chars: text.chars().count(),
                item: (
                    Slot::Event,
                    Label {
                        class: if future {
                            "event-label future"
                        } else {
                            "event-label"
                        },
                        x,
                        y,
                        text,
                    },
                ),
            });
        }
    }

    /// Where the label of the breach at trace index `index` went, if it was placed.
    pub fn breach_label(&self, index: usize) -> Option<&Label> {
        self.breach_labels
            .iter()
            .find(|b| b.0 == index)
            .map(|b| &b.1)
    }

    /// Where an event was drawn, by trace index.
    pub fn event_at(&self, index: usize) -> Option<(f64, f64)> {
        self.points
            .iter()
            .find(|p| p.0 == index)
            .map(|&(_, x, y)| (x, y))
    }

    /// The segment an arrow was drawn along.
    pub fn arrow_at(&self, msg: MsgId) -> Option<[f64; 4]> {
        self.segments.iter().find(|s| s.0 == msg).map(|s| s.1)
    }

    /// The event (first) or arrow nearest to `(x, y)` within reach, if any.
    pub fn hit(&self, x: f64, y: f64) -> Option<Hit> {
        let nearest = |items: &mut dyn Iterator<Item = (Hit, f64)>, reach: f64| {
            items
                .filter(|(_, d)| *d <= reach)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(hit, _)| hit)
        };
        let mut events = self
            .points
            .iter()
            .map(|&(i, ex, ey)| (Hit::Event(i), (ex - x).hypot(ey - y)));
        let mut arrows = self
            .segments
            .iter()
            .map(|&(m, s)| (Hit::Arrow(m), distance_to_segment(x, y, s)));
        nearest(&mut events, EVENT_REACH)
            .or_else(|| nearest(&mut arrows, ARROW_REACH))
            .or_else(|| {
                let spot = Rect(x, y, x, y);
                let inside = |r: &Rect| Rect(r.0 - 2.0, r.1, r.2 + 2.0, r.3).overlaps(&spot);
                self.repeats
                    .iter()
                    .position(|r| inside(&r.band))
                    .map(Hit::Repeat)
            })
    }
}

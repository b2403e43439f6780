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
use std::fmt::Write;

use playground_core::sim::causality::{Cone, Relation};
use playground_core::sim::run::{EventInfo, EventTag};
use playground_core::sim::trace::MsgId;

use super::{DiagramGeometry, Lanes};
use crate::model::{Arrow, ArrowEnd};

/// Roughly how wide one character of a label is, in SVG units.
const LABEL_CHAR_WIDTH: f64 = 6.2;

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

/// What the pointer is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    /// An event, by trace index.
    Event(usize),
    /// A message's arrow.
    Arrow(MsgId),
}

/// Everything the diagram's plot draws, and where, for hit-testing.
#[derive(Debug, Default, PartialEq)]
pub struct DiagramMarks {
    /// Arrow groups, drawn first.
    pub arrows: Vec<ArrowKind>,
    /// Event shapes, one per kind (and whether it is after the cursor).
    pub events: Vec<Shape>,
    /// Event labels (the pattern's events and actions).
    pub event_labels: Vec<Label>,
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

/// `text`, cut to `max` characters with an ellipsis.
pub fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max - 1).collect();
        cut.push('…');
        cut
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

impl DiagramMarks {
    /// Lays out `events` and `arrows` in window `g` on `lanes`; events at or after trace
    /// index `shown` are in the future, and what `focus` picks is highlighted.
    pub fn new(
        g: &DiagramGeometry,
        lanes: &Lanes,
        events: &[EventInfo],
        arrows: &[Arrow],
        shown: usize,
        focus: Focus<'_>,
    ) -> DiagramMarks {
        let mut marks = DiagramMarks::default();
        marks.add_arrows(g, arrows, focus);
        marks.add_events(g, lanes, events, shown, focus);
        marks
    }

    fn add_arrows(&mut self, g: &DiagramGeometry, arrows: &[Arrow], focus: Focus<'_>) {
        let left = g.abs_x(g.start);
        let right = left + g.width;
        let clamp_x = |x: f64| x.clamp(left - 4.0, right + 4.0);
        // Arrow labels sit a third of the way along; one that would overprint an earlier
        // label is left out (the arrow keeps its tooltip).
        let mut placed: Vec<(f64, f64, f64)> = Vec::new();
        for a in arrows {
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
            if a.end == ArrowEnd::Lost {
                // A lost message: a short stub ending in a cross, a third of the way down.
                let (x2, y2) = (x1 + 18.0, y1 + (y2 - y1) / 3.0);
                line(&mut group.lines, x1, y1, x2, y2);
                group.labels.push(Label {
                    class: "lost-mark",
                    x: x2,
                    y: y2 + 4.0,
                    text: "✕ lost".into(),
                });
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
            let (lx, ly) = (x1 + (x2 - x1) / 3.0, y1 + (y2 - y1) / 3.0);
            let text = short(&a.short, 16);
            let half = LABEL_CHAR_WIDTH * 0.8 * text.chars().count() as f64 / 2.0;
            let inside = lx - half > left && lx + half < right;
            let free = placed
                .iter()
                .all(|&(a0, a1, y)| (y - ly).abs() > 11.0 || lx + half < a0 || lx - half > a1);
            if inside && free {
                placed.push((lx - half - 2.0, lx + half + 2.0, ly));
                group.labels.push(Label {
                    class: "",
                    x: lx,
                    y: ly + 3.0,
                    text,
                });
            }
            if let Some(mark) = mark {
                group.labels.push(Label {
                    class: "lost-mark",
                    x: x_end,
                    y: y2 - 6.0,
                    text: mark.into(),
                });
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
        shown: usize,
        focus: Focus<'_>,
    ) {
        // Labels alternate above and below their lane; a label that would overprint the
        // previous one on its row is left out (the event keeps its tooltip).
        let mut labelled_per_lane = vec![0usize; lanes.len()];
        let mut row_ends = vec![[f64::NEG_INFINITY; 2]; lanes.len()];
        for e in events {
            let Some(node) = e.node else { continue };
            let lane = lanes.lane_of(node);
            let (x, y) = (g.abs_x(e.time), g.lane_y(lane));
            let future = e.index >= shown;
            let extra = match (future, focus.event(e.index)) {
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
            let labelled = matches!(
                e.tag,
                EventTag::Note | EventTag::Action | EventTag::Dropped | EventTag::Retired
            );
            if !labelled || e.minor {
                continue;
            }
            let text = short(e.label.split(" (").next().unwrap_or_default(), 30);
            let (Some(count), Some(rows)) =
                (labelled_per_lane.get_mut(lane), row_ends.get_mut(lane))
            else {
                continue;
            };
            let below = *count % 2 == 1;
            let row = &mut rows[usize::from(below)];
            if x + 5.0 > *row + 4.0 {
                *row = x + 5.0 + LABEL_CHAR_WIDTH * text.chars().count() as f64;
                *count += 1;
                self.event_labels.push(Label {
                    class: if future {
                        "event-label future"
                    } else {
                        "event-label"
                    },
                    x: x + 5.0,
                    y: if below { y + 17.0 } else { y - 8.0 },
                    text,
                });
            }
        }
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
        nearest(&mut events, EVENT_REACH).or_else(|| nearest(&mut arrows, ARROW_REACH))
    }
}

/// How far `(x, y)` is from the segment `[x1, y1, x2, y2]`.
pub fn distance_to_segment(x: f64, y: f64, [x1, y1, x2, y2]: [f64; 4]) -> f64 {
    let (dx, dy) = (x2 - x1, y2 - y1);
    let length = dx * dx + dy * dy;
    let t = if length == 0.0 {
        0.0
    } else {
        (((x - x1) * dx + (y - y1) * dy) / length).clamp(0.0, 1.0)
    };
    (x - x1 - t * dx).hypot(y - y1 - t * dy)
}

fn line(d: &mut String, x1: f64, y1: f64, x2: f64, y2: f64) {
    let _ = write!(d, "M{x1:.1} {y1:.1}L{x2:.1} {y2:.1}");
}

/// A filled triangle `size` long whose tip is the end of the line.
fn head(d: &mut String, x1: f64, y1: f64, x2: f64, y2: f64, size: f64) {
    let (dx, dy) = (x2 - x1, y2 - y1);
    let length = dx.hypot(dy);
    if length < 1.0 {
        return;
    }
    let (ux, uy) = (dx / length * size, dy / length * size);
    let (bx, by) = (x2 - ux, y2 - uy);
    let _ = write!(
        d,
        "M{x2:.1} {y2:.1}L{:.1} {:.1}L{:.1} {:.1}z",
        bx - uy / 2.0,
        by + ux / 2.0,
        bx + uy / 2.0,
        by - ux / 2.0
    );
}

/// One event's shape at `(x, y)`.
fn shape(d: &mut String, tag: EventTag, x: f64, y: f64) {
    let _ = match tag {
        // A diamond (a square of 10 turned by 45°).
        EventTag::Note => write!(d, "M{x:.1} {:.1}l7.1 7.1l-7.1 7.1l-7.1-7.1z", y - 7.1),
        EventTag::Action => write!(d, "M{:.1} {:.1}h12v12h-12z", x - 6.0, y - 6.0),
        EventTag::Dropped | EventTag::Lost | EventTag::Cut => {
            write!(d, "M{:.1} {:.1}l8 8m0-8l-8 8", x - 4.0, y - 4.0)
        }
        EventTag::Retired => write!(d, "M{:.1} {:.1}h4v18h-4z", x - 2.0, y - 9.0),
        EventTag::Arrive => write!(d, "M{x:.1} {:.1}l4 4l-4 4l-4-4z", y - 4.0),
        _ => {
            let r = if tag == EventTag::Deliver { 5.0 } else { 3.5 };
            write!(
                d,
                "M{:.1} {y:.1}a{r} {r} 0 1 0 {} 0a{r} {r} 0 1 0 -{} 0z",
                x - r,
                2.0 * r,
                2.0 * r
            )
        }
    };
}

/// The CSS classes of an event's kind.
fn event_class(tag: EventTag) -> &'static str {
    match tag {
        EventTag::Start => "event start",
        EventTag::Send => "event send",
        EventTag::Lost => "event lost",
        EventTag::Cut => "event cut",
        EventTag::Deliver => "event deliver",
        EventTag::Arrive => "event arrive",
        EventTag::Retired => "event retired",
        EventTag::Dropped => "event dropped",
        EventTag::Timer => "event timer",
        EventTag::Action => "event action",
        EventTag::Note => "event note",
    }
}

/// What an arrow's tooltip adds to its payload about how it ended.
pub fn arrow_note(end: ArrowEnd) -> &'static str {
    match end {
        ArrowEnd::Delivered(_) => "",
        ArrowEnd::Dropped(_) => " (dropped)",
        ArrowEnd::Pending(_) => " (still in flight at the end)",
        ArrowEnd::Lost => " (lost in the network or cut by a partition)",
    }
}

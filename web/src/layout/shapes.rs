//! The diagram's shapes as SVG path text: lines, arrow heads, each kind of event's
//! mark and CSS classes, shared by the marks and the legend; and the small text helpers.

use std::fmt::Write;

use playground_core::sim::run::EventTag;

use crate::model::ArrowEnd;

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

/// A straight line from `(x1, y1)` to `(x2, y2)`.
pub fn line(d: &mut String, x1: f64, y1: f64, x2: f64, y2: f64) {
    let _ = write!(d, "M{x1:.1} {y1:.1}L{x2:.1} {y2:.1}");
}

/// A filled triangle `size` long whose tip is the end of the line.
pub fn head(d: &mut String, x1: f64, y1: f64, x2: f64, y2: f64, size: f64) {
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
pub fn shape(d: &mut String, tag: EventTag, x: f64, y: f64) {
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
pub fn event_class(tag: EventTag) -> &'static str {
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

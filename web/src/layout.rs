//! Layout math for the views, in plain Rust so it is unit-tested natively.
//!
//! The stage places a small flat run's nodes so that no link passes through another node
//! (`layout/flat.rs`); a run with groups or many nodes is packed into nested boxes
//! ([`StageLayout`], in `layout/stage.rs`). A message moves along the straight line from
//! sender to receiver by its progress. The
//! space-time diagram maps a window of virtual time onto the x axis and gives each node a
//! lane on the y axis; only events inside the window are drawn.

use playground_core::sim::time::SimTime;

#[cfg(test)]
mod catalog_tests;
mod flat;
pub mod labels;
mod lanes;
pub mod marks;
#[cfg(test)]
mod marks_tests;
mod pack;
pub mod repeats;
pub mod shapes;
mod stage;
#[cfg(test)]
mod stage_tests;

pub use lanes::{Band, Lane, Lanes};
pub use stage::{
    fit_chars, fit_middle, headline_chars_across, GroupBox, Scale, Spot, StageLayout, FULL_MAX,
    MEDIUM_MAX,
};

/// A point in SVG user units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Horizontal, growing to the right.
    pub x: f64,
    /// Vertical, growing downwards.
    pub y: f64,
}

/// Stage size in SVG user units (the SVG scales to its box).
pub const STAGE_WIDTH: f64 = 720.0;
/// Stage width in SVG user units on a phone-narrow screen: no wider than the stage is
/// drawn on a 390 px phone (with a scroll bar beside it), so its text is drawn at least
/// at its own size.
pub const PHONE_STAGE_WIDTH: f64 = 330.0;
/// Half the width of a node's box on the stage.
pub const NODE_HALF_WIDTH: f64 = 72.0;
/// Half the height of a node's box on the stage.
pub const NODE_HALF_HEIGHT: f64 = 28.0;

/// How far from a box's center its edge is, in the direction `(ux, uy)` (a unit vector).
fn to_edge(half_w: f64, half_h: f64, ux: f64, uy: f64) -> f64 {
    let across = if ux.abs() > 1e-9 {
        half_w / ux.abs()
    } else {
        f64::INFINITY
    };
    let down = if uy.abs() > 1e-9 {
        half_h / uy.abs()
    } else {
        f64::INFINITY
    };
    across.min(down)
}

/// The point `permille` thousandths of the way from `from` to `to` (full-size node boxes),
/// running from the edge of one box to the edge of the other's, so a message is never
/// hidden under a node.
pub fn along(from: Point, to: Point, permille: u16) -> Point {
    let spot = |center| Spot {
        center,
        half_w: NODE_HALF_WIDTH,
        half_h: NODE_HALF_HEIGHT,
    };
    along_spots(spot(from), spot(to), permille)
}

/// The point `permille` thousandths of the way from box `a` to box `b`, from the edge of
/// one to the edge of the other.
pub fn along_spots(a: Spot, b: Spot, permille: u16) -> Point {
    let (from, to) = (a.center, b.center);
    let (dx, dy) = (to.x - from.x, to.y - from.y);
    let length = (dx * dx + dy * dy).sqrt();
    let middle = Point {
        x: (from.x + to.x) / 2.0,
        y: (from.y + to.y) / 2.0,
    };
    if length < 1e-9 {
        return middle;
    }
    let (ux, uy) = (dx / length, dy / length);
    let start = to_edge(a.half_w, a.half_h, ux, uy);
    let end = to_edge(b.half_w, b.half_h, ux, uy);
    if length <= start + end {
        return middle;
    }
    let usable = length - start - end;
    let distance = start + usable * f64::from(permille.min(1000)) / 1000.0;
    Point {
        x: from.x + ux * distance,
        y: from.y + uy * distance,
    }
}

/// Where a message's label goes (its text's baseline), with the message drawn at `p`:
/// above the dot, else below it, wherever it covers none of `obstacles` (every node's
/// box with its caption and badge, [`StageLayout::footprints`]) and stays on a stage
/// `width` wide; `None` when neither place is clear (the dot's tooltip still names it).
pub fn message_label_y(p: Point, chars: usize, obstacles: &[Spot], width: f64) -> Option<f64> {
    [p.y - 11.0, p.y + 21.0].into_iter().find(|&baseline| {
        let label = message_label_box(p.x, baseline, chars);
        label.left() >= 0.0
            && label.left() + 2.0 * label.half_w <= width
            && obstacles.iter().all(|o| !label.overlaps(o))
    })
}

/// The box a message's label of `chars` characters takes, centered on `x` with its
/// baseline at `baseline` (11 px monospace: 6.62 units a character, 12 units tall).
pub fn message_label_box(x: f64, baseline: f64, chars: usize) -> Spot {
    Spot {
        center: Point {
            x,
            y: baseline - 4.0,
        },
        half_w: chars as f64 * 3.31,
        half_h: 6.0,
    }
}

/// How far apart the brackets of nested groups sit in the diagram's label column.
const BRACKET_STEP: f64 = 6.0;

/// The diagram's geometry: a window of virtual time across, one lane per node down.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DiagramGeometry {
    /// First instant shown.
    pub start: SimTime,
    /// Microseconds shown across the plot.
    pub span_us: u64,
    /// Left edge of the plot (lane labels sit to its left).
    pub left: f64,
    /// Width of the plot.
    pub width: f64,
    /// Height of one lane.
    pub lane_height: f64,
    /// Space above the first lane (for the time axis).
    pub top: f64,
}

impl DiagramGeometry {
    /// Total width before the diagram's box is measured, in CSS pixels.
    pub const TOTAL_WIDTH: f64 = 780.0;
    /// The narrowest diagram laid out (a narrower box scrolls it sideways).
    pub const MIN_WIDTH: f64 = 300.0;
    /// Width of the lane-label column.
    pub const LABEL_WIDTH: f64 = 56.0;

    /// A window of `span_us` that keeps `cursor` in view at two thirds of the width, but
    /// never starts before zero or runs past `end` when the run is longer than the window.
    pub fn following(cursor: SimTime, span_us: u64, end: SimTime) -> DiagramGeometry {
        let span_us = span_us.max(1);
        let wanted = cursor.as_micros().saturating_sub(span_us * 2 / 3);
        let latest = end.as_micros().saturating_sub(span_us);
        DiagramGeometry {
            start: SimTime(wanted.min(latest)),
            span_us,
            left: Self::LABEL_WIDTH,
            width: Self::TOTAL_WIDTH - Self::LABEL_WIDTH - 8.0,
            lane_height: 46.0,
            top: 22.0,
        }
    }

    /// The geometry fitted to `lanes`: a label column wide enough for their headers
    /// (and the group brackets), and lanes that thin out as they grow past a dozen, so
    /// 200 lanes stay a page or two tall.
    pub fn for_lanes(self, lanes: &Lanes) -> DiagramGeometry {
        let brackets = lanes.bands.iter().map(|b| b.depth + 1).max().unwrap_or(0);
        let label = (lanes.widest() as f64 * 7.6 + 14.0 + brackets as f64 * BRACKET_STEP)
            .clamp(Self::LABEL_WIDTH, 150.0);
        let lane_height = (720.0 / lanes.len().max(1) as f64).clamp(22.0, 52.0);
        DiagramGeometry {
            left: label,
            width: Self::TOTAL_WIDTH - label - 8.0,
            lane_height,
            ..self
        }
    }

    /// The geometry laid out for a diagram `total` CSS pixels wide (its box's measured
    /// width, at least [`MIN_WIDTH`](Self::MIN_WIDTH)): one unit is one pixel, so its
    /// text is drawn at its true size whatever the screen.
    pub fn fit_width(self, total: f64) -> DiagramGeometry {
        let total = total.max(Self::MIN_WIDTH);
        DiagramGeometry {
            width: (total - self.left - 8.0).max(1.0),
            ..self
        }
    }

    /// The whole width: label column, plot and margin.
    pub fn total_width(&self) -> f64 {
        self.left + self.width + 8.0
    }

    /// The x coordinate of a group bracket `depth` groups deep, in the label column.
    pub fn bracket_x(&self, depth: usize) -> f64 {
        4.0 + depth as f64 * BRACKET_STEP
    }

    /// The window moved to start at `start`.
    pub fn starting_at(self, start: SimTime) -> DiagramGeometry {
        DiagramGeometry { start, ..self }
    }

    /// The instant just past the window.
    pub fn end(&self) -> SimTime {
        self.start.plus_micros(self.span_us)
    }

    /// The x coordinate of `t` (outside the plot when `t` is outside the window).
    pub fn x(&self, t: SimTime) -> f64 {
        self.abs_x(t) + self.offset()
    }

    /// The x coordinate of `t` on a strip that starts at time zero: what moves with the
    /// window is only [`offset`](Self::offset), so panning shifts one group instead of
    /// moving every element.
    pub fn abs_x(&self, t: SimTime) -> f64 {
        t.as_micros() as f64 * self.width / self.span_us as f64
    }

    /// How far the strip is shifted so the window's start sits at the plot's left edge.
    pub fn offset(&self) -> f64 {
        self.left - self.abs_x(self.start)
    }

    /// The virtual time at x coordinate `x`, clamped to the window.
    pub fn time_at(&self, x: f64) -> SimTime {
        let fraction = ((x - self.left) / self.width).clamp(0.0, 1.0);
        self.start
            .plus_micros((fraction * self.span_us as f64).round() as u64)
    }

    /// The y coordinate of lane `lane`'s center line.
    pub fn lane_y(&self, lane: usize) -> f64 {
        self.top + self.lane_height * (lane as f64 + 0.5)
    }

    /// Total height for `lanes` lanes.
    pub fn height(&self, lanes: usize) -> f64 {
        self.top + self.lane_height * lanes as f64 + 6.0
    }

    /// Whether `t` is inside the window.
    pub fn shows(&self, t: SimTime) -> bool {
        self.start <= t && t < self.end()
    }

    /// Grid ticks with their labels: a round step giving a tick per 120 pixels or so
    /// (two to six across the window), so the 11–12 px labels never run together; a
    /// step of whole milliseconds is labelled in whole milliseconds ("1850ms").
    pub fn ticks(&self) -> Vec<(SimTime, String)> {
        let count = (self.width / 120.0).clamp(2.0, 6.0) as u64;
        let rough = (self.span_us / count).max(1);
        let magnitude = 10u64.pow(rough.ilog10());
        let step = [1, 2, 5, 10]
            .into_iter()
            .map(|m| m * magnitude)
            .find(|s| *s >= rough)
            .unwrap_or(10 * magnitude);
        let first = self.start.as_micros().div_ceil(step) * step;
        (0..)
            .map(|i| SimTime(first + i * step))
            .take_while(|t| *t < self.end())
            .map(|t| {
                let label = if step % 1_000 == 0 {
                    format!("{}ms", t.as_micros() / 1_000)
                } else {
                    t.to_string()
                };
                (t, label)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_message_label_never_covers_its_ends() {
        let spot = |x: f64, y: f64| Spot {
            center: Point { x, y },
            half_w: 60.0,
            half_h: 27.0,
        };
        let (top, bottom) = (spot(200.0, 50.0), spot(200.0, 200.0));
        // Going up, just below the upper box: above would cover it, so below.
        let near_top = along_spots(bottom, top, 990);
        let y = message_label_y(near_top, 15, &[bottom, top], 400.0).unwrap();
        assert!(y > near_top.y, "{y} below {near_top:?}");
        // Half way, above is clear.
        let middle = along_spots(bottom, top, 500);
        assert_eq!(
            message_label_y(middle, 15, &[bottom, top], 400.0),
            Some(middle.y - 11.0)
        );
        // A third node's caption beside the path, just above the dot: below instead.
        let caption = Spot {
            center: Point {
                x: middle.x + 40.0,
                y: middle.y - 12.0,
            },
            half_w: 30.0,
            half_h: 6.0,
        };
        assert_eq!(
            message_label_y(middle, 15, &[bottom, top, caption], 400.0),
            Some(middle.y + 21.0)
        );
        // Off the stage's edge: no label there.
        assert_eq!(message_label_y(middle, 15, &[bottom, top], 240.0), None);
        // Boxes so close that neither place is clear: no label.
        let (a, b) = (spot(200.0, 50.0), spot(200.0, 112.0));
        let squeezed = along_spots(a, b, 500);
        assert_eq!(message_label_y(squeezed, 15, &[a, b], 400.0), None);
    }

    use super::*;

    #[test]
    fn messages_travel_between_the_node_circles() {
        let (a, b) = (Point { x: 0.0, y: 0.0 }, Point { x: 200.0, y: 0.0 });
        let below = Point { x: 0.0, y: 100.0 };
        assert_eq!(
            along(a, below, 0),
            Point {
                x: 0.0,
                y: NODE_HALF_HEIGHT
            }
        );
        assert_eq!(
            along(a, b, 0),
            Point {
                x: NODE_HALF_WIDTH,
                y: 0.0
            }
        );
        assert_eq!(
            along(a, b, 1000),
            Point {
                x: 200.0 - NODE_HALF_WIDTH,
                y: 0.0
            }
        );
        assert_eq!(along(a, b, 500).x, 100.0);
        assert_eq!(along(a, a, 300), a, "a message to itself stays put");
    }

    #[test]
    fn the_window_follows_the_cursor_within_the_run() {
        let g = DiagramGeometry::following(SimTime(9_000), 3_000, SimTime(50_000));
        assert_eq!(g.start, SimTime(7_000));
        assert!(g.shows(SimTime(9_000)));
        let early = DiagramGeometry::following(SimTime(500), 3_000, SimTime(50_000));
        assert_eq!(early.start, SimTime::ZERO);
        let late = DiagramGeometry::following(SimTime(50_000), 3_000, SimTime(50_000));
        assert_eq!(late.start, SimTime(47_000));
    }

    #[test]
    fn x_and_time_at_are_inverse() {
        let g = DiagramGeometry::following(SimTime(20_000), 10_000, SimTime(100_000));
        for t in [g.start, SimTime(15_000), SimTime(20_000)] {
            assert_eq!(g.time_at(g.x(t)), t);
        }
        assert_eq!(g.x(g.start), g.left);
        assert_eq!(g.abs_x(SimTime(15_000)) + g.offset(), g.x(SimTime(15_000)));
        assert_eq!(g.time_at(-50.0), g.start);
    }

    #[test]
    fn lanes_stack_downwards() {
        let g = DiagramGeometry::following(SimTime::ZERO, 1_000, SimTime(1_000));
        assert!(g.lane_y(0) < g.lane_y(1));
        assert!(g.height(4) > g.lane_y(3));
    }

    #[test]
    fn a_fitted_diagram_is_as_wide_as_its_box_in_pixels() {
        let g = DiagramGeometry::following(SimTime(5_000), 10_000, SimTime(50_000))
            .for_lanes(&Lanes::default());
        for total in [340.0, 720.0, 1200.0] {
            let fitted = g.fit_width(total);
            assert_eq!(fitted.total_width(), total);
            assert_eq!(fitted.left, g.left, "the label column keeps its width");
            assert_eq!(fitted.time_at(fitted.x(SimTime(6_000))), SimTime(6_000));
        }
        assert_eq!(g.fit_width(120.0).total_width(), DiagramGeometry::MIN_WIDTH);
    }

    #[test]
    fn lanes_are_tall_enough_for_a_label_above_and_below() {
        let lanes = |n: usize| Lanes {
            lanes: vec![
                Lane {
                    name: "n1".into(),
                    group: None
                };
                n
            ],
            of_node: (0..n).collect(),
            bands: Vec::new(),
        };
        let g = DiagramGeometry::following(SimTime::ZERO, 1_000, SimTime(1_000));
        assert!(g.for_lanes(&lanes(4)).lane_height >= 46.0);
        assert!(
            g.for_lanes(&lanes(200)).lane_height >= 22.0,
            "12 px names stay apart"
        );
    }

    #[test]
    fn ticks_are_round_and_inside_the_window() {
        let g = DiagramGeometry::following(SimTime(12_345), 30_000, SimTime(100_000));
        let ticks: Vec<SimTime> = g.ticks().into_iter().map(|t| t.0).collect();
        assert!((3..=8).contains(&ticks.len()), "{ticks:?}");
        assert!(ticks
            .iter()
            .all(|t| g.shows(*t) && t.as_micros() % 5_000 == 0));
        // On a phone's width, fewer ticks whose labels (12 px, about 7.2 px a character)
        // stay apart.
        let narrow = g.fit_width(340.0);
        let ticks = narrow.ticks();
        assert!((2..=3).contains(&ticks.len()), "{ticks:?}");
        assert_eq!(ticks[1].1, "20ms");
        for pair in ticks.windows(2) {
            let gap = narrow.x(pair[1].0) - narrow.x(pair[0].0);
            assert!(gap > 7.2 * pair[0].1.len() as f64 + 8.0, "{pair:?}");
        }
    }
}

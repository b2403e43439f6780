//! Small pictures a pattern draws for one instant (a hash ring with its keys, a key-space
//! heat map, bars against a limit): marks in the plot's own integer coordinates, which a
//! UI scales to its box. Like a [`Table`](super::snapshot::Table), a plot is plain data.

/// How a plot's coordinates map onto the picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlotShape {
    /// x and y axes at right angles.
    Axes,
    /// x goes once around a circle (a hash ring), clockwise from the top; y is the
    /// distance from the centre, `y.max` on the circle.
    Ring,
}

/// One axis: its range and its label (with the unit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlotAxis {
    /// What it measures, with the unit, e.g. "key" or "requests/s".
    pub label: String,
    /// The lowest value shown.
    pub min: i64,
    /// The highest value shown.
    pub max: i64,
    /// Where to mark the axis, with what text; empty for round numbers chosen by the UI.
    pub ticks: Vec<(i64, String)>,
}

impl PlotAxis {
    /// An axis from `min` to `max` with round ticks.
    pub fn new(label: &str, min: i64, max: i64) -> PlotAxis {
        PlotAxis {
            label: label.to_string(),
            min,
            max,
            ticks: Vec::new(),
        }
    }
}

/// What a mark looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkShape {
    /// A short line across the axis at `x` (on a ring: a radial tick on the circle).
    Tick,
    /// A filled dot at (`x`, `y`) in its series' colour.
    Dot,
    /// A dot with a dark ring around it: one that stands out (a key that moved).
    Ringed,
    /// A heat cell from (`x`, `y`) spanning `w` × `h`, its colour from `v` (0 is blank)
    /// against the plot's highest `v`.
    Cell,
    /// A bar from 0 to `y`, `w` wide from `x`, in its series' colour.
    Bar,
    /// A point of its series' line (the series' points are joined in order).
    Point,
    /// A dashed level at `y` from `x` to `x + w`: a limit such as a capacity.
    Limit,
}

/// One mark of a plot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlotMark {
    /// What it looks like.
    pub shape: MarkShape,
    /// Its series (its colour and legend entry).
    pub series: u16,
    /// Where it is.
    pub x: i64,
    /// Where it is.
    pub y: i64,
    /// How wide (cells, bars, limits).
    pub w: i64,
    /// How high (cells).
    pub h: i64,
    /// Its value (cells).
    pub v: i64,
}

impl PlotMark {
    /// A mark of `shape` in `series` at (`x`, `y`), of no size.
    pub fn at(shape: MarkShape, series: u16, x: i64, y: i64) -> PlotMark {
        PlotMark {
            shape,
            series,
            x,
            y,
            w: 0,
            h: 0,
            v: 0,
        }
    }
}

/// A picture for one instant, with its legend and the figures written beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plot {
    /// What it shows, e.g. "The hash ring".
    pub title: String,
    /// One or two sentences on how to read it.
    pub caption: String,
    /// Axes or a ring.
    pub shape: PlotShape,
    /// The horizontal axis (around the ring).
    pub x: PlotAxis,
    /// The vertical axis (from the ring's centre).
    pub y: PlotAxis,
    /// The series' names, in colour order (the legend).
    pub series: Vec<String>,
    /// What a heat cell's value counts, e.g. "requests/s" (empty without cells).
    pub heat_unit: String,
    /// The marks, drawn in order.
    pub marks: Vec<PlotMark>,
    /// Figures written beside it (label, text).
    pub notes: Vec<(String, String)>,
}

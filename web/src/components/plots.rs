//! The pattern's plots for the instant shown (for sharding: the hash ring or range bar,
//! the key-space heat map, throughput per shard), drawn as the core gives them: marks in
//! the plot's coordinates scaled to the picture, each kind of mark of one series as one
//! SVG path, a legend, and the figures the pattern writes beside it.

use std::fmt::Write;
use std::rc::Rc;

use playground_core::sim::plot::{MarkShape, Plot, PlotAxis, PlotMark, PlotShape};
use yew::prelude::*;

use super::charts::{heat_level, number, y_ticks, HeatLegend, HEAT_COLOURS};

/// Picture width and height in SVG units.
const WIDTH: f64 = 400.0;
const HEIGHT: f64 = 230.0;
/// Margins of a plot with axes: left (y labels), right, top, bottom (x labels).
const LEFT: f64 = 44.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 30.0;
/// Series colours, in order (a shard each), distinct for twelve.
const PALETTE: [&str; 12] = [
    "#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777",
    "#4b5563", "#65a30d", "#7c2d12", "#1e3a8a",
];

fn colour(series: u16) -> &'static str {
    PALETTE[series as usize % PALETTE.len()]
}

/// What the plots panel shows.
#[derive(Properties, PartialEq)]
pub struct PlotsProps {
    /// The plots, in the pattern's order; the panel is absent when there are none.
    pub plots: Rc<Vec<Plot>>,
}

/// Maps plot coordinates to the picture.
struct Scale<'a> {
    plot: &'a Plot,
}

impl Scale<'_> {
    fn fraction(axis: &PlotAxis, v: i64) -> f64 {
        (v - axis.min) as f64 / (axis.max - axis.min).max(1) as f64
    }

    /// The point of (`x`, `y`).
    fn point(&self, x: i64, y: i64) -> (f64, f64) {
        let (fx, fy) = (
            Scale::fraction(&self.plot.x, x),
            Scale::fraction(&self.plot.y, y),
        );
        match self.plot.shape {
            PlotShape::Ring => {
                let (cx, cy, r) = ring_frame();
                let angle = fx * std::f64::consts::TAU;
                (cx + r * fy * angle.sin(), cy - r * fy * angle.cos())
            }
            PlotShape::Axes => (
                LEFT + (WIDTH - LEFT - RIGHT) * fx.clamp(0.0, 1.0),
                TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - fy.clamp(0.0, 1.0)),
            ),
        }
    }
}

/// The ring's centre and radius (a ring's picture is `HEIGHT` square).
fn ring_frame() -> (f64, f64, f64) {
    (HEIGHT / 2.0, HEIGHT / 2.0, HEIGHT / 2.0 - 20.0)
}

/// Round ticks from `min` to `max`.
fn round_ticks(axis: &PlotAxis) -> Vec<(i64, String)> {
    if !axis.ticks.is_empty() {
        return axis.ticks.clone();
    }
    let span = (axis.max - axis.min).max(1) as f64;
    let step = y_ticks(span).get(1).copied().unwrap_or(span).max(1.0) as i64;
    let first = axis.min.div_euclid(step) * step + if axis.min % step == 0 { 0 } else { step };
    (0..)
        .map(|i| first + i * step)
        .take_while(|&v| v <= axis.max)
        .map(|v| (v, number(v as f64)))
        .collect()
}

/// The path of every mark of one shape and series.
fn path_of(scale: &Scale, marks: &[&PlotMark]) -> String {
    let mut d = String::with_capacity(marks.len() * 24);
    let plot = scale.plot;
    for m in marks {
        let (x, y) = scale.point(m.x, m.y);
        let _ = match (m.shape, plot.shape) {
            (MarkShape::Tick, PlotShape::Ring) => {
                let (cx, cy, _) = ring_frame();
                let (dx, dy) = (x - cx, y - cy);
                let len = (dx * dx + dy * dy).sqrt().max(1.0);
                let (ux, uy) = (dx / len, dy / len);
                write!(
                    d,
                    "M{:.1} {:.1}L{:.1} {:.1}",
                    x - 5.0 * ux,
                    y - 5.0 * uy,
                    x + 7.0 * ux,
                    y + 7.0 * uy
                )
            }
            (MarkShape::Tick, PlotShape::Axes) => {
                write!(d, "M{x:.1} {TOP}V{:.1}", HEIGHT - BOTTOM)
            }
            (MarkShape::Dot | MarkShape::Ringed | MarkShape::Point, _) => {
                write!(
                    d,
                    "M{:.1} {y:.1}a2.2 2.2 0 1 0 4.4 0a2.2 2.2 0 1 0 -4.4 0",
                    x - 2.2
                )
            }
            (MarkShape::Bar | MarkShape::Cell, _) => {
                let (x1, y1) = scale.point(
                    m.x + m.w,
                    if m.shape == MarkShape::Bar {
                        0
                    } else {
                        m.y + m.h
                    },
                );
                write!(d, "M{x:.1} {y:.1}H{x1:.1}V{y1:.1}H{x:.1}Z")
            }
            (MarkShape::Limit, _) => {
                let (x1, _) = scale.point(m.x + m.w, m.y);
                write!(d, "M{x:.1} {y:.1}H{x1:.1}")
            }
        };
    }
    d
}

/// One plot: its picture, legend and notes.
fn plot_view(plot: &Plot) -> Html {
    let scale = Scale { plot };
    let mut paths = Vec::new();
    // Cells by colour level, against the highest cell.
    let heat_max = plot
        .marks
        .iter()
        .filter(|m| m.shape == MarkShape::Cell)
        .map(|m| m.v)
        .max()
        .unwrap_or(0);
    for (level, fill) in HEAT_COLOURS.iter().enumerate() {
        let cells: Vec<&PlotMark> = plot
            .marks
            .iter()
            .filter(|m| {
                m.shape == MarkShape::Cell && heat_level(m.v as f64, heat_max as f64) == Some(level)
            })
            .collect();
        if !cells.is_empty() {
            paths.push(html! { <path d={path_of(&scale, &cells)} fill={*fill} /> });
        }
    }
    let series = plot
        .marks
        .iter()
        .map(|m| m.series)
        .max()
        .map_or(0, |s| s + 1);
    for shape in [
        MarkShape::Tick,
        MarkShape::Bar,
        MarkShape::Limit,
        MarkShape::Point,
        MarkShape::Dot,
        MarkShape::Ringed,
    ] {
        for s in 0..series {
            let marks: Vec<&PlotMark> = plot
                .marks
                .iter()
                .filter(|m| m.shape == shape && m.series == s)
                .collect();
            if marks.is_empty() {
                continue;
            }
            let c = colour(s);
            let d = path_of(&scale, &marks);
            paths.push(match shape {
                MarkShape::Tick | MarkShape::Limit => html! {
                    <path class={classes!("mark", (shape == MarkShape::Limit).then_some("limit"))} d={d} stroke={c} />
                },
                MarkShape::Point => {
                    let mut line = String::new();
                    for (i, m) in marks.iter().enumerate() {
                        let (x, y) = scale.point(m.x, m.y);
                        let _ = write!(line, "{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" });
                    }
                    html! { <><path class="mark line" d={line} stroke={c} /><path d={d} fill={c} /></> }
                }
                MarkShape::Ringed => html! { <path class="mark ringed" d={d} fill={c} /> },
                _ => html! { <path d={d} fill={c} /> },
            });
        }
    }
    let frame = match plot.shape {
        PlotShape::Ring => {
            let (cx, cy, r) = ring_frame();
            html! {
                <>
                    <circle class="axis" cx={cx.to_string()} cy={cy.to_string()} r={r.to_string()} fill="none" />
                    <text class="x" x={cx.to_string()} y="8">{ "0 ↻" }</text>
                    <text class="x" x={cx.to_string()} y={(cy + 3.0).to_string()}>{ &plot.x.label }</text>
                </>
            }
        }
        PlotShape::Axes => {
            let x_ticks = round_ticks(&plot.x).into_iter().map(|(v, label)| {
                let (x, _) = scale.point(v, plot.y.min);
                html! { <text class="x" x={format!("{x:.1}")} y={(HEIGHT - BOTTOM + 11.0).to_string()}>{ label }</text> }
            });
            // An axis with no label is only a spread (dots apart), with no values to read.
            let y_ticks = if plot.y.label.is_empty() {
                Vec::new()
            } else {
                round_ticks(&plot.y)
            };
            let y_ticks = y_ticks.into_iter().map(|(v, label)| {
                let (_, y) = scale.point(plot.x.min, v);
                html! {
                    <g class="tick">
                        <line x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()} y1={format!("{y:.1}")} y2={format!("{y:.1}")} />
                        <text class="y" x={(LEFT - 3.0).to_string()} y={format!("{:.1}", y + 3.5)}>{ label }</text>
                    </g>
                }
            });
            html! {
                <>
                    <>{ for y_ticks }</>
                    <line class="axis" x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()}
                          y1={(HEIGHT - BOTTOM).to_string()} y2={(HEIGHT - BOTTOM).to_string()} />
                    <>{ for x_ticks }</>
                    <text class="x" x={((LEFT + WIDTH - RIGHT) / 2.0).to_string()} y={(HEIGHT - 3.0).to_string()}>{ &plot.x.label }</text>
                    <text class="unit" transform={format!("translate(10 {}) rotate(-90)", (TOP + HEIGHT - BOTTOM) / 2.0)}>{ &plot.y.label }</text>
                </>
            }
        }
    };
    let legend = plot.series.iter().enumerate().map(|(i, name)| {
        html! { <span class="key"><span class="swatch" style={format!("background:{}", colour(i as u16))}></span>{ name }</span> }
    });
    let ringed = plot.marks.iter().any(|m| m.shape == MarkShape::Ringed).then(|| {
        html! { <span class="key"><span class="swatch ringed"></span>{ "moved by the latest change" }</span> }
    });
    let width = if plot.shape == PlotShape::Ring {
        HEIGHT
    } else {
        WIDTH
    };
    let heat = (heat_max > 0).then(|| html! { <HeatLegend max={heat_max as f64} unit={AttrValue::from(plot.heat_unit.clone())} /> });
    html! {
        <figure class="pattern-plot" data-testid="pattern-plot">
            <figcaption>
                <h3>{ &plot.title }</h3>
                <p class="hint">{ &plot.caption }</p>
            </figcaption>
            <div class="plot-body">
                <svg class={classes!((plot.shape == PlotShape::Ring).then_some("ring"))} viewBox={format!("0 0 {width} {HEIGHT}")}
                     role="img" aria-label={plot.title.clone()}>
                    { frame }
                    <>{ for paths }</>
                </svg>
                <div class="plot-side">
                    <div class="legend">
                        <>{ for legend }</>
                        <>{ for ringed }</>
                        <>{ for heat }</>
                    </div>
                    if !plot.notes.is_empty() {
                        <dl class="facts" data-testid="plot-notes">
                            { for plot.notes.iter().map(|(k, v)| html! { <><dt>{ k }</dt><dd>{ v }</dd></> }) }
                        </dl>
                    }
                </div>
            </div>
        </figure>
    }
}

/// The pattern's plots at the cursor.
#[component]
pub fn PatternPlots(props: &PlotsProps) -> Html {
    if props.plots.is_empty() {
        return html! {};
    }
    html! {
        <section class="panel plots" data-testid="pattern-plots">
            <h2>{ "Pictures at this instant" }</h2>
            { for props.plots.iter().map(plot_view) }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_inside_the_axis() {
        let axis = PlotAxis::new("time (ms)", 150, 2_550);
        let ticks: Vec<i64> = round_ticks(&axis).into_iter().map(|t| t.0).collect();
        assert_eq!(ticks, [1_000, 2_000]);
        let axis = PlotAxis::new("key", 0, 1_000);
        let ticks: Vec<i64> = round_ticks(&axis).into_iter().map(|t| t.0).collect();
        assert_eq!(ticks, [0, 500, 1_000]);
    }

    #[test]
    fn a_ring_goes_clockwise_from_the_top() {
        let plot = Plot {
            title: String::new(),
            caption: String::new(),
            shape: PlotShape::Ring,
            x: PlotAxis::new("", 0, 4),
            y: PlotAxis::new("", 0, 100),
            series: Vec::new(),
            heat_unit: String::new(),
            marks: Vec::new(),
            notes: Vec::new(),
        };
        let scale = Scale { plot: &plot };
        let (cx, cy, r) = ring_frame();
        let (x, y) = scale.point(0, 100);
        assert!((x - cx).abs() < 1e-9 && (y - (cy - r)).abs() < 1e-9);
        let (x, y) = scale.point(1, 100);
        assert!((x - (cx + r)).abs() < 1e-9 && (y - cy).abs() < 1e-9);
    }
}

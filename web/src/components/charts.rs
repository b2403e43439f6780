//! The metrics charts: one small chart per metric the pattern declares, over the whole
//! run, with the cursor line crossing every chart. A counter is drawn as a rate per
//! second, a latency as its p50 and p99, a gauge as its highest level; a per-node metric
//! also gets a heat strip (nodes × time). Hovering reads a bucket; clicking seeks there.
//!
//! When two runs are compared, each chart draws both (run A in one colour, run B in
//! another; a latency's p50 dashed) on one time axis, and its readout gives both values
//! at the cursor ("p99 180 ms vs 31 ms").
//!
//! The charts come computed once per run from the model; the heat cells (the only large
//! part) are their own component, so moving the cursor redraws only the lines and marks.

use std::fmt::Write;
use std::rc::Rc;

use playground_core::sim::metrics::MetricKind;
use playground_core::sim::time::SimTime;
use yew::prelude::*;

use crate::model::{Chart, Command, HeatStrip};

/// Chart width in SVG units (the SVG scales to its box).
const WIDTH: f64 = 360.0;
/// Height of a line chart.
const HEIGHT: f64 = 112.0;
/// Left edge of the plot (y tick labels and the unit sit to its left).
const LEFT: f64 = 48.0;
/// Space right of the plot.
const RIGHT: f64 = 10.0;
/// Space above the plot.
const TOP: f64 = 8.0;
/// Space below the plot (x ticks).
const BOTTOM: f64 = 20.0;
/// Colours of the heat scale, lowest first (a cell of 0 is left blank).
pub const HEAT_COLOURS: [&str; 6] = [
    "#fef3c7", "#fcd34d", "#f59e0b", "#ea580c", "#b91c1c", "#6b1010",
];
/// Colours of the lines, in legend order.
const LINE_CLASSES: [&str; 2] = ["line-a", "line-b"];

/// What the charts panel shows.
#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    /// One chart per metric.
    pub charts: Rc<Vec<Rc<Chart>>>,
    /// Node names, in node order (the heat strips' rows).
    pub names: Rc<Vec<String>>,
    /// Run B's charts, when two runs are compared (in the same order).
    #[prop_or_default]
    pub other: Option<Rc<Vec<Rc<Chart>>>>,
    /// The instant shown.
    pub cursor: SimTime,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// A round step of 1, 2 or 5 times a power of ten, at least `rough`.
fn nice_step(rough: f64) -> f64 {
    if rough <= 0.0 || !rough.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough * 0.999_999)
        .unwrap_or(10.0 * magnitude)
}

/// The y axis for values up to `max`: 2 to 4 round ticks from 0, the last one at or
/// above `max` (it is the top of the plot).
pub fn y_ticks(max: f64) -> Vec<f64> {
    let step = nice_step(max / 3.0);
    let top = (max / step).ceil().max(1.0);
    (0..=top as usize).map(|i| i as f64 * step).collect()
}

/// The x axis for a run of `span_us`: round times (about four), from 0.
pub fn x_ticks(span_us: u64) -> Vec<u64> {
    let step = nice_step(span_us as f64 / 4.0).max(1.0) as u64;
    (0..)
        .map(|i| i * step)
        .take_while(|t| *t <= span_us)
        .collect()
}

/// A value for an axis or a readout: no more digits than it needs.
pub fn number(v: f64) -> String {
    let text = if v == 0.0 || v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A y-axis tick: `number`, with thousands written "k" and millions "M" from five
/// digits on, so a tick fits beside the axis and clear of the unit's title.
pub fn tick_number(v: f64) -> String {
    if v.abs() >= 1e7 {
        format!("{}M", number(v / 1e6))
    } else if v.abs() >= 1e4 {
        format!("{}k", number(v / 1e3))
    } else {
        number(v)
    }
}

/// A time tick in ms, or in s for runs of two seconds and more.
pub fn time_label(t_us: u64, span_us: u64) -> String {
    if span_us >= 2_000_000 {
        format!("{}s", number(t_us as f64 / 1e6))
    } else {
        format!("{}ms", number(t_us as f64 / 1e3))
    }
}

/// Where a chart's run maps onto its width.
#[derive(Clone, Copy, PartialEq)]
struct Frame {
    span_us: u64,
    bucket_us: u64,
    buckets: usize,
}

impl Frame {
    fn of(chart: &Chart) -> Frame {
        let buckets = chart.buckets().max(1);
        Frame {
            span_us: buckets as u64 * chart.bucket_us,
            bucket_us: chart.bucket_us,
            buckets,
        }
    }
    fn x(&self, t_us: u64) -> f64 {
        LEFT + (WIDTH - LEFT - RIGHT) * t_us as f64 / self.span_us as f64
    }
    /// The time at x (in SVG units), clamped to the run.
    fn time_at(&self, x: f64) -> u64 {
        let fraction = ((x - LEFT) / (WIDTH - LEFT - RIGHT)).clamp(0.0, 1.0);
        (fraction * self.span_us as f64) as u64
    }
    fn bucket_at(&self, t_us: u64) -> usize {
        ((t_us / self.bucket_us) as usize).min(self.buckets - 1)
    }
}

/// Where a mouse event is on `svg` (`WIDTH` units wide and `height` high), in its units.
/// Read from the SVG's box on screen (Yew delegates events, so the event's current target
/// is not the SVG); the charts stretch their view box to their box, whose aspect ratio
/// keeps them undistorted.
fn svg_point(svg: &NodeRef, e: &MouseEvent, height: f64) -> Option<(f64, f64)> {
    let rect = svg.cast::<web_sys::Element>()?.get_bounding_client_rect();
    let x = (f64::from(e.client_x()) - rect.left()) * WIDTH / rect.width().max(1.0);
    let y = (f64::from(e.client_y()) - rect.top()) * height / rect.height().max(1.0);
    Some((x, y))
}

/// The metrics panel; nothing when the pattern declares no metrics.
#[component]
pub fn Charts(props: &ChartsProps) -> Html {
    if props.charts.is_empty() {
        return Html::default();
    }
    let charts = props.charts.iter().enumerate().map(|(i, chart)| {
        let other = props.other.as_ref().and_then(|o| o.get(i)).cloned();
        html! { <ChartView chart={chart.clone()} {other} names={props.names.clone()} cursor={props.cursor} on={props.on.clone()} /> }
    });
    html! {
        <section class="panel charts" data-testid="charts">
            <div class="panel-head">
                <h2>{ "Metrics" }</h2>
                <span class="muted">{ "over the whole run · hover to read · click to go there" }</span>
            </div>
            <div class="chart-grid">{ for charts }</div>
        </section>
    }
}

/// One chart.
#[derive(Properties, PartialEq)]
struct ChartViewProps {
    chart: Rc<Chart>,
    other: Option<Rc<Chart>>,
    names: Rc<Vec<String>>,
    cursor: SimTime,
    on: Callback<Command>,
}

/// One metric: its lines, axes, legend and cursor, and its heat strip.
#[component]
fn ChartView(props: &ChartViewProps) -> Html {
    let hover = use_state(|| None::<(usize, Option<usize>)>);
    let strip_open = use_state(|| true);
    let (plot_ref, strip_ref, strip_b_ref) = (use_node_ref(), use_node_ref(), use_node_ref());
    let chart = &props.chart;
    let other = props.other.as_deref();
    let mut frame = Frame::of(chart);
    let mut max = chart.max();
    if let Some(b) = other {
        frame.span_us = frame.span_us.max(Frame::of(b).span_us);
        max = max.max(b.max());
    }
    let plot_h = HEIGHT - TOP - BOTTOM;
    let ticks = y_ticks(max);
    let top = ticks.last().copied().unwrap_or(1.0).max(f64::MIN_POSITIVE);
    let y = |v: f64| TOP + plot_h - plot_h * v / top;

    let y_axis = ticks.iter().map(|&v| {
        let y = y(v);
        html! {
            <g class="tick">
                <line x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()} y1={y.to_string()} y2={y.to_string()} />
                <text class="y" x={(LEFT - 4.0).to_string()} y={(y + 3.5).to_string()}>{ tick_number(v) }</text>
            </g>
        }
    });
    let x_axis = x_ticks(frame.span_us).into_iter().map(|t| {
        let x = frame.x(t);
        html! {
            <g class="tick">
                <line x1={x.to_string()} x2={x.to_string()} y1={(TOP + plot_h).to_string()} y2={(TOP + plot_h + 4.0).to_string()} />
                // The last label ends at the plot's edge rather than being cut off there.
                <text class={classes!("x", (x > WIDTH - RIGHT - 24.0).then_some("end"))} x={x.min(WIDTH - 1.0).to_string()}
                      y={(HEIGHT - 5.0).to_string()}>{ time_label(t, frame.span_us) }</text>
            </g>
        }
    });
    let path = |values: &[f64], bucket_us: u64, class: Classes| {
        let mut d = String::with_capacity(values.len() * 14);
        for (i, v) in values.iter().enumerate() {
            let x = frame.x(i as u64 * bucket_us + bucket_us / 2);
            let _ = write!(d, "{}{x:.1} {:.1}", if i == 0 { "M" } else { "L" }, y(*v));
        }
        html! { <path class={classes!("series", class)} d={d} /> }
    };
    // Compared, a run is a colour and a latency's p50 is dashed.
    let two = chart.lines.len() > 1;
    let runs = [Some((chart.as_ref(), "run-a")), other.map(|b| (b, "run-b"))];
    let lines = runs.into_iter().flatten().flat_map(|(c, run)| {
        c.lines
            .iter()
            .zip(LINE_CLASSES)
            .enumerate()
            .map(move |(i, (line, class))| {
                let class = match other {
                    Some(_) => classes!(run, (two && i == 0).then_some("dashed")),
                    None => classes!(class),
                };
                path(&line.values, c.bucket_us, class)
            })
    });
    let lines: Vec<Html> = lines.collect();

    let cursor_us = props.cursor.as_micros();
    let cursor_x = frame.x(cursor_us);
    let (bucket, row) = hover.map_or((frame.bucket_at(cursor_us), None), |(b, r)| (b, r));
    let from = bucket as u64 * frame.bucket_us;
    let mut readout = String::new();
    let _ = write!(
        readout,
        "{}–{}: ",
        SimTime(from),
        SimTime(from + frame.bucket_us)
    );
    // A row past run A's is run B's.
    let a_rows = chart.heat.as_ref().map_or(0, |h| h.rows.len());
    let b_heat = other.and_then(|b| b.heat.as_ref());
    let read_row = row.and_then(|r| match r.checked_sub(a_rows) {
        Some(rb) => Some((rb, other?, " in B")),
        None => Some((
            r,
            chart.as_ref(),
            if b_heat.is_some() { " in A" } else { "" },
        )),
    });
    match read_row.and_then(|(r, c, run)| Some((r, c, c.heat.as_ref()?, run))) {
        Some((r, c, heat, run)) => {
            // Run B's buckets may be wider.
            let bucket = (from / c.bucket_us.max(1)) as usize;
            let value = heat
                .rows
                .get(r)
                .and_then(|row| row.get(bucket))
                .copied()
                .unwrap_or(0.0);
            let name = props.names.get(r).map_or("?", String::as_str);
            let _ = write!(readout, "{name}{run} {} {}", number(value), heat.unit);
        }
        _ => {
            // Run B's bucket holding the same instant (its buckets may be wider).
            let b_at = |b: &Chart, i: usize| {
                let bucket = (from / b.bucket_us.max(1)) as usize;
                b.lines.get(i)?.values.get(bucket).copied()
            };
            for (i, line) in chart.lines.iter().enumerate() {
                let value = line.values.get(bucket).copied().unwrap_or(0.0);
                let sep = if i == 0 { "" } else { ", " };
                let _ = write!(readout, "{sep}{} {}", line.name, number(value));
                if let Some(b) = other {
                    let b = b_at(b, i).map_or_else(|| "–".to_string(), number);
                    let _ = write!(readout, " vs {b}");
                }
                let _ = write!(readout, " {}", chart.unit);
                // A rate of a few events reads better as their count ("100 requests/s"
                // is one request in a 10 ms bucket).
                if other.is_none() && chart.spec.kind == MetricKind::Counter {
                    let count = value * frame.bucket_us as f64 / 1e6;
                    let within = time_label(frame.bucket_us, 0);
                    let _ = write!(readout, " ({} in {within})", number(count));
                }
            }
        }
    }

    let seek = |svg: &NodeRef, height: f64| {
        let (on, svg) = (props.on.clone(), svg.clone());
        Callback::from(move |e: MouseEvent| {
            if let Some((x, _)) = svg_point(&svg, &e, height) {
                on.emit(Command::Scrub(SimTime(frame.time_at(x))));
            }
        })
    };
    let track = |svg: &NodeRef, height: f64, rows: usize| {
        let (hover, svg) = (hover.clone(), svg.clone());
        Callback::from(move |e: MouseEvent| {
            if let Some((x, y)) = svg_point(&svg, &e, height) {
                let row = (rows > 0)
                    .then(|| ((y.max(0.0) / height * rows as f64) as usize).min(rows - 1));
                hover.set(Some((frame.bucket_at(frame.time_at(x)), row)));
            }
        })
    };
    let leave = {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(None))
    };
    let legend = if other.is_some() {
        Some(html! {
            <span class="legend" data-testid="chart-legend">
                <span class="key run-a">{ "A" }</span>
                <span class="key run-b">{ "B" }</span>
                if two { <span class="muted">{ format!("(dashed: {})", chart.lines[0].name) }</span> }
            </span>
        })
    } else {
        (chart.lines.len() > 1).then(|| {
            html! {
                <span class="legend" data-testid="chart-legend">
                    { for chart.lines.iter().zip(LINE_CLASSES).map(|(l, class)| html! {
                        <span class={classes!("key", class)}>{ l.name }</span>
                    }) }
                </span>
            }
        })
    };
    let spec = chart.spec;
    // One strip per run with a per-node metric (rows of run B follow run A's in the
    // hover's row numbers), on one colour scale and one time axis.
    let heats = [Some(chart.as_ref()), other]
        .into_iter()
        .flatten()
        .filter_map(|c| c.heat.as_ref())
        .collect::<Vec<_>>();
    let heat_max = heats.iter().map(|h| h.max).fold(0.0, f64::max);
    let strip = |c: &Rc<Chart>, run: Option<&'static str>| {
        let heat = c.heat.as_ref()?;
        let rows = heat.rows.len().max(1);
        let height = strip_height(rows);
        // Each row is named at its middle when rows are tall enough for a label; else
        // every few rows (hovering reads any row).
        let row_h = height / rows as f64;
        let every = (ROW_LABEL / row_h).ceil().max(1.0) as usize;
        let labels = (0..heat.rows.len()).step_by(every).filter_map(|r| {
            let name = props.names.get(r)?;
            Some(html! {
                <text class="y" x={(LEFT - 4.0).to_string()} y={format!("{:.1}", (r as f64 + 0.5) * row_h + 3.5)}>{ name }</text>
            })
        });
        let (strip_ref, offset) = if run == Some("B") {
            (&strip_b_ref, a_rows)
        } else {
            (&strip_ref, 0)
        };
        let track = {
            let (hover, svg, rows) = (hover.clone(), strip_ref.clone(), heat.rows.len());
            Callback::from(move |e: MouseEvent| {
                if let Some((x, y)) = svg_point(&svg, &e, height) {
                    let row = ((y.max(0.0) / height * rows as f64) as usize).min(rows.max(1) - 1);
                    hover.set(Some((
                        frame.bucket_at(frame.time_at(x)),
                        Some(offset + row),
                    )));
                }
            })
        };
        Some(html! {
            <svg class="heat-strip" data-testid={if run == Some("B") { "heat-strip-b" } else { "heat-strip" }}
                 viewBox={format!("0 0 {WIDTH} {height}")}
                 preserveAspectRatio="none" style={format!("aspect-ratio: {WIDTH} / {height}")}
                 role="img" aria-label={format!("{} per node over time{}", spec.label, run.map_or(String::new(), |r| format!(", run {r}")))}
                 ref={strip_ref.clone()} onclick={seek(strip_ref, height)}
                 onmousemove={track} onmouseleave={leave.clone()}>
                <>{ for labels }</>
                if let Some(r) = run { <text class={classes!("run-label", format!("run-{}", r.to_lowercase()))} x="2" y={(height / 2.0 + 4.0).to_string()}>{ r }</text> }
                <HeatCells chart={c.clone()} height={height} max={heat_max} span_us={frame.span_us} />
                <line class="cursor" x1={cursor_x.to_string()} x2={cursor_x.to_string()} y1="0" y2={height.to_string()} />
            </svg>
        })
    };
    let strips = (!heats.is_empty()).then(|| {
        let toggle = {
            let open = strip_open.clone();
            Callback::from(move |_: MouseEvent| open.set(!*open))
        };
        let b_strip = props.other.as_ref().and_then(|b| strip(b, Some("B")));
        let a_strip = strip(chart, b_strip.is_some().then_some("A"));
        html! {
            <div class="heat">
                <div class="heat-head">
                    <button class="link" onclick={toggle} aria-expanded={strip_open.to_string()} data-testid="heat-toggle">
                        { if *strip_open { "▾ per node" } else { "▸ per node" } }
                    </button>
                    <HeatLegend max={heat_max} unit={AttrValue::from(heats[0].unit.clone())} />
                </div>
                if *strip_open { <>{ for a_strip }{ for b_strip }</> }
            </div>
        }
    });

    html! {
        <figure class="chart" data-testid={format!("chart-{}", spec.id)}>
            <figcaption>
                <strong title={spec.help}>{ spec.label }</strong>
                <>{ for legend }</>
                <span class="readout" data-testid="chart-readout">{ readout }</span>
            </figcaption>
            <svg class="chart-plot" data-testid="chart-plot" viewBox={format!("0 0 {WIDTH} {HEIGHT}")}
                 preserveAspectRatio="none" style={format!("aspect-ratio: {WIDTH} / {HEIGHT}")}
                 role="img" aria-label={format!("{} in {} over time", spec.label, chart.unit)}
                 ref={plot_ref.clone()} onclick={seek(&plot_ref, HEIGHT)}
                 onmousemove={track(&plot_ref, HEIGHT, 0)} onmouseleave={leave}>
                <title>{ spec.help }</title>
                <>{ for y_axis }</>
                <text class="unit" transform={format!("translate(10 {}) rotate(-90)", TOP + plot_h / 2.0)}
                      data-testid="chart-unit">{ chart.unit.clone() }</text>
                <line class="axis" x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()}
                      y1={(TOP + plot_h).to_string()} y2={(TOP + plot_h).to_string()} />
                <>{ for x_axis }</>
                <>{ for lines }</>
                <line class="cursor" data-testid="chart-cursor" x1={cursor_x.to_string()} x2={cursor_x.to_string()}
                      y1={TOP.to_string()} y2={(TOP + plot_h).to_string()} />
            </svg>
            <>{ for strips }</>
        </figure>
    }
}

/// A heat strip's height for `rows` nodes: 12 units a node (room for each one's name),
/// between 24 and 160.
fn strip_height(rows: usize) -> f64 {
    (rows as f64 * 12.0).clamp(24.0, 160.0)
}

/// The least room a heat strip's row label takes (its 10-unit text and a gap).
const ROW_LABEL: f64 = 11.0;

/// The heat scale's colour for `value` (of at most `max`); `None` for zero.
pub fn heat_level(value: f64, max: f64) -> Option<usize> {
    (value > 0.0 && max > 0.0).then(|| {
        let n = HEAT_COLOURS.len();
        (((value / max) * n as f64).ceil() as usize).clamp(1, n) - 1
    })
}

/// What a strip's cells are drawn from.
#[derive(Properties)]
struct HeatCellsProps {
    chart: Rc<Chart>,
    height: f64,
    /// The top of the colour scale (shared by two compared runs).
    max: f64,
    /// The time axis's span (the longer run's, when two are compared).
    span_us: u64,
}

impl PartialEq for HeatCellsProps {
    fn eq(&self, other: &Self) -> bool {
        // The charts are computed once per run: the same chart is the same strip.
        Rc::ptr_eq(&self.chart, &other.chart)
            && self.height == other.height
            && self.max == other.max
            && self.span_us == other.span_us
    }
}

/// The strip's cells: per node, runs of buckets with the same colour as one rectangle.
/// Drawn again only when the run changes.
#[component]
fn HeatCells(props: &HeatCellsProps) -> Html {
    let Some(heat) = &props.chart.heat else {
        return Html::default();
    };
    let mut frame = Frame::of(&props.chart);
    frame.span_us = frame.span_us.max(props.span_us);
    let row_h = props.height / heat.rows.len().max(1) as f64;
    let cells = heat_runs(heat, props.max).into_iter().map(|(row, first, last, level)| {
        let x = frame.x(first as u64 * frame.bucket_us);
        let w = frame.x((last + 1) as u64 * frame.bucket_us) - x;
        html! {
            <rect x={format!("{x:.1}")} y={format!("{:.2}", row as f64 * row_h)} width={format!("{w:.1}")}
                  height={format!("{:.2}", row_h)} fill={HEAT_COLOURS[level]} />
        }
    });
    html! {
        <g class="cells">
            <rect class="heat-bg" x={LEFT.to_string()} y="0" width={(WIDTH - LEFT - RIGHT).to_string()}
                  height={props.height.to_string()} />
            { for cells }
        </g>
    }
}

/// Each row's runs of buckets with one colour on a scale up to `max`: (row, first
/// bucket, last bucket, level).
pub fn heat_runs(heat: &HeatStrip, max: f64) -> Vec<(usize, usize, usize, usize)> {
    let mut runs = Vec::new();
    for (r, row) in heat.rows.iter().enumerate() {
        let mut open: Option<(usize, usize)> = None;
        for (b, v) in row.iter().enumerate() {
            let level = heat_level(*v, max);
            match (open, level) {
                (Some((_, l)), Some(level)) if l == level => continue,
                (Some((start, l)), _) => runs.push((r, start, b - 1, l)),
                _ => {}
            }
            open = level.map(|level| (b, level));
        }
        if let Some((start, l)) = open {
            runs.push((r, start, row.len() - 1, l));
        }
    }
    runs
}

/// What the heat legend shows.
#[derive(Properties, PartialEq)]
pub struct HeatLegendProps {
    /// The highest value (the top colour).
    pub max: f64,
    /// What a value counts.
    pub unit: AttrValue,
}

/// The heat scale: blank for 0, then the colours up to the highest cell.
#[component]
pub fn HeatLegend(props: &HeatLegendProps) -> Html {
    html! {
        <span class="heat-legend" data-testid="heat-legend">
            { "0 " }
            <span class="swatch blank"></span>
            { for HEAT_COLOURS.iter().map(|c| html! { <span class="swatch" style={format!("background:{c}")}></span> }) }
            { format!(" {} {}", number(props.max), props.unit) }
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn y_ticks_are_two_to_four_round_values_covering_the_max() {
        for (max, want) in [
            (0.0, vec![0.0, 1.0]),
            (1.0, vec![0.0, 0.5, 1.0]),
            (7.0, vec![0.0, 5.0, 10.0]),
            (30.0, vec![0.0, 10.0, 20.0, 30.0]),
            (31.0, vec![0.0, 20.0, 40.0]),
            (0.004, vec![0.0, 0.002, 0.004]),
        ] {
            let ticks = y_ticks(max);
            assert!((2..=4).contains(&ticks.len()), "{max}: {ticks:?}");
            assert!(*ticks.last().unwrap() >= max);
            for (a, b) in ticks.iter().zip(&want) {
                assert!((a - b).abs() < 1e-9, "{max}: {ticks:?}");
            }
        }
    }

    #[test]
    fn x_ticks_are_round_times_inside_the_run() {
        assert_eq!(x_ticks(1_200_000), [0, 500_000, 1_000_000]);
        assert_eq!(x_ticks(90_000), [0, 50_000]);
        assert_eq!(time_label(500_000, 1_200_000), "500ms");
        assert_eq!(time_label(2_500_000, 3_000_000), "2.5s");
        assert_eq!(number(12.34), "12.3");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(1500.0), "1500");
        assert_eq!(tick_number(1500.0), "1500");
        assert_eq!(tick_number(100_000.0), "100k");
        assert_eq!(tick_number(12_500.0), "12.5k");
        assert_eq!(tick_number(25_000_000.0), "25M");
    }

    #[test]
    fn heat_cells_merge_equal_colours_and_skip_zero() {
        let heat = HeatStrip {
            rows: vec![vec![0.0, 6.0, 6.0, 1.0, 0.0], vec![0.0; 5]],
            max: 6.0,
            unit: String::new(),
        };
        assert_eq!(heat_runs(&heat, heat.max), [(0, 1, 2, 5), (0, 3, 3, 0)]);
        // On a scale shared with a hotter run, the same cells are cooler.
        assert_eq!(heat_runs(&heat, 12.0), [(0, 1, 2, 2), (0, 3, 3, 0)]);
        assert_eq!(heat_level(0.0, 6.0), None);
        assert_eq!(heat_level(6.0, 6.0), Some(HEAT_COLOURS.len() - 1));
    }
}

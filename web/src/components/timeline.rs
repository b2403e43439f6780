//! A timeline: a pattern's table in the shared timeline format
//! (`playground_core::patterns::timeline`) drawn as a chart, one lane per node, one bar
//! per span of work (for map/reduce: every copy of every task), time across with the
//! run's axis, and the cursor. Bars are coloured by phase; a backup copy has a dashed
//! outline, a copy run again a solid one; a copy killed with its node is hatched red, a
//! discarded or replaced one grey. Clicking seeks there.

use std::fmt::Write;

use playground_core::patterns::timeline::COLUMNS;
use playground_core::sim::snapshot::Table;
use playground_core::sim::time::SimTime;
use yew::prelude::*;

use super::charts::{time_label, x_ticks};
use crate::model::Command;

/// Width in SVG units (the SVG scales to its box).
const WIDTH: f64 = 720.0;
/// Left of the plot: the lane names.
const LEFT: f64 = 44.0;
/// Right margin.
const RIGHT: f64 = 10.0;
/// Height of one phase's row in a lane.
const ROW: f64 = 11.0;
/// Space between lanes.
const GAP: f64 = 5.0;
/// Space below the lanes (the time axis).
const AXIS: f64 = 18.0;
/// Phase colours, in the order phases first appear.
const PHASE_COLOURS: [&str; 4] = ["#3b82f6", "#16a34a", "#a855f7", "#f59e0b"];

/// Whether `table` is in the timeline format.
pub fn is_timeline(table: &Table) -> bool {
    table.columns.iter().map(String::as_str).eq(COLUMNS)
}

/// One bar, read from a row.
struct Bar<'a> {
    lane: usize,
    phase: usize,
    work: &'a str,
    from: u64,
    to: Option<u64>,
    copy: &'a str,
    outcome: &'a str,
}

/// What the timeline shows.
#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// The table, in the timeline format.
    pub table: Table,
    /// The end of the explored run (the axis spans from 0 to it).
    pub end: SimTime,
    /// The instant shown.
    pub cursor: SimTime,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// Lanes sorted by name as a person counts (w2 before w10).
fn lane_order(a: &str, b: &str) -> std::cmp::Ordering {
    (a.len(), a).cmp(&(b.len(), b))
}

/// The timeline chart with its legend.
#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let svg = use_node_ref();
    let rows = &props.table.rows;
    let cell = |r: usize, c: usize| rows[r].cells.get(c).map_or("", String::as_str);
    let mut lanes: Vec<&str> = (0..rows.len()).map(|r| cell(r, 0)).collect();
    lanes.sort_by(|a, b| lane_order(a, b));
    lanes.dedup();
    let mut phases: Vec<&str> = Vec::new();
    for r in 0..rows.len() {
        if !phases.contains(&cell(r, 4)) {
            phases.push(cell(r, 4));
        }
    }
    let bars: Vec<Bar> = (0..rows.len())
        .map(|r| Bar {
            lane: lanes.iter().position(|l| *l == cell(r, 0)).unwrap_or(0),
            phase: phases.iter().position(|p| *p == cell(r, 4)).unwrap_or(0),
            work: cell(r, 1),
            from: cell(r, 2).parse().unwrap_or(0),
            to: cell(r, 3).parse().ok(),
            copy: cell(r, 5),
            outcome: cell(r, 6),
        })
        .collect();
    let span_us = props.end.as_micros().max(1);
    let x = |t: u64| LEFT + (WIDTH - LEFT - RIGHT) * t.min(span_us) as f64 / span_us as f64;
    let lane_h = ROW * phases.len().max(1) as f64;
    let plot_h = lanes.len().max(1) as f64 * (lane_h + GAP);
    let height = plot_h + AXIS;
    let cursor = props.cursor.as_micros();

    let lane_names = lanes.iter().enumerate().map(|(i, name)| {
        let y = i as f64 * (lane_h + GAP) + lane_h / 2.0 + 3.5;
        html! { <text class="y" x={(LEFT - 4.0).to_string()} y={y.to_string()}>{ *name }</text> }
    });
    let bar_marks = bars.iter().map(|b| {
        let to = b.to.unwrap_or(cursor.max(b.from));
        let (x0, x1) = (x(b.from), x(to));
        let y = b.lane as f64 * (lane_h + GAP) + b.phase as f64 * ROW + 1.0;
        let colour = PHASE_COLOURS[b.phase % PHASE_COLOURS.len()];
        let fill = match b.outcome {
            "killed" => "url(#killed)",
            "discarded" | "replaced" => "#c4c8d0",
            _ => colour,
        };
        let mut tip = String::with_capacity(80);
        let _ = write!(
            tip,
            "{} · {} · {}–{} · {} copy · {}",
            lanes[b.lane],
            b.work,
            SimTime(b.from),
            SimTime(to),
            b.copy,
            b.outcome
        );
        html! {
            <rect class={classes!("bar", b.copy.to_string(), b.outcome.to_string())}
                  x={format!("{x0:.1}")} y={format!("{y:.1}")} width={format!("{:.1}", (x1 - x0).max(1.0))}
                  height={format!("{:.1}", ROW - 2.0)} fill={fill} stroke={colour}>
                <title>{ tip }</title>
            </rect>
        }
    });
    let ticks = x_ticks(span_us).into_iter().map(|t| {
        let tx = x(t);
        html! {
            <g class="tick">
                <line x1={tx.to_string()} x2={tx.to_string()} y1="0" y2={(plot_h + 3.0).to_string()} />
                <text class={classes!("x", (tx > WIDTH - RIGHT - 24.0).then_some("end"))} x={tx.min(WIDTH - 1.0).to_string()}
                      y={(height - 4.0).to_string()}>{ time_label(t, span_us) }</text>
            </g>
        }
    });
    let seek = {
        let (on, svg) = (props.on.clone(), svg.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(el) = svg.cast::<web_sys::Element>() else {
                return;
            };
            let rect = el.get_bounding_client_rect();
            let sx = (f64::from(e.client_x()) - rect.left()) * WIDTH / rect.width().max(1.0);
            let fraction = ((sx - LEFT) / (WIDTH - LEFT - RIGHT)).clamp(0.0, 1.0);
            on.emit(Command::Scrub(SimTime((fraction * span_us as f64) as u64)));
        })
    };
    let cursor_x = x(cursor);
    let phase_keys = phases.iter().enumerate().map(|(i, p)| {
        let colour = PHASE_COLOURS[i % PHASE_COLOURS.len()];
        html! { <span class="key"><span class="swatch" style={format!("background:{colour}")}></span>{ *p }</span> }
    });
    html! {
        <figure class="chart timeline" data-testid="timeline">
            <figcaption>
                <strong>{ &props.table.title }</strong>
                <span class="legend" data-testid="timeline-legend">
                    <>{ for phase_keys }</>
                    <span class="key"><span class="swatch rerun"></span>{ "run again" }</span>
                    <span class="key"><span class="swatch backup"></span>{ "backup copy" }</span>
                    <span class="key"><span class="swatch killed"></span>{ "killed with its worker" }</span>
                    <span class="key"><span class="swatch discarded"></span>{ "discarded or replaced" }</span>
                </span>
            </figcaption>
            <div class="chart-scroll">
            <svg viewBox={format!("0 0 {WIDTH} {height}")} preserveAspectRatio="none"
                 style={format!("aspect-ratio: {WIDTH} / {height}")} role="img"
                 aria-label={format!("{}: {} spans on {} lanes over time", props.table.title, bars.len(), lanes.len())}
                 ref={svg} onclick={seek}>
                <defs>
                    <pattern id="killed" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <rect width="5" height="5" fill="#fecaca" />
                        <line x1="0" y1="0" x2="0" y2="5" stroke="#dc2626" stroke-width="2.5" />
                    </pattern>
                </defs>
                <>{ for ticks }</>
                <>{ for lane_names }</>
                <line class="axis" x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()} y1={plot_h.to_string()} y2={plot_h.to_string()} />
                <>{ for bar_marks }</>
                <line class="cursor" x1={cursor_x.to_string()} x2={cursor_x.to_string()} y1="0" y2={plot_h.to_string()} />
            </svg>
            </div>
            <p class="hint">{ &props.table.caption }</p>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_sort_as_a_person_counts() {
        let mut lanes = vec!["w10", "w2", "w1"];
        lanes.sort_by(|a, b| lane_order(a, b));
        assert_eq!(lanes, ["w1", "w2", "w10"]);
    }
}

//! A lineage graph: a pattern's table in the shared lineage format
//! (`playground_core::patterns::lineage`) drawn as datasets side by side, each a column
//! of partition boxes, with narrow edges (partition to partition) and wide ones (every
//! parent partition to every child); a box is coloured by its state (on stable storage,
//! held, lost with its node, recomputed from its lineage, not computed) and names where
//! it is; a checkpointed one carries a mark.

use std::fmt::Write;

use playground_core::patterns::lineage::COLUMNS;
use playground_core::sim::snapshot::Table;
use yew::prelude::*;

/// Width in SVG units (the SVG scales to its box).
const WIDTH: f64 = 720.0;
/// A partition's box.
const BOX_W: f64 = 92.0;
const BOX_H: f64 = 15.0;
/// Vertical pitch of the boxes.
const PITCH: f64 = 19.0;
/// Space above the boxes (the dataset names).
const HEAD: f64 = 30.0;

/// Whether `table` is in the lineage format.
pub fn is_lineage(table: &Table) -> bool {
    table.columns.iter().map(String::as_str).eq(COLUMNS)
}

/// What the graph shows.
#[derive(Properties, PartialEq)]
pub struct LineageProps {
    /// The table, in the lineage format.
    pub table: Table,
}

/// The lineage graph with its legend.
#[component]
pub fn Lineage(props: &LineageProps) -> Html {
    let rows = &props.table.rows;
    let cell = |r: usize, c: usize| rows[r].cells.get(c).map_or("", String::as_str);
    // The datasets in order, each with its dependency and its rows.
    let mut datasets: Vec<(&str, &str, Vec<usize>)> = Vec::new();
    for r in 0..rows.len() {
        match datasets.last_mut() {
            Some(d) if d.0 == cell(r, 0) => d.2.push(r),
            _ => datasets.push((cell(r, 0), cell(r, 2), vec![r])),
        }
    }
    let columns = datasets.len().max(1);
    let gap = (WIDTH - BOX_W * columns as f64) / columns as f64;
    let x = |c: usize| gap / 2.0 + c as f64 * (BOX_W + gap);
    let y = |p: usize| HEAD + p as f64 * PITCH;
    let tallest = datasets.iter().map(|d| d.2.len()).max().unwrap_or(1);
    let height = HEAD + tallest as f64 * PITCH + 4.0;

    let mut edges = String::new();
    let mut hot = String::new();
    for (c, (_, dependency, parts)) in datasets.iter().enumerate().skip(1) {
        let parents = datasets[c - 1].2.len();
        let (x0, x1) = (x(c - 1) + BOX_W, x(c));
        for (p, &r) in parts.iter().enumerate() {
            let rebuilt = cell(r, 3) == "recomputed";
            let from: Vec<usize> = if *dependency == "wide" {
                (0..parents).collect()
            } else {
                vec![p.min(parents.saturating_sub(1))]
            };
            for q in from {
                let d = if rebuilt { &mut hot } else { &mut edges };
                let (ya, yb) = (y(q) + BOX_H / 2.0, y(p) + BOX_H / 2.0);
                let _ = write!(d, "M{x0:.1} {ya:.1}L{x1:.1} {yb:.1}");
            }
        }
    }
    let heads = datasets
        .iter()
        .enumerate()
        .map(|(c, (name, dependency, _))| {
            let sub = match *dependency {
                "" => "stable storage",
                "wide" => "wide: every parent",
                _ => "narrow: one parent",
            };
            let cx = x(c) + BOX_W / 2.0;
            html! {
                <>
                    <text class="dataset" x={cx.to_string()} y="11">{ *name }</text>
                    <text class="dependency" x={cx.to_string()} y="23">{ sub }</text>
                </>
            }
        });
    let boxes = datasets
        .iter()
        .enumerate()
        .flat_map(|(c, (_, _, parts))| parts.iter().enumerate().map(move |(p, &r)| (c, p, r)));
    let boxes = boxes.map(|(c, p, r)| {
        let (state, at, checkpointed) = (cell(r, 3), cell(r, 4), cell(r, 5) == "yes");
        let (bx, by) = (x(c), y(p));
        let mut label = String::with_capacity(16);
        let _ = write!(label, "{} {p}", if state == "lost" { "✗" } else { "p" });
        if !at.is_empty() {
            let _ = write!(label, " · {at}");
        }
        let mut tip = String::with_capacity(48);
        let _ = write!(tip, "{} partition {p}: {state}", cell(r, 0));
        if !at.is_empty() {
            let _ = write!(tip, " on {at}");
        }
        if checkpointed {
            tip.push_str(", checkpointed");
        }
        html! {
            <g class={classes!("part", state.to_string())}>
                <rect x={format!("{bx:.1}")} y={format!("{by:.1}")} width={BOX_W.to_string()} height={BOX_H.to_string()} rx="3">
                    <title>{ tip }</title>
                </rect>
                <text x={format!("{:.1}", bx + 5.0)} y={format!("{:.1}", by + 11.0)}>{ label }</text>
                if checkpointed {
                    <rect class="ckpt" x={format!("{:.1}", bx + BOX_W - 9.0)} y={format!("{:.1}", by + 3.0)} width="6" height="9" />
                }
            </g>
        }
    });
    html! {
        <figure class="chart lineage" data-testid="lineage">
            <figcaption>
                <strong>{ &props.table.title }</strong>
                <span class="legend" data-testid="lineage-legend">
                    <span class="key"><span class="swatch stable"></span>{ "stable storage" }</span>
                    <span class="key"><span class="swatch held"></span>{ "computed, held" }</span>
                    <span class="key"><span class="swatch lost"></span>{ "lost with its node" }</span>
                    <span class="key"><span class="swatch recomputed"></span>{ "recomputed from lineage" }</span>
                    <span class="key"><span class="swatch missing"></span>{ "not computed" }</span>
                    <span class="key"><span class="swatch ckpt"></span>{ "checkpointed" }</span>
                </span>
            </figcaption>
            <div class="chart-scroll">
            <svg viewBox={format!("0 0 {WIDTH} {height}")} style={format!("aspect-ratio: {WIDTH} / {height}")}
                 role="img" aria-label={format!("{}: {} datasets", props.table.title, datasets.len())}>
                <path class="edge" d={edges} />
                <path class="edge hot" d={hot} />
                <>{ for heads }</>
                <>{ for boxes }</>
            </svg>
            </div>
            <p class="hint">{ &props.table.caption }</p>
        </figure>
    }
}

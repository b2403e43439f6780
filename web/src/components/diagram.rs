//! The space-time diagram: a lane per node (or per collapsed group), an arrow per
//! message, labelled events.
//!
//! Only the events inside the time window are rendered (found by binary search in the
//! trace), so a run of any length draws the same few hundred elements. The lane headers
//! are their own component: they change only with the run and its collapsed groups, so a
//! frame of 200 lanes does not draw them again.

use std::rc::Rc;

use playground_core::sim::run::{EventInfo, EventTag};
use playground_core::sim::time::SimTime;
use yew::prelude::*;

use crate::layout::{DiagramGeometry, Lanes};
use crate::model::{Arrow, ArrowEnd, Command, PathView};

/// What the diagram shows.
#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    /// The lanes, grouped, and each node's lane.
    pub lanes: Rc<Lanes>,
    /// The time window and lane geometry.
    pub geometry: DiagramGeometry,
    /// Events inside the window.
    pub events: Rc<Vec<EventInfo>>,
    /// Message arrows touching the window.
    pub arrows: Rc<Vec<Arrow>>,
    /// The instant shown.
    pub cursor: SimTime,
    /// Trace events already shown at the cursor.
    pub shown_events: usize,
    /// Events that broke a property, with the property's sentence.
    pub violations: Rc<Vec<(usize, String)>>,
    /// The request path shown, if any: its arrows are highlighted, the others dimmed.
    pub path: Option<Rc<PathView>>,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// Roughly how wide one character of an event label is, in SVG units.
const LABEL_CHAR_WIDTH: f64 = 6.2;

fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// The space-time diagram.
#[component]
pub fn Diagram(props: &DiagramProps) -> Html {
    let g = props.geometry;
    let height = g.height(props.lanes.len());
    // Arrows, events and marks are drawn on a strip in absolute time, shifted as a whole
    // (see DiagramGeometry::abs_x); keyed, so panning reuses what stays in view.
    let (left_abs, right_abs) = (g.abs_x(g.start), g.abs_x(g.start) + g.width);
    let clamp_x = |x: f64| x.clamp(left_abs - 4.0, right_abs + 4.0);

    let ticks = g.ticks().into_iter().map(|t| {
        let x = g.x(t);
        html! {
            <g class="tick">
                <line x1={x.to_string()} y1={(g.top - 4.0).to_string()} x2={x.to_string()} y2={height.to_string()} />
                <text x={x.to_string()} y={(g.top - 8.0).to_string()}>{ t.to_string() }</text>
            </g>
        }
    });

    // Arrow labels sit a third of the way along; one that would overprint an earlier
    // label is left out (the arrow keeps its tooltip).
    let mut placed: Vec<(f64, f64, f64)> = Vec::new();
    let arrows = props.arrows.iter().map(|a| {
        let (x1, y1) = (g.abs_x(a.sent), g.lane_y(a.from_lane));
        let y2 = g.lane_y(a.to_lane);
        let msg = a.msg;
        let onclick = props.on.reform(move |ev: MouseEvent| {
            ev.stop_propagation();
            Command::SelectPath(msg)
        });
        let on_path = props.path.as_ref().is_some_and(|p| p.members.contains(&msg));
        let (until, class, mark, note) = match a.end {
            ArrowEnd::Delivered(t) => (t, "arrow", None, ""),
            ArrowEnd::Dropped(t) => (t, "arrow dropped", Some("✕ dropped"), " (dropped)"),
            ArrowEnd::Pending(t) => (t, "arrow pending", None, " (still in flight at the end)"),
            ArrowEnd::Lost => {
                // A lost message: a short stub ending in a cross, a third of the way down.
                let x2 = x1 + 18.0;
                let y2 = y1 + (y2 - y1) / 3.0;
                return html! {
                    <g key={a.msg.0} class={classes!("arrow", "lost", on_path.then_some("on-path"))} onclick={onclick}>
                        <title>{ format!("{} (lost in the network or cut by a partition)", a.label) }</title>
                        <line x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} />
                        <text class="lost-mark" x={x2.to_string()} y={(y2 + 4.0).to_string()}>{ "✕ lost" }</text>
                    </g>
                };
            }
        };
        // Work that takes time: the arrow ends where the message reached its node, and a
        // bar on the lane shows the time it waited and was served until `until`.
        let x_end = g.abs_x(until);
        let x2 = a.arrived.map_or(x_end, |t| g.abs_x(t));
        let bar = a.arrived.map(|t| {
            let title = format!("{} at its node from {t} to {until}", a.label);
            html! {
                <line class="queue-bar" x1={clamp_x(x2).to_string()} y1={y2.to_string()}
                      x2={clamp_x(x_end).to_string()} y2={y2.to_string()}><title>{ title }</title></line>
            }
        });
        let (lx, ly) = (x1 + (x2 - x1) / 3.0, y1 + (y2 - y1) / 3.0);
        let text = short(&a.short, 16);
        let half = LABEL_CHAR_WIDTH * 0.8 * text.chars().count() as f64 / 2.0;
        let inside = lx - half > left_abs && lx + half < right_abs;
        let free = placed
            .iter()
            .all(|&(a0, a1, y)| (y - ly).abs() > 11.0 || lx + half < a0 || lx - half > a1);
        let show = inside && free;
        if show {
            placed.push((lx - half - 2.0, lx + half + 2.0, ly));
        }
        let (x1, x2) = (clamp_x(x1).to_string(), clamp_x(x2).to_string());
        let (y1, y2s) = (y1.to_string(), y2.to_string());
        html! {
            <g key={a.msg.0} class={classes!(class, on_path.then_some("on-path"))} onclick={onclick}
               data-testid={format!("arrow-{}", a.msg.0)}>
                <title>{ format!("{}{note} · click for its path", a.label) }</title>
                <line class="hit" x1={x1.clone()} y1={y1.clone()} x2={x2.clone()} y2={y2s.clone()} />
                <line x1={x1} y1={y1} x2={x2} y2={y2s} marker-end={mark.is_none().then_some("url(#arrow-head)")} />
                { for bar }
                if show {
                    <text x={lx.to_string()} y={(ly + 3.0).to_string()}>{ text }</text>
                }
                if let Some(mark) = mark {
                    <text class="lost-mark" x={x_end.to_string()} y={(y2 - 6.0).to_string()}>{ mark }</text>
                }
            </g>
        }
    });

    // Labels alternate above and below their lane; a label that would overprint the
    // previous one on its row is left out (the event keeps its tooltip).
    let lane_of = |node: playground_core::sim::node::NodeId| props.lanes.lane_of(node);
    let mut labelled_per_lane = vec![0usize; props.lanes.len()];
    let mut row_ends = vec![[f64::NEG_INFINITY; 2]; props.lanes.len()];
    let events = props.events.iter().filter_map(|e| {
        let lane = lane_of(e.node?);
        let (x, y) = (g.abs_x(e.time), g.lane_y(lane));
        let index = e.index;
        let onclick = props.on.reform(move |ev: MouseEvent| {
            ev.stop_propagation();
            Command::JumpToEvent(index)
        });
        let mut class = classes!("event", tag_class(e.tag));
        if index >= props.shown_events {
            class.push("future");
        }
        let mark = match e.tag {
            EventTag::Note => html! { <rect x={(x - 5.0).to_string()} y={(y - 5.0).to_string()} width="10" height="10"
                                             transform={format!("rotate(45 {x} {y})")} /> },
            EventTag::Action => html! { <rect x={(x - 6.0).to_string()} y={(y - 6.0).to_string()} width="12" height="12" /> },
            EventTag::Dropped | EventTag::Lost | EventTag::Cut =>
                html! { <text class="cross" x={x.to_string()} y={(y + 5.0).to_string()}>{ "✕" }</text> },
            EventTag::Retired => html! { <rect x={(x - 2.0).to_string()} y={(y - 9.0).to_string()} width="4" height="18" /> },
            EventTag::Arrive => html! { <path d={format!("M{} {}l4 4l-4 4l-4-4z", x, y - 4.0)} /> },
            _ => html! { <circle cx={x.to_string()} cy={y.to_string()} r={if e.tag == EventTag::Deliver { "5" } else { "3.5" }} /> },
        };
        let labelled = matches!(e.tag, EventTag::Note | EventTag::Action | EventTag::Dropped | EventTag::Retired);
        let mut label = (labelled && !e.minor)
            .then(|| short(e.label.split(" (").next().unwrap_or_default(), 30));
        let mut below = false;
        if let Some(text) = &label {
            let count = labelled_per_lane.get_mut(lane)?;
            below = *count % 2 == 1;
            let row = &mut row_ends.get_mut(lane)?[usize::from(below)];
            if x + 5.0 > *row + 4.0 {
                *row = x + 5.0 + LABEL_CHAR_WIDTH * text.chars().count() as f64;
                *count += 1;
            } else {
                label = None;
            }
        }
        let label_y = if below { y + 17.0 } else { y - 8.0 };
        Some(html! {
            <g key={index} class={class} onclick={onclick} data-testid={format!("event-{index}")}>
                <title>{ &e.text }</title>
                { mark }
                if let Some(label) = label {
                    <text class="event-label" x={(x + 5.0).to_string()} y={label_y.to_string()}>{ label }</text>
                }
            </g>
        })
    });

    let violations = props.violations.iter().enumerate().filter_map(|(i, (index, sentence))| {
        let e = props.events.iter().find(|e| e.index == *index)?;
        let (x, y) = (g.abs_x(e.time), g.lane_y(lane_of(e.node?)));
        Some(html! {
            <g key={format!("{i}-{index}")} class="violation-mark" data-testid="violation-mark">
                <title>{ format!("Broke: {sentence}") }</title>
                <line x1={x.to_string()} y1={g.top.to_string()} x2={x.to_string()} y2={height.to_string()} />
                <text x={(x + 8.0).to_string()} y={(y + 18.0).to_string()}>{ "⚠ broke a property" }</text>
            </g>
        })
    });

    let cursor_x = g.abs_x(props.cursor);
    let on_click = {
        let on = props.on.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(svg) = e
                .current_target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            else {
                return;
            };
            let width = f64::from(svg.client_width().max(1));
            let x = f64::from(e.offset_x()) * DiagramGeometry::TOTAL_WIDTH / width;
            on.emit(Command::Scrub(g.time_at(x)));
        })
    };
    html! {
        <svg class={classes!("diagram", props.path.is_some().then_some("has-path"), (g.lane_height < 30.0).then_some("thin"))} data-testid="diagram" viewBox={format!("0 0 {} {height}", DiagramGeometry::TOTAL_WIDTH)}
             role="img" aria-label="Space-time diagram" onclick={on_click}>
            <defs>
                <marker id="arrow-head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6"
                        markerHeight="6" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" />
                </marker>
                <clipPath id="plot"><rect x={g.left.to_string()} y="0" width={g.width.to_string()} height={height.to_string()} /></clipPath>
            </defs>
            { for ticks }
            <LaneHeaders lanes={props.lanes.clone()} left={g.left} width={g.width} top={g.top}
                         lane_height={g.lane_height} on={props.on.clone()} />
            <g clip-path="url(#plot)">
                <g transform={format!("translate({:.3},0)", g.offset())}>
                    <g class="arrows">{ for arrows }</g>
                    <g class="events">{ for events }</g>
                    <g class="marks">{ for violations }</g>
                    <line class="cursor" data-testid="diagram-cursor" x1={cursor_x.to_string()} y1="0"
                          x2={cursor_x.to_string()} y2={height.to_string()} />
                </g>
            </g>
        </svg>
    }
}

/// What the lane headers need: the lanes and where they go (not the time window, so
/// moving through time leaves them alone).
#[derive(Properties, PartialEq)]
pub struct LaneHeadersProps {
    /// The lanes.
    pub lanes: Rc<Lanes>,
    /// Left edge of the plot.
    pub left: f64,
    /// Width of the plot.
    pub width: f64,
    /// Space above the first lane.
    pub top: f64,
    /// Height of one lane.
    pub lane_height: f64,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// Each lane's header and line; a collapsed group's header unfolds it, and an unfolded
/// group's bracket in the label column folds it (the same command as the stage's label).
#[component]
fn LaneHeaders(p: &LaneHeadersProps) -> Html {
    let g = DiagramGeometry {
        start: SimTime::ZERO,
        span_us: 1,
        left: p.left,
        width: p.width,
        lane_height: p.lane_height,
        top: p.top,
    };
    let right = g.left + g.width;
    let lanes = p.lanes.lanes.iter().enumerate().map(|(i, lane)| {
        let y = g.lane_y(i);
        let (x, ty) = ((g.left - 10.0).to_string(), (y + 4.0).to_string());
        let header = match lane.group {
            Some(group) => {
                let onclick = p.on.reform(move |ev: MouseEvent| {
                    ev.stop_propagation();
                    Command::ToggleCollapse(group)
                });
                html! {
                    <text class="lane-name lane-group" x={x} y={ty} onclick={onclick}
                          data-testid={format!("lane-group-{group}")}>
                        <title>{ format!("{}: every member's events on one lane; click to unfold", lane.name) }</title>
                        { format!("▸ {}", lane.name) }
                    </text>
                }
            }
            None => html! { <text class="lane-name" x={x} y={ty}>{ &lane.name }</text> },
        };
        html! {
            <g class={classes!("lane", lane.group.is_some().then_some("folded"))}>
                { header }
                <line x1={g.left.to_string()} y1={y.to_string()} x2={right.to_string()} y2={y.to_string()} />
            </g>
        }
    });
    let bands = p.lanes.bands.iter().map(|b| {
        let x = g.bracket_x(b.depth);
        let half = g.lane_height / 2.0 - 3.0;
        let (y1, y2) = (g.lane_y(b.first) - half, g.lane_y(b.last) + half);
        let group = b.group;
        let onclick = p.on.reform(move |ev: MouseEvent| {
            ev.stop_propagation();
            Command::ToggleCollapse(group)
        });
        let d = format!("M{} {y1:.1}h-3V{y2:.1}h3", x + 3.0);
        html! {
            <g class="lane-band" onclick={onclick} data-testid={format!("lane-band-{group}")}>
                <title>{ format!("{}: click to fold it into one lane", b.label) }</title>
                <path class="hit" d={d.clone()} />
                <path d={d} />
            </g>
        }
    });
    html! {
        <g class="lanes">
            { for bands }
            { for lanes }
        </g>
    }
}

fn tag_class(tag: EventTag) -> &'static str {
    match tag {
        EventTag::Start => "start",
        EventTag::Send => "send",
        EventTag::Lost => "lost",
        EventTag::Cut => "cut",
        EventTag::Deliver => "deliver",
        EventTag::Arrive => "arrive",
        EventTag::Retired => "retired",
        EventTag::Dropped => "dropped",
        EventTag::Timer => "timer",
        EventTag::Action => "action",
        EventTag::Note => "note",
    }
}

//! The space-time diagram: a lane per node (or per collapsed group), an arrow per
//! message, labelled events.
//!
//! Only the events inside the time window are drawn (found by binary search in the
//! trace), each kind of mark as one path, so a run of any length draws the same few
//! dozen elements; the pointer is hit-tested against them for tooltips and clicks. The lane headers
//! are their own component: they change only with the run and its collapsed groups, so a
//! frame of 200 lanes does not draw them again.

use std::rc::Rc;

use playground_core::sim::causality::Cone;
use playground_core::sim::run::{EventInfo, EventTag};
use playground_core::sim::time::SimTime;
use yew::prelude::*;

use super::diagram_tools::Legend;
use crate::layout::labels::{callout, Rect};
use crate::layout::marks::{DiagramMarks, Focus, Hit, Label, View};
use crate::layout::repeats::RepeatKey;
use crate::layout::shapes::arrow_note;
use crate::layout::{DiagramGeometry, Lanes};
use crate::model::{Arrow, Command, PathView};

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
    /// Where two compared runs part: the instant and the sentence saying how.
    #[prop_or_default]
    pub divergence: Option<(SimTime, AttrValue)>,
    /// Where two compared runs' outcomes first differ (a verdict or a client's answer):
    /// the instant and the sentence saying how.
    #[prop_or_default]
    pub outcome: Option<(SimTime, AttrValue)>,
    /// The id of the plot's clip path (unique on the page: two diagrams when comparing).
    #[prop_or(AttrValue::Static("plot"))]
    pub clip: AttrValue,
    /// The event whose causality is shown, if any: what happened before it and after it
    /// is highlighted, what is concurrent with it dimmed.
    pub cone: Option<Rc<Cone>>,
    /// Whether repetitive messages are drawn as one mark per run, and the runs expanded
    /// (`None`, the default: every message drawn).
    #[prop_or_default]
    pub collapse: Option<Rc<Vec<RepeatKey>>>,
    /// The kinds of event in the run, when the diagram draws its legend under it (the
    /// legend's ×N key shows only when the window has a collapsed band).
    #[prop_or_default]
    pub legend: Option<Rc<Vec<EventTag>>>,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// The space-time diagram, and its legend when asked for.
#[component]
pub fn Diagram(props: &DiagramProps) -> Html {
    // Laid out in CSS pixels for the box's measured width (see DiagramGeometry::fit_width).
    let measured = use_state_eq(|| DiagramGeometry::TOTAL_WIDTH);
    let svg = use_node_ref();
    {
        let (svg, measured) = (svg.clone(), measured.clone());
        // Measured when drawn first and when the window is resized (not per frame: reading
        // a box's width forces a layout).
        use_effect_with((), move |_| {
            let measure = move || {
                // The box CSS gives it (`width: 100%` of its panel's content).
                let width = svg
                    .cast::<web_sys::Element>()
                    .map(|e| e.get_bounding_client_rect().width());
                if let Some(width) = width.filter(|w| *w > 0.0) {
                    measured.set(width.floor());
                }
            };
            measure();
            let listener = web_sys::window()
                .map(|w| gloo::events::EventListener::new(&w, "resize", move |_| measure()));
            move || drop(listener)
        });
    }
    let g = props.geometry.fit_width(*measured);
    let total = g.total_width();
    let height = g.height(props.lanes.len());
    let hover = use_state_eq(|| None::<Hit>);
    // Where compared runs part, and where their outcomes first differ: the second's text
    // is left out where it would overprint the first's (its title still names it).
    let divergence = props.divergence.as_ref().map(|(t, sentence)| TimeMark {
        kind: "divergence-mark",
        title: format!("The runs part at {sentence}"),
        text: Some(" ≠ runs part"),
        at: *t,
    });
    let mut outcome = props.outcome.as_ref().map(|(t, sentence)| TimeMark {
        kind: "outcome-mark",
        title: format!("First difference in outcome: {sentence}"),
        text: Some(" ≠ outcome"),
        at: *t,
    });
    if let (Some(d), Some(o)) = (&divergence, &mut outcome) {
        if let (Some(a), Some(b)) = (d.text_box(&g), o.text_box(&g)) {
            if a.overlaps(&b) {
                o.text = None;
            }
        }
    }
    let time_marks: Vec<TimeMark> = divergence.into_iter().chain(outcome).collect();
    let reserved: Vec<Rect> = time_marks.iter().filter_map(|m| m.text_box(&g)).collect();
    // Arrows, events and marks are drawn on a strip in absolute time, shifted as a whole
    // (see DiagramGeometry::abs_x), each kind as one path (see layout/marks.rs). Laid out
    // again only when what they show changes: not when the pointer moves over them.
    let marks = use_memo(
        (
            g,
            props.lanes.clone(),
            props.events.clone(),
            props.arrows.clone(),
            (props.shown_events, props.cursor),
            props.violations.clone(),
            (props.path.clone(), props.cone.clone()),
            props.collapse.clone(),
            reserved,
        ),
        |(
            g,
            lanes,
            events,
            arrows,
            (shown, cursor),
            violations,
            (path, cone),
            collapse,
            reserved,
        )| {
            let breaches: Vec<usize> = violations.iter().map(|v| v.0).collect();
            DiagramMarks::new(
                g,
                lanes,
                events,
                arrows,
                &View {
                    shown: *shown,
                    cursor: *cursor,
                    focus: match (path, cone) {
                        (_, Some(cone)) => Focus::Cone(cone),
                        (Some(path), None) => Focus::Path(&path.members),
                        (None, None) => Focus::None,
                    },
                    breaches: &breaches,
                    collapse: collapse.as_deref().map(Vec::as_slice),
                    reserved,
                },
            )
        },
    );

    let ticks = g.ticks().into_iter().map(|(t, text)| {
        let x = g.x(t);
        // A label centred on a tick near the right edge would run off the diagram: it
        // ends at the tick instead (about 7 px a character at 11–12 px type).
        let anchor = (x + text.len() as f64 * 3.6 > total).then_some("end");
        html! {
            <g class="tick">
                <line x1={x.to_string()} y1={(g.top - 4.0).to_string()} x2={x.to_string()} y2={height.to_string()} />
                <text class={anchor} x={x.to_string()} y={(g.top - 8.0).to_string()}>{ text }</text>
            </g>
        }
    });
    let label = |l: &Label| {
        html! { <text class={l.class} x={l.x.to_string()} y={l.y.to_string()}>{ l.text.clone() }</text> }
    };
    let arrows = marks.arrows.iter().map(|k| {
        html! {
            <g class={k.class.clone()}>
                <path class="line" d={k.lines.clone()} />
                <path class="head" d={k.heads.clone()} />
                <path class="queue-bar" d={k.bars.clone()} />
                <>{ for k.labels.iter().map(label) }</>
            </g>
        }
    });
    let repeats = marks.repeats.iter().map(|r| {
        let Rect(x0, y0, x1, y1) = r.band;
        let d = format!(
            "M{x0:.1} {y0:.1}h{:.1}v{:.1}h{:.1}z",
            x1 - x0,
            y1 - y0,
            x0 - x1
        );
        html! { <path class={r.class.clone()} d={d} data-testid="repeat" /> }
    });
    let events = marks
        .events
        .iter()
        .map(|s| html! { <path class={s.class.clone()} d={s.d.clone()} /> });

    let violations = props.violations.iter().enumerate().filter_map(|(i, (index, sentence))| {
        let e = props.events.iter().find(|e| e.index == *index)?;
        let x = g.abs_x(e.time);
        let text = marks.breach_label(*index).map(label);
        Some(html! {
            <g key={format!("{i}-{index}")} class="violation-mark" data-testid="violation-mark">
                <title>{ format!("Broke: {sentence}") }</title>
                <line x1={x.to_string()} y1={g.top.to_string()} x2={x.to_string()} y2={height.to_string()} />
                { for text }
            </g>
        })
    });
    // The mark under the pointer, else the chosen event, named in full: a label that
    // found no free place is read here.
    let chosen = props.cone.as_ref().map(|c| Hit::Event(c.chosen));
    let hovered = (*hover)
        .or(chosen)
        .and_then(|hit| hovered(props, &g, &marks, hit));

    // Where the pointer is, in the plot's units; None outside the plot. (Yew delegates
    // events, so their current target is not the diagram: it is found by its ref.)
    let pointer = {
        let svg = svg.clone();
        move |e: &MouseEvent| {
            let rect = svg.cast::<web_sys::Element>()?.get_bounding_client_rect();
            let scale = total / rect.width().max(1.0);
            let x = (f64::from(e.client_x()) - rect.left()) * scale;
            let y = (f64::from(e.client_y()) - rect.top()) * scale;
            (x >= g.left && x <= g.left + g.width).then_some((x, y))
        }
    };
    let on_click = {
        let (on, marks, pointer) = (props.on.clone(), marks.clone(), pointer.clone());
        Callback::from(move |e: MouseEvent| {
            let Some((x, y)) = pointer(&e) else { return };
            on.emit(match marks.hit(x - g.offset(), y) {
                Some(Hit::Event(index)) => Command::ShowCausality(index),
                Some(Hit::Arrow(msg)) => Command::SelectPath(msg),
                Some(Hit::Repeat(i)) => match marks.repeats.get(i) {
                    Some(r) => Command::ExpandRepeat(r.repeat.key),
                    None => return,
                },
                None => Command::Scrub(g.time_at(x)),
            });
        })
    };
    let on_move = {
        let (hover, marks) = (hover.clone(), marks.clone());
        Callback::from(move |e: MouseEvent| {
            hover.set(pointer(&e).and_then(|(x, y)| marks.hit(x - g.offset(), y)));
        })
    };
    let on_leave = {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(None))
    };
    let cursor_x = g.abs_x(props.cursor).to_string();
    let class = classes!(
        "diagram",
        props.path.is_some().then_some("has-path"),
        props.cone.is_some().then_some("has-cone"),
        (g.lane_height < 30.0).then_some("thin"),
        hover.is_some().then_some("pointing")
    );
    let legend = props.legend.clone().map(|tags| {
        html! {
            <Legend tags={tags} repeats={!marks.repeats.is_empty()} cone={props.cone.is_some()}
                    path={props.path.is_some()} parting={props.divergence.is_some()}
                    outcome={props.outcome.is_some()} />
        }
    });
    html! { <>
        <svg ref={svg} class={class} data-testid="diagram" viewBox={format!("0 0 {total} {height}")}
             width={total.to_string()} height={height.to_string()}
             role="img" aria-label="Space-time diagram" onclick={on_click} onmousemove={on_move} onmouseleave={on_leave}>
            <defs>
                <clipPath id={props.clip.clone()}><rect x={g.left.to_string()} y="0" width={g.width.to_string()} height={height.to_string()} /></clipPath>
            </defs>
            <>{ for ticks }</>
            <LaneHeaders lanes={props.lanes.clone()} left={g.left} width={g.width} top={g.top}
                         lane_height={g.lane_height} on={props.on.clone()} />
            <g clip-path={format!("url(#{})", props.clip)}>
                <g transform={format!("translate({:.3},0)", g.offset())}>
                    <g class="repeats">{ for repeats }</g>
                    <g class="arrows">{ for arrows }</g>
                    <g class="events">{ for events }</g>
                    <g class="event-labels">{ for marks.event_labels.iter().map(label) }</g>
                    <g class="marks">{ for violations }{ for time_marks.into_iter().map(|m| m.draw(&g, height)) }</g>
                    { hovered }
                    <line class="cursor" data-testid="diagram-cursor" x1={cursor_x.clone()} y1="0"
                          x2={cursor_x} y2={height.to_string()} />
                </g>
            </g>
        </svg>
        { for legend }
    </> }
}

/// A line across every lane at one instant, with a short text at its top and a sentence
/// on hover.
struct TimeMark {
    /// Its class and test id.
    kind: &'static str,
    /// The sentence read on hover.
    title: String,
    /// The text at its top, if drawn.
    text: Option<&'static str>,
    /// The instant.
    at: SimTime,
}

impl TimeMark {
    /// The baseline of every such text: above the first lane's marks.
    fn baseline(g: &DiagramGeometry) -> f64 {
        g.top + 12.0
    }

    /// Its text's box, if it has a text.
    fn text_box(&self, g: &DiagramGeometry) -> Option<Rect> {
        let chars = self.text?.chars().count();
        Some(Rect::text(g.abs_x(self.at), Self::baseline(g), chars))
    }

    fn draw(self, g: &DiagramGeometry, height: f64) -> Html {
        let x = g.abs_x(self.at).to_string();
        let y = Self::baseline(g).to_string();
        html! {
            <g class={self.kind} data-testid={self.kind} data-at={self.at.as_micros().to_string()}>
                <title>{ self.title }</title>
                <line x1={x.clone()} y1={g.top.to_string()} x2={x.clone()} y2={height.to_string()} />
                if let Some(text) = self.text {
                    <text x={x} y={y}>{ text }</text>
                }
            </g>
        }
    }
}

/// The mark under the pointer (or chosen), ringed, with a callout naming it in full.
fn hovered(
    props: &DiagramProps,
    g: &DiagramGeometry,
    marks: &DiagramMarks,
    hit: Hit,
) -> Option<Html> {
    let (title, shape, (x, y)) = match hit {
        Hit::Event(index) => {
            let e = props.events.iter().find(|e| e.index == index)?;
            let (x, y) = marks.event_at(index)?;
            let ring = html! { <circle cx={x.to_string()} cy={y.to_string()} r="8" /> };
            (e.text.clone(), ring, (x, y))
        }
        Hit::Arrow(msg) => {
            let a = props.arrows.iter().find(|a| a.msg == msg)?;
            let [x1, y1, x2, y2] = marks.arrow_at(msg)?;
            let title = format!("{}{} · click for its path", a.label, arrow_note(a.end));
            let line = html! {
                <line x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} />
            };
            (title, line, ((x1 + x2) / 2.0, (y1 + y2) / 2.0))
        }
        Hit::Repeat(i) => {
            let r = marks.repeats.get(i)?;
            let name = |lane: usize| props.lanes.lanes.get(lane).map_or("", |l| l.name.as_str());
            let (a, b) = (name(r.repeat.key.0), name(r.repeat.key.1));
            let title = format!(
                "{} messages {} between {a} and {b}, {} to {}: click to draw each",
                r.repeat.msgs.len(),
                r.repeat.kinds,
                r.repeat.first,
                r.repeat.last
            );
            let Rect(x0, y0, x1, y1) = r.band;
            let outline = html! {
                <rect x={x0.to_string()} y={y0.to_string()} width={(x1 - x0).to_string()} height={(y1 - y0).to_string()} />
            };
            (title, outline, ((x0 + x1) / 2.0, y0 + 8.0))
        }
    };
    let box_ = callout(
        g.abs_x(g.start),
        g.width,
        g.top,
        (x, y),
        title.chars().count(),
    );
    Some(html! {
        <g class="hover" data-testid="diagram-hover">
            <title>{ title.clone() }</title>{ shape }
            <g class="callout" data-testid="diagram-callout">
                <rect x={box_.0.to_string()} y={box_.1.to_string()} width={(box_.2 - box_.0).to_string()}
                      height={(box_.3 - box_.1).to_string()} rx="3" />
                <text x={(box_.0 + 5.0).to_string()} y={(box_.3 - 6.0).to_string()}>{ title }</text>
            </g>
        </g>
    })
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
            <>{ for bands }</>
            <>{ for lanes }</>
        </g>
    }
}

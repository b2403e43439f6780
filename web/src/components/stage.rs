//! The stage: groups as nested boxes, nodes placed by the run's [`StageLayout`] (computed
//! once per topology, not per frame), messages moving between them, faults drawn.

use std::collections::BTreeSet;
use std::rc::Rc;

use playground_core::sim::node::{NodeId, NodeStatus};
use playground_core::sim::scenario::PatternInfo;
use playground_core::sim::snapshot::{NodeSnapshot, Snapshot};
use playground_core::sim::time::SimTime;
use playground_core::sim::trace::MsgId;
use yew::prelude::*;

use super::stage_parts::{activate, GroupFrame, StageNode};
use crate::layout::{along_spots, message_label_box, message_label_y, Scale, Spot, StageLayout};
use crate::model::{Command, PathView};

/// What the stage shows.
#[derive(Properties, PartialEq)]
pub struct StageProps {
    /// The run at the cursor.
    pub snapshot: Rc<Snapshot>,
    /// Where everything goes.
    pub layout: Rc<StageLayout>,
    /// The pattern, whose description says how each role is drawn.
    pub pattern: &'static PatternInfo,
    /// The selected node.
    pub selected: Option<NodeId>,
    /// The selected message.
    pub selected_msg: Option<MsgId>,
    /// The selected group.
    pub selected_group: Option<usize>,
    /// Nodes picked for one side of a partition.
    pub group: BTreeSet<NodeId>,
    /// The request path shown, if any: its nodes and links light up.
    #[prop_or_default]
    pub path: Option<Rc<PathView>>,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// A wall-clock reading to the millisecond: `09:00:00.045`.
fn short_time(t: playground_core::sim::clock::WallTime) -> String {
    let text = t.to_string();
    text[..text.len().saturating_sub(3)].to_string()
}

/// The shown request path's links, each drawn once from sender to receiver.
fn path_links(path: Option<&PathView>, at: &dyn Fn(NodeId) -> Spot) -> Vec<Html> {
    path.map_or(&BTreeSet::new(), |p| &p.links)
        .iter()
        .map(|&(a, b)| {
            let (p, q) = (at(a), at(b));
            let end = along_spots(p, q, 1000);
            let p = p.center;
            html! { <line class="path-link" data-testid="path-link" x1={p.x.to_string()} y1={p.y.to_string()}
                          x2={end.x.to_string()} y2={end.y.to_string()} marker-end="url(#path-arrow)" /> }
        })
        .collect()
}

/// A stage drawn at less than this share of its own size offers "Zoom in" (a desktop's
/// 720-unit stage drawn a few pixels narrower does not).
const SHRUNK: f64 = 0.9;

/// Whether the stage is drawn smaller than its own size (its text under 10 px), measured
/// when its layout changes and when the window is resized; not while zoomed in.
#[hook]
fn use_shrunk(svg: NodeRef, layout: &StageLayout, zoomed: bool) -> bool {
    let shrunk = use_state_eq(|| false);
    {
        let shrunk = shrunk.clone();
        let size = (layout.width.to_bits(), layout.height.to_bits(), zoomed);
        use_effect_with(size, move |&(w, h, zoomed)| {
            let (w, h) = (f64::from_bits(w), f64::from_bits(h));
            let measure = move || {
                let rect = svg
                    .cast::<web_sys::Element>()
                    .map(|e| e.get_bounding_client_rect());
                if let Some(r) = rect.filter(|r| r.width() > 0.0 && !zoomed) {
                    shrunk.set((r.width() / w).min(r.height() / h) < SHRUNK);
                }
            };
            measure();
            let listener = web_sys::window()
                .map(|w| gloo::events::EventListener::new(&w, "resize", move |_| measure()));
            move || drop(listener)
        });
    }
    *shrunk
}

/// The topology view: the whole stage fitted to its box, with "Zoom in" when that draws
/// it smaller than its own size.
#[component]
pub fn Stage(props: &StageProps) -> Html {
    let snap = &props.snapshot;
    let layout = &props.layout;
    let svg = use_node_ref();
    let zoomed = use_state_eq(|| false);
    let shrunk = use_shrunk(svg.clone(), layout, *zoomed);
    let scale = layout.scale;
    let at = |id: NodeId| layout.anchor(id);
    let view_box = format!("0 0 {} {}", layout.width, layout.height);
    // Which side of a partition each cut-off node is on, once per frame.
    let sides = partition_sides(snap);

    let groups = layout.groups.iter().filter(|g| g.visible).map(|g| {
        let up = if g.collapsed {
            g.members
                .iter()
                .filter(|m| {
                    snap.nodes
                        .get(m.index())
                        .is_some_and(|n| n.status == NodeStatus::Up)
                })
                .count()
        } else {
            0
        };
        html! {
            <GroupFrame key={g.index} group={g.clone()} up={up}
                        selected={props.selected_group == Some(g.index)} on={props.on.clone()} />
        }
    });

    // At full size each cut link is drawn and labelled; at scale a partition cuts
    // hundreds of pairs, so the nodes' red outlines and one count say it instead.
    let cuts = (scale == Scale::Full).then(|| snap.cut_links.iter().filter_map(|&(a, b)| {
        let both = snap.cut_links.contains(&(b, a));
        if both && b < a {
            return None; // drawn once, from the lower id
        }
        let (p, q) = (at(a).center, at(b).center);
        let mid = along_spots(at(a), at(b), 500);
        let (class, text) = if both {
            ("cut", "✂ cut")
        } else {
            ("cut one-way", "✂ one-way")
        };
        let names = |n: NodeId| snap.nodes.get(n.index()).map_or("?", |n| n.name.as_str());
        let title = if both {
            format!("{} and {} cannot reach each other", names(a), names(b))
        } else {
            format!("{} cannot reach {}", names(a), names(b))
        };
        Some(html! {
            <g class={class} data-testid="cut-link">
                <title>{ title }</title>
                <line x1={p.x.to_string()} y1={p.y.to_string()} x2={q.x.to_string()} y2={q.y.to_string()}
                      marker-end={(!both).then_some("url(#cut-arrow)")} />
                <text x={mid.x.to_string()} y={(mid.y - 6.0).to_string()}>{ text }</text>
            </g>
        })
    })).into_iter().flatten();
    let cut_count = (scale != Scale::Full && !snap.cut_links.is_empty()).then(|| {
        html! {
            <text class="cut-count" data-testid="cut-count" x={(layout.width - 8.0).to_string()} y="14">
                { format!("✂ {} links cut", snap.cut_links.len()) }
            </text>
        }
    });

    let nodes = snap.nodes.iter().filter(|n| layout.shows(n.id)).map(|n| {
        let id = n.id;
        let spot = layout.nodes.get(id.index()).copied().unwrap_or(at(id));
        html! {
            <StageNode key={id.index()} id={id} spot={spot} scale={scale} name={AttrValue::from(n.name.clone())}
                       role={n.role} look={props.pattern.look(n.role)} status={n.status}
                       headline={AttrValue::from(n.headline.clone())}
                       trouble={n.trouble().map(|t| AttrValue::from(t.to_string()))}
                       wall={if layout.walls { AttrValue::from(short_time(n.wall_clock)) } else { AttrValue::default() }}
                       busy={n.busy} queued={n.queued} selected={props.selected == Some(id)}
                       grouped={props.group.contains(&id)} side={sides[id.index()]}
                       on_path={props.path.as_ref().is_some_and(|p| p.nodes.contains(&id))}
                       timer={(scale == Scale::Full).then(|| next_timer(n, snap.time)).flatten()}
                       on={props.on.clone()} />
        }
    });

    // Messages that have arrived but wait (the receiver is paused) are drawn as one
    // badge per receiver; the rest travel along their links.
    let mut waiting_at = vec![0usize; snap.nodes.len()];
    for m in &snap.in_flight {
        if m.progress_permille >= 1000 && !m.held {
            if let Some(w) = waiting_at.get_mut(m.to.index()) {
                *w += 1;
            }
        }
    }
    let waiting = snap.nodes.iter().filter_map(|n| {
        let count = waiting_at[n.id.index()];
        (count > 0).then(|| {
            let s = at(n.id);
            let text = if count == 1 { "1 message waits".to_string() } else { format!("{count} messages wait") };
            html! {
                <g class="waiting" data-testid={format!("waiting-{}", n.name)}>
                    <title>{ format!("{}: {text}", n.name) }</title>
                    if scale == Scale::Full {
                        <text x={s.center.x.to_string()} y={(s.center.y + s.half_h + 26.0).to_string()}>{ format!("✉ {text}") }</text>
                    } else {
                        <circle cx={(s.center.x + s.half_w).to_string()} cy={(s.center.y - s.half_h).to_string()} r="3" />
                    }
                </g>
            }
        })
    });
    let travelling = snap.in_flight.iter().filter(|m| {
        m.held || m.progress_permille < 1000 || waiting_at.get(m.to.index()).is_none_or(|w| *w == 0)
    });
    let radius = if scale == Scale::Full { "7" } else { "4" };
    // Each label stays off every node's box and caption, and off the labels placed
    // before it.
    let mut taken = layout.footprints.clone();
    let messages = travelling.map(|m| {
        let p = along_spots(at(m.from), at(m.to), m.progress_permille);
        let id = m.id;
        let onclick = props.on.reform(move |_: MouseEvent| Command::SelectMessage(id));
        let mut class = classes!("message");
        if m.held {
            class.push("held");
        }
        if props.selected_msg == Some(id) {
            class.push("selected");
        }
        let onkeydown = activate(props.on.clone(), Command::SelectMessage(id));
        let label = (scale == Scale::Full || props.selected_msg == Some(id)).then(|| {
            let text = if m.held { format!("❚❚ {}", m.label) } else { m.label.clone() };
            let chars = text.chars().count();
            let y = message_label_y(p, chars, &taken, layout.width)?;
            taken.push(message_label_box(p.x, y, chars));
            Some(html! { <text x={p.x.to_string()} y={y.to_string()}>{ text }</text> })
        }).flatten();
        html! {
            <g key={m.id.0} class={class} data-testid={format!("msg-{}", m.id.0)} onclick={onclick} onkeydown={onkeydown}
               role="button" tabindex="0"
               aria-label={format!("message {} {}", m.id, m.label)}>
                <title>{ format!("{} {} (sent {}, due {})", m.id, m.label, m.sent_at, m.due_at) }</title>
                <circle cx={p.x.to_string()} cy={p.y.to_string()} r={radius} />
                <>{ for label }</>
            </g>
        }
    });

    let mut class = classes!("stage");
    if !matches!(scale, Scale::Full | Scale::Brief) {
        class.push("at-scale");
    }
    if *zoomed {
        class.push("zoomed");
    }
    let zoom = (shrunk || *zoomed).then(|| {
        let toggle = {
            let zoomed = zoomed.clone();
            Callback::from(move |_: MouseEvent| zoomed.set(!*zoomed))
        };
        // A small square in the panel's corner, where a fitted stage leaves room.
        let (label, mark) = if *zoomed {
            ("Fit the whole stage in its panel", "⤡")
        } else {
            ("Zoom in: draw the stage at its own size (it scrolls in its panel)", "⤢")
        };
        html! {
            <button class="stage-zoom" data-testid="stage-zoom" onclick={toggle} aria-pressed={zoomed.to_string()}
                    aria-label={label} title={label}>{ mark }</button>
        }
    });
    let size = zoomed.then(|| format!("width: max(100%, {}px)", layout.width));
    html! { <>
        { for zoom }
        <svg ref={svg} class={class} style={size} data-testid="stage" viewBox={view_box} role="img"
             aria-label="Nodes and messages in flight">
            <defs>
                <marker id="cut-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7"
                        markerHeight="7" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="cut-arrow-head" />
                </marker>
                <marker id="path-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6"
                        markerHeight="6" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="path-arrow-head" />
                </marker>
            </defs>
            // Links first: a group's box covers the links inside it, so its label and
            // nodes stay readable under a balancer's fan of 200 links.
            <path class="link" d={AttrValue::from(layout.links_path.clone())} />
            <>{ for groups }</>
            <>{ for path_links(props.path.as_deref(), &at) }</>
            <>{ for cuts }</>
            <>{ for nodes }</>
            <>{ for waiting }</>
            <>{ for messages }</>
            <>{ for cut_count }</>
        </svg>
    </> }
}

/// A node's soonest pending timer: the share of its span still to run (per mille) and
/// what it is, with the time left.
fn next_timer(n: &NodeSnapshot, now: SimTime) -> Option<(u16, AttrValue)> {
    let t = n.timers.iter().find(|t| t.due_at >= now)?;
    let span = t
        .due_at
        .as_micros()
        .saturating_sub(t.set_at.as_micros())
        .max(1);
    let left = t.due_at.as_micros().saturating_sub(now.as_micros());
    let permille = (left.saturating_mul(1000) / span).min(1000) as u16;
    let text = format!("⏱ {} in {}", t.label, SimTime(left));
    Some((permille, AttrValue::from(text)))
}

/// The side of a partition each node is on (`Some(0)` for side A …), `None` for a node no
/// cut touches: nodes that can still reach each other both ways share a side, each node
/// joining the first side whose members it can all reach.
fn partition_sides(snap: &Snapshot) -> Vec<Option<u8>> {
    let cut =
        |a: NodeId, b: NodeId| snap.cut_links.contains(&(a, b)) || snap.cut_links.contains(&(b, a));
    let mut sides: Vec<Vec<NodeId>> = Vec::new();
    let mut out = vec![None; snap.nodes.len()];
    for n in &snap.nodes {
        if !snap.cut_links.iter().any(|&(a, b)| a == n.id || b == n.id) {
            continue;
        }
        let side = match sides.iter().position(|s| s.iter().all(|&m| !cut(m, n.id))) {
            Some(i) => i,
            None => {
                sides.push(Vec::new());
                sides.len() - 1
            }
        };
        sides[side].push(n.id);
        out[n.id.index()] = u8::try_from(side).ok();
    }
    out
}

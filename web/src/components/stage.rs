//! The stage: nodes laid out by role, messages moving between them, faults drawn.

use std::collections::BTreeSet;
use std::rc::Rc;

use playground_core::sim::node::{NodeId, NodeStatus};
use playground_core::sim::scenario::PatternInfo;
use playground_core::sim::snapshot::Snapshot;
use playground_core::sim::trace::MsgId;
use yew::prelude::*;

use crate::layout::{
    along, stage_positions, Point, NODE_HALF_HEIGHT, NODE_HALF_WIDTH, STAGE_HEIGHT, STAGE_WIDTH,
};
use crate::model::{Command, PathView};

/// What the stage shows.
#[derive(Properties, PartialEq)]
pub struct StageProps {
    /// The run at the cursor.
    pub snapshot: Rc<Snapshot>,
    /// The pattern, whose description says how each role is drawn.
    pub pattern: &'static PatternInfo,
    /// The selected node.
    pub selected: Option<NodeId>,
    /// The selected message.
    pub selected_msg: Option<MsgId>,
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

/// Enter or Space on a focused node or message selects it (and does not play).
fn activate(on: Callback<Command>, command: Command) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            e.stop_propagation();
            on.emit(command.clone());
        }
    })
}

/// The shown request path's links, each drawn once from sender to receiver.
fn path_links(path: Option<&PathView>, at: &dyn Fn(NodeId) -> Point) -> Vec<Html> {
    path.map_or(&BTreeSet::new(), |p| &p.links)
        .iter()
        .map(|&(a, b)| {
            let (p, q) = (at(a), at(b));
            let end = along(p, q, 1000);
            html! { <line class="path-link" data-testid="path-link" x1={p.x.to_string()} y1={p.y.to_string()}
                          x2={end.x.to_string()} y2={end.y.to_string()} marker-end="url(#path-arrow)" /> }
        })
        .collect()
}

/// The topology view.
#[component]
pub fn Stage(props: &StageProps) -> Html {
    let snap = &props.snapshot;
    let roles: Vec<&str> = snap.nodes.iter().map(|n| n.role).collect();
    let pos = stage_positions(&roles);
    let at = |id: NodeId| {
        pos.get(id.index())
            .copied()
            .unwrap_or(Point { x: 0.0, y: 0.0 })
    };
    let view_box = format!("0 0 {STAGE_WIDTH} {STAGE_HEIGHT}");

    let cuts = snap.cut_links.iter().filter_map(|&(a, b)| {
        let both = snap.cut_links.contains(&(b, a));
        if both && b < a {
            return None; // drawn once, from the lower id
        }
        let (p, q) = (at(a), at(b));
        let mid = along(p, q, 500);
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
    });

    let nodes = snap.nodes.iter().map(|n| {
        let p = at(n.id);
        let id = n.id;
        let onclick = props.on.reform(move |_: MouseEvent| Command::SelectNode(id));
        let mut class = classes!("node", n.role, n.status.word());
        if props.selected == Some(id) {
            class.push("selected");
        }
        if props.group.contains(&id) {
            class.push("grouped");
        }
        if props.path.as_ref().is_some_and(|p| p.nodes.contains(&id)) {
            class.push("on-path");
        }
        let cut_off = snap.cut_links.iter().any(|&(a, b)| a == id || b == id);
        if cut_off {
            class.push("partitioned");
        }
        let badge = match n.status {
            NodeStatus::Crashed => Some("✕ CRASHED"),
            NodeStatus::Paused => Some("❚❚ PAUSED"),
            NodeStatus::Absent => Some("○ ABSENT"),
            NodeStatus::Up if cut_off => Some("✂ PARTITIONED"),
            NodeStatus::Up => None,
        };
        let onkeydown = activate(props.on.clone(), Command::SelectNode(id));
        let look = props.pattern.look(n.role);
        let colours = format!("--role-stroke: {}; --role-fill: {}", look.stroke, look.fill);
        html! {
            <g class={class} style={colours} data-testid={format!("node-{}", n.name)} onclick={onclick} onkeydown={onkeydown}
               role="button" tabindex="0"
               aria-label={format!("{} ({}), {}, {}", n.name, n.role, n.status.word(), n.headline)}>
                <rect class="box" x={(p.x - NODE_HALF_WIDTH).to_string()} y={(p.y - NODE_HALF_HEIGHT).to_string()}
                      width={(2.0 * NODE_HALF_WIDTH).to_string()} height={(2.0 * NODE_HALF_HEIGHT).to_string()}
                      rx="12" />
                if props.group.contains(&id) {
                    <rect class="group-ring" x={(p.x - NODE_HALF_WIDTH - 6.0).to_string()}
                          y={(p.y - NODE_HALF_HEIGHT - 6.0).to_string()}
                          width={(2.0 * NODE_HALF_WIDTH + 12.0).to_string()}
                          height={(2.0 * NODE_HALF_HEIGHT + 12.0).to_string()} rx="16" />
                }
                <text class="name" x={p.x.to_string()} y={(p.y - 5.0).to_string()}>{ &n.name }</text>
                <text class="headline" x={p.x.to_string()} y={(p.y + 13.0).to_string()}>{ &n.headline }</text>
                <text class="role" x={p.x.to_string()} y={(p.y + NODE_HALF_HEIGHT + 13.0).to_string()}>
                    { format!("{} · wall {}", n.role, short_time(n.wall_clock)) }
                </text>
                if let Some(badge) = badge {
                    <text class="badge" x={p.x.to_string()} y={(p.y - NODE_HALF_HEIGHT - 6.0).to_string()}>{ badge }</text>
                }
            </g>
        }
    });

    // Messages that have arrived but wait (the receiver is paused) are drawn as one
    // badge per receiver; the rest travel along their links.
    let waiting_at = |id: NodeId| {
        snap.in_flight
            .iter()
            .filter(|m| m.to == id && m.progress_permille >= 1000 && !m.held)
            .count()
    };
    let waiting = snap.nodes.iter().filter_map(|n| {
        let count = waiting_at(n.id);
        (count > 0).then(|| {
            let p = at(n.id);
            let text = if count == 1 { "1 message waits".to_string() } else { format!("{count} messages wait") };
            html! {
                <g class="waiting" data-testid={format!("waiting-{}", n.name)}>
                    <text x={p.x.to_string()} y={(p.y + NODE_HALF_HEIGHT + 26.0).to_string()}>{ format!("✉ {text}") }</text>
                </g>
            }
        })
    });
    let travelling = snap
        .in_flight
        .iter()
        .filter(|m| m.held || m.progress_permille < 1000 || waiting_at(m.to) == 0);
    let messages = travelling.map(|m| {
        let p = along(at(m.from), at(m.to), m.progress_permille);
        let id = m.id;
        let onclick = props.on.reform(move |_: MouseEvent| Command::SelectMessage(id));
        let mut class = classes!("message");
        if m.held {
            class.push("held");
        }
        if props.selected_msg == Some(id) {
            class.push("selected");
        }
        let label = if m.held { format!("❚❚ {}", m.label) } else { m.label.clone() };
        let onkeydown = activate(props.on.clone(), Command::SelectMessage(id));
        html! {
            <g class={class} data-testid={format!("msg-{}", m.id.0)} onclick={onclick} onkeydown={onkeydown}
               role="button" tabindex="0"
               aria-label={format!("message {} {}", m.id, m.label)}>
                <title>{ format!("{} {} (sent {}, due {})", m.id, m.label, m.sent_at, m.due_at) }</title>
                <circle cx={p.x.to_string()} cy={p.y.to_string()} r="7" />
                <text x={p.x.to_string()} y={(p.y - 11.0).to_string()}>{ label }</text>
            </g>
        }
    });

    let roles = &roles;
    let links = pos.iter().enumerate().flat_map(|(i, a)| {
        pos.iter()
            .enumerate()
            .skip(i + 1)
            .filter(move |(j, _)| roles[i] != roles[*j])
            .map(move |(_, b)| {
                html! { <line class="link" x1={a.x.to_string()} y1={a.y.to_string()}
                x2={b.x.to_string()} y2={b.y.to_string()} /> }
            })
    });

    html! {
        <svg class="stage" data-testid="stage" viewBox={view_box} role="img"
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
            { for links }
            { for path_links(props.path.as_deref(), &at) }
            { for cuts }
            { for nodes }
            { for waiting }
            { for messages }
        </svg>
    }
}

//! The inspector: the selected node's state at the cursor, its fault menu and the
//! pattern's actions for it, the selected group's menu, the selected message's menu, and
//! the partition tools.

use std::collections::BTreeSet;
use std::rc::Rc;

use playground_core::sim::action::Action;
use playground_core::sim::clock::MAX_DRIFT_PPM;
use playground_core::sim::node::NodeId;
use playground_core::sim::scenario::VerbSpec;
use playground_core::sim::snapshot::Snapshot;
use playground_core::sim::trace::MsgId;
use yew::prelude::*;

use super::actions::{fault_buttons, group_menu, membership, GroupSummary, VerbForm};
use crate::model::Command;

/// What the inspector shows.
#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    /// The run at the cursor.
    pub snapshot: Rc<Snapshot>,
    /// The selected node.
    pub selected: Option<NodeId>,
    /// The selected message.
    pub selected_msg: Option<MsgId>,
    /// Nodes picked for one side of a partition.
    pub group: BTreeSet<NodeId>,
    /// The selected group, for its menu.
    pub topology_group: Option<GroupSummary>,
    /// The pattern's own actions.
    pub verbs: &'static [VerbSpec],
    /// Where commands go.
    pub on: Callback<Command>,
}

fn act(on: &Callback<Command>, action: Action<String>) -> Callback<MouseEvent> {
    on.reform(move |_: MouseEvent| Command::Act(action.clone()))
}

/// The inspector panel.
#[component]
pub fn Inspector(props: &InspectorProps) -> Html {
    let snap = &props.snapshot;
    let on = &props.on;
    let message = props
        .selected_msg
        .and_then(|id| snap.in_flight.iter().find(|m| m.id == id));
    let node = props.selected.and_then(|id| snap.nodes.get(id.index()));

    let message_view = message.map(|m| {
        let name = |id: NodeId| snap.nodes.get(id.index()).map_or("?".to_string(), |n| n.name.clone());
        html! {
            <div class="inspect message" data-testid="message-menu">
                <h3>{ format!("Message {}", m.id) }</h3>
                <p>{ format!("{} → {}: {}", name(m.from), name(m.to), m.label) }</p>
                <p class="muted">{ format!("sent {}, due {}{}", m.sent_at, m.due_at, if m.held { ", held" } else { "" }) }</p>
                <div class="buttons">
                    <button data-testid="drop-message" onclick={act(on, Action::Drop(m.id))}>{ "✕ Drop it" }</button>
                    <button data-testid="delay-message" onclick={act(on, Action::Delay { msg: m.id, by_us: 10_000 })}>{ "Delay +10 ms" }</button>
                    if m.held {
                        <button data-testid="release-message" onclick={act(on, Action::Release(m.id))}>{ "▶ Release" }</button>
                    } else {
                        <button data-testid="hold-message" onclick={act(on, Action::Hold(m.id))}>{ "❚❚ Hold" }</button>
                    }
                </div>
            </div>
        }
    });

    let node_view = node.map(|n| {
        let name = n.name.clone();
        let id = n.id;
        let fields = n.fields.iter().map(|(k, v)| html! { <><dt>{ *k }</dt><dd>{ v }</dd></> });
        let timers = n.timers.iter().map(|t| html! {
            <><dt>{ "timer" }</dt><dd data-testid="node-timer">{ format!("{} fires at {} (set at {})", t.label, t.due_at, t.set_at) }</dd></>
        });
        let skew = |delta_us: i64| act(on, Action::SkewClock { node: name.clone(), delta_us });
        let drift = |change: i64| {
            let ppm = (n.drift_ppm + change).clamp(-MAX_DRIFT_PPM, MAX_DRIFT_PPM);
            act(on, Action::SetDrift { node: name.clone(), ppm })
        };
        let in_group = props.group.contains(&id);
        let verbs = props.verbs.iter().filter(|v| v.applies_to(n.role)).map(|v| {
            html! { <VerbForm key={format!("{}.{}", n.name, v.name)} node={AttrValue::from(n.name.clone())} spec={*v} on={on.clone()} /> }
        });
        html! {
            <div class="inspect node" data-testid="node-menu">
                <h3>{ format!("{} · {}", n.name, n.role) }</h3>
                <dl>
                    <dt>{ "status" }</dt><dd data-testid="node-status">{ n.status.word() }</dd>
                    <dt>{ "wall clock" }</dt>
                    <dd data-testid="wall-clock">{ format!("{} (skew {:+.3} ms, drift {:+} ppm)", n.wall_clock, n.skew_us as f64 / 1000.0, n.drift_ppm) }</dd>
                    { for fields }
                    { for timers }
                </dl>
                <div class="buttons">
                    { fault_buttons(on, &n.name, n.status, "") }
                    { membership(on, &n.name, n.status) }
                    <button data-testid="skew-back" onclick={skew(-10_000)}>{ "Clock −10 ms" }</button>
                    <button data-testid="skew-ahead" onclick={skew(10_000)}>{ "Clock +10 ms" }</button>
                    <button data-testid="drift-slower" onclick={drift(-10_000)}>{ "Drift −1%" }</button>
                    <button data-testid="drift-faster" onclick={drift(10_000)}>{ "Drift +1%" }</button>
                    <button data-testid="toggle-group" aria-pressed={in_group.to_string()}
                            onclick={on.reform(move |_: MouseEvent| Command::ToggleGroup(id))}>
                        { if in_group { "− Remove from partition side" } else { "+ Add to partition side" } }
                    </button>
                </div>
                <div class="verbs" data-testid="verbs">{ for verbs }</div>
            </div>
        }
    });

    let group_names: Vec<&str> = props
        .group
        .iter()
        .filter_map(|id| snap.nodes.get(id.index()).map(|n| n.name.as_str()))
        .collect();
    let partition = html! {
        <div class="inspect partition" data-testid="partition-tools">
            <h3>{ "Partition" }</h3>
            <p class="muted">
                { if group_names.is_empty() {
                    "Pick nodes for one side with “Add to partition side”.".to_string()
                } else {
                    format!("One side: {}", group_names.join(", "))
                } }
            </p>
            <div class="buttons">
                <button data-testid="partition-both" disabled={group_names.is_empty()}
                        onclick={on.reform(|_: MouseEvent| Command::PartitionGroup { one_way: false })}>{ "✂ Cut off (both ways)" }</button>
                <button data-testid="partition-oneway" disabled={group_names.is_empty()}
                        onclick={on.reform(|_: MouseEvent| Command::PartitionGroup { one_way: true })}>{ "✂ Cut outgoing only" }</button>
                <button data-testid="heal" disabled={snap.cut_links.is_empty()} onclick={act(on, Action::Heal)}>{ "Heal all" }</button>
            </div>
        </div>
    };

    html! {
        <section class="panel inspector" data-testid="inspector">
            <h2>{ "Inspector" }</h2>
            <>{ for message_view }</>
            <>{ for node_view }</>
            <>{ for props.topology_group.as_ref().map(|g| group_menu(on, g)) }</>
            if message.is_none() && node.is_none() && props.topology_group.is_none() {
                <p class="hint">{ "Click a node on the stage (or an event in the diagram) to see its state at this instant and to crash, pause or skew it. Click a message to drop, delay or hold it." }</p>
            }
            { partition }
        </section>
    }
}

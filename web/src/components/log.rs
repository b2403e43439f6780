//! The event log: trace lines around the cursor, filterable by node and kind.

use std::rc::Rc;

use playground_core::sim::node::NodeId;
use playground_core::sim::run::EventTag;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::model::{Command, LogRow};

/// The kinds a person can filter on, with their labels.
const KINDS: &[(EventTag, &str)] = &[
    (EventTag::Send, "sends"),
    (EventTag::Arrive, "arrivals"),
    (EventTag::Deliver, "deliveries"),
    (EventTag::Lost, "lost"),
    (EventTag::Dropped, "dropped"),
    (EventTag::Timer, "timers"),
    (EventTag::Note, "pattern events"),
    (EventTag::Action, "actions"),
    (EventTag::Start, "starts"),
    (EventTag::Retired, "retired"),
];

/// What the log shows.
#[derive(Properties, PartialEq)]
pub struct LogProps {
    /// Rows around the cursor.
    pub rows: Rc<Vec<LogRow>>,
    /// Node names, for the node filter.
    pub names: Rc<Vec<String>>,
    /// The node filter.
    pub node: Option<NodeId>,
    /// Which kinds are hidden.
    pub hidden: Rc<Vec<EventTag>>,
    /// The panel's element (watched for whether it is in view).
    #[prop_or_default]
    pub panel: NodeRef,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// The event log.
#[component]
pub fn EventLog(props: &LogProps) -> Html {
    let on_node = props.on.reform(|e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        Command::FilterNode(select.value().parse::<u32>().ok().map(NodeId))
    });
    let kinds = KINDS.iter().map(|&(tag, label)| {
        let shown = !props.hidden.contains(&tag);
        let onchange = props
            .on
            .reform(move |_: Event| Command::FilterKind(tag, !shown));
        html! {
            <label class="kind">
                <input type="checkbox" checked={shown} onchange={onchange}
                       data-testid={format!("log-kind-{label}")} />{ label }
            </label>
        }
    });
    let rows = props.rows.iter().map(|row| {
        let index = row.index;
        let onclick = props.on.reform(move |_: MouseEvent| Command::JumpToEvent(index));
        let class = classes!(row.future.then_some("future"), row.current.then_some("current"));
        let path = row.msg.map(|msg| {
            let onclick = props.on.reform(move |e: MouseEvent| {
                e.stop_propagation();
                Command::SelectPath(msg)
            });
            html! {
                <button class="path-button" onclick={onclick} data-testid="log-path"
                        title="Show this request's whole path">{ "⇢ path" }</button>
            }
        });
        html! {
            <li class={class} onclick={onclick} data-testid="log-row" aria-current={row.current.then_some("true")}>
                <span class="marker">{ if row.current { "▶" } else { " " } }</span>{ &row.text }<>{ for path }</>
            </li>
        }
    });
    html! {
        <section class="panel log" data-testid="log" ref={props.panel.clone()}>
            <h2>{ "Event log" }</h2>
            <div class="filters">
                <label>{ "Node " }
                    <select onchange={on_node} data-testid="log-node">
                        <option value="all" selected={props.node.is_none()}>{ "all" }</option>
                        { for props.names.iter().enumerate().map(|(i, n)| html! {
                            <option value={i.to_string()} selected={props.node == Some(NodeId(i as u32))}>{ n }</option>
                        }) }
                    </select>
                </label>
                { for kinds }
            </div>
            <ol class="rows">{ for rows }</ol>
            <p class="hint">{ "Click a line to show that instant, “⇢ path” to follow its request. Greyed lines have not happened yet." }</p>
        </section>
    }
}

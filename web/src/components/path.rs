//! The request path panel: every hop of the picked request (sender → receiver, message,
//! sent, delivered, the hop's time) and the end-to-end time.

use std::rc::Rc;

use playground_core::sim::node::NodeId;
use playground_core::sim::time::SimTime;
use yew::prelude::*;

use crate::model::{Command, PathView};

/// The most hops listed (a long chain of causes lists its first ones).
const MAX_ROWS: usize = 40;

/// What the path panel shows.
#[derive(Properties, PartialEq)]
pub struct PathPanelProps {
    /// The path.
    pub path: Rc<PathView>,
    /// Node names, in node order.
    pub names: Rc<Vec<String>>,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// A duration in µs, as the times are written (`1.250ms`).
fn took(us: Option<u64>) -> String {
    us.map_or_else(|| "–".to_string(), |us| SimTime(us).to_string())
}

/// The picked request's path, hop by hop.
#[component]
pub fn PathPanel(props: &PathPanelProps) -> Html {
    let path = &props.path;
    let name = |id: NodeId| props.names.get(id.index()).map_or("?", String::as_str);
    let rows = path.hops.iter().take(MAX_ROWS).map(|h| {
        let sent = h.sent;
        let onclick = props.on.reform(move |_: MouseEvent| Command::Scrub(sent));
        let end = match h.end {
            Some((t, true)) => t.to_string(),
            Some((t, false)) => format!("dropped {t}"),
            None => "never".to_string(),
        };
        let waited = h
            .at_node_us()
            .map(|us| format!(" ({} at the node)", SimTime(us)));
        html! {
            <tr class={classes!((h.msg == path.picked).then_some("picked"))} data-testid="path-hop">
                <td><button class="link" onclick={onclick} title="Show the instant it was sent">{ h.msg.to_string() }</button></td>
                <td>{ name(h.from) }{ " → " }{ name(h.to) }</td>
                <td class="label">{ &h.label }</td>
                <td>{ sent.to_string() }</td>
                <td>{ end }</td>
                <td>{ took(h.took_us()) }{ waited }</td>
            </tr>
        }
    });
    let more = path.hops.len().saturating_sub(MAX_ROWS);
    let hops = path.hops.len();
    html! {
        <section class="panel path-panel" data-testid="path-panel">
            <div class="panel-head">
                <h2>{ format!("Path of {}", path.picked) }</h2>
                <span class="muted" data-testid="path-total">
                    { format!("{hops} message{}; end to end {}", if hops == 1 { "" } else { "s" }, took(path.latency_us)) }
                </span>
                <span class="spacer"></span>
                <button data-testid="path-clear" onclick={props.on.reform(|_: MouseEvent| Command::ClearPath)}>{ "✕ Clear" }</button>
            </div>
            <div class="path-table">
                <table>
                    <thead><tr><th>{ "msg" }</th><th>{ "from → to" }</th><th>{ "message" }</th><th>{ "sent" }</th><th>{ "delivered" }</th><th>{ "hop took" }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            if more > 0 {
                <p class="hint">{ format!("… and {more} more messages caused by it.") }</p>
            }
            <p class="hint">{ "A path starts at a message sent by a timer, a start or an action, and follows every message a delivery caused. Its arrows are highlighted in the diagram and its links on the stage." }</p>
        </section>
    }
}

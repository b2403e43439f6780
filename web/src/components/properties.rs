//! The invariants panel: each property holding or broken at the cursor. A breach is shown
//! once the cursor has passed it, never before; "Run on" goes to the first breach still
//! ahead, or to the end of the run when none is.

use std::rc::Rc;

use playground_core::sim::checker::PropertyKind;
use playground_core::sim::time::SimTime;
use yew::prelude::*;

use crate::model::{Command, PropertyRow};

/// What the panel shows.
#[derive(Properties, PartialEq)]
pub struct PropertiesProps {
    /// Every property and its status.
    pub rows: Rc<Vec<PropertyRow>>,
    /// When the run ends.
    pub end: SimTime,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// The invariants panel.
#[component]
pub fn Properties(props: &PropertiesProps) -> Html {
    let rows = props.rows.iter().enumerate().map(|(i, row)| {
        let kind = match row.kind {
            PropertyKind::Guarantee => "guarantee",
            PropertyKind::Contrast => "contrast",
        };
        let (class, icon, status) = match &row.violated {
            Some(_) => ("violated", "✗", "VIOLATED"),
            None => ("holds", "✓", "holds so far"),
        };
        let jump = match &row.violated {
            Some(v) => {
                let event = v.event;
                let onclick = props.on.reform(move |_: MouseEvent| Command::JumpToEvent(event));
                html! {
                    <div class="violation">
                        <p data-testid={format!("violation-detail-{i}")}>{ format!("At {}: {}", v.time, v.detail) }</p>
                        <button onclick={onclick} data-testid={format!("show-violation-{i}")}>{ "Show the event" }</button>
                    </div>
                }
            }
            None => {
                let target = match &row.breaks_later {
                    Some(v) => Command::JumpToEvent(v.event),
                    None => Command::Scrub(props.end),
                };
                let onclick = props.on.reform(move |_: MouseEvent| target.clone());
                html! {
                    <button class="run-on" onclick={onclick} data-testid={format!("run-on-{i}")}
                            title="Go to the first breach of this property still ahead, or to the end of the run if it holds">
                        { "Run on until it breaks ▶▶" }
                    </button>
                }
            }
        };
        html! {
            <li class={classes!("property", class)} data-testid={format!("property-{i}")} data-status={class}>
                <span class="status"><span aria-hidden="true">{ icon }</span>{ " " }{ status }</span>
                <span class={classes!("kind", kind)}>{ kind }</span>
                <p>{ row.sentence }</p>
                { jump }
            </li>
        }
    });
    html! {
        <section class="panel properties" data-testid="invariants">
            <h2>{ "Invariants" }</h2>
            <p class="hint">{ "Checked after every step. A guarantee is what the pattern promises; a contrast is what a naive approach would need, shown breaking." }</p>
            <ul>{ for rows }</ul>
        </section>
    }
}

//! The invariants panel: each property holding or broken at the cursor.

use std::rc::Rc;

use playground_core::sim::checker::PropertyKind;
use yew::prelude::*;

use crate::model::{Command, PropertyRow};

/// What the panel shows.
#[derive(Properties, PartialEq)]
pub struct PropertiesProps {
    /// Every property and its status.
    pub rows: Rc<Vec<PropertyRow>>,
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
        let (class, icon, status) = match (&row.violated, &row.breaks_later) {
            (Some(_), _) => ("violated", "✗", "VIOLATED".to_string()),
            (None, Some(v)) => ("holds", "✓", format!("holds so far (breaks at {})", v.time)),
            (None, None) => ("holds", "✓", "holds".to_string()),
        };
        let jump = row.violated.as_ref().or(row.breaks_later.as_ref()).map(|v| {
            let event = v.event;
            let onclick = props.on.reform(move |_: MouseEvent| Command::JumpToEvent(event));
            html! {
                <div class="violation">
                    <p data-testid={format!("violation-detail-{i}")}>{ format!("At {}: {}", v.time, v.detail) }</p>
                    <button onclick={onclick} data-testid={format!("show-violation-{i}")}>{ "Show the event" }</button>
                </div>
            }
        });
        html! {
            <li class={classes!("property", class)} data-testid={format!("property-{i}")} data-status={class}>
                <span class="status"><span aria-hidden="true">{ icon }</span>{ " " }{ status }</span>
                <span class={classes!("kind", kind)}>{ kind }</span>
                <p>{ row.sentence }</p>
                <>{ for jump }</>
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

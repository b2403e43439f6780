//! The run's status beside the play controls: each invariant as a chip (holds, or broke
//! at a time; a broken one jumps to its event) and each mechanism switch the story offers
//! as a toggle, so the lesson and the switch that breaks it are in view while playing.
//! A chip names its property by its short id; the sentence is its tooltip and stands in
//! the invariants panel. A contrast (what goes wrong without the mechanism, expected to
//! break) says so on the chip. A breach is shown once the cursor has passed it, never before.

use std::rc::Rc;

use playground_core::sim::checker::PropertyKind;
use playground_core::sim::scenario::SwitchSpec;
use yew::prelude::*;

use crate::model::{Command, PropertyRow};

/// What the strip shows.
#[derive(Properties, PartialEq)]
pub struct StatusProps {
    /// Every property and its status at the cursor.
    pub rows: Rc<Vec<PropertyRow>>,
    /// The switches the story offers, and whether each is on.
    pub switches: Rc<Vec<(SwitchSpec, bool)>>,
    /// Which run, when two are compared ("A" or "B").
    #[prop_or_default]
    pub run: Option<AttrValue>,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// The status strip.
#[component]
pub fn StatusStrip(props: &StatusProps) -> Html {
    let chips = props.rows.iter().enumerate().map(|(i, row)| {
        let contrast = row.kind == PropertyKind::Contrast;
        let (class, icon, status) = match &row.violated {
            Some(v) => ("violated", "✗", format!("broke at {}", v.time)),
            None => ("holds", "✓", "holds".to_string()),
        };
        let kind = if contrast { "contrast" } else { "guarantee" };
        let class = classes!("chip", class, contrast.then_some("contrast"));
        let title = format!("{kind}: {}", row.sentence);
        let inner = html! {
            <>
                <span class="chip-status"><span aria-hidden="true">{ icon }</span>{ " " }{ status }</span>
                if contrast {
                    <span class="chip-kind">{ "contrast" }</span>
                }
                <span class="chip-text">{ row.id.replace('-', " ") }</span>
            </>
        };
        let testid = format!("chip-{i}");
        // A breach is a way to its event; a property that holds is only a status.
        let chip = match &row.violated {
            Some(v) => {
                let event = v.event;
                let onclick = props.on.reform(move |_: MouseEvent| Command::JumpToEvent(event));
                html! { <button {class} data-testid={testid} data-status="violated" {title} {onclick}>{ inner }</button> }
            }
            None => html! { <span {class} data-testid={testid} data-status="holds" {title}>{ inner }</span> },
        };
        html! { <li>{ chip }</li> }
    });
    let switches = props.switches.iter().map(|(spec, on)| {
        let (name, now) = (spec.name.to_string(), *on);
        let onclick = props
            .on
            .reform(move |_: MouseEvent| Command::SetSwitch(name.clone(), !now));
        html! {
            <li>
                <button class={classes!("chip", "toggle", (!on).then_some("off"))}
                        aria-pressed={on.to_string()} onclick={onclick}
                        data-testid={format!("toggle-{}", spec.name)}
                        title={if *on { format!("{} — on. Off: {}", spec.label, spec.when_off) } else { format!("{} — OFF: {}", spec.label, spec.when_off) }}>
                    <span class="chip-status">{ if *on { "on" } else { "OFF" } }</span>
                    <span class="chip-text">{ spec.label }</span>
                </button>
            </li>
        }
    });
    html! {
        <section class="panel status-strip" data-testid="status-strip" aria-label="Run status">
            <div class="strip-row">
                <h2>
                    if let Some(run) = &props.run {
                        <span class={classes!("run-key", format!("run-{}", run.to_lowercase()))}>{ run.clone() }</span>{ " " }
                    }
                    { "Invariants" }
                </h2>
                <ul class="chips" aria-live="polite">{ for chips }</ul>
            </div>
            if !props.switches.is_empty() {
                <div class="strip-row">
                    <h2>{ "Mechanism" }</h2>
                    <ul class="chips">{ for switches }</ul>
                </div>
            }
        </section>
    }
}

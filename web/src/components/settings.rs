//! Scenario settings: parameters, mechanism switches, and the network's links.

use std::rc::Rc;

use playground_core::sim::scenario::{ParamSpec, SwitchSpec};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::model::Command;

/// What the settings show.
#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    /// The scenario's parameters with their current values.
    pub params: Vec<(ParamSpec, i64)>,
    /// The pattern's switches and whether each is on.
    pub switches: Rc<Vec<(SwitchSpec, bool)>>,
    /// Every link's longest latency at the cursor, in milliseconds.
    pub latency_ms: u64,
    /// Every link's loss at the cursor, in percent.
    pub loss_percent: u32,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// The settings panel.
#[component]
pub fn Settings(props: &SettingsProps) -> Html {
    let switches = props.switches.iter().map(|(spec, on)| {
        let name = spec.name.to_string();
        let checked = *on;
        let onchange = props
            .on
            .reform(move |_: Event| Command::SetSwitch(name.clone(), !checked));
        html! {
            <li class={classes!("switch", (!on).then_some("off"))}>
                <label>
                    <input type="checkbox" checked={*on} onchange={onchange}
                           data-testid={format!("switch-{}", spec.name)} />
                    <strong>{ spec.label }</strong>{ if *on { " (on)" } else { " (OFF)" } }
                </label>
                <p class="muted">{ format!("Off: {}", spec.when_off) }</p>
            </li>
        }
    });
    let params = props.params.iter().map(|(spec, value)| {
        let name = spec.name.to_string();
        let (min, max) = (spec.min, spec.max);
        let onchange = props.on.reform(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            Command::TypeParam(name.clone(), input.value())
        });
        html! {
            <label class="param">
                { spec.label }
                <input type="number" min={min.to_string()} max={max.to_string()} step={spec.step.to_string()} value={value.to_string()}
                       onchange={onchange} data-testid={format!("param-{}", spec.name)} />
                <span class="muted">{ format!("{} ({})", spec.unit, spec.allowed()) }</span>
            </label>
        }
    });
    let (latency, loss) = (props.latency_ms, props.loss_percent);
    let on_latency = props.on.reform(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let latency_ms = input.value().parse().unwrap_or(latency);
        Command::SetLinks {
            latency_ms,
            loss_percent: loss,
        }
    });
    let on_loss = props.on.reform(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let loss_percent = input.value().parse().unwrap_or(loss);
        Command::SetLinks {
            latency_ms: latency,
            loss_percent,
        }
    });
    html! {
        <section class="panel settings" data-testid="settings">
            <h2>{ "Mechanism" }</h2>
            if props.switches.is_empty() {
                <p class="muted" data-testid="no-switch">
                    { "This story offers no switch: switching its pattern's mechanism off would                        break nothing here. The pattern's other stories show what it prevents." }
                </p>
            } else {
                <ul class="switches">{ for switches }</ul>
            }
            <h2>{ "Scenario" }</h2>
            <div class="params">{ for params }</div>
            <h2>{ "Network (from the cursor on)" }</h2>
            <label class="slider">{ format!("Latency up to {latency} ms") }
                <input type="range" min="1" max="100" value={latency.to_string()} onchange={on_latency}
                       data-testid="latency" />
            </label>
            <label class="slider">{ format!("Loss {loss} %") }
                <input type="range" min="0" max="50" value={loss.to_string()} onchange={on_loss}
                       data-testid="loss" />
            </label>
        </section>
    }
}

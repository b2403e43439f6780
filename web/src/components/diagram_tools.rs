//! What sits around the space-time diagram: the lane filter, the switch that collapses
//! repetitive messages, and the legend of the marks this run draws.

use std::collections::BTreeSet;
use std::rc::Rc;

use playground_core::sim::node::NodeId;
use playground_core::sim::run::EventTag;
use yew::prelude::*;

use crate::layout::shapes::{event_class, head, shape};
use crate::model::Command;

/// What the lane filter and the repeats switch show.
#[derive(Properties)]
pub struct DiagramToolsProps {
    /// Every node's name, by index.
    pub names: Rc<Vec<String>>,
    /// The nodes whose lanes are hidden.
    pub hidden: Rc<BTreeSet<usize>>,
    /// Messages in the window to or from a hidden lane (not drawn).
    pub hidden_messages: usize,
    /// Whether repetitive messages are collapsed.
    pub collapse: bool,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// Every callback reaches the same page: compared without it.
impl PartialEq for DiagramToolsProps {
    fn eq(&self, o: &Self) -> bool {
        (
            &self.names,
            &self.hidden,
            self.hidden_messages,
            self.collapse,
        ) == (&o.names, &o.hidden, o.hidden_messages, o.collapse)
    }
}

/// The lane filter (a checkbox per node, folded away) and the repeats switch.
#[component]
pub fn DiagramTools(p: &DiagramToolsProps) -> Html {
    let n = p.names.len();
    let shown = n - p.hidden.len().min(n);
    let summary = if p.hidden.is_empty() {
        format!("Lanes: all {n} shown")
    } else {
        format!("Lanes: {shown} of {n} shown")
    };
    let boxes = p.names.iter().enumerate().map(|(i, name)| {
        let node = NodeId(i as u32);
        html! {
            <label class="lane-choice">
                <input type="checkbox" checked={!p.hidden.contains(&i)}
                       data-testid={format!("lane-toggle-{name}")}
                       onchange={p.on.reform(move |_: Event| Command::ToggleLane(node))} />
                { name }
            </label>
        }
    });
    let dropped = (p.hidden_messages > 0).then(|| {
        html! {
            <span class="muted" data-testid="hidden-messages">
                { format!("{} messages to or from hidden lanes not drawn", p.hidden_messages) }
            </span>
        }
    });
    html! {
        <div class="diagram-tools">
            <details class="lane-filter" data-testid="lane-filter">
                <summary>{ summary }</summary>
                <div class="lane-choices">
                    <>{ for boxes }</>
                    <button data-testid="lanes-all" disabled={p.hidden.is_empty()}
                            onclick={p.on.reform(|_: MouseEvent| Command::ShowAllLanes)}>{ "Show all" }</button>
                </div>
            </details>
            <>{ for dropped }</>
            <label class="repeats-switch" title="Runs of the same message between two lanes, sent at a steady pace with nothing else between them, drawn as one band (×12 hb); click a band to draw its messages">
                <input type="checkbox" checked={p.collapse} data-testid="collapse-repeats"
                       onchange={p.on.reform(|_: Event| Command::ToggleRepeats)} />
                { "Collapse repetitive messages" }
            </label>
        </div>
    }
}

/// What the legend shows.
#[derive(Properties, PartialEq)]
pub struct LegendProps {
    /// The kinds of event in this run.
    pub tags: Rc<Vec<EventTag>>,
    /// Whether the drawn window has a band of collapsed repetitive messages.
    pub repeats: bool,
    /// Whether an event's causality is shown.
    pub cone: bool,
    /// Whether a request's path is shown.
    pub path: bool,
    /// Whether two compared runs part (marked where they do).
    #[prop_or_default]
    pub parting: bool,
    /// Whether their outcomes differ (marked where they first do).
    #[prop_or_default]
    pub outcome: bool,
}

/// One sample mark and what it means.
fn key(testid: &'static str, sample: Html, text: &'static str) -> Html {
    html! {
        <li data-testid={testid}>
            <svg width="26" height="18" viewBox="0 0 26 18" aria-hidden="true">{ sample }</svg>
            { text }
        </li>
    }
}

/// An arrow sample of group class `class`.
fn arrow(class: &'static str) -> Html {
    let mut heads = String::new();
    head(&mut heads, 2.0, 4.0, 24.0, 14.0, 7.0);
    html! {
        <g class={class}><path class="line" d="M2 4L24 14" /><path class="head" d={heads} /></g>
    }
}

/// An event sample of kind `tag` (and extra classes, e.g. `" future"`).
fn event(tag: EventTag, extra: &'static str) -> Html {
    let mut d = String::new();
    shape(&mut d, tag, 13.0, 9.0);
    html! { <path class={[event_class(tag), extra].concat()} d={d} /> }
}

/// The legend: only the marks this run draws.
#[component]
pub fn Legend(p: &LegendProps) -> Html {
    let has = |t: EventTag| p.tags.contains(&t);
    let mut keys = Vec::new();
    if has(EventTag::Send) {
        keys.push(key("legend-message", arrow("arrow"), "message"));
    }
    let events: [(EventTag, &str, &str); 7] = [
        (EventTag::Start, "legend-start", "node started"),
        (EventTag::Send, "legend-send", "sent"),
        (EventTag::Deliver, "legend-deliver", "received"),
        (EventTag::Timer, "legend-timer", "timer fired"),
        (EventTag::Note, "legend-note", "the pattern's event"),
        (
            EventTag::Action,
            "legend-action",
            "an action (yours or the story's)",
        ),
        (EventTag::Retired, "legend-retired", "left the run"),
    ];
    for (tag, id, text) in events {
        if has(tag) {
            keys.push(key(id, event(tag, ""), text));
        }
    }
    if has(EventTag::Arrive) {
        let sample = html! {
            <>{ event(EventTag::Arrive, "") }<path class="queue-bar" d="M13 9H25" /></>
        };
        keys.push(key(
            "legend-arrive",
            sample,
            "reached a busy node; the bar: its wait and service",
        ));
    }
    if has(EventTag::Lost) || has(EventTag::Cut) {
        let sample = html! { <><g class="arrow lost"><path class="line" d="M2 3L16 13" /></g>{ event(EventTag::Lost, "") }</> };
        keys.push(key("legend-lost", sample, "lost, or cut by a partition"));
    }
    if has(EventTag::Dropped) {
        keys.push(key("legend-dropped", arrow("arrow dropped"), "dropped"));
    }
    keys.push(key(
        "legend-future",
        event(EventTag::Note, " future"),
        "yet to happen (hollow)",
    ));
    if p.repeats {
        let sample = html! { <path class="repeat" d="M2 2h22v14h-22z" /> };
        keys.push(key(
            "legend-repeat",
            sample,
            "×N: repeated messages (click to draw each)",
        ));
    }
    if p.cone {
        keys.push(key(
            "legend-before",
            arrow("arrow before"),
            "happened before",
        ));
        keys.push(key("legend-after", arrow("arrow after"), "happened after"));
    }
    if p.path {
        keys.push(key(
            "legend-path",
            arrow("arrow on-path"),
            "the request's path",
        ));
    }
    let across = |class: &'static str| {
        html! { <g class={class}><line x1="13" y1="1" x2="13" y2="17" /></g> }
    };
    if p.parting {
        keys.push(key(
            "legend-divergence",
            across("divergence-mark"),
            "≠ runs part: the first event that differs",
        ));
    }
    if p.outcome {
        keys.push(key(
            "legend-outcome",
            across("outcome-mark"),
            "≠ outcome: the first verdict or answer that differs",
        ));
    }
    html! {
        <ul class="diagram diagram-legend" data-testid="diagram-legend" aria-label="Legend">
            <>{ for keys }</>
        </ul>
    }
}

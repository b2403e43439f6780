//! The export panel: the run as JSON, the diagram as SVG, the events as a ShiViz log, the
//! run as a Rust test (shown, to copy), and opening a JSON export again.

use yew::prelude::*;

use crate::files;
use crate::model::{Command, ExportKind};

/// What the panel shows.
#[derive(Properties, PartialEq)]
pub struct TransferProps {
    /// The Rust test exported last, while it is shown.
    pub test: Option<AttrValue>,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// The export panel.
#[component]
pub fn Transfer(props: &TransferProps) -> Html {
    let on = &props.on;
    let button = |kind: ExportKind,
                  label: &'static str,
                  testid: &'static str,
                  title: &'static str| {
        html! {
            <button onclick={on.reform(move |_: MouseEvent| Command::Export(kind))} data-testid={testid} {title}>{ label }</button>
        }
    };
    let onchange = {
        let on = on.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                let on = on.clone();
                files::read_export(&input, move |fields| on.emit(Command::Import(fields)));
            }
        })
    };
    html! {
        <section class="panel transfer" data-testid="transfer">
            <h2>{ "Take this run elsewhere" }</h2>
            <div class="buttons">
                { button(ExportKind::Json, "Run as JSON", "export-json", "Session, fingerprint, every event, violations and metric series (schema in README.md)") }
                { button(ExportKind::Svg, "Diagram as SVG", "export-svg", "The space-time diagram as drawn, styles inlined") }
                { button(ExportKind::ShiViz, "ShiViz log", "export-shiviz", "One line per event with its host's vector clock, for ShiViz") }
                { button(ExportKind::Test, "As a test", "export-test", "A Rust test that replays this run natively with cargo test") }
            </div>
            <label class="import">
                <span class="muted">{ "Open a JSON export: " }</span>
                <input type="file" accept=".json,application/json" {onchange} data-testid="import" />
            </label>
            if let Some(test) = &props.test {
                <div class="exported-test">
                    <p class="muted">{ "Paste into a file in tests/tests/ of the playground's repository; it replays this run and checks its fingerprint and which properties break:" }</p>
                    <textarea readonly=true rows="8" data-testid="exported-test" value={test.clone()} />
                    <button onclick={on.reform(|_: MouseEvent| Command::HideTest)}>{ "Hide" }</button>
                </div>
            }
        </section>
    }
}

//! The keyboard help overlay.

use yew::prelude::*;

use crate::keys::SHORTCUTS;
use crate::model::Command;

/// What the overlay needs.
#[derive(Properties, PartialEq)]
pub struct HelpProps {
    /// Where commands go.
    pub on: Callback<Command>,
}

/// The help overlay listing every shortcut. Focus moves into it when it opens and back
/// to the "? Keys" button when it closes.
#[component]
pub fn Help(props: &HelpProps) -> Html {
    let close = use_node_ref();
    {
        let close = close.clone();
        use_effect_with((), move |_| {
            if let Some(button) = close.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
            || {
                let opener = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.query_selector("[data-testid=help-button]").ok().flatten())
                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
                if let Some(opener) = opener {
                    let _ = opener.focus();
                }
            }
        });
    }
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" data-testid="help">
            <div class="dialog">
                <h2>{ "Keyboard" }</h2>
                <table>
                    { for SHORTCUTS.iter().map(|(_, shown, what)| html! {
                        <tr><td><kbd>{ *shown }</kbd></td><td>{ *what }</td></tr>
                    }) }
                </table>
                <h2>{ "Mouse" }</h2>
                <ul>
                    <li>{ "Click a node: inspect it and crash, pause, skew or partition it." }</li>
                    <li>{ "Click a message in flight: drop, delay or hold it." }</li>
                    <li>{ "Click an event in the diagram or the log: show that instant everywhere." }</li>
                    <li>{ "In the diagram, point at a mark to read its full label (labels that would overprint another are left out); Lanes chooses the nodes shown; a band \"×12 hb\" is a run of repeated messages: click it to draw each, or untick Collapse repetitive messages." }</li>
                    <li>{ "Acting at a past instant discards what came after it and records your action in the link." }</li>
                    <li>{ "Compare with… opens run B, the same run with one change, beside it: one cursor, both stages and diagrams, both runs in every chart; D goes to the first event where they part, O to the first difference in outcome (a property broken in one run only, or a client's answer); the invariants panel says how each property stands in both runs; \"my actions only up to now\" and \"without my action at …\" compare with your own actions changed." }</li>
                </ul>
                <h2>{ "Guided mode" }</h2>
                <p>{ "Guided (G): playing stops before the story's key moments (a caption change, a fault, a first breach) and asks what happens next; pick, see what this run does, Continue. The slider never asks. On for a first visit to a story, off for a shared link unless it says guide=1." }</p>
                <button ref={close} onclick={props.on.reform(|_: MouseEvent| Command::ToggleHelp)} data-testid="close-help">{ "Close" }</button>
            </div>
        </div>
    }
}

//! The compare bar under the controls: "compare with…" this run with one change, and,
//! while comparing, what run B changes, where the two runs part (with a button to go
//! there, also the `D` key), their first difference in outcome (`O`), a link to run B
//! alone, and a way back to one run.

use std::rc::Rc;

use playground_core::Session;
use yew::prelude::*;

use crate::model::Command;

/// What run B is, while comparing.
#[derive(Clone, PartialEq)]
pub struct Comparing {
    /// What run B changes, in a few words.
    pub change: AttrValue,
    /// Where the runs part: not computed yet (`None`), or the sentence and its instant in
    /// µs (`Some(None)`: the runs do not part).
    pub divergence: Option<Option<(AttrValue, u64)>>,
    /// The first difference in outcome, once found: the sentence and its instant in µs.
    pub outcome: Option<(AttrValue, u64)>,
    /// A link to run B on its own.
    pub b_url: AttrValue,
}

/// What the bar shows.
#[derive(Properties, PartialEq)]
pub struct CompareProps {
    /// The changes on offer: label and the session they make.
    pub options: Rc<Vec<(String, Session)>>,
    /// Run B, while comparing.
    pub comparing: Option<Comparing>,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// The compare bar.
#[component]
pub fn CompareBar(props: &CompareProps) -> Html {
    let on = &props.on;
    let Some(c) = &props.comparing else {
        let options = props.options.clone();
        let onchange = on.reform(move |e: Event| {
            let index = e
                .target_dyn_into::<web_sys::HtmlSelectElement>()
                .map_or(0, |s| s.selected_index().max(0) as usize);
            // Option 0 is the prompt.
            match index.checked_sub(1).and_then(|i| options.get(i)) {
                Some((_, session)) => Command::CompareWith(session.clone()),
                None => Command::StopCompare,
            }
        });
        return html! {
            <section class="panel compare-bar" data-testid="compare-bar">
                <label>
                    <span class="muted">{ "Compare with the same run but… " }</span>
                    <select {onchange} data-testid="compare-with">
                        <option selected=true>{ "choose one change" }</option>
                        { for props.options.iter().map(|(label, _)| html! { <option>{ label.clone() }</option> }) }
                    </select>
                </label>
            </section>
        };
    };
    let (sentence, at, seek) = match &c.divergence {
        None => (AttrValue::from("Finding where the runs part…"), None, false),
        Some(None) => (
            AttrValue::from("The two runs are the same event for event."),
            None,
            false,
        ),
        Some(Some((s, at))) => (s.clone(), Some(at.to_string()), true),
    };
    let outcome = match (&c.divergence, &c.outcome) {
        (_, Some((s, at))) => Some((s.clone(), Some(at.to_string()))),
        (Some(Some(_)), None) => Some((
            AttrValue::from(
                "Every property's verdict and every client's answer is the same in both runs.",
            ),
            None,
        )),
        _ => None,
    };
    html! {
        <section class="panel compare-bar comparing" data-testid="compare-bar">
            <div class="compare-head">
                <span><span class="run-key run-a">{ "A" }</span>{ " this run · " }
                      <span class="run-key run-b">{ "B" }</span>{ " " }<strong data-testid="compare-change">{ c.change.clone() }</strong></span>
                <span class="spacer"></span>
                <a href={c.b_url.clone()} target="_blank" rel="noopener" data-testid="open-b">{ "Open B alone ↗" }</a>
                <button onclick={on.reform(|_: MouseEvent| Command::StopCompare)} data-testid="stop-compare">{ "✕ Stop comparing" }</button>
            </div>
            <p class="divergence" data-testid="divergence" data-at={at}>
                if seek { <strong>{ "First difference: " }</strong> }
                { sentence }
                if seek {
                    { " " }
                    <button onclick={on.reform(|_: MouseEvent| Command::SeekDivergence)} data-testid="seek-divergence">
                        { "Go there (D)" }
                    </button>
                }
            </p>
            if let Some((sentence, at)) = outcome {
                <p class="divergence outcome" data-testid="outcome" data-at={at.clone()}>
                    <strong>{ "First difference in outcome: " }</strong>
                    { sentence }
                    if at.is_some() {
                        { " " }
                        <button onclick={on.reform(|_: MouseEvent| Command::SeekOutcome)} data-testid="seek-outcome">
                            { "Go there (O)" }
                        </button>
                    }
                </p>
            }
        </section>
    }
}

//! The pattern's question about the instant shown, such as "read as of a timestamp".

use playground_core::sim::scenario::QuerySpec;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::model::Command;

/// What the panel shows.
#[derive(Properties, PartialEq)]
pub struct QueryProps {
    /// The question the pattern answers.
    pub spec: QuerySpec,
    /// The input as typed.
    pub input: AttrValue,
    /// The answer at the cursor, once asked.
    pub answer: Option<Result<Vec<(String, String)>, String>>,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// The question panel.
#[component]
pub fn Query(props: &QueryProps) -> Html {
    let field = use_node_ref();
    let ask = {
        let (field, on) = (field.clone(), props.on.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(input) = field.cast::<HtmlInputElement>() {
                on.emit(Command::Query(input.value()));
            }
        })
    };
    let answer = match &props.answer {
        None => html! {},
        Some(Err(e)) => {
            html! { <p class="query-error" role="alert" data-testid="query-error">{ format!("⚠ {e}") }</p> }
        }
        Some(Ok(rows)) => html! {
            <dl data-testid="query-answer">
                { for rows.iter().map(|(k, v)| html! { <><dt>{ k }</dt><dd>{ v }</dd></> }) }
            </dl>
        },
    };
    html! {
        <section class="panel query" data-testid="query">
            <h2>{ props.spec.label }</h2>
            <form onsubmit={ask}>
                <input ref={field} data-testid="query-input" aria-label={props.spec.label}
                       placeholder={props.spec.placeholder} value={props.input.clone()} />
                <button type="submit" data-testid="query-ask">{ "Ask" }</button>
            </form>
            <p class="hint">{ props.spec.help }</p>
            { answer }
        </section>
    }
}

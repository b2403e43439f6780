//! Guided mode's question card, under the play controls: the question asked at a key
//! moment with its choices as buttons, then what the run does and "Continue". Focus moves
//! to the first choice when it asks and to "Continue" once a choice is made; the question,
//! then the answer, is announced.

use yew::prelude::*;

use crate::model::{Command, GuideCard};

/// What the card shows.
#[derive(Properties, PartialEq)]
pub struct GuideProps {
    /// The question and the choice made, if any.
    pub card: GuideCard,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// The question card.
#[component]
pub fn Guide(props: &GuideProps) -> Html {
    let first = use_node_ref();
    let go_on = use_node_ref();
    let q = &props.card.question;
    let chosen = props.card.chosen;
    {
        let (first, go_on) = (first.clone(), go_on.clone());
        use_effect_with((q.at, chosen.is_some()), move |(_, answered)| {
            let target = if *answered { go_on } else { first };
            if let Some(button) = target.cast::<web_sys::HtmlElement>() {
                if *answered {
                    // "Continue" ends the card: its bottom at the window's, so that on a
                    // phone the card and as much of the stage as fits stay in view.
                    let options = web_sys::FocusOptions::new();
                    options.set_prevent_scroll(true);
                    let _ = button.focus_with_options(&options);
                    button.scroll_into_view_with_bool(false);
                } else {
                    let _ = button.focus();
                }
            }
        });
    }
    let choices = q.choices.iter().enumerate().map(|(i, c)| {
        let (class, mark) = match chosen {
            Some(_) if i == q.right => (Some("hit"), "✓ "),
            Some(n) if n == i => (Some("miss"), "✗ "),
            _ => (None, ""),
        };
        let node_ref = if i == 0 {
            first.clone()
        } else {
            NodeRef::default()
        };
        html! {
            <li>
                <button class={classes!("choice", class)} ref={node_ref} disabled={chosen.is_some()}
                        data-testid={format!("guide-choice-{i}")}
                        onclick={props.on.reform(move |_: MouseEvent| Command::Answer(i))}>
                    <span class="mark" aria-hidden="true">{ mark }</span>{ &c.text }
                </button>
            </li>
        }
    });
    // The question, or once answered the verdict in bold and what the run does.
    let (verdict, said) = props.card.reveal().unwrap_or((q.ask, String::new()));
    html! {
        <section class="panel guide-card" data-testid="guide-card" aria-label="Guided mode: a question">
            <p class="guide-head">
                <span class="guide-tag">{ "Guided" }</span>
                { format!(" Paused just before {}.", q.at) }
                if let Some(given) = &q.given {
                    { " The story's next action: " }<code>{ given }</code>
                }
            </p>
            <p class={classes!("guide-say", chosen.map(|c| if c == q.right { "hit" } else { "miss" }))}
               role="status" aria-live="polite" data-testid="guide-say"><strong>{ verdict }</strong>{ " " }{ said }</p>
            <ul class="guide-choices">{ for choices }</ul>
            if chosen.is_some() {
                <button class="primary" ref={go_on} data-testid="guide-continue"
                        onclick={props.on.reform(|_: MouseEvent| Command::Continue)}>{ "Continue ▶" }</button>
            }
        </section>
    }
}

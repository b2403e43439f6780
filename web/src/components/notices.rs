//! Banners (errors, the discarded future) and the scenario's caption.

use yew::prelude::*;

use crate::model::{Command, Notice, Tone};

/// What the banners show.
#[derive(Properties, PartialEq)]
pub struct NoticesProps {
    /// Notices in order.
    pub notices: Vec<Notice>,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// The banners.
#[component]
pub fn Notices(props: &NoticesProps) -> Html {
    let items = props.notices.iter().enumerate().map(|(i, n)| {
        let (class, icon, testid) = match n.tone {
            Tone::Error => ("banner error", "⚠", "error-banner"),
            Tone::Info => ("banner info", "ℹ", "info-banner"),
        };
        html! {
            <div class={class} role={if n.tone == Tone::Error { "alert" } else { "status" }} data-testid={testid}>
                <span aria-hidden="true">{ icon }</span>{ " " }{ &n.text }
                <button class="dismiss" aria-label="Dismiss" onclick={props.on.reform(move |_: MouseEvent| Command::Dismiss(i))}>{ "×" }</button>
            </div>
        }
    });
    html! { <div class="notices">{ for items }</div> }
}

/// What the caption shows.
#[derive(Properties, PartialEq)]
pub struct CaptionProps {
    /// The caption text in force, if any.
    pub text: Option<AttrValue>,
}

/// The scenario's caption at the cursor.
#[component]
pub fn Caption(props: &CaptionProps) -> Html {
    match &props.text {
        Some(text) => {
            html! { <p class="caption" data-testid="caption" aria-live="polite">{ text }</p> }
        }
        None => html! {},
    }
}

//! The embedded view (a compact page for an `<iframe>`: one panel at a time behind tabs,
//! one row of controls, nothing cut off at the frame's height) and the Embed dialog that
//! writes its snippet.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::model::Panel;
use crate::url::{iframe_snippet, EmbedSource, EMBED_HEIGHT};

/// What the embedded view shows.
#[derive(Properties, PartialEq)]
pub struct EmbedViewProps {
    /// The story's title, with its pattern's name.
    pub title: AttrValue,
    /// The same run in the whole playground.
    pub full_url: AttrValue,
    /// The panels the address asks for, the first open first.
    pub panels: Vec<Panel>,
    /// Banners.
    pub notices: Html,
    /// The control bar.
    pub controls: Html,
    /// The stage, with the caption.
    pub stage: Html,
    /// The space-time diagram.
    pub diagram: Html,
    /// The invariants and the mechanism switches.
    pub invariants: Html,
    /// The pattern's facts, tables and pictures at the cursor.
    pub facts: Html,
    /// The pattern's charts, when it records metrics.
    pub charts: Option<Html>,
}

/// The embedded page: a title line, the tabs, the open panel (which scrolls inside
/// itself, so the page never grows past its frame) and the controls.
#[component]
pub fn EmbedView(p: &EmbedViewProps) -> Html {
    let chosen = use_state(|| None::<Panel>);
    let shown: Vec<Panel> = p
        .panels
        .iter()
        .copied()
        .filter(|&panel| panel != Panel::Charts || p.charts.is_some())
        .collect();
    let open = (*chosen)
        .filter(|c| shown.contains(c))
        .or(shown.first().copied())
        .unwrap_or(Panel::Stage);
    let tabs = (shown.len() > 1).then(|| {
        let tabs = shown.iter().map(|&panel| {
            let chosen = chosen.clone();
            let selected = panel == open;
            html! {
                <button role="tab" aria-selected={selected.to_string()} data-testid={format!("embed-tab-{}", panel.name())}
                        class={classes!(selected.then_some("open"))}
                        onclick={Callback::from(move |_: MouseEvent| chosen.set(Some(panel)))}>
                    { panel.label() }
                </button>
            }
        });
        html! { <nav class="embed-tabs" role="tablist" aria-label="Panels">{ for tabs }</nav> }
    });
    let body = match open {
        Panel::Stage => p.stage.clone(),
        Panel::Diagram => p.diagram.clone(),
        Panel::Invariants => p.invariants.clone(),
        Panel::Facts => p.facts.clone(),
        Panel::Charts => p.charts.clone().unwrap_or_default(),
    };
    html! {
        <main class="embed" data-testid="embed">
            <header class="embed-head">
                <strong>{ p.title.clone() }</strong>
                <a href={p.full_url.clone()} target="_blank" rel="noopener">{ "Open in the playground ↗" }</a>
            </header>
            { p.notices.clone() }
            <>{ for tabs }</>
            <div class={classes!("embed-body", format!("embed-{}", open.name()))} role="tabpanel"
                 data-testid={format!("embed-panel-{}", open.name())}>
                { body }
            </div>
            { p.controls.clone() }
        </main>
    }
}

/// What the Embed dialog embeds.
#[derive(Properties, PartialEq)]
pub struct EmbedDialogProps {
    /// The run, the instant and the title.
    pub source: EmbedSource,
    /// Whether the pattern records metrics (offers the Charts panel).
    pub has_charts: bool,
}

/// The Embed dialog: the panels (checkboxes, in tab order; the first checked opens
/// first), the frame's height, and the snippet they give.
#[component]
pub fn EmbedDialog(p: &EmbedDialogProps) -> Html {
    let panels = use_state(|| Panel::ALL.to_vec());
    let height = use_state(|| EMBED_HEIGHT);
    let offered: Vec<Panel> = Panel::ALL
        .into_iter()
        .filter(|&panel| panel != Panel::Charts || p.has_charts)
        .collect();
    let checked: Vec<Panel> = offered
        .iter()
        .copied()
        .filter(|x| panels.contains(x))
        .collect();
    // Every panel the pattern has is the plain `embed`; none checked means every panel too.
    let chosen = if checked.is_empty() || checked == offered {
        Panel::ALL.to_vec()
    } else {
        checked
    };
    // Clamped here, not while typing, so "480" can be typed digit by digit.
    let snippet = iframe_snippet(&p.source, &chosen, (*height).clamp(320, 1_600));
    let boxes = offered.iter().map(|&panel| {
        let panels = panels.clone();
        let on = panels.contains(&panel);
        let toggle = Callback::from(move |_: Event| {
            let mut next: Vec<Panel> = panels.iter().copied().filter(|&x| x != panel).collect();
            if !on {
                next.push(panel);
            }
            panels.set(next);
        });
        html! {
            <label class="check">
                <input type="checkbox" checked={on} onchange={toggle}
                       data-testid={format!("embed-choose-{}", panel.name())} />
                { panel.label() }
            </label>
        }
    });
    let on_height = {
        let height = height.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(h) = input.value().trim().parse::<u32>() {
                height.set(h);
            }
        })
    };
    html! {
        <div class="embed-snippet">
            <fieldset>
                <legend>{ "Panels (tabs; the first checked opens first)" }</legend>
                { for boxes }
                <label class="check">{ "Height " }
                    <input type="number" min="320" max="1600" step="10" value={height.to_string()}
                           oninput={on_height} data-testid="embed-height" aria-label="Frame height in pixels" />
                    { " px" }
                </label>
            </fieldset>
            <label for="embed-code">{ "Paste this into your docs to embed this run:" }</label>
            <textarea id="embed-code" data-testid="embed-snippet" readonly=true rows="3"
                      value={snippet} />
        </div>
    }
}

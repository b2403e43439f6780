//! The embedded view (a compact page for an `<iframe>`: one panel at a time behind tabs,
//! one row of controls, nothing cut off at the frame's height) and the Embed dialog that
//! writes its snippet. Both are plain functions whose state lives in the caller's hooks
//! (the app's and the controls'), which keeps them out of the bundle's per-component code.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::model::Panel;
use crate::url::{iframe_snippet, EmbedSource};

/// What the embedded view shows.
pub struct EmbedParts {
    /// The story's title, with its pattern's name.
    pub title: String,
    /// The same run in the whole playground.
    pub full_url: String,
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

/// The embedded page: a title line, the tabs, the open panel (`chosen`, else the first;
/// it scrolls inside itself, so the page never grows past its frame) and the controls.
pub fn embed_view(p: EmbedParts, chosen: &UseStateHandle<Option<Panel>>) -> Html {
    let shown: Vec<Panel> = p
        .panels
        .iter()
        .copied()
        .filter(|&panel| panel != Panel::Charts || p.charts.is_some())
        .collect();
    let open = (**chosen)
        .filter(|c| shown.contains(c))
        .or(shown.first().copied())
        .unwrap_or(Panel::Stage);
    let tabs = (shown.len() > 1).then(|| {
        let tabs = shown.iter().map(|&panel| {
            let chosen = chosen.clone();
            let selected = panel == open;
            html! {
                <button role="tab" aria-selected={selected.to_string()} data-testid={panel.tab_id()}
                        class={classes!(selected.then_some("open"))}
                        onclick={Callback::from(move |_: MouseEvent| chosen.set(Some(panel)))}>
                    { panel.label() }
                </button>
            }
        });
        html! { <nav class="embed-tabs" role="tablist" aria-label="Panels">{ for tabs }</nav> }
    });
    let body = match open {
        Panel::Stage => p.stage,
        Panel::Diagram => p.diagram,
        Panel::Invariants => p.invariants,
        Panel::Facts => p.facts,
        Panel::Charts => p.charts.unwrap_or_default(),
    };
    html! {
        <main class="embed" data-testid="embed">
            <header class="embed-head">
                <strong>{ p.title }</strong>
                <a href={p.full_url} target="_blank" rel="noopener">{ "Open in the playground ↗" }</a>
            </header>
            { p.notices }
            <>{ for tabs }</>
            <div class={classes!("embed-body", open.panel_id())} role="tabpanel" data-testid={open.panel_id()}>
                { body }
            </div>
            { p.controls }
        </main>
    }
}

/// The Embed dialog: the panels (checkboxes in tab order, kept in `panels`; the first
/// checked opens first), the frame's height (`height`), whether the frame is guided
/// (`guided`), and the snippet they give.
pub fn embed_dialog(
    source: &EmbedSource,
    panels: &UseStateHandle<Vec<Panel>>,
    height: &UseStateHandle<u32>,
    guided: &UseStateHandle<bool>,
) -> Html {
    let offered: Vec<Panel> = Panel::ALL
        .into_iter()
        .filter(|&panel| panel != Panel::Charts || source.has_charts)
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
    let snippet = iframe_snippet(source, &chosen, (**height).clamp(320, 1_600), **guided);
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
                <input type="checkbox" checked={on} onchange={toggle} data-testid={panel.choose_id()} />
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
    let on_guided = {
        let guided = guided.clone();
        Callback::from(move |_: Event| guided.set(!*guided))
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
                <label class="check">
                    <input type="checkbox" checked={**guided} onchange={on_guided} data-testid="embed-guided" />
                    { "Guided: stop at the key moments and ask what happens next" }
                </label>
            </fieldset>
            <label for="embed-code">{ "Paste this into your docs to embed this run:" }</label>
            <textarea id="embed-code" data-testid="embed-snippet" readonly=true rows="3"
                      value={snippet} />
        </div>
    }
}

//! The catalog: pattern families, patterns and their scenarios, and the chosen pattern's
//! problem and solution.

use playground_core::sim::scenario::PatternInfo;
use yew::prelude::*;

use crate::model::Command;

/// One scenario as the catalog lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioEntry {
    /// Its id.
    pub id: &'static str,
    /// Its title.
    pub title: &'static str,
    /// Its summary.
    pub summary: &'static str,
}

/// What the catalog shows.
#[derive(Properties, PartialEq)]
pub struct CatalogProps {
    /// Every pattern that runs, with its scenarios, in catalog order.
    pub patterns: Vec<(&'static PatternInfo, Vec<ScenarioEntry>)>,
    /// The scenario being shown.
    pub current: AttrValue,
    /// Folded into a drawer above the stage (a phone), rather than a sidebar.
    #[prop_or_default]
    pub drawer: bool,
    /// The title of the scenario being shown, for the folded drawer's summary.
    #[prop_or_default]
    pub current_title: AttrValue,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// The catalog: a sidebar, or on a phone a drawer folded above the stage.
#[component]
pub fn Catalog(props: &CatalogProps) -> Html {
    let mut families: Vec<&str> = Vec::new();
    for (p, _) in &props.patterns {
        if !families.contains(&p.family) {
            families.push(p.family);
        }
    }
    let family = |name: &str| {
        let patterns = props.patterns.iter().filter(|(p, _)| p.family == name).map(|(p, scenarios)| {
            let items = scenarios.iter().map(|s| {
                let id = s.id.to_string();
                let current = props.current == s.id;
                html! {
                    <li>
                        <button class={classes!("scenario", current.then_some("current"))}
                                data-testid={format!("scenario-{}", s.id)}
                                aria-current={current.then_some("true")} title={s.summary}
                                onclick={props.on.reform(move |_: MouseEvent| Command::OpenScenario(id.clone()))}>
                            { s.title }
                        </button>
                    </li>
                }
            });
            html! { <div class="pattern"><h4>{ p.name }</h4><ul>{ for items }</ul></div> }
        });
        html! { <div class="family"><h3>{ name.to_string() }</h3><>{ for patterns }</></div> }
    };
    let list = families.iter().map(|f| family(f));
    if props.drawer {
        return html! {
            <nav class="catalog drawer" data-testid="catalog" aria-label="Patterns">
                <details>
                    <summary data-testid="catalog-drawer">
                        <span class="drawer-label">{ "☰ Patterns" }</span>
                        <span class="drawer-current">{ &props.current_title }</span>
                    </summary>
                    { for list }
                </details>
            </nav>
        };
    }
    html! {
        <nav class="catalog" data-testid="catalog" aria-label="Patterns">
            <h2>{ "Patterns" }</h2>
            { for list }
        </nav>
    }
}

/// What the "about" panel shows.
#[derive(Properties, PartialEq)]
pub struct AboutProps {
    /// The pattern.
    pub pattern: &'static PatternInfo,
    /// The scenario's title.
    pub title: AttrValue,
    /// The scenario's summary.
    pub summary: AttrValue,
}

/// The pattern's problem and solution, and what the scenario shows.
#[component]
pub fn About(props: &AboutProps) -> Html {
    let p = props.pattern;
    html! {
        <section class="panel about" data-testid="about">
            <h2>{ format!("{}: {}", p.name, props.title) }</h2>
            <p class="summary">{ &props.summary }</p>
            <details open=true>
                <summary>{ "The problem and the pattern" }</summary>
                <p><strong>{ "Problem. " }</strong>{ p.problem }</p>
                <ol class="solution">{ for p.solution.iter().map(|s| html! { <li>{ *s }</li> }) }</ol>
            </details>
        </section>
    }
}

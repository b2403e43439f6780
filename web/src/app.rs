//! The page: the catalog and the default scenario's trace.

use playground_core::sim::checker::PropertyKind;
use playground_core::Registry;
use yew::prelude::*;

/// The whole playground.
#[component]
pub fn App() -> Html {
    let registry = Registry::standard();
    let session = registry.default_session();
    let Ok(mut run) = registry.start(&session) else {
        return html! { <p class="banner error">{ "The default scenario failed to start." }</p> };
    };
    run.engine_mut().run_to_end(100_000);
    let engine = run.engine();
    let lines: Vec<String> = (0..engine.trace_len())
        .map(|i| engine.trace_line(i))
        .collect();
    let violations = engine.violations();
    html! {
        <main class="page">
            <header><h1>{ "Distributed Patterns Playground" }</h1></header>
            <section data-testid="catalog">
                <h2>{ "Patterns" }</h2>
                { for registry.patterns().into_iter().map(|p| html! {
                    <div class="pattern">
                        <h3>{ p.name }</h3>
                        <p>{ p.problem }</p>
                        <ul>{ for registry.scenarios_of(p.id).map(|s| html! {
                            <li>{ s.title() }{ ": " }{ s.summary() }</li>
                        }) }</ul>
                    </div>
                }) }
            </section>
            <section data-testid="invariants">
                <h2>{ "Invariants" }</h2>
                <ul>{ for engine.properties().iter().zip(violations).map(|(p, v)| {
                    let kind = if p.kind == PropertyKind::Guarantee { "guarantee" } else { "contrast" };
                    let status = match v { None => "holds".to_string(), Some(v) => format!("violated: {}", v.detail) };
                    html! { <li>{ format!("[{kind}] {} — {status}", p.sentence) }</li> }
                }) }</ul>
            </section>
            <section>
                <h2>{ format!("Trace of {} (seed {})", run.scenario().title(), session.seed) }</h2>
                <pre data-testid="trace">{ lines.join("\n") }</pre>
            </section>
        </main>
    }
}

//! The page: owns the [`Playground`] model and wires the views to it.

use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::{Interval, Timeout};
use playground_core::sim::node::NodeStatus;
use playground_core::sim::run::EventTag;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::browser;
use crate::components::actions::{ActionBar, GroupSummary};
use crate::components::catalog::{About, Catalog, ScenarioEntry};
use crate::components::charts::Charts;
use crate::components::compare::{CompareBar, Comparing};
use crate::components::controls::Controls;
use crate::components::diagram_panel::{diagram_panel, PanelParts};
use crate::components::embed::{embed_view, EmbedParts};
use crate::components::guide::Guide;
use crate::components::help::Help;
use crate::components::inspector::Inspector;
use crate::components::log::EventLog;
use crate::components::notices::{Caption, Notices};
use crate::components::path::PathPanel;
use crate::components::plots::PatternPlots;
use crate::components::properties::Properties;
use crate::components::query::Query;
use crate::components::settings::Settings;
use crate::components::stage::Stage;
use crate::components::status::StatusStrip;
use crate::components::tables::PatternTables;
use crate::components::transfer::Transfer;
use crate::files;
use crate::in_view::use_in_view;
use crate::keys;
use crate::layout::{PHONE_STAGE_WIDTH, STAGE_WIDTH};
use crate::model::{difference, Command, ExportKind, Playground};
use crate::url::{query_for, share_query, EmbedSource};

/// Milliseconds between playback ticks.
const TICK_MS: u32 = 16;

/// The whole playground, opened on the session the address holds.
#[component]
pub fn App() -> Html {
    let model = use_mut_ref(|| {
        let query = browser::query();
        // A person arriving at the bare page is guided on a first visit; a link is not,
        // unless it says `guide=1`.
        let arriving = query.session.is_none() && query.embed.is_none() && query.guide.is_none();
        let mut m = Playground::open(query, browser::prefers_reduced_motion());
        if arriving {
            m.apply(Command::GuideDefault(browser::first_visit(
                &m.session().scenario,
            )));
        }
        m
    });
    let redraw = use_force_update();
    // The diagram and the event log are drawn only while in view (see in_view.rs); an
    // SVG export of the diagram asks for one render that draws it, and reads it after.
    let diagram_view = use_in_view();
    let log_view = use_in_view();
    let export_svg = use_mut_ref(|| false);
    // The embedded view's open tab (none chosen yet: its first).
    let embed_tab = use_state(|| None);
    let on: Callback<Command> = {
        let (model, redraw, export_svg) = (model.clone(), redraw.clone(), export_svg.clone());
        Callback::from(move |command: Command| {
            browser::remember_command(&format!("{command:?}"));
            if command == Command::Export(ExportKind::Svg) {
                *export_svg.borrow_mut() = true;
                redraw.force_update();
                return;
            }
            // A story chosen from the catalog is guided on its first visit.
            let first = match &command {
                Command::OpenScenario(id) => Some(browser::first_visit(id)),
                _ => None,
            };
            let download = {
                let mut m = model.borrow_mut();
                m.apply(command);
                if let Some(first) = first {
                    m.apply(Command::GuideDefault(first));
                }
                m.take_download()
            };
            if let Some((name, mime, text)) = download {
                files::download(&name, mime, &text);
            }
            redraw.force_update();
        })
    };

    use_effect_with((), |_| browser::mark("stage-rendered"));
    let exporting = *export_svg.borrow();
    {
        let model = model.clone();
        use_effect(move || {
            if std::mem::take(&mut *export_svg.borrow_mut()) {
                // The diagram as drawn: the page's, not the model's; both runs' when comparing.
                let (name, labels) = model.borrow().svg_export();
                let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
                if let Some(svg) = files::diagram_svg(&labels) {
                    files::download(&name, "image/svg+xml", &svg);
                }
            }
        });
    }
    // The run is drawn first; its fingerprint (a pass over the whole trace) comes a frame
    // later, after every exploration.
    let fingerprinted = model.borrow().fingerprint().is_some();
    {
        let on = on.clone();
        use_effect_with(fingerprinted, move |done| {
            let later = (!done).then(|| Timeout::new(30, move || on.emit(Command::Fingerprint)));
            move || drop(later)
        });
    }
    let playing = model.borrow().playing();
    {
        let on = on.clone();
        use_effect_with(playing, move |playing| {
            let interval = playing.then(|| {
                let mut last = browser::now_ms();
                Interval::new(TICK_MS, move || {
                    let now = browser::now_ms();
                    on.emit(Command::Tick(now - last));
                    last = now;
                })
            });
            move || drop(interval)
        });
    }
    {
        let (model, on) = (model.clone(), on.clone());
        use_effect_with((), move |_| {
            let listener = web_sys::window()
                .and_then(|w| w.document())
                .map(|document| {
                    EventListener::new(&document, "keydown", move |event| {
                        let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                            return;
                        };
                        if typing_in_a_field(event)
                            || event.ctrl_key()
                            || event.meta_key()
                            || event.alt_key()
                        {
                            return;
                        }
                        let (end, help, guided) = {
                            let m = model.borrow();
                            (m.end(), m.help_open(), m.guided())
                        };
                        if let Some(command) = keys::command_for(&event.key(), end, help, guided) {
                            event.prevent_default();
                            on.emit(command);
                        }
                    })
                });
            move || drop(listener)
        });
    }

    // Choosing another story adds a history entry; Back (or Forward) opens the address's
    // session again, as a fresh visit to that link would.
    let shown_story = use_mut_ref(|| model.borrow().session().scenario.clone());
    {
        let (model, shown_story, redraw) = (model.clone(), shown_story.clone(), redraw.clone());
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|window| {
                EventListener::new(&window, "popstate", move |_| {
                    let reopened =
                        Playground::open(browser::query(), browser::prefers_reduced_motion());
                    *shown_story.borrow_mut() = reopened.session().scenario.clone();
                    *model.borrow_mut() = reopened;
                    redraw.force_update();
                })
            });
            move || drop(listener)
        });
    }
    let m = model.borrow();
    let vs_session = m.vs().map(Playground::session);
    // Guided mode is in the address and in the share link when it is on (an embed is
    // guided only when its link is edited to say so).
    let guide = if m.guided() { "&guide=1" } else { "" };
    let query = format!(
        "{}{guide}",
        query_for(m.session(), vs_session, m.embed_panels())
    );
    {
        let query = query.clone();
        let story = m.session().scenario.clone();
        use_effect_with(query, move |query| {
            let push = *shown_story.borrow() != story;
            *shown_story.borrow_mut() = story;
            browser::write_query(query, push);
        });
    }
    let page = browser::page_url();
    // A shared link opens at the instant it was shared at; the address bar does not
    // follow the cursor (browsers limit how often a page may rewrite it).
    let at = m.cursor().time;
    let share_url = format!(
        "{page}{}{guide}",
        share_query(m.session(), vs_session, None, at)
    );
    let title = {
        let run = m.run();
        format!(
            "{}: {}",
            run.scenario().pattern().name,
            run.scenario().title()
        )
    };
    let embed_source = EmbedSource {
        page_url: page.clone(),
        session: m.session().clone(),
        vs: vs_session.cloned(),
        at,
        title: title.clone(),
        has_charts: !m.run().scenario().pattern().metrics.is_empty(),
    };

    let snapshot = Rc::new(m.snapshot());
    let narrow = browser::narrow();
    // Two stages side by side each take a phone's width.
    let stage_layout = m.stage_layout(if narrow || m.vs().is_some() {
        PHONE_STAGE_WIDTH
    } else {
        STAGE_WIDTH
    });
    let cursor = m.cursor();
    let path = m.path();
    let properties = m.properties();
    let names: Rc<Vec<String>> = Rc::new(snapshot.nodes.iter().map(|n| n.name.clone()).collect());
    let run = m.run();
    let scenario = run.scenario();
    let pattern = scenario.pattern();
    let config = run.config();
    let params = scenario
        .params()
        .iter()
        .map(|p| (*p, config.param(p.name)))
        .collect::<Vec<_>>();
    let switches = Rc::new(
        scenario
            .offered_switches()
            .into_iter()
            .map(|s| (*s, config.switch(s.name)))
            .collect::<Vec<_>>(),
    );
    let properties = Rc::new(properties);
    let run_a = m.vs().map(|_| AttrValue::Static("A"));
    let status = html! { <StatusStrip rows={properties.clone()} switches={switches.clone()} run={run_a} on={on.clone()} /> };
    let catalog = m
        .registry()
        .patterns()
        .into_iter()
        .map(|p| {
            let scenarios = m
                .registry()
                .scenarios_of(p.id)
                .map(|s| ScenarioEntry {
                    id: s.id(),
                    title: s.title(),
                    summary: s.summary(),
                })
                .collect();
            (p, scenarios)
        })
        .collect::<Vec<_>>();
    let hidden: Rc<Vec<EventTag>> = Rc::new(
        [
            EventTag::Send,
            EventTag::Arrive,
            EventTag::Deliver,
            EventTag::Lost,
            EventTag::Dropped,
            EventTag::Timer,
            EventTag::Note,
            EventTag::Action,
            EventTag::Start,
            EventTag::Retired,
        ]
        .into_iter()
        .filter(|t| !m.log_shows(*t))
        .collect(),
    );

    let topology_group = m.selected_group().and_then(|i| {
        let g = stage_layout.groups.get(i)?;
        Some(GroupSummary {
            index: i,
            name: g.name.clone(),
            label: g.label.clone(),
            members: g.members.len(),
            up: g
                .members
                .iter()
                .filter(|n| {
                    snapshot
                        .nodes
                        .get(n.index())
                        .is_some_and(|n| n.status == NodeStatus::Up)
                })
                .count(),
            collapsed: g.collapsed,
        })
    });
    let action_bar = m
        .selected()
        .and_then(|id| snapshot.nodes.get(id.index()))
        .map(|n| {
            html! {
                <ActionBar node={AttrValue::from(n.name.clone())} role={n.role} status={n.status}
                           headline={AttrValue::from(n.headline.clone())} verbs={pattern.verbs} on={on.clone()} />
            }
        });
    let controls = html! {
        <><Controls playing={m.playing()} following={m.following_messages()} crossing_ms={m.crossing_ms()} time={cursor.time} steps={cursor.steps}
                  total_steps={m.total_steps()} end={m.end()} speed={m.speed()}
                  seed={m.session().seed} fingerprint={m.fingerprint()} share_url={AttrValue::from(share_url)}
                  embed_source={embed_source} embedded={m.embedded()} guided={m.guided()} on={on.clone()} />
        if let Some(card) = m.guide_card() {
            <Guide card={card} on={on.clone()} />
        }</>
    };
    let stage = html! {
        <Stage snapshot={snapshot.clone()} layout={stage_layout.clone()} pattern={pattern} selected={m.selected()}
               selected_msg={m.selected_message()} selected_group={m.selected_group()}
               group={m.group().clone()} path={path.clone()} on={on.clone()} />
    };
    // Run B's views, when comparing: its commands go through `Command::OnB`.
    let b = m.vs().map(|b| {
        let on_b = on.reform(|c| Command::OnB(Box::new(c)));
        let snapshot = Rc::new(b.snapshot());
        let stage = html! {
            <Stage snapshot={snapshot} layout={b.stage_layout(PHONE_STAGE_WIDTH)} pattern={pattern} selected={b.selected()}
                   selected_msg={b.selected_message()} selected_group={b.selected_group()}
                   group={b.group().clone()} path={b.path()} on={on_b.clone()} />
        };
        let properties = Rc::new(b.properties());
        let status = html! {
            <StatusStrip rows={properties.clone()} switches={Rc::new(Vec::new())}
                         run={AttrValue::Static("B")} on={on_b} />
        };
        let change = AttrValue::from(difference(m.session(), b.session()));
        let comparing = Comparing {
            change: change.clone(),
            divergence: m.divergence().map(|d| {
                d.map(|d| {
                    let at = d.a.as_ref().or(d.b.as_ref()).map_or(0, |e| e.time.as_micros());
                    (AttrValue::from(d.sentence.clone()), at)
                })
            }),
            outcome: m
                .outcome()
                .map(|o| (AttrValue::from(o.sentence.clone()), o.time.as_micros())),
            b_url: AttrValue::from(format!("{page}{}", share_query(b.session(), None, None, at))),
        };
        (stage, status, b.charts(), change, comparing, properties)
    });
    let compare_bar = html! {
        <CompareBar options={Rc::new(if b.is_none() { m.compare_options() } else { Vec::new() })}
                    comparing={b.as_ref().map(|b| b.4.clone())} on={on.clone()} />
    };
    let status = html! { <>{ status }if let Some(b) = &b { { b.1.clone() } }</> };
    let stage = match &b {
        None => stage,
        Some(b) => html! {
            <div class="run-pair" data-testid="run-pair">
                <div class="run-side"><h3><span class="run-key run-a">{ "A" }</span>{ " this run" }</h3>{ stage }</div>
                <div class="run-side" data-testid="run-b"><h3><span class="run-key run-b">{ "B" }</span>{ " " }{ b.3.clone() }</h3>{ b.0.clone() }</div>
            </div>
        },
    };
    // Out of view, the diagram and the log keep their last drawing only while playing
    // (then every frame would rebuild them for nothing); paused, they follow every
    // change, so what find-in-page or a screen reader meets there is current.
    let current = !m.playing();
    let diagram = diagram_view.panel(current || exporting || m.embedded(), || {
        diagram_panel(
            &m,
            PanelParts {
                properties: &properties,
                properties_b: b.as_ref().map(|b| b.5.as_slice()),
                names: names.clone(),
                node: diagram_view.node.clone(),
                on: on.clone(),
            },
        )
    });
    let charts = html! {
        <Charts charts={m.charts()} other={b.as_ref().map(|b| b.2.clone())} names={names.clone()}
                cursor={cursor.time} on={on.clone()} />
    };
    let path_panel =
        path.map(|path| html! { <PathPanel path={path} names={names.clone()} on={on.clone()} /> });
    let caption = m.caption().map(AttrValue::from);

    if let Some(panels) = m.embed_panels() {
        let full_url = format!("{page}{}", share_query(m.session(), vs_session, None, at));
        let parts = EmbedParts {
            title,
            full_url,
            panels: panels.to_vec(),
            notices: html! { <Notices notices={m.notices().to_vec()} on={on.clone()} /> },
            controls,
            stage: html! { <><Caption text={caption} />{ stage }<>{ for action_bar }</></> },
            diagram,
            invariants: html! { <>{ status }if b.is_some() { { compare_bar } }<Properties rows={properties} end={m.end()} on={on.clone()} /></> },
            facts: html! { <>
                <PatternTables tables={Rc::new(snapshot.tables.clone())} end={m.end()} cursor={cursor.time} on={on.clone()} />
                <PatternPlots plots={Rc::new(snapshot.plots.clone())} />
                <FactsPanel facts={snapshot.facts.clone()} />
            </> },
            charts: (!pattern.metrics.is_empty()).then_some(charts),
        };
        return embed_view(parts, &embed_tab);
    }

    html! {
        <div class="app">
            <a class="skip-link" href="#stage-panel">{ "Skip to the stage" }</a>
            <header class="top">
                <h1>{ "Distributed Patterns Playground" }</h1>
                <span class="muted">{ "watch, break and replay distributed-systems patterns" }</span>
                <span class="spacer"></span>
                <button onclick={on.reform(|_: MouseEvent| Command::ToggleHelp)} data-testid="help-button">{ "? Keys" }</button>
            </header>
            <Catalog patterns={catalog} current={AttrValue::from(scenario.id())} drawer={narrow}
                     current_title={AttrValue::from(title)} on={on.clone()} />
            <main class="main">
                <Notices notices={m.notices().to_vec()} on={on.clone()} />
                <Caption text={caption} />
                <div class="workspace">
                    <div class="left">
                        <section class="panel stage-panel" id="stage-panel" tabindex="-1">{ stage }<>{ for action_bar }</></section>
                        { controls }
                        { status }
                        { compare_bar }
                        <PatternPlots plots={Rc::new(snapshot.plots.clone())} />
                        { charts }
                        <PatternTables tables={Rc::new(snapshot.tables.clone())} end={m.end()} cursor={cursor.time} on={on.clone()} />
                        { diagram }
                        <>{ for path_panel }</>
                    </div>
                    <div class="right">
                        <About pattern={pattern} title={AttrValue::from(scenario.title())} summary={AttrValue::from(scenario.summary())} />
                        <Properties rows={properties} other={b.as_ref().map(|b| b.5.clone())} end={m.end()} on={on.clone()} />
                        if let Some(spec) = pattern.query {
                            <Query spec={spec} input={AttrValue::from(m.query_input().to_string())}
                                   answer={m.query_answer()} on={on.clone()} />
                        }
                        <Inspector snapshot={snapshot.clone()} selected={m.selected()} selected_msg={m.selected_message()}
                                   group={m.group().clone()} topology_group={topology_group}
                                   verbs={pattern.verbs} on={on.clone()} />
                    </div>
                </div>
                <div class="bottom-row">
                    { log_view.panel(current, || html! {
                        <EventLog rows={Rc::new(m.log_rows(120, 30))} names={names} node={m.log_node()}
                                  hidden={hidden} panel={log_view.node.clone()} on={on.clone()} />
                    }) }
                    <div class="right">
                        <FactsPanel facts={snapshot.facts.clone()} />
                        <Settings params={params} switches={switches} on={on.clone()}
                                  latency_ms={snapshot.link.latency_max_us.div_ceil(1_000)}
                                  loss_percent={loss_percent(snapshot.link.loss)} />
                        <Transfer test={m.exported_test().map(|t| AttrValue::from(t.to_string()))} on={on.clone()} />
                    </div>
                </div>
            </main>
            if m.help_open() {
                <Help on={on.clone()} />
            }
        </div>
    }
}

/// What the facts panel shows.
#[derive(Properties, PartialEq)]
struct FactsProps {
    facts: Vec<(&'static str, String)>,
}

/// Run-wide facts from the pattern's checker (e.g. two replay orders).
#[component]
fn FactsPanel(props: &FactsProps) -> Html {
    html! {
        <section class="panel facts" data-testid="facts">
            <h2>{ "Facts at this instant" }</h2>
            <dl>
                { for props.facts.iter().map(|(k, v)| html! { <><dt>{ *k }</dt><dd>{ v }</dd></> }) }
            </dl>
        </section>
    }
}

/// A loss ratio in whole percent, for the slider.
fn loss_percent(loss: playground_core::sim::rng::Ratio) -> u32 {
    if loss.is_never() {
        0
    } else {
        (u64::from(loss.num) * 100 / u64::from(loss.den)) as u32
    }
}

/// Whether the key belongs to a field or a focused button rather than to the page.
fn typing_in_a_field(event: &web_sys::KeyboardEvent) -> bool {
    let Some(element) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    let field = matches!(element.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA");
    let pressing = matches!(event.key().as_str(), " " | "Enter")
        && (element.tag_name() == "BUTTON"
            || element.get_attribute("role").as_deref() == Some("button"));
    field || pressing
}

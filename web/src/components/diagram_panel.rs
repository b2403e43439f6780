//! The space-time diagram's panel: pan and zoom, the lane filter, run A's diagram (and
//! run B's under it when comparing, with where the runs part and where their outcomes
//! first differ marked in both), the legend and how to read it.
//!
//! Built only while the panel is in view (see `in_view.rs`): everything a diagram
//! needs from the model (its window's events and arrows) is read here.

use std::rc::Rc;

use playground_core::sim::run::EventInfo;
use playground_core::sim::time::SimTime;
use yew::prelude::*;

use crate::components::diagram::Diagram;
use crate::components::diagram_tools::DiagramTools;
use crate::layout::{DiagramGeometry, Lanes};
use crate::model::{difference, Arrow, Command, Playground, PropertyRow};

/// What the panel needs besides the model.
pub struct PanelParts<'a> {
    /// Run A's property rows (their breaches are marked).
    pub properties: &'a [PropertyRow],
    /// Run B's, when comparing.
    pub properties_b: Option<&'a [PropertyRow]>,
    /// Every node's name, by index (for the lane filter).
    pub names: Rc<Vec<String>>,
    /// The panel's element, watched for whether it is in view.
    pub node: NodeRef,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// The diagram panel of `m` (and of its run B, when comparing).
pub fn diagram_panel(m: &Playground, parts: PanelParts<'_>) -> Html {
    let PanelParts {
        properties,
        properties_b,
        names,
        node,
        on,
    } = parts;
    let cursor = m.cursor().time;
    let window = m.diagram_window();
    let path = m.path();
    let (lanes, geometry, events, arrows) = diagram_of(m, cursor, window, m.end());
    // Where the runs part, and where their outcomes first differ: each at the run's own
    // event (else the other run's instant), with the sentence the compare bar shows.
    let divergence = m.divergence().flatten();
    let parting = |a_side: bool| {
        let d = divergence.as_ref()?;
        let (mine, theirs) = if a_side { (&d.a, &d.b) } else { (&d.b, &d.a) };
        let t = mine.as_ref().or(theirs.as_ref())?.time;
        Some((t, AttrValue::from(d.sentence.clone())))
    };
    let outcome = m.outcome();
    let differing = |run: &Playground, event: Option<usize>| {
        let o = outcome.as_ref()?;
        let own = event.and_then(|i| run.run().engine().event(i));
        Some((
            own.map_or(o.time, |e| e.time),
            AttrValue::from(o.sentence.clone()),
        ))
    };
    let diagram_b = m.vs().map(|b| {
        let on_b = on.reform(|c| Command::OnB(Box::new(c)));
        let (lanes, geometry, events, arrows) = diagram_of(b, cursor, window, m.end());
        let change = difference(m.session(), b.session());
        html! {
            <>
                <h3 class="run-label"><span class="run-key run-b">{ "B" }</span>{ " " }{ change }</h3>
                <Diagram lanes={lanes} geometry={geometry} events={events} arrows={arrows}
                         cursor={cursor} shown_events={b.snapshot_events()}
                         violations={breaches(properties_b.unwrap_or_default())} path={b.path()}
                         divergence={parting(false)} outcome={differing(b, outcome.as_ref().and_then(|o| o.b))}
                         cone={b.cone()} collapse={b.collapse()} clip="plot-b" on={on_b} />
            </>
        }
    });
    let cone_line = m.cone_summary().map(|text| {
        html! {
            <p class="cone-summary" data-testid="cone-summary" role="status">
                { text }
                <span class="key"><span class="swatch before"></span>{ "before" }</span>
                <span class="key"><span class="swatch after"></span>{ "after" }</span>
                <button data-testid="cone-clear" onclick={on.reform(|_: MouseEvent| Command::ClearFocus)}>{ "✕ Clear" }</button>
            </p>
        }
    });
    let comparing = m.vs().is_some();
    html! {
        <section class="panel diagram-panel" ref={node}>
            <div class="panel-head">
                <h2>{ "Space-time diagram" }</h2>
                <span class="spacer"></span>
                <button onclick={on.reform(|_: MouseEvent| Command::Pan(-1))} data-testid="pan-earlier">{ "◀ Earlier" }</button>
                <button onclick={on.reform(|_: MouseEvent| Command::Pan(1))} data-testid="pan-later">{ "Later ▶" }</button>
                <button onclick={on.reform(|_: MouseEvent| Command::Zoom(-1))} data-testid="zoom-out">{ "− Zoom out" }</button>
                <button onclick={on.reform(|_: MouseEvent| Command::Zoom(1))} data-testid="zoom-in">{ "+ Zoom in" }</button>
            </div>
            <DiagramTools names={names} hidden={Rc::new(m.hidden_lanes().clone())}
                          hidden_messages={m.hidden_messages(&events)} collapse={m.collapse().is_some()} on={on.clone()} />
            if comparing { <h3 class="run-label"><span class="run-key run-a">{ "A" }</span>{ " this run" }</h3> }
            <Diagram lanes={lanes} geometry={geometry} events={events} arrows={arrows}
                     cursor={cursor} shown_events={m.snapshot_events()}
                     divergence={parting(true)} outcome={differing(m, outcome.as_ref().and_then(|o| o.a))}
                     violations={breaches(properties)} path={path.clone()} cone={m.cone()} collapse={m.collapse()}
                     legend={m.event_tags()} on={on.clone()} />
            { cone_line }
            <>{ for diagram_b }</>
            <p class="hint">{ "Time runs to the right, one lane per node (grouped; click a group's bracket to fold it into one lane; choose the lanes shown under Lanes). Labels that would overprint another are left out: point at a mark to read it. Click an event to show that instant and its causality (what happened before it, in blue, and after it, in orange), an arrow for its request's path, or anywhere to jump there; ] and [ walk the events one by one from the keyboard." }</p>
        </section>
    }
}

/// A diagram's lanes, geometry, events and arrows.
type DiagramParts = (
    Rc<Lanes>,
    DiagramGeometry,
    Rc<Vec<EventInfo>>,
    Rc<Vec<Arrow>>,
);

/// What a run's diagram draws in the time `window` (start, span) of a run ending at
/// `end`, following `cursor`: its lanes, geometry, events and arrows.
fn diagram_of(
    p: &Playground,
    cursor: SimTime,
    window: (SimTime, u64),
    end: SimTime,
) -> DiagramParts {
    let lanes = p.lanes();
    let geometry = DiagramGeometry::following(cursor, window.1, end)
        .starting_at(window.0)
        .for_lanes(&lanes);
    let events = p.events_between(geometry.start, geometry.end());
    let arrows = Rc::new(p.arrows(&events));
    (lanes, geometry, Rc::new(events), arrows)
}

/// The events that broke a property (by the cursor), with the property's sentence.
fn breaches(properties: &[PropertyRow]) -> Rc<Vec<(usize, String)>> {
    Rc::new(
        properties
            .iter()
            .filter_map(|p| {
                p.violated
                    .as_ref()
                    .map(|v| (v.event, p.sentence.to_string()))
            })
            .collect(),
    )
}

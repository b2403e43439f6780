//! The invariants panel: each property holding or broken at the cursor. A breach is shown
//! once the cursor has passed it, never before; "Run on" goes to the first breach still
//! ahead, or to the end of the run when none is.

use std::rc::Rc;

use playground_core::sim::checker::PropertyKind;
use playground_core::sim::time::SimTime;
use yew::prelude::*;

use crate::model::{Command, PropertyRow};

/// What the panel shows.
#[derive(Properties, PartialEq)]
pub struct PropertiesProps {
    /// Every property and its status.
    pub rows: Rc<Vec<PropertyRow>>,
    /// Run B's, when two runs are compared (the same properties, in the same order).
    #[prop_or_default]
    pub other: Option<Rc<Vec<PropertyRow>>>,
    /// When the run ends.
    pub end: SimTime,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// The invariants panel; compared, each property says how it stands in run A and in run B.
#[component]
pub fn Properties(props: &PropertiesProps) -> Html {
    let compared = props.other.is_some();
    let rows = props.rows.iter().enumerate().map(|(i, row)| {
        let kind = match row.kind {
            PropertyKind::Guarantee => "guarantee",
            PropertyKind::Contrast => "contrast",
        };
        let (mut class, icon, status) = status_of(row);
        // Compared, the row stands out where the runs disagree.
        let differs = props.other.as_ref().is_some_and(|b| {
            class = "compared";
            b.get(i).map(|b| b.violated.is_some()) != Some(row.violated.is_some())
        });
        let verdicts = match &props.other {
            None => verdict(row, i, None, props),
            Some(b) => html! {
                <div class="verdicts">
                    { verdict(row, i, Some("A"), props) }
                    if let Some(b) = b.get(i) { { verdict(b, i, Some("B"), props) } }
                </div>
            },
        };
        html! {
            <li class={classes!("property", class, differs.then_some("differs"))} data-testid={format!("property-{i}")} data-status={status_of(row).0}>
                if !compared {
                    <span class="status"><span aria-hidden="true">{ icon }</span>{ " " }{ status }</span>
                }
                <span class={classes!("kind", kind)}>{ kind }</span>
                <p>{ row.sentence }</p>
                { verdicts }
            </li>
        }
    });
    html! {
        <section class="panel properties" data-testid="invariants">
            <h2>{ "Invariants" }</h2>
            <p class="hint">
                { "Checked after every step. A guarantee is what the pattern promises; a contrast is what a naive approach would need, shown breaking." }
                if compared { { " Each says how it stands by the cursor in run A and in run B." } }
            </p>
            <ul>{ for rows }</ul>
        </section>
    }
}

/// A row's class, icon and status word.
fn status_of(row: &PropertyRow) -> (&'static str, &'static str, &'static str) {
    match &row.violated {
        Some(_) => ("violated", "✗", "VIOLATED"),
        None => ("holds", "✓", "holds so far"),
    }
}

/// How property `i` stands in one run (`run` names it when two are compared): its breach
/// with a way to its event, or a way on to its first breach ahead (or the run's end).
fn verdict(
    row: &PropertyRow,
    i: usize,
    run: Option<&'static str>,
    props: &PropertiesProps,
) -> Html {
    // Run B's events are B's: its commands go through `Command::OnB`.
    let on_run = move |c: Command| match run {
        Some("B") => Command::OnB(Box::new(c)),
        _ => c,
    };
    let suffix = run.map_or(String::new(), |r| format!("-{}", r.to_lowercase()));
    let key = run.map(|r| {
        let (class, icon, status) = status_of(row);
        html! {
            <span class={classes!("run-status", class)} data-testid={format!("verdict{suffix}-{i}")} data-status={class}>
                <span class={classes!("run-key", format!("run{suffix}"))}>{ r }</span>
                <span aria-hidden="true">{ " " }{ icon }</span>{ " " }{ status }
            </span>
        }
    });
    match &row.violated {
        Some(v) => {
            let event = v.event;
            let onclick = props
                .on
                .reform(move |_: MouseEvent| on_run(Command::JumpToEvent(event)));
            html! {
                <div class="violation">
                    <>{ for key }</>
                    <p data-testid={format!("violation-detail{suffix}-{i}")}>{ format!("At {}: {}", v.time, v.detail) }</p>
                    <button onclick={onclick} data-testid={format!("show-violation{suffix}-{i}")}>{ "Show the event" }</button>
                </div>
            }
        }
        None => {
            let target = match &row.breaks_later {
                Some(v) => on_run(Command::JumpToEvent(v.event)),
                None => Command::Scrub(props.end),
            };
            let onclick = props.on.reform(move |_: MouseEvent| target.clone());
            html! {
                <div class="holding">
                    <>{ for key }</>
                    <button class="run-on" onclick={onclick} data-testid={format!("run-on{suffix}-{i}")}
                            title="Go to the first breach of this property still ahead, or to the end of the run if it holds">
                        { "Run on until it breaks ▶▶" }
                    </button>
                </div>
            }
        }
    }
}

//! Pattern actions and membership: a verb's form (its argument and help), the action bar
//! under the stage for the selected node, and a group's menu. Every button emits a
//! [`Command::Act`], so what it does lands in the link and replays.

use playground_core::sim::action::Action;
use playground_core::sim::node::NodeStatus;
use playground_core::sim::scenario::VerbSpec;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::model::Command;

fn act(on: &Callback<Command>, action: Action<String>) -> Callback<MouseEvent> {
    on.reform(move |_: MouseEvent| Command::Act(action.clone()))
}

/// A pattern action on one node.
fn verb(node: &str, spec: &VerbSpec, arg: i64) -> Action<String> {
    Action::Command {
        node: node.to_string(),
        verb: spec.name.to_string(),
        arg,
    }
}

/// One verb's form.
#[derive(Properties, PartialEq)]
pub struct VerbFormProps {
    /// The node it acts on.
    pub node: AttrValue,
    /// The verb.
    pub spec: VerbSpec,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// A verb with its help text and, when it takes one, its argument as a slider over the
/// allowed range (starting at the default), and a button that applies it.
#[component]
pub fn VerbForm(p: &VerbFormProps) -> Html {
    let arg = use_state(|| p.spec.arg.map_or(0, |a| a.default));
    let name = p.spec.name;
    let input = p.spec.arg.map(|a| {
        let set = {
            let arg = arg.clone();
            Callback::from(move |e: InputEvent| {
                let field: HtmlInputElement = e.target_unchecked_into();
                if let Ok(v) = field.value().parse::<i64>() {
                    arg.set(v.clamp(a.min, a.max));
                }
            })
        };
        html! {
            <label class="verb-arg">
                { a.label }
                <input type="range" min={a.min.to_string()} max={a.max.to_string()} step={a.step.max(1).to_string()}
                       value={arg.to_string()} oninput={set} data-testid={format!("verb-arg-{name}")} />
                <output>{ format!("{} {}", *arg, a.unit) }</output>
            </label>
        }
    });
    html! {
        <div class="verb" data-testid={format!("verb-{name}")}>
            <p class="verb-help"><strong>{ p.spec.label }</strong>{ ": " }{ p.spec.help }</p>
            <>{ for input }</>
            <button data-testid={format!("verb-apply-{name}")} onclick={act(&p.on, verb(&p.node, &p.spec, *arg))}>
                { p.spec.label }
            </button>
        </div>
    }
}

/// Join for a node outside the run, Retire for one in it.
pub fn membership(on: &Callback<Command>, name: &str, status: NodeStatus) -> Html {
    if status == NodeStatus::Absent {
        html! {
            <button data-testid="join" title="Start this node: it joins the run now."
                    onclick={act(on, Action::Join(name.to_string()))}>{ "+ Add to the run" }</button>
        }
    } else {
        html! {
            <button data-testid="retire" title="Take this node out of the run for good (until it is added again)."
                    onclick={act(on, Action::Retire(name.to_string()))}>{ "− Retire" }</button>
        }
    }
}

/// Crash or restart, pause or resume a node, as its status allows; each button's test id
/// is `prefix` and the action (`crash`, `bar-crash` …).
pub fn fault_buttons(on: &Callback<Command>, name: &str, status: NodeStatus, prefix: &str) -> Html {
    let absent = status == NodeStatus::Absent;
    let button = |id: &str, label: &'static str, action: Action<String>, disabled: bool| {
        html! { <button data-testid={format!("{prefix}{id}")} onclick={act(on, action)} {disabled}>{ label }</button> }
    };
    let name = name.to_string();
    html! {
        <>
            if status == NodeStatus::Crashed {
                { button("restart", "↻ Restart", Action::Restart(name.clone()), false) }
            } else {
                { button("crash", "✕ Crash", Action::Crash(name.clone()), absent) }
            }
            if status == NodeStatus::Paused {
                { button("resume", "▶ Resume", Action::Resume(name.clone()), false) }
            } else {
                { button("pause", "❚❚ Pause (GC)", Action::Pause(name), status == NodeStatus::Crashed || absent) }
            }
        </>
    }
}

/// What the action bar shows.
#[derive(Properties, PartialEq)]
pub struct ActionBarProps {
    /// The selected node's name.
    pub node: AttrValue,
    /// Its role.
    pub role: &'static str,
    /// Its status.
    pub status: NodeStatus,
    /// The one value the stage draws on it, and its key fields.
    pub headline: AttrValue,
    /// The pattern's verbs.
    pub verbs: &'static [VerbSpec],
    /// Where commands go.
    pub on: Callback<Command>,
}

/// On the stage while a node is selected: what it is and shows, the faults, the pattern's
/// verbs for its role (each with its default argument; the inspector sets another) and
/// joining or retiring it, so acting on a node needs no scrolling.
#[component]
pub fn ActionBar(p: &ActionBarProps) -> Html {
    let verbs = p.verbs.iter().filter(|v| v.applies_to(p.role)).map(|v| {
        let arg = v.arg.map_or(0, |a| a.default);
        let title = match v.arg {
            Some(a) => format!("{} ({} {}{})", v.help, a.label, arg, a.unit),
            None => v.help.to_string(),
        };
        html! {
            <button data-testid={format!("bar-{}", v.name)} title={title}
                    onclick={act(&p.on, verb(&p.node, v, arg))}>{ v.label }</button>
        }
    });
    html! {
        <div class="action-bar" data-testid="action-bar" role="toolbar" aria-label={format!("Actions on {}", p.node)}>
            <strong>{ format!("{} · {}", p.node, p.role) }</strong>
            <span class="bar-state" data-testid="bar-state">{ format!("{} · {}", p.status.word(), p.headline) }</span>
            { fault_buttons(&p.on, &p.node, p.status, "bar-") }
            <>{ for verbs }</>
            { membership(&p.on, &p.node, p.status) }
        </div>
    }
}

/// A group as its menu shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupSummary {
    /// Its index in the topology.
    pub index: usize,
    /// Its name, as actions name it.
    pub name: String,
    /// Kind and name (`host h1`).
    pub label: String,
    /// How many nodes it holds.
    pub members: usize,
    /// How many of them are up.
    pub up: usize,
    /// Folded into one box on the stage.
    pub collapsed: bool,
}

/// A group's menu in the inspector: faults on every member at once (the actions name the
/// group, so the link stays short), cutting it off, folding it.
pub fn group_menu(on: &Callback<Command>, g: &GroupSummary) -> Html {
    let name = g.name.clone();
    let index = g.index;
    let isolate = |one_way: bool| {
        on.reform(move |_: MouseEvent| Command::IsolateGroup {
            group: index,
            one_way,
        })
    };
    html! {
        <div class="inspect group-menu" data-testid="group-menu">
            <h3>{ &g.label }</h3>
            <p class="muted" data-testid="group-summary">{ format!("{} nodes, {} up", g.members, g.up) }</p>
            <div class="buttons">
                <button data-testid="group-crash" onclick={act(on, Action::Crash(name.clone()))}>{ "✕ Crash all" }</button>
                <button data-testid="group-restart" onclick={act(on, Action::Restart(name.clone()))}>{ "↻ Restart all" }</button>
                <button data-testid="group-pause" onclick={act(on, Action::Pause(name.clone()))}>{ "❚❚ Pause all" }</button>
                <button data-testid="group-resume" onclick={act(on, Action::Resume(name.clone()))}>{ "▶ Resume all" }</button>
                <button data-testid="group-isolate" onclick={isolate(false)}>{ "✂ Cut off (both ways)" }</button>
                <button data-testid="group-isolate-oneway" onclick={isolate(true)}>{ "✂ Cut outgoing only" }</button>
                <button data-testid="group-fold" onclick={on.reform(move |_: MouseEvent| Command::ToggleCollapse(index))}>
                    { if g.collapsed { "Unfold on the stage" } else { "Fold on the stage" } }
                </button>
            </div>
        </div>
    }
}

//! The stage's pieces: one node (a component, so a node whose props did not change is not
//! drawn again while playing) and one group's box.

use playground_core::sim::node::{NodeId, NodeStatus};
use playground_core::sim::scenario::RoleLook;
use yew::prelude::*;

use crate::layout::{fit_chars, fit_middle, headline_chars_across, GroupBox, Scale, Spot};
use crate::model::Command;

/// Enter or Space on a focused stage item emits `command` (and does not play).
pub fn activate(on: Callback<Command>, command: Command) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            e.stop_propagation();
            on.emit(command.clone());
        }
    })
}

/// One node as the stage draws it. Equal whatever their callbacks: the page makes a new
/// one per frame, and every one of them sends commands to the same page, so a node
/// whose drawing did not change is not drawn again (200 of them on every frame).
#[derive(Properties)]
pub struct NodeProps {
    /// Its id.
    pub id: NodeId,
    /// Its box.
    pub spot: Spot,
    /// How large nodes are drawn.
    pub scale: Scale,
    /// Its name.
    pub name: AttrValue,
    /// Its role.
    pub role: &'static str,
    /// How its role is drawn.
    pub look: RoleLook,
    /// Up, crashed, paused or absent.
    pub status: NodeStatus,
    /// The value drawn on it.
    pub headline: AttrValue,
    /// What is wrong with it though it is up ("10× slower"), marked at every size.
    #[prop_or_default]
    pub trouble: Option<AttrValue>,
    /// Its wall clock to the millisecond (drawn beside its role on a small flat stage),
    /// or empty.
    pub wall: AttrValue,
    /// Messages its workers serve.
    pub busy: u32,
    /// Messages waiting in its queue.
    pub queued: u32,
    /// Selected for the inspector.
    pub selected: bool,
    /// Picked for one side of a partition.
    pub grouped: bool,
    /// The side of a partition it is on (0 for side A …), when a cut touches it.
    pub side: Option<u8>,
    /// On the request path shown.
    pub on_path: bool,
    /// Its soonest pending timer (drawn in full only): the share of its span still to
    /// run, per mille, and what it is with the time left.
    #[prop_or_default]
    pub timer: Option<(u16, AttrValue)>,
    /// Where commands go.
    pub on: Callback<Command>,
}

impl PartialEq for NodeProps {
    fn eq(&self, o: &Self) -> bool {
        (
            self.id,
            self.spot,
            self.scale,
            &self.name,
            self.role,
            self.look,
            self.status,
        ) == (o.id, o.spot, o.scale, &o.name, o.role, o.look, o.status)
            && (
                &self.headline,
                &self.trouble,
                &self.wall,
                self.busy,
                self.queued,
            ) == (&o.headline, &o.trouble, &o.wall, o.busy, o.queued)
            && (self.selected, self.grouped, self.side, self.on_path)
                == (o.selected, o.grouped, o.side, o.on_path)
            && self.timer == o.timer
    }
}

/// The most queue slots a node's bar draws (fewer on a small square, so each slot stays
/// visible); a longer queue fills it.
fn bar_slots(scale: Scale) -> u32 {
    if scale == Scale::Compact {
        4
    } else {
        8
    }
}

/// A node: a box (a small square at scale) with its name, or a mark and its text on
/// hover and focus; a dashed, faded outline when it is not in the run; a queue bar when
/// it has work.
#[component]
pub fn StageNode(p: &NodeProps) -> Html {
    let Spot {
        center: c,
        half_w: hw,
        half_h: hh,
    } = p.spot;
    let id = p.id;
    let onclick = p.on.reform(move |_: MouseEvent| Command::SelectNode(id));
    let onkeydown = activate(p.on.clone(), Command::SelectNode(id));
    let mut class = classes!("node", p.role, p.status.word());
    match p.scale {
        Scale::Full => {}
        Scale::Brief => class.push("brief"),
        Scale::Medium => class.push("medium"),
        Scale::Compact => class.push("compact"),
    }
    if p.selected {
        class.push("selected");
    }
    if p.grouped {
        class.push("grouped");
    }
    let side = p.side.map(|s| char::from(b'A' + s.min(25)));
    if let Some(s) = p.side {
        class.push("partitioned");
        class.push(["side-a", "side-b", "side-c"][usize::from(s.min(2))]);
    }
    if p.on_path {
        class.push("on-path");
    }
    // Up but not well: marked at every size (an amber outline, a ⚠ by the name or as
    // the mark), so a failing node never looks healthy.
    let troubled = p.status == NodeStatus::Up && p.trouble.is_some();
    if troubled {
        class.push("trouble");
    }
    let badge = match (p.status, side) {
        (NodeStatus::Crashed, _) => Some("✕ CRASHED".to_string()),
        (NodeStatus::Paused, _) => Some("❚❚ PAUSED".to_string()),
        (NodeStatus::Absent, _) => Some("○ not in the run".to_string()),
        (NodeStatus::Up, Some(side)) => Some(format!("✂ SIDE {side}")),
        (NodeStatus::Up, None) => p.trouble.as_ref().map(|t| format!("⚠ {t}")),
    };
    let colours = format!(
        "--role-stroke: {}; --role-fill: {}",
        p.look.stroke, p.look.fill
    );
    let work = p.busy + p.queued;
    let status = if p.status == NodeStatus::Absent {
        "not in the run"
    } else {
        p.status.word()
    };
    let mut label = format!("{} ({}), {status}, {}", p.name, p.role, p.headline);
    if let Some(trouble) = &p.trouble {
        label.push_str(&format!(", {trouble}"));
    }
    if work > 0 {
        label.push_str(&format!(", {} busy, {} queued", p.busy, p.queued));
    }
    if let Some((_, timer)) = &p.timer {
        label.push_str(", ");
        label.push_str(timer);
    }
    // Its next timer: a bar along the box's foot that empties as the timer runs down.
    let timer = p.timer.as_ref().map(|(left, text)| {
        let (x, width) = (c.x - hw + 10.0, 2.0 * hw - 20.0);
        let y = (c.y + hh - 7.0).to_string();
        html! {
            <g class="timer" data-testid={format!("timer-{}", p.name)}>
                <title>{ text }</title>
                <rect class="timer-track" x={x.to_string()} y={y.clone()} width={width.to_string()} height="3" />
                <rect class="timer-left" x={x.to_string()} y={y}
                      width={(width * f64::from(*left) / 1000.0).to_string()} height="3" />
            </g>
        }
    });
    let full = p.scale == Scale::Full;
    // Name and headline cut to their box, the whole text in the node's title; a brief
    // node's headline drops the spaces around its dots ("LEADER·gen 2"), then its middle.
    // Smaller than full size there is no badge: the name carries the status's mark
    // ("✕ i3", or "⚠ i3" for a node up but in trouble), so a crashed or failing node is
    // told apart without hovering it.
    let plain = p.status == NodeStatus::Up && !troubled;
    let marked = if matches!(p.scale, Scale::Full | Scale::Compact) || plain {
        p.name.to_string()
    } else {
        format!("{} {}", mark(p.role, p.status, troubled), p.name)
    };
    let (name, name_cut) = fit_chars(&marked, p.scale.name_chars());
    let (headline, headline_cut) = if p.scale == Scale::Brief {
        fit_middle(&p.headline.replace(" · ", "·"), headline_chars_across(hw))
    } else {
        fit_chars(&p.headline, headline_chars_across(hw))
    };
    let x = c.x.to_string();
    // The queue: one slot per message being served (dark) or waiting (amber).
    let bar = (work > 0).then(|| {
        let slots = bar_slots(p.scale);
        let slot = 2.0 * hw / f64::from(slots);
        let served = p.busy.min(slots);
        let waiting = p.queued.min(slots - served);
        let top = (c.y + hh + 1.5).to_string();
        let left = c.x - hw;
        html! {
            <g class="queue" data-testid={format!("queue-{}", p.name)}>
                // The numbers in words on hover (a label beside the bar overprinted the
                // next node and the caption under it).
                <title>{ format!("{}: {} being served, {} waiting", p.name, p.busy, p.queued) }</title>
                <rect class="served" x={left.to_string()} y={top.clone()}
                      width={(slot * f64::from(served)).to_string()} height="3" />
                <rect class="waiting" x={(left + slot * f64::from(served)).to_string()} y={top}
                      width={(slot * f64::from(waiting)).to_string()} height="3" />
            </g>
        }
    });
    html! {
        <g class={class} style={colours} data-testid={format!("node-{}", p.name)} onclick={onclick}
           onkeydown={onkeydown} role="button" tabindex="0" aria-label={label.clone()}>
            if !full || name_cut || headline_cut {
                <title>{ label }</title>
            }
            <rect class="box" x={(c.x - hw).to_string()} y={(c.y - hh).to_string()}
                  width={(2.0 * hw).to_string()} height={(2.0 * hh).to_string()}
                  rx={if full { "12" } else { "4" }} />
            if p.grouped {
                <rect class="group-ring" x={(c.x - hw - 4.0).to_string()} y={(c.y - hh - 4.0).to_string()}
                      width={(2.0 * hw + 8.0).to_string()} height={(2.0 * hh + 8.0).to_string()} rx="6" />
            }
            <>{ for bar }</>
            <>{ for timer }</>
            { match p.scale {
                Scale::Full => html! { <>
                    <text class="name" x={x.clone()} y={(c.y - 5.0).to_string()}>{ name }</text>
                    <text class="headline" x={x.clone()} y={(c.y + 13.0).to_string()}>{ headline }</text>
                    // Under the queue bar (hh + 1.5 to hh + 4.5), clear of it, and inside
                    // the node's footprint (hh + 17), which message labels stay off.
                    <text class="role" x={x.clone()} y={(c.y + hh + 14.0).to_string()}>
                        if p.wall.is_empty() { { p.role } } else { { format!("{} · wall {}", p.role, p.wall) } }
                    </text>
                    if let Some(badge) = &badge {
                        <text class="badge" x={x} y={(c.y - hh - 6.0).to_string()}>{ badge }</text>
                    }
                </> },
                Scale::Brief => html! { <>
                    <text class="name" x={x.clone()} y={(c.y - 3.0).to_string()}>{ name }</text>
                    <text class="headline" x={x} y={(c.y + 12.0).to_string()}>{ headline }</text>
                </> },
                Scale::Medium => html! {
                    <text class="name" x={x} y={(c.y + 4.0).to_string()}>{ name }</text>
                },
                Scale::Compact => html! {
                    <text class="mark" x={x} y={(c.y + 3.5).to_string()}>{ mark(p.role, p.status, troubled) }</text>
                },
            } }
            if !full && (p.scale != Scale::Brief || name_cut || headline_cut || badge.is_some()) {
                // Shown on hover, on keyboard focus and while selected (see the style sheet),
                // unless the box already says it all (a brief node whose text is whole):
                // above a row of boxes it covers the row above.
                <text class="tip" x={c.x.to_string()} y={(c.y - hh - 5.0).to_string()}>
                    { format!("{} · {}", p.name, p.headline) }
                    if let Some(badge) = &badge {
                        { format!(" · {badge}") }
                    }
                </text>
            }
        </g>
    }
}

/// A compact node's mark: its status when it is not up, a ⚠ when it is up but
/// `troubled`, else its role's initial.
fn mark(role: &str, status: NodeStatus, troubled: bool) -> String {
    match status {
        NodeStatus::Crashed => "✕".to_string(),
        NodeStatus::Paused => "❚".to_string(),
        NodeStatus::Absent => "○".to_string(),
        NodeStatus::Up if troubled => "⚠".to_string(),
        NodeStatus::Up => role.chars().next().unwrap_or('·').to_string(),
    }
}

/// One group's box as the stage draws it (equal whatever their callbacks, as nodes).
#[derive(Properties)]
pub struct GroupProps {
    /// The group and where it goes.
    pub group: GroupBox,
    /// How many of its members are up (shown when it is collapsed).
    pub up: usize,
    /// Selected for its menu in the inspector.
    pub selected: bool,
    /// Where commands go.
    pub on: Callback<Command>,
}

impl PartialEq for GroupProps {
    fn eq(&self, o: &Self) -> bool {
        (&self.group, self.up, self.selected) == (&o.group, o.up, o.selected)
    }
}

/// A group: a labelled box whose label folds it (and unfolds it); clicking the box
/// selects it for its menu. Folded, it shows its member count and how many are up.
#[component]
pub fn GroupFrame(p: &GroupProps) -> Html {
    let g = &p.group;
    let s = g.spot;
    let index = g.index;
    let toggle = p.on.reform(move |e: MouseEvent| {
        e.stop_propagation();
        Command::ToggleCollapse(index)
    });
    let select =
        p.on.reform(move |_: MouseEvent| Command::SelectGroup(index));
    let mut class = classes!("group", format!("depth-{}", g.depth.min(3)));
    if g.collapsed {
        class.push("collapsed");
    }
    if p.selected {
        class.push("selected");
    }
    let members = g.members.len();
    let summary = format!("{members} nodes · {} up", p.up);
    let title = if g.collapsed {
        format!("{}: {summary}. Click for its actions.", g.label)
    } else {
        format!("{}: {members} nodes. Click for its actions.", g.label)
    };
    html! {
        <g class={class} data-testid={format!("group-{}", g.name)}>
            <rect class="frame" x={s.left().to_string()} y={s.top().to_string()}
                  width={(2.0 * s.half_w).to_string()} height={(2.0 * s.half_h).to_string()} rx="6"
                  onclick={select} role="button" tabindex="0"
                  onkeydown={activate(p.on.clone(), Command::SelectGroup(index))}
                  data-testid={format!("group-select-{}", g.name)} aria-label={title.clone()}>
                <title>{ title }</title>
            </rect>
            <text class="label" x={(s.left() + 6.0).to_string()} y={(s.top() + 12.0).to_string()}
                  onclick={toggle} role="button" tabindex="0"
                  onkeydown={activate(p.on.clone(), Command::ToggleCollapse(index))}
                  aria-expanded={(!g.collapsed).to_string()}
                  aria-label={format!("{} {}", if g.collapsed { "unfold" } else { "fold" }, g.label)}
                  data-testid={format!("collapse-{}", g.name)}>
                { if g.collapsed { "▸ " } else { "▾ " } }{ &g.label }
            </text>
            if g.collapsed {
                <text class="summary" x={s.center.x.to_string()} y={(s.top() + 2.0 * s.half_h - 9.0).to_string()}>
                    { summary }
                </text>
            }
        </g>
    }
}

//! The stage's groups: the layout (computed once per run, collapsed groups and width),
//! folding groups, the selected group and cutting a group off from the rest.

use std::collections::BTreeSet;
use std::rc::Rc;

use playground_core::sim::action::Action;
use playground_core::sim::node::NodeId;
use playground_core::sim::run::Engine;
use playground_core::sim::topology::Topology;
use playground_core::sim::trace::MsgId;

use super::{Notice, Playground, Tone};
use crate::layout::{StageLayout, PHONE_STAGE_WIDTH, STAGE_WIDTH};

/// About how large a phone's stage panel is (CSS pixels: a 390 px wide phone's panel,
/// and the height left to it on the first screen).
pub const PHONE_PANEL: (f64, f64) = (358.0, 240.0);

/// A stage drawn at least this share of its own size keeps its 11 px text readable.
const READABLE: f64 = 0.95;

impl Playground {
    /// The stage's layout for a stage `width` units wide. It depends only on the run's
    /// nodes, topology and the pairs that talk (read when the run is opened), the
    /// collapsed groups and the width, so it is computed when one of those changes and
    /// shared between frames.
    ///
    /// A phone's stage ([`PHONE_STAGE_WIDTH`]) is drawn whole, fitted to its panel
    /// (about [`PHONE_PANEL`]). Of the widths tried, the layout drawn at its own size
    /// or larger that writes the most on its nodes, the narrowest on a tie; when none
    /// is, the one drawn largest (a stage of groups laid out wider and drawn smaller
    /// shows more of itself than a tall narrow one).
    pub fn stage_layout(&self, width: f64) -> Rc<StageLayout> {
        let key = (self.collapsed.clone(), width.to_bits());
        self.layout.get(key, || {
            let nodes = self.run.scenario().nodes(self.run.config());
            let roles: Vec<&str> = nodes.iter().map(|n| n.role).collect();
            let topology = self.engine().topology();
            let talks = self.talks.get((), || Rc::new(talking_pairs(self.engine())));
            let at = |width| StageLayout::new(&roles, topology, &talks, &self.collapsed, width);
            if width != PHONE_STAGE_WIDTH {
                return Rc::new(at(width));
            }
            let drawn = |l: &StageLayout| (PHONE_PANEL.0 / l.width).min(PHONE_PANEL.1 / l.height);
            let tried = [PHONE_STAGE_WIDTH, 1.5 * PHONE_STAGE_WIDTH, STAGE_WIDTH].map(at);
            let readable = tried
                .iter()
                .filter(|l| drawn(l) >= READABLE)
                .min_by_key(|l| l.scale);
            let largest = || {
                tried.iter().reduce(|best, l| {
                    if drawn(l) > drawn(best) + 1e-9 {
                        l
                    } else {
                        best
                    }
                })
            };
            Rc::new(
                readable
                    .or_else(largest)
                    .cloned()
                    .unwrap_or_else(|| at(width)),
            )
        })
    }

    /// The groups drawn folded into one box.
    pub fn collapsed(&self) -> &BTreeSet<usize> {
        &self.collapsed
    }

    /// The selected group (by topology index).
    pub fn selected_group(&self) -> Option<usize> {
        self.selected_group
    }

    pub(super) fn toggle_collapse(&mut self, group: usize) {
        if group < self.engine().topology().groups().len() && !self.collapsed.remove(&group) {
            self.collapsed.insert(group);
        }
    }

    pub(super) fn select_group(&mut self, group: usize) {
        if group >= self.engine().topology().groups().len() {
            return;
        }
        self.selected = None;
        self.selected_msg = None;
        self.selected_group = (self.selected_group != Some(group)).then_some(group);
    }

    /// Cuts `group` off from every node outside it, naming the rest as briefly as the
    /// topology allows (sibling groups rather than their members), so the link stays short.
    pub(super) fn isolate_group(&mut self, group: usize, one_way: bool) {
        let topology = self.engine().topology();
        let Some(name) = topology.groups().get(group).map(|g| g.name.clone()) else {
            return;
        };
        let rest = outside(topology, group, self.engine().names());
        if rest.is_empty() {
            self.notices.push(Notice {
                tone: Tone::Error,
                text: format!("{name} holds every node: there is no other side to cut it from."),
            });
            return;
        }
        self.act(Action::Partition {
            from: vec![name],
            to: rest,
            one_way,
        });
    }
}

/// The node pairs that exchange messages in the explored run, each once, the lower
/// index first.
pub(crate) fn talking_pairs(engine: &dyn Engine) -> Vec<(usize, usize)> {
    let mut pairs = BTreeSet::new();
    for i in 0..engine.message_count() {
        if let Some((from, to)) = u32::try_from(i)
            .ok()
            .and_then(|i| engine.message_ends(MsgId(i)))
        {
            let (a, b) = (from.index(), to.index());
            pairs.insert((a.min(b), a.max(b)));
        }
    }
    pairs.into_iter().collect()
}

/// The names of everything outside `group`: at each level from the group up to the
/// stage, the other groups and the nodes placed directly there.
pub(super) fn outside(topology: &Topology, group: usize, names: &[String]) -> Vec<String> {
    let groups = topology.groups();
    let mut rest = Vec::new();
    let mut at = group;
    loop {
        let parent = groups[at].parent;
        for (i, g) in groups.iter().enumerate() {
            if i != at && g.parent == parent {
                rest.push(g.name.clone());
            }
        }
        for (i, n) in names.iter().enumerate() {
            if topology.group_of(NodeId(i as u32)) == parent {
                rest.push(n.clone());
            }
        }
        match parent {
            Some(p) => at = p,
            None => return rest,
        }
    }
}

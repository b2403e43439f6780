//! The space-time diagram's lanes for a whole run, computed once per run and collapsed
//! groups, never per frame.
//!
//! A run with groups orders its lanes as the stage nests its boxes: the nodes outside
//! every group first (by role, in order of first appearance), then each group in turn,
//! its own nodes before its inner groups. A collapsed group is one lane ("host h2 (5)")
//! that all its members' events are drawn on. A run without groups orders its lanes by
//! role. Mapping a node to its lane is then one lookup ([`Lanes::lane_of`]).

use std::collections::BTreeSet;

use playground_core::sim::node::NodeId;
use playground_core::sim::topology::Topology;

/// What a hidden node's lane is in [`Lanes::of_node`].
const HIDDEN: usize = usize::MAX;

/// One lane of the diagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lane {
    /// Its header: a node's name, or a collapsed group's kind, name and member count.
    pub name: String,
    /// The collapsed group it stands for (`None`: one node's lane).
    pub group: Option<usize>,
}

/// An unfolded group: the run of consecutive lanes its members take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Band {
    /// The group's index in the topology.
    pub group: usize,
    /// Its kind and name (`host h1`).
    pub label: String,
    /// Its first lane.
    pub first: usize,
    /// Its last lane.
    pub last: usize,
    /// How many unfolded groups it sits in.
    pub depth: usize,
}

/// The diagram's lanes for one run and one set of collapsed groups.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lanes {
    /// The lanes, top to bottom.
    pub lanes: Vec<Lane>,
    /// Each node's lane, by node index.
    pub of_node: Vec<usize>,
    /// The unfolded groups that hold at least one lane, outer before inner.
    pub bands: Vec<Band>,
}

impl Lanes {
    /// The lanes of a run whose nodes are `names` with roles `roles`, with the groups in
    /// `collapsed` folded (a group inside a collapsed one folds with it).
    pub fn new(
        names: &[String],
        roles: &[&str],
        topology: &Topology,
        collapsed: &BTreeSet<usize>,
    ) -> Lanes {
        let n = names.len().min(roles.len());
        let groups = topology.groups();
        // Nodes placed directly in each group; the last entry holds the loose ones.
        let mut direct = vec![Vec::new(); groups.len() + 1];
        for i in 0..n {
            let g = topology.group_of(NodeId(i as u32)).unwrap_or(groups.len());
            direct[g.min(groups.len())].push(i);
        }
        let mut children = vec![Vec::new(); groups.len() + 1];
        for (i, g) in groups.iter().enumerate() {
            children[g.parent.unwrap_or(groups.len())].push(i);
        }
        let mut builder = Builder {
            names,
            topology,
            collapsed,
            direct: &direct,
            children: &children,
            lanes: Lanes {
                lanes: Vec::with_capacity(n),
                of_node: vec![0; n],
                bands: Vec::new(),
            },
            group_lane: vec![None; groups.len()],
        };
        // Loose nodes: one run per role, in order of first appearance.
        let loose = &direct[groups.len()];
        let mut order: Vec<&str> = Vec::new();
        for &i in loose {
            if !order.contains(&roles[i]) {
                order.push(roles[i]);
            }
        }
        for role in order {
            for &i in loose.iter().filter(|&&i| roles[i] == role) {
                builder.node(i);
            }
        }
        for &g in &children[groups.len()] {
            builder.group(g, 0);
        }
        // Members of a collapsed group take its lane (the outermost collapsed one).
        for i in 0..n {
            if let Some(lane) = topology
                .ancestors(NodeId(i as u32))
                .filter_map(|g| builder.group_lane[g])
                .last()
            {
                builder.lanes.of_node[i] = lane;
            }
        }
        builder.lanes
    }

    /// Leaves out the lanes of the nodes in `hidden` (by index): their events and
    /// messages are not drawn. A collapsed group's lane stays while a member is shown.
    pub fn hide(&mut self, hidden: &BTreeSet<usize>) {
        if hidden.is_empty() {
            return;
        }
        for &i in hidden {
            if let Some(lane) = self.of_node.get_mut(i) {
                *lane = HIDDEN;
            }
        }
        // Each kept lane's new index.
        let mut renumber = vec![HIDDEN; self.lanes.len()];
        let mut kept = 0;
        for (lane, new) in renumber.iter_mut().enumerate() {
            if self.of_node.contains(&lane) {
                *new = kept;
                kept += 1;
            }
        }
        let mut i = 0;
        self.lanes.retain(|_| {
            i += 1;
            renumber[i - 1] != HIDDEN
        });
        for lane in &mut self.of_node {
            *lane = renumber.get(*lane).copied().unwrap_or(HIDDEN);
        }
        self.bands.retain_mut(|b| {
            let inside: Vec<usize> = (b.first..=b.last)
                .map(|l| renumber[l])
                .filter(|&l| l != HIDDEN)
                .collect();
            match (inside.first(), inside.last()) {
                (Some(&first), Some(&last)) => {
                    (b.first, b.last) = (first, last);
                    true
                }
                _ => false,
            }
        });
    }

    /// Whether `node` has a lane (it is not hidden).
    pub fn shows(&self, node: NodeId) -> bool {
        self.of_node.get(node.index()).is_some_and(|&l| l != HIDDEN)
    }

    /// How many lanes there are.
    pub fn len(&self) -> usize {
        self.lanes.len()
    }

    /// Whether there are no lanes.
    pub fn is_empty(&self) -> bool {
        self.lanes.is_empty()
    }

    /// The lane `node`'s events are drawn on (the first lane for an unknown node; a
    /// hidden node has none: see [`shows`](Self::shows)).
    pub fn lane_of(&self, node: NodeId) -> usize {
        self.of_node
            .get(node.index())
            .copied()
            .filter(|&l| l != HIDDEN)
            .unwrap_or(0)
    }

    /// Whether a message between `a` and `b` stays inside one collapsed group (it is
    /// not drawn).
    pub fn folded_together(&self, a: NodeId, b: NodeId) -> bool {
        let lane = self.lane_of(a);
        lane == self.lane_of(b) && self.lanes.get(lane).is_some_and(|l| l.group.is_some())
    }

    /// The longest header, in characters (the label column is sized for it).
    pub fn widest(&self) -> usize {
        self.lanes
            .iter()
            .map(|l| l.name.chars().count() + if l.group.is_some() { 2 } else { 0 })
            .max()
            .unwrap_or(0)
    }
}

struct Builder<'a> {
    names: &'a [String],
    topology: &'a Topology,
    collapsed: &'a BTreeSet<usize>,
    direct: &'a [Vec<usize>],
    children: &'a [Vec<usize>],
    lanes: Lanes,
    group_lane: Vec<Option<usize>>,
}

impl Builder<'_> {
    fn node(&mut self, i: usize) {
        self.lanes.of_node[i] = self.lanes.lanes.len();
        self.lanes.lanes.push(Lane {
            name: self.names[i].clone(),
            group: None,
        });
    }

    fn group(&mut self, g: usize, depth: usize) {
        let group = &self.topology.groups()[g];
        let label = format!("{} {}", group.kind, group.name);
        if self.collapsed.contains(&g) {
            let members = self.topology.members(g, self.lanes.of_node.len()).len();
            self.group_lane[g] = Some(self.lanes.lanes.len());
            self.lanes.lanes.push(Lane {
                name: format!("{label} ({members})"),
                group: Some(g),
            });
            return;
        }
        let first = self.lanes.lanes.len();
        let band = self.lanes.bands.len();
        self.lanes.bands.push(Band {
            group: g,
            label,
            first,
            last: first,
            depth,
        });
        for k in 0..self.direct[g].len() {
            self.node(self.direct[g][k]);
        }
        for k in 0..self.children[g].len() {
            self.group(self.children[g][k], depth + 1);
        }
        if self.lanes.lanes.len() == first {
            self.lanes.bands.remove(band);
        } else {
            self.lanes.bands[band].last = self.lanes.lanes.len() - 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("n{i}")).collect()
    }

    #[test]
    fn without_groups_lanes_follow_roles_in_order_of_first_appearance() {
        let roles = ["server", "client", "server", "client"];
        let lanes = Lanes::new(&names(4), &roles, &Topology::default(), &BTreeSet::new());
        let order: Vec<&str> = lanes.lanes.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(order, ["n0", "n2", "n1", "n3"]);
        assert_eq!(lanes.of_node, [0, 2, 1, 3]);
        assert!(lanes.bands.is_empty());
    }

    #[test]
    fn nested_groups_fold_into_their_outermost_collapsed_lane() {
        let mut t = Topology::default();
        let zone = t.group("z1", "zone", None);
        let host = t.group("h1", "host", Some(zone));
        t.place(NodeId(1), host);
        t.place(NodeId(2), zone);
        let roles = ["client"; 3];
        let open = Lanes::new(&names(3), &roles, &t, &BTreeSet::new());
        assert_eq!(
            open.of_node,
            [0, 2, 1],
            "the zone's own node before its host"
        );
        assert_eq!(open.bands.len(), 2);
        assert_eq!((open.bands[1].first, open.bands[1].last), (2, 2));
        let folded = Lanes::new(&names(3), &roles, &t, &BTreeSet::from([zone, host]));
        assert_eq!(folded.len(), 2);
        assert_eq!(folded.of_node, [0, 1, 1]);
        assert_eq!(folded.lanes[1].name, "zone z1 (2)");
        assert!(folded.folded_together(NodeId(1), NodeId(2)));
        assert!(!folded.folded_together(NodeId(0), NodeId(2)));
    }

    #[test]
    fn hidden_nodes_lose_their_lanes_and_the_rest_close_up() {
        let mut t = Topology::default();
        let zone = t.group("z1", "zone", None);
        t.place(NodeId(1), zone);
        t.place(NodeId(2), zone);
        let roles = ["client"; 4];
        let mut lanes = Lanes::new(&names(4), &roles, &t, &BTreeSet::new());
        lanes.hide(&BTreeSet::from([0, 2]));
        let order: Vec<&str> = lanes.lanes.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(order, ["n3", "n1"]);
        assert!(!lanes.shows(NodeId(0)) && lanes.shows(NodeId(1)));
        assert_eq!((lanes.lane_of(NodeId(3)), lanes.lane_of(NodeId(1))), (0, 1));
        assert_eq!((lanes.bands[0].first, lanes.bands[0].last), (1, 1));
        // A folded group keeps its lane while one member is shown.
        let mut folded = Lanes::new(&names(4), &roles, &t, &BTreeSet::from([zone]));
        folded.hide(&BTreeSet::from([1]));
        assert_eq!(folded.len(), 3);
        assert!(folded.shows(NodeId(2)) && !folded.shows(NodeId(1)));
        folded.hide(&BTreeSet::from([1, 2]));
        assert_eq!(folded.len(), 2, "no member shown: the group's lane goes");
    }
}

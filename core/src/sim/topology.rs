//! Topology: groups of nodes that nest, the links a scenario declares, and who starts
//! outside the run.
//!
//! A group is a zone, a host, a VM, a pod, a cluster: a name, a kind, an optional parent
//! and an optional link configuration for messages that stay inside it (localhost, the
//! same host). Faults name a group like a node (`crash.h1` crashes every node nested in
//! host `h1`), so group names share the node namespace: in a resolved action, a
//! [`NodeId`] at or past the node count refers to group `id − node count`
//! ([`Topology::targets`] expands it). Links are what the stage draws: the pairs that
//! talk, declared by the scenario, not every pair of roles.

use super::network::LinkConfig;
use super::node::NodeId;

/// One group of nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// Its name, unique among nodes and groups (`h1`, `pod-a`).
    pub name: String,
    /// What it is, for drawing: `zone`, `host`, `vm`, `pod`, `cluster` …
    pub kind: &'static str,
    /// The group it sits in, by index.
    pub parent: Option<usize>,
    /// How messages between two of its nodes behave, unless a smaller group says otherwise.
    pub local: Option<LinkConfig>,
}

/// A run's groups, declared links and nodes that start absent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Topology {
    groups: Vec<Group>,
    /// Each node's innermost group, by node index (shorter than the node list when the
    /// last nodes are in no group).
    placement: Vec<Option<usize>>,
    links: Vec<(NodeId, NodeId)>,
    absent: Vec<NodeId>,
}

impl Topology {
    /// Adds a group and returns its index.
    pub fn group(
        &mut self,
        name: impl Into<String>,
        kind: &'static str,
        parent: Option<usize>,
    ) -> usize {
        self.groups.push(Group {
            name: name.into(),
            kind,
            parent: parent.filter(|&p| p < self.groups.len()),
            local: None,
        });
        self.groups.len() - 1
    }

    /// Sets how messages inside group `group` behave (e.g. 50 µs on localhost).
    pub fn set_local_link(&mut self, group: usize, link: LinkConfig) {
        if let Some(g) = self.groups.get_mut(group) {
            g.local = Some(link);
        }
    }

    /// Places `node` in `group` (its innermost group).
    pub fn place(&mut self, node: NodeId, group: usize) {
        if self.placement.len() <= node.index() {
            self.placement.resize(node.index() + 1, None);
        }
        self.placement[node.index()] = Some(group);
    }

    /// Declares that `a` and `b` talk (drawn as a link).
    pub fn link(&mut self, a: NodeId, b: NodeId) {
        if a != b && !self.links.iter().any(|&l| l == (a, b) || l == (b, a)) {
            self.links.push((a, b));
        }
    }

    /// Declares that `node` starts outside the run: it joins when a script, a pattern or
    /// a person adds it.
    pub fn start_absent(&mut self, node: NodeId) {
        if !self.absent.contains(&node) {
            self.absent.push(node);
        }
    }

    /// Every group, by index.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The declared links.
    pub fn links(&self) -> &[(NodeId, NodeId)] {
        &self.links
    }

    /// Whether `node` starts outside the run.
    pub fn starts_absent(&self, node: NodeId) -> bool {
        self.absent.contains(&node)
    }

    /// The innermost group of `node`.
    pub fn group_of(&self, node: NodeId) -> Option<usize> {
        self.placement.get(node.index()).copied().flatten()
    }

    /// The groups around `node`, innermost first.
    pub fn ancestors(&self, node: NodeId) -> impl Iterator<Item = usize> + '_ {
        let mut next = self.group_of(node);
        std::iter::from_fn(move || {
            let here = next?;
            next = self.groups[here].parent;
            Some(here)
        })
    }

    /// Whether group `group` is `inner` or contains it.
    pub fn contains(&self, group: usize, inner: usize) -> bool {
        let mut at = Some(inner);
        while let Some(g) = at {
            if g == group {
                return true;
            }
            at = self.groups[g].parent;
        }
        false
    }

    /// Every node nested in group `group`, in id order, out of `nodes` nodes.
    pub fn members(&self, group: usize, nodes: usize) -> Vec<NodeId> {
        (0..nodes as u32)
            .map(NodeId)
            .filter(|&n| self.group_of(n).is_some_and(|g| self.contains(group, g)))
            .collect()
    }

    /// The nodes a resolved reference means: the node itself, or every member of the
    /// group it names (see the module note); nothing for an unknown reference.
    pub fn targets(&self, reference: NodeId, nodes: usize) -> Vec<NodeId> {
        match reference.index().checked_sub(nodes) {
            None => vec![reference],
            Some(g) if g < self.groups.len() => self.members(g, nodes),
            Some(_) => Vec::new(),
        }
    }

    /// The local link of the innermost group holding both `a` and `b`, if it sets one.
    pub fn local_link(&self, a: NodeId, b: NodeId) -> Option<LinkConfig> {
        if self.groups.is_empty() {
            return None;
        }
        let inner = self.group_of(b)?;
        self.ancestors(a)
            .filter(|&g| self.contains(g, inner))
            .find_map(|g| self.groups[g].local)
    }

    /// Group names, in index order (they follow the node names in a run's namespace).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.groups.iter().map(|g| g.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Topology {
        let mut t = Topology::default();
        let zone = t.group("z1", "zone", None);
        let host = t.group("h1", "host", Some(zone));
        let other = t.group("h2", "host", Some(zone));
        let pod = t.group("p1", "pod", Some(host));
        t.set_local_link(
            pod,
            LinkConfig {
                latency_min_us: 10,
                latency_max_us: 20,
                ..LinkConfig::default()
            },
        );
        t.set_local_link(
            zone,
            LinkConfig {
                latency_min_us: 500,
                latency_max_us: 600,
                ..LinkConfig::default()
            },
        );
        t.place(NodeId(0), pod);
        t.place(NodeId(1), pod);
        t.place(NodeId(2), host);
        t.place(NodeId(3), other);
        t
    }

    #[test]
    fn groups_nest_and_expand_to_their_members() {
        let t = fixture();
        assert_eq!(t.members(1, 5), [NodeId(0), NodeId(1), NodeId(2)]);
        assert_eq!(
            t.members(0, 5),
            [NodeId(0), NodeId(1), NodeId(2), NodeId(3)]
        );
        assert_eq!(t.targets(NodeId(4), 5), [NodeId(4)]);
        assert_eq!(t.targets(NodeId(5 + 3), 5), [NodeId(0), NodeId(1)]);
        assert!(t.targets(NodeId(5 + 9), 5).is_empty());
        assert_eq!(t.ancestors(NodeId(0)).collect::<Vec<_>>(), [3, 1, 0]);
    }

    #[test]
    fn the_innermost_shared_group_decides_the_link() {
        let t = fixture();
        assert_eq!(
            t.local_link(NodeId(0), NodeId(1)).unwrap().latency_max_us,
            20
        );
        assert_eq!(
            t.local_link(NodeId(0), NodeId(3)).unwrap().latency_max_us,
            600
        );
        // The host shares no link of its own, so the zone's applies.
        assert_eq!(
            t.local_link(NodeId(2), NodeId(0)).unwrap().latency_max_us,
            600
        );
        assert_eq!(t.local_link(NodeId(0), NodeId(4)), None);
    }

    #[test]
    fn links_are_declared_once_either_way() {
        let mut t = Topology::default();
        t.link(NodeId(0), NodeId(1));
        t.link(NodeId(1), NodeId(0));
        t.link(NodeId(2), NodeId(2));
        assert_eq!(t.links(), [(NodeId(0), NodeId(1))]);
        t.start_absent(NodeId(3));
        assert!(t.starts_absent(NodeId(3)) && !t.starts_absent(NodeId(0)));
    }
}

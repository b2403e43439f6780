//! The network model: per-link latency, loss and duplication, and partitions.
//!
//! Every link has a configuration (a default, overridden per directed link). Partitions
//! block directed links, so a one-way partition is simply one direction blocked. A
//! message's fate is decided when it is sent: cut by a partition, lost, or delivered after
//! a latency drawn from the link's range (possibly with a duplicate).

use std::collections::BTreeSet;

use super::node::NodeId;
use super::rng::Ratio;

/// How one directed link behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkConfig {
    /// Shortest one-way latency in microseconds.
    pub latency_min_us: u64,
    /// Longest one-way latency in microseconds.
    pub latency_max_us: u64,
    /// Probability that a message is lost.
    pub loss: Ratio,
    /// Probability that a delivered message is delivered twice.
    pub duplication: Ratio,
}

impl LinkConfig {
    /// A link that loses and duplicates nothing, with a one-way latency between
    /// `min_us` and `max_us`.
    pub const fn reliable(min_us: u64, max_us: u64) -> LinkConfig {
        LinkConfig {
            latency_min_us: min_us,
            latency_max_us: max_us,
            loss: Ratio::NEVER,
            duplication: Ratio::NEVER,
        }
    }
}

impl Default for LinkConfig {
    /// 1–5 ms latency, no loss, no duplication.
    fn default() -> Self {
        LinkConfig {
            latency_min_us: 1_000,
            latency_max_us: 5_000,
            loss: Ratio::NEVER,
            duplication: Ratio::NEVER,
        }
    }
}

/// Which links a link change applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkSelector {
    /// Every link, now and for links without their own setting.
    All,
    /// One directed link.
    Between(NodeId, NodeId),
}

/// Link settings and partitions. Ordered collections only, so iteration is deterministic.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Network {
    default_link: LinkConfig,
    overrides: Vec<((NodeId, NodeId), LinkConfig)>,
    blocked: BTreeSet<(NodeId, NodeId)>,
}

impl Network {
    /// A network whose links all behave as `default_link`.
    pub fn new(default_link: LinkConfig) -> Network {
        Network {
            default_link,
            ..Network::default()
        }
    }

    /// How links without their own setting behave.
    pub fn default_link(&self) -> LinkConfig {
        self.default_link
    }

    /// The setting of the directed link `from → to`, if it has its own.
    pub fn override_of(&self, from: NodeId, to: NodeId) -> Option<LinkConfig> {
        self.overrides
            .iter()
            .find(|(key, _)| *key == (from, to))
            .map(|(_, cfg)| *cfg)
    }

    /// How the link from `from` to `to` behaves.
    pub fn link(&self, from: NodeId, to: NodeId) -> LinkConfig {
        self.override_of(from, to).unwrap_or(self.default_link)
    }

    /// Changes the selected links.
    pub fn set_link(&mut self, which: LinkSelector, cfg: LinkConfig) {
        match which {
            LinkSelector::All => {
                self.default_link = cfg;
                self.overrides.clear();
            }
            LinkSelector::Between(from, to) => {
                match self
                    .overrides
                    .iter_mut()
                    .find(|(key, _)| *key == (from, to))
                {
                    Some(entry) => entry.1 = cfg,
                    None => self.overrides.push(((from, to), cfg)),
                }
            }
        }
    }

    /// Blocks every link from a node of `from` to a node of `to`.
    pub fn block(&mut self, from: &[NodeId], to: &[NodeId]) {
        for &a in from {
            for &b in to {
                if a != b {
                    self.blocked.insert((a, b));
                }
            }
        }
    }

    /// Removes every partition.
    pub fn heal(&mut self) {
        self.blocked.clear();
    }

    /// Whether messages from `from` to `to` are cut.
    pub fn is_blocked(&self, from: NodeId, to: NodeId) -> bool {
        self.blocked.contains(&(from, to))
    }

    /// Every blocked directed link, in order.
    pub fn blocked_links(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.blocked.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: NodeId = NodeId(0);
    const B: NodeId = NodeId(1);
    const C: NodeId = NodeId(2);

    #[test]
    fn one_way_partition_blocks_one_direction_only() {
        let mut net = Network::default();
        net.block(&[A], &[B, C]);
        assert!(net.is_blocked(A, B) && net.is_blocked(A, C));
        assert!(!net.is_blocked(B, A));
        net.heal();
        assert!(!net.is_blocked(A, B));
    }

    #[test]
    fn a_link_override_beats_the_default_until_all_links_change() {
        let mut net = Network::default();
        let slow = LinkConfig {
            latency_min_us: 90_000,
            latency_max_us: 90_000,
            ..LinkConfig::default()
        };
        net.set_link(LinkSelector::Between(A, B), slow);
        assert_eq!(net.link(A, B), slow);
        assert_eq!(net.link(B, A), LinkConfig::default());
        net.set_link(LinkSelector::All, LinkConfig::default());
        assert_eq!(net.link(A, B), LinkConfig::default());
    }
}

//! A cached list of instances, fetched from the registry: what a client (client-side
//! discovery) or a balancer (server-side) routes by.

use super::msg::{Msg, Timer};
use super::node::DiscoveryNode;
use crate::sim::clock::WallTime;
use crate::sim::node::{Ctx, NodeId};

/// A list of instances fetched from the registry, and its age.
#[derive(Clone, Debug)]
pub struct Cache {
    registry: NodeId,
    /// The first instance's node id (instance `k` is `first + k`).
    first: u32,
    refresh_us: u64,
    /// Whether it is refreshed at all (off: fetched once, then kept).
    refresh: bool,
    // Volatile.
    round: u64,
    asked_at: WallTime,
    /// The instances, and when (on this node's clock) they were asked for.
    list: Vec<u32>,
    fetched_at: Option<WallTime>,
    turn: usize,
}

impl Cache {
    /// A list fetched from `registry` every `refresh_us` (once, if `refresh` is off).
    pub fn new(registry: NodeId, first: u32, refresh_us: u64, refresh: bool) -> Cache {
        Cache {
            registry,
            first,
            refresh_us,
            refresh,
            round: 0,
            asked_at: WallTime::default(),
            list: Vec::new(),
            fetched_at: None,
            turn: 0,
        }
    }

    /// Asks the registry, if the list is due, and sets the next refresh.
    pub fn refresh(&mut self, ctx: &mut Ctx<'_, DiscoveryNode>) {
        if self.refresh || self.fetched_at.is_none() {
            self.round += 1;
            self.asked_at = ctx.monotonic();
            ctx.send(self.registry, Msg::Fetch { round: self.round });
        }
        ctx.set_timer(Timer::Refresh, self.refresh_us, self.refresh_us);
    }

    /// The registry's answer to round `round`: kept if it answers the latest one. True
    /// when it is the first list since the start.
    pub fn on_list(&mut self, round: u64, list: Vec<u32>) -> bool {
        let first = self.fetched_at.is_none();
        if round == self.round {
            self.list = list;
            self.fetched_at = Some(self.asked_at);
        }
        first && self.fetched_at.is_some()
    }

    /// The next instance in turn, from a list asked for at most two refreshes ago (any
    /// list, if refreshing is off); `None` when there is none.
    pub fn pick(&mut self, ctx: &mut Ctx<'_, DiscoveryNode>) -> Option<NodeId> {
        let now = ctx.monotonic().0;
        let asked = self.fetched_at?.0;
        let fresh = asked <= now && now - asked <= 2 * self.refresh_us as i64;
        if (self.refresh && !fresh) || self.list.is_empty() {
            return None;
        }
        self.turn += 1;
        Some(NodeId(self.first + self.list[self.turn % self.list.len()]))
    }

    /// Forgets the list (a crash).
    pub fn clear(&mut self) {
        self.list.clear();
        self.fetched_at = None;
    }

    /// The list, for a view: "i1 i3 i4".
    pub fn describe(&self) -> String {
        instance_names(self.list.iter().copied())
    }
}

/// Instances by name, for a view: "i1 i3 i4".
pub fn instance_names(numbers: impl Iterator<Item = u32>) -> String {
    let mut text = String::new();
    for i in numbers {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push('i');
        text.push_str(&(i + 1).to_string());
    }
    text
}

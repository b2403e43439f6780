//! Counts, from the messages that really arrived, the links in use (pairs of nodes that
//! exchanged data) and the adapters (who read whose format, in which version), and who
//! had to change an adapter when a format changed.

#[cfg(test)]
use super::node::CANONICAL;
use super::node::{HubNode, Msg};
use super::{ADAPTERS, CHANGES, LINKS};
use crate::patterns::findings::{run_wide, Findings};
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::metrics::Measure;
use crate::sim::node::NodeId;
use crate::sim::trace::{EventKind, MessageRecord, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "linear-links",
        sentence: "The links in use are never more than the systems: one per system.",
        kind: PropertyKind::Contrast,
    },
    Property {
        id: "one-change",
        sentence: "A system's new format is absorbed by changing one adapter.",
        kind: PropertyKind::Contrast,
    },
];

const LINEAR: usize = 0;
const ONE_CHANGE: usize = 1;

/// The checker.
#[derive(Clone, Debug)]
pub struct HubChecker {
    n: usize,
    systems: usize,
    /// Per pair of nodes (`a × n + b`, `a < b`): whether they exchanged data.
    linked: Vec<bool>,
    links: usize,
    /// Per reader and writer (`reader × n + writer`): the version it reads, plus one.
    reads: Vec<u32>,
    adapters: usize,
    changes: usize,
    /// Per writer: how many readers changed their adapter for its latest version.
    changed_for: Vec<(u32, u32)>,
    findings: Findings,
    measures: Vec<Measure>,
}

impl HubChecker {
    /// A checker for nodes named `names`, of which `systems` are systems (the rest: the
    /// hub).
    pub fn new(names: &[String], systems: usize) -> HubChecker {
        let n = names.len();
        HubChecker {
            n,
            systems,
            linked: vec![false; n * n],
            links: 0,
            reads: vec![0; n * n],
            adapters: 0,
            changes: 0,
            changed_for: vec![(0, 0); n],
            findings: Findings::new(names),
            measures: Vec::new(),
        }
    }

    fn on_data(&mut self, index: usize, from: NodeId, to: NodeId, writer: NodeId, format: u32) {
        let (a, b) = (from.index().min(to.index()), from.index().max(to.index()));
        let (Some(pair), Some(read)) = (
            self.linked.get_mut(a * self.n + b),
            self.reads.get_mut(to.index() * self.n + writer.index()),
        ) else {
            return;
        };
        if !*pair {
            *pair = true;
            self.links += 1;
            self.measures.push(run_wide(LINKS, self.links as i64));
            if self.links > self.systems {
                let (links, systems) = (self.links, self.systems);
                self.findings.breach(LINEAR, index, |f| {
                    format!(
                        "{} and {} make {links} links in use; {systems} systems need \
                         {systems} through a hub",
                        f.name(from),
                        f.name(to)
                    )
                });
            }
        }
        let was = *read;
        if was == format + 1 {
            return;
        }
        *read = format + 1;
        if was == 0 {
            self.adapters += 1;
            self.measures.push(run_wide(ADAPTERS, self.adapters as i64));
            return;
        }
        self.changes += 1;
        self.measures.push(run_wide(CHANGES, self.changes as i64));
        let Some(changed) = self.changed_for.get_mut(writer.index()) else {
            return;
        };
        *changed = if changed.0 == format {
            (format, changed.1 + 1)
        } else {
            (format, 1)
        };
        if changed.1 > 1 {
            let readers = changed.1;
            self.findings.breach(ONE_CHANGE, index, |f| {
                format!(
                    "{} changes its adapter for {}'s format v{format}: {readers} readers \
                     had to",
                    f.name(to),
                    f.name(writer)
                )
            });
        }
    }
}

impl Checker<HubNode> for HubChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<HubNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        if let (EventKind::Deliver { from, .. }, Some(record), Some(to)) =
            (&event.kind, msg, event.node)
        {
            if let Msg::Data { writer, format, .. } = record.payload {
                self.on_data(index, *from, to, writer, format);
            }
        }
    }

    fn check(&mut self, _nodes: &[HubNode], _world: &World<'_>, out: &mut Vec<Breach>) {
        self.findings.drain(out);
    }

    fn facts(&self, _nodes: &[HubNode]) -> Vec<(&'static str, String)> {
        let n = self.systems;
        vec![
            ("links in use", self.links.to_string()),
            (
                "links needed",
                format!(
                    "point to point n(n − 1)/2 = {}; through a hub n = {n}",
                    n * (n - 1) / 2
                ),
            ),
            (
                "adapters (who reads whose format)",
                self.adapters.to_string(),
            ),
            (
                "adapters changed for a new format",
                self.changes.to_string(),
            ),
        ]
    }

    fn measure(&mut self, out: &mut Vec<Measure>) {
        out.append(&mut self.measures);
    }
}

#[cfg(test)]
mod tests;

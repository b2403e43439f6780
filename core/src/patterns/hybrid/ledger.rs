//! What the trace says the servers stored: every version, rebuilt from the servers' notes.
//!
//! The checker keeps this ledger instead of reading the servers' own fields: the
//! properties judge what the servers announced in the trace, not the bookkeeping of the
//! mechanism under test.

use std::collections::BTreeMap;

use super::protocol::{Note, TxId, Version};
use crate::sim::node::NodeId;

/// Every server's versions as its notes announced them, and where each transaction wrote.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    /// Each node's versions, in the order it announced them.
    stores: Vec<Vec<Version>>,
    /// The servers and keys each transaction wrote to (not replicas' copies).
    written: BTreeMap<TxId, Vec<(NodeId, char)>>,
}

impl Ledger {
    /// An empty ledger for `nodes` nodes.
    pub fn new(nodes: usize) -> Ledger {
        Ledger {
            stores: vec![Vec::new(); nodes],
            written: BTreeMap::new(),
        }
    }

    /// Applies one of `node`'s notes.
    pub fn apply(&mut self, node: NodeId, note: &Note) {
        let Some(store) = self.stores.get_mut(node.index()) else {
            return;
        };
        match *note {
            Note::Provisional { tx, key, value, ts } => {
                store.push(Version {
                    tx,
                    key,
                    value,
                    ts,
                    committed: false,
                });
                self.written.entry(tx).or_default().push((node, key));
            }
            Note::Committed { tx, key, ts } => {
                if let Some(v) = store
                    .iter_mut()
                    .find(|v| v.tx == tx && v.key == key && !v.committed)
                {
                    v.ts = ts;
                    v.committed = true;
                }
            }
            Note::Replicated { version } => store.push(version),
            Note::Forgot { tx } => store.retain(|v| v.tx != tx || v.committed),
            Note::Clock { .. } | Note::TxDone { .. } | Note::TxAborted { .. } => {}
        }
    }

    /// Every node's versions, in node order.
    pub fn stores(&self) -> &[Vec<Version>] {
        &self.stores
    }

    /// The versions `tx` wrote itself (not copies), with the server holding each; a
    /// write forgotten on abort is left out.
    pub fn writes_of(&self, tx: TxId) -> Vec<(NodeId, Version)> {
        self.written
            .get(&tx)
            .into_iter()
            .flatten()
            .filter_map(|&(node, key)| {
                let store = self.stores.get(node.index())?;
                let v = store.iter().find(|v| v.tx == tx && v.key == key)?;
                Some((node, *v))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patterns::hybrid::Hlc;

    #[test]
    fn versions_follow_the_notes() {
        let mut ledger = Ledger::new(3);
        let (s1, s2) = (NodeId(1), NodeId(2));
        let t1 = TxId(1);
        for (node, key) in [(s1, 'x'), (s2, 'y')] {
            let ts = Hlc::at(10, 0);
            ledger.apply(
                node,
                &Note::Provisional {
                    tx: t1,
                    key,
                    value: 1,
                    ts,
                },
            );
        }
        ledger.apply(
            s1,
            &Note::Committed {
                tx: t1,
                key: 'x',
                ts: Hlc::at(20, 1),
            },
        );
        let writes = ledger.writes_of(t1);
        assert_eq!(writes.len(), 2);
        assert_eq!(
            (writes[0].1.ts, writes[0].1.committed),
            (Hlc::at(20, 1), true)
        );
        assert!(!writes[1].1.committed);
        ledger.apply(s2, &Note::Forgot { tx: t1 });
        assert_eq!(ledger.writes_of(t1).len(), 1, "the pending y is forgotten");
        assert!(ledger.stores()[1][0].committed, "the committed x stays");
    }
}

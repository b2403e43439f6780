//! The partition store: where data nodes keep what they write, shared by whichever data
//! node owns a partition. With fencing on it refuses a write whose token is older than
//! the newest it has seen for that partition (from a write or from the core's fence).

use std::collections::BTreeMap;

use super::msg::{Msg, Note};
use super::node::{ConsistentNode, Names};
use crate::sim::node::{Ctx, NodeId, NodeView};

/// The partition store.
#[derive(Clone, Debug)]
pub struct Store {
    fencing: bool,
    names: Names,
    // Durable: the data and the newest token per partition.
    data: BTreeMap<u8, u32>,
    newest: BTreeMap<u8, usize>,
}

impl Store {
    /// A store that checks fencing tokens when `fencing` is on.
    pub fn new(fencing: bool, names: Names) -> Store {
        Store {
            fencing,
            names,
            data: BTreeMap::new(),
            newest: BTreeMap::new(),
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Fence(owned) => {
                let newest = self.newest.entry(owned.partition).or_default();
                *newest = (*newest).max(owned.token);
                ctx.send(from, Msg::FenceOk(owned));
            }
            Msg::Persist { req, owned, value } => {
                let newest = self.newest.get(&owned.partition).copied().unwrap_or(0);
                let writer = self.names.peer(from);
                let ok = !self.fencing || owned.token >= newest;
                if ok {
                    self.newest.insert(owned.partition, newest.max(owned.token));
                    self.data.insert(owned.partition, value);
                    ctx.note(Note::Stored {
                        writer,
                        owned,
                        value,
                    });
                } else {
                    ctx.note(Note::Fenced {
                        writer,
                        owned,
                        newest,
                    });
                }
                ctx.send(from, Msg::Persisted { req, ok });
            }
            _ => {}
        }
    }

    pub(super) fn view(&self) -> NodeView {
        let data: Vec<String> = self.data.iter().map(|(p, v)| format!("p{p}={v}")).collect();
        let tokens: Vec<String> = self
            .newest
            .iter()
            .map(|(p, t)| format!("p{p}: {t}"))
            .collect();
        let data = if data.is_empty() {
            "empty".to_string()
        } else {
            data.join(" ")
        };
        NodeView {
            role: "store",
            headline: data.clone(),
            fields: vec![
                ("data (durable)", data),
                ("newest token (durable)", tokens.join(", ")),
                (
                    "checks tokens",
                    if self.fencing {
                        "yes"
                    } else {
                        "no (switched off)"
                    }
                    .into(),
                ),
            ],
        }
    }
}

//! What the inspector shows of a management node.

use super::Management;
use crate::sim::node::NodeView;

impl Management {
    /// The node's role, term, log and metadata for the inspector.
    pub(in crate::patterns::consistent) fn view(&self) -> NodeView {
        let role = match (self.down, self.leading) {
            (true, _) => "down",
            (false, true) => "LEADER",
            (false, false) => "follower",
        };
        let owners: Vec<String> = self
            .meta
            .owners
            .iter()
            .map(|(p, (o, _))| format!("p{p}→{}", self.name(Some(*o))))
            .collect();
        let kv: Vec<String> = self
            .meta
            .kv
            .iter()
            .map(|(k, (v, _))| format!("{k}={v}"))
            .collect();
        NodeView {
            role: "management",
            headline: format!("{role} · t{} · #{}", self.term, self.commit),
            fields: vec![
                ("role", role.to_lowercase()),
                ("term (durable)", self.term.to_string()),
                (
                    "log (durable)",
                    format!(
                        "{} entries, committed up to #{}",
                        self.log.len(),
                        self.commit
                    ),
                ),
                ("believed leader", self.name(self.leader)),
                (
                    "owners",
                    if owners.is_empty() {
                        "none".into()
                    } else {
                        owners.join(" ")
                    },
                ),
                (
                    "metadata",
                    if kv.is_empty() {
                        "empty".into()
                    } else {
                        kv.join(" ")
                    },
                ),
            ],
        }
    }
}

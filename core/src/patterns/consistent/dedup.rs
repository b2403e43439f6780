//! The idempotent receiver's mechanism, as the consistent core uses it: every client
//! numbers its requests and a retry keeps its number, so the replicated state remembers,
//! per client, the last request it applied and answers a retry from that record instead of
//! applying it again.
//!
//! The idempotent receiver (`patterns::idempotent`) keeps such a table on one server, with
//! expiry; here the table is part of the metadata every management node builds from the
//! same log, so it survives a change of leader and needs no expiry (one entry per client).

use std::collections::BTreeMap;

use super::meta::ReqId;
use crate::sim::node::NodeId;

/// Per client: the last request number applied and the log index where it was applied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestTable {
    last: BTreeMap<NodeId, (u32, usize)>,
}

impl RequestTable {
    /// Where `req` was already applied, if it was (a request numbered at or below the
    /// client's last one is a retry or a stale duplicate).
    pub fn applied_at(&self, req: ReqId) -> Option<usize> {
        self.last
            .get(&req.client)
            .filter(|(n, _)| req.n <= *n)
            .map(|(_, index)| *index)
    }

    /// Records that `req` was applied at log index `index`.
    pub fn record(&mut self, req: ReqId, index: usize) {
        self.last.insert(req.client, (req.n, index));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retry_is_found_and_a_new_request_is_not() {
        let mut t = RequestTable::default();
        let req = |client, n| ReqId {
            client: NodeId(client),
            n,
        };
        assert_eq!(t.applied_at(req(0, 1)), None);
        t.record(req(0, 1), 5);
        assert_eq!(t.applied_at(req(0, 1)), Some(5));
        assert_eq!(t.applied_at(req(0, 2)), None);
        assert_eq!(t.applied_at(req(1, 1)), None);
    }
}

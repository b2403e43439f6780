//! The checker's ledger: where each copy of a message is (a message in one queue), by the
//! trace, packed into one `OrdMap<usize, u64>` (see `store.rs` for why).

use imbl::OrdMap;

use crate::sim::node::NodeId;

/// Where a message is, by the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Slot {
    Ready,
    /// Sent to `consumer` as delivery `tag`; `kept` once the broker is known to keep it
    /// until it is acknowledged (with automatic acknowledgement it does not).
    Out {
        consumer: NodeId,
        tag: u64,
        kept: bool,
    },
    Acked,
    Dead,
    Lost,
    /// Gone with a transient queue when the broker crashed.
    Gone,
}

impl Slot {
    pub(super) fn index(self) -> usize {
        match self {
            Slot::Ready => 0,
            Slot::Out { .. } => 1,
            Slot::Acked => 2,
            Slot::Dead => 3,
            Slot::Lost => 4,
            Slot::Gone => 5,
        }
    }

    pub(super) fn describe(self) -> &'static str {
        match self {
            Slot::Ready => "ready",
            Slot::Out { .. } => "out at a consumer",
            Slot::Acked => "acknowledged",
            Slot::Dead => "dead-lettered",
            Slot::Lost => "lost",
            Slot::Gone => "gone with its transient queue",
        }
    }
}

/// One accepted message.
#[derive(Clone, Copy, Debug)]
pub(super) struct Ledger {
    pub(super) slot: Slot,
    pub(super) deliveries: u32,
}

impl Ledger {
    /// As one `u64` (see `store.rs` for why): the slot's kind, whether kept, deliveries
    /// (12 bits), the consumer (16 bits) and the tag (32 bits).
    fn pack(self) -> u64 {
        let (consumer, tag, kept) = match self.slot {
            Slot::Out {
                consumer,
                tag,
                kept,
            } => (
                u64::from(consumer.0 & 0xFFFF),
                tag & 0xFFFF_FFFF,
                u64::from(kept),
            ),
            _ => (0, 0, 0),
        };
        let deliveries = u64::from(self.deliveries.min(0xFFF));
        self.slot.index() as u64 | kept << 3 | deliveries << 4 | consumer << 16 | tag << 32
    }

    fn unpack(v: u64) -> Ledger {
        let slot = match v & 7 {
            0 => Slot::Ready,
            1 => Slot::Out {
                consumer: NodeId((v >> 16 & 0xFFFF) as u32),
                tag: v >> 32,
                kept: v >> 3 & 1 == 1,
            },
            2 => Slot::Acked,
            3 => Slot::Dead,
            4 => Slot::Lost,
            _ => Slot::Gone,
        };
        let deliveries = (v >> 4 & 0xFFF) as u32;
        Ledger { slot, deliveries }
    }
}

/// A copy of a message: its id and the queue it was routed to.
pub(super) type Copy = (u64, u8);

fn key((id, queue): Copy) -> usize {
    (id << 3 | u64::from(queue & 7)) as usize
}

/// Every accepted copy's ledger, by id and queue.
#[derive(Clone, Debug, Default)]
pub(super) struct Ledgers {
    items: OrdMap<usize, u64>,
}

impl Ledgers {
    pub(super) fn get(&self, copy: Copy) -> Option<Ledger> {
        self.items.get(&key(copy)).map(|&v| Ledger::unpack(v))
    }

    pub(super) fn put(&mut self, copy: Copy, ledger: Ledger) {
        self.items.insert(key(copy), ledger.pack());
    }

    /// Every copy of message `id`, with its ledger.
    pub(super) fn copies(&self, id: u64) -> Vec<(Copy, Ledger)> {
        let range = key((id, 0))..key((id + 1, 0));
        let found = self.items.range(range);
        found
            .map(|(&k, &v)| ((k as u64 >> 3, (k & 7) as u8), Ledger::unpack(v)))
            .collect()
    }

    /// The copies whose ledger `pick` picks, in id order.
    pub(super) fn ids(&self, pick: impl Fn(Slot) -> bool) -> Vec<Copy> {
        let items = self.items.iter();
        let picked = items.filter(|(_, &v)| pick(Ledger::unpack(v).slot));
        picked
            .map(|(&k, _)| (k as u64 >> 3, (k & 7) as u8))
            .collect()
    }
}

//! How the broker stores messages. Every collection of the pattern that grows with the
//! run is one `OrdMap<usize, u64>` (a persistent map, cheap to clone into a checkpoint):
//! each generic instantiation of a persistent collection costs kilobytes of wasm, and
//! this one the bundle already has. A message is packed into the `u64`.

use imbl::OrdMap;

use crate::sim::node::NodeId;

/// A message in the broker: its id, the queue it is in, whether it is poison, how many
/// times it was delivered, and the consumer it is out at (when it is).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The message's id (kept to 32 bits).
    pub id: u64,
    /// Whether it fails every consumer.
    pub poison: bool,
    /// Deliveries so far (kept to 13 bits).
    pub deliveries: u32,
    /// The queue it is in (3 bits).
    pub queue: u8,
    /// The consumer it is out at (kept to 15 bits; meaningless while it is ready).
    pub consumer: NodeId,
}

impl Entry {
    /// A message just published, copied into `queue`.
    pub fn new(id: u64, poison: bool, queue: u8) -> Entry {
        Entry {
            id,
            poison,
            deliveries: 0,
            queue,
            consumer: NodeId(0),
        }
    }

    /// The entry as one `u64`.
    pub fn pack(self) -> u64 {
        (self.id & 0xFFFF_FFFF) << 32
            | u64::from(self.consumer.0 & 0x7FFF) << 17
            | u64::from(self.poison) << 16
            | u64::from(self.queue & 7) << 13
            | u64::from(self.deliveries.min(0x1FFF))
    }

    /// The entry [`Entry::pack`] packed.
    pub fn unpack(v: u64) -> Entry {
        Entry {
            id: v >> 32,
            consumer: NodeId((v >> 17 & 0x7FFF) as u32),
            poison: v >> 16 & 1 == 1,
            queue: (v >> 13 & 7) as u8,
            deliveries: (v & 0x1FFF) as u32,
        }
    }
}

/// A queue that grows at both ends: entries keyed by position.
#[derive(Clone, Debug)]
pub struct Queue {
    items: OrdMap<usize, u64>,
    /// The positions just before the first entry and just after the last.
    front: usize,
    back: usize,
}

impl Default for Queue {
    fn default() -> Self {
        let middle = usize::MAX / 2;
        Queue {
            items: OrdMap::new(),
            front: middle,
            back: middle + 1,
        }
    }
}

impl Queue {
    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds `entry` at the back.
    pub fn push_back(&mut self, entry: Entry) {
        self.items.insert(self.back, entry.pack());
        self.back += 1;
    }

    /// Adds `entry` at the front.
    pub fn push_front(&mut self, entry: Entry) {
        self.items.insert(self.front, entry.pack());
        self.front -= 1;
    }

    /// Takes the entry at the front.
    pub fn pop_front(&mut self) -> Option<Entry> {
        let &(key, _) = self.items.get_min()?;
        self.front = key;
        self.items.remove(&key).map(Entry::unpack)
    }

    /// The entries, front to back.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = Entry> + '_ {
        self.items.values().map(|&v| Entry::unpack(v))
    }

    /// Empties it.
    pub fn clear(&mut self) {
        *self = Queue::default();
    }
}

/// Entries keyed by a number (a delivery's tag, a message's id).
#[derive(Clone, Debug, Default)]
pub struct Table {
    items: OrdMap<usize, u64>,
}

impl Table {
    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The entry under `key`.
    pub fn get(&self, key: u64) -> Option<Entry> {
        self.items.get(&(key as usize)).map(|&v| Entry::unpack(v))
    }

    /// Puts `entry` under `key`.
    pub fn insert(&mut self, key: u64, entry: Entry) {
        self.items.insert(key as usize, entry.pack());
    }

    /// Takes the entry under `key`.
    pub fn remove(&mut self, key: u64) -> Option<Entry> {
        self.items.remove(&(key as usize)).map(Entry::unpack)
    }

    /// The entries with their keys, in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (u64, Entry)> + '_ {
        self.items
            .iter()
            .map(|(&k, &v)| (k as u64, Entry::unpack(v)))
    }

    /// Empties it.
    pub fn clear(&mut self) {
        self.items = OrdMap::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_survives_packing_and_a_queue_grows_at_both_ends() {
        let entry = Entry {
            id: 4_000_000_000,
            poison: true,
            deliveries: 8_191,
            queue: 7,
            consumer: NodeId(32_767),
        };
        assert_eq!(Entry::unpack(entry.pack()), entry);
        let mut queue = Queue::default();
        queue.push_back(Entry::new(2, false, 0));
        queue.push_back(Entry::new(3, false, 0));
        queue.push_front(Entry::new(1, false, 0));
        assert_eq!(queue.pop_front().map(|e| e.id), Some(1));
        queue.push_front(Entry::new(0, true, 0));
        let ids: Vec<u64> = queue.iter().map(|e| e.id).collect();
        assert_eq!(ids, [0, 2, 3]);
        assert!(queue.iter().next().unwrap().poison);
    }
}

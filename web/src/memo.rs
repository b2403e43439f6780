//! A one-entry cache: the last value computed, and the key it was computed for.
//!
//! Views read the model on every render; an answer that costs a replay (the pattern's
//! query at the cursor) is computed once per key and served from here until the key
//! changes or the run does ([`Memo::clear`]).

use std::cell::{Cell, RefCell};

/// The latest value of an expensive function of `K`.
#[derive(Debug)]
pub struct Memo<K, V> {
    slot: RefCell<Option<(K, V)>>,
    computed: Cell<usize>,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            slot: RefCell::new(None),
            computed: Cell::new(0),
        }
    }
}

impl<K: PartialEq, V: Clone> Memo<K, V> {
    /// The value for `key`: the cached one if it was computed for an equal key, else
    /// `compute()`, which is then cached.
    pub fn get(&self, key: K, compute: impl FnOnce() -> V) -> V {
        if let Some((cached, value)) = self.slot.borrow().as_ref() {
            if *cached == key {
                return value.clone();
            }
        }
        let value = compute();
        self.computed.set(self.computed.get() + 1);
        *self.slot.borrow_mut() = Some((key, value.clone()));
        value
    }

    /// Forgets the cached value (what it was computed from has changed).
    pub fn clear(&self) {
        self.slot.borrow_mut().take();
    }

    /// How many times a value was computed, rather than served from the cache.
    #[cfg(test)]
    pub fn computations(&self) -> usize {
        self.computed.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computes_once_per_key_and_again_after_clear() {
        let memo: Memo<u32, String> = Memo::default();
        let calls = Cell::new(0);
        let square = |k: u32| {
            calls.set(calls.get() + 1);
            (k * k).to_string()
        };
        assert_eq!(memo.get(3, || square(3)), "9");
        assert_eq!(memo.get(3, || square(3)), "9");
        assert_eq!(calls.get(), 1);
        assert_eq!(memo.get(4, || square(4)), "16");
        assert_eq!(memo.get(3, || square(3)), "9", "one entry: 3 was replaced");
        assert_eq!(calls.get(), 3);
        memo.clear();
        assert_eq!(memo.get(3, || square(3)), "9");
        assert_eq!((calls.get(), memo.computations()), (4, 4));
    }
}

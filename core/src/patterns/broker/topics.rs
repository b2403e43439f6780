//! Topics: the routing keys a producer publishes with, the queues a topic exchange copies
//! them into (each with its binding pattern and whether it is declared durable), and
//! AMQP's pattern matching (`*` is exactly one word, `#` zero or more).

/// A queue the broker may hold.
#[derive(Clone, Copy, Debug)]
pub struct QueueSpec {
    /// Its name.
    pub name: &'static str,
    /// The binding pattern a publish's routing key must match to be copied into it.
    pub binding: &'static str,
    /// Whether it is declared durable: it survives a broker crash, with its messages if
    /// they are persistent. A transient queue is gone after a crash, and what it held with
    /// it, by design.
    pub durable: bool,
}

/// Every queue, by index. The first is the one queue of the stories without topics,
/// bound to everything; the others are the topic story's.
pub const QUEUES: [QueueSpec; 5] = [
    QueueSpec {
        name: "work",
        binding: "#",
        durable: true,
    },
    QueueSpec {
        name: "audit",
        binding: "#",
        durable: true,
    },
    QueueSpec {
        name: "eu-orders",
        binding: "orders.eu.*",
        durable: true,
    },
    QueueSpec {
        name: "shipments",
        binding: "*.*.shipped",
        durable: false,
    },
    QueueSpec {
        name: "analytics",
        binding: "orders.#",
        durable: true,
    },
];

/// Routing keys, by index: the first is a publish without one (to the stories' one
/// queue); the topic story's producer takes the others in turn.
pub const TOPICS: [&str; 6] = [
    "",
    "orders.eu.created",
    "orders.us.created",
    "orders.eu.shipped",
    "payments.eu.settled",
    "orders.us.shipped",
];

/// Queues bound from the start, one bit per queue index.
pub type Bound = u8;

/// The queues declared durable, one bit each.
pub fn durable_queues() -> Bound {
    let durable = QUEUES.iter().enumerate().filter(|(_, q)| q.durable);
    durable.fold(0, |mask, (i, _)| mask | 1 << i)
}

/// The queues in `bound` whose binding matches routing key `topic`, by index.
pub fn routes(bound: Bound, topic: u8) -> impl Iterator<Item = u8> {
    let key = TOPICS.get(usize::from(topic)).copied().unwrap_or("");
    (0..QUEUES.len() as u8)
        .filter(move |&q| bound & 1 << q != 0 && matches(QUEUES[usize::from(q)].binding, key))
}

/// A queue's name ("?" for an unknown index).
pub fn queue_name(queue: u8) -> &'static str {
    QUEUES.get(usize::from(queue)).map_or("?", |q| q.name)
}

/// Whether routing key `key` matches binding `pattern`, word by word (words are
/// separated by dots): `*` stands for exactly one word, `#` for zero or more.
pub fn matches(pattern: &str, key: &str) -> bool {
    let words: Vec<&str> = if key.is_empty() {
        Vec::new()
    } else {
        key.split('.').collect()
    };
    let parts: Vec<&str> = pattern.split('.').collect();
    words_match(&parts, &words)
}

fn words_match(parts: &[&str], words: &[&str]) -> bool {
    match parts.split_first() {
        None => words.is_empty(),
        Some((&"#", rest)) => (0..=words.len()).any(|skip| words_match(rest, &words[skip..])),
        Some((&part, rest)) => words
            .split_first()
            .is_some_and(|(&w, more)| (part == "*" || part == w) && words_match(rest, more)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_star_is_one_word_and_a_hash_is_any_number() {
        assert!(matches("orders.eu.*", "orders.eu.created"));
        assert!(!matches("orders.eu.*", "orders.eu"));
        assert!(!matches("orders.eu.*", "orders.eu.created.late"));
        assert!(!matches("orders.*", "orders.eu.created"));
        assert!(matches("orders.#", "orders.eu.created"));
        assert!(matches("orders.#", "orders"));
        assert!(!matches("orders.#", "payments.eu.settled"));
        assert!(matches("*.*.shipped", "orders.us.shipped"));
        assert!(!matches("*.*.shipped", "orders.shipped"));
        assert!(matches("#", ""));
        assert!(matches("#", "payments.eu.settled"));
        assert!(matches("#.shipped", "orders.eu.shipped"));
    }

    #[test]
    fn each_topic_fans_out_to_every_bound_queue_that_matches() {
        let all = 0b11110;
        let to = |topic| routes(all, topic).map(queue_name).collect::<Vec<_>>();
        assert_eq!(to(1), ["audit", "eu-orders", "analytics"]);
        assert_eq!(to(3), ["audit", "eu-orders", "shipments", "analytics"]);
        assert_eq!(to(4), ["audit"]);
        // Before analytics is bound, it gets no copy.
        let early: Vec<u8> = routes(0b01110, 2).collect();
        assert_eq!(early, [1]);
        assert_eq!(routes(1, 0).collect::<Vec<_>>(), [0]);
        assert_eq!(durable_queues(), 0b10111);
    }
}

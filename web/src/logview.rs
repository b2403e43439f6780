//! Which trace events the event log shows: filter first, format only the rows shown.
//!
//! A trace holds up to hundreds of thousands of events, and a filter may hide almost all
//! of them. Classifying an event (its lane and kind) costs nothing; formatting its line
//! does. [`log_rows`] walks out from the cursor classifying events, and formats only the
//! ones it keeps, so a render costs the rows drawn, not the events skipped.

use playground_core::sim::node::NodeId;
use playground_core::sim::run::{Engine, EventTag};
use playground_core::sim::trace::MsgId;

/// Where the log reads events: their count, their class and their text.
pub trait EventSource {
    /// How many events there are.
    fn len(&self) -> usize;
    /// Event `index`'s lane and kind, without formatting anything.
    fn class(&self, index: usize) -> Option<(Option<NodeId>, EventTag)>;
    /// Event `index` as one line of text.
    fn line(&self, index: usize) -> String;
    /// The message event `index` is about, if any.
    fn msg(&self, index: usize) -> Option<MsgId>;
}

impl EventSource for dyn Engine + '_ {
    fn len(&self) -> usize {
        self.trace_len()
    }
    fn class(&self, index: usize) -> Option<(Option<NodeId>, EventTag)> {
        self.event_class(index)
    }
    fn line(&self, index: usize) -> String {
        self.trace_line(index)
    }
    fn msg(&self, index: usize) -> Option<MsgId> {
        self.event_msg(index)
    }
}

/// What the log leaves out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Only events on this node's lane (`None`: every node).
    pub node: Option<NodeId>,
    /// Kinds of event left out.
    pub hidden: Vec<EventTag>,
}

impl LogFilter {
    fn keeps(&self, (node, tag): (Option<NodeId>, EventTag)) -> bool {
        self.node.is_none_or(|n| node == Some(n)) && !self.hidden.contains(&tag)
    }
}

/// One row of the event log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRow {
    /// Index of the event.
    pub index: usize,
    /// Its text.
    pub text: String,
    /// The message it sends, delivers or drops, if any (whose path it can show).
    pub msg: Option<MsgId>,
    /// Whether it happened after the cursor.
    pub future: bool,
    /// Whether it is the event the cursor is on.
    pub current: bool,
}

/// The rows the filter keeps around the cursor: up to `before` of the first `shown`
/// events (those that happened by the cursor) and up to `after` of the later ones.
pub fn log_rows(
    source: &(impl EventSource + ?Sized),
    filter: &LogFilter,
    shown: usize,
    before: usize,
    after: usize,
) -> Vec<LogRow> {
    let keep = |index: &usize| source.class(*index).is_some_and(|c| filter.keeps(c));
    let mut indices: Vec<usize> = (0..shown.min(source.len()))
        .rev()
        .filter(keep)
        .take(before)
        .collect();
    indices.reverse();
    indices.extend((shown..source.len()).filter(keep).take(after));
    indices
        .into_iter()
        .map(|index| LogRow {
            index,
            text: source.line(index),
            msg: source.msg(index),
            future: index >= shown,
            current: index + 1 == shown,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    /// Events alternating over two lanes and two kinds, counting what is formatted.
    struct Counting {
        len: usize,
        formatted: Cell<usize>,
    }

    impl EventSource for Counting {
        fn len(&self) -> usize {
            self.len
        }
        fn class(&self, index: usize) -> Option<(Option<NodeId>, EventTag)> {
            let tag = if index.is_multiple_of(2) {
                EventTag::Send
            } else {
                EventTag::Deliver
            };
            Some((Some(NodeId((index % 4 / 2) as u32)), tag))
        }
        fn line(&self, index: usize) -> String {
            self.formatted.set(self.formatted.get() + 1);
            format!("event {index}")
        }
        fn msg(&self, index: usize) -> Option<MsgId> {
            Some(MsgId(index as u32 / 2))
        }
    }

    #[test]
    fn only_the_rows_kept_are_formatted() {
        let source = Counting {
            len: 10_000,
            formatted: Cell::new(0),
        };
        // Node 1's deliveries: events 3, 7, 11 … (one in four).
        let filter = LogFilter {
            node: Some(NodeId(1)),
            hidden: vec![EventTag::Send],
        };
        let rows = log_rows(&source, &filter, 5_000, 5, 3);
        let indices: Vec<usize> = rows.iter().map(|r| r.index).collect();
        assert_eq!(
            indices,
            [4_983, 4_987, 4_991, 4_995, 4_999, 5_003, 5_007, 5_011]
        );
        assert_eq!(
            source.formatted.get(),
            rows.len(),
            "nothing skipped was formatted"
        );
        assert!(rows[4].current && !rows[4].future);
        assert!(rows[5].future && !rows.iter().take(5).any(|r| r.future));
        assert_eq!(rows[0].text, "event 4983");
    }

    #[test]
    fn the_cursor_row_is_current_only_when_the_filter_keeps_it() {
        let source = Counting {
            len: 100,
            formatted: Cell::new(0),
        };
        let filter = LogFilter {
            node: None,
            hidden: vec![EventTag::Deliver],
        };
        // Event 9 (the cursor's) is a delivery, hidden: no row is current.
        let rows = log_rows(&source, &filter, 10, 3, 0);
        assert_eq!(rows.iter().map(|r| r.index).collect::<Vec<_>>(), [4, 6, 8]);
        assert!(rows.iter().all(|r| !r.current));
    }
}

//! The space-time diagram's share of the model: its time window, the events and arrows
//! inside it, and the window a run opens on.

use std::collections::BTreeSet;

use playground_core::sim::run::{EventInfo, EventTag};
use playground_core::sim::time::SimTime;
use playground_core::sim::trace::MsgId;

use super::Playground;

/// The most events the diagram may show at once (zooming out stops there).
pub const MAX_DIAGRAM_EVENTS: usize = 600;

/// About how many events the diagram shows when a run opens.
const FIT_EVENTS: usize = 200;

/// How an arrow of the space-time diagram ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrowEnd {
    /// Delivered at this instant.
    Delivered(SimTime),
    /// Dropped at this instant (by a person, or its receiver was down).
    Dropped(SimTime),
    /// Still in flight when the run ends; drawn to when it is due.
    Pending(SimTime),
    /// Lost by the network or cut by a partition when sent.
    Lost,
}

/// An arrow of the space-time diagram: one message, from send to how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrow {
    /// The message.
    pub msg: MsgId,
    /// Sender's lane.
    pub from_lane: usize,
    /// Receiver's lane.
    pub to_lane: usize,
    /// Send time.
    pub sent: SimTime,
    /// How it ended.
    pub end: ArrowEnd,
    /// Payload text.
    pub label: String,
    /// A few characters for the arrow.
    pub short: String,
}

impl Playground {
    /// The diagram's time window: its start and span in microseconds. It follows the
    /// cursor unless the person moved it with Earlier or Later.
    pub fn diagram_window(&self) -> (SimTime, u64) {
        let span = self.diagram_span_us.max(1);
        match self.diagram_start {
            Some(start) => (start, span),
            None => {
                let wanted = self.cursor.time.as_micros().saturating_sub(span * 2 / 3);
                let latest = self.end().as_micros().saturating_sub(span);
                (SimTime(wanted.min(latest)), span)
            }
        }
    }

    /// The events the diagram shows between `from` and `to`, plus deliveries of messages
    /// sent earlier (so arrows entering the window are drawn).
    pub fn events_between(&self, from: SimTime, to: SimTime) -> Vec<EventInfo> {
        let engine = self.engine();
        engine
            .events_between(from, to)
            .filter_map(|i| engine.event(i))
            .collect()
    }

    /// The arrows for the messages sent among `events`, and for messages sent earlier
    /// that end among them, each drawn to how it ended (delivered, dropped, lost, or due).
    pub fn arrows(&self, events: &[EventInfo]) -> Vec<Arrow> {
        let engine = self.engine();
        // Inserted one by one: `collect` into a set sorts first, and that sort alone is
        // about 3 kB of wasm for this one element type.
        let mut sent_here: BTreeSet<MsgId> = BTreeSet::new();
        for e in events {
            if let (EventTag::Send | EventTag::Lost | EventTag::Cut, Some(msg)) = (e.tag, e.msg) {
                sent_here.insert(msg);
            }
        }
        events
            .iter()
            .filter_map(|e| {
                let msg = engine.message(e.msg?)?;
                let end = match e.tag {
                    EventTag::Lost | EventTag::Cut => ArrowEnd::Lost,
                    EventTag::Send => match msg.end {
                        Some((t, true)) => ArrowEnd::Delivered(t),
                        Some((t, false)) => ArrowEnd::Dropped(t),
                        None => ArrowEnd::Pending(e.arrives.unwrap_or(e.time)),
                    },
                    // Messages sent before the window are drawn from where they end.
                    EventTag::Deliver if !sent_here.contains(&msg.id) => {
                        ArrowEnd::Delivered(e.time)
                    }
                    EventTag::Dropped if !sent_here.contains(&msg.id) => ArrowEnd::Dropped(e.time),
                    _ => return None,
                };
                Some(Arrow {
                    msg: msg.id,
                    from_lane: msg.from.index(),
                    to_lane: msg.to.index(),
                    sent: msg.sent_at,
                    end,
                    label: format!("{} {}", msg.id, msg.label),
                    short: msg.short,
                })
            })
            .collect()
    }

    /// Short runs fit whole; longer ones show a fifth of the run at a time, narrowed so
    /// that the window holds about [`FIT_EVENTS`] events on average.
    pub(super) fn fit_diagram(&mut self) {
        let end = self.end().as_micros().max(1_000);
        let span = if end <= 100_000 {
            end + end / 20
        } else {
            (end / 5).clamp(100_000, 500_000)
        };
        let events = self.engine().trace_len().max(1) as u64;
        let dense = (end as u128 * FIT_EVENTS as u128 / u128::from(events)) as u64;
        self.diagram_span_us = span.min(dense.max(1_000));
    }
}

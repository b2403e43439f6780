//! The space-time diagram's share of the model: its time window (zoom, pan), the events
//! and arrows inside it, and the window a run opens on.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use playground_core::sim::run::{EventInfo, EventTag};
use playground_core::sim::time::SimTime;
use playground_core::sim::trace::MsgId;

use super::{Notice, Playground, Tone};
use crate::layout::Lanes;

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
    /// When it reached its node to wait for a worker, for work that takes time (the
    /// arrow ends there, and the wait until it ends is drawn on the lane).
    pub arrived: Option<SimTime>,
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

    /// The diagram's lanes: grouped by the run's topology (or by role), a collapsed group
    /// as one lane, without the lanes a person hid. They depend only on the run and the collapsed groups (the stage's
    /// own), so they are computed when one of those changes and shared between frames.
    pub fn lanes(&self) -> Rc<Lanes> {
        let key = (self.collapsed.clone(), self.view.hidden.clone());
        self.lanes.get(key, || {
            let nodes = self.run.scenario().nodes(self.run.config());
            let roles: Vec<&str> = nodes.iter().map(|n| n.role).collect();
            let mut lanes = Lanes::new(
                self.engine().names(),
                &roles,
                self.engine().topology(),
                &self.collapsed,
            );
            lanes.hide(&self.view.hidden);
            Rc::new(lanes)
        })
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

    /// The arrows of every message that is sent, arrives, is delivered or dropped among
    /// `events` (messages crossing the window's edges too), each drawn to when it reached
    /// its node and ended (delivered, dropped, lost, or due at the run's end), between
    /// the lanes of [`lanes`](Self::lanes); a message inside one collapsed group, or to or
    /// from a hidden lane, is not drawn (the filter counts those: `hidden_messages`).
    pub fn arrows(&self, events: &[EventInfo]) -> Vec<Arrow> {
        let engine = self.engine();
        let lanes = self.lanes();
        // Inserted one by one: `collect` into a map sorts first, and that sort is a few
        // kB of wasm for this one element type.
        let mut arrivals: BTreeMap<MsgId, SimTime> = BTreeMap::new();
        for e in events.iter().filter(|e| e.tag == EventTag::Arrive) {
            if let Some(msg) = e.msg {
                arrivals.insert(msg, e.time);
            }
        }
        let (first, last) = match (events.first(), events.last()) {
            (Some(a), Some(b)) => (a.time, b.time),
            _ => return Vec::new(),
        };
        let mut drawn = BTreeSet::new();
        events
            .iter()
            .filter_map(|e| {
                let id = e.msg.filter(|id| drawn.insert(*id))?;
                let msg = engine.message(id)?;
                if lanes.folded_together(msg.from, msg.to)
                    || !(lanes.shows(msg.from) && lanes.shows(msg.to))
                {
                    return None;
                }
                let lost = matches!(e.tag, EventTag::Lost | EventTag::Cut);
                // An arrival outside the window is looked up only for arrows crossing its edges.
                let crosses = msg.sent_at < first || msg.end.is_none_or(|(t, _)| t > last);
                let arrived = match arrivals.get(&id) {
                    _ if lost => None,
                    Some(t) => Some(*t),
                    None if crosses => engine.arrival(id),
                    None => None,
                };
                let end = match msg.end {
                    _ if lost => ArrowEnd::Lost,
                    Some((t, true)) => ArrowEnd::Delivered(t),
                    Some((t, false)) => ArrowEnd::Dropped(t),
                    None => ArrowEnd::Pending(arrived.or(e.arrives).unwrap_or(e.time)),
                };
                Some(Arrow {
                    msg: id,
                    from_lane: lanes.lane_of(msg.from),
                    to_lane: lanes.lane_of(msg.to),
                    sent: msg.sent_at,
                    arrived,
                    end,
                    label: format!("{} {}", msg.id, msg.label),
                    short: msg.short,
                })
            })
            .collect()
    }

    /// Zooms the diagram in (positive) or out, out only as far as it stays under
    /// [`MAX_DIAGRAM_EVENTS`] events.
    pub(super) fn zoom(&mut self, direction: i32) {
        let span = self.diagram_span_us;
        if direction > 0 {
            self.diagram_span_us = (span / 2).max(200);
            return;
        }
        let wider = span
            .saturating_mul(2)
            .min(self.end().as_micros().max(1_000) * 2);
        let start = self.diagram_window().0;
        let shown = self
            .engine()
            .events_between(start, start.plus_micros(wider))
            .len();
        if shown <= MAX_DIAGRAM_EVENTS {
            self.diagram_span_us = wider;
        } else {
            self.notify(Notice {
                tone: Tone::Info,
                text: format!(
                    "The diagram shows at most {MAX_DIAGRAM_EVENTS} events at once, \
                     to stay fast; move along the run with Earlier and Later."
                ),
            });
        }
    }

    /// Moves the diagram's window by half its width: earlier (negative) or later.
    pub(super) fn pan(&mut self, direction: i32) {
        let (start, span) = self.diagram_window();
        let step = span / 2;
        let start = if direction < 0 {
            SimTime(start.as_micros().saturating_sub(step))
        } else {
            start.plus_micros(step).min(self.end())
        };
        self.diagram_start = Some(start);
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

//! Messages in flight at an instant, read from the trace without building a snapshot:
//! what playback needs to slow down while a few messages cross the stage.

use super::time::SimTime;
use super::trace::{EventKind, Fate, Trace};

/// How many trace events back (and ahead) [`Trace::flights_at`] looks: enough for every
/// story's messages, few enough to cost nothing per frame.
pub const LOOK: usize = 4_096;

/// The messages in flight at one instant, as playback needs them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flights {
    /// How many messages are on their way (sent, due later, not dropped yet).
    pub count: usize,
    /// The shortest flight among them, from send to due arrival, in µs.
    pub shortest_us: Option<u64>,
    /// When the next message that will arrive is sent, after the instant.
    pub next_send: Option<SimTime>,
}

impl Trace {
    /// The messages in flight at `t` (sent at or before it, due after it, not ended by
    /// then), among the [`LOOK`] events before it, and the next send within as many after.
    pub fn flights_at(&self, t: SimTime) -> Flights {
        let upto = self.events_through(self.steps_until(t));
        let mut flights = Flights::default();
        for e in &self.events[upto.saturating_sub(LOOK)..upto] {
            let EventKind::Send {
                msg,
                fate: Fate::Arrives(at),
                ..
            } = e.kind
            else {
                continue;
            };
            let ended = self.ends.get(msg.0 as usize).copied().flatten();
            if at <= t || ended.is_some_and(|i| (i as usize) < upto) {
                continue;
            }
            flights.count += 1;
            let flight = at.as_micros() - e.time.as_micros();
            flights.shortest_us = Some(flights.shortest_us.map_or(flight, |s| s.min(flight)));
        }
        let ahead = &self.events[upto..(upto + LOOK).min(self.events.len())];
        flights.next_send = ahead.iter().find_map(|e| match e.kind {
            EventKind::Send {
                fate: Fate::Arrives(_),
                ..
            } => Some(e.time),
            _ => None,
        });
        flights
    }
}

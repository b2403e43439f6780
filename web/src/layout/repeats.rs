//! Repetitive messages drawn as one mark: heartbeats between two lanes, sent again and
//! again with nothing of note between them, are one bracketed band "×12 hb".
//!
//! Recognised from the trace alone, for every pattern alike: a message's *signature* is
//! its short label and its direction, its *kind* the label's first word. A run is the
//! messages of one signature between one pair of lanes, in send order, sent at a steady
//! pace (no gap between two sends more than twice another), delivered, and all alike on
//! the diagram: all in the past or all in the future, all in the same relation to a
//! chosen event. Other messages between the pair, and the pattern's events, are drawn as
//! usual over the band. A run ends at an action or a loss on either lane, at the chosen
//! event's own message, and where the label changes (`hb g1` to `hb g2`); only runs of at
//! least [`MIN_RUN`] messages are collapsed, and runs of one pair that overlap in time
//! (the heartbeats and their acks) are one mark. Requests with their own ids (`w2.11`)
//! differ in label, and open-loop traffic is not steady, so neither is collapsed.

use std::collections::BTreeSet;

use playground_core::sim::run::{EventInfo, EventTag};
use playground_core::sim::time::SimTime;
use playground_core::sim::trace::MsgId;

use super::Lanes;
use crate::model::{Arrow, ArrowEnd};

/// The fewest messages collapsed into one mark.
pub const MIN_RUN: usize = 4;

/// Which runs a person expanded: a pair of lanes, upper first (every run between them).
pub type RepeatKey = (usize, usize);

/// One run of repetitive messages.
#[derive(Clone, Debug, PartialEq)]
pub struct Repeat {
    /// Its lanes, upper first.
    pub key: RepeatKey,
    /// Its messages, in send order.
    pub msgs: Vec<MsgId>,
    /// Its first send.
    pub first: SimTime,
    /// Its last delivery.
    pub last: SimTime,
    /// The kinds it repeats, as its mark names them ("hb", "hb/ack").
    pub kinds: String,
    /// The class its messages share (with its leading space: " future", " before" …).
    pub class: &'static str,
}

/// What a message is on the diagram, for comparing neighbours in a run.
struct Member<'a> {
    arrow: &'a Arrow,
    /// Its pair of lanes (upper first), short label and direction (downwards).
    signature: ((usize, usize), &'a str, bool),
    class: &'static str,
}

/// The runs among `arrows` on `lanes` (with `events`, the window's events): `class_of` gives an
/// arrow's class (its relation to a chosen event, and whether it is in the future);
/// messages in `keep` (the chosen event's own) are never collapsed, nor runs in
/// `expanded`.
pub fn find(
    lanes: &Lanes,
    arrows: &[Arrow],
    events: &[EventInfo],
    class_of: &dyn Fn(&Arrow) -> &'static str,
    keep: &BTreeSet<MsgId>,
    expanded: &[RepeatKey],
) -> Vec<Repeat> {
    // What ends a run: an action or a loss on a lane, or the chosen event's message.
    let marks: Vec<(usize, SimTime)> = events
        .iter()
        .filter(|e| {
            let ends = matches!(
                e.tag,
                EventTag::Action
                    | EventTag::Lost
                    | EventTag::Cut
                    | EventTag::Dropped
                    | EventTag::Retired
            );
            ends || e.msg.is_some_and(|m| keep.contains(&m))
        })
        .filter_map(|e| Some((lanes.lane_of(e.node.filter(|&n| lanes.shows(n))?), e.time)))
        .collect();
    let mut members: Vec<Member> = arrows
        .iter()
        .map(|a| {
            let upper = a.from_lane.min(a.to_lane);
            Member {
                arrow: a,
                signature: (
                    (upper, a.from_lane.max(a.to_lane)),
                    a.short.as_str(),
                    a.from_lane == upper,
                ),
                class: class_of(a),
            }
        })
        .collect();
    // By pair and signature (in order of first appearance), then in send order: by hand,
    // as a sort of this one type would cost the bundle a few kB.
    let mut grouped: Vec<Member> = Vec::with_capacity(members.len());
    while let Some(first) = members.first().map(|m| m.signature) {
        let at = grouped.len();
        let mut k = 0;
        while k < members.len() {
            if members[k].signature == first {
                let m = members.remove(k);
                let mut i = grouped.len();
                while i > at && grouped[i - 1].arrow.sent > m.arrow.sent {
                    i -= 1;
                }
                grouped.insert(i, m);
            } else {
                k += 1;
            }
        }
    }
    let members = grouped;
    let mut repeats: Vec<Repeat> = Vec::new();
    let mut start = 0;
    while start < members.len() {
        let end = run_end(&members, start, &marks, keep);
        let run = &members[start..end];
        let ((upper, lower), label, _) = run[0].signature;
        let key = (upper, lower);
        if run.len() >= MIN_RUN && !expanded.contains(&key) && steady(run) {
            let r = repeat(run, key, label.split(' ').next().unwrap_or_default());
            // The acks of a run of heartbeats: one mark with it.
            match repeats.iter_mut().find(|o| {
                (o.key, o.class) == (key, r.class) && o.first <= r.last && r.first <= o.last
            }) {
                Some(o) => {
                    o.msgs.extend(r.msgs);
                    o.first = o.first.min(r.first);
                    o.last = o.last.max(r.last);
                    if !o.kinds.split('/').any(|k| k == r.kinds) {
                        o.kinds = format!("{}/{}", o.kinds, r.kinds);
                    }
                }
                None => repeats.push(r),
            }
        }
        start = end;
    }
    repeats
}

/// Where the run starting at `start` ends (exclusive): at another signature, another
/// class, a message not delivered or kept, or a mark on either lane between two sends.
fn run_end(
    members: &[Member],
    start: usize,
    marks: &[(usize, SimTime)],
    keep: &BTreeSet<MsgId>,
) -> usize {
    let plain =
        |m: &Member| matches!(m.arrow.end, ArrowEnd::Delivered(_)) && !keep.contains(&m.arrow.msg);
    let first = &members[start];
    if !plain(first) {
        return start + 1;
    }
    let (upper, lower) = first.signature.0;
    let quiet = |from: SimTime, to: SimTime| {
        !marks
            .iter()
            .any(|&(lane, t)| (lane == upper || lane == lower) && from <= t && t <= to)
    };
    let mut end = start + 1;
    while let Some(m) = members.get(end) {
        let alike = m.signature == first.signature && m.class == first.class && plain(m);
        if !(alike && quiet(members[end - 1].arrow.sent, m.arrow.sent)) {
            break;
        }
        end += 1;
    }
    end
}

/// Whether `run` is sent at a steady pace.
fn steady(run: &[Member]) -> bool {
    let gaps = run
        .windows(2)
        .map(|w| w[1].arrow.sent.as_micros() - w[0].arrow.sent.as_micros());
    let (low, high) = gaps.fold((u64::MAX, 0), |(l, h), g| (l.min(g), h.max(g)));
    run.len() < 3 || high <= low.saturating_mul(2)
}

fn repeat(run: &[Member], key: RepeatKey, kind: &str) -> Repeat {
    Repeat {
        kinds: kind.to_string(),
        key,
        msgs: run.iter().map(|m| m.arrow.msg).collect(),
        first: run[0].arrow.sent,
        last: run
            .iter()
            .map(|m| match m.arrow.end {
                ArrowEnd::Delivered(t) => t,
                _ => m.arrow.sent,
            })
            .max()
            .unwrap_or(run[0].arrow.sent),
        class: run[0].class,
    }
}

#[cfg(test)]
mod tests {
    use playground_core::sim::node::NodeId;
    use playground_core::sim::topology::Topology;

    use super::*;

    fn lanes() -> Lanes {
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        Lanes::new(&names, &["x"; 3], &Topology::default(), &BTreeSet::new())
    }

    fn arrow(msg: u32, from: usize, to: usize, sent: u64, short: &str) -> Arrow {
        Arrow {
            msg: MsgId(msg),
            from_lane: from,
            to_lane: to,
            sent: SimTime(sent),
            arrived: None,
            end: ArrowEnd::Delivered(SimTime(sent + 3)),
            label: short.into(),
            short: short.into(),
        }
    }

    /// Heartbeats from a to b every 100 µs, each acknowledged, `n` of each.
    fn heartbeats(n: u32) -> Vec<Arrow> {
        (0..n)
            .flat_map(|k| {
                let t = 100 * u64::from(k);
                [
                    arrow(2 * k, 0, 1, t, "hb g2"),
                    arrow(2 * k + 1, 1, 0, t + 5, "ok g2"),
                ]
            })
            .collect()
    }

    fn note(index: usize, node: u32, time: u64) -> EventInfo {
        EventInfo {
            index,
            step: index,
            time: SimTime(time),
            node: Some(NodeId(node)),
            tag: EventTag::Note,
            msg: None,
            peer: None,
            arrives: None,
            text: String::new(),
            label: String::new(),
            minor: false,
        }
    }

    fn runs(arrows: &[Arrow], events: &[EventInfo], keep: &[u32]) -> Vec<Repeat> {
        let keep = keep.iter().map(|&m| MsgId(m)).collect();
        find(&lanes(), arrows, events, &|_| "", &keep, &[])
    }

    #[test]
    fn steady_heartbeats_and_their_acks_are_one_run() {
        let r = runs(&heartbeats(6), &[], &[]);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].msgs.len(), 12);
        assert_eq!(r[0].kinds, "hb/ok");
        assert_eq!(r[0].key, (0, 1));
        assert_eq!((r[0].first, r[0].last), (SimTime(0), SimTime(508)));
    }

    #[test]
    fn a_note_the_chosen_message_or_an_expanded_key_ends_a_run() {
        // An action on b at 350 µs: two runs of four heartbeats and four acks.
        let mut action = note(0, 1, 350);
        action.tag = EventTag::Action;
        let split = runs(&heartbeats(8), &[action], &[]);
        assert_eq!(
            split.iter().map(|r| r.msgs.len()).collect::<Vec<_>>(),
            [8, 8]
        );
        // The pattern's own event does not: it is drawn over the band.
        assert_eq!(runs(&heartbeats(8), &[note(0, 1, 350)], &[]).len(), 1);
        // The chosen event's message stays drawn, and so do its neighbours when too few.
        let kept = runs(&heartbeats(10), &[], &[5]);
        assert!(kept.iter().all(|r| !r.msgs.contains(&MsgId(5))));
        assert_eq!(
            kept.iter().map(|r| r.msgs.len()).sum::<usize>(),
            17,
            "two acks too few"
        );
        // A new label (a new generation) starts a new run.
        let mut relabelled = heartbeats(8);
        for a in relabelled.iter_mut().skip(8) {
            a.short = a.short.replace("g2", "g3");
        }
        assert_eq!(runs(&relabelled, &[], &[]).len(), 2);
        let expanded = [(0, 1)];
        let none = find(
            &lanes(),
            &heartbeats(6),
            &[],
            &|_| "",
            &BTreeSet::new(),
            &expanded,
        );
        assert!(none.is_empty());
    }

    #[test]
    fn requests_with_their_own_ids_or_an_unsteady_pace_are_not_repetitive() {
        let writes: Vec<Arrow> = (0..8)
            .map(|k| arrow(k, 0, 1, 100 * u64::from(k), &format!("w2.{k} g2")))
            .collect();
        assert!(runs(&writes, &[], &[]).is_empty());
        let bursty: Vec<Arrow> = [0, 10, 400, 410, 900, 905]
            .iter()
            .enumerate()
            .map(|(k, &t)| arrow(k as u32, 0, 1, t, "req"))
            .collect();
        assert!(runs(&bursty, &[], &[]).is_empty());
        // Writes between heartbeats are drawn over their band; the band stays whole.
        let mut mixed = heartbeats(6);
        mixed.extend(writes.iter().take(5).cloned().map(|mut w| {
            w.msg = MsgId(w.msg.0 + 100);
            w
        }));
        let r = runs(&mixed, &[], &[]);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].msgs.len(), 12);
        let lost = {
            let mut a = heartbeats(6);
            a[4].end = ArrowEnd::Lost;
            a
        };
        assert!(
            runs(&lost, &[], &[])
                .iter()
                .all(|r| !r.msgs.contains(&MsgId(4))),
            "a lost message is always drawn"
        );
    }

    #[test]
    fn a_run_never_mixes_past_and_future() {
        let arrows = heartbeats(8);
        let keep = BTreeSet::new();
        let class = |a: &Arrow| {
            if a.sent >= SimTime(400) {
                " future"
            } else {
                ""
            }
        };
        let r = find(&lanes(), &arrows, &[], &class, &keep, &[]);
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].class, r[1].class), ("", " future"));
        assert!(r[0].last < SimTime(400) && r[1].first >= SimTime(400));
    }
}

//! The first difference in outcome between two runs: the first instant at which a
//! property's verdict differs (one run breaks it, the other does not, or later), or a
//! client gets a different answer (its n-th answer says something else, or it gets no
//! n-th answer at all by the end of the other run). Both come from the traces: the
//! messages delivered to the clients, and the checker's first breaches (ground truth it
//! computed from the same traces).

use crate::sim::node::NodeId;
use crate::sim::run::{Engine, EventTag};
use crate::sim::time::SimTime;
use crate::sim::trace::MsgId;

/// An answer a client got: a message delivered to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The client.
    pub client: NodeId,
    /// How many answers that client got before this one, from the start of the run.
    pub nth: usize,
    /// When it arrived.
    pub time: SimTime,
    /// The delivery's trace event.
    pub event: usize,
    /// The message delivered.
    pub msg: Option<MsgId>,
    /// The message's payload as text ([`first_outcome`] reads it, and the time, only up
    /// to the first answer that differs).
    pub text: String,
}

/// What a run leads to, as a learner sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcomes {
    /// The answers its clients got from some event on, in trace order.
    pub answers: Vec<Answer>,
    /// Each property's id and first breach (when, and the event), in the pattern's order.
    pub verdicts: Vec<(&'static str, Option<(SimTime, usize)>)>,
    /// When the run ends.
    pub end: SimTime,
}

/// The first difference in outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// When it shows first.
    pub time: SimTime,
    /// The event in run A where it shows, if run A has one.
    pub a: Option<usize>,
    /// The event in run B where it shows, if run B has one.
    pub b: Option<usize>,
    /// One sentence saying what differs.
    pub sentence: String,
}

/// What `engine`'s run leads to: the answers delivered to `clients` from event `from` on
/// (the runs share everything before the divergence, so the answers before it are the
/// same in both), and its properties' first breaches.
pub fn outcomes(engine: &dyn Engine, from: usize, clients: &[NodeId]) -> Outcomes {
    let mut o = answered(engine, from, clients);
    for x in &mut o.answers {
        fill(engine, x);
    }
    o
}

/// The first difference in outcome of runs `a` and `b` from event `from` on, as
/// [`outcome`] of their [`outcomes`] finds it, formatting only the answers it compares:
/// each client's answers in both runs side by side, up to the first pair that differs.
pub fn first_outcome(
    a: &dyn Engine,
    b: &dyn Engine,
    from: usize,
    clients: &[NodeId],
    name: &dyn Fn(NodeId) -> String,
) -> Option<Outcome> {
    let (mut oa, mut ob) = (answered(a, from, clients), answered(b, from, clients));
    for &client in clients {
        let of = |o: &Outcomes| {
            (0..o.answers.len())
                .filter(|&i| o.answers[i].client == client)
                .collect::<Vec<_>>()
        };
        let (ia, ib) = (of(&oa), of(&ob));
        for k in 0..ia.len().max(ib.len()) {
            let (x, y) = (ia.get(k), ib.get(k));
            if let Some(&i) = x {
                fill(a, &mut oa.answers[i]);
            }
            if let Some(&i) = y {
                fill(b, &mut ob.answers[i]);
            }
            match (x, y) {
                (Some(&i), Some(&j)) if oa.answers[i].text == ob.answers[j].text => {}
                _ => break,
            }
        }
    }
    outcome(&oa, &ob, name)
}

/// An answer's text and time, from its message (its payload formatted).
fn fill(engine: &dyn Engine, x: &mut Answer) {
    if let Some(m) = x.msg.and_then(|m| engine.message(m)) {
        x.time = m.end.map_or(m.sent_at, |(t, _)| t);
        x.text = m.label;
    }
}

/// [`outcomes`] without the answers' texts and times (the costly part: a payload
/// formatted each).
fn answered(engine: &dyn Engine, from: usize, clients: &[NodeId]) -> Outcomes {
    let mut counts = vec![0usize; engine.names().len()];
    let mut answers = Vec::new();
    for event in 0..engine.trace_len() {
        let Some((Some(client), EventTag::Deliver)) = engine.event_class(event) else {
            continue;
        };
        let Some(count) = counts.get_mut(client.index()) else {
            continue;
        };
        if !clients.contains(&client) {
            continue;
        }
        let nth = *count;
        *count += 1;
        if event < from {
            continue;
        }
        answers.push(Answer {
            client,
            nth,
            time: SimTime::ZERO,
            event,
            msg: engine.event_msg(event),
            text: String::new(),
        });
    }
    let verdicts = engine
        .properties()
        .iter()
        .zip(engine.violations())
        .map(|(p, v)| (p.id, v.map(|v| (v.time, v.event))))
        .collect();
    Outcomes {
        answers,
        verdicts,
        end: engine.now(),
    }
}

/// The first difference in outcome between runs `a` and `b` (naming nodes with `name`),
/// or `None` when every verdict and every answer agree. Ties go to a verdict.
pub fn outcome(a: &Outcomes, b: &Outcomes, name: &dyn Fn(NodeId) -> String) -> Option<Outcome> {
    let mut found: Vec<Outcome> = Vec::new();
    for ((id, va), (_, vb)) in a.verdicts.iter().zip(&b.verdicts) {
        let id = id.replace('-', " ");
        let (time, a, b, sentence) = match (*va, *vb) {
            (Some((t, e)), None) => (
                t,
                Some(e),
                None,
                format!("run A breaks “{id}”; run B keeps it to its end"),
            ),
            (None, Some((t, e))) => (
                t,
                None,
                Some(e),
                format!("run B breaks “{id}”; run A keeps it to its end"),
            ),
            (Some((x, ea)), Some((y, eb))) if x < y => (
                x,
                Some(ea),
                Some(eb),
                format!("run A breaks “{id}”; run B breaks it too, but only at {y}"),
            ),
            (Some((x, ea)), Some((y, eb))) if y < x => (
                y,
                Some(ea),
                Some(eb),
                format!("run B breaks “{id}”; run A breaks it too, but only at {x}"),
            ),
            _ => continue,
        };
        found.push(Outcome {
            time,
            a,
            b,
            sentence: format!("At {time}, {sentence}."),
        });
    }
    let mut clients: Vec<NodeId> = a
        .answers
        .iter()
        .chain(&b.answers)
        .map(|x| x.client)
        .collect();
    clients.sort();
    clients.dedup();
    for client in clients {
        let (mut xs, mut ys) = (answers_of(a, client), answers_of(b, client));
        let who = name(client);
        loop {
            let found_here = match (xs.next(), ys.next()) {
                (None, None) => break,
                (Some(x), Some(y)) if x.text == y.text => continue,
                (Some(x), Some(y)) => Outcome {
                    time: x.time.min(y.time),
                    a: Some(x.event),
                    b: Some(y.event),
                    sentence: format!(
                        "At {}, {who} gets its {} answer: “{}” in run A (at {}), “{}” in run B (at {}).",
                        x.time.min(y.time),
                        ordinal(x.nth + 1),
                        x.text,
                        x.time,
                        y.text,
                        y.time
                    ),
                },
                (Some(x), None) => match missing(x, "A", "B", b.end, &who) {
                    Some(o) => Outcome { a: Some(x.event), ..o },
                    None => break,
                },
                (None, Some(y)) => match missing(y, "B", "A", a.end, &who) {
                    Some(o) => Outcome { b: Some(y.event), ..o },
                    None => break,
                },
            };
            found.push(found_here);
            break;
        }
    }
    // The earliest; among equals, the first found (a verdict before an answer).
    let first = found.iter().map(|o| o.time).min()?;
    found.into_iter().find(|o| o.time == first)
}

/// The answers `client` got in `o`, in order.
fn answers_of(o: &Outcomes, client: NodeId) -> impl Iterator<Item = &Answer> {
    o.answers.iter().filter(move |x| x.client == client)
}

/// An answer `x` run `mine` got and run `other` (ending at `end`) did not: a difference
/// only when the other run lasted past it.
fn missing(x: &Answer, mine: &str, other: &str, end: SimTime, who: &str) -> Option<Outcome> {
    (x.time <= end).then(|| Outcome {
        time: x.time,
        a: None,
        b: None,
        sentence: format!(
            "At {}, {who} gets its {} answer in run {mine} (“{}”); in run {other} it gets no {} answer by the end ({end}).",
            x.time,
            ordinal(x.nth + 1),
            x.text,
            ordinal(x.nth + 1)
        ),
    })
}

/// 1st, 2nd, 3rd, 4th, … 11th, 12th, 13th, … 21st.
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

//! User actions: the faults and changes a person (or a scenario's script) applies to a run.
//!
//! An action names nodes by reference type `R`: sessions hold names (`String`), which
//! survive a URL and a hand edit; the engine resolves them to [`NodeId`]s once, when the
//! run is built. An action timed at `t` applies after every event at or before `t`, so a
//! live action and its replay land at the same place in the trace.

use std::fmt;

use super::network::LinkConfig;
use super::node::NodeId;
use super::time::SimTime;
use super::trace::MsgId;

/// Something done to a run from outside its nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action<R> {
    /// Crash a node: its volatile state is lost and it stops until restarted.
    Crash(R),
    /// Restart a crashed node from its durable state.
    Restart(R),
    /// Pause a node (a GC pause): its timers and deliveries wait.
    Pause(R),
    /// Resume a paused node; what waited happens now, in order.
    Resume(R),
    /// Bring an absent node (or a group's) into the run: it starts.
    Join(R),
    /// Take a node (or a group's) out of the run for good, unless it joins again.
    Retire(R),
    /// A pattern action (one of its `PatternInfo::verbs`) on a node, with its argument.
    Command {
        /// The node.
        node: R,
        /// The verb's name, e.g. `slow`.
        verb: String,
        /// Its argument (0 when the verb takes none).
        arg: i64,
    },
    /// Cut the links between two groups: both ways, or only from `from` to `to`.
    Partition {
        /// One side.
        from: Vec<R>,
        /// The other side.
        to: Vec<R>,
        /// When true only messages from `from` to `to` are cut.
        one_way: bool,
    },
    /// Remove every partition.
    Heal,
    /// Drop a message in flight.
    Drop(MsgId),
    /// Hold a message in flight until it is released.
    Hold(MsgId),
    /// Release a held message: it is delivered now.
    Release(MsgId),
    /// Delay a message in flight by a number of microseconds.
    Delay {
        /// The message.
        msg: MsgId,
        /// Extra delay in microseconds.
        by_us: u64,
    },
    /// Step a node's wall clock by a signed number of microseconds.
    SkewClock {
        /// The node.
        node: R,
        /// Change in microseconds (negative sets it back).
        delta_us: i64,
    },
    /// Set a node's wall-clock drift in parts per million.
    SetDrift {
        /// The node.
        node: R,
        /// New drift rate.
        ppm: i64,
    },
    /// Change latency, loss and duplication of one directed link, or of all links.
    SetLink {
        /// `None` for every link, else one directed link.
        link: Option<(R, R)>,
        /// The new behaviour.
        cfg: LinkConfig,
    },
}

impl<R> Action<R> {
    /// Maps every node reference, failing on the first one `f` rejects.
    pub fn try_map<S, E>(&self, mut f: impl FnMut(&R) -> Result<S, E>) -> Result<Action<S>, E> {
        let mut group = |g: &[R]| g.iter().map(&mut f).collect::<Result<Vec<S>, E>>();
        Ok(match self {
            Action::Crash(n) => Action::Crash(f(n)?),
            Action::Restart(n) => Action::Restart(f(n)?),
            Action::Pause(n) => Action::Pause(f(n)?),
            Action::Resume(n) => Action::Resume(f(n)?),
            Action::Join(n) => Action::Join(f(n)?),
            Action::Retire(n) => Action::Retire(f(n)?),
            Action::Command { node, verb, arg } => Action::Command {
                node: f(node)?,
                verb: verb.clone(),
                arg: *arg,
            },
            Action::Partition { from, to, one_way } => Action::Partition {
                from: group(from)?,
                to: group(to)?,
                one_way: *one_way,
            },
            Action::Heal => Action::Heal,
            Action::Drop(m) => Action::Drop(*m),
            Action::Hold(m) => Action::Hold(*m),
            Action::Release(m) => Action::Release(*m),
            Action::Delay { msg, by_us } => Action::Delay {
                msg: *msg,
                by_us: *by_us,
            },
            Action::SkewClock { node, delta_us } => Action::SkewClock {
                node: f(node)?,
                delta_us: *delta_us,
            },
            Action::SetDrift { node, ppm } => Action::SetDrift {
                node: f(node)?,
                ppm: *ppm,
            },
            Action::SetLink { link, cfg } => Action::SetLink {
                link: match link {
                    Some((a, b)) => Some((f(a)?, f(b)?)),
                    None => None,
                },
                cfg: *cfg,
            },
        })
    }

    /// Maps every node reference with an infallible `f`.
    pub fn map<S>(&self, mut f: impl FnMut(&R) -> S) -> Action<S> {
        match self.try_map(|r| Ok::<S, std::convert::Infallible>(f(r))) {
            Ok(action) => action,
            Err(never) => match never {},
        }
    }

    /// The node an action is drawn on in a space-time diagram, if it has one.
    pub fn subject(&self) -> Option<&R> {
        match self {
            Action::Crash(n)
            | Action::Restart(n)
            | Action::Pause(n)
            | Action::Resume(n)
            | Action::Join(n)
            | Action::Retire(n)
            | Action::Command { node: n, .. }
            | Action::SkewClock { node: n, .. }
            | Action::SetDrift { node: n, .. } => Some(n),
            _ => None,
        }
    }
}

/// An action with the virtual time it applies at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimedAction<R = String> {
    /// When it applies: after every event at or before this instant.
    pub at: SimTime,
    /// What it does.
    pub action: Action<R>,
}

impl Action<NodeId> {
    /// One line of text, naming nodes with `names`.
    pub fn describe(&self, names: &[String]) -> String {
        let name = |n: &NodeId| names.get(n.index()).map_or("?", String::as_str);
        let group = |g: &[NodeId]| g.iter().map(name).collect::<Vec<_>>().join(",");
        match self {
            Action::Crash(n) => format!("CRASH {}", name(n)),
            Action::Restart(n) => format!("RESTART {}", name(n)),
            Action::Pause(n) => format!("PAUSE {}", name(n)),
            Action::Resume(n) => format!("RESUME {}", name(n)),
            Action::Join(n) => format!("JOIN {}", name(n)),
            Action::Retire(n) => format!("RETIRE {}", name(n)),
            Action::Command { node, verb, arg } => format!("DO {} {verb} {arg}", name(node)),
            Action::Partition { from, to, one_way } => {
                let arrow = if *one_way { "-/->" } else { "<-/->" };
                format!("PARTITION {{{}}} {arrow} {{{}}}", group(from), group(to))
            }
            Action::Heal => "HEAL all partitions".to_string(),
            Action::Drop(m) => format!("DROP {m}"),
            Action::Hold(m) => format!("HOLD {m}"),
            Action::Release(m) => format!("RELEASE {m}"),
            Action::Delay { msg, by_us } => format!("DELAY {msg} by {}", SimTime(*by_us)),
            Action::SkewClock { node, delta_us } => {
                format!("SKEW {} clock by {}", name(node), Signed(*delta_us))
            }
            Action::SetDrift { node, ppm } => format!("DRIFT {} at {ppm}ppm", name(node)),
            Action::SetLink { link, cfg } => {
                let which = match link {
                    Some((a, b)) => format!("{}->{}", name(a), name(b)),
                    None => "all links".to_string(),
                };
                format!(
                    "LINK {which}: latency {}..{}, loss {}, duplication {}",
                    SimTime(cfg.latency_min_us),
                    SimTime(cfg.latency_max_us),
                    cfg.loss,
                    cfg.duplication
                )
            }
        }
    }
}

/// A signed microsecond count shown as milliseconds with an explicit sign.
struct Signed(i64);

impl fmt::Display for Signed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "+" };
        write!(f, "{sign}{}", SimTime(self.0.unsigned_abs()))
    }
}

//! Sessions: everything that defines a run, and their compact URL-safe text form.
//!
//! A session is (scenario id, seed, parameters, switches turned off, the person's timed
//! actions). Its text form uses only URL-unreserved characters, so it survives a query
//! string untouched, and reads well enough to edit by hand:
//!
//! ```text
//! v1~lamport-skew~seed.42~p.clients.3~off.carry-clock~1500000.crash.s1~2000000.part.c1-s1.s2
//! ```
//!
//! Tokens are separated by `~` and their parts by `.`: the version, the scenario, `seed.N`,
//! `p.NAME.VALUE` per parameter, `off.NAME` per switch turned off, and `TIME_US.ACTION…`
//! per action. Actions: `crash|restart|pause|resume|join|retire.NODE` (a node or a group),
//! `do.NODE.VERB.ARG` (a pattern action), `part|oneway.A-B.C-D`, `heal`,
//! `drop|hold|release.MSG`, `delay.MSG.US`, `skew.NODE.US`, `drift.NODE.PPM`,
//! `link.FROM.TO.MIN_US.MAX_US.LOSS_NUM.LOSS_DEN.DUP_NUM.DUP_DEN` (`all.all` for every link).
//!
//! Decoding never panics: any input gives a session or a [`SessionError`] that says what
//! is wrong and where. Decoding only reads the text: whether the scenario exists and the
//! parameters, switches, nodes, times and numbers are allowed is checked in one place,
//! [`super::validate`], when the run starts (`Registry::start`) or a person acts.

use std::fmt;

use super::action::{Action, TimedAction};
use super::network::LinkConfig;
use super::rng::Ratio;
use super::time::SimTime;
use super::trace::MsgId;

/// The version written by [`Session::encode`].
pub const VERSION: &str = "v1";
/// The longest text [`Session::decode`] accepts.
pub const MAX_ENCODED_LEN: usize = 16_384;

/// Everything that defines a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// Scenario id, e.g. `lamport-skew`.
    pub scenario: String,
    /// Seed of the run's PRNG.
    pub seed: u64,
    /// Parameters set explicitly, in order; the rest take their defaults.
    pub params: Vec<(String, i64)>,
    /// Mechanism switches turned off.
    pub switches_off: Vec<String>,
    /// The person's actions, in the order they apply.
    pub actions: Vec<TimedAction>,
}

impl Session {
    /// A session of `scenario` with `seed`, defaults and no actions.
    pub fn new(scenario: &str, seed: u64) -> Session {
        Session {
            scenario: scenario.to_string(),
            seed,
            params: Vec::new(),
            switches_off: Vec::new(),
            actions: Vec::new(),
        }
    }

    /// Sets a parameter (replacing an earlier value of it).
    pub fn with_param(mut self, name: &str, value: i64) -> Session {
        self.params.retain(|(n, _)| n != name);
        self.params.push((name.to_string(), value));
        self
    }

    /// Turns a mechanism switch off.
    pub fn with_switch_off(mut self, name: &str) -> Session {
        if !self.switches_off.iter().any(|s| s == name) {
            self.switches_off.push(name.to_string());
        }
        self
    }

    /// Adds an action at `at`.
    pub fn with_action(mut self, at: SimTime, action: Action<String>) -> Session {
        self.actions.push(TimedAction { at, action });
        self
    }

    /// The compact URL-safe text form.
    pub fn encode(&self) -> String {
        let mut tokens = vec![
            VERSION.to_string(),
            self.scenario.clone(),
            format!("seed.{}", self.seed),
        ];
        tokens.extend(self.params.iter().map(|(n, v)| format!("p.{n}.{v}")));
        tokens.extend(self.switches_off.iter().map(|s| format!("off.{s}")));
        tokens.extend(
            self.actions
                .iter()
                .map(|a| format!("{}.{}", a.at.as_micros(), encode_action(&a.action))),
        );
        tokens.join("~")
    }

    /// Parses the text form; any malformed input gives a descriptive error.
    pub fn decode(text: &str) -> Result<Session, SessionError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(SessionError::Empty);
        }
        if text.len() > MAX_ENCODED_LEN {
            return Err(SessionError::TooLong {
                len: text.len(),
                max: MAX_ENCODED_LEN,
            });
        }
        if let Some(bad) = text.chars().find(|c| !is_unreserved(*c)) {
            return Err(SessionError::BadCharacter(bad));
        }
        let mut tokens = text.split('~');
        let version = tokens.next().unwrap_or_default();
        if version != VERSION {
            return Err(SessionError::UnsupportedVersion(version.to_string()));
        }
        let scenario = tokens.next().unwrap_or_default();
        check_name("scenario id", scenario, true)?;
        let mut session = Session::new(scenario, 0);
        let mut seen_seed = false;
        for (i, token) in tokens.enumerate() {
            let position = i + 3;
            let bad = |reason: String| SessionError::BadToken {
                position,
                token: token.to_string(),
                reason,
            };
            let parts: Vec<&str> = token.split('.').collect();
            match parts[0] {
                "seed" => {
                    if seen_seed {
                        return Err(bad("the seed is given twice".into()));
                    }
                    let [_, value] = parts[..] else {
                        return Err(bad("expected seed.NUMBER".into()));
                    };
                    session.seed = parse_num(value, "seed").map_err(bad)?;
                    seen_seed = true;
                }
                "p" => {
                    let [_, name, value] = parts[..] else {
                        return Err(bad("expected p.NAME.VALUE".into()));
                    };
                    check_name("parameter name", name, true)?;
                    if session.params.iter().any(|(n, _)| n == name) {
                        return Err(bad(format!("parameter `{name}` is given twice")));
                    }
                    let value = parse_num(value, "parameter value").map_err(bad)?;
                    session.params.push((name.to_string(), value));
                }
                "off" => {
                    let [_, name] = parts[..] else {
                        return Err(bad("expected off.SWITCH".into()));
                    };
                    check_name("switch name", name, true)?;
                    session.switches_off.push(name.to_string());
                }
                time if time.starts_with(|c: char| c.is_ascii_digit()) => {
                    let at = SimTime(parse_num(time, "action time").map_err(bad)?);
                    let action = decode_action(&parts[1..]).map_err(bad)?;
                    session.actions.push(TimedAction { at, action });
                }
                other => {
                    return Err(bad(format!(
                        "unknown token kind `{other}`; expected seed, p, off or an action time"
                    )))
                }
            }
        }
        if !seen_seed {
            return Err(SessionError::MissingSeed);
        }
        Ok(session)
    }
}

/// Why a session text or a session could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionError {
    /// Nothing was given.
    Empty,
    /// The text is longer than allowed.
    TooLong {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A character outside `A-Z a-z 0-9 - . _ ~`.
    BadCharacter(char),
    /// The first token is not a version this build reads.
    UnsupportedVersion(String),
    /// A name (scenario, parameter, switch or node) has characters it may not have.
    BadName {
        /// What kind of name.
        what: &'static str,
        /// The name as given.
        name: String,
    },
    /// A token could not be read.
    BadToken {
        /// Its position, counting from 1.
        position: usize,
        /// The token.
        token: String,
        /// Why.
        reason: String,
    },
    /// No `seed.N` token.
    MissingSeed,
    /// Two actions are not in time order.
    ActionsOutOfOrder {
        /// The time of the action listed first.
        earlier: SimTime,
        /// The time of the action listed after it, which is earlier.
        later: SimTime,
    },
    /// More actions than allowed.
    TooManyActions {
        /// The limit.
        max: usize,
    },
    /// No scenario has this id.
    UnknownScenario {
        /// The id given.
        id: String,
        /// The nearest ids that exist (or, none being near, the first), said as a
        /// clause, and how many there are.
        known: String,
    },
    /// The scenario has no parameter of this name.
    UnknownParam {
        /// The name given.
        name: String,
        /// The parameters that exist.
        known: String,
    },
    /// A parameter is outside its allowed values.
    ParamOutOfRange {
        /// Its name.
        name: String,
        /// The value given.
        value: i64,
        /// The allowed values in words ("between 2 and 6").
        allowed: String,
    },
    /// The story offers no switch of this name.
    UnknownSwitch {
        /// The name given.
        name: String,
        /// The switches that exist.
        known: String,
    },
    /// An action names a node the scenario does not have.
    UnknownNode {
        /// The name given.
        name: String,
        /// The nodes that exist.
        known: String,
    },
    /// A number in an action is outside its allowed range.
    ActionOutOfRange {
        /// What the number is.
        what: &'static str,
        /// The value given.
        value: String,
        /// The allowed range.
        allowed: String,
    },
    /// An action names a verb the pattern does not have.
    UnknownVerb {
        /// The verb given.
        verb: String,
        /// The verbs that exist.
        known: String,
    },
    /// An action is timed after the run ends.
    ActionAfterEnd {
        /// Its time.
        at: SimTime,
        /// When the run ends.
        horizon: SimTime,
    },
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::Empty => write!(f, "the session is empty"),
            SessionError::TooLong { len, max } => {
                write!(
                    f,
                    "the session is {len} characters long; at most {max} are allowed"
                )
            }
            SessionError::BadCharacter(c) => write!(
                f,
                "the session contains `{}`; only letters, digits and - . _ ~ are allowed",
                c.escape_default()
            ),
            SessionError::UnsupportedVersion(v) => write!(
                f,
                "the session starts with `{v}`, but this build reads version {VERSION} only"
            ),
            SessionError::BadName { what, name } => write!(
                f,
                "the {what} `{name}` is not valid: use 1 to 40 lowercase letters, digits or -"
            ),
            SessionError::BadToken {
                position,
                token,
                reason,
            } => write!(f, "part {position} of the session (`{token}`): {reason}"),
            SessionError::MissingSeed => write!(f, "the session has no seed (seed.NUMBER)"),
            SessionError::ActionsOutOfOrder { earlier, later } => write!(
                f,
                "actions must be in time order, but an action at {later} follows one at {earlier}"
            ),
            SessionError::TooManyActions { max } => {
                write!(f, "the session has more than {max} actions")
            }
            SessionError::UnknownScenario { id, known } => {
                write!(f, "there is no scenario `{id}`; {known}")
            }
            SessionError::UnknownParam { name, known } => {
                write!(
                    f,
                    "this scenario has no parameter `{name}`; it has: {known}"
                )
            }
            SessionError::ParamOutOfRange {
                name,
                value,
                allowed,
            } => write!(f, "parameter `{name}` must be {allowed}, but it is {value}"),
            SessionError::UnknownSwitch { name, known } => {
                if known.is_empty() {
                    write!(f, "this story offers no switch `{name}`; it offers none")
                } else {
                    write!(
                        f,
                        "this story offers no switch `{name}`; it offers: {known}"
                    )
                }
            }
            SessionError::UnknownVerb { verb, known } => {
                write!(
                    f,
                    "this pattern has no action `{verb}`; its actions are: {known}"
                )
            }
            SessionError::UnknownNode { name, known } => {
                write!(
                    f,
                    "there is no node `{name}` in this scenario; nodes are: {known}"
                )
            }
            SessionError::ActionOutOfRange {
                what,
                value,
                allowed,
            } => write!(f, "the {what} {value} is out of range; allowed: {allowed}"),
            SessionError::ActionAfterEnd { at, horizon } => {
                write!(f, "an action at {at} is after the run ends at {horizon}")
            }
        }
    }
}

impl std::error::Error for SessionError {}

fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

fn check_name(what: &'static str, name: &str, dashes: bool) -> Result<(), SessionError> {
    let ok = (1..=40).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || (dashes && c == '-'));
    if ok {
        Ok(())
    } else {
        Err(SessionError::BadName {
            what,
            name: name.to_string(),
        })
    }
}

fn parse_num<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("the {what} `{text}` is not a number in range"))
}

fn node(name: &str) -> Result<String, String> {
    check_name("node name", name, false)
        .map(|()| name.to_string())
        .map_err(|e| e.to_string())
}

/// A partition side: node names joined by `-`; empty for no node (which validation refuses).
fn group(text: &str) -> Result<Vec<String>, String> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    text.split('-').map(node).collect()
}

fn encode_action(action: &Action<String>) -> String {
    let link_end = |n: &Option<(String, String)>| match n {
        Some((a, b)) => format!("{a}.{b}"),
        None => "all.all".to_string(),
    };
    match action {
        Action::Crash(n) => format!("crash.{n}"),
        Action::Restart(n) => format!("restart.{n}"),
        Action::Pause(n) => format!("pause.{n}"),
        Action::Resume(n) => format!("resume.{n}"),
        Action::Join(n) => format!("join.{n}"),
        Action::Retire(n) => format!("retire.{n}"),
        Action::Command { node, verb, arg } => format!("do.{node}.{verb}.{arg}"),
        Action::Partition { from, to, one_way } => format!(
            "{}.{}.{}",
            if *one_way { "oneway" } else { "part" },
            from.join("-"),
            to.join("-")
        ),
        Action::Heal => "heal".to_string(),
        Action::Drop(m) => format!("drop.{}", m.0),
        Action::Hold(m) => format!("hold.{}", m.0),
        Action::Release(m) => format!("release.{}", m.0),
        Action::Delay { msg, by_us } => format!("delay.{}.{by_us}", msg.0),
        Action::SkewClock { node, delta_us } => format!("skew.{node}.{delta_us}"),
        Action::SetDrift { node, ppm } => format!("drift.{node}.{ppm}"),
        Action::SetLink { link, cfg } => format!(
            "link.{}.{}.{}.{}.{}.{}.{}",
            link_end(link),
            cfg.latency_min_us,
            cfg.latency_max_us,
            cfg.loss.num,
            cfg.loss.den,
            cfg.duplication.num,
            cfg.duplication.den
        ),
    }
}

fn decode_action(parts: &[&str]) -> Result<Action<String>, String> {
    let msg = |text: &str| parse_num::<u32>(text, "message number").map(MsgId);
    Ok(match parts {
        ["crash", n] => Action::Crash(node(n)?),
        ["restart", n] => Action::Restart(node(n)?),
        ["pause", n] => Action::Pause(node(n)?),
        ["resume", n] => Action::Resume(node(n)?),
        ["join", n] => Action::Join(node(n)?),
        ["retire", n] => Action::Retire(node(n)?),
        ["do", n, verb, arg] => Action::Command {
            node: node(n)?,
            verb: check_name("verb", verb, true)
                .map(|()| verb.to_string())
                .map_err(|e| e.to_string())?,
            arg: parse_num(arg, "argument")?,
        },
        [kind @ ("part" | "oneway"), a, b] => Action::Partition {
            from: group(a)?,
            to: group(b)?,
            one_way: *kind == "oneway",
        },
        ["heal"] => Action::Heal,
        ["drop", m] => Action::Drop(msg(m)?),
        ["hold", m] => Action::Hold(msg(m)?),
        ["release", m] => Action::Release(msg(m)?),
        ["delay", m, us] => Action::Delay {
            msg: msg(m)?,
            by_us: parse_num(us, "delay")?,
        },
        ["skew", n, us] => Action::SkewClock {
            node: node(n)?,
            delta_us: parse_num(us, "clock step")?,
        },
        ["drift", n, ppm] => Action::SetDrift {
            node: node(n)?,
            ppm: parse_num(ppm, "drift")?,
        },
        ["link", a, b, min, max, ln, ld, dn, dd] => {
            let link = match (*a, *b) {
                ("all", "all") => None,
                (a, b) => Some((node(a)?, node(b)?)),
            };
            let cfg = LinkConfig {
                latency_min_us: parse_num(min, "latency")?,
                latency_max_us: parse_num(max, "latency")?,
                loss: Ratio::new(parse_num(ln, "loss")?, parse_num(ld, "loss")?),
                duplication: Ratio::new(
                    parse_num(dn, "duplication")?,
                    parse_num(dd, "duplication")?,
                ),
            };
            Action::SetLink { link, cfg }
        }
        [] => return Err("an action time must be followed by an action".into()),
        [kind, ..] => {
            return Err(format!(
                "unknown action `{kind}` or wrong number of parts; actions are crash, restart, \
                 pause, resume, join, retire, do, part, oneway, heal, drop, hold, release, \
                 delay, skew, drift, link"
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Session {
        Session::new("lamport-skew", 42)
            .with_param("clients", 3)
            .with_switch_off("carry-clock")
            .with_action(SimTime(1_500), Action::Crash("s1".into()))
            .with_action(
                SimTime(2_000),
                Action::Partition {
                    from: vec!["c1".into(), "s1".into()],
                    to: vec!["s2".into()],
                    one_way: true,
                },
            )
            .with_action(
                SimTime(2_000),
                Action::SkewClock {
                    node: "s2".into(),
                    delta_us: -5_000,
                },
            )
            .with_action(
                SimTime(3_000),
                Action::SetLink {
                    link: None,
                    cfg: LinkConfig {
                        loss: Ratio::new(1, 10),
                        ..LinkConfig::default()
                    },
                },
            )
    }

    #[test]
    fn encodes_readably_and_round_trips() {
        let s = sample();
        let text = s.encode();
        assert_eq!(
            text,
            "v1~lamport-skew~seed.42~p.clients.3~off.carry-clock~1500.crash.s1~\
             2000.oneway.c1-s1.s2~2000.skew.s2.-5000~3000.link.all.all.1000.5000.1.10.0.1"
        );
        assert_eq!(Session::decode(&text), Ok(s));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let err = |t: &str| Session::decode(t).unwrap_err().to_string();
        assert_eq!(err(""), "the session is empty");
        assert!(err("v9~x~seed.1").contains("version v1"));
        assert!(err("v1~x~seed.1~p.n.abc").contains("`abc` is not a number"));
        assert!(err("v1~x~seed.1~5.crash").contains("unknown action `crash`"));
        assert!(err("v1~x~p.n.1").contains("no seed"));
        assert!(err("v1~x y~seed.1").contains("only letters"));
        assert!(err("v1~X~seed.1").contains("scenario id `X`"));
    }

    #[test]
    fn decoding_reads_numbers_and_leaves_their_ranges_to_validation() {
        let text = "v1~lamport-skew~seed.1~9.drift.s1.-9223372036854775808~5.part..s1";
        let session = Session::decode(text).expect("it reads");
        assert_eq!(
            session.actions[0].action,
            Action::SetDrift {
                node: "s1".into(),
                ppm: i64::MIN
            }
        );
        assert_eq!(
            session.encode(),
            text,
            "out of order and empty side kept as given"
        );
    }
}

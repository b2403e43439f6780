//! What the Deployment family's nodes say to each other, their timers and notes.

use std::fmt;

/// A pod's container as the kubelet last saw it ready: its node index and its boot
/// (restart count), so news about an earlier boot is recognised as stale.
pub type Ready = (u32, u32);

/// A message between the Deployment family's nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A client's request, numbered per client.
    Request {
        /// The request's number at its client.
        id: u64,
    },
    /// The answer to the client.
    Response {
        /// The request's number.
        id: u64,
        /// Whether a ready application answered it.
        ok: bool,
    },
    /// The service hands a request to a pod's application.
    Work {
        /// The client's node index.
        client: u32,
        /// The request's number at that client.
        id: u64,
        /// The boot of the container the service saw ready.
        boot: u32,
    },
    /// The application's answer.
    Done {
        /// The client's node index.
        client: u32,
        /// The request's number at that client.
        id: u64,
        /// False when the application was still starting (an error, "503").
        ok: bool,
    },
    /// A restarted container refuses a request meant for its previous boot.
    Refused {
        /// The client's node index.
        client: u32,
        /// The request's number at that client.
        id: u64,
    },
    /// A kubelet's probe of a container.
    Probe {
        /// The kubelet's round.
        round: u64,
    },
    /// The container's answer: which boot it is, and whether it has finished starting.
    Status {
        /// The round probed.
        round: u64,
        /// The container's boot.
        boot: u32,
        /// Whether it has finished starting.
        warm: bool,
    },
    /// A kubelet's node status: it is alive, and these containers of its host are ready.
    Heartbeat {
        /// The ready containers.
        ready: Vec<Ready>,
    },
    /// The control plane's list of ready endpoints, for the service.
    Endpoints {
        /// Increases with every change, so a late, older list is ignored.
        version: u64,
        /// The ready containers.
        ready: Vec<Ready>,
    },
    /// A kubelet asks a container whether it still runs.
    Poll,
    /// A container's answer: whether it has exited.
    State {
        /// True once it has exited.
        exited: bool,
    },
    /// The kubelet tells a sidecar to stop (a managed sidecar, after the application).
    Stop,
    /// Read a key.
    Get {
        /// The operation's number at the application.
        id: u64,
        /// The key.
        key: u64,
    },
    /// Write a key.
    Put {
        /// The operation's number at the application (also the value's version).
        id: u64,
        /// The key.
        key: u64,
        /// The value.
        value: u64,
    },
    /// A read's answer.
    Got {
        /// The operation's number.
        id: u64,
        /// The value, if the key has one.
        value: Option<u64>,
    },
    /// A write's acknowledgement.
    PutOk {
        /// The operation's number.
        id: u64,
    },
    /// Monitoring asks for a container's metrics.
    Scrape,
    /// Metrics, in some format.
    Metrics {
        /// The format they are written in.
        format: Format,
    },
    /// A host's scheduler tells a tenant how much slower its work runs now, in percent
    /// of its normal time (100: normal).
    Share {
        /// The tenant's work time, in percent of normal.
        percent: u64,
    },
}

/// How an application writes its metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Prometheus' text format: what the monitoring system reads.
    Prometheus,
    /// A JSON document of the application's own design.
    Json,
    /// Lines in a log.
    LogLines,
}

impl Format {
    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Prometheus => "Prometheus text",
            Format::Json => "JSON",
            Format::LogLines => "log lines",
        }
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Request { id } => write!(f, "request r{id}"),
            Msg::Response { id, ok: true } => write!(f, "response r{id}"),
            Msg::Response { id, ok: false } => write!(f, "error r{id}"),
            Msg::Work { client, id, boot } => {
                write!(f, "work c{}/r{id} (boot {boot})", client + 1)
            }
            Msg::Done { client, id, ok } => {
                let word = if *ok { "done" } else { "503 starting" };
                write!(f, "{word} c{}/r{id}", client + 1)
            }
            Msg::Refused { client, id } => write!(f, "refused c{}/r{id} (restarted)", client + 1),
            Msg::Probe { round } => write!(f, "probe {round}"),
            Msg::Status { round, boot, warm } => {
                let word = if *warm { "ready" } else { "starting" };
                write!(f, "{word} {round} (boot {boot})")
            }
            Msg::Heartbeat { ready } => write!(f, "node status ({} ready)", ready.len()),
            Msg::Endpoints { version, ready } => {
                write!(f, "endpoints v{version} ({} ready)", ready.len())
            }
            Msg::Poll => f.write_str("running?"),
            Msg::State { exited: true } => f.write_str("exited"),
            Msg::State { exited: false } => f.write_str("running"),
            Msg::Stop => f.write_str("stop (SIGTERM)"),
            Msg::Get { id, key } => write!(f, "get k{key} (op {id})"),
            Msg::Put { id, key, value } => write!(f, "put k{key}={value} (op {id})"),
            Msg::Got { id, value: Some(v) } => write!(f, "got {v} (op {id})"),
            Msg::Got { id, value: None } => write!(f, "got nothing (op {id})"),
            Msg::PutOk { id } => write!(f, "put ok (op {id})"),
            Msg::Scrape => f.write_str("scrape"),
            Msg::Metrics { format } => write!(f, "metrics ({})", format.name()),
            Msg::Share { percent } => write!(f, "cpu: work takes {percent} %"),
        }
    }
}

/// A timer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A client's next request is due.
    Arrival,
    /// A client gives up on requests older than its timeout.
    Sweep,
    /// A container has finished starting.
    Warm,
    /// A kubelet's next round of probes and node status.
    Round,
    /// The control plane looks at its nodes' latest status.
    Monitor,
    /// An application's next operation is due.
    Next,
    /// An application gives up on its operation (or sends its request again).
    Retry,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Timer::Arrival => "next request",
            Timer::Sweep => "time out old requests",
            Timer::Warm => "start-up done",
            Timer::Round => "probe round",
            Timer::Monitor => "monitor nodes",
            Timer::Next => "next operation",
            Timer::Retry => "give up or retry",
        })
    }
}

/// A pattern-level event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// A container finished starting.
    Warm {
        /// Its boot.
        boot: u32,
    },
    /// The control plane marked a host not ready (no status within the grace period).
    NodeNotReady {
        /// The host's index.
        host: u32,
    },
    /// The control plane evicted a not-ready host's pods and scheduled replacements.
    Evicted {
        /// The host's index.
        host: u32,
        /// Replacement pods scheduled.
        replaced: u32,
    },
    /// A host that was not ready reports again.
    NodeReady {
        /// The host's index.
        host: u32,
    },
    /// A client gave up on a request.
    TimedOut {
        /// The request's number.
        id: u64,
    },
    /// A container exited (its work done, or told to stop).
    Exited,
    /// Every container of the job's pod has exited: the job is complete.
    JobComplete,
    /// A tenant of this host runs CPU-bound threads (0: it stopped).
    Noisy {
        /// The threads.
        threads: u64,
    },
    /// Monitoring could not parse metrics in this format.
    Unreadable {
        /// The format it got.
        format: Format,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Warm { boot } => write!(f, "started (boot {boot})"),
            Note::NodeNotReady { host } => write!(f, "h{} not ready (grace expired)", host + 1),
            Note::Evicted { host, replaced } => {
                write!(f, "evicted h{}'s pods ({replaced} rescheduled)", host + 1)
            }
            Note::NodeReady { host } => write!(f, "h{} ready", host + 1),
            Note::TimedOut { id } => write!(f, "gave up on r{id} (timeout)"),
            Note::Exited => f.write_str("exited"),
            Note::Noisy { threads } => write!(f, "noisy neighbour: {threads} busy threads"),
            Note::JobComplete => f.write_str("job complete"),
            Note::Unreadable { format } => write!(f, "cannot read {}", format.name()),
        }
    }
}

//! # The Deployment family
//!
//! Where and how a service's code runs: pods and services (readiness, a host that dies),
//! and the containers beside an application in its pod: sidecar, ambassador, adapter.
//! One node type ([`DeployNode`]) serves every story of the family; each pattern has its
//! own checker and stories.

mod client;
pub mod hosts;
mod msg;
mod node;
pub mod pods;
pub mod sidecar;

pub use node::DeployNode;

/// Metric, in every pattern of the family: a request's latency, measured by its client.
const LATENCY: usize = 0;
/// Metric, in every pattern of the family: requests that failed or timed out.
const FAILED: usize = 1;

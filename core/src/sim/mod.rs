//! The deterministic simulation machinery shared by every pattern.
//!
//! Read `ARCHITECTURE.md` at the repository root for how the pieces fit together.

pub mod action;
pub mod captions;
pub mod causality;
pub mod checker;
pub mod clock;
pub mod engine;
pub mod flights;
pub mod load;
pub mod metrics;
pub mod network;
pub mod node;
pub mod path;
pub mod payloads;
pub mod plot;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod session;
pub mod snapshot;
pub mod state;
pub mod time;
pub mod topology;
pub mod trace;
pub mod validate;

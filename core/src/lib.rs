//! The simulation core of the Distributed Patterns Playground.
//!
//! It is fully deterministic: it has no networking code, never reads the OS clock and
//! never asks the OS for randomness, so one [`Session`] (scenario, parameters, seed and
//! timed user actions) always produces the same trace, natively and in WebAssembly.
//!
//! - [`sim`] holds the machinery every pattern stands on: virtual time, the seeded PRNG,
//!   nodes as state machines, the network and fault model, wall clocks, the trace,
//!   checkpoints, snapshots, invariants, sessions and the object-safe [`Run`] interface.
//! - [`patterns`] holds one module per pattern and the [`Registry`] that lists them.
//! - [`salvage`] repairs a broken session link, keeping its story.
//! - [`compare`] finds where two runs' traces part; [`export`] writes a run as JSON, as a
//!   ShiViz log and as a Rust test.

pub mod compare;
pub mod export;
pub mod patterns;
pub mod salvage;
pub mod sim;

pub use patterns::Registry;
pub use sim::run::Run;
pub use sim::session::Session;

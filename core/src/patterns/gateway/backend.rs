//! Behind the gateway: the auth service, which checks tokens, and the instances of each
//! path's service, which serve requests (taking time, and slowable: their state is a
//! [`SlowableWork`]).

use super::msg::Msg;
use super::node::GatewayNode;
use crate::patterns::slowable::SlowableWork;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// The auth service: knows the tokens it issued.
#[derive(Clone, Debug)]
pub struct Auth {
    issued: Vec<u32>,
    work: Delay,
    // Volatile.
    refused: u64,
    checked: u64,
}

impl Auth {
    /// An auth service that issued `issued` and takes `work` per check.
    pub fn new(issued: Vec<u32>, work: Delay) -> Auth {
        Auth {
            issued,
            work,
            refused: 0,
            checked: 0,
        }
    }

    pub(super) fn service(&self, msg: &Msg) -> Option<Delay> {
        matches!(msg, Msg::Verify { .. }).then_some(self.work)
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, GatewayNode>, from: NodeId, msg: Msg) {
        if let Msg::Verify {
            client,
            id,
            route,
            token,
        } = msg
        {
            let valid = self.issued.contains(&token);
            self.checked += 1;
            self.refused += u64::from(!valid);
            ctx.send(
                from,
                Msg::Verdict {
                    client,
                    id,
                    route,
                    valid,
                },
            );
        }
    }

    pub(super) fn on_crash(&mut self) {
        self.checked = 0;
        self.refused = 0;
    }

    pub(super) fn view(&self) -> NodeView {
        NodeView {
            role: "auth",
            headline: format!("{} refused", self.refused),
            fields: vec![
                ("tokens checked", self.checked.to_string()),
                ("invalid", self.refused.to_string()),
            ],
        }
    }
}

/// An instance of one path's service serves a request: it answers the gateway that sent it.
pub(super) fn serve(
    work: &mut SlowableWork,
    ctx: &mut Ctx<'_, GatewayNode>,
    from: NodeId,
    msg: Msg,
) {
    if let Msg::Work { client, id, .. } = msg {
        work.count_served();
        ctx.send(from, Msg::Done { client, id });
    }
}

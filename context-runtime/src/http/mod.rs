//! The HTTP edge (feature `http`): [`ContextLayer`], a tower layer (axum, hyper, tonic) that
//! builds the context from each request and runs the inner service inside it, [`RequestId`],
//! and [`PropagateLayer`], the client side, which sends the context on to the next service.

mod client;
mod request_id;
mod server;

pub use client::{BoxError, PropagateFuture, PropagateLayer, PropagateService};
pub use request_id::{InvalidRequestId, RequestId, X_REQUEST_ID};
pub use server::{ContextFuture, ContextLayer, ContextService, Refusal};

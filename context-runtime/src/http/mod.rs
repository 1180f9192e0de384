//! The edge, HTTP and gRPC (feature `http`): [`ContextLayer`], a tower layer (axum, hyper, tonic)
//! that builds the contexts from each request (or awaits them) and runs the inner service and
//! its response body ([`ContextBody`]) inside them, or refuses the request in its protocol
//! ([`GrpcCode`] for gRPC), [`RequestId`] with [`RequestIdLayer`], and [`PropagateLayer`], the client
//! side, which sends the context on to the next service (to the [`Destinations`] it trusts). With feature `axum`, handlers take
//! `Current<T>` and `RequestId` as parameters (extractors).

#[cfg(feature = "axum")]
mod axum;
mod body;
mod client;
mod contexts;
mod deadline;
mod destinations;
mod grpc;
mod refusal;
mod request_id;
mod server;

#[cfg(feature = "axum")]
pub use self::axum::{MissingContext, MissingRequestId};
pub use body::ContextBody;
pub use client::{BoxError, PropagateFuture, PropagateLayer, PropagateService};
pub use contexts::Contexts;
pub use destinations::{Destinations, InvalidOrigin};
pub use grpc::GrpcCode;
pub use refusal::{AsRefused, Refusal, Refuse};
pub use request_id::{
    InvalidRequestId, RequestId, RequestIdFuture, RequestIdLayer, RequestIdService, X_REQUEST_ID,
};
pub use server::{AsyncContextFuture, Awaiting, ContextFuture, ContextLayer, ContextService};

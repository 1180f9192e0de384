//! The context types most suites share.

#![allow(dead_code)] // each suite uses its own part

use context_runtime::RequestContext;

/// A request, identified by its id.
#[derive(RequestContext)]
pub(crate) struct RequestCtx {
    request_id: String,
}

/// A second, independent context type.
#[derive(RequestContext)]
pub(crate) struct TenantCtx {
    tenant: u64,
}

pub(crate) fn request(id: &str) -> RequestCtx {
    RequestCtx::builder().request_id(id.to_owned()).build()
}

pub(crate) fn tenant(id: u64) -> TenantCtx {
    TenantCtx::builder().tenant(id).build()
}

/// The current request's id, or `None` where no request context is set.
pub(crate) fn request_id() -> Option<String> {
    RequestCtx::try_with(|c| c.request_id().clone())
}

/// The current tenant, or `None` where no tenant context is set.
pub(crate) fn tenant_id() -> Option<u64> {
    TenantCtx::try_with(|c| *c.tenant())
}

/// Counts the live values of itself (it holds no heap): put one in a context to count the live
/// contexts of a test binary.
#[derive(Debug)]
pub(crate) struct Live;

static LIVE: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

impl Live {
    pub(crate) fn new() -> Self {
        LIVE.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Live
    }

    /// How many are alive now.
    pub(crate) fn count() -> i64 {
        LIVE.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

// A connection pool imported by name (`use sqlx::PgPool;`) is refused. sqlx is not a dependency of these tests: a local module named like the crate stands in for it, and the derive sees the same tokens (`PgPool`).
use context_runtime::RequestContext;
use sqlx::PgPool;

mod sqlx {
    pub struct PgPool;
}

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    db: PgPool,
}

fn main() {}

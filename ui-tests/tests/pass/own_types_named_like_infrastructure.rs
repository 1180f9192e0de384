// Types of the user's own named like infrastructure handles (`Pool`, `Connection`, `Client`) are accepted when written with their path from the crate (`crate::db::Pool`, `self::Connection`, `crate::clients::Client`): the documented way past the rule.
use context_runtime::RequestContext;

mod db {
    /// Which pool of workers served the request: a plain value.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Pool(pub u8);
}

mod clients {
    /// The calling application, as it announced itself.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Client {
        pub name: String,
    }
}

/// How the caller reached us.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Connection {
    Direct,
    Proxied,
}

#[derive(RequestContext)]
pub struct RequestCtx {
    pool: crate::db::Pool,
    connection: self::Connection,
    client: crate::clients::Client,
}

fn main() {
    let ctx = RequestCtx::builder()
        .pool(db::Pool(2))
        .connection(Connection::Proxied)
        .client(clients::Client {
            name: String::from("mobile"),
        })
        .build();
    assert_eq!(*ctx.pool(), db::Pool(2));
    assert_eq!(*ctx.connection(), Connection::Proxied);
    assert_eq!(ctx.client().name, "mobile");
    assert_eq!(*ctx.connection(), self::Connection::Proxied);
    let _ = Connection::Direct;
}

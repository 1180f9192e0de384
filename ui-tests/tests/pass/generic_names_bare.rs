// Names too generic to refuse when written bare (`Object`, `Session`, `Database`, `Collection`, `Context`, `Subscriber`) are the user's own: they are refused only under the crate that defines the infrastructure handle (`deadpool_postgres::Object`, `mongodb::Database`).
use context_runtime::RequestContext;

/// The object the request acts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    pub key: String,
}

/// The signed-in session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session(pub u64);

/// Which tenant database the request reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Database {
    Primary,
    Archive,
}

/// A catalogue collection, by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Collection(pub String);

/// What the call is about, as the caller said.
#[derive(Debug, Clone, PartialEq)]
pub struct Context(pub String);

/// The newsletter subscriber the request is for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Subscriber(pub u64);

#[derive(RequestContext)]
pub struct RequestCtx {
    object: Object,
    session: Session,
    database: Database,
    collection: Collection,
    context: Context,
    subscriber: Subscriber,
}

fn main() {
    let ctx = RequestCtx::builder()
        .object(Object {
            key: String::from("photos/1"),
        })
        .session(Session(7))
        .database(Database::Archive)
        .collection(Collection(String::from("summer")))
        .context(Context(String::from("checkout")))
        .subscriber(Subscriber(3))
        .build();
    assert_eq!(ctx.object().key, "photos/1");
    assert_eq!(*ctx.session(), Session(7));
    assert_eq!(*ctx.database(), Database::Archive);
    assert_eq!(ctx.collection().0, "summer");
    assert_eq!(ctx.context().0, "checkout");
    assert_eq!(*ctx.subscriber(), Subscriber(3));
    let _ = Database::Primary;
}

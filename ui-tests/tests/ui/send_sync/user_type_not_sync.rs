// A user type that is `Send` but not `Sync` is refused by the `Send + Sync + 'static` bound: the derive cannot see inside it, the compiler can.
use context_runtime::RequestContext;
use std::marker::PhantomData;

#[derive(Debug)]
pub struct Token {
    _not_sync: PhantomData<std::cell::Cell<()>>,
}

#[derive(RequestContext)]
pub struct RequestCtx {
    token: Token,
}

fn main() {}

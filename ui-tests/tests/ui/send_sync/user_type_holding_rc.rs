// A user type holding an `Rc` is refused as a field: the compiler sees the `Rc` inside, the error names the user type.
use std::rc::Rc;

use context_runtime::RequestContext;

#[derive(Debug)]
pub struct Principal {
    name: Rc<str>,
}

#[derive(RequestContext)]
pub struct RequestCtx {
    principal: Principal,
}

fn main() {
    let _ = Principal {
        name: Rc::from("alice"),
    }
    .name;
}

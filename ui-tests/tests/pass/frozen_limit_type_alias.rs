// KNOWN LIMIT, pinned so that it shows when it changes: the frozen check reads the tokens of a field's type, not the type, so an alias of a `Mutex` compiles (`type Counter = std::sync::Mutex<u64>`).
// The `Send + Sync` assertion still runs, so an alias of a `Cell` or `RefCell` is refused by that one. If the derive learns to see through aliases, this case starts failing:
// move it to `tests/ui/mutability/` with its `.stderr`.
use context_runtime::RequestContext;

type Counter = std::sync::Mutex<u64>;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    hits: Counter,
}

fn main() {
    let ctx = RequestCtx::builder().tenant(7).hits(Counter::new(0)).build();
    *ctx.hits().lock().unwrap() += 1;
    assert_eq!(*ctx.hits().lock().unwrap(), 1);
}

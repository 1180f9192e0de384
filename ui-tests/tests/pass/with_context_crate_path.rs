// `#[with_context(crate = path)]` names the runtime crate: the plain path, a renamed `extern crate`, a string, and together with named types.
extern crate context_runtime as renamed;

use renamed::RequestContext;

#[derive(RequestContext)]
#[context(crate = renamed)]
pub struct RequestCtx {
    request_id: String,
}

fn seen() -> Option<String> {
    RequestCtx::try_with(|c| c.request_id().clone())
}

#[renamed::with_context(crate = context_runtime)]
fn plain() -> Option<String> {
    std::thread::spawn(seen).join().unwrap()
}

#[renamed::with_context(crate = renamed)]
fn renamed_crate() -> Option<String> {
    std::thread::spawn(seen).join().unwrap()
}

#[renamed::with_context(crate = "renamed")]
fn string_path() -> Option<String> {
    std::thread::spawn(seen).join().unwrap()
}

#[renamed::with_context(crate = renamed, RequestCtx)]
fn crate_then_type() -> Option<String> {
    std::thread::spawn(seen).join().unwrap()
}

#[renamed::with_context(RequestCtx, crate = renamed)]
fn type_then_crate() -> Option<String> {
    std::thread::spawn(seen).join().unwrap()
}

fn main() {
    let ctx = || RequestCtx::builder().request_id("r-1".to_owned()).build();
    let functions: [fn() -> Option<String>; 5] = [
        plain,
        renamed_crate,
        string_path,
        crate_then_type,
        type_then_crate,
    ];
    for function in functions {
        assert_eq!(ctx().sync_scope(function).as_deref(), Some("r-1"));
    }
}

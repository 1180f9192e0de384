// `#[with_context]` on a sync fn carries the context into `std::thread::spawn`, `thread::spawn`, bare `spawn` imported from std, `thread::Builder::spawn` / `spawn_scoped`, and `thread::scope` spawns whose closures borrow locals.
use std::thread;

use context_runtime::{RequestContext, with_context};

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
}

fn seen() -> Option<String> {
    RequestCtx::try_with(|c| c.request_id().clone())
}

fn child(form: &'static str) -> &'static str {
    assert_eq!(
        seen().as_deref(),
        Some("r-1"),
        "{form}: the child lost the parent's context"
    );
    form
}

#[with_context]
fn spawn_threads() -> Vec<&'static str> {
    let mut forms = vec![
        std::thread::spawn(|| child("std::thread::spawn"))
            .join()
            .unwrap(),
        thread::spawn(|| child("thread::spawn")).join().unwrap(),
        thread::Builder::new()
            .name("worker".to_owned())
            .spawn(|| child("thread::Builder::spawn"))
            .unwrap()
            .join()
            .unwrap(),
    ];

    let prefix = String::from("scoped");
    let mut from_scope = Vec::new();
    thread::scope(|s| {
        // The closures borrow `prefix` from the parent's stack.
        let a = s.spawn(|| (prefix.as_str(), child("Scope::spawn")));
        let b = thread::Builder::new()
            .spawn_scoped(s, || (prefix.as_str(), child("Builder::spawn_scoped")))
            .unwrap();
        from_scope.push(a.join().unwrap());
        from_scope.push(b.join().unwrap());
    });
    for (borrowed, form) in from_scope {
        assert_eq!(borrowed, "scoped");
        forms.push(form);
    }
    forms.push(bare_spawn());
    forms
}

#[with_context]
fn bare_spawn() -> &'static str {
    use std::thread::spawn;
    spawn(|| child("bare spawn (std::thread)")).join().unwrap()
}

fn main() {
    let ctx = RequestCtx::builder().request_id("r-1".to_owned()).build();
    let forms = ctx.sync_scope(spawn_threads);
    assert_eq!(
        forms,
        [
            "std::thread::spawn",
            "thread::spawn",
            "thread::Builder::spawn",
            "Scope::spawn",
            "Builder::spawn_scoped",
            "bare spawn (std::thread)",
        ]
    );
    assert!(RequestCtx::try_current().is_none());
}

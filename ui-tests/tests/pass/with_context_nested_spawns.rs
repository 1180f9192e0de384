// Spawn calls nested in closures, async blocks, control flow, expression macros and other spawns are rewritten, each capturing the context where it runs.
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
async fn nested(flag: bool) -> Vec<&'static str> {
    let mut forms = Vec::new();

    // In a closure, called later in the body.
    let start = || tokio::spawn(async { child("in a closure") });
    forms.push(start().await.unwrap());

    // In an async block awaited later.
    let later = async {
        tokio::spawn(async { child("in an async block") })
            .await
            .unwrap()
    };
    forms.push(later.await);

    // In an iterator adaptor.
    let threads: Vec<_> = (0..2)
        .map(|_| std::thread::spawn(|| child("in an iterator closure")))
        .collect();
    for thread in threads {
        forms.push(thread.join().unwrap());
    }

    // In control flow.
    let branch = if flag {
        tokio::spawn(async { child("in an if branch") })
    } else {
        tokio::spawn(async { "unreachable" })
    };
    forms.push(branch.await.unwrap());
    let arm = match flag {
        true => tokio::task::spawn_blocking(|| child("in a match arm")),
        false => tokio::task::spawn_blocking(|| "unreachable"),
    };
    forms.push(arm.await.unwrap());

    // In expression macros.
    let handles = vec![tokio::spawn(async { child("in vec![]") })];
    for handle in handles {
        forms.push(handle.await.unwrap());
    }
    assert_eq!(
        tokio::spawn(async { child("in assert_eq!") })
            .await
            .unwrap(),
        "in assert_eq!"
    );

    // A spawn inside a spawned task, inside a spawned thread, inside a blocking task.
    let grandchild = tokio::spawn(async {
        tokio::task::spawn_blocking(|| std::thread::spawn(|| child("grandchild")).join().unwrap())
            .await
            .unwrap()
    });
    forms.push(grandchild.await.unwrap());
    forms
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let ctx = RequestCtx::builder().request_id("r-1".to_owned()).build();
    let forms = ctx.scope(nested(true)).await;
    assert_eq!(
        forms,
        [
            "in a closure",
            "in an async block",
            "in an iterator closure",
            "in an iterator closure",
            "in an if branch",
            "in a match arm",
            "in vec![]",
            "grandchild",
        ]
    );
}

async fn place_order(order: Order) {
    tokio::spawn(
        ::context_runtime::__private::bind::future(async move { audit(order.id).await }),
    );
    tokio::task::spawn_blocking({
        let __context_f = || render_invoice();
        let __context_s = ::context_runtime::__private::Snapshot::capture();
        move || __context_s.sync_scope(__context_f)
    });
    std::thread::spawn({
        let __context_f = || legacy_sync_call();
        let __context_s = ::context_runtime::__private::Snapshot::capture();
        move || __context_s.sync_scope(__context_f)
    });
    let mut set = tokio::task::JoinSet::new();
    set.spawn(
        match async { notify().await } {
            __context_arg => {
                #[allow(unused_imports)]
                use ::context_runtime::__private::bind::{
                    AsFuture as _, AsClosure as _, AsOther as _,
                };
                (&&::context_runtime::__private::bind::Probe::of(&__context_arg))
                    .__kind()
                    .bind(::context_runtime::__private::Snapshot::capture, __context_arg)
            }
        },
    );
    fn helper() {
        tokio::spawn(async {});
    }
}

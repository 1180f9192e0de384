async fn place_order(order: Order) {
    tokio::spawn(
        ::context_runtime::__private::bind::future(
            ::context_runtime::__private::Snapshot::capture(),
            async move { audit(order.id).await },
        ),
    );
    tokio::task::spawn_blocking(
        ::context_runtime::__private::bind::closure(
            ::context_runtime::__private::Snapshot::capture(),
            || render_invoice(),
        ),
    );
    std::thread::spawn(
        ::context_runtime::__private::bind::closure(
            ::context_runtime::__private::Snapshot::capture(),
            || legacy_sync_call(),
        ),
    );
    let mut set = tokio::task::JoinSet::new();
    set.spawn(
        match async { notify().await } {
            __context_arg => {
                #[allow(unused_imports)]
                use ::context_runtime::__private::bind::{
                    AsClosure as _, AsFuture as _, AsNeither as _,
                };
                (&&::context_runtime::__private::bind::Probe::of(&__context_arg))
                    .__kind()
                    .bind(
                        ::context_runtime::__private::Snapshot::capture(),
                        __context_arg,
                    )
            }
        },
    );
    fn helper() {
        tokio::spawn(async {});
    }
}

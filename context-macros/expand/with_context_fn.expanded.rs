async fn place_order(order: Order) {
    tokio::spawn(
        ::context_runtime::__private::bind::future(
            async move { audit(order.id).await },
            ::context_runtime::__private::Snapshot::capture,
        ),
    );
    tokio::task::spawn_blocking(
        match || render_invoice() {
            __context_arg => {
                #[allow(unused_imports)]
                use ::context_runtime::__private::bind::{AsClosure as _, AsOther as _};
                (&&::context_runtime::__private::bind::Probe::of(&__context_arg))
                    .__kind()
                    .bind(::context_runtime::__private::Snapshot::capture, __context_arg)
            }
        },
    );
    std::thread::spawn(
        match || legacy_sync_call() {
            __context_arg => {
                #[allow(unused_imports)]
                use ::context_runtime::__private::bind::{AsClosure as _, AsOther as _};
                (&&::context_runtime::__private::bind::Probe::of(&__context_arg))
                    .__kind()
                    .bind(::context_runtime::__private::Snapshot::capture, __context_arg)
            }
        },
    );
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

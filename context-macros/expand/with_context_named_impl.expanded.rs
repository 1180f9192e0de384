impl OrderService {
    fn enqueue(&self, job: Job) {
        const _: () = {
            ::context_runtime::__private::assert_context::<RequestCtx>();
            ::context_runtime::__private::assert_context::<TenantCtx>();
        };
        let _ = vec![
            tokio::spawn(::context_runtime::__private::bind::future(::context_runtime::__private::Snapshot::empty()
            .with_current:: < RequestCtx > ().with_current:: < TenantCtx > (), self.queue
            .push(job)))
        ];
    }
    async fn nothing_to_rewrite(&self) {
        const _: () = {
            ::context_runtime::__private::assert_context::<RequestCtx>();
            ::context_runtime::__private::assert_context::<TenantCtx>();
        };
    }
}

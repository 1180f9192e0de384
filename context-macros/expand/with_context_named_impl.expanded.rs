impl OrderService {
    fn enqueue(&self, job: Job) {
        let _ = vec![
            tokio::spawn(match self.queue.push(job) { __context_arg => {
            #[allow(unused_imports)] use ::context_runtime::__private::bind:: { AsFuture
            as _, AsOther as _ }; (&& ::context_runtime::__private::bind::Probe::of(&
            __context_arg)).__kind().bind(||
            (::context_runtime::__private::bind::capture:: < RequestCtx > (),
            (::context_runtime::__private::bind::capture:: < TenantCtx > (), ())),
            __context_arg) } })
        ];
    }
    async fn nothing_to_rewrite(&self) {}
}
const _: () = {
    let _ = ::context_runtime::__private::bind::capture::<RequestCtx>;
    let _ = ::context_runtime::__private::bind::capture::<TenantCtx>;
};

impl OrderService {
    fn enqueue(&self, job: Job) {
        #[allow(dead_code)]
        trait __ContextScope {
            fn __context_bind<__F: ::core::future::Future>(
                self,
                future: __F,
            ) -> impl ::core::future::Future<Output = __F::Output>;
        }
        impl __ContextScope for ::context_runtime::__private::bind::FutureKind {
            #[inline]
            fn __context_bind<__F: ::core::future::Future>(
                self,
                future: __F,
            ) -> impl ::core::future::Future<Output = __F::Output> {
                let __context_0 = (
                    ::context_runtime::__private::bind::capture::<RequestCtx>(),
                );
                let __context_1 = (
                    ::context_runtime::__private::bind::capture::<TenantCtx>(),
                );
                ::context_runtime::__private::Enter::scope(
                    __context_0.0,
                    ::context_runtime::__private::Enter::scope(__context_1.0, future),
                )
            }
        }
        #[allow(dead_code)]
        trait __ContextEnter {
            fn __context_bind<__F: ::core::ops::FnOnce() -> __R, __R>(
                self,
                f: __F,
            ) -> impl ::core::ops::FnOnce() -> __R;
        }
        impl __ContextEnter for ::context_runtime::__private::bind::ClosureKind {
            #[inline]
            fn __context_bind<__F: ::core::ops::FnOnce() -> __R, __R>(
                self,
                f: __F,
            ) -> impl ::core::ops::FnOnce() -> __R {
                let mut __context_0 = (
                    ::context_runtime::__private::bind::capture::<RequestCtx>(),
                );
                let mut __context_1 = (
                    ::context_runtime::__private::bind::capture::<TenantCtx>(),
                );
                move || ::context_runtime::__private::Enter::enter(
                    &mut __context_0.0,
                    move || ::context_runtime::__private::Enter::enter(
                        &mut __context_1.0,
                        f,
                    ),
                )
            }
        }
        #[allow(dead_code)]
        trait __ContextPass {
            fn __context_bind<__T>(self, value: __T) -> __T;
        }
        impl __ContextPass for ::context_runtime::__private::bind::OtherKind {
            #[inline]
            fn __context_bind<__T>(self, value: __T) -> __T {
                value
            }
        }
        let _ = vec![
            tokio::spawn(match self.queue.push(job) { __context_arg => {
            #[allow(unused_imports)] use ::context_runtime::__private::bind:: { AsFuture
            as _, AsOther as _ }; (&& ::context_runtime::__private::bind::Probe::of(&
            __context_arg)).__kind().__context_bind(__context_arg) } })
        ];
    }
    async fn nothing_to_rewrite(&self) {}
}
const _: () = {
    let _ = ::context_runtime::__private::bind::capture::<RequestCtx>;
    let _ = ::context_runtime::__private::bind::capture::<TenantCtx>;
};

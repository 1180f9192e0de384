/// A generic struct cannot be a context: the error, then a stub whose bodies never run, so the
/// uses of the type compile and the error is the only one.
pub struct RequestCtx<T: Clone> {
    tenant: T,
    user: Option<String>,
}
::core::compile_error! {
    "a context type cannot be generic: each context type gets its own task-local, and a `static` cannot depend on type parameters or lifetimes; declare one concrete struct with owned field types"
}
#[allow(dead_code)]
pub struct RequestCtxBuilder<T: Clone>(
    ::core::marker::PhantomData<fn() -> RequestCtx<T>>,
);
#[doc(hidden)]
pub type RequestCtxExtractedBuilder<T: Clone> = RequestCtxBuilder<T>;
#[allow(non_camel_case_types, dead_code, clippy::all, clippy::pedantic)]
const _: () = {
    #[automatically_derived]
    impl<T: Clone> ::context_runtime::__private::Sealed for RequestCtx<T> {}
    #[automatically_derived]
    impl<T: Clone> ::context_runtime::__private::RequestContext for RequestCtx<T>
    where
        Self: ::core::marker::Send + ::core::marker::Sync + 'static,
    {
        fn __storage() -> &'static ::context_runtime::__private::LocalKey<
            ::context_runtime::__private::Current<Self>,
        > {
            ::core::unimplemented!()
        }
    }
    #[automatically_derived]
    impl<T: Clone> ::core::fmt::Debug for RequestCtx<T> {
        fn fmt(&self, _: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            ::core::unimplemented!()
        }
    }
    #[automatically_derived]
    impl<T: Clone> RequestCtx<T> {
        /// The `tenant` of this context.
        #[inline]
        #[must_use]
        pub fn tenant(&self) -> &T {
            &self.tenant
        }
        /// The `user` of this context.
        #[inline]
        #[must_use]
        pub fn user(&self) -> ::core::option::Option<&String> {
            self.user.as_ref()
        }
        pub fn builder() -> RequestCtxBuilder<T> {
            ::core::unimplemented!()
        }
        pub fn extract(
            _: &(impl ::context_runtime::__private::Carrier + ?::core::marker::Sized),
        ) -> ::core::result::Result<
            RequestCtxBuilder<T>,
            ::context_runtime::__private::CarrierError,
        > {
            ::core::unimplemented!()
        }
        pub fn from_baggage(
            _: &::context_runtime::__private::Baggage,
        ) -> ::core::result::Result<
            RequestCtxBuilder<T>,
            ::context_runtime::__private::CarrierError,
        > {
            ::core::unimplemented!()
        }
        pub fn inject(
            &self,
            _: &mut (impl ::context_runtime::__private::Carrier + ?::core::marker::Sized),
        ) -> ::core::result::Result<(), ::context_runtime::__private::CarrierError> {
            ::core::unimplemented!()
        }
        pub fn write_baggage(
            &self,
            _: &mut ::context_runtime::__private::Baggage,
        ) -> ::core::result::Result<(), ::context_runtime::__private::CarrierError> {
            ::core::unimplemented!()
        }
    }
    #[automatically_derived]
    impl<T: Clone> RequestCtxBuilder<T> {
        pub fn tenant(self, _: T) -> Self {
            ::core::unimplemented!()
        }
        pub fn user(self, _: String) -> Self {
            ::core::unimplemented!()
        }
        pub fn maybe_user(self, _: Option<String>) -> Self {
            ::core::unimplemented!()
        }
        pub fn build(self) -> RequestCtx<T> {
            ::core::unimplemented!()
        }
    }
};

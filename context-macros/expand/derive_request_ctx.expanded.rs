/// Facts about one request, set once at the edge.
pub struct RequestCtx {
    /// The request's id.
    #[context(log, propagate)]
    request_id: String,
    #[context(log, propagate)]
    user: Option<String>,
    #[context(default = 1, propagate)]
    attempt: u32,
    #[context(sensitive)]
    token: String,
}
/// Builder of [`RequestCtx`], returned by [`RequestCtx::builder`]: one method per field, then `.build()`.
///
/// One type parameter per field of [`RequestCtx`], in order, holding its state: `Unset` until its method is called, `Set` afterwards (the states are in `context_runtime::builder`). Every parameter defaults to `Unset`, so `RequestCtxBuilder` alone names the fresh builder.
#[must_use = "a builder does nothing until `.build()` is called"]
#[allow(non_camel_case_types)]
pub struct RequestCtxBuilder<
    __request_id = ::context_runtime::__private::Unset,
    __user = ::context_runtime::__private::Unset,
    __attempt = ::context_runtime::__private::Unset,
    __token = ::context_runtime::__private::Unset,
> {
    __values: (
        ::core::option::Option<String>,
        Option<String>,
        ::core::option::Option<u32>,
        ::core::option::Option<String>,
    ),
    __states: ::core::marker::PhantomData<
        fn() -> (__request_id, __user, __attempt, __token),
    >,
}
/// The [`RequestCtxBuilder`] that [`RequestCtx::extract`] returns: its `#[context(propagate)]` fields read from the carrier, the others unset.
pub type RequestCtxExtractedBuilder = RequestCtxBuilder<
    ::context_runtime::__private::Extracted<String>,
    ::context_runtime::__private::Extracted<Option<String>>,
    ::context_runtime::__private::Defaulted<u32>,
    ::context_runtime::__private::Unset,
>;
#[allow(non_camel_case_types, clippy::all, clippy::pedantic)]
const _: () = {
    #[automatically_derived]
    #[allow(dead_code)]
    impl RequestCtx {
        /// The request's id.
        #[inline]
        #[must_use]
        pub fn request_id(&self) -> &String {
            &self.request_id
        }
        /// The `user` of this context.
        #[inline]
        #[must_use]
        pub fn user(&self) -> ::core::option::Option<&String> {
            self.user.as_ref()
        }
        /// The `attempt` of this context.
        #[inline]
        #[must_use]
        pub fn attempt(&self) -> &u32 {
            &self.attempt
        }
        /// The `token` of this context.
        #[inline]
        #[must_use]
        pub fn token(&self) -> &String {
            &self.token
        }
    }
    #[automatically_derived]
    impl RequestCtx {
        /// Runs `fut` with this `RequestCtx` as the current one: every poll of `fut`, at any depth, reads it. Scopes nest: an inner one shadows this one until it ends.
        #[inline]
        pub fn scope<__F: ::core::future::Future>(
            self,
            fut: __F,
        ) -> ::context_runtime::__private::Scoped<Self, __F>
        where
            for<'__a> Self: ::context_runtime::__private::RequestContext,
        {
            <Self as ::context_runtime::__private::RequestContext>::scope(self, fut)
        }
        /// Runs `f` with this `RequestCtx` as the current one, for blocking code (a `spawn_blocking` closure, a thread).
        #[inline]
        pub fn sync_scope<__R>(self, f: impl ::core::ops::FnOnce() -> __R) -> __R
        where
            for<'__a> Self: ::context_runtime::__private::RequestContext,
        {
            <Self as ::context_runtime::__private::RequestContext>::sync_scope(self, f)
        }
        /// A shared, read-only handle to the current `RequestCtx`, which can outlive the scope and re-enter it elsewhere.
        ///
        /// # Panics
        ///
        /// Outside any scope of `RequestCtx`, at the caller's line, saying how to set one: `RequestCtx::scope` at the edge, `#[with_context]` or `context_runtime::spawn` for spawned work. Use the `try_` form where a miss is expected.
        #[inline]
        #[track_caller]
        pub fn current() -> ::context_runtime::__private::Current<Self>
        where
            for<'__a> Self: ::context_runtime::__private::RequestContext,
        {
            <Self as ::context_runtime::__private::RequestContext>::current()
        }
        /// The current `RequestCtx`, or `None` outside any scope of `RequestCtx`.
        #[inline]
        pub fn try_current() -> ::core::option::Option<
            ::context_runtime::__private::Current<Self>,
        >
        where
            for<'__a> Self: ::context_runtime::__private::RequestContext,
        {
            <Self as ::context_runtime::__private::RequestContext>::try_current()
        }
        /// Calls `f` with the current `RequestCtx` (its handle, which dereferences to `&RequestCtx`): the cheapest read.
        ///
        /// # Panics
        ///
        /// Outside any scope of `RequestCtx`, at the caller's line, saying how to set one: `RequestCtx::scope` at the edge, `#[with_context]` or `context_runtime::spawn` for spawned work. Use the `try_` form where a miss is expected.
        #[inline]
        #[track_caller]
        pub fn with<__R>(
            f: impl ::core::ops::FnOnce(
                &::context_runtime::__private::Current<Self>,
            ) -> __R,
        ) -> __R
        where
            for<'__a> Self: ::context_runtime::__private::RequestContext,
        {
            <Self as ::context_runtime::__private::RequestContext>::with(f)
        }
        /// Calls `f` with the current `RequestCtx` (its handle, which dereferences to `&RequestCtx`), or returns `None` outside any scope of `RequestCtx`.
        #[inline]
        pub fn try_with<__R>(
            f: impl ::core::ops::FnOnce(
                &::context_runtime::__private::Current<Self>,
            ) -> __R,
        ) -> ::core::option::Option<__R>
        where
            for<'__a> Self: ::context_runtime::__private::RequestContext,
        {
            <Self as ::context_runtime::__private::RequestContext>::try_with(f)
        }
    }
    #[diagnostic::on_unimplemented(
        message = "the field `request_id` is set twice",
        label = "`request_id` was already set earlier in this builder chain",
        note = "a context is set once: remove one of the two `.request_id(..)` calls"
    )]
    pub trait RequestCtx_sets_request_id_once {}
    impl RequestCtx_sets_request_id_once for ::context_runtime::__private::Unset {}
    impl<T> RequestCtx_sets_request_id_once
    for ::context_runtime::__private::Extracted<T> {}
    #[diagnostic::on_unimplemented(
        message = "the field `request_id` was already set by `extract`",
        label = "`request_id` comes from the carrier",
        note = "a `#[context(propagate)]` field is read from the carrier by `extract` / `from_baggage`: remove this call, or `propagate` if the receiver should decide `request_id`"
    )]
    pub trait RequestCtx_request_id_not_extracted {}
    impl RequestCtx_request_id_not_extracted for ::context_runtime::__private::Unset {}
    impl<T> RequestCtx_request_id_not_extracted
    for ::context_runtime::__private::Set<T> {}
    #[diagnostic::on_unimplemented(
        message = "missing required field `request_id`",
        label = "`build()` needs `request_id`",
        note = "call `.request_id(..)` on the builder before `.build()`, or make the field optional: `Option<_>`, `#[context(default)]` or `#[context(default = expr)]`"
    )]
    pub trait RequestCtx_needs_request_id {}
    impl<T> RequestCtx_needs_request_id for ::context_runtime::__private::Set<T> {}
    impl<T> RequestCtx_needs_request_id for ::context_runtime::__private::Extracted<T> {}
    #[diagnostic::on_unimplemented(
        message = "the field `user` is set twice",
        label = "`user` was already set earlier in this builder chain",
        note = "a context is set once: remove one of the two `.user(..)` calls"
    )]
    pub trait RequestCtx_sets_user_once {}
    impl RequestCtx_sets_user_once for ::context_runtime::__private::Unset {}
    impl<T> RequestCtx_sets_user_once for ::context_runtime::__private::Extracted<T> {}
    #[diagnostic::on_unimplemented(
        message = "the field `user` was already set by `extract`",
        label = "`user` comes from the carrier",
        note = "a `#[context(propagate)]` field is read from the carrier by `extract` / `from_baggage`: remove this call, or `propagate` if the receiver should decide `user`"
    )]
    pub trait RequestCtx_user_not_extracted {}
    impl RequestCtx_user_not_extracted for ::context_runtime::__private::Unset {}
    impl<T> RequestCtx_user_not_extracted for ::context_runtime::__private::Set<T> {}
    #[diagnostic::on_unimplemented(
        message = "the field `attempt` is set twice",
        label = "`attempt` was already set earlier in this builder chain",
        note = "a context is set once: remove one of the two `.attempt(..)` calls"
    )]
    pub trait RequestCtx_sets_attempt_once {}
    impl RequestCtx_sets_attempt_once for ::context_runtime::__private::Unset {}
    impl<T> RequestCtx_sets_attempt_once for ::context_runtime::__private::Defaulted<T> {}
    #[diagnostic::on_unimplemented(
        message = "the field `attempt` was already set by `extract`",
        label = "`attempt` comes from the carrier",
        note = "a `#[context(propagate)]` field is read from the carrier by `extract` / `from_baggage`: remove this call, or `propagate` if the receiver should decide `attempt`"
    )]
    pub trait RequestCtx_attempt_not_extracted {}
    impl RequestCtx_attempt_not_extracted for ::context_runtime::__private::Unset {}
    impl<T> RequestCtx_attempt_not_extracted for ::context_runtime::__private::Set<T> {}
    #[diagnostic::on_unimplemented(
        message = "the field `token` is set twice",
        label = "`token` was already set earlier in this builder chain",
        note = "a context is set once: remove one of the two `.token(..)` calls"
    )]
    pub trait RequestCtx_sets_token_once {}
    impl RequestCtx_sets_token_once for ::context_runtime::__private::Unset {}
    #[diagnostic::on_unimplemented(
        message = "missing required field `token`",
        label = "`build()` needs `token`",
        note = "call `.token(..)` on the builder before `.build()`, or make the field optional: `Option<_>`, `#[context(default)]` or `#[context(default = expr)]`"
    )]
    pub trait RequestCtx_needs_token {}
    impl<T> RequestCtx_needs_token for ::context_runtime::__private::Set<T> {}
    #[automatically_derived]
    impl RequestCtx {
        /// Starts building a new [`RequestCtx`]: call one method per field, then `.build()`. A required field left unset, or a field set twice, is a compile error naming it.
        #[inline]
        pub fn builder() -> RequestCtxBuilder {
            RequestCtxBuilder {
                __values: (
                    ::core::option::Option::None,
                    ::core::option::Option::None,
                    ::core::option::Option::None,
                    ::core::option::Option::None,
                ),
                __states: ::core::marker::PhantomData,
            }
        }
    }
    #[automatically_derived]
    impl<
        __request_id,
        __user,
        __attempt,
        __token,
    > RequestCtxBuilder<__request_id, __user, __attempt, __token> {
        /// Sets `request_id`. Each field is set once.
        ///
        /// The request's id.
        #[inline]
        pub fn request_id(
            self,
            value: String,
        ) -> RequestCtxBuilder<
            ::context_runtime::__private::Set<String>,
            __user,
            __attempt,
            __token,
        >
        where
            __request_id: RequestCtx_sets_request_id_once
                + RequestCtx_request_id_not_extracted,
        {
            let value = ::core::option::Option::Some(value);
            let mut values = self.__values;
            values.0 = value;
            RequestCtxBuilder {
                __values: values,
                __states: ::core::marker::PhantomData,
            }
        }
        /// Sets `user`. Each field is set once.
        #[inline]
        pub fn user(
            self,
            value: String,
        ) -> RequestCtxBuilder<
            __request_id,
            ::context_runtime::__private::Set<Option<String>>,
            __attempt,
            __token,
        >
        where
            __user: RequestCtx_sets_user_once + RequestCtx_user_not_extracted,
        {
            let value = ::core::option::Option::Some(value);
            let mut values = self.__values;
            values.1 = value;
            RequestCtxBuilder {
                __values: values,
                __states: ::core::marker::PhantomData,
            }
        }
        /// Sets the optional field from an `Option`: `None` leaves it `None`.
        #[inline]
        pub fn maybe_user(
            self,
            value: Option<String>,
        ) -> RequestCtxBuilder<
            __request_id,
            ::context_runtime::__private::Set<Option<String>>,
            __attempt,
            __token,
        >
        where
            __user: RequestCtx_sets_user_once + RequestCtx_user_not_extracted,
        {
            let mut values = self.__values;
            values.1 = value;
            RequestCtxBuilder {
                __values: values,
                __states: ::core::marker::PhantomData,
            }
        }
        /// Sets `attempt`. Each field is set once.
        #[inline]
        pub fn attempt(
            self,
            value: u32,
        ) -> RequestCtxBuilder<
            __request_id,
            __user,
            ::context_runtime::__private::Set<u32>,
            __token,
        >
        where
            __attempt: RequestCtx_sets_attempt_once + RequestCtx_attempt_not_extracted,
        {
            let value = ::core::option::Option::Some(value);
            let mut values = self.__values;
            values.2 = value;
            RequestCtxBuilder {
                __values: values,
                __states: ::core::marker::PhantomData,
            }
        }
        /// Sets `token`. Each field is set once.
        #[inline]
        pub fn token(
            self,
            value: String,
        ) -> RequestCtxBuilder<
            __request_id,
            __user,
            __attempt,
            ::context_runtime::__private::Set<String>,
        >
        where
            __token: RequestCtx_sets_token_once,
        {
            let value = ::core::option::Option::Some(value);
            let mut values = self.__values;
            values.3 = value;
            RequestCtxBuilder {
                __values: values,
                __states: ::core::marker::PhantomData,
            }
        }
        /// Builds the frozen context. Every required field must have been set.
        #[inline]
        pub fn build(self) -> RequestCtx
        where
            __request_id: RequestCtx_needs_request_id,
            __token: RequestCtx_needs_token,
        {
            let values = self.__values;
            RequestCtx {
                request_id: ::context_runtime::__private::required_value(values.0),
                user: values.1,
                attempt: ::core::option::Option::unwrap_or_else(
                    values.2,
                    || -> u32 { 1 },
                ),
                token: ::context_runtime::__private::required_value(values.3),
            }
        }
    }
    #[automatically_derived]
    impl RequestCtx {
        /// Starts building a new [`RequestCtx`] from a carrier (HTTP headers, a job payload's map): its `#[context(propagate)]` fields are read from the carrier's `baggage`; set the others, then `.build()`.
        ///
        /// # Errors
        ///
        /// A required propagated field missing; a propagated field unparsable, not
        /// in the W3C format, or repeated. Every propagated field is checked: one in
        /// error is its own variant, several are `CarrierError::Fields`, naming them
        /// all. Other entries that are not in the format are left out, never an error.
        #[inline]
        pub fn extract(
            carrier: &(impl ::context_runtime::__private::Carrier + ?::core::marker::Sized),
        ) -> ::core::result::Result<
            RequestCtxExtractedBuilder,
            ::context_runtime::__private::CarrierError,
        > {
            Self::from_baggage(
                &::context_runtime::__private::received(
                    carrier,
                    &["request_id", "user", "attempt"],
                ),
            )
        }
        /// Like `extract`, from baggage already parsed (to forward its other entries:
        /// `Baggage::scope`).
        ///
        /// # Errors
        ///
        /// A required propagated field missing; a propagated field unparsable, left
        /// out of `baggage` by its parse, or repeated. Every propagated field is
        /// checked: several in error are `CarrierError::Fields`, naming them all.
        pub fn from_baggage(
            baggage: &::context_runtime::__private::Baggage,
        ) -> ::core::result::Result<
            RequestCtxExtractedBuilder,
            ::context_runtime::__private::CarrierError,
        > {
            let (__request_id, (__user, (__attempt, ()))) = ::context_runtime::__private::join(
                ::context_runtime::__private::required(
                    baggage,
                    "request_id",
                    ::context_runtime::__private::codec::<String>(),
                ),
                ::context_runtime::__private::join(
                    ::context_runtime::__private::optional(
                        baggage,
                        "user",
                        ::context_runtime::__private::codec::<String>(),
                    ),
                    ::context_runtime::__private::join(
                        ::context_runtime::__private::optional(
                            baggage,
                            "attempt",
                            ::context_runtime::__private::codec::<u32>(),
                        ),
                        ::core::result::Result::Ok(()),
                    ),
                ),
            )?;
            ::core::result::Result::Ok(RequestCtxBuilder {
                __values: (
                    ::core::option::Option::Some(__request_id),
                    __user,
                    __attempt,
                    ::core::option::Option::None,
                ),
                __states: ::core::marker::PhantomData,
            })
        }
    }
    #[automatically_derived]
    impl RequestCtx {
        /// Writes the `#[context(propagate)]` fields of this [`RequestCtx`] into the carrier's W3C `baggage` entry (HTTP headers, a job payload's map), keeping the entries already there: a field's entry is replaced, or removed for a `None` field.
        ///
        /// # Errors
        ///
        /// The carrier already holds malformed baggage, or the result would exceed the W3C
        /// limits.
        #[inline]
        pub fn inject(
            &self,
            carrier: &mut (impl ::context_runtime::__private::Carrier + ?::core::marker::Sized),
        ) -> ::core::result::Result<(), ::context_runtime::__private::CarrierError>
        where
            for<'__a> Self: ::context_runtime::__private::RequestContext,
        {
            ::context_runtime::__private::inject(self, carrier)
        }
        /// Sets the `#[context(propagate)]` fields in `baggage` (what `inject` does before
        /// writing it into a carrier).
        ///
        /// # Errors
        ///
        /// The baggage is full.
        #[inline]
        pub fn write_baggage(
            &self,
            baggage: &mut ::context_runtime::__private::Baggage,
        ) -> ::core::result::Result<(), ::context_runtime::__private::CarrierError>
        where
            for<'__a> Self: ::context_runtime::__private::RequestContext,
        {
            ::context_runtime::__private::write_baggage(self, baggage)
        }
    }
    #[automatically_derived]
    impl ::core::fmt::Debug for RequestCtx {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            ::context_runtime::__private::debug_struct(
                f,
                "RequestCtx",
                &[
                    ("request_id", &self.request_id),
                    ("user", &self.user),
                    ("attempt", &self.attempt),
                    ("token", &::context_runtime::__private::Redacted),
                ],
            )
        }
    }
    ::context_runtime::__private::task_local! {
        static __CONTEXT : ::context_runtime::__private::Current < RequestCtx >;
    }
    #[automatically_derived]
    impl ::context_runtime::__private::Sealed for RequestCtx {}
    #[automatically_derived]
    impl ::context_runtime::__private::RequestContext for RequestCtx
    where
        for<'__a> RequestCtx: ::core::marker::Send + ::core::marker::Sync,
    {
        #[inline]
        fn __storage() -> &'static ::context_runtime::__private::LocalKey<
            ::context_runtime::__private::Current<Self>,
        > {
            &__CONTEXT
        }
        fn __log_fields(
            &self,
            visit: &mut dyn FnMut(
                &'static str,
                ::context_runtime::__private::LogValue<'_>,
            ),
        ) {
            if let ::core::option::Option::Some(value) = ::context_runtime::__private::ToLogValue::to_log_value(
                &self.request_id,
            ) {
                visit("request_id", value);
            }
            if let ::core::option::Option::Some(value) = ::context_runtime::__private::ToLogValue::to_log_value(
                &self.user,
            ) {
                visit("user", value);
            }
        }
        fn __propagate(
            &self,
            visit: &mut dyn FnMut(
                &'static str,
                ::core::option::Option<&dyn ::core::fmt::Display>,
            ),
        ) {
            visit(
                "request_id",
                ::core::option::Option::Some(
                    (::context_runtime::__private::codec::<String>()
                        .text)(&self.request_id),
                ),
            );
            visit(
                "user",
                ::core::option::Option::map(
                    self.user.as_ref(),
                    ::context_runtime::__private::codec::<String>().text,
                ),
            );
            visit(
                "attempt",
                ::core::option::Option::Some(
                    (::context_runtime::__private::codec::<u32>().text)(&self.attempt),
                ),
            );
        }
    }
    const _: () = {
        ::context_runtime::__private::assert_field::<String>();
        ::context_runtime::__private::assert_field::<Option<String>>();
        ::context_runtime::__private::assert_field::<u32>();
        ::context_runtime::__private::assert_field::<String>();
    };
};

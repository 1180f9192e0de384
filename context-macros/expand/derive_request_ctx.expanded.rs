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
    mod __fields {
        pub enum request_id {}
        pub enum user {}
        pub enum attempt {}
        pub enum token {}
    }
    /// Builder of [`RequestCtx`], returned by [`RequestCtx::builder`].
    #[must_use = "a builder does nothing until `.build()` is called"]
    pub struct RequestCtxBuilder<__S0, __S1, __S2, __S3> {
        request_id: __S0,
        user: __S1,
        attempt: __S2,
        token: __S3,
    }
    #[automatically_derived]
    impl RequestCtx {
        /// Starts building a [`RequestCtx`]: call one method per field, then `.build()`. A required field left unset, or a field set twice, is a compile error naming it.
        #[inline]
        pub fn builder() -> RequestCtxBuilder<
            ::context_runtime::__private::Unset<__fields::request_id>,
            ::context_runtime::__private::Unset<__fields::user>,
            ::context_runtime::__private::Unset<__fields::attempt>,
            ::context_runtime::__private::Unset<__fields::token>,
        > {
            RequestCtxBuilder {
                request_id: ::context_runtime::__private::Unset::NEW,
                user: ::context_runtime::__private::Unset::NEW,
                attempt: ::context_runtime::__private::Unset::NEW,
                token: ::context_runtime::__private::Unset::NEW,
            }
        }
    }
    #[automatically_derived]
    impl<__S0, __S1, __S2, __S3> RequestCtxBuilder<__S0, __S1, __S2, __S3> {
        /// Sets `request_id`. Each field is set once.
        ///
        /// The request's id.
        #[inline]
        pub fn request_id(
            self,
            value: String,
        ) -> RequestCtxBuilder<
            ::context_runtime::__private::Set<String>,
            __S1,
            __S2,
            __S3,
        >
        where
            __S0: ::context_runtime::__private::NotExtracted<__fields::request_id>,
        {
            RequestCtxBuilder {
                request_id: ::context_runtime::__private::Set(value),
                user: self.user,
                attempt: self.attempt,
                token: self.token,
            }
        }
        /// Sets `user`. Each field is set once.
        #[inline]
        pub fn user(
            self,
            value: String,
        ) -> RequestCtxBuilder<
            __S0,
            ::context_runtime::__private::Set<Option<String>>,
            __S2,
            __S3,
        >
        where
            __S1: ::context_runtime::__private::NotExtracted<__fields::user>,
        {
            let value = ::core::option::Option::Some(value);
            RequestCtxBuilder {
                request_id: self.request_id,
                user: ::context_runtime::__private::Set(value),
                attempt: self.attempt,
                token: self.token,
            }
        }
        /// Sets the optional field from an `Option`: `None` leaves it `None`.
        #[inline]
        pub fn maybe_user(
            self,
            value: Option<String>,
        ) -> RequestCtxBuilder<
            __S0,
            ::context_runtime::__private::Set<Option<String>>,
            __S2,
            __S3,
        >
        where
            __S1: ::context_runtime::__private::NotExtracted<__fields::user>,
        {
            RequestCtxBuilder {
                request_id: self.request_id,
                user: ::context_runtime::__private::Set(value),
                attempt: self.attempt,
                token: self.token,
            }
        }
        /// Sets `attempt`. Each field is set once.
        #[inline]
        pub fn attempt(
            self,
            value: u32,
        ) -> RequestCtxBuilder<__S0, __S1, ::context_runtime::__private::Set<u32>, __S3>
        where
            __S2: ::context_runtime::__private::NotExtracted<__fields::attempt>,
        {
            RequestCtxBuilder {
                request_id: self.request_id,
                user: self.user,
                attempt: ::context_runtime::__private::Set(value),
                token: self.token,
            }
        }
        /// Sets `token`. Each field is set once.
        #[inline]
        pub fn token(
            self,
            value: String,
        ) -> RequestCtxBuilder<
            __S0,
            __S1,
            __S2,
            ::context_runtime::__private::Set<String>,
        >
        where
            __S3: ::context_runtime::__private::IsUnset<__fields::token>,
        {
            RequestCtxBuilder {
                request_id: self.request_id,
                user: self.user,
                attempt: self.attempt,
                token: ::context_runtime::__private::Set(value),
            }
        }
        /// Builds the frozen context. Every required field must have been set.
        #[inline]
        pub fn build(self) -> RequestCtx
        where
            __S0: ::context_runtime::__private::Required<__fields::request_id, String>,
            __S1: ::context_runtime::__private::Optional<Option<String>>,
            __S2: ::context_runtime::__private::Optional<u32>,
            __S3: ::context_runtime::__private::Required<__fields::token, String>,
        {
            RequestCtx {
                request_id: <__S0 as ::context_runtime::__private::Required<
                    __fields::request_id,
                    String,
                >>::into_value(self.request_id),
                user: ::context_runtime::__private::Optional::or_else(
                    self.user,
                    || ::core::option::Option::None,
                ),
                attempt: ::context_runtime::__private::Optional::or_else(
                    self.attempt,
                    || -> u32 { 1 },
                ),
                token: <__S3 as ::context_runtime::__private::Required<
                    __fields::token,
                    String,
                >>::into_value(self.token),
            }
        }
    }
    #[automatically_derived]
    impl RequestCtx {
        /// Starts building a [`RequestCtx`] from a carrier (HTTP headers, a job payload's map): its `#[context(propagate)]` fields are set from the carrier's `baggage`; set the others, then `.build()`.
        ///
        /// # Errors
        ///
        /// A required propagated field missing; a propagated field unparsable, not
        /// in the W3C format, or repeated. Other entries that are not in the format
        /// are left out, never an error.
        #[inline]
        pub fn extract(
            carrier: &(impl ::context_runtime::__private::Carrier + ?::core::marker::Sized),
        ) -> ::core::result::Result<
            RequestCtxBuilder<
                ::context_runtime::__private::Set<String>,
                ::context_runtime::__private::Set<Option<String>>,
                ::context_runtime::__private::Maybe<u32>,
                ::context_runtime::__private::Unset<__fields::token>,
            >,
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
        /// out of `baggage` by its parse, or repeated.
        pub fn from_baggage(
            baggage: &::context_runtime::__private::Baggage,
        ) -> ::core::result::Result<
            RequestCtxBuilder<
                ::context_runtime::__private::Set<String>,
                ::context_runtime::__private::Set<Option<String>>,
                ::context_runtime::__private::Maybe<u32>,
                ::context_runtime::__private::Unset<__fields::token>,
            >,
            ::context_runtime::__private::CarrierError,
        > {
            ::core::result::Result::Ok(RequestCtxBuilder {
                request_id: ::context_runtime::__private::Set(
                    ::context_runtime::__private::required(
                        baggage,
                        "request_id",
                        ::context_runtime::__private::codec::<String>(),
                    )?,
                ),
                user: ::context_runtime::__private::Set(
                    ::context_runtime::__private::optional(
                        baggage,
                        "user",
                        ::context_runtime::__private::codec::<String>(),
                    )?,
                ),
                attempt: ::context_runtime::__private::Maybe(
                    ::context_runtime::__private::optional(
                        baggage,
                        "attempt",
                        ::context_runtime::__private::codec::<u32>(),
                    )?,
                ),
                token: ::context_runtime::__private::Unset::NEW,
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
            f.debug_struct("RequestCtx")
                .field("request_id", &self.request_id)
                .field("user", &self.user)
                .field("attempt", &self.attempt)
                .field("token", &::context_runtime::__private::Redacted)
                .finish()
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
    const _: () = ::context_runtime::__private::assert_field::<String>();
    const _: () = ::context_runtime::__private::assert_field::<Option<String>>();
    const _: () = ::context_runtime::__private::assert_field::<u32>();
    const _: () = ::context_runtime::__private::assert_field::<String>();
};

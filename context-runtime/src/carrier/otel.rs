//! OpenTelemetry interop (feature `opentelemetry`): [`ContextPropagator`], a `TextMapPropagator`
//! for the `#[context(propagate)]` fields, to compose with `traceparent`.

use opentelemetry::baggage::{BaggageExt, KeyValueMetadata};
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator, text_map_propagator};

use super::baggage::{foreign_properties, is_token};
use super::{BAGGAGE, Baggage, Carrier, Existing, Outgoing};

/// An OpenTelemetry [`TextMapPropagator`] for request contexts, and a drop-in replacement for
/// OpenTelemetry's own `BaggagePropagator`.
///
/// - **inject** writes the W3C `baggage` header: the `#[context(propagate)]` fields of every
///   context set here first, then the entries of OpenTelemetry's baggage (`cx.baggage()`, set
///   with `cx.with_baggage(..)`) but those named like a field (the context wins), then the
///   baggage the request being served received (from `ContextLayer`, or [`Baggage::scope`]).
///   Other entries are dropped from the end when the list would exceed the W3C limits.
/// - **extract** reads the incoming `baggage` as [`Baggage::extract`] does (an entry not in the
///   format is left out, the rest kept) and puts it in the OpenTelemetry context twice: every
///   entry in `cx.baggage()`, as OpenTelemetry's propagator does, and the [`Baggage`] itself
///   (`cx.get::<Baggage>()`), from which `T::from_baggage` builds yours.
///
/// Put it next to OpenTelemetry's `TraceContextPropagator` in a `TextMapCompositePropagator`
/// (or install the composite with `opentelemetry::global::set_text_map_propagator`), and one
/// `inject` writes both `traceparent` and `baggage`; one `extract` reads both. Use it in place of
/// `BaggagePropagator`, not beside it: both write the `baggage` header.
///
/// The propagator API cannot report errors: when the contexts' own fields alone exceed the W3C
/// limits, no baggage is injected. Use the generated `inject` and `extract` where you need the
/// [`CarrierError`](super::CarrierError).
///
/// ```
/// use std::collections::HashMap;
/// use context_runtime::{Baggage, ContextPropagator, RequestContext};
/// use opentelemetry::propagation::{TextMapCompositePropagator, TextMapPropagator};
/// use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
/// use opentelemetry_sdk::propagation::TraceContextPropagator;
///
/// #[derive(RequestContext)]
/// struct RequestCtx {
///     #[context(propagate)] request_id: String,
///     #[context(sensitive)] token: String,
/// }
///
/// let propagator = TextMapCompositePropagator::new(vec![
///     Box::new(TraceContextPropagator::new()),
///     Box::new(ContextPropagator::new()),
/// ]);
///
/// // the sender: a span (here a remote one, for brevity) and a request context
/// let span = SpanContext::new(
///     TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
///     SpanId::from_hex("00f067aa0ba902b7").unwrap(),
///     TraceFlags::SAMPLED,
///     true,
///     TraceState::default(),
/// );
/// let cx = opentelemetry::Context::new().with_remote_span_context(span);
/// let ctx = RequestCtx::builder().request_id("r-1".into()).token("s3cr3t".into()).build();
/// let mut headers = HashMap::new();
/// ctx.sync_scope(|| propagator.inject_context(&cx, &mut headers));
/// assert_eq!(headers["traceparent"], "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
/// assert_eq!(headers["baggage"], "request_id=r-1");
///
/// // the receiver: the trace continues, and the request context is rebuilt
/// let cx = propagator.extract(&headers);
/// assert_eq!(cx.span().span_context().trace_id(), TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap());
/// let baggage = cx.get::<Baggage>().unwrap();
/// let ctx = RequestCtx::from_baggage(baggage).unwrap().token(String::new()).build();
/// assert_eq!(ctx.request_id(), "r-1");
/// ```
#[derive(Debug)]
pub struct ContextPropagator {
    fields: [String; 1],
}

impl ContextPropagator {
    /// The propagator.
    pub fn new() -> Self {
        Self {
            fields: [BAGGAGE.to_owned()],
        }
    }
}

impl Default for ContextPropagator {
    fn default() -> Self {
        Self::new()
    }
}

impl TextMapPropagator for ContextPropagator {
    fn inject_context(&self, cx: &opentelemetry::Context, injector: &mut dyn Injector) {
        let mut out = Outgoing::new();
        out.current();
        let theirs = cx.baggage();
        for (key, (value, metadata)) in theirs {
            let (key, metadata) = (key.as_str(), metadata.as_str());
            // What OpenTelemetry's API accepts, but the W3C format does not carry, stays here.
            if let (true, Some(properties)) = (is_token(key), foreign_properties(metadata)) {
                out.foreign_entry(key, value.as_str(), &properties);
            }
        }
        out.received(|key| theirs.get(key).is_some());
        // The contexts' own fields alone exceed the W3C limits: nothing rather than a part
        // (the propagator API cannot report an error).
        let _ = out.send(&mut InjectorCarrier(injector), &Existing::none());
    }

    fn extract_with_context(
        &self,
        cx: &opentelemetry::Context,
        extractor: &dyn Extractor,
    ) -> opentelemetry::Context {
        if extractor.get(BAGGAGE).is_none() {
            return cx.clone();
        }
        let baggage = Baggage::extract(&ExtractorCarrier(extractor));
        let entries = baggage
            .iter_with_properties()
            .map(|(key, value, properties)| {
                KeyValueMetadata::new(key.to_owned(), value.to_owned(), properties)
            })
            .collect::<opentelemetry::baggage::Baggage>();
        cx.with_baggage(entries).with_value(baggage)
    }

    fn fields(&self) -> text_map_propagator::FieldIter<'_> {
        text_map_propagator::FieldIter::new(&self.fields)
    }
}

/// An OpenTelemetry injector, written to as a carrier (never read: injectors cannot be).
struct InjectorCarrier<'a>(&'a mut dyn Injector);

impl Carrier for InjectorCarrier<'_> {
    fn get_all(&self, _: &str, _: &mut dyn FnMut(&str)) {}

    fn set(&mut self, key: &str, value: String) {
        self.0.set(key, value);
    }
}

/// An OpenTelemetry extractor, read as a carrier.
struct ExtractorCarrier<'a>(&'a dyn Extractor);

impl Carrier for ExtractorCarrier<'_> {
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
        if let Some(values) = self.0.get_all(key) {
            values.into_iter().for_each(f);
        }
    }

    fn set(&mut self, _: &str, _: String) {}
}

//! Signed fields between our own services (features `http` and `signing`), over real TCP on
//! loopback. A public edge A (its context from its own headers) calls the internal hop B, which
//! calls the internal hop C, each through `PropagateLayer::new(..).sign_with(keys)`; B and C
//! (declared `.internal()`) build their context only from what `SigningKeys::verify` returns.
//!
//! - A valid signature passes two hops: B and C read A's tenant and user; B re-signs its own
//!   fields (C verifies B's `via`, which A never sent), C receives one signature, B's, not A's;
//!   A's own foreign entry reaches C as it came; the client's baggage (a forged `tenant` and
//!   `context-sig`) is dropped at the public edge and reaches neither.
//! - A client that reaches an internal hop directly with forged unsigned baggage is refused
//!   (while the same hop without signatures believes it: the threat).
//! - Each attack on a captured signed request is refused with its own error: a tampered value, a
//!   removed signature, a signature replayed over other fields, an unknown key id, a signed entry
//!   removed or repeated, a malformed signature, a secret that differs under a known key id.
//! - Key rotation: a receiver that accepts the old and the new key takes requests signed with
//!   either; once the old one is dropped, requests signed with it are refused.

#![cfg(all(feature = "http", feature = "signing"))]

mod served;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::routing::get;
use context_runtime::{
    Baggage, CarrierError, ContextLayer, Destinations, PropagateLayer, PropagateService,
    RequestContext, RequestId, SigningKeys,
};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use served::{Reply, get_from, serve};
use tower::{ServiceBuilder, ServiceExt};

/// The facts every hop believes: A builds them from its own headers, B and C from what the
/// signature covers.
#[derive(RequestContext)]
struct RequestCtx {
    #[context(propagate)]
    request_id: RequestId,
    #[context(propagate)]
    tenant: u64,
    #[context(propagate)]
    user: Option<String>,
}

/// The internal hop a request went through, sent on (and so signed) by that hop.
#[derive(RequestContext)]
struct ViaCtx {
    #[context(propagate)]
    via: String,
}

/// What the hop's signature covered, for the handler to report.
#[derive(RequestContext)]
struct Verified {
    covered: Vec<String>,
    signed_via: Option<String>,
}

type HttpClient = PropagateService<Client<HttpConnector, Empty<Bytes>>>;

fn signing_client(keys: &SigningKeys) -> HttpClient {
    ServiceBuilder::new()
        // every service of this suite is ours, on loopback
        .layer(
            PropagateLayer::new(Destinations::matching(|uri| {
                uri.host() == Some("127.0.0.1")
            }))
            .sign_with(keys.clone()),
        )
        .service(Client::builder(TokioExecutor::new()).build_http())
}

/// The current key (id `2025-06`) and the previous one (`2025-05`).
const NEW: (&str, &[u8]) = ("2025-06", b"the new secret, 32 bytes long...");
const OLD: (&str, &[u8]) = ("2025-05", b"the old secret, 32 bytes long...");

fn new_key() -> SigningKeys {
    SigningKeys::new(NEW.0, NEW.1).expect("a valid key")
}

fn old_key() -> SigningKeys {
    SigningKeys::new(OLD.0, OLD.1).expect("a valid key")
}

/// A hop's next call: where, the client that signs it, and a `baggage` entry of the app's own
/// (not a context's field) put on the request.
#[derive(Clone)]
struct Next {
    address: Option<SocketAddr>,
    client: HttpClient,
    own_entry: Option<&'static str>,
}

/// `GET /view` on the next hop, as JSON: its answer, or its refusal's status and body.
async fn ask(next: &Next) -> Value {
    let Some(address) = next.address else {
        return Value::Null;
    };
    let mut request = Request::get(format!("http://{address}/view"));
    if let Some(entry) = next.own_entry {
        request = request.header("baggage", entry);
    }
    let request = request.body(Empty::new()).expect("a request");
    let response = next.client.clone().oneshot(request).await.expect("reached");
    let status = response.status();
    let body = response.into_body().collect().await.expect("a body");
    let body = String::from_utf8(body.to_bytes().to_vec()).expect("utf-8");
    if status == StatusCode::OK {
        serde_json::from_str(&body).expect("JSON")
    } else {
        json!({ "status": status.as_u16(), "body": body })
    }
}

/// Every hop's handler: what its contexts say, the `baggage` it received, and the next hop's
/// answer.
async fn view(State(next): State<Next>, headers: HeaderMap) -> String {
    let next = ask(&next).await;
    let (request_id, tenant, user) =
        RequestCtx::with(|c| (c.request_id().to_string(), *c.tenant(), c.user().cloned()));
    let verified = Verified::try_with(|v| (v.covered().clone(), v.signed_via().cloned()));
    let (covered, signed_via) = verified.unzip();
    json!({
        "request_id": request_id,
        "tenant": tenant,
        "user": user,
        "covered": covered,
        "signed_via": signed_via.flatten(),
        "baggage": headers.get_all("baggage").iter().map(|v| v.to_str().expect("ascii")).collect::<Vec<_>>(),
        "next": next,
    })
    .to_string()
}

/// The public edge: the context from its own headers (as auth would give it), never from the
/// client's baggage; calls `next` signed with `keys`.
fn edge(keys: &SigningKeys, next: SocketAddr) -> Router {
    Router::new()
        .route("/view", get(view))
        .with_state(Next {
            address: Some(next),
            client: signing_client(keys),
            own_entry: Some("vendor=acme;tier=gold"),
        })
        .layer(ContextLayer::new(
            |head: &http::request::Parts, id: &RequestId| -> Result<RequestCtx, StatusCode> {
                let header = |name| head.headers.get(name).and_then(|v| v.to_str().ok());
                let tenant = header("x-tenant").and_then(|t| t.parse().ok());
                Ok(RequestCtx::builder()
                    .request_id(id.clone())
                    .tenant(tenant.ok_or(StatusCode::UNAUTHORIZED)?)
                    .maybe_user(header("x-user").map(str::to_owned))
                    .build())
            },
        ))
}

/// An internal hop named `name`: believes only what a key of `accepts` signed; calls `next`
/// (when there is one) signed with `accepts`' signing key, adding its own `via`.
fn internal(name: &'static str, accepts: &SigningKeys, next: Option<SocketAddr>) -> Router {
    let keys = accepts.clone();
    Router::new()
        .route("/view", get(view))
        .with_state(Next {
            address: next,
            client: signing_client(accepts),
            own_entry: None,
        })
        .layer(
            ContextLayer::new(move |head: &http::request::Parts, _: &RequestId| {
                let signed = keys.verify(&head.headers)?;
                let ctx = RequestCtx::from_baggage(&signed)?.build();
                let verified = Verified::builder()
                    .covered(signed.iter().map(|(key, _)| key.to_owned()).collect())
                    .maybe_signed_via(signed.get("via").map(str::to_owned))
                    .build();
                let via = ViaCtx::builder().via(name.to_owned()).build();
                Ok::<_, CarrierError>((ctx, via, verified))
            })
            .internal(),
        )
}

/// The same hop without signatures: believes any `baggage`.
fn unsigned_internal() -> Router {
    Router::new()
        .route("/view", get(view))
        .with_state(Next {
            address: None,
            client: signing_client(&new_key()),
            own_entry: None,
        })
        .layer(
            ContextLayer::new(|head: &http::request::Parts, _: &RequestId| {
                RequestCtx::extract(&head.headers).map(RequestCtxBuilder::build)
            })
            .internal(),
        )
}

/// A → B → C, all sharing the new key; returns the three addresses.
async fn three_hops() -> (SocketAddr, SocketAddr, SocketAddr) {
    let keys = new_key();
    let c = serve(internal("c", &keys, None)).await;
    let b = serve(internal("b", &keys, Some(c))).await;
    let a = serve(edge(&keys, b)).await;
    (a, b, c)
}

/// The one `baggage` header a hop reported receiving.
fn received(view: &Value) -> String {
    let headers = view["baggage"].as_array().expect("a list of headers");
    let [baggage] = headers.as_slice() else {
        panic!("one baggage header: {view}")
    };
    baggage.as_str().expect("text").to_owned()
}

/// The `context-sig` entries of a list, as sent.
fn signatures(list: &str) -> Vec<&str> {
    list.split(',')
        .filter(|entry| entry.starts_with("context-sig="))
        .collect()
}

/// Asserts a refusal of `error` by an internal hop: 400, its message as the body.
fn assert_refused(reply: &Reply, error: &CarrierError, attack: &str) {
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{attack}: {reply:?}");
    assert_eq!(reply.body, error.to_string(), "{attack}");
}

/// A request through the edge, with client baggage (a foreign entry with a property, a forged
/// tenant, a forged signature) that the public edge drops.
async fn through_the_edge(a: SocketAddr, tenant: u64) -> Value {
    let tenant = tenant.to_string();
    let reply = get_from(
        a,
        "/view",
        &[
            ("x-tenant", &tenant),
            ("x-user", "alice"),
            (
                "baggage",
                "vendor=client;tier=gold,tenant=999,context-sig=forged:00;keys=tenant",
            ),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    reply.json()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_signature_passes_two_hops_each_signing_its_own_fields() {
    let (a, _, _) = three_hops().await;
    let answer = through_the_edge(a, 7).await;
    let request_id = answer["request_id"].as_str().expect("an id").to_owned();
    let b = &answer["next"];
    let c = &b["next"];

    // B and C believe A's facts, and only signed ones.
    for hop in [b, c] {
        assert_eq!(hop["tenant"], 7, "{hop}");
        assert_eq!(hop["user"], "alice", "{hop}");
        assert_eq!(hop["request_id"], request_id.as_str(), "{hop}");
    }
    let mut covered_by_a: Vec<String> = serde_json::from_value(b["covered"].clone()).expect("keys");
    covered_by_a.sort_unstable();
    assert_eq!(covered_by_a, ["request_id", "tenant", "user"]);
    assert_eq!(b["signed_via"], Value::Null, "A has no `via` to sign");

    // B signed its own fields, `via` among them: C verified what only B could have written.
    let mut covered_by_b: Vec<String> = serde_json::from_value(c["covered"].clone()).expect("keys");
    covered_by_b.sort_unstable();
    assert_eq!(covered_by_b, ["request_id", "tenant", "user", "via"]);
    assert_eq!(c["signed_via"], "b");

    // One signature on each hop, each the hop's sender's: A's never reaches C, nor the client's.
    let (to_b, to_c) = (received(b), received(c));
    let (a_signature, b_signature) = (signatures(&to_b), signatures(&to_c));
    assert_eq!(a_signature.len(), 1, "{to_b}");
    assert_eq!(b_signature.len(), 1, "{to_c}");
    assert_ne!(a_signature, b_signature);
    assert!(
        a_signature[0].ends_with(";keys=request_id:tenant:user"),
        "{to_b}"
    );
    assert!(!to_b.contains("forged") && !to_c.contains("forged"));
    println!("signed hops: A sent B `{to_b}`; B sent C `{to_c}`");

    // A's own entry travels as it came, after the signed ones, B forwarding it to C; nothing of
    // the client's baggage reaches B or C (the public edge dropped it).
    for list in [&to_b, &to_c] {
        assert!(!list.contains("client") && !list.contains("999"), "{list}");
        assert!(list.ends_with(",vendor=acme;tier=gold"), "{list}");
        let parsed = Baggage::parse_strict(list).expect("valid baggage");
        assert_eq!(parsed.iter().filter(|(key, _)| *key == "tenant").count(), 1);
        assert_eq!(parsed.get("tenant"), Some("7"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_unsigned_baggage_sent_to_an_internal_hop_directly_is_refused() {
    let (_, b, c) = three_hops().await;
    let unsigned = serve(unsigned_internal()).await;
    let forged = [(
        "baggage",
        "request_id=r-forged,tenant=999,user=admin,vendor=x",
    )];

    // The threat: a hop without signatures believes the client.
    let believed = get_from(unsigned, "/view", &forged).await;
    assert_eq!(believed.status, StatusCode::OK);
    assert_eq!(believed.json()["tenant"], 999);

    // With signatures required, both internal hops refuse it before any handler runs.
    for hop in [b, c] {
        let refused = get_from(hop, "/view", &forged).await;
        assert_refused(&refused, &CarrierError::Unsigned, "forged, unsigned");
        assert!(!refused.body.contains("999") && !refused.body.contains("admin"));
        // ... and with no baggage at all
        let refused = get_from(hop, "/view", &[]).await;
        assert_refused(&refused, &CarrierError::Unsigned, "no baggage");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_attack_on_a_captured_signed_request_is_refused_with_its_own_error() {
    let (a, _, c) = three_hops().await;
    // Two genuine requests, as they travelled from A to B: for tenant 7 and tenant 8.
    let seven = received(&through_the_edge(a, 7).await["next"]);
    let eight = received(&through_the_edge(a, 8).await["next"]);
    let signature_of = |list: &str| signatures(list)[0].to_owned();
    let without_signature = |list: &str| {
        list.split(',')
            .filter(|entry| !entry.starts_with("context-sig="))
            .collect::<Vec<_>>()
            .join(",")
    };

    // Replayed as captured, it passes: the signature holds no time (see the module docs).
    let replayed = get_from(c, "/view", &[("baggage", &seven)]).await;
    assert_eq!(replayed.status, StatusCode::OK, "{replayed:?}");
    assert_eq!(replayed.json()["tenant"], 7);

    // Signed with a key C does not accept, and with another secret under C's key id.
    let rogue = SigningKeys::new("rogue", [9_u8; 32]).expect("a key");
    let impostor = SigningKeys::new(NEW.0, [9_u8; 32]).expect("a key");
    let mut by_key = Vec::new();
    for keys in [&rogue, &impostor] {
        let ctx = RequestCtx::builder()
            .request_id(RequestId::generate())
            .tenant(999)
            .build();
        let mut carrier = HeaderMap::new();
        ctx.sync_scope(|| keys.inject_current(&mut carrier))
            .expect("fits");
        let list = carrier["baggage"].to_str().expect("ascii").to_owned();
        by_key.push(list);
    }

    let attacks: [(&str, String, CarrierError); 9] = [
        (
            "a tampered value",
            seven.replace("tenant=7", "tenant=999"),
            CarrierError::SignatureMismatch,
        ),
        (
            "the signature removed",
            without_signature(&seven),
            CarrierError::Unsigned,
        ),
        (
            "a signature replayed over other fields",
            format!("{},{}", without_signature(&eight), signature_of(&seven)),
            CarrierError::SignatureMismatch,
        ),
        (
            "an unknown key id",
            by_key[0].clone(),
            CarrierError::UnknownSigningKey,
        ),
        (
            "another secret under a known key id",
            by_key[1].clone(),
            CarrierError::SignatureMismatch,
        ),
        (
            "a signed entry removed",
            seven.replace("tenant=7,", ""),
            CarrierError::SignedEntryMissing,
        ),
        (
            "a signed entry sent twice",
            format!("tenant=999,{seven}"),
            CarrierError::SignedEntryRepeated,
        ),
        (
            "the covered keys narrowed",
            seven.replace(":user", ""),
            CarrierError::SignatureMismatch,
        ),
        (
            "a second signature",
            format!("{seven},{}", signature_of(&eight)),
            CarrierError::MalformedSignature {
                reason: "the baggage holds more than one `context-sig` entry",
            },
        ),
    ];
    let mut bodies = std::collections::BTreeSet::new();
    for (attack, list, error) in &attacks {
        let refused = get_from(c, "/view", &[("baggage", list)]).await;
        assert_refused(&refused, error, attack);
        bodies.insert(refused.body);
    }
    // One message per kind of failure: six kinds among the nine attacks.
    assert_eq!(bodies.len(), 6, "{bodies:#?}");
    println!(
        "signed hops: {} attacks on captured signed requests, each refused with its error",
        attacks.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn during_a_rotation_both_keys_pass_and_the_dropped_one_is_refused_after() {
    let overlap = new_key().accept(OLD.0, OLD.1).expect("two keys");
    let during = serve(internal("during", &overlap, None)).await;
    let after = serve(internal("after", &new_key(), None)).await;

    // Senders before and after their move to the new key.
    let senders = [
        (OLD.0, signing_client(&old_key())),
        (NEW.0, signing_client(&new_key())),
    ];
    for (key_id, client) in &senders {
        for (receiver, accepted) in [(during, true), (after, *key_id == NEW.0)] {
            let ctx = RequestCtx::builder()
                .request_id(RequestId::generate())
                .tenant(7)
                .build();
            let request = Request::get(format!("http://{receiver}/view"))
                .body(Empty::new())
                .expect("a request");
            let response = ctx
                .scope(client.clone().oneshot(request))
                .await
                .expect("reached");
            let status = response.status();
            let body = response.into_body().collect().await.expect("a body");
            let body = String::from_utf8(body.to_bytes().to_vec()).expect("utf-8");
            if accepted {
                assert_eq!(status, StatusCode::OK, "{key_id}: {body}");
                let view: Value = serde_json::from_str(&body).expect("JSON");
                assert_eq!(view["tenant"], 7);
            } else {
                assert_eq!(status, StatusCode::BAD_REQUEST, "{key_id}");
                assert_eq!(body, CarrierError::UnknownSigningKey.to_string());
            }
        }
    }
}

//! A job queue across a process boundary (feature `tracing`): request handlers, each inside its
//! own context, enqueue jobs as JSON text whose carrier holds only the `#[context(propagate)]`
//! fields (W3C baggage); a worker spawned with a plain `tokio::spawn` (inheriting nothing)
//! rebuilds each job's context with `extract`, supplies its own non-propagated fields, and runs
//! the job inside it. With 200 concurrent requests queuing 3 jobs each, every job reads its own
//! request's id and tenant four calls deep and every log line it emits carries them, with no
//! mix-ups; the payload text never holds the sensitive token nor the non-propagated user; values
//! that need percent-encoding survive the trip; a payload without baggage, or with a bad one, is
//! refused with the matching `CarrierError` and its job never runs without a context.

#![cfg(feature = "tracing")]

mod logs;

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use context_runtime::{CarrierError, RequestContext};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

/// The facts of one request. `request_id` and `tenant` travel with its jobs; `user` is this
/// process's business (the job runner supplies its own); `token` never leaves the process.
#[derive(RequestContext)]
struct RequestCtx {
    #[context(log, propagate)]
    request_id: String,
    #[context(log, propagate)]
    tenant: u64,
    #[context(log)]
    user: String,
    #[context(sensitive)]
    token: String,
}

const REQUESTS: u64 = 200;
const JOBS_PER_REQUEST: u64 = 3;
const WORKERS: u64 = 4;
/// The credential the job runner works with, in place of the request's.
const WORKER_TOKEN: &str = "worker-credential";

/// What the queue carries: the context's carrier, and the job's own data.
#[derive(Serialize, Deserialize)]
struct Payload {
    carrier: HashMap<String, String>,
    job: Job,
}

#[derive(Clone, Copy, Serialize, Deserialize)]
struct Job {
    id: u64,
    order: u64,
    amount_cents: u64,
}

/// What a job read from its context, four calls deep.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    request_id: String,
    tenant: u64,
    user: String,
    token: String,
}

/// How a queued job ended.
#[derive(Debug)]
struct Outcome {
    job: u64,
    /// Whether the worker task saw a `RequestCtx` before extracting one (it must not).
    inherited: bool,
    result: Result<Seen, CarrierError>,
}

/// The JSON lines of this binary, captured once for every test in it.
fn lines() -> &'static logs::Lines {
    static LINES: OnceLock<logs::Lines> = OnceLock::new();
    LINES.get_or_init(logs::capture_json)
}

// ---- the producer: a request handler ----------------------------------------------------------

/// The request handler, running inside the request's context: queues its jobs.
async fn handle_request(request: u64, queue: mpsc::Sender<String>) -> Vec<String> {
    tracing::info!(request, "handler: placing order");
    let mut sent = Vec::new();
    for n in 0..JOBS_PER_REQUEST {
        tokio::task::yield_now().await;
        let job = Job {
            id: request * JOBS_PER_REQUEST + n,
            order: request,
            amount_cents: 100 * n + 1,
        };
        sent.push(enqueue(job, &queue).await);
    }
    tracing::info!(request, "handler: jobs queued");
    sent
}

/// Puts the current context (if any) in the job's carrier and sends the job as JSON text.
/// Returns the text sent.
async fn enqueue(job: Job, queue: &mpsc::Sender<String>) -> String {
    let mut carrier = HashMap::new();
    context_runtime::inject_current(&mut carrier)
        .expect("the propagated fields fit in a baggage list");
    let text = serde_json::to_string(&Payload { carrier, job }).expect("a payload serializes");
    queue.send(text.clone()).await.expect("the worker runs");
    text
}

// ---- the consumer: a worker -------------------------------------------------------------------

/// Starts the worker with a plain `tokio::spawn`; returns the queue and the jobs' outcomes (the
/// outcomes end once the queue is dropped and every job has finished).
fn start_worker() -> (mpsc::Sender<String>, mpsc::UnboundedReceiver<Outcome>) {
    let (queue, jobs) = mpsc::channel(64);
    let (done, outcomes) = mpsc::unbounded_channel();
    tokio::spawn(dispatch(jobs, done));
    (queue, outcomes)
}

/// Runs each job in a task of its own, so that jobs interleave.
async fn dispatch(mut jobs: mpsc::Receiver<String>, done: mpsc::UnboundedSender<Outcome>) {
    let mut received = 0_u64;
    while let Some(text) = jobs.recv().await {
        received += 1;
        let runner = format!("job-runner-{}", received % WORKERS);
        tokio::spawn(run(text, runner, done.clone()));
    }
}

/// One job: the context from the payload's carrier, the runner's own user and token, then the
/// job inside it; or the refusal.
async fn run(text: String, runner: String, done: mpsc::UnboundedSender<Outcome>) {
    let inherited = RequestCtx::try_current().is_some();
    let payload: Payload = serde_json::from_str(&text).expect("a payload deserializes");
    let job = payload.job;
    let result = match RequestCtx::extract(&payload.carrier) {
        Ok(builder) => {
            let ctx = builder.user(runner).token(WORKER_TOKEN.to_owned()).build();
            Ok(ctx.scope(process(job)).await)
        }
        Err(error) => {
            tracing::warn!(job = job.id, %error, "worker: job refused");
            Err(error)
        }
    };
    done.send(Outcome {
        job: job.id,
        inherited,
        result,
    })
    .expect("the test collects outcomes");
}

// ---- the job: four calls deep, no context parameter --------------------------------------------

async fn process(job: Job) -> Seen {
    tracing::info!(job = job.id, depth = 1, "job: processing order");
    tokio::task::yield_now().await;
    charge(job).await
}

async fn charge(job: Job) -> Seen {
    tracing::info!(
        job = job.id,
        depth = 2,
        amount = job.amount_cents,
        "job: charging"
    );
    tokio::task::yield_now().await;
    ledger(job).await
}

async fn ledger(job: Job) -> Seen {
    tracing::info!(job = job.id, depth = 3, "job: writing the ledger");
    tokio::task::yield_now().await;
    record(job)
}

fn record(job: Job) -> Seen {
    tracing::info!(job = job.id, depth = 4, order = job.order, "job: recorded");
    RequestCtx::with(|c| Seen {
        request_id: c.request_id().clone(),
        tenant: *c.tenant(),
        user: c.user().clone(),
        token: c.token().clone(),
    })
}

// ---- the requests -----------------------------------------------------------------------------

fn request_id(request: u64) -> String {
    format!("req-{request:04}")
}

fn tenant(request: u64) -> u64 {
    request % 7 + 1
}

fn user(request: u64) -> String {
    format!("alice-{request:04}-pii")
}

fn token(request: u64) -> String {
    format!("bearer-{request:04}-never-queued")
}

fn request_context(request: u64) -> RequestCtx {
    RequestCtx::builder()
        .request_id(request_id(request))
        .tenant(tenant(request))
        .user(user(request))
        .token(token(request))
        .build()
}

/// Collects every outcome, by job id (each exactly once).
async fn collect(mut outcomes: mpsc::UnboundedReceiver<Outcome>) -> HashMap<u64, Outcome> {
    let mut by_job = HashMap::new();
    while let Some(outcome) = outcomes.recv().await {
        let job = outcome.job;
        assert!(by_job.insert(job, outcome).is_none(), "job {job} ran twice");
    }
    by_job
}

/// The captured JSON lines that have a numeric `key` for which `keep` holds.
fn lines_with(key: &str, keep: impl Fn(u64) -> bool) -> Vec<serde_json::Value> {
    lines()
        .text()
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).expect("every line is JSON"))
        .filter(|line| line[key].as_u64().is_some_and(&keep))
        .collect()
}

/// What crossed the queue: only the propagated fields, exactly; nothing of `user` nor `token`.
fn assert_only_propagated_fields_were_queued(payloads: &HashMap<u64, Vec<String>>) {
    assert_eq!(payloads.len(), usize::try_from(REQUESTS).expect("small"));
    for (request, sent) in payloads {
        assert_eq!(
            sent.len(),
            usize::try_from(JOBS_PER_REQUEST).expect("small")
        );
        for text in sent {
            let payload: Payload = serde_json::from_str(text).expect("a payload");
            let expected = format!(
                "request_id={},tenant={}",
                request_id(*request),
                tenant(*request)
            );
            assert_eq!(
                payload.carrier,
                HashMap::from([("baggage".to_owned(), expected)]),
                "{text}"
            );
            for private in [&user(*request), &token(*request), "user", "token", "bearer"] {
                assert!(!text.contains(private), "{private:?} was queued: {text}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_job_runs_and_logs_under_the_request_that_queued_it() {
    lines();
    let (queue, outcomes) = start_worker();
    let mut requests = tokio::task::JoinSet::new();
    for request in 0..REQUESTS {
        let queue = queue.clone();
        // A plain spawn per request, the context entered inside it, as at an HTTP edge.
        requests.spawn(async move {
            let sent = request_context(request)
                .scope(handle_request(request, queue))
                .await;
            (request, sent)
        });
    }
    drop(queue);
    let mut payloads = HashMap::new();
    while let Some(done) = requests.join_next().await {
        let (request, sent) = done.expect("a request task");
        payloads.insert(request, sent);
    }
    let outcomes = collect(outcomes).await;

    assert_only_propagated_fields_were_queued(&payloads);

    // What each job read, four calls deep.
    let jobs = REQUESTS * JOBS_PER_REQUEST;
    assert_eq!(outcomes.len(), usize::try_from(jobs).expect("small"));
    for (job, outcome) in &outcomes {
        let request = job / JOBS_PER_REQUEST;
        assert!(
            !outcome.inherited,
            "job {job}: the worker task inherited a context"
        );
        let seen = outcome.result.as_ref().expect("every job has its context");
        assert_eq!(seen.request_id, request_id(request), "job {job}");
        assert_eq!(seen.tenant, tenant(request), "job {job}");
        assert!(
            seen.user.starts_with("job-runner-"),
            "job {job} runs as its runner, not as the request's user: {seen:?}"
        );
        assert_eq!(seen.token, WORKER_TOKEN, "job {job}");
    }

    // Every line a job logged carries its own request's id and tenant, and its runner.
    let job_lines = lines_with("job", |job| job < jobs);
    let mut depths: HashMap<u64, HashSet<u64>> = HashMap::new();
    for line in &job_lines {
        let job = line["job"].as_u64().expect("filtered");
        let request = job / JOBS_PER_REQUEST;
        assert_eq!(line["request_id"], request_id(request).as_str(), "{line}");
        assert_eq!(line["tenant"], tenant(request), "{line}");
        let Ok(seen) = &outcomes[&job].result else {
            unreachable!("checked above")
        };
        assert_eq!(line["user"], seen.user.as_str(), "{line}");
        let depth = line["depth"].as_u64().expect("job lines have a depth");
        assert!(
            depths.entry(job).or_default().insert(depth),
            "job {job} logged depth {depth} twice"
        );
    }
    assert_eq!(
        job_lines.len(),
        usize::try_from(jobs * 4).expect("small"),
        "four lines a job"
    );

    // The handlers' own lines carry the request's user: `user` stayed in its process.
    let handler_lines = lines_with("request", |request| request < REQUESTS);
    assert_eq!(
        handler_lines.len(),
        usize::try_from(REQUESTS * 2).expect("small")
    );
    for line in &handler_lines {
        let request = line["request"].as_u64().expect("filtered");
        assert_eq!(line["request_id"], request_id(request).as_str(), "{line}");
        assert_eq!(line["user"], user(request).as_str(), "{line}");
    }

    let output = lines().text();
    for request in 0..REQUESTS {
        assert!(
            !output.contains(&token(request)),
            "a request's token was logged"
        );
    }
    println!(
        "jobs: {REQUESTS} concurrent requests, {jobs} jobs, {} job lines, all under their own request",
        job_lines.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_that_need_encoding_survive_the_queue() {
    lines();
    let (queue, outcomes) = start_worker();
    let awkward = [
        ("r 1,é;x=%41\"\\", u64::MAX),
        ("", 0),
        ("日本語 / emoji 😀", 42),
    ];
    let mut sent = Vec::new();
    for (n, (id, tenant)) in (10_000..).zip(awkward) {
        let ctx = RequestCtx::builder()
            .request_id(id.to_owned())
            .tenant(tenant)
            .user("bob".to_owned())
            .token("t".to_owned())
            .build();
        let job = Job {
            id: n,
            order: n,
            amount_cents: 1,
        };
        sent.push(ctx.scope(enqueue(job, &queue)).await);
    }
    drop(queue);
    let outcomes = collect(outcomes).await;
    for (job, (id, tenant)) in (10_000..).zip(awkward) {
        let seen = outcomes[&job].result.as_ref().expect("the job ran");
        assert_eq!((seen.request_id.as_str(), seen.tenant), (id, tenant));
    }
    // On the wire, the baggage is percent-encoded visible ASCII.
    let payload: Payload = serde_json::from_str(&sent[0]).expect("a payload");
    assert_eq!(
        payload.carrier["baggage"],
        "request_id=r%201%2C%C3%A9%3Bx%3D%2541%22%5C,tenant=18446744073709551615"
    );
}

/// A context of another producer, whose tenant is a name.
#[derive(RequestContext)]
struct LegacyCtx {
    #[context(propagate)]
    request_id: String,
    #[context(propagate)]
    tenant: String,
}

/// Sends a hand-made payload, as a producer of another codebase (or an old version) would.
async fn send_raw(queue: &mpsc::Sender<String>, id: u64, carrier: &[(&str, &str)]) {
    let carrier = carrier
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let job = Job {
        id,
        order: id,
        amount_cents: 1,
    };
    let text = serde_json::to_string(&Payload { carrier, job }).expect("serializes");
    queue.send(text).await.expect("the worker runs");
}

/// Whether a refusal is the expected one.
type Expected = fn(&CarrierError) -> bool;

/// A job carrier of another producer, as name-value pairs.
type RawCarrier<'a> = Vec<(&'a str, &'a str)>;

/// Carriers of other producers the worker must refuse, with the refusal expected.
fn refused_carriers(huge: &str) -> Vec<(u64, RawCarrier<'_>, Expected)> {
    use CarrierError::{Duplicate, Fields, Invalid, Missing};
    vec![
        // Neither field: one refusal naming both.
        (20_002, vec![], |e| {
            matches!(e, Fields { errors } if matches!(
                errors.as_slice(),
                [Missing { field: "request_id" }, Missing { field: "tenant" }]
            ))
        }),
        // Other keys, but no baggage.
        (20_003, vec![("traceparent", "00-0af7-b7ad-01")], |e| {
            matches!(e, Fields { errors } if matches!(
                errors.as_slice(),
                [Missing { field: "request_id" }, Missing { field: "tenant" }]
            ))
        }),
        (20_004, vec![("baggage", "request_id=r-4")], |e| {
            matches!(e, Missing { field: "tenant" })
        }),
        (20_005, vec![("baggage", "request_id=r-5,tenant=-1")], |e| {
            matches!(
                e,
                Invalid {
                    field: "tenant",
                    ..
                }
            )
        }),
        (20_006, vec![("baggage", "request_id=r-6,tenant=")], |e| {
            matches!(
                e,
                Invalid {
                    field: "tenant",
                    ..
                }
            )
        }),
        (
            20_007,
            vec![("baggage", "request_id=a,request_id=b,tenant=7")],
            |e| {
                matches!(
                    e,
                    Duplicate {
                        field: "request_id"
                    }
                )
            },
        ),
        (
            20_008,
            vec![("baggage", "request_id=has space,tenant=8")],
            |e| matches!(e, Invalid { field: "request_id", reason } if reason.contains("percent-encoded")),
        ),
        (
            20_009,
            vec![("baggage", huge)],
            |e| matches!(e, Invalid { field: "request_id", reason } if reason.contains("8192 bytes")),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_without_good_baggage_is_refused_never_run_without_context() {
    lines();
    let (queue, outcomes) = start_worker();

    // Queued by the same producer code, outside any request: nothing to inject.
    let job = Job {
        id: 20_000,
        order: 0,
        amount_cents: 1,
    };
    enqueue(job, &queue).await;
    // Queued by a producer whose tenant is not a number.
    let mut legacy = HashMap::new();
    LegacyCtx::builder()
        .request_id("legacy-1".to_owned())
        .tenant("acme".to_owned())
        .build()
        .inject(&mut legacy)
        .expect("fits");
    let legacy = legacy["baggage"].clone();
    send_raw(&queue, 20_001, &[("baggage", &legacy)]).await;
    let huge = format!("request_id={},tenant=1", "x".repeat(9_000));
    let refused = refused_carriers(&huge);
    for (id, carrier, _) in &refused {
        send_raw(&queue, *id, carrier).await;
    }
    // Good baggage, plus entries trying to set the runner's own fields: those are ignored.
    let sneaky = "request_id=r-10,tenant=10,user=admin,token=stolen";
    send_raw(&queue, 20_010, &[("baggage", sneaky)]).await;
    drop(queue);
    let outcomes = collect(outcomes).await;
    assert_eq!(outcomes.len(), 11);

    let error = |job: u64| match &outcomes[&job].result {
        Err(error) => error.clone(),
        Ok(seen) => panic!("job {job} ran: {seen:?}"),
    };
    // The message names every missing field, for the dead-letter queue.
    assert_eq!(
        error(20_000),
        CarrierError::Fields {
            errors: vec![
                CarrierError::Missing {
                    field: "request_id"
                },
                CarrierError::Missing { field: "tenant" },
            ]
        }
    );
    let message = error(20_000).to_string();
    assert!(message.contains("`request_id` is missing"), "{message}");
    assert!(message.contains("`tenant` is missing"), "{message}");
    assert!(
        matches!(error(20_001), CarrierError::Invalid { field: "tenant", ref reason } if reason.contains("invalid digit")),
        "{:?}",
        error(20_001)
    );
    for (id, _, expected) in refused {
        assert!(expected(&error(id)), "job {id}: {:?}", error(id));
    }

    let seen = outcomes[&20_010]
        .result
        .as_ref()
        .expect("good baggage runs");
    assert_eq!((seen.request_id.as_str(), seen.tenant), ("r-10", 10));
    assert!(seen.user.starts_with("job-runner-"), "{seen:?}");
    assert_eq!(seen.token, WORKER_TOKEN);

    // A refused job logged its refusal, outside any context, and nothing else.
    let lines = lines_with("job", |job| (20_000..20_010).contains(&job));
    assert_eq!(lines.len(), 10, "one refusal line each: {lines:?}");
    for line in &lines {
        assert_eq!(line["message"], "worker: job refused", "{line}");
        assert!(line.get("request_id").is_none(), "{line}");
        assert!(line.get("depth").is_none(), "{line}");
    }
    assert_eq!(lines_with("job", |job| job == 20_010).len(), 4);
    assert!(outcomes.values().all(|outcome| !outcome.inherited));
}

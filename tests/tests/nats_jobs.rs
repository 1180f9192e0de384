//! Jobs through a real broker (feature `nats`): NATS JetStream, started by each test on a free
//! loopback port (`nats-server` on the PATH; the suite is skipped without it, and fails instead
//! when `CONTEXT_REQUIRE_NATS=1`, as in CI).
//!
//! Requests, each inside its own context, publish jobs whose message headers carry only the
//! `#[context(propagate)]` fields (W3C baggage, through a `Carrier` for NATS headers); workers
//! in other processes (`nats-job-worker`), started after every request has finished, rebuild
//! each job's context with `extract` and run the job inside it. Proved here: every job line of
//! 600 jobs carries its own request's id and tenant; a job held by a worker killed with SIGKILL
//! before its ack is redelivered to a fresh worker and runs under its own request's context,
//! never another's; messages of other producers without baggage, or with a malformed or forged
//! one, are refused with their reason logged and terminated, never run; no sensitive or
//! process-local value is in any header or payload the broker stored.

#![cfg(feature = "nats")]

mod nats;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};
use context_runtime::{CarrierError, SigningKeys};
use nats::{NatsHeaders, RequestCtx, STREAM, SUBJECT, WORKER_TOKEN};
use serde_json::Value;
use tokio::sync::mpsc;

/// How long a test waits for the worker lines it expects before it fails.
const WAIT: Duration = Duration::from_mins(1);

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
    format!("bearer-{request:04}-never-published")
}

fn request_context(request: u64) -> RequestCtx {
    RequestCtx::builder()
        .request_id(request_id(request))
        .tenant(tenant(request))
        .user(user(request))
        .token(token(request))
        .build()
}

/// The handler of one request, inside its context: publishes `jobs` jobs, numbered from
/// `request * jobs`; returns each job's id and its stream sequence.
async fn handle_request(js: jetstream::Context, request: u64, jobs: u64) -> Vec<(u64, u64)> {
    let mut published = Vec::new();
    for n in 0..jobs {
        tokio::task::yield_now().await;
        let job = request * jobs + n;
        published.push((job, enqueue(&js, job, request, 100 * n + 1).await));
    }
    published
}

/// Publishes a job with the current contexts' propagated fields in its headers; returns its
/// stream sequence once JetStream has stored it.
async fn enqueue(js: &jetstream::Context, job: u64, order: u64, amount_cents: u64) -> u64 {
    let mut headers = NatsHeaders::default();
    context_runtime::inject_current(&mut headers).expect("the propagated fields fit");
    let payload = nats::payload(job, order, amount_cents);
    js.publish_with_headers(SUBJECT, headers.0, payload.into())
        .await
        .expect("published")
        .await
        .expect("stored by JetStream")
        .sequence
}

/// Connects to the test's server and creates the job stream (limits retention: messages stay
/// after their ack, so the test can read back everything that was published) and a durable pull
/// consumer with explicit acks.
async fn broker(url: &str, ack_wait: Duration) -> (jetstream::Context, stream::Stream) {
    let client = async_nats::connect(url)
        .await
        .expect("the test's server runs");
    let js = jetstream::new(client);
    let stream = js
        .create_stream(stream::Config {
            name: STREAM.to_owned(),
            subjects: vec![SUBJECT.to_owned()],
            ..Default::default()
        })
        .await
        .expect("a stream");
    stream
        .create_consumer(consumer::pull::Config {
            durable_name: Some("workers".to_owned()),
            ack_policy: consumer::AckPolicy::Explicit,
            ack_wait,
            ..Default::default()
        })
        .await
        .expect("a consumer");
    (js, stream)
}

// ---- the workers: other processes -------------------------------------------------------------

/// A worker process; killed when dropped, so a failing test leaves none behind.
struct Worker {
    child: Child,
    runner: String,
}

/// A line of a worker's log, or its end.
struct Line {
    runner: String,
    line: Value,
}

impl Worker {
    /// Starts `nats-job-worker` with `mode`; its JSON lines go to `lines`.
    fn start(url: &str, runner: &str, mode: &[&str], lines: &mpsc::UnboundedSender<Line>) -> Self {
        Self::start_with(url, runner, mode, &[], lines)
    }

    /// `start`, with variables added to the worker's environment.
    fn start_with(
        url: &str,
        runner: &str,
        mode: &[&str],
        env: &[(&str, &str)],
        lines: &mpsc::UnboundedSender<Line>,
    ) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nats-job-worker"))
            .args([url, STREAM, "workers", runner])
            .args(mode)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the worker binary starts");
        let stdout = child.stdout.take().expect("piped");
        let (lines, name) = (lines.clone(), runner.to_owned());
        std::thread::spawn(move || {
            for text in BufReader::new(stdout).lines().map_while(Result::ok) {
                let line = serde_json::from_str(&text)
                    .unwrap_or_else(|error| panic!("a worker line is not JSON ({error}): {text}"));
                let _ = lines.send(Line {
                    runner: name.clone(),
                    line,
                });
            }
        });
        Self {
            child,
            runner: runner.to_owned(),
        }
    }

    /// Closes the worker's stdin (it finishes its jobs and exits) and asserts it exited 0.
    async fn stop(mut self) {
        drop(self.child.stdin.take());
        let mut child = std::mem::replace(
            &mut self.child,
            Command::new("true").spawn().expect("a placeholder"),
        );
        let status = tokio::time::timeout(WAIT, tokio::task::spawn_blocking(move || child.wait()))
            .await
            .expect("the worker exits once its stdin is closed")
            .expect("waited")
            .expect("a status");
        assert!(status.success(), "{}: {status}", self.runner);
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Collects worker lines until `done` holds for what was collected, or fails after `WAIT`.
async fn collect_until(
    lines: &mut mpsc::UnboundedReceiver<Line>,
    collected: &mut Vec<Line>,
    done: impl Fn(&[Line]) -> bool,
) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !done(collected) {
        let next = tokio::time::timeout_at(deadline, lines.recv())
            .await
            .unwrap_or_else(|_| {
                let last: Vec<_> = collected.iter().rev().take(10).map(|l| &l.line).collect();
                panic!("the workers did not finish within {WAIT:?}; their last lines: {last:#?}")
            });
        collected.push(next.expect("the workers' output ended early"));
    }
}

/// Runs one worker (`worker-a`, with `env`) until every one of the `published` messages is
/// settled (acked or terminated) and the consumer agrees; stops it; returns its lines.
async fn run_until_settled(
    server: &nats::NatsServer,
    stream: &stream::Stream,
    published: u64,
    env: &[(&str, &str)],
) -> Vec<Line> {
    let (sender, mut lines) = mpsc::unbounded_channel();
    let worker = Worker::start_with(server.url(), "worker-a", &["run"], env, &sender);
    let mut collected = Vec::new();
    let expected = usize::try_from(published).expect("small");
    collect_until(&mut lines, &mut collected, |lines| {
        with_message(lines, "worker: acked").count()
            + with_message(lines, "worker: terminated").count()
            >= expected
    })
    .await;
    assert_all_settled(stream, published).await;
    worker.stop().await;
    collected
}

/// Every refusal, by stream sequence, with its reason: each logged once, outside any context (no
/// context field on the line), and terminated, and nothing else terminated.
fn refusals(collected: &[Line]) -> HashMap<u64, String> {
    let mut refused = HashMap::new();
    for line in with_message(collected, "worker: job refused") {
        let seq = line.line["seq"].as_u64().expect("a sequence");
        let reason = line.line["reason"].as_str().expect("a reason").to_owned();
        for key in ["request_id", "tenant", "user", "job"] {
            assert!(
                line.line.get(key).is_none(),
                "{key} on a refusal: {}",
                line.line
            );
        }
        assert!(
            refused.insert(seq, reason).is_none(),
            "message {seq} refused twice"
        );
    }
    let terminated: HashSet<u64> = with_message(collected, "worker: terminated")
        .map(|line| line.line["seq"].as_u64().expect("a sequence"))
        .collect();
    assert_eq!(terminated, refused.keys().copied().collect::<HashSet<_>>());
    refused
}

/// The jobs that ran, and how many of their lines did not carry the request id and tenant
/// `expected` gives for their job (and the runner's own user).
fn jobs_run(collected: &[Line], expected: impl Fn(u64) -> (String, u64)) -> (HashSet<u64>, usize) {
    let (mut ran, mut mismatches) = (HashSet::new(), 0);
    for line in collected {
        let Some(job) = line.line["job"].as_u64() else {
            continue;
        };
        let (id, tenant) = expected(job);
        let own = line.line["request_id"] == id.as_str()
            && line.line["tenant"] == tenant
            && line.line["user"] == line.runner.as_str();
        mismatches += usize::from(!own);
        ran.insert(job);
    }
    (ran, mismatches)
}

fn message(line: &Line) -> &str {
    line.line["message"].as_str().unwrap_or_default()
}

/// The lines with `message`.
fn with_message<'a>(lines: &'a [Line], wanted: &'a str) -> impl Iterator<Item = &'a Line> {
    lines.iter().filter(move |line| message(line) == wanted)
}

/// The state of the workers' consumer, as the server reports it.
async fn workers_info(stream: &stream::Stream) -> consumer::Info {
    stream
        .get_consumer::<consumer::pull::Config>("workers")
        .await
        .expect("the consumer")
        .get_info()
        .await
        .expect("its info")
}

/// Asserts the consumer has nothing left: every message delivered and settled (acked or
/// terminated), none pending.
async fn assert_all_settled(stream: &stream::Stream, published: u64) {
    let info = workers_info(stream).await;
    assert_eq!(info.num_pending, 0, "{info:?}");
    assert_eq!(info.num_ack_pending, 0, "{info:?}");
    assert_eq!(info.ack_floor.stream_sequence, published, "{info:?}");
}

/// Checks one job line against the request that published the job: its id and tenant, and the
/// runner's own user (never the request's); returns whether it matched.
fn carries_its_request(line: &Line, request: u64) -> bool {
    line.line["request_id"] == request_id(request).as_str()
        && line.line["tenant"] == tenant(request)
        && line.line["user"] == line.runner.as_str()
}

// ---- the tests --------------------------------------------------------------------------------

const REQUESTS: u64 = 200;
const JOBS_PER_REQUEST: u64 = 3;
/// received, four job lines, acked.
const LINES_PER_JOB: usize = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_job_runs_under_its_own_request_in_workers_started_after_the_requests() {
    let Some(server) = nats::server_or_skip("nats_jobs") else {
        return;
    };
    let (js, stream) = broker(server.url(), Duration::from_secs(30)).await;

    // 200 concurrent requests, each in its own context, publish 600 jobs and end.
    let mut requests = tokio::task::JoinSet::new();
    for request in 0..REQUESTS {
        let js = js.clone();
        requests.spawn(request_context(request).scope(handle_request(
            js,
            request,
            JOBS_PER_REQUEST,
        )));
    }
    let mut sequences = HashMap::new();
    while let Some(done) = requests.join_next().await {
        let published = done.expect("a request task");
        for (job, seq) in published {
            assert!(sequences.insert(seq, job).is_none(), "one sequence a job");
        }
    }
    let jobs = REQUESTS * JOBS_PER_REQUEST;
    assert_eq!(sequences.len(), usize::try_from(jobs).expect("small"));

    // Only now, with every request finished, two competing workers start, in other processes.
    let (sender, mut lines) = mpsc::unbounded_channel();
    let workers = [
        Worker::start(server.url(), "worker-a", &["run"], &sender),
        Worker::start(server.url(), "worker-b", &["run"], &sender),
    ];
    let mut collected = Vec::new();
    let expected = usize::try_from(jobs).expect("small");
    collect_until(&mut lines, &mut collected, |lines| {
        with_message(lines, "worker: acked").count() >= expected
    })
    .await;
    assert_all_settled(&stream, jobs).await;
    for worker in workers {
        worker.stop().await;
    }
    drop(sender);
    while let Some(line) = lines.recv().await {
        collected.push(line);
    }

    // Every job line of every job carries the job's own request; each job ran once, first time.
    let (mut job_lines, mut mismatches, mut redelivered) = (0_usize, 0_usize, 0_usize);
    let mut acked = HashSet::new();
    let mut by_runner: HashMap<&str, usize> = HashMap::new();
    for line in &collected {
        assert!(
            message(line) != "worker: job refused",
            "no job of a request is refused: {}",
            line.line
        );
        let Some(job) = line.line["job"].as_u64() else {
            continue;
        };
        job_lines += 1;
        let request = job / JOBS_PER_REQUEST;
        if !carries_its_request(line, request) {
            mismatches += 1;
            eprintln!("job {job} of request {request}: {}", line.line);
        }
        if line.line["depth"] == 4 {
            assert_eq!(line.line["ledger_request_id"], request_id(request).as_str());
            assert_eq!(line.line["ledger_tenant"], tenant(request));
        }
        if message(line) == "worker: acked" {
            assert!(acked.insert(job), "job {job} was acked twice");
            let seq = line.line["seq"].as_u64().expect("a sequence");
            assert_eq!(sequences[&seq], job, "the message at {seq} is job {job}'s");
            redelivered += usize::from(line.line["delivered"] != 1);
            *by_runner.entry(line.runner.as_str()).or_default() += 1;
        }
    }
    assert_eq!(mismatches, 0, "job lines under another request's context");
    assert_eq!(acked.len(), expected);
    assert_eq!(job_lines, expected * LINES_PER_JOB);
    assert_eq!(redelivered, 0, "ack_wait is 30 s: nothing is redelivered");

    assert_nothing_private_was_published(&stream, &sequences).await;
    // Nor did any reach the workers' lines: what a worker knows of a request is its headers.
    let output: String = collected.iter().map(|l| l.line.to_string()).collect();
    assert!(
        !output.contains("bearer-") && !output.contains("-pii"),
        "a request's token or user reached a worker"
    );
    println!(
        "nats_jobs: {REQUESTS} concurrent requests, {jobs} messages, {job_lines} worker job lines \
         in 2 worker processes started after the requests ({by_runner:?} jobs each), \
         redeliveries {redelivered}, mismatches {mismatches}"
    );
}

/// Reads back every message the stream stored: its only header is `baggage`, holding exactly the
/// propagated fields of the job's request; nothing of `user` nor `token`, in headers or payload.
async fn assert_nothing_private_was_published(
    stream: &stream::Stream,
    sequences: &HashMap<u64, u64>,
) {
    for (&seq, &job) in sequences {
        let request = job / JOBS_PER_REQUEST;
        let stored = stream.get_raw_message(seq).await.expect("a stored message");
        let headers: Vec<(String, Vec<String>)> = stored
            .headers
            .iter()
            .map(|(name, values)| {
                (
                    name.to_string(),
                    values.iter().map(|v| v.as_str().to_owned()).collect(),
                )
            })
            .collect();
        let expected = format!(
            "request_id={},tenant={}",
            request_id(request),
            tenant(request)
        );
        assert_eq!(
            headers,
            [("baggage".to_owned(), vec![expected])],
            "message {seq}"
        );
        let payload = String::from_utf8(stored.payload.to_vec()).expect("text");
        let everything = format!("{headers:?} {payload}");
        for private in [&user(request), &token(request), "user", "token", "bearer"] {
            assert!(
                !everything.contains(private),
                "{private:?} was published: {everything}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_held_by_a_killed_worker_is_redelivered_under_its_own_request() {
    const JOBS: u64 = 12;
    const HELD: usize = 4;
    let Some(server) = nats::server_or_skip("nats_jobs") else {
        return;
    };
    // A short ack_wait: the held messages are redelivered 2 s after the dead worker got them.
    let (js, stream) = broker(server.url(), Duration::from_secs(2)).await;
    let mut sequences = HashMap::new();
    for request in 0..JOBS {
        let published = request_context(request)
            .scope(handle_request(js.clone(), request, 1))
            .await;
        sequences.extend(published.into_iter().map(|(job, seq)| (seq, job)));
    }

    // Worker A receives 4 jobs, logs each inside its context, and is killed before any ack.
    let (sender, mut lines) = mpsc::unbounded_channel();
    let mut crashing = Worker::start(
        server.url(),
        "worker-a",
        &["hold", &HELD.to_string()],
        &sender,
    );
    let mut collected = Vec::new();
    collect_until(&mut lines, &mut collected, |lines| {
        with_message(lines, "worker: holding").count() == 1
    })
    .await;
    let consumer_info = workers_info(&stream).await;
    assert_eq!(
        consumer_info.num_ack_pending, HELD,
        "delivered to A, not acked"
    );
    crashing.child.kill().expect("SIGKILL");
    let status = crashing.child.wait().expect("reaped");
    assert_eq!(
        status.signal(),
        Some(9),
        "A was killed, not stopped: {status}"
    );
    drop(crashing);

    let mut held = HashMap::new();
    for line in with_message(&collected, "worker: received") {
        let job = line.line["job"].as_u64().expect("a job");
        assert!(carries_its_request(line, job), "{}", line.line);
        assert_eq!(line.line["delivered"], 1);
        held.insert(line.line["seq"].as_u64().expect("a sequence"), job);
    }
    assert_eq!(held.len(), HELD);

    // A fresh worker gets everything: the 8 never delivered, then the 4 A held, redelivered.
    let worker = Worker::start(server.url(), "worker-b", &["run"], &sender);
    let mut fresh = Vec::new();
    let expected = usize::try_from(JOBS).expect("small");
    collect_until(&mut lines, &mut fresh, |lines| {
        with_message(lines, "worker: acked").count() >= expected
    })
    .await;
    assert_all_settled(&stream, JOBS).await;
    worker.stop().await;

    let (mut redelivered, mut mismatches) = (0, 0);
    for line in &fresh {
        let Some(job) = line.line["job"].as_u64() else {
            continue;
        };
        assert_eq!(line.runner, "worker-b");
        mismatches += usize::from(!carries_its_request(line, job));
        if message(line) == "worker: acked" {
            let seq = line.line["seq"].as_u64().expect("a sequence");
            assert_eq!(sequences[&seq], job);
            let delivered = line.line["delivered"].as_u64().expect("a count");
            if held.contains_key(&seq) {
                assert_eq!(delivered, 2, "job {job}: A's delivery, then B's");
                redelivered += 1;
            } else {
                assert_eq!(delivered, 1, "job {job} was never held");
            }
        }
    }
    assert_eq!(
        mismatches, 0,
        "a redelivered job under another request's context"
    );
    assert_eq!(redelivered, HELD);
    println!(
        "nats_jobs: {JOBS} messages, {HELD} held by a worker killed with SIGKILL before its ack, \
         redeliveries {redelivered} (each delivered twice, run by a fresh worker), mismatches \
         {mismatches}"
    );
}

/// Publishes with the headers as given, as a service that does not use this library would.
async fn publish_raw(js: &jetstream::Context, headers: &[(&str, &str)], payload: &str) -> u64 {
    let mut map = async_nats::HeaderMap::new();
    for (name, value) in headers {
        map.append(*name, *value);
    }
    let published = if headers.is_empty() {
        js.publish(SUBJECT, payload.to_owned().into()).await
    } else {
        js.publish_with_headers(SUBJECT, map, payload.to_owned().into())
            .await
    };
    published
        .expect("published")
        .await
        .expect("stored by JetStream")
        .sequence
}

const TRACEPARENT: (&str, &str) = (
    "traceparent",
    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
);

/// What other producers send, with the start of the reason each is refused for (the
/// `CarrierError`'s message).
fn other_producers() -> Vec<(Vec<(&'static str, &'static str)>, String)> {
    let neither = CarrierError::Fields {
        errors: vec![
            CarrierError::Missing {
                field: "request_id",
            },
            CarrierError::Missing { field: "tenant" },
        ],
    }
    .to_string();
    let unreadable = |field| format!("the carrier's `{field}` could not be read: ");
    vec![
        (vec![], neither.clone()),
        (vec![TRACEPARENT], neither.clone()),
        (
            vec![("baggage", "request_id=r-x")],
            CarrierError::Missing { field: "tenant" }.to_string(),
        ),
        (
            vec![("baggage", "request_id=r-x,tenant=seven")],
            unreadable("tenant"),
        ),
        // Forged to ride on a request of ours: two ids, one of them real.
        (
            vec![("baggage", "request_id=req-0001,request_id=evil,tenant=2")],
            CarrierError::Duplicate {
                field: "request_id",
            }
            .to_string(),
        ),
        (
            vec![("baggage", "request_id=has space,tenant=3")],
            unreadable("request_id"),
        ),
        // An HTTP habit: NATS header names are case-sensitive, and this one is not ours.
        (vec![("Baggage", "request_id=r-y,tenant=4")], neither),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_without_good_baggage_are_refused_with_their_reason_never_run() {
    let Some(server) = nats::server_or_skip("nats_jobs") else {
        return;
    };
    let (js, stream) = broker(server.url(), Duration::from_secs(30)).await;
    // Each message of another producer follows a good job of ours, so a worker that leaked one
    // job's context into the next would run it under that request.
    let others = other_producers();
    let mut expected_refusals = HashMap::new();
    for (n, (headers, reason)) in (0_u64..).zip(&others) {
        request_context(n)
            .scope(handle_request(js.clone(), n, 1))
            .await;
        let seq = publish_raw(&js, headers, &nats::payload(900, 900, 1)).await;
        expected_refusals.insert(seq, reason.clone());
    }
    // Good baggage by hand from a service without this library, beside entries of its own and
    // other headers: read leniently, it runs under its own request.
    let foreign_baggage = (
        "baggage",
        "vendor=acme,request_id=ext-1,tenant=9,not an entry",
    );
    publish_raw(
        &js,
        &[foreign_baggage, TRACEPARENT],
        &nats::payload(901, 901, 1),
    )
    .await;
    // Good baggage, a payload that is not a job.
    let not_a_job = request_context(50)
        .scope(async {
            let mut headers = NatsHeaders::default();
            context_runtime::inject_current(&mut headers).expect("fits");
            publish(&js, headers.0, "{not json").await
        })
        .await;
    expected_refusals.insert(not_a_job, "the payload is not JSON".to_owned());
    let published = u64::try_from(others.len() * 2 + 2).expect("small");

    let collected = run_until_settled(&server, &stream, published, &[]).await;

    // Each refused with its reason, outside any context, and terminated; none ran.
    let refused = refusals(&collected);
    assert_eq!(refused.len(), others.len() + 1, "one refusal line each");
    for (seq, expected) in &expected_refusals {
        let reason = &refused[seq];
        assert!(
            reason.starts_with(expected.as_str()),
            "message {seq}: {reason:?} should say {expected:?}"
        );
    }
    // Only the good jobs ran, each under its own request; the foreign one under its own.
    let (ran, mismatches) = jobs_run(&collected, |job| {
        if job == 901 {
            ("ext-1".to_owned(), 9)
        } else {
            (request_id(job), tenant(job))
        }
    });
    assert_eq!(mismatches, 0);
    let mut expected_ran: HashSet<u64> = (0..u64::try_from(others.len()).expect("small")).collect();
    expected_ran.insert(901);
    assert_eq!(
        ran, expected_ran,
        "the good jobs and the foreign one; no refused job"
    );
    let output: String = collected.iter().map(|l| l.line.to_string()).collect();
    assert!(!output.contains("evil"), "a forged id reached a log line");
    assert!(
        !output.contains(WORKER_TOKEN),
        "the worker's token is sensitive"
    );
    println!(
        "nats_jobs: {published} messages, {} refused with their reason and terminated \
         ({} without usable baggage, 1 not a job), {} run, mismatches {mismatches}",
        refused.len(),
        others.len(),
        ran.len()
    );
}

/// The key the producers and the signing worker share (a secret store's, in a real deployment).
const KEY_ID: &str = "2026-11";
const SECRET: &str = "thirty-two-bytes-of-shared-key!!";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_baggage_is_refused_by_a_worker_that_believes_only_signed_fields() {
    let Some(server) = nats::server_or_skip("nats_jobs") else {
        return;
    };
    let (js, stream) = broker(server.url(), Duration::from_secs(30)).await;
    let keys = SigningKeys::new(KEY_ID, SECRET).expect("a valid key");

    // Four requests of ours sign what they publish.
    for request in 0..4 {
        request_context(request)
            .scope(async {
                let mut headers = NatsHeaders::default();
                keys.inject_current(&mut headers).expect("fits");
                publish(&js, headers.0, &nats::payload(request, request, 1)).await
            })
            .await;
    }
    // What a producer without our key can send, claiming a request of ours with tenant 999:
    // unsigned, a captured signed baggage with the tenant changed, signed with a key id we do
    // not accept, signed under our key id with another secret, no baggage. Each is refused with
    // its own error; none runs.
    let captured = stream.get_raw_message(1).await.expect("stored").headers;
    let captured = captured.get("baggage").expect("signed baggage").as_str();
    assert!(captured.contains(",tenant=1,context-sig="), "{captured}");
    let tampered = captured.replacen(",tenant=1,", ",tenant=999,", 1);
    let unsigned = format!("request_id={},tenant=999", request_id(1));
    let mut refused = HashMap::from([
        (
            publish_raw(&js, &[("baggage", &unsigned)], &nats::payload(101, 101, 1)).await,
            CarrierError::Unsigned,
        ),
        (
            publish_raw(&js, &[("baggage", &tampered)], &nats::payload(102, 102, 1)).await,
            CarrierError::SignatureMismatch,
        ),
        (
            publish_raw(&js, &[], &nats::payload(103, 103, 1)).await,
            CarrierError::Unsigned,
        ),
    ]);
    for (keys, error) in [
        (
            SigningKeys::new("attacker", SECRET),
            CarrierError::UnknownSigningKey,
        ),
        (
            SigningKeys::new(KEY_ID, "another-thirty-two-bytes-secret!"),
            CarrierError::SignatureMismatch,
        ),
    ] {
        let keys = keys.expect("a valid key");
        let forger = RequestCtx::builder()
            .request_id(request_id(1))
            .tenant(999)
            .user("mallory".to_owned())
            .token(String::new())
            .build();
        let seq = forger
            .scope(async {
                let mut headers = NatsHeaders::default();
                keys.inject_current(&mut headers).expect("fits");
                publish(&js, headers.0, &nats::payload(100, 100, 1)).await
            })
            .await;
        refused.insert(seq, error);
    }
    let published = u64::try_from(4 + refused.len()).expect("small");

    let key = format!("{KEY_ID}:{SECRET}");
    let env = [("JOB_SIGNING_KEY", key.as_str())];
    let collected = run_until_settled(&server, &stream, published, &env).await;

    let reasons = refusals(&collected);
    assert_eq!(reasons.len(), refused.len());
    for (seq, error) in &refused {
        assert_eq!(reasons[seq], error.to_string(), "message {seq}");
    }
    let (ran, mismatches) = jobs_run(&collected, |job| (request_id(job), tenant(job)));
    assert_eq!(mismatches, 0);
    assert_eq!(ran, HashSet::from([0, 1, 2, 3]), "only the signed jobs ran");
    for line in &collected {
        assert_ne!(line.line["tenant"], 999, "a forged tenant was believed");
        assert!(!line.line.to_string().contains("mallory"), "{}", line.line);
    }
    println!(
        "nats_jobs: {published} messages to a worker that believes only signed fields: 4 signed \
         run, {} forged refused (unsigned, tampered, unknown key, wrong secret, none), \
         mismatches {mismatches}",
        reasons.len()
    );
}

/// Publishes with these headers; returns the stream sequence once stored.
async fn publish(js: &jetstream::Context, headers: async_nats::HeaderMap, payload: &str) -> u64 {
    js.publish_with_headers(SUBJECT, headers, payload.to_owned().into())
        .await
        .expect("published")
        .await
        .expect("stored by JetStream")
        .sequence
}

//! The job worker of the `nats_jobs` suite: a process of its own, which shares nothing with the
//! requests that queued its jobs but the broker. It consumes a JetStream pull consumer, rebuilds
//! each job's context from the message headers with `extract`, and runs the job inside it; its
//! log is JSON lines on stdout, each carrying the context's `log` fields.
//!
//! `nats-job-worker URL STREAM CONSUMER RUNNER run`: runs jobs until its stdin closes, then
//! exits once every job it started is acknowledged.
//! `nats-job-worker URL STREAM CONSUMER RUNNER hold N`: receives N jobs, logs each inside its
//! context, acknowledges none and waits to be killed (a worker that crashes mid-job).

use std::process::ExitCode;

use async_nats::jetstream::{self, AckKind, consumer::PullConsumer};
use context_runtime::LogContext;
use tokio_stream::StreamExt;

#[path = "../../tests/nats/mod.rs"]
mod nats;

use nats::{NatsHeaders, RequestCtx, WORKER_TOKEN};

type Error = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .json()
        .event_format(LogContext::json(
            tracing_subscriber::fmt::format().json().flatten_event(true),
        ))
        .with_writer(std::io::stdout)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [url, stream, consumer, runner, mode] if mode == "run" => {
            run(&consumer_of(url, stream, consumer).await, runner).await
        }
        [url, stream, consumer, runner, mode, n] if mode == "hold" => match n.parse() {
            Ok(n) => hold(&consumer_of(url, stream, consumer).await, runner, n).await,
            Err(error) => Err(format!("hold N: {error}").into()),
        },
        _ => Err("usage: nats-job-worker URL STREAM CONSUMER RUNNER (run | hold N)".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("nats-job-worker: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn consumer_of(
    url: &str,
    stream: &str,
    consumer: &str,
) -> (async_nats::Client, PullConsumer) {
    let client = async_nats::connect(url)
        .await
        .expect("the suite's server runs");
    let jetstream = jetstream::new(client.clone());
    let consumer = jetstream
        .get_stream(stream)
        .await
        .expect("the suite created the stream")
        .get_consumer(consumer)
        .await
        .expect("the suite created the consumer");
    (client, consumer)
}

/// Runs every job delivered, each in a task of its own (plain spawns: nothing is inherited), until
/// stdin closes; then waits for the jobs started and flushes their acknowledgements.
async fn run(
    (client, consumer): &(async_nats::Client, PullConsumer),
    runner: &str,
) -> Result<(), Error> {
    let mut stdin_closed = stdin_closed();
    let mut messages = consumer.messages().await?;
    let mut running = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stdin_closed => break,
            next = messages.next() => match next {
                Some(Ok(message)) => {
                    running.spawn(handle(message, runner.to_owned()));
                }
                Some(Err(error)) => tracing::warn!(%error, "worker: pull failed"),
                None => break,
            },
        }
    }
    while let Some(done) = running.join_next().await {
        done?;
    }
    client.flush().await?;
    Ok(())
}

/// Receives `n` jobs, logs each inside its context, acknowledges none, and waits to be killed.
async fn hold(
    (_, consumer): &(async_nats::Client, PullConsumer),
    runner: &str,
    n: usize,
) -> Result<(), Error> {
    let mut batch = consumer
        .batch()
        .max_messages(n)
        .expires(std::time::Duration::from_secs(30))
        .messages()
        .await?;
    let mut held = Vec::new();
    while let Some(message) = batch.next().await {
        let message = message?;
        handle_held(&message, runner);
        held.push(message);
    }
    tracing::info!(held = held.len(), "worker: holding");
    std::future::pending::<()>().await;
    Ok(())
}

/// What a worker knows of a message before running it.
struct Delivery {
    seq: u64,
    delivered: i64,
    ctx: Result<RequestCtx, String>,
    job: Result<Job, String>,
}

struct Job {
    id: u64,
    order: u64,
    amount_cents: u64,
}

/// The context from the headers (the runner's own user and token beside the propagated fields),
/// and the job from the payload.
fn delivery(message: &jetstream::Message, runner: &str) -> Delivery {
    let (seq, delivered) = message
        .info()
        .map_or((0, 0), |info| (info.stream_sequence, info.delivered));
    let headers = NatsHeaders(message.headers.clone().unwrap_or_default());
    let ctx = RequestCtx::extract(&headers)
        .map(|builder| {
            builder
                .user(runner.to_owned())
                .token(WORKER_TOKEN.to_owned())
                .build()
        })
        .map_err(|error| error.to_string());
    let job = serde_json::from_slice::<serde_json::Value>(&message.payload)
        .map_err(|error| format!("the payload is not JSON: {error}"))
        .and_then(|value| {
            let field = |name: &str| {
                value[name]
                    .as_u64()
                    .ok_or_else(|| format!("the payload has no numeric `{name}`"))
            };
            Ok(Job {
                id: field("job")?,
                order: field("order")?,
                amount_cents: field("amount_cents")?,
            })
        });
    Delivery {
        seq,
        delivered,
        ctx,
        job,
    }
}

/// One job: run inside the context its message carried, then acknowledged (and the server's
/// confirmation awaited); or refused, its reason logged outside any context, and terminated so
/// that it is never redelivered.
async fn handle(message: jetstream::Message, runner: String) {
    let Delivery {
        seq,
        delivered,
        ctx,
        job,
    } = delivery(&message, &runner);
    match (ctx, job) {
        (Ok(ctx), Ok(job)) => {
            ctx.scope(async move {
                tracing::info!(job = job.id, seq, delivered, "worker: received");
                process(&job).await;
                match message.double_ack().await {
                    Ok(()) => tracing::info!(job = job.id, seq, delivered, "worker: acked"),
                    Err(error) => tracing::error!(job = job.id, seq, %error, "worker: ack failed"),
                }
            })
            .await;
        }
        (Err(reason), _) | (_, Err(reason)) => {
            tracing::warn!(seq, delivered, %reason, "worker: job refused");
            match message.double_ack_with(AckKind::Term).await {
                Ok(()) => tracing::info!(seq, "worker: terminated"),
                Err(error) => tracing::error!(seq, %error, "worker: termination failed"),
            }
        }
    }
}

fn handle_held(message: &jetstream::Message, runner: &str) {
    let Delivery {
        seq,
        delivered,
        ctx,
        job,
    } = delivery(message, runner);
    match (ctx, job) {
        (Ok(ctx), Ok(job)) => ctx.sync_scope(|| {
            tracing::info!(job = job.id, seq, delivered, "worker: received");
        }),
        (Err(reason), _) | (_, Err(reason)) => {
            tracing::warn!(seq, delivered, %reason, "worker: job refused");
        }
    }
}

// ---- the job: four calls deep, no context parameter --------------------------------------------

async fn process(job: &Job) {
    tracing::info!(job = job.id, depth = 1, "job: processing order");
    tokio::task::yield_now().await;
    charge(job).await;
}

async fn charge(job: &Job) {
    tracing::info!(
        job = job.id,
        depth = 2,
        amount = job.amount_cents,
        "job: charging"
    );
    tokio::task::yield_now().await;
    ledger(job).await;
}

async fn ledger(job: &Job) {
    tracing::info!(job = job.id, depth = 3, "job: writing the ledger");
    tokio::task::yield_now().await;
    record(job);
}

fn record(job: &Job) {
    // Read four calls deep, with no parameter: what the job would write to the ledger.
    let (request_id, tenant) = RequestCtx::with(|c| (c.request_id().clone(), *c.tenant()));
    tracing::info!(
        job = job.id,
        depth = 4,
        order = job.order,
        ledger_request_id = %request_id,
        ledger_tenant = tenant,
        "job: recorded"
    );
}

/// Resolves when stdin reaches its end (the suite closes it to stop the worker).
fn stdin_closed() -> tokio::sync::oneshot::Receiver<()> {
    let (closed, on_close) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        let _ = closed.send(());
    });
    on_close
}

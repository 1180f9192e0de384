//! The job worker of the `nats_jobs` suite: a process of its own, which shares nothing with the
//! requests that queued its jobs but the broker. It consumes a JetStream pull consumer, rebuilds
//! each job's context from the message headers with `extract`, and runs the job inside it; its
//! log is JSON lines on stdout, each carrying the context's `log` fields.
//!
//! `nats-job-worker URL STREAM CONSUMER RUNNER run`: runs jobs until its stdin closes, then
//! exits once every job it started is acknowledged.
//! `nats-job-worker URL STREAM CONSUMER RUNNER hold N`: receives N jobs, logs each inside its
//! context, acknowledges none and waits to be killed (a worker that crashes mid-job).
//!
//! With `JOB_SIGNING_KEY=KEY_ID:SECRET` in its environment, the worker believes only signed
//! fields: the context is built from what `SigningKeys::verify` returns, with `from_baggage`.

use std::process::ExitCode;

use async_nats::jetstream::{self, AckKind, consumer::PullConsumer};
use context_runtime::{LogContext, SigningKeys};
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
    match start(&std::env::args().skip(1).collect::<Vec<_>>()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("nats-job-worker: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn start(args: &[String]) -> Result<(), Error> {
    let [url, stream, consumer, runner, mode, rest @ ..] = args else {
        return Err("usage: nats-job-worker URL STREAM CONSUMER RUNNER (run | hold N)".into());
    };
    let worker = Worker {
        runner: runner.clone(),
        keys: signing_keys()?,
    };
    let client = async_nats::connect(url.as_str()).await?;
    let consumer: PullConsumer = jetstream::new(client.clone())
        .get_stream(stream)
        .await?
        .get_consumer(consumer)
        .await?;
    match (mode.as_str(), rest) {
        ("run", []) => worker.run(&client, &consumer).await,
        ("hold", [n]) => worker.hold(&consumer, n.parse()?).await,
        _ => Err(format!("unknown mode {mode:?} {rest:?}: run, or hold N").into()),
    }
}

/// `JOB_SIGNING_KEY=KEY_ID:SECRET`, when set.
fn signing_keys() -> Result<Option<SigningKeys>, Error> {
    let Ok(key) = std::env::var("JOB_SIGNING_KEY") else {
        return Ok(None);
    };
    let (id, secret) = key
        .split_once(':')
        .ok_or("JOB_SIGNING_KEY is KEY_ID:SECRET")?;
    Ok(Some(SigningKeys::new(id, secret)?))
}

/// Who runs the jobs, and whether it believes only signed fields.
#[derive(Clone)]
struct Worker {
    runner: String,
    keys: Option<SigningKeys>,
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

impl Worker {
    /// Runs every job delivered, each in a task of its own (plain spawns: nothing is inherited),
    /// until stdin closes; then waits for the jobs started and flushes their acknowledgements.
    async fn run(&self, client: &async_nats::Client, consumer: &PullConsumer) -> Result<(), Error> {
        let mut stdin_closed = stdin_closed();
        let mut messages = consumer.messages().await?;
        let mut running = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                _ = &mut stdin_closed => break,
                next = messages.next() => match next {
                    Some(Ok(message)) => {
                        running.spawn(self.clone().handle(message));
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

    /// Receives `n` jobs, logs each inside its context, acknowledges none, and waits to be
    /// killed.
    async fn hold(&self, consumer: &PullConsumer, n: usize) -> Result<(), Error> {
        let mut batch = consumer
            .batch()
            .max_messages(n)
            .expires(std::time::Duration::from_secs(30))
            .messages()
            .await?;
        let mut held = Vec::new();
        while let Some(message) = batch.next().await {
            let message = message?;
            let Delivery {
                seq,
                delivered,
                ctx,
                job,
            } = self.delivery(&message);
            match (ctx, job) {
                (Ok(ctx), Ok(job)) => ctx.sync_scope(|| {
                    tracing::info!(job = job.id, seq, delivered, "worker: received");
                }),
                (Err(reason), _) | (_, Err(reason)) => {
                    tracing::warn!(seq, delivered, %reason, "worker: job refused");
                }
            }
            held.push(message);
        }
        tracing::info!(held = held.len(), "worker: holding");
        std::future::pending::<()>().await;
        Ok(())
    }

    /// The context from the headers (the runner's own user and token beside the propagated
    /// fields; only the signed ones with `JOB_SIGNING_KEY`), and the job from the payload.
    fn delivery(&self, message: &jetstream::Message) -> Delivery {
        let (seq, delivered) = message
            .info()
            .map_or((0, 0), |info| (info.stream_sequence, info.delivered));
        let headers = NatsHeaders(message.headers.clone().unwrap_or_default());
        let builder = match &self.keys {
            None => RequestCtx::extract(&headers),
            Some(keys) => keys
                .verify(&headers)
                .and_then(|signed| RequestCtx::from_baggage(&signed)),
        };
        let ctx = builder
            .map(|builder| {
                builder
                    .user(self.runner.clone())
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
    /// confirmation awaited); or refused, its reason logged outside any context, and terminated
    /// so that it is never redelivered.
    async fn handle(self, message: jetstream::Message) {
        let Delivery {
            seq,
            delivered,
            ctx,
            job,
        } = self.delivery(&message);
        match (ctx, job) {
            (Ok(ctx), Ok(job)) => {
                ctx.scope(async move {
                    tracing::info!(job = job.id, seq, delivered, "worker: received");
                    process(&job).await;
                    match message.double_ack().await {
                        Ok(()) => tracing::info!(job = job.id, seq, delivered, "worker: acked"),
                        Err(error) => {
                            tracing::error!(job = job.id, seq, %error, "worker: ack failed");
                        }
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

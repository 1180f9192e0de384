//! Jobs through a real broker: context does not survive a trip through a queue, so the request's
//! propagated fields travel in the message headers, and the worker rebuilds the context from
//! them. NATS JetStream here; any broker with message headers works the same way (implement
//! `Carrier` for its headers: two methods).
//!
//! `cargo run --example jobs` starts its own `nats-server` (on the PATH: `apt-get install
//! nats-server` on Debian and Ubuntu, `brew install nats-server` on macOS) on a free loopback
//! port with a temporary store, and stops it on exit, error or panic. 50 concurrent requests of
//! an orders service each publish a receipt job to a JetStream stream, with the context's
//! `propagate` fields in the message's `baggage` header; a worker task, which inherits nothing,
//! consumes them, rebuilds each job's context with `extract`, and runs the job inside it. One
//! more message comes from a service that does not use this library and sends no baggage: the
//! worker refuses it, logs why, and terminates it (never redelivered, never run). The JSON log
//! lines are printed, then a summary; the example exits non-zero unless every worker line of a
//! job carries the request id and tenant of the request that queued it.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_nats::jetstream::{self, AckKind, consumer};
use context_runtime::{Carrier, LogContext, RequestContext, RequestId};
use tokio::sync::mpsc;
use tokio_stream::StreamExt;
use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Facts about one request, set once at the edge.
#[derive(RequestContext)]
struct RequestCtx {
    #[context(log, propagate)]
    request_id: RequestId,
    #[context(log, propagate)]
    tenant: u64,
    /// Who acts: the caller at the edge, the worker's own identity in a job.
    #[context(log)]
    user: Option<String>,
    #[context(sensitive)]
    auth_token: String,
}

// ---- the carrier: the few lines to copy -------------------------------------------------------

/// NATS message headers as a `Carrier`. A newtype, since neither the trait nor the header map
/// is this crate's. NATS header names are case-sensitive: `baggage` is read as written.
#[derive(Default)]
struct NatsHeaders(async_nats::HeaderMap);

impl Carrier for NatsHeaders {
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
        self.0.get_all(key).for_each(|value| f(value.as_str()));
    }

    fn set(&mut self, key: &str, value: String) {
        self.0.insert(key, value);
    }
}

const SUBJECT: &str = "jobs.receipts";
const STREAM: &str = "JOBS";
const CONSUMER: &str = "receipts";

// ---- the producer: handler → service → queue --------------------------------------------------

/// `POST /orders`, inside the request's context.
async fn place_order(js: jetstream::Context, order: u64) -> Result<u64, Error> {
    tracing::info!(order, "handler: POST /orders");
    let total = checkout(&js, order).await?;
    tracing::info!(order, total, "handler: 201");
    Ok(total)
}

async fn checkout(js: &jetstream::Context, order: u64) -> Result<u64, Error> {
    let total = order * 7 + 3;
    tracing::info!(order, total, "service: order placed, receipt queued");
    enqueue_receipt(js, order, total).await?;
    Ok(total)
}

/// The job carries its own data in the payload and the request's facts in the headers: the
/// context's `propagate` fields, copied out of it by `inject_current` (never the token).
async fn enqueue_receipt(js: &jetstream::Context, order: u64, total: u64) -> Result<(), Error> {
    let mut headers = NatsHeaders::default();
    context_runtime::inject_current(&mut headers)?;
    let payload = format!(r#"{{"order":{order},"total":{total}}}"#);
    // The second await is JetStream's acknowledgement: the job is stored.
    js.publish_with_headers(SUBJECT, headers.0, payload.into())
        .await?
        .await?;
    Ok(())
}

// ---- the worker -------------------------------------------------------------------------------

/// Consumes jobs until `expected` messages are settled (acknowledged or terminated).
async fn worker(consumer: consumer::PullConsumer, expected: usize) -> Result<(), Error> {
    let mut messages = consumer.messages().await?;
    let (settled, mut done) = mpsc::unbounded_channel();
    let mut count = 0;
    while count < expected {
        tokio::select! {
            Some(message) = messages.next() => {
                // A plain spawn per job: the task inherits no context; the job's comes from its
                // message.
                tokio::spawn(run_job(message?, settled.clone()));
            }
            Some(()) = done.recv() => count += 1,
            else => return Err("the consumer's message stream ended".into()),
        }
    }
    Ok(())
}

/// One job: its context from the message headers (the worker's own user and token beside the
/// propagated fields), and the job inside it; or refused, with the reason logged, and terminated
/// so that the broker never redelivers it.
async fn run_job(message: jetstream::Message, settled: mpsc::UnboundedSender<()>) {
    let headers = NatsHeaders(message.headers.clone().unwrap_or_default());
    let job: serde_json::Value = serde_json::from_slice(&message.payload).unwrap_or_default();
    let (order, total) = (job["order"].as_u64(), job["total"].as_u64());
    match RequestCtx::extract(&headers) {
        Ok(builder) => {
            let ctx = builder
                .user("receipt-worker".to_owned())
                .auth_token(String::new())
                .build();
            ctx.scope(async {
                let delivered = message.info().map_or(0, |info| info.delivered);
                tracing::info!(order, delivered, "worker: job received");
                send_receipt(order, total).await;
                match message.double_ack().await {
                    Ok(()) => tracing::info!(order, "worker: job acknowledged"),
                    Err(error) => tracing::error!(order, %error, "worker: acknowledgement failed"),
                }
            })
            .await;
        }
        Err(error) => {
            tracing::warn!(order, reason = %error, "worker: job refused");
            if let Err(error) = message.double_ack_with(AckKind::Term).await {
                tracing::error!(order, %error, "worker: termination failed");
            }
        }
    }
    let _ = settled.send(());
}

/// The job itself, with no context parameter: its lines carry the request's id and tenant.
async fn send_receipt(order: Option<u64>, total: Option<u64>) {
    let tenant = RequestCtx::with(|c| *c.tenant());
    tracing::info!(order, "job: rendering the receipt for tenant {tenant}");
    tokio::task::yield_now().await;
    tracing::info!(order, total, "job: receipt sent");
}

// ---- the broker: a nats-server of the example's own -------------------------------------------

type Error = Box<dyn std::error::Error + Send + Sync>;

/// A `nats-server` with JetStream on a free loopback port and a temporary store; killed, and its
/// store removed, when dropped: on return, on error and on panic.
struct NatsServer {
    child: Child,
    url: String,
    store: PathBuf,
}

impl NatsServer {
    fn start() -> Result<Self, Error> {
        let binary = find_nats_server().ok_or(
            "`nats-server` (2.9 or later) is not on the PATH. Install it: `apt-get install \
             nats-server` (Debian, Ubuntu), `brew install nats-server` (macOS), or `go install \
             github.com/nats-io/nats-server/v2@latest`; or set NATS_SERVER to its path",
        )?;
        let store = std::env::temp_dir().join(format!("context-jobs-{}", std::process::id()));
        std::fs::create_dir_all(&store)?;
        // `-p -1`: the server picks a free port and logs it.
        let child = Command::new(&binary)
            .args(["-a", "127.0.0.1", "-p", "-1", "-js", "-sd"])
            .arg(&store)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| format!("cannot start {}: {error}", binary.display()))?;
        let mut server = Self {
            child,
            url: String::new(),
            store,
        };
        server.url = server.wait_until_ready()?;
        Ok(server)
    }

    /// Reads the server's log until it is ready; returns its URL. The log is drained for the
    /// server's whole life: a full pipe would block it.
    fn wait_until_ready(&mut self) -> Result<String, Error> {
        let stderr = self.child.stderr.take().ok_or("stderr is piped")?;
        let (lines, log) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        let mut url = None;
        loop {
            let line = log
                .recv_timeout(Duration::from_secs(20))
                .map_err(|_| "nats-server exited, or did not say it was ready within 20 s")?;
            if let Some((_, address)) = line.split_once("Listening for client connections on ") {
                url = Some(format!("nats://{}", address.trim()));
            }
            if line.contains("Server is ready") {
                return url.ok_or_else(|| "nats-server did not log its port".into());
            }
        }
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.store);
    }
}

/// `NATS_SERVER`, else the PATH, else `/usr/sbin` (Debian's place, not on every user's PATH).
fn find_nats_server() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("NATS_SERVER") {
        return Some(path.into());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([Path::new("/usr/sbin").to_owned()])
        .map(|dir| dir.join("nats-server"))
        .find(|binary| binary.is_file())
}

// ---- running it -------------------------------------------------------------------------------

/// Log lines go to stdout, and to memory for the summary.
#[derive(Clone, Default)]
struct Tee(Arc<Mutex<Vec<u8>>>);

impl io::Write for Tee {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(bytes);
        io::stdout().write_all(bytes)?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stdout().flush()
    }
}

const REQUESTS: u64 = 50;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("jobs: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Error> {
    let log = Tee::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .json()
        .event_format(LogContext::json(
            tracing_subscriber::fmt::format().json().flatten_event(true),
        ))
        .with_writer(move || writer.clone())
        .finish()
        // The client's own connection events are not the example's subject.
        .with(
            Targets::new()
                .with_default(Level::INFO)
                .with_target("async_nats", Level::WARN),
        )
        .init();

    let server = NatsServer::start()?;
    let client = async_nats::connect(&server.url).await?;
    let js = jetstream::new(client.clone());
    let stream = js
        .create_stream(jetstream::stream::Config {
            name: STREAM.to_owned(),
            subjects: vec![SUBJECT.to_owned()],
            ..Default::default()
        })
        .await?;
    let consumer = stream
        .create_consumer(consumer::pull::Config {
            durable_name: Some(CONSUMER.to_owned()),
            ack_policy: consumer::AckPolicy::Explicit,
            ..Default::default()
        })
        .await?;
    let worker = tokio::spawn(worker(consumer, usize::try_from(REQUESTS)? + 1));

    // The requests, concurrently, each inside the context its edge built.
    let mut requests = tokio::task::JoinSet::new();
    let mut facts = HashMap::new();
    for order in 0..REQUESTS {
        let (id, tenant) = (RequestId::generate(), order % 4 + 1);
        facts.insert(order, (id.to_string(), tenant));
        let ctx = RequestCtx::builder()
            .request_id(id)
            .tenant(tenant)
            .user(format!("customer-{order}"))
            .auth_token(format!("Bearer s3cr3t-{order}"))
            .build();
        requests.spawn(ctx.scope(place_order(js.clone(), order)));
    }
    while let Some(done) = requests.join_next().await {
        done??;
    }
    // A service that does not use this library queues a job without baggage.
    js.publish(SUBJECT, r#"{"order":9999,"total":1}"#.into())
        .await?
        .await?;
    tokio::time::timeout(Duration::from_mins(1), worker)
        .await
        .map_err(|_| "the worker did not settle every job within a minute")???;
    drop((client, js, server));

    let output = String::from_utf8(log.0.lock().expect("log buffer").clone())?;
    summarize(&output, &facts)
}

/// Checks every worker line: a job's lines carry the id and tenant of the request that queued it
/// (its order names it), and the refusal carries none.
fn summarize(output: &str, facts: &HashMap<u64, (String, u64)>) -> Result<(), Error> {
    let (mut worker_lines, mut matching, mut refused, mut leaked) = (0, 0, 0, false);
    for line in output.lines() {
        let line: serde_json::Value = serde_json::from_str(line)?;
        let message = line["message"].as_str().unwrap_or_default();
        if !(message.starts_with("worker:") || message.starts_with("job:")) {
            continue;
        }
        worker_lines += 1;
        leaked |= line.to_string().contains("customer-");
        let own = if message == "worker: job refused" {
            refused += 1;
            line.get("request_id").is_none() && line.get("tenant").is_none()
        } else {
            let facts = line["order"].as_u64().and_then(|order| facts.get(&order));
            facts.is_some_and(|(id, tenant)| {
                line["request_id"] == id.as_str()
                    && line["tenant"] == *tenant
                    && line["user"] == "receipt-worker"
            })
        };
        matching += usize::from(own);
    }
    leaked |= output.contains("s3cr3t");
    println!(
        "\n{REQUESTS} requests queued {REQUESTS} jobs through NATS JetStream, and another service 1 \
         message without baggage ({refused} refused); {worker_lines} worker lines, {matching} with \
         their own request's id and tenant (the refusal: with none); the requests' tokens or users \
         in the worker's lines: {}",
        if leaked { "yes" } else { "none" }
    );
    let expected_lines = usize::try_from(REQUESTS)? * 4 + 1;
    if matching != worker_lines || worker_lines != expected_lines || refused != 1 || leaked {
        return Err("not every worker line carried its own request's id and tenant".into());
    }
    Ok(())
}

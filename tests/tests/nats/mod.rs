//! What the `nats_jobs` suite and its worker binary (`src/bin/nats_job_worker.rs`) share: the
//! request context, NATS message headers as a `Carrier`, the job's payload, and a `nats-server`
//! of their own on a free loopback port.

#![allow(dead_code)] // the suite and the worker each use their own part

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use context_runtime::{Carrier, RequestContext};

/// The facts of one request. `request_id` and `tenant` travel with its jobs, in the message
/// headers; `user` is each process's own business (a worker supplies its runner's name);
/// `token` never leaves the process.
#[derive(RequestContext)]
pub(crate) struct RequestCtx {
    #[context(log, propagate)]
    request_id: String,
    #[context(log, propagate)]
    tenant: u64,
    #[context(log)]
    user: String,
    #[context(sensitive)]
    token: String,
}

/// NATS message headers as a `Carrier`. A newtype: neither the trait nor the header map is this
/// crate's. NATS header names are case-sensitive, so `baggage` is looked up as written.
#[derive(Default)]
pub(crate) struct NatsHeaders(pub(crate) async_nats::HeaderMap);

impl Carrier for NatsHeaders {
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
        self.0.get_all(key).for_each(|value| f(value.as_str()));
    }

    fn set(&mut self, key: &str, value: String) {
        self.0.insert(key, value);
    }
}

/// The subject jobs are published on, and the stream that stores them.
pub(crate) const SUBJECT: &str = "jobs.orders";
pub(crate) const STREAM: &str = "JOBS";

/// The credential a worker runs jobs with, in place of the request's.
pub(crate) const WORKER_TOKEN: &str = "worker-credential";

/// A job's own data, the message's payload: `{"job":1,"order":1,"amount_cents":101}`.
pub(crate) fn payload(job: u64, order: u64, amount_cents: u64) -> String {
    format!(r#"{{"job":{job},"order":{order},"amount_cents":{amount_cents}}}"#)
}

/// What to tell a user who has no `nats-server`.
pub(crate) const INSTALL: &str = "`nats-server` (2.9 or later, with JetStream) is not on the \
    PATH: install it (Debian, Ubuntu: `apt-get install nats-server`; macOS: `brew install \
    nats-server`; with Go: `go install github.com/nats-io/nats-server/v2@latest`), or set \
    NATS_SERVER to the binary's path";

/// The `nats-server` binary: `NATS_SERVER`, else the PATH, else `/usr/sbin` (where Debian puts
/// it, which is not on a normal user's PATH).
pub(crate) fn find_server() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("NATS_SERVER") {
        return Some(path.into());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/local/sbin")])
        .map(|dir| dir.join("nats-server"))
        .find(|binary| binary.is_file())
}

/// A server for one test, or `None` (the test is skipped, saying why) when there is no
/// `nats-server` here. With `CONTEXT_REQUIRE_NATS=1` (CI) a missing server fails the test.
pub(crate) fn server_or_skip(test: &str) -> Option<NatsServer> {
    let Some(binary) = find_server() else {
        let required =
            std::env::var("CONTEXT_REQUIRE_NATS").is_ok_and(|v| !v.is_empty() && v != "0");
        assert!(
            !required,
            "{test}: {INSTALL}. CONTEXT_REQUIRE_NATS is set: this suite must run"
        );
        // Past the test harness's capture: a skip must be seen, not only a pass.
        let _ = writeln!(
            std::io::stderr(),
            "{test}: skipped: {INSTALL}; set CONTEXT_REQUIRE_NATS=1 to make this a failure"
        );
        return None;
    };
    Some(NatsServer::start(&binary))
}

/// A `nats-server` with JetStream on a free loopback port (the server picks it: `-p -1`) and a
/// store directory of its own; killed, and its store removed, when dropped, so a failing test
/// leaves no server behind.
pub(crate) struct NatsServer {
    child: Child,
    url: String,
    store: PathBuf,
}

/// How long a server may take to say it is ready.
const READY_TIMEOUT: Duration = Duration::from_secs(20);

impl NatsServer {
    pub(crate) fn start(binary: &Path) -> Self {
        static STARTED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let store = std::env::temp_dir().join(format!("context-nats-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&store);
        std::fs::create_dir_all(&store).expect("a temporary store directory");
        let mut child = Command::new(binary)
            .args(["-a", "127.0.0.1", "-p", "-1", "-js", "-sd"])
            .arg(&store)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", binary.display()));
        // The server logs to stderr: its port, then that it is ready. The pipe is drained for
        // the server's whole life (a full pipe would block its logging, and the server).
        let stderr = child.stderr.take().expect("piped");
        let (lines, log) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        let mut server = Self {
            child,
            url: String::new(),
            store,
        };
        let mut seen = Vec::new();
        loop {
            let line = log.recv_timeout(READY_TIMEOUT).unwrap_or_else(|_| {
                panic!(
                    "nats-server did not say it was ready within {READY_TIMEOUT:?}; its log:\n{}",
                    seen.join("\n")
                )
            });
            if let Some((_, address)) = line.split_once("Listening for client connections on ") {
                server.url = format!("nats://{}", address.trim());
            }
            let ready = line.contains("Server is ready");
            seen.push(line);
            if ready {
                break;
            }
        }
        assert!(
            !server.url.is_empty(),
            "nats-server did not log its port:\n{}",
            seen.join("\n")
        );
        server
    }

    /// `nats://127.0.0.1:<port>`.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.store);
    }
}

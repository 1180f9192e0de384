// Functions and methods that merely share the name `spawn` keep working: an argument that is
// neither a future nor a closure without parameters is passed through untouched. A method of your
// own taking a concrete boxed type is reached with a path call, which is never rewritten.
use std::future::Future;
use std::pin::Pin;

use context_runtime::with_context;

struct Commands(Vec<(u32, u32)>);

impl Commands {
    fn spawn(&mut self, bundle: (u32, u32)) -> usize {
        self.0.push(bundle);
        self.0.len()
    }
}

struct Scope;

impl Scope {
    // rayon-style: the closure takes the scope.
    fn spawn<F: FnOnce(&Scope) -> u32>(&self, f: F) -> u32 {
        f(self)
    }
}

struct Pool;

impl Pool {
    fn spawn(&self, job: Box<dyn FnOnce() -> u32 + Send>) -> u32 {
        job()
    }
}

struct Exec;

impl Exec {
    fn spawn(&self, fut: Pin<Box<dyn Future<Output = u32> + Send>>) -> bool {
        drop(fut);
        true
    }
}

fn spawn(n: u32) -> u32 {
    n * 2
}

#[with_context]
fn uses_other_spawns() -> (usize, u32, u32, u32, bool) {
    let mut commands = Commands(Vec::new());
    (
        commands.spawn((1, 2)),
        Scope.spawn(|_| 3),
        spawn(4),
        Pool::spawn(&Pool, Box::new(|| 5)),
        Exec::spawn(&Exec, Box::pin(async { 6 })),
    )
}

fn main() {
    assert_eq!(uses_other_spawns(), (1, 3, 8, 5, true));
}

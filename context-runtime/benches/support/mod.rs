//! Shared by the benchmarks: the ratio of a subject to its anchor, measured in this run by
//! interleaving them, so that whatever else the (shared, noisy) machine does hits both alike.
//!
//! Criterion reports each variant's own figures; the budgets are checked on these paired ratios:
//! for each of many rounds, time the subject and then the anchor over the same number of
//! iterations, and take the median of the per-round ratios (with its interquartile range).

use std::time::Duration;

/// A benchmarked variant: runs `iters` iterations and returns the time they took.
pub(crate) type Variant<'a> = &'a dyn Fn(u64) -> Duration;

/// One line of the report: `subject` / `anchor`, with the budget the ratio must stay under.
pub(crate) struct Ratio<'a> {
    pub(crate) subject: (&'static str, Variant<'a>),
    pub(crate) anchor: (&'static str, Variant<'a>),
    pub(crate) budget: Option<f64>,
}

const ROUNDS: usize = 41;
/// How long one timing of one variant should take.
const TARGET: Duration = Duration::from_millis(20);

/// The number of iterations that makes `variant` take about [`TARGET`].
fn calibrate(variant: Variant<'_>) -> u64 {
    let mut iters: u64 = 1;
    loop {
        let took = variant(iters).as_nanos().max(1);
        if took >= TARGET.as_nanos() / 4 || iters >= 1 << 40 {
            let scaled = u128::from(iters) * TARGET.as_nanos() / took;
            return u64::try_from(scaled).unwrap_or(u64::MAX).max(1);
        }
        iters *= 4;
    }
}

/// Median and interquartile range of subject/anchor over interleaved rounds.
fn paired(subject: Variant<'_>, anchor: Variant<'_>) -> (f64, f64, f64) {
    let iters = calibrate(subject).min(calibrate(anchor));
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|round| {
            // Alternate which goes first, so neither always runs on a warmer cache.
            let (s, a) = if round % 2 == 0 {
                let s = subject(iters);
                (s, anchor(iters))
            } else {
                let a = anchor(iters);
                (subject(iters), a)
            };
            s.as_secs_f64() / a.as_secs_f64()
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    (
        ratios[ROUNDS / 2],
        ratios[ROUNDS / 4],
        ratios[3 * ROUNDS / 4],
    )
}

/// Measures and prints every ratio, and whether it is within its budget. With `--test` (as
/// `cargo test --benches` runs benchmarks), only checks that each variant runs.
pub(crate) fn report(title: &str, ratios: &[Ratio<'_>]) {
    if std::env::args().any(|arg| arg == "--test") {
        for ratio in ratios {
            ratio.subject.1(1);
            ratio.anchor.1(1);
        }
        return;
    }
    println!(
        "\n{title}: paired ratios, median of {ROUNDS} interleaved rounds [interquartile range]"
    );
    for ratio in ratios {
        let (median, q1, q3) = paired(ratio.subject.1, ratio.anchor.1);
        let verdict = match ratio.budget {
            Some(budget) if median <= budget => format!("within budget ≤ {budget:.2}×"),
            Some(budget) => format!("OVER BUDGET ≤ {budget:.2}×"),
            None => String::from("for reference"),
        };
        println!(
            "  {:<20} / {:<20} = {median:5.3}×  [{q1:.3} – {q3:.3}]  ({verdict})",
            ratio.subject.0, ratio.anchor.0
        );
    }
}

/// The variant and the number of operations of `--count <variant> <iterations>`, the mode
/// `benches/instructions.sh` runs a bench in (no timing: that many operations of one variant,
/// for an instruction count), or `None` in the other modes.
pub(crate) fn count_args() -> Option<(String, u64)> {
    let args: Vec<String> = std::env::args().collect();
    match args.as_slice() {
        [_, flag, name, iters, ..] if flag == "--count" => {
            Some((name.clone(), iters.parse().expect("a number of iterations")))
        }
        _ => None,
    }
}

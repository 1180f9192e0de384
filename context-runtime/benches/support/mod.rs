//! Shared by the benchmarks: a criterion configured to write where we can read it back, and the
//! ratio report that compares each benchmark with its anchor measured in the same run.

use std::path::PathBuf;
use std::time::SystemTime;

use criterion::Criterion;

/// One line of the report: `subject` / `anchor`, with the budget the ratio must stay under.
pub(crate) struct Ratio {
    pub(crate) subject: &'static str,
    pub(crate) anchor: &'static str,
    pub(crate) budget: Option<f64>,
}

/// Criterion's results directory for this run (`$CRITERION_HOME`, or `criterion/` in cargo's
/// per-target scratch directory).
fn output_directory() -> PathBuf {
    std::env::var_os("CRITERION_HOME").map_or_else(
        || PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("criterion"),
        PathBuf::from,
    )
}

pub(crate) fn criterion() -> Criterion {
    Criterion::default()
        .output_directory(&output_directory())
        .configure_from_args()
}

/// Criterion's typical time per iteration (the regression slope, else the mean), in ns, for a
/// benchmark measured in this run; `None` when it was filtered out or run in `--test` mode.
fn nanos(group: &str, bench: &str, run_started: SystemTime) -> Option<f64> {
    let path = output_directory()
        .join(group)
        .join(bench)
        .join("new")
        .join("estimates.json");
    let modified = std::fs::metadata(&path)
        .and_then(|meta| meta.modified())
        .ok()?;
    if modified < run_started {
        return None;
    }
    let estimates: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    let typical = estimates
        .get("slope")
        .filter(|slope| !slope.is_null())
        .or_else(|| estimates.get("mean"))?;
    typical.get("point_estimate")?.as_f64()
}

/// Prints every ratio of `group`, and whether it is within its budget.
pub(crate) fn report(group: &str, ratios: &[Ratio], run_started: SystemTime) {
    println!("\n{group}: ratios measured in this run");
    for ratio in ratios {
        let (Some(subject), Some(anchor)) = (
            nanos(group, ratio.subject, run_started),
            nanos(group, ratio.anchor, run_started),
        ) else {
            println!(
                "  {} / {}: not measured in this run",
                ratio.subject, ratio.anchor
            );
            continue;
        };
        let value = subject / anchor;
        let verdict = match ratio.budget {
            Some(budget) if value <= budget => format!("within budget ≤ {budget:.2}×"),
            Some(budget) => format!("OVER BUDGET ≤ {budget:.2}×"),
            None => String::from("for reference"),
        };
        println!(
            "  {:<28} {subject:>9.2} ns / {:<22} {anchor:>9.2} ns = {value:5.2}×  ({verdict})",
            ratio.subject, ratio.anchor
        );
    }
}

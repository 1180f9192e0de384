//! The remaining budget between services: gRPC's `grpc-timeout` header (at most eight digits and a
//! unit: `H`ours, `M`inutes, `S`econds, `m`illiseconds, `u`microseconds, `n`anoseconds), on HTTP
//! requests as on gRPC ones, so a tonic server reads ours and we read tonic's.

use std::time::Duration;

use http::HeaderName;

/// The header's name, made once: a lookup by `&str` parses the name again every time (about 300
/// instructions on every request).
pub(crate) const GRPC_TIMEOUT: HeaderName = HeaderName::from_static("grpc-timeout");

/// Eight digits at most, as the specification says.
const MAX_VALUE: u64 = 99_999_999;

/// The budget a `grpc-timeout` value states, or `None` for a value not in its format (a sign, a
/// fraction, more than eight digits, another unit, spaces): a caller's malformed budget is
/// ignored, never guessed at.
pub(crate) fn parse(value: &[u8]) -> Option<Duration> {
    let (&unit, digits) = value.split_last()?;
    if digits.is_empty() || digits.len() > 8 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let amount = digits
        .iter()
        .fold(0u64, |amount, digit| amount * 10 + u64::from(digit - b'0'));
    Some(match unit {
        b'H' => Duration::from_secs(amount * 3600),
        b'M' => Duration::from_secs(amount * 60),
        b'S' => Duration::from_secs(amount),
        b'm' => Duration::from_millis(amount),
        b'u' => Duration::from_micros(amount),
        b'n' => Duration::from_nanos(amount),
        _ => return None,
    })
}

/// `budget` as a `grpc-timeout` value: in the finest unit it fits eight digits of, rounded down
/// (the next service is told a little less than is left, never more).
pub(crate) fn format(budget: Duration) -> String {
    let units: [(u128, char); 6] = [
        (budget.as_nanos(), 'n'),
        (budget.as_micros(), 'u'),
        (budget.as_millis(), 'm'),
        (u128::from(budget.as_secs()), 'S'),
        (u128::from(budget.as_secs() / 60), 'M'),
        (u128::from(budget.as_secs() / 3600), 'H'),
    ];
    let (amount, unit) = units
        .into_iter()
        .find(|&(amount, _)| amount <= u128::from(MAX_VALUE))
        .unwrap_or((u128::from(MAX_VALUE), 'H'));
    format!("{amount}{unit}")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn reads_every_unit() {
        assert_eq!(parse(b"2H"), Some(Duration::from_hours(2)));
        assert_eq!(parse(b"3M"), Some(Duration::from_mins(3)));
        assert_eq!(parse(b"4S"), Some(Duration::from_secs(4)));
        assert_eq!(parse(b"250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse(b"7u"), Some(Duration::from_micros(7)));
        assert_eq!(parse(b"99999999n"), Some(Duration::from_nanos(99_999_999)));
        assert_eq!(parse(b"0m"), Some(Duration::ZERO));
    }

    #[test]
    fn refuses_what_is_not_the_format() {
        for bad in [
            &b""[..],
            b"m",
            b"-5m",
            b"+5m",
            b"1.5S",
            b"123456789m",
            b"10",
            b"10s",
            b"10ms",
            b" 10m",
            b"10m ",
            b"1e3m",
            b"\xff\xfem",
        ] {
            assert_eq!(parse(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn writes_the_finest_unit_that_fits() {
        assert_eq!(format(Duration::from_nanos(5)), "5n");
        assert_eq!(format(Duration::from_millis(50)), "50000000n");
        assert_eq!(format(Duration::from_millis(250)), "250000u");
        assert_eq!(format(Duration::from_secs(1000)), "1000000m");
        assert_eq!(format(Duration::from_secs(200_000)), "200000S");
        assert_eq!(format(Duration::MAX), "99999999H");
        assert_eq!(format(Duration::ZERO), "0n");
    }

    proptest! {
        /// What is sent reads back as at most the budget, and short of it by less than one unit
        /// of the unit chosen: eight digits of the finest unit that fits, so at worst a value
        /// just past 10⁸ ms sent in seconds (10⁵ S), one part in a hundred thousand.
        #[test]
        fn round_trips_rounding_down(nanos in 0u64..=u64::MAX) {
            let budget = Duration::from_nanos(nanos);
            let value = format(budget);
            prop_assert!(value.len() <= 9);
            let read = parse(value.as_bytes()).unwrap();
            prop_assert!(read <= budget);
            prop_assert!(budget.saturating_sub(read).as_nanos() * 100_000 <= budget.as_nanos());
        }

        /// No input makes the parser panic, and what it accepts is in the format.
        #[test]
        fn parses_anything_without_panicking(value in proptest::collection::vec(any::<u8>(), 0..12)) {
            if parse(&value).is_some() {
                prop_assert!(value.len() >= 2 && value.len() <= 9);
            }
        }
    }
}

//! The statistics the reports give: the median, a nearest-rank percentile, and how a number of
//! days is written.

/// The median of sorted values: the middle one, or the mean of the two middle ones.
pub fn median(sorted: &[i64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2] as f64),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0),
    }
}

/// The nearest-rank percentile `p` (0–100] of sorted values.
pub fn percentile(sorted: &[i64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1] as f64)
}

/// The mean of the values, if any.
pub fn mean(values: &[i64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<i64>() as f64 / values.len() as f64)
}

/// Days as a report cell: whole numbers without a decimal point, others to one place.
pub fn format_days(value: Option<f64>) -> String {
    value
        .map(|v| {
            if v.fract() == 0.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.1}")
            }
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_p90_follow_their_definitions() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3]), Some(3.0));
        assert_eq!(median(&[1, 2, 3, 10]), Some(2.5));
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&ten, 90.0), Some(9.0));
        assert_eq!(percentile(&[5], 90.0), Some(5.0));
        assert_eq!(mean(&[30, 2, 10, 4]), Some(11.5));
        assert_eq!(mean(&[]), None);
    }

    #[test]
    fn days_are_written_as_people_read_them() {
        assert_eq!(format_days(Some(7.0)), "7");
        assert_eq!(format_days(Some(2.5)), "2.5");
        assert_eq!(format_days(None), "");
    }
}

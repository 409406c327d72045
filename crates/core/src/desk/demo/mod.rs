//! The demo seeder: realistic cases across every kind, state, law and date, each worked
//! through the same path as the app (`desk/act.rs`) on the days of its history, so that their
//! audit trails — and what the workflow's effects open, such as a minor's follow-up erasure —
//! are what the app would have written.

mod people;
mod plan;

use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use super::act::{carry_out, open_case};
use super::{Desk, Stamp};
use crate::domain::case::Requester;
use crate::domain::workflow;
use crate::store::Writes;
use crate::{Case, Error, Kind, Result, State};
use people::{AGENTS, CUSTOMERS, pick, random_form};
use plan::{after, fit_outcome, plan};

/// Cases written per transaction.
const BATCH: u64 = 5_000;
/// How far back the demo's history reaches.
const HISTORY_DAYS: u64 = 730;
/// One demo case in this many comes from the requester of the case before it.
const DUPLICATE_EVERY: u64 = 250;
/// The working day's minutes over which events are spread (08:00 to 17:00).
const WORKING_MINUTES: u32 = 540;

/// Where the seeder is in its run.
struct Seeding {
    rng: ChaCha8Rng,
    /// The day history starts, and the last day it reaches.
    start: NaiveDate,
    today: NaiveDate,
    /// Cases to write in all, follow-ups included.
    count: u64,
    /// Cases written so far.
    written: u64,
    /// Requests logged so far (follow-ups are not).
    serial: u64,
    previous: Option<Requester>,
}

/// When a step of a case happened: its day and its minute into the working day.
#[derive(Clone, Copy)]
struct Moment {
    day: NaiveDate,
    minute: u32,
}

impl Moment {
    fn stamp(self, actor: &str) -> Stamp {
        Stamp {
            at: format!(
                "{}T{:02}:{:02}:00.000Z",
                self.day,
                8 + self.minute / 60 % 9,
                self.minute % 60
            ),
            actor: actor.to_string(),
        }
    }
}

impl Desk {
    /// Adds `count` realistic cases; `progress` hears how many are written so far.
    pub fn seed_demo(
        &mut self,
        count: u64,
        seed: u64,
        progress: &mut dyn FnMut(u64),
    ) -> Result<()> {
        if count == 0 {
            return Err(Error::invalid(
                "the number of demo cases must be at least 1",
            ));
        }
        let today = self.today();
        let start = today
            .checked_sub_days(Days::new(HISTORY_DAYS))
            .ok_or_else(|| Error::invalid("date out of range"))?;
        self.set_up_customers()?;
        let mut seeding = Seeding {
            rng: ChaCha8Rng::seed_from_u64(seed),
            start,
            today,
            count,
            written: 0,
            serial: 0,
            previous: None,
        };
        while seeding.written < count {
            let batch_end = (seeding.written + BATCH).min(count);
            self.write(|tx| {
                while seeding.written < batch_end {
                    seeding.next_case(tx)?;
                }
                Ok(())
            })?;
            progress(seeding.written);
        }
        Ok(())
    }

    /// The customers' contacts and contractual forwarding times, as a company would set them;
    /// left alone where someone already did.
    fn set_up_customers(&mut self) -> Result<()> {
        for (i, name) in CUSTOMERS.iter().enumerate() {
            if !self.customer(name)?.configured {
                let domain: String = name
                    .split_whitespace()
                    .next()
                    .unwrap_or("customer")
                    .to_ascii_lowercase();
                let days = [5, 3, 10, 5, 7][i % 5];
                self.set_customer(name, Some(&format!("privacy@{domain}.example")), Some(days))?;
            }
        }
        Ok(())
    }
}

impl Seeding {
    /// Logs the next request and works its history, and that of any case it opens.
    fn next_case(&mut self, tx: &mut dyn Writes) -> Result<()> {
        let offset = self.serial * HISTORY_DAYS / self.count;
        let received = after(self.start, offset);
        let mut form = random_form(&mut self.rng, received, self.serial)?;
        // Now and then the same person writes again: a duplicate to flag or merge.
        if self.serial % DUPLICATE_EVERY == DUPLICATE_EVERY - 1
            && let Some(earlier) = &self.previous
        {
            form.requester = earlier.clone();
        }
        // A follow-up takes a slot of its own: the last slot holds no case that opens one.
        if self.count - self.written == 1 && form.kind == Kind::Access {
            form.requester.is_minor = false;
        }
        self.previous = Some(form.requester.clone());
        self.serial += 1;
        let created = Moment {
            day: received,
            minute: self.rng.random_range(0..480),
        };
        let actor = pick(&mut self.rng, AGENTS).to_string();
        let stamp = created.stamp(&actor);
        let case = open_case(tx, &stamp, form, json!({ "source": "demo" }))?;
        self.written += 1;
        self.work(tx, case, created, &actor)
    }

    /// Works `case` through its planned steps up to today, each on its day, by its assignee
    /// once it has one; cases the steps open are worked in turn.
    fn work(
        &mut self,
        tx: &mut dyn Writes,
        mut case: Case,
        created: Moment,
        creator: &str,
    ) -> Result<()> {
        // Event times only move forward, even for steps on the same day.
        let mut last = created;
        for mut step in plan(&mut self.rng, &case) {
            if step.day > self.today {
                break;
            }
            fit_outcome(&case, &mut step);
            let Ok(change) = workflow::apply(&case, step.action, &step.input, step.day) else {
                continue;
            };
            let minute = if step.day == last.day {
                (last.minute + self.rng.random_range(5..60)).min(WORKING_MINUTES - 1)
            } else {
                self.rng.random_range(0..WORKING_MINUTES)
            };
            last = Moment {
                day: step.day,
                minute,
            };
            let by = case.assignee.clone().unwrap_or_else(|| creator.to_string());
            let carried = carry_out(tx, &last.stamp(&by), &case, change)?;
            case = carried.case;
            for opened in carried.opened {
                self.written += 1;
                self.work(tx, opened, last, &by)?;
            }
        }
        debug_assert!(case.state != State::Closed || case.outcome.is_some());
        Ok(())
    }
}

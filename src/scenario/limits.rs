//! The limits of what a scenario or counterfactual file may ask for, in one place.
//!
//! Each keeps time and memory bounded for any input, however careless or hostile; each is
//! far above what a real scenario needs (the Sino-Soviet file is 97 KB with 98 events and
//! 4 levels of brackets). What happens past each is a located message and exit 2.

/// Largest file read, bytes (8 MiB): about 80 times the Sino-Soviet scenario. A larger
/// file (or a device such as `/dev/zero`) is refused before it is read whole.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Most events a scenario may declare (a counterfactual's additions included).
pub const MAX_EVENTS: usize = 100_000;

/// Most changes one counterfactual may list.
pub const MAX_CHANGES: usize = 100_000;

/// Deepest nesting of brackets (`(`, `[`, `{`) in a file. RON itself stops at 128 levels
/// of its own counting; checking the brackets first, in one pass, keeps RON's look-ahead
/// (which rescans a nested value at every level) from taking minutes on a hostile file.
pub const MAX_NESTING: usize = 100;

/// The largest `max_events` a scenario may set. A run keeps every event it fires: a
/// follow-up that schedules itself twice, stopped at this cap, took 2.7 s and 76 MB peak
/// (`/usr/bin/time -f "%e s, %M KB" diplosim run F`). The default is 100,000.
pub const MAX_EVENTS_PER_RUN: u32 = 1_000_000;

/// Most problems kept and reported for one file; past it the message says how many more
/// there are. Fixing the first ones usually fixes many of the rest.
pub const MAX_PROBLEMS: usize = 30;

/// The largest scale bound M. Bilateral-relation scales run to about 10; with every
/// modifier held to 2M and at most [`MAX_EVENTS_PER_RUN`] events, the raw score stays
/// below 2e9 and every score, sum and explanation stays finite.
pub const MAX_BOUND: f64 = 1000.0;

/// Longest scenario or counterfactual `name`, characters: it is a folder name, and file
/// systems refuse names past 255 bytes (with room for the command's own sub-folder).
pub const MAX_NAME_CHARS: usize = 64;

/// Most states a scenario may declare. Every pair of states may be a relation, so 24
/// states make up to 276 relations, each swept every simulated day; history told state by
/// state rarely needs more than a handful.
pub const MAX_STATES: usize = 24;

/// Deepest chain of includes: a file that includes a file that includes ... (eight
/// files below the one named on the command line). Real compositions are one or two deep.
pub const MAX_INCLUDE_DEPTH: usize = 8;

/// Most files one composed scenario may read, itself included; together they may hold at
/// most [`MAX_FILE_BYTES`].
pub const MAX_INCLUDED_FILES: usize = 32;

/// Most coupling rate between the pairs, per year: at 12 a coupling term closes 63% of its
/// gap to its target within a month, the step it is updated at; a faster one would only
/// copy its target month by month.
pub const MAX_COUPLING_RATE: f64 = 12.0;

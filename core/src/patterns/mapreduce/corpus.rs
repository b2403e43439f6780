//! The input the word count runs over: a short text written for the playground, one
//! line per record, and its words numbered once so that messages carry small ids.

/// The text, one record per line.
pub const TEXT: &str = "\
a master splits the input into map tasks and hands each one to an idle worker
a worker reads its split and writes every word with a count of one
the map output stays on the local disk of the worker that wrote it
the master learns where each map output lives and tells the reducers
a reducer fetches its partition of every map output over the network
the shuffle moves each word to the reducer that owns its partition
a reducer sums the counts of each word and writes its output once
the output of a reduce task goes to the shared file system not to a local disk
when a worker dies its finished map tasks must run again on another worker
their output was on the disk of the dead worker and nobody can read it now
a finished reduce task does not run again its output is already safe
the master pings every worker and marks a silent worker as failed
a task in progress on a failed worker goes back to the idle tasks
one slow worker can hold back the whole job near its end
a bad disk or a busy machine makes every task on that worker slow
near the end of a phase the master starts backup copies of the tasks still running
whichever copy finishes first wins and the other copy is thrown away
backup tasks cost a few percent more work and can save a large part of the job time
the output of a reduce task is committed by renaming a temporary file
the rename is atomic so two copies of one task never commit twice
the master keeps the state of every task idle in progress or completed
a job is done when every reduce task has committed its output
the same job over the same input always gives the same counts
a word that is common lands on one reducer and makes it busy
a combiner can sum the counts on the map side before the shuffle
the input is split so that many workers can read it at once
locality helps when a worker reads a split from its own disk
the network is the scarce resource in a large cluster
a job with many small tasks balances its load well
a job with a few large tasks waits for the slowest of them
";

use std::collections::BTreeMap;
use std::rc::Rc;

use super::msg::Counts;

/// The corpus as the simulation uses it: every line as word ids, and the words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Corpus {
    /// Each line, as ids into `words`.
    pub lines: Vec<Vec<u16>>,
    /// The distinct words, sorted.
    pub words: Vec<&'static str>,
}

impl Corpus {
    /// Reads [`TEXT`].
    pub fn new() -> Corpus {
        let mut words: Vec<&'static str> = TEXT.split_whitespace().collect();
        words.sort_unstable();
        words.dedup();
        let id = |w: &str| words.binary_search(&w).unwrap_or(0) as u16;
        let lines = TEXT
            .lines()
            .map(|line| line.split_whitespace().map(id).collect())
            .collect();
        Corpus { lines, words }
    }

    /// The lines map task `task` of `tasks` reads: an equal share, in order.
    pub fn split(&self, task: u32, tasks: u32) -> &[Vec<u16>] {
        let n = self.lines.len();
        let tasks = tasks.max(1) as usize;
        let from = n * task as usize / tasks;
        let to = n * (task as usize + 1) / tasks;
        &self.lines[from.min(n)..to.min(n)]
    }

    /// The word counts of split `split` of `splits`, partitioned by word into `parts`:
    /// a map task's output (map/reduce) or a parsed partition's shuffle output (RDD).
    pub fn split_counts(&self, split: u32, splits: u32, parts: u32) -> Vec<Counts> {
        let mut counts: BTreeMap<u16, u32> = BTreeMap::new();
        for &w in self.split(split, splits).iter().flatten() {
            *counts.entry(w).or_default() += 1;
        }
        let mut out: Vec<Vec<(u16, u32)>> = vec![Vec::new(); parts.max(1) as usize];
        for (w, n) in counts {
            out[partition(w, parts) as usize].push((w, n));
        }
        out.into_iter().map(Rc::new).collect()
    }

    /// Every word's count over the whole text: what the job must output.
    pub fn counts(&self) -> Vec<u32> {
        let mut counts = vec![0; self.words.len()];
        for &w in self.lines.iter().flatten() {
            counts[w as usize] += 1;
        }
        counts
    }
}

impl Default for Corpus {
    fn default() -> Self {
        Corpus::new()
    }
}

/// The reduce partition a word belongs to, of `parts`.
pub fn partition(word: u16, parts: u32) -> u32 {
    // A multiplicative hash, so neighbouring ids spread over the partitions.
    (u32::from(word).wrapping_mul(2_654_435_761) >> 16) % parts.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_splits_cover_every_line_once_and_the_counts_add_up() {
        let corpus = Corpus::new();
        let lines: usize = (0..7).map(|t| corpus.split(t, 7).len()).sum();
        assert_eq!(lines, corpus.lines.len());
        let words: u32 = corpus.counts().iter().sum();
        assert_eq!(words as usize, TEXT.split_whitespace().count());
        let the = corpus.words.binary_search(&"the").unwrap();
        assert!(corpus.counts()[the] > 20);
    }
}

//! Reading input files many at a time, ahead of extraction.
//!
//! A file that is not in the page cache costs a round trip to the disk.
//! Read one at a time, files came in no faster than two cores extract
//! them: on a 2-core machine whose page cache keeps little of a corpus,
//! 5,000 files of a freshly dropped cache took 1.0–2.3 s to read one
//! after the other (`cat`; 0.2–0.5 ms each), where extracting one takes
//! about 1 ms of one core, and 0.2–1.2 s with 16 `cat`s at once. In
//! builds with the cache dropped, pass 1 of 100,000 documents went from
//! 31.5 and 31.0 s to 27.8 and 27.6 s. Reader threads spend their time
//! waiting for the disk, not on the cores.

use std::io;
use std::path::Path;
use std::sync::{mpsc, Mutex};

/// Files read at once.
pub const READERS: usize = 16;

/// One file's contents, or none when it was not to be read, or the error
/// reading it.
pub type Contents = io::Result<Option<Vec<u8>>>;

/// Read each batch's files, up to [`READERS`] at a time, and hand `deliver`
/// every batch in order, its contents in the batch's order (with the
/// batch's own `T`). A `None` path is not read (its contents are
/// `Ok(None)`). Stops early when `deliver` returns false.
///
/// `batches` is consumed in order on the calling thread, one batch at a
/// time, so that the caller can pair each file with state read in the same
/// order (the old cache's lines). A batch is delivered once all its files
/// are read, so memory holds one batch being read plus what `deliver`
/// keeps.
pub fn read_batches<'a, T>(
    batches: impl Iterator<Item = (Vec<Option<&'a Path>>, T)>,
    mut deliver: impl FnMut(Vec<Contents>, T) -> bool,
) {
    let (job_tx, job_rx) = mpsc::channel::<(usize, &'a Path)>();
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<(usize, io::Result<Vec<u8>>)>();
    std::thread::scope(|scope| {
        let mut readers = 0;
        let start_reader = || {
            let done_tx = done_tx.clone();
            let job_rx = &job_rx;
            scope.spawn(move || loop {
                // One reader waits for a job while holding the lock; the
                // others wait for the lock.
                let job = job_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                let Ok((i, path)) = job else {
                    return; // no more batches
                };
                if done_tx.send((i, std::fs::read(path))).is_err() {
                    return;
                }
            });
        };
        for (paths, extra) in batches {
            let mut contents: Vec<Contents> = paths.iter().map(|_| Ok(None)).collect();
            let mut pending = 0;
            for (i, path) in paths.iter().enumerate() {
                if let Some(path) = path {
                    // Readers are started as work comes: a build of a few
                    // documents starts a few.
                    if readers < READERS.min(pending + 1) {
                        start_reader();
                        readers += 1;
                    }
                    job_tx
                        .send((i, path))
                        .expect("readers take jobs until told to stop");
                    pending += 1;
                }
            }
            for _ in 0..pending {
                let (i, read) = done_rx.recv().expect("every job is answered");
                contents[i] = read.map(Some);
            }
            if !deliver(contents, extra) {
                break;
            }
        }
        drop(job_tx); // the readers' `recv` fails: they return
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Files come back in each batch's order, whatever order the readers
    /// finish in; unread paths and unreadable files keep their places.
    #[test]
    fn batches_come_back_in_order_with_their_errors() {
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = (0..100)
            .map(|i| {
                let p = dir.path().join(format!("f{i}.txt"));
                // Sizes differ, so that reads finish out of order.
                std::fs::write(&p, format!("{i}:").repeat(1 + (i * 37) % 200)).unwrap();
                p
            })
            .collect();
        let missing = dir.path().join("missing.txt");
        let mut wanted: Vec<Option<&Path>> = paths.iter().map(|p| Some(p.as_path())).collect();
        wanted[5] = None;
        wanted[40] = Some(&missing);
        let batches = wanted.chunks(30).enumerate().map(|(k, b)| (b.to_vec(), k));
        let mut seen = Vec::new();
        read_batches(batches, |contents, k| {
            assert_eq!(contents.len(), if k == 3 { 10 } else { 30 });
            seen.extend(
                contents
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| (k * 30 + i, c)),
            );
            true
        });
        assert_eq!(seen.len(), 100);
        for (i, c) in seen {
            match (i, c) {
                (5, Ok(None)) => {}
                (40, Err(e)) => assert_eq!(e.kind(), io::ErrorKind::NotFound),
                (i, Ok(Some(bytes))) => {
                    assert_eq!(
                        bytes,
                        format!("{i}:").repeat(1 + (i * 37) % 200).into_bytes()
                    )
                }
                (i, other) => panic!("file {i}: {other:?}"),
            }
        }
    }

    /// `deliver` returning false stops the reading: no later batch is
    /// delivered (and the readers end, or the test would not return).
    #[test]
    fn delivery_stops_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "a").unwrap();
        let batches = (0..10).map(|k| (vec![Some(p.as_path()); 4], k));
        let mut delivered = Vec::new();
        read_batches(batches, |_, k| {
            delivered.push(k);
            k < 2
        });
        assert_eq!(delivered, [0, 1, 2]);
    }
}

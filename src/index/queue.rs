//! A bound on the documents waiting for tantivy's indexing threads.
//!
//! tantivy queues up to 10,000 documents for its indexing threads, and an `index` run builds
//! documents faster than they are indexed, so the queue stays full: its memory is 10,000 times
//! the size of a document. For posts like the shared corpus's (1.8 KB files) that is 48 MB; for
//! 4,000 posts of 40 KB it was most of a 529–555 MB peak (345–377 MB with the bound, the same
//! time). A [`Budget`] bounds the bytes of the documents handed to the writer and not yet
//! indexed: each document carries a [`Ticket`] for its bytes, which the indexing thread
//! releases when it drops the document, and the thread handing documents over waits while the
//! queue holds more than the budget.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use tantivy::TantivyDocument;
use tantivy::schema::document::Document;

/// How long the thread handing documents over waits for room before it hands one over anyway:
/// the bound is a memory bound, never a reason to stop (an indexing thread that failed
/// releases nothing; the writer then reports its error).
const PATIENCE: Duration = Duration::from_secs(1);

/// The bytes of queued documents that may wait for the indexing threads.
#[derive(Debug)]
pub(crate) struct Budget {
    queued: Mutex<Queue>,
    released: Condvar,
    limit: usize,
}

/// The bytes queued now, and the most queued at once.
#[derive(Debug, Default)]
struct Queue {
    bytes: usize,
    peak: usize,
}

impl Budget {
    /// A budget of `limit` bytes.
    pub fn new(limit: usize) -> Arc<Budget> {
        Arc::new(Budget {
            queued: Mutex::new(Queue::default()),
            released: Condvar::new(),
            limit,
        })
    }

    /// A ticket for a document of `bytes`, once the queue has room for it (at once when the
    /// queue is empty, so that a document larger than the budget still goes). A full queue is
    /// left to drain to half the budget before the thread is woken.
    pub fn admit(self: &Arc<Budget>, bytes: usize) -> Ticket {
        let mut queued = self.lock();
        while queued.bytes > 0 && queued.bytes + bytes > self.limit {
            let (guard, waited) = self
                .released
                .wait_timeout(queued, PATIENCE)
                .unwrap_or_else(|e| e.into_inner());
            queued = guard;
            if waited.timed_out() {
                break;
            }
        }
        queued.bytes += bytes;
        queued.peak = queued.peak.max(queued.bytes);
        Ticket {
            budget: Some(self.clone()),
            bytes,
        }
    }

    /// The bytes queued now.
    #[cfg(test)]
    pub fn queued(&self) -> usize {
        self.lock().bytes
    }

    /// The most bytes queued at once.
    #[cfg(test)]
    pub fn peak(&self) -> usize {
        self.lock().peak
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queued.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A document's claim on a [`Budget`], released when it is dropped.
#[derive(Debug)]
pub(crate) struct Ticket {
    budget: Option<Arc<Budget>>,
    bytes: usize,
}

impl Drop for Ticket {
    /// Releases the ticket's bytes, and wakes the thread handing documents over when the queue
    /// has drained to half its budget or emptied: once per few thousand documents rather than
    /// for each (a wake-up is a system call).
    fn drop(&mut self) {
        if let Some(budget) = &self.budget {
            let mut queued = budget.lock();
            let before = queued.bytes;
            queued.bytes -= self.bytes;
            let half = budget.limit / 2;
            if queued.bytes == 0 || (before > half && queued.bytes <= half) {
                budget.released.notify_all();
            }
        }
    }
}

/// A document on its way to the writer, with its ticket: the indexing thread drops both once
/// the document is indexed.
#[derive(Debug)]
pub(crate) struct Queued {
    doc: TantivyDocument,
    _ticket: Ticket,
}

impl Queued {
    /// `doc` holding `ticket`.
    pub(crate) fn new(doc: TantivyDocument, ticket: Ticket) -> Queued {
        Queued {
            doc,
            _ticket: ticket,
        }
    }

    /// `doc` on no budget (posts added a few at a time).
    pub(crate) fn unbounded(doc: TantivyDocument) -> Queued {
        let ticket = Ticket {
            budget: None,
            bytes: 0,
        };
        Queued::new(doc, ticket)
    }
}

impl Document for Queued {
    type Value<'a> = <TantivyDocument as Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.doc.iter_fields_and_values()
    }

    fn into_tantivy_document(self) -> TantivyDocument {
        self.doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ticket waits while the queue is full and goes once a queued document is dropped; a
    /// document larger than the budget goes when the queue is empty.
    #[test]
    fn the_queue_holds_no_more_than_its_budget() {
        let budget = Budget::new(100);
        let first = budget.admit(60);
        let waiting = {
            let budget = budget.clone();
            std::thread::spawn(move || budget.admit(60))
        };
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(budget.queued(), 60, "the second waits");
        drop(first);
        let second = waiting.join().unwrap();
        assert_eq!(budget.queued(), 60);
        drop(second);
        let huge = budget.admit(1_000);
        assert_eq!(budget.queued(), 1_000, "alone in the queue, it goes");
        drop(huge);
        assert_eq!(budget.queued(), 0);
    }

    /// tantivy's indexing threads release a document's ticket once they have indexed it, and
    /// index it as the document it wraps.
    #[test]
    fn indexing_a_document_releases_its_ticket() -> crate::Result<()> {
        let index = crate::NewsIndex::create_in_ram()?;
        let mut writer = index.writer()?;
        let budget = Budget::new(1 << 20);
        let post = crate::Post {
            title: "碳中和".into(),
            body: "零碳工厂投产。".into(),
            ..Default::default()
        };
        let file = super::super::document::FileInfo {
            key: "a.md",
            path: "a.md",
            mtime: 0,
            size: 0,
        };
        let doc = super::super::document::build(&index.fields, &index.segmenter, &file, &post);
        let bytes = super::super::document::size(&file, &post);
        writer.add_document(Queued::new(doc, budget.admit(bytes)))?;
        index.commit(&mut writer)?;
        assert_eq!(budget.queued(), 0, "released by the indexing thread");
        let results = index.search(&crate::SearchRequest::new("零碳工厂"))?;
        assert_eq!(results.total, 1);
        Ok(())
    }
}

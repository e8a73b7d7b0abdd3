//! Listing: every page of an index, `offset` in steps of the page size, up to
//! [`Config::concurrency`](super::Config::concurrency) pages in flight, stopping at the first
//! short page; a page that fails ends the listing with an error naming it.

use std::future::Future;

use futures_util::stream::{self, FuturesOrdered, Stream, StreamExt};

use super::{Client, ClientError};
use crate::endpoint::Paginated;

/// One page being fetched (`Send`, so that a listing can run in a spawned task).
type PageFuture<'a, T> =
    std::pin::Pin<Box<dyn Future<Output = Result<Vec<T>, ClientError>> + Send + 'a>>;

/// The state of a listing: the pages in flight, in offset order.
struct Pages<Fut: Future> {
    in_flight: FuturesOrdered<Fut>,
    next_offset: usize,
    /// No page after the ones in flight is asked for (a short page or an error was seen).
    last_asked: bool,
}

impl Client {
    /// Every page of an index, from a function that fetches one page (`offset`, `limit`).
    ///
    /// Pages are asked for in order, `offset` in steps of [`Config::page_size`] (at most 50),
    /// with up to [`Config::concurrency`] in flight: as soon as one arrives, the next is asked
    /// for (a sliding window, not batches). Pages come out in offset order. The listing stops
    /// after the first page shorter than the page size (pages asked for beyond it are dropped),
    /// and at the first error, which is the stream's last item: a [`ClientError::Page`] naming
    /// the page (its offset and limit) around why it failed.
    ///
    /// # What a listing guarantees
    ///
    /// - **Under faults** (429, 5xx, lost connections): each page is fetched whole or not at
    ///   all, and retried at the same offset as [`Client::execute`] allows (an index is a GET,
    ///   always safe to repeat). A page the client gives up on ends the listing with its
    ///   [`ClientError::Page`]: the records of the pages before it were each delivered once,
    ///   none after it. There is never a silent gap.
    /// - **Records created during a listing**: Coupa (and the mock) list in id order unless the
    ///   query names another (`order_by`), and a new record gets an id above every existing
    ///   one, so it comes after them and moves none of them across a page boundary. Every
    ///   record that exists for the whole listing is delivered exactly once; one created during
    ///   it is delivered once if it was created before the listing read the page it falls on,
    ///   else not at all (list again, or filter on `created_at`, to pick it up); none twice.
    /// - **What offset paging cannot guarantee**: a record deleted during the listing moves
    ///   every later one a place forward, so the record that crosses the boundary of a page
    ///   already read is missed; and with another order (`order_by=updated_at`), a record
    ///   created or changed during the listing can move across a boundary, seen twice or not at
    ///   all. For a listing that must see such a store whole, filter on a time that does not
    ///   change (`created_at[lt]` the listing's start) or list again.
    ///
    /// [`Config::page_size`]: super::Config::page_size
    /// [`Config::concurrency`]: super::Config::concurrency
    pub fn pages<'a, T, F, Fut>(
        &self,
        fetch: F,
    ) -> impl Stream<Item = Result<Vec<T>, ClientError>> + 'a
    where
        T: 'a,
        F: Fn(usize, usize) -> Fut + 'a,
        Fut: Future<Output = Result<Vec<T>, ClientError>> + 'a,
    {
        let page = self.config.page_size.clamp(1, crate::query::MAX_LIMIT);
        let window = self.config.concurrency.max(1);
        // Every error names its page.
        let fetch = move |offset: usize, limit: usize| {
            let f = fetch(offset, limit);
            async move {
                f.await.map_err(|e| ClientError::Page {
                    offset,
                    limit,
                    error: Box::new(e),
                })
            }
        };
        let state = Pages {
            in_flight: FuturesOrdered::new(),
            next_offset: 0,
            last_asked: false,
        };
        stream::unfold((state, fetch), move |(mut st, fetch)| async move {
            while !st.last_asked && st.in_flight.len() < window {
                st.in_flight.push_back(fetch(st.next_offset, page));
                st.next_offset += page;
            }
            let result = st.in_flight.next().await?;
            let last = match &result {
                Ok(items) => items.len() < page,
                Err(_) => true,
            };
            if last {
                st.last_asked = true;
                st.in_flight = FuturesOrdered::new();
            }
            Some((result, (st, fetch)))
        })
    }

    /// [`Client::pages`], one record at a time.
    pub fn records<'a, T, F, Fut>(
        &self,
        fetch: F,
    ) -> impl Stream<Item = Result<T, ClientError>> + 'a
    where
        T: 'a,
        F: Fn(usize, usize) -> Fut + 'a,
        Fut: Future<Output = Result<Vec<T>, ClientError>> + 'a,
    {
        self.pages(fetch).flat_map(|page| {
            let (items, error) = match page {
                Ok(items) => (items, None),
                Err(e) => (Vec::new(), Some(e)),
            };
            stream::iter(items.into_iter().map(Ok).chain(error.map(Err)))
        })
    }

    /// Every record an index endpoint matches, page by page (see [`Client::pages`]).
    pub fn list<'a, E>(
        &'a self,
        endpoint: E,
    ) -> impl Stream<Item = Result<E::Item, ClientError>> + 'a
    where
        E: Paginated + Send + Sync + 'a,
        E::Item: Send + 'a,
    {
        self.records(self.fetch(endpoint))
    }

    /// The function that fetches one page of an index endpoint.
    fn fetch<'a, E>(&'a self, endpoint: E) -> impl Fn(usize, usize) -> PageFuture<'a, E::Item> + 'a
    where
        E: Paginated + Send + Sync + 'a,
        E::Item: Send + 'a,
    {
        move |offset, limit| {
            let request = endpoint.page(offset, limit);
            Box::pin(async move { self.send(&request).await.map(E::items) })
        }
    }

    /// [`Client::list`], collected (page by page: the records are moved once).
    pub async fn list_all<E>(&self, endpoint: E) -> Result<Vec<E::Item>, ClientError>
    where
        E: Paginated + Send + Sync,
        E::Item: Send,
    {
        let mut out = Vec::new();
        let mut s = std::pin::pin!(self.pages(self.fetch(endpoint)));
        while let Some(page) = s.next().await {
            let page = page?;
            if out.is_empty() {
                out = page;
            } else {
                out.extend(page);
            }
        }
        Ok(out)
    }
}

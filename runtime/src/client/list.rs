//! Listing: every page of an index, `offset` in steps of the page size, up to
//! [`Config::concurrency`](super::Config::concurrency) pages in flight, stopping at the first
//! short page.

use std::collections::VecDeque;
use std::future::Future;

use futures_util::stream::{self, FuturesOrdered, Stream, StreamExt};

use super::{Client, ClientError};
use crate::endpoint::Paginated;

/// The state of a listing: the pages in flight, in offset order, and the records of the page
/// being handed out.
struct Pages<T, Fut: Future> {
    in_flight: FuturesOrdered<Fut>,
    next_offset: usize,
    /// No page after the ones in flight is asked for (a short page or an error was seen).
    last_asked: bool,
    buffer: VecDeque<T>,
}

impl Client {
    /// Every record of an index, from a function that fetches one page (`offset`, `limit`).
    ///
    /// Pages are asked for in order, `offset` in steps of [`Config::page_size`] (at most 50),
    /// with up to [`Config::concurrency`] in flight: as soon as one arrives, the next is asked
    /// for (a sliding window, not batches). Records come out in offset order. The listing stops
    /// at the first page shorter than the page size (pages asked for beyond it are dropped), and
    /// at the first error, which is the stream's last item.
    ///
    /// [`Config::page_size`]: super::Config::page_size
    /// [`Config::concurrency`]: super::Config::concurrency
    pub fn pages<'a, T, F, Fut>(&self, fetch: F) -> impl Stream<Item = Result<T, ClientError>> + 'a
    where
        T: 'a,
        F: Fn(usize, usize) -> Fut + 'a,
        Fut: Future<Output = Result<Vec<T>, ClientError>> + 'a,
    {
        let page = self.config.page_size.clamp(1, crate::query::MAX_LIMIT);
        let window = self.config.concurrency.max(1);
        let state = Pages {
            in_flight: FuturesOrdered::new(),
            next_offset: 0,
            last_asked: false,
            buffer: VecDeque::new(),
        };
        stream::unfold((state, fetch), move |(mut st, fetch)| async move {
            loop {
                if let Some(item) = st.buffer.pop_front() {
                    return Some((Ok(item), (st, fetch)));
                }
                while !st.last_asked && st.in_flight.len() < window {
                    st.in_flight.push_back(fetch(st.next_offset, page));
                    st.next_offset += page;
                }
                match st.in_flight.next().await? {
                    Err(e) => {
                        st.last_asked = true;
                        st.in_flight = FuturesOrdered::new();
                        return Some((Err(e), (st, fetch)));
                    }
                    Ok(items) => {
                        if items.len() < page {
                            st.last_asked = true;
                            st.in_flight = FuturesOrdered::new();
                        }
                        st.buffer.extend(items);
                    }
                }
            }
        })
    }

    /// Every record an index endpoint matches, page by page (see [`Client::pages`]).
    pub fn list<'a, E>(
        &'a self,
        endpoint: E,
    ) -> impl Stream<Item = Result<E::Item, ClientError>> + 'a
    where
        E: Paginated + 'a,
        E::Item: 'a,
    {
        self.pages(move |offset, limit| {
            let request = endpoint.page(offset, limit);
            async move { self.send(&request).await.map(E::items) }
        })
    }

    /// [`Client::list`], collected.
    pub async fn list_all<E: Paginated>(&self, endpoint: E) -> Result<Vec<E::Item>, ClientError> {
        let mut out = Vec::new();
        let mut s = std::pin::pin!(self.list(endpoint));
        while let Some(item) = s.next().await {
            out.push(item?);
        }
        Ok(out)
    }
}

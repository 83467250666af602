//! The accept loop: HTTP/1.1 over hyper with the limits `axum::serve` has no setting for.
//!
//! - A client has `header_timeout` to send a complete request head, counted from the moment the
//!   connection opens or its previous response was sent, so a connection trickling its headers
//!   (slowloris) and an idle keep-alive connection are both closed after it.
//! - At most `max_connections` are open at once; beyond that, new connections wait in the
//!   kernel's backlog until one closes instead of exhausting file descriptors.
//! - Request bodies have a deadline of their own (`router`, `RequestBodyDeadlineLayer`).
//!
//! On shutdown it stops accepting, lets requests in flight finish, and closes idle connections.

use std::{future::Future, sync::Arc, time::Duration};

use axum::{Router, extract::ConnectInfo};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::{net::TcpListener, sync::Semaphore};
use tower::ServiceExt;

/// How long an open connection may take to send a request head, and stay idle between
/// requests.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub header_timeout: Duration,
    pub max_connections: usize,
}

/// Serves `router` on `listener` until `shutdown` resolves, then drains.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let (closing, closed) = tokio::sync::watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A free slot first: at the cap, connections wait in the backlog, not in our memory.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            () = &mut shutdown => break,
        };
        let Ok(slot) = slot else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors, or a connection reset before it was accepted: wait a
                // moment rather than spin, and keep serving the connections we have.
                tracing::warn!(error = %e, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service =
            router.clone().map_request(move |request: axum::http::Request<hyper::body::Incoming>| {
                let mut request = request.map(axum::body::Body::new);
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let mut closed = closed.clone();
        let header_timeout = limits.header_timeout;
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                () = async { drop(closed.wait_for(|closing| *closing).await) } => {
                    // Finish the request in flight, if any, then close.
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
            drop(slot);
        });
    }
    drop(listener);
    let _ = closing.send(true);
    // Every connection holds a slot until it ends: having them all back means all have ended.
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = slots.acquire_many(all).await;
    Ok(())
}

/// The most connections worth allowing: `configured`, but no more than the process's open-file
/// limit leaves room for (the database pool, mail, logs), read from `/proc/self/limits` where
/// there is one.
pub fn max_connections(configured: usize) -> usize {
    let soft_limit = std::fs::read_to_string("/proc/self/limits").ok().and_then(|limits| {
        limits
            .lines()
            .find(|l| l.starts_with("Max open files"))
            .and_then(|l| l.split_whitespace().nth(3))
            .and_then(|n| n.parse::<usize>().ok())
    });
    match soft_limit {
        Some(limit) => configured.min(limit.saturating_sub(256).max(16)),
        None => configured,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn connections_stay_below_the_open_file_limit() {
        let limit = super::max_connections(usize::MAX);
        assert!((16..usize::MAX).contains(&limit), "{limit}");
        assert_eq!(super::max_connections(10), 10);
    }
}

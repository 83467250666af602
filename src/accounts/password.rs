//! argon2id hashing on a small pool of threads of its own, bounded in time and memory.
//!
//! A hash takes tens of milliseconds of CPU and ~19 MiB, so it must not run on the async
//! executor, and nothing may run an unbounded number of them: 128 parallel logins on the
//! blocking pool once took a server from 28 MB to 2.9 GB and stalled every other shopper. So
//! each process hashes on about as many threads as it has cores, each reusing its own memory,
//! behind a short queue. When the queue is full, or a request waited too long in it, the
//! answer is `503 busy` with `Retry-After`, at once and without hashing.

use std::{
    cell::RefCell,
    sync::{Arc, Mutex, OnceLock, mpsc},
    time::{Duration, Instant},
};

use argon2::{
    Algorithm, Argon2, Block, Params, Version,
    password_hash::{
        self,
        phc::{Output, ParamsString, PasswordHash, Salt},
    },
};

use crate::error::ApiError;

/// Queued hashes per hashing thread; beyond that, `503 busy`.
const QUEUE_PER_THREAD: usize = 16;
/// The longest a hash may wait in the queue before it is answered `503 busy` instead.
const MAX_WAIT: Duration = Duration::from_secs(2);
/// At most this many hashing threads, however many cores: each holds ~19 MiB while it works.
const MAX_THREADS: usize = 8;

type Job = Box<dyn FnOnce() + Send>;

struct Pool {
    queue: mpsc::SyncSender<Job>,
}

impl Pool {
    fn start(threads: usize) -> Self {
        let (queue, jobs) = mpsc::sync_channel::<Job>(threads * QUEUE_PER_THREAD);
        let jobs = Arc::new(Mutex::new(jobs));
        for n in 0..threads {
            let jobs = jobs.clone();
            let spawned = std::thread::Builder::new().name(format!("oxcart-hash-{n}")).spawn(move || {
                loop {
                    let job = match jobs.lock() {
                        Ok(jobs) => jobs.recv(),
                        Err(poisoned) => poisoned.into_inner().recv(),
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password hashing thread");
            }
        }
        Self { queue }
    }
}

/// The process's hashing threads: about one per core.
fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Pool::start(cores.clamp(1, MAX_THREADS))
    })
}

/// Runs `work` on a hashing thread; `503 busy` when the queue is full or it waited too long.
async fn on_pool<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    let (answer, answered) = tokio::sync::oneshot::channel();
    let queued_at = Instant::now();
    let job: Job = Box::new(move || {
        // A client that waited this long has likely given up; its place goes to the next.
        if queued_at.elapsed() <= MAX_WAIT {
            let _ = answer.send(work());
        }
    });
    pool().queue.try_send(job).map_err(|_| ApiError::busy())?;
    answered.await.map_err(|_| ApiError::busy())
}

pub async fn hash(password: String) -> Result<String, ApiError> {
    on_pool(move || hash_now(&password)).await?
}

/// The largest argon2 memory cost a stored hash may ask for (256 MiB), so that a tampered row
/// cannot make a hashing thread allocate without bound.
const MAX_M_COST: u32 = 256 * 1024;

thread_local! {
    /// Each hashing thread's argon2 working memory, allocated once and reused: allocating
    /// 19 MiB per hash left the allocator's arenas holding hundreds of megabytes after a burst.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// argon2 over `salt` with `hasher`'s parameters, in this thread's reused memory.
fn compute(
    hasher: &Argon2,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), ApiError> {
    if params.m_cost() > MAX_M_COST {
        return Err(ApiError::internal("a stored password hash asks for too much memory"));
    }
    MEMORY.with_borrow_mut(|memory| {
        if memory.len() < params.block_count() {
            memory.resize(params.block_count(), Block::default());
        }
        hasher
            .hash_password_into_with_memory(password, salt, out, &mut memory[..params.block_count()])
            .map_err(|e| ApiError::internal(format_args!("argon2: {e}")))
    })
}

/// A new PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) for `password`, with a fresh salt.
fn hash_now(password: &str) -> Result<String, ApiError> {
    let params = Params::DEFAULT;
    let hasher = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt = Salt::generate();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    compute(&hasher, &params, password.as_bytes(), &salt, &mut out)?;
    let phc = |e: password_hash::phc::Error| ApiError::internal(format_args!("argon2 PHC string: {e}"));
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| ApiError::internal(format_args!("{e}")))?,
        salt: Some(salt),
        hash: Some(Output::new(&out).map_err(phc)?),
    };
    Ok(hash.to_string())
}

/// Whether `password` is the one `stored` (a PHC string) was made from, compared in constant
/// time.
fn verify_now(password: &str, stored: &str) -> Result<bool, ApiError> {
    let unreadable =
        |e: &dyn std::fmt::Display| ApiError::internal(format_args!("stored hash unreadable: {e}"));
    let parsed = PasswordHash::new(stored).map_err(|e| unreadable(&e))?;
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str()).map_err(|e| unreadable(&e))?;
    let version = parsed.version.map(Version::try_from).transpose().map_err(|e| unreadable(&e))?;
    let params = Params::try_from(&parsed).map_err(|e| unreadable(&e))?;
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return Err(unreadable(&"no salt or no hash"));
    };
    let hasher = Argon2::new(algorithm, version.unwrap_or_default(), params.clone());
    let mut buffer = [0u8; Output::MAX_LENGTH];
    let out = buffer.get_mut(..expected.len()).ok_or_else(|| unreadable(&"hash too long"))?;
    compute(&hasher, &params, password.as_bytes(), salt, out)?;
    // `Output`'s equality is constant-time.
    Ok(Output::new(out).is_ok_and(|computed| &computed == expected))
}

/// Verifies against `stored`, or against a decoy hash when there is no account, so that a
/// login takes the same time whether or not the email exists.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    on_pool(move || match &stored {
        Some(hash) => verify_now(&password, hash),
        None => verify_now(&password, decoy_hash()?).map(|_| false),
    })
    .await?
}

fn decoy_hash() -> Result<&'static str, ApiError> {
    static DECOY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DECOY.get() {
        return Ok(hash);
    }
    let hash = hash_now(&crate::ids::new_token("decoy"))?;
    Ok(DECOY.get_or_init(|| hash))
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_are_standard_phc_strings_that_the_library_verifies() {
        use argon2::password_hash::PasswordVerifier;
        let ours = super::hash_now("correct horse").expect("hash");
        let parsed = super::PasswordHash::new(&ours).expect("PHC");
        assert!(super::Argon2::default().verify_password(b"correct horse", &parsed).is_ok());
        assert!(super::Argon2::default().verify_password(b"wrong horse", &parsed).is_err());
        // Hashes made by the library's own hasher (every account before this change) verify.
        use argon2::password_hash::PasswordHasher;
        let theirs = super::Argon2::default().hash_password(b"correct horse").expect("hash").to_string();
        assert!(super::verify_now("correct horse", &theirs).expect("verify"));
        assert!(!super::verify_now("correct hors", &theirs).expect("verify"));
    }

    #[tokio::test]
    async fn hashes_verify_only_their_password() {
        let h = super::hash("correct horse".into()).await.expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("correct horse".into(), Some(h.clone())).await.expect("v"));
        assert!(!super::verify("wrong horse".into(), Some(h)).await.expect("v"));
        assert!(!super::verify("anything".into(), None).await.expect("decoy"));
    }

    #[tokio::test]
    async fn a_full_queue_answers_busy_at_once() {
        let mut attempts = tokio::task::JoinSet::new();
        for i in 0..200 {
            attempts.spawn(super::verify(format!("guess {i}"), None));
        }
        let answers = attempts.join_all().await;
        let busy = answers.iter().filter(|a| a.as_ref().is_err_and(|e| e.code() == "busy")).count();
        let checked = answers.iter().filter(|a| matches!(a, Ok(false))).count();
        assert_eq!(busy + checked, 200);
        assert!(busy > 0 && checked > 0, "busy {busy}, checked {checked}");
    }
}

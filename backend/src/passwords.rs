//! Password hashing (argon2id) on a small, fixed pool of dedicated threads.
//!
//! Why a pool of its own: argon2id allocates 19 MiB per hash. Run on tokio's blocking pool
//! (dozens of threads), glibc kept those buffers in each thread's malloc arena: measured with
//! `scripts/bench.sh`, four concurrent logins for five seconds left the server at 1.5 GB
//! resident. With hashing confined to `threads` dedicated threads (one per core by default)
//! at most that many buffers exist, a login flood queues instead of multiplying memory and
//! CPU, and when the bounded queue is full the caller gets 503 rather than an ever-longer wait.
//! Database connections are never held while a hash runs.

use argon2::{
    Argon2, PasswordHash, PasswordHasher as _, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use std::sync::{
    Arc, LazyLock, Mutex,
    mpsc::{Receiver, SyncSender, TrySendError, sync_channel},
};

use crate::error::AppError;

/// Hashes a password with argon2id and a random salt (synchronously, on the calling thread).
pub fn hash_now(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(format!("argon2: {e}")))
}

/// Checks a password against a stored hash (synchronously); a malformed hash is a mismatch.
pub fn verify_now(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so that "no such user" and
/// "wrong password" take the same time.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_now("licita-timing-equaliser").unwrap_or_default());

enum Job {
    Hash(
        String,
        tokio::sync::oneshot::Sender<Result<String, AppError>>,
    ),
    Verify(String, Option<String>, tokio::sync::oneshot::Sender<bool>),
}

/// The pool. Dropping it lets its threads finish their current job and exit.
#[derive(Debug)]
pub struct PasswordPool {
    jobs: SyncSender<Job>,
}

impl PasswordPool {
    /// Starts `threads` hashing threads with room for `queue` waiting jobs.
    pub fn new(threads: usize, queue: usize) -> Result<Self, String> {
        let (jobs, receiver) = sync_channel::<Job>(queue);
        let receiver = Arc::new(Mutex::new(receiver));
        for i in 0..threads.max(1) {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || work(&receiver))
                .map_err(|e| format!("cannot start the password hashing threads: {e}"))?;
        }
        Ok(Self { jobs })
    }

    /// One thread per available core (at most 4), a queue of 64.
    pub fn for_this_machine() -> Result<Self, String> {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        Self::new(cores.min(4), 64)
    }

    fn submit(&self, job: Job) -> Result<(), AppError> {
        self.jobs.try_send(job).map_err(|e| match e {
            TrySendError::Full(_) => AppError::unavailable("password hashing queue is full"),
            TrySendError::Disconnected(_) => AppError::internal("password hashing threads stopped"),
        })
    }

    /// Hashes `password` on the pool.
    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.submit(Job::Hash(password.to_owned(), reply))?;
        answer
            .await
            .map_err(|_| AppError::internal("password hashing thread vanished"))?
    }

    /// Checks `password` against `stored` on the pool. `None` (no such account) spends the same
    /// time against a dummy hash and answers `false`.
    pub async fn verify(&self, password: &str, stored: Option<String>) -> Result<bool, AppError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.submit(Job::Verify(password.to_owned(), stored, reply))?;
        answer
            .await
            .map_err(|_| AppError::internal("password hashing thread vanished"))
    }
}

fn work(receiver: &Mutex<Receiver<Job>>) {
    loop {
        let job = match receiver.lock() {
            Ok(guard) => guard.recv(),
            Err(_) => return,
        };
        match job {
            Ok(Job::Hash(password, reply)) => {
                let _ = reply.send(hash_now(&password));
            }
            Ok(Job::Verify(password, stored, reply)) => {
                let ok = match stored {
                    Some(hash) => verify_now(&password, &hash),
                    None => {
                        verify_now(&password, &DUMMY_HASH);
                        false
                    }
                };
                let _ = reply.send(ok);
            }
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_now("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_now("correct horse battery", &hash));
        assert!(!verify_now("wrong horse battery", &hash));
        assert!(!verify_now("x", "not a hash"));
    }

    #[tokio::test]
    async fn the_pool_hashes_verifies_and_refuses_when_full() {
        let pool = PasswordPool::new(1, 1).expect("pool");
        let hash = pool.hash("correct horse battery").await.expect("hash");
        assert!(
            pool.verify("correct horse battery", Some(hash.clone()))
                .await
                .expect("verify")
        );
        assert!(!pool.verify("wrong", Some(hash)).await.expect("verify"));
        assert!(!pool.verify("anything", None).await.expect("verify"));
        // One thread busy, one job queued: the next is refused at once, not queued forever.
        let busy: Vec<_> = (0..3).map(|_| pool.hash("x-y-z-w-v-u")).collect();
        let results = futures_join(busy).await;
        assert!(
            results
                .iter()
                .any(|r| matches!(r, Err(AppError::Unavailable(_)))),
            "{results:?}"
        );
        assert!(results.iter().any(Result::is_ok));
    }

    async fn futures_join<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
        let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
        let mut out = Vec::new();
        // Poll all once so every job is submitted before any completes.
        for f in pinned.iter_mut() {
            let waker = std::task::Waker::noop();
            let mut cx = std::task::Context::from_waker(waker);
            if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                out.push(Some(v));
            } else {
                out.push(None);
            }
        }
        let mut results = Vec::new();
        for (f, done) in pinned.into_iter().zip(out) {
            results.push(match done {
                Some(v) => v,
                None => f.await,
            });
        }
        results
    }
}

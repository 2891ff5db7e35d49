//! Proofs against the signed tree: that a chain's head is in a checkpoint ([`HeadProof`],
//! an RFC 6962 inclusion proof), and that an earlier checkpoint's tree is the start of a later
//! one ([`ConsistencyProof`]), as a witness asks for them and checks them.

use serde::{Deserialize, Serialize};

use super::{ChainHead, Checkpoint, find_in, heads_upto, leaf};
use crate::{
    db::DbConnection,
    error::AppError,
    merkle::{self, Hash},
};

/// The consistency proof between two checkpoints ([`consistency_in`]): public.
pub async fn consistency(
    app: &crate::app::AppState,
    from: i64,
    to: i64,
) -> Result<ConsistencyProof, AppError> {
    app.db.run(move |conn| consistency_in(conn, from, to)).await
}

fn leaf_hashes(heads: &[ChainHead]) -> Vec<Hash> {
    heads
        .iter()
        .map(|h| merkle::leaf_hash(&leaf(&h.chain, h.seq, &h.hash)))
        .collect()
}

/// The proof that a chain's head is in a checkpoint.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HeadProof {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// The chain's latest head in it.
    pub head: ChainHead,
    /// Audit path (hex), from the leaf's sibling upwards.
    pub audit_path: Vec<String>,
}

impl HeadProof {
    /// Does the path lead from the head to the checkpoint's root?
    pub fn verifies(&self) -> bool {
        let (Ok(root), Ok(path)) = (
            decode_hash(&self.checkpoint.root),
            self.audit_path
                .iter()
                .map(|h| decode_hash(h))
                .collect::<Result<Vec<_>, _>>(),
        ) else {
            return false;
        };
        merkle::verify_inclusion(
            &leaf(&self.head.chain, self.head.seq, &self.head.hash),
            u64::try_from(self.head.position).unwrap_or(u64::MAX),
            u64::try_from(self.checkpoint.tree_size).unwrap_or(0),
            &path,
            &root,
        )
    }
}

fn decode_hash(text: &str) -> Result<Hash, ()> {
    hex::decode(text)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
        .ok_or(())
}

/// The inclusion proof of `chain`'s latest head in checkpoint `id` (404 when the chain has
/// no head in it).
pub fn head_proof(conn: &mut DbConnection, id: i64, chain: &str) -> Result<HeadProof, AppError> {
    let checkpoint = find_in(conn, id)?;
    let heads = heads_upto(conn, checkpoint.tree_size)?;
    let head = heads
        .iter()
        .rev()
        .find(|h| h.chain == chain)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let index = usize::try_from(head.position).map_err(AppError::internal)?;
    let path = merkle::inclusion_proof_of(&leaf_hashes(&heads), index)
        .ok_or_else(|| AppError::internal("head position beyond the tree"))?;
    Ok(HeadProof {
        checkpoint,
        head,
        audit_path: path.iter().map(hex::encode).collect(),
    })
}

/// The consistency proof between two checkpoints.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ConsistencyProof {
    /// The earlier checkpoint.
    pub from: Checkpoint,
    /// The later one.
    pub to: Checkpoint,
    /// RFC 6962 consistency proof (hex).
    pub proof: Vec<String>,
}

impl ConsistencyProof {
    /// Is the earlier tree the start of the later one?
    pub fn verifies(&self) -> bool {
        let (Ok(a), Ok(b), Ok(proof)) = (
            decode_hash(&self.from.root),
            decode_hash(&self.to.root),
            self.proof
                .iter()
                .map(|h| decode_hash(h))
                .collect::<Result<Vec<_>, _>>(),
        ) else {
            return false;
        };
        merkle::verify_consistency(
            u64::try_from(self.from.tree_size).unwrap_or(0),
            u64::try_from(self.to.tree_size).unwrap_or(0),
            &a,
            &b,
            &proof,
        )
    }
}

/// The consistency proof from checkpoint `from` to checkpoint `to` (`from` ≤ `to`).
pub fn consistency_in(
    conn: &mut DbConnection,
    from: i64,
    to: i64,
) -> Result<ConsistencyProof, AppError> {
    if from > to {
        return Err(AppError::field("from", "checkpoint_order"));
    }
    let (a, b) = (find_in(conn, from)?, find_in(conn, to)?);
    let heads = heads_upto(conn, b.tree_size)?;
    let m = usize::try_from(a.tree_size).map_err(AppError::internal)?;
    let proof = if m == 0 {
        Vec::new()
    } else {
        merkle::consistency_proof_of(&leaf_hashes(&heads), m)
            .ok_or_else(|| AppError::internal("checkpoint beyond the tree"))?
    };
    Ok(ConsistencyProof {
        from: a,
        to: b,
        proof: proof.iter().map(hex::encode).collect(),
    })
}

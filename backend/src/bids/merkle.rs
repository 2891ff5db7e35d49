//! The Merkle tree of a tender's envelopes, frozen at the submission deadline, as Certificate
//! Transparency defines it (RFC 6962 §2.1): leaf hash `SHA-256(0x00 ‖ leaf)`, node hash
//! `SHA-256(0x01 ‖ left ‖ right)`, the left subtree holding the largest power of two smaller
//! than the number of leaves. A leaf is the 32-byte SHA-256 of one envelope, in bid-id order.
//!
//! An inclusion proof is the audit path of RFC 6962 §2.1.1; [`verify_inclusion`] is the
//! check any bidder can repeat with nothing but SHA-256 (RFC 9162 §2.1.3.2).

use sha2::{Digest, Sha256};

/// A 32-byte hash.
pub type Hash = [u8; 32];

/// The hash of a leaf.
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(leaf);
    h.finalize().into()
}

fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The largest power of two strictly smaller than `n` (n ≥ 2).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// The root over leaf hashes (the empty tree's root is the hash of nothing).
fn root_of(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&root_of(&leaves[..k]), &root_of(&leaves[k..]))
        }
    }
}

/// The Merkle tree hash of `leaves` (each leaf's data, not yet hashed).
pub fn root(leaves: &[impl AsRef<[u8]>]) -> Hash {
    let hashed: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l.as_ref())).collect();
    root_of(&hashed)
}

/// The audit path of leaf `index`, from the leaf's sibling up to the root's child.
pub fn inclusion_proof(leaves: &[impl AsRef<[u8]>], index: usize) -> Option<Vec<Hash>> {
    if index >= leaves.len() {
        return None;
    }
    let hashed: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l.as_ref())).collect();
    let mut path = Vec::new();
    path_of(&hashed, index, &mut path);
    Some(path)
}

fn path_of(leaves: &[Hash], index: usize, path: &mut Vec<Hash>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split(n);
    if index < k {
        path_of(&leaves[..k], index, path);
        path.push(root_of(&leaves[k..]));
    } else {
        path_of(&leaves[k..], index - k, path);
        path.push(root_of(&leaves[..k]));
    }
}

/// Does `path` prove that `leaf` is leaf `index` of a tree of `size` leaves with `root`?
pub fn verify_inclusion(leaf: &[u8], index: u64, size: u64, path: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut f_n, mut s_n) = (index, size - 1);
    let mut r = leaf_hash(leaf);
    for p in path {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node_hash(p, &r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    s_n == 0 && &r == root
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The leaves of Certificate Transparency's reference test (merkle_tree_test.cc).
    fn ct_leaves() -> Vec<Vec<u8>> {
        [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ]
        .iter()
        .map(|h| hex::decode(h).expect("hex"))
        .collect()
    }

    #[test]
    fn roots_match_certificate_transparency_reference_values() {
        let leaves = ct_leaves();
        assert_eq!(
            hex::encode(root(&leaves[..0])),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex::encode(root(&leaves[..1])),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
        assert_eq!(
            hex::encode(root(&leaves[..8])),
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
        );
    }

    #[test]
    fn every_leaf_of_every_size_proves_its_inclusion_and_nothing_else_does() {
        let leaves: Vec<Vec<u8>> = (0u32..33).map(|i| i.to_be_bytes().to_vec()).collect();
        for size in 1..=leaves.len() {
            let tree = &leaves[..size];
            let r = root(tree);
            for (i, leaf) in tree.iter().enumerate() {
                let path = inclusion_proof(tree, i).expect("in range");
                assert!(verify_inclusion(leaf, i as u64, size as u64, &path, &r));
                assert!(!verify_inclusion(
                    b"other",
                    i as u64,
                    size as u64,
                    &path,
                    &r
                ));
                if size > 1 {
                    let wrong = (i + 1) % size;
                    assert!(!verify_inclusion(
                        leaf,
                        wrong as u64,
                        size as u64,
                        &path,
                        &r
                    ));
                }
            }
        }
        assert!(inclusion_proof(&leaves[..3], 3).is_none());
    }
}

//! Merkle trees as Certificate Transparency defines them (RFC 6962 §2.1): leaf hash
//! `SHA-256(0x00 ‖ leaf)`, node hash `SHA-256(0x01 ‖ left ‖ right)`, the left subtree holding
//! the largest power of two smaller than the number of leaves. Two trees use it:
//! - a tender's envelopes, frozen at the submission deadline (a leaf is the 32-byte SHA-256 of
//!   one envelope, in bid-id order);
//! - the audit log's checkpoints, whose leaves are chain heads appended in checkpoint order
//!   (`audit::checkpoints`).
//!
//! An inclusion proof is the audit path of RFC 6962 §2.1.1; [`verify_inclusion`] is the
//! check anyone can repeat with nothing but SHA-256 (RFC 9162 §2.1.3.2). A consistency proof
//! (§2.1.2) shows that a tree of `m` leaves is the first `m` leaves of a tree of `n`:
//! [`verify_consistency`] follows RFC 9162 §2.1.4.2. A [`Frontier`] keeps only the roots of a
//! growing tree's perfect subtrees, so appending leaves and computing the new root costs
//! O(log n) hashes per leaf instead of rehashing the whole tree.

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
pub fn root_of(leaves: &[Hash]) -> Hash {
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
    let hashed: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l.as_ref())).collect();
    inclusion_proof_of(&hashed, index)
}

/// The audit path of leaf `index` over leaf hashes.
pub fn inclusion_proof_of(leaves: &[Hash], index: usize) -> Option<Vec<Hash>> {
    if index >= leaves.len() {
        return None;
    }
    let mut path = Vec::new();
    path_of(leaves, index, &mut path);
    Some(path)
}

/// The consistency proof between the tree of the first `m` leaf hashes and the tree of all
/// of them (RFC 6962 §2.1.2); `None` unless 0 < m ≤ n.
pub fn consistency_proof_of(leaves: &[Hash], m: usize) -> Option<Vec<Hash>> {
    if m == 0 || m > leaves.len() {
        return None;
    }
    let mut proof = Vec::new();
    subproof(m, leaves, true, &mut proof);
    Some(proof)
}

fn subproof(m: usize, leaves: &[Hash], whole: bool, proof: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        if !whole {
            proof.push(root_of(leaves));
        }
        return;
    }
    let k = split(n);
    if m <= k {
        subproof(m, &leaves[..k], whole, proof);
        proof.push(root_of(&leaves[k..]));
    } else {
        subproof(m - k, &leaves[k..], false, proof);
        proof.push(root_of(&leaves[..k]));
    }
}

/// Does `proof` show that the tree of `m` leaves with `root_m` is the start of the tree of
/// `n` leaves with `root_n` (RFC 9162 §2.1.4.2)?
pub fn verify_consistency(m: u64, n: u64, root_m: &Hash, root_n: &Hash, proof: &[Hash]) -> bool {
    if m == 0 || m > n {
        return false;
    }
    if m == n {
        return proof.is_empty() && root_m == root_n;
    }
    let path: Vec<Hash> = if m.is_power_of_two() {
        std::iter::once(*root_m)
            .chain(proof.iter().copied())
            .collect()
    } else {
        proof.to_vec()
    };
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    let (mut f_n, mut s_n) = (m - 1, n - 1);
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    let (mut f_r, mut s_r) = (*first, *first);
    for c in rest {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            f_r = node_hash(c, &f_r);
            s_r = node_hash(c, &s_r);
            while f_n & 1 == 0 && f_n != 0 {
                f_n >>= 1;
                s_n >>= 1;
            }
        } else {
            s_r = node_hash(&s_r, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    &f_r == root_m && &s_r == root_n && s_n == 0
}

/// The right edge of a growing tree: the roots of its perfect subtrees, largest first, each
/// with its height. Appending a leaf merges equal heights; the root folds them from the
/// right, which is exactly RFC 6962's tree hash.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    nodes: Vec<(u32, Hash)>,
    size: u64,
}

impl Frontier {
    /// Appends a leaf (its data, hashed here).
    pub fn push(&mut self, leaf: &[u8]) {
        let mut node = (0u32, leaf_hash(leaf));
        while let Some(&(height, left)) = self.nodes.last() {
            if height != node.0 {
                break;
            }
            self.nodes.pop();
            node = (height + 1, node_hash(&left, &node.1));
        }
        self.nodes.push(node);
        self.size += 1;
    }

    /// Leaves so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The tree hash of the leaves so far.
    pub fn root(&self) -> Hash {
        let mut nodes = self.nodes.iter().rev();
        let Some(&(_, last)) = nodes.next() else {
            return Sha256::digest([]).into();
        };
        nodes.fold(last, |acc, (_, left)| node_hash(left, &acc))
    }

    /// The frontier as text to store: `height:hex` pairs separated by commas, and the size.
    pub fn to_text(&self) -> String {
        let nodes: Vec<String> = self
            .nodes
            .iter()
            .map(|(h, n)| format!("{h}:{}", hex::encode(n)))
            .collect();
        format!("{};{}", self.size, nodes.join(","))
    }

    /// Reads what [`Frontier::to_text`] wrote.
    pub fn from_text(text: &str) -> Option<Self> {
        let (size, nodes) = text.split_once(';')?;
        let nodes = nodes
            .split(',')
            .filter(|n| !n.is_empty())
            .map(|n| {
                let (h, hash) = n.split_once(':')?;
                let hash = <[u8; 32]>::try_from(hex::decode(hash).ok()?.as_slice()).ok()?;
                Some((h.parse().ok()?, hash))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Self {
            nodes,
            size: size.parse().ok()?,
        })
    }
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

    #[test]
    fn every_prefix_is_consistent_with_every_longer_tree_and_nothing_else_is() {
        let leaves: Vec<Hash> = (0u32..33).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        for n in 1..=leaves.len() {
            let root_n = root_of(&leaves[..n]);
            for m in 1..=n {
                let root_m = root_of(&leaves[..m]);
                let proof = consistency_proof_of(&leaves[..n], m).expect("in range");
                assert!(
                    verify_consistency(m as u64, n as u64, &root_m, &root_n, &proof),
                    "{m} of {n}"
                );
                let other = leaf_hash(b"rewritten");
                assert!(!verify_consistency(
                    m as u64, n as u64, &other, &root_n, &proof
                ));
                if m < n {
                    assert!(!verify_consistency(
                        m as u64, n as u64, &root_m, &other, &proof
                    ));
                    // A tree whose first m leaves differ is not consistent with the first.
                    let mut forged = leaves[..n].to_vec();
                    forged[m - 1] = other;
                    let forged_root = root_of(&forged);
                    let forged_proof = consistency_proof_of(&forged, m).expect("in range");
                    assert!(!verify_consistency(
                        m as u64,
                        n as u64,
                        &root_m,
                        &forged_root,
                        &forged_proof
                    ));
                }
            }
        }
        assert!(consistency_proof_of(&leaves[..3], 0).is_none());
        assert!(consistency_proof_of(&leaves[..3], 4).is_none());
    }

    #[test]
    fn the_frontier_gives_the_tree_hash_at_every_size_and_survives_storage() {
        let leaves = ct_leaves();
        let mut frontier = Frontier::default();
        assert_eq!(frontier.root(), root(&leaves[..0]));
        for (i, leaf) in leaves.iter().enumerate() {
            frontier.push(leaf);
            assert_eq!(frontier.root(), root(&leaves[..=i]), "size {}", i + 1);
            let stored = Frontier::from_text(&frontier.to_text()).expect("reads back");
            assert_eq!(stored, frontier);
        }
        assert_eq!(frontier.size(), 8);
        let many: Vec<Vec<u8>> = (0u32..100).map(|i| i.to_be_bytes().to_vec()).collect();
        let mut f = Frontier::default();
        for leaf in &many {
            f.push(leaf);
        }
        assert_eq!(f.root(), root(&many));
    }
}

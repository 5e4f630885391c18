"""A path on a contraction hierarchy (:mod:`corridor.build.contraction`) as the network's own
edges: the shortcuts of an up-down path expanded through their middle nodes. Shared by the
hierarchy's searches (:mod:`corridor.search_ch`) and its hub labels (:mod:`corridor.hub_labels`)."""

from __future__ import annotations

import threading

import numpy as np

from corridor.jit import njit

_SCAN_AT_MOST = 16  # middle node's edges: fewer are scanned at each path, more remembered


@njit(cache=True, nogil=True, interpret_first=True)
def unpack_slots(slots, rev, tails, up_indptr, up_head, up_mid, up_eid, children, out_nodes, out_edges):
    """Original edges, in order, of the upward slots ``slots`` traversed forward (tail -> head)
    or reversed (``rev``), ``tails`` their tail nodes (:func:`slot_tails`; the two halves of a
    shortcut start at its middle node). Writes the node reached by each edge; returns the edge
    count.

    The two slots a shortcut stands for are found among its middle node's edges, and remembered
    in ``children`` (:func:`shortcut_memo`: int64 per upward slot, the slot to its tail's side
    plus one, shifted 32 bits, and the slot to its head's side plus one; 0: not looked for
    yet), so that a middle node's edges, a few hundred at the hierarchy's top, are scanned once
    per process instead of at each path. Only shortcuts whose middle node has more than
    :data:`_SCAN_AT_MOST` edges are remembered: a short scan costs less than the first touch of
    a memo page. Both slots are one 64-bit store, so a thread never reads half an entry, and
    two threads filling one write the same value."""
    cap = 64
    st_s = np.empty(cap, np.int64)
    st_t = np.empty(cap, np.int64)
    st_r = np.empty(cap, np.bool_)
    top = 0
    n_out = 0
    for i in range(slots.shape[0] - 1, -1, -1):
        if top == cap:
            st_s, st_t, st_r = _grown(st_s, st_t, st_r, top)
            cap = st_s.shape[0]
        st_s[top], st_t[top], st_r[top] = slots[i], tails[i], rev[i]
        top += 1
    while top > 0:
        top -= 1
        s, t, r = st_s[top], st_t[top], st_r[top]
        m = up_mid[s]
        if m < 0:
            out_nodes[n_out] = t if r else up_head[s]
            out_edges[n_out] = up_eid[s]
            n_out += 1
            continue
        dense = up_indptr[m + 1] - up_indptr[m] > _SCAN_AT_MOST
        pair = children[s] if dense else 0
        if pair == 0:
            lo, hi = t, up_head[s]
            k_lo = -1
            k_hi = -1
            for q in range(up_indptr[m], up_indptr[m + 1]):
                if up_head[q] == lo:
                    k_lo = q
                elif up_head[q] == hi:
                    k_hi = q
            pair = ((k_lo + 1) << 32) | (k_hi + 1)
            if dense:
                children[s] = pair
        k_lo, k_hi = (pair >> 32) - 1, (pair & 0xFFFFFFFF) - 1
        if top + 2 > cap:
            st_s, st_t, st_r = _grown(st_s, st_t, st_r, top)
            cap = st_s.shape[0]
        st_t[top] = m
        st_t[top + 1] = m
        if not r:  # lo -> m (reverse of m -> lo), then m -> hi: push the second part first
            st_s[top], st_r[top] = k_hi, False
            st_s[top + 1], st_r[top + 1] = k_lo, True
        else:  # hi -> m (reverse of m -> hi), then m -> lo
            st_s[top], st_r[top] = k_lo, False
            st_s[top + 1], st_r[top + 1] = k_hi, True
        top += 2
    return n_out


@njit(cache=True, nogil=True, interpret_first=True)
def _grown(st_s, st_t, st_r, top):
    """The unpacking's stack (slots, tails, reversed) at twice its size, its ``top`` entries kept."""
    cap = 2 * st_s.shape[0]
    a, b, c = np.empty(cap, np.int64), np.empty(cap, np.int64), np.empty(cap, np.bool_)
    a[:top], b[:top], c[:top] = st_s[:top], st_t[:top], st_r[:top]
    return a, b, c


def slot_tails(up_indptr: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """The tail node of each upward slot: the row of ``up_indptr`` holding it, by binary search.
    A path needs the tails of its few hierarchy slots only (the halves of a shortcut start at
    its middle node), so no hierarchy keeps a tail per slot: 16 MB for the whole network's, made
    by a pass over every slot on its first path (10-65 ms of CPU)."""
    return np.searchsorted(up_indptr, slots, side="right") - 1


def shortcut_memo(h) -> np.ndarray:
    """The memo of the two slots each of hierarchy ``h``'s shortcuts stands for
    (:func:`unpack_slots`), kept with ``h``: zeros, so it costs memory only where paths were
    unpacked (at most 8 bytes per upward edge, 32 MB for the whole network's)."""
    kept = h.__dict__.get("_children")
    if kept is None:
        with _MEMO_LOCK:
            kept = h.__dict__.get("_children")
            if kept is None:
                kept = np.zeros(len(h.up_head), np.int64)
                object.__setattr__(h, "_children", kept)
    return kept


_MEMO_LOCK = threading.Lock()

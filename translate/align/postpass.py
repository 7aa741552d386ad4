"""A post-pass over merged beads that uses meaning alone (after SentAlign).

The search (``search``) scores a bead from all views together, so a sentence with no
counterpart (an OCR caption, a translator's note, a line of debris) can still be cheaper
to merge into a neighbouring bead than to leave unaligned: its vector barely moves the
bead's summed surface features and its length is small. SentAlign re-checks each merged
bead and keeps the best subset of its members. Here a member at either end of a merged
side is detached (it becomes a 1-0 or 0-1 bead beside the bead) when, in the centred
sentence-embedding view (``dense``), it does not resemble the other side on its own
(cosine below ``floor``) *and* the bead without it resembles the other side more than
with it (by at least ``gain``). Only ends are detached, so beads stay contiguous and the
alignment monotone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Span = tuple[tuple[int, ...], tuple[int, ...]]

#: Detach thresholds, tuned on the Text+Berg dev document (``scripts/eval_align.py --dev``).
DETACH_FLOOR = 0.15
DETACH_GAIN = 0.02


def _cos(u: np.ndarray, v: np.ndarray) -> float:
    den = float(np.linalg.norm(u) * np.linalg.norm(v))
    return float(u @ v) / den if den > 0 else 0.0


def _detach_one(src: list[int], tgt: list[int], dx: np.ndarray, dy: np.ndarray, floor: float, gain: float):
    """The (side, position) of the member to detach from one bead, or ``None``."""
    sx, sy = dx[src].sum(0), dy[tgt].sum(0)
    full = _cos(sx, sy)
    best = None
    for side, members, own_rows, other in (("src", src, dx, sy), ("tgt", tgt, dy, sx)):
        if len(members) < 2:
            continue
        total = own_rows[members].sum(0)
        for pos in (0, len(members) - 1):
            row = own_rows[members[pos]]
            if _cos(row, other) >= floor:
                continue
            rest = _cos(total - row, other)
            if rest >= full + gain and (best is None or rest > best[0]):
                best = (rest, side, pos)
    return None if best is None else best[1:]


def detach_unrelated_members(
    spans: Sequence[Span], dx: np.ndarray, dy: np.ndarray, *, floor: float = DETACH_FLOOR, gain: float = DETACH_GAIN
) -> list[Span]:
    """Beads with unrelated end members split off as unaligned (see the module docstring).

    Args:
        spans: the beads, in order, as ``(source ids, target ids)``.
        dx, dy: centred sentence embeddings of the source (or MT) and target sides.

    Returns:
        The same sentences in the same order, with some members moved into null beads
        placed before (a first member) or after (a last member) their old bead.
    """
    out: list[Span] = []
    for src_ids, tgt_ids in spans:
        src, tgt = list(src_ids), list(tgt_ids)
        before: list[Span] = []
        after: list[Span] = []
        while src and tgt and len(src) + len(tgt) > 2:
            pick = _detach_one(src, tgt, dx, dy, floor, gain)
            if pick is None:
                break
            side, pos = pick
            members = src if side == "src" else tgt
            k = members.pop(pos)
            null: Span = ((k,), ()) if side == "src" else ((), (k,))
            if pos == 0:
                before.append(null)
            else:
                after.insert(0, null)
        # Null beads of both sides before a bead: source ones first (any order of 1-0
        # and 0-1 beads between two linked beads is the same alignment).
        out.extend(sorted(before, key=lambda s: (not s[0], s[0] or s[1])))
        out.append((tuple(src), tuple(tgt)))
        out.extend(sorted(after, key=lambda s: (not s[0], s[0] or s[1])))
    return out

"""Word alignment from cross-attention: one matrix in, ``(source, target)`` piece pairs out.

Both engines give the same thing: the attention of the last decoder layer's first head
over the source pieces, one row per target piece (CTranslate2's ``return_attention``
uses ``alignment_layer=-1, alignment_heads=1`` by default, ``specs/transformer_spec.py``;
the transformers backend takes the same head from a forced-decoding pass). Each target
piece is linked to the source piece it attends to most (``</s>`` excluded on both
sides), with that weight renormalised over the real source pieces, so a caller can
tell a sharp link from a guess. Attention is only a rough alignment, and a small or
memorising model's can be meaningless: ``selaras.formats.inline`` checks it before
trusting it.
"""

from __future__ import annotations

from collections.abc import Sequence


def alignment_from_attention(
    rows: Sequence[Sequence[float]], n_source: int, n_target: int
) -> tuple[tuple[tuple[int, int], ...], tuple[float, ...]]:
    """Pairs ``(source piece, target piece)`` and their weights from an attention matrix.

    Args:
        rows: one row per generated target position (row ``t`` is the attention while
            producing target piece ``t``), each over the source positions (``</s>`` may
            follow the ``n_source`` real pieces; padding after it is ignored).
        n_source: real source pieces (without ``</s>``).
        n_target: real target pieces (without ``</s>``).

    Returns:
        One pair per target piece that has a row, and its weight in [0, 1].
    """
    pairs: list[tuple[int, int]] = []
    weights: list[float] = []
    if n_source <= 0:
        return (), ()
    for t, row in enumerate(rows[:n_target]):
        real = [float(v) for v in row[:n_source]]
        total = sum(real)
        if total <= 0.0:
            continue
        s = max(range(n_source), key=real.__getitem__)
        pairs.append((s, t))
        weights.append(real[s] / total)
    return tuple(pairs), tuple(weights)


__all__ = ["alignment_from_attention"]

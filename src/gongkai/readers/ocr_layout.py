"""A scanned page as pixels: ink, ruling lines and text-line boxes, found with numpy alone.

Everything here works on a grayscale page image (``uint8``, 0 = black) and returns pixel coordinates; the OCR
reader (``gongkai.readers.ocr``) turns them into PDF points and hands the ruling to the same table finder as
the text-layer reader, so a scanned table and a printed one become the same grid.

* **Ink** is every pixel darker than a threshold (Otsu's, clamped so a uniformly grey page is not all ink and
  a light cell fill — the blue band behind ``第二十条 第（八）项`` — is never ink).
* **Ruling lines** are long straight runs of ink: a morphological opening along each axis (1-D windows
  computed with cumulative sums) keeps runs of at least ``min_rule`` pixels, after a small closing that
  bridges the breaks a scanner leaves in a hairline. A run becomes a rule when it meets a rule of the other
  direction or is very long: a dash printed in a cell (``—``) meets none and stays text.
* **Text lines** inside a box (a table cell, or the page outside its tables) come from the row profile of the
  ink: rows with ink form runs; runs closer than a glyph's own gaps (the three strokes of ``三``) are joined
  while the result is no taller than one line; each line is then cut at wide gaps into segments.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Gray = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]
PxBox = tuple[int, int, int, int]  # x0, top, x1, bottom (exclusive), in pixels

INK_MIN = 80  # a threshold below this would drop grey text; above INK_MAX light fills would become ink
INK_MAX = 160


@dataclass(frozen=True)
class Rule:
    """A ruling line: ``pos`` is its centre across the line, ``start``/``end`` its extent along it."""

    horizontal: bool
    pos: float
    start: int
    end: int
    thickness: int

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class InkLine:
    """One line of text in a box: its ink box and its segments (cut at wide gaps), in pixels."""

    box: PxBox
    segments: tuple[PxBox, ...]
    core: int  # height of the rows holding most of the ink (without the tails of brackets and quotes)

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]


# ---------------------------------------------------------------------------------------------------------
# Ink
# ---------------------------------------------------------------------------------------------------------


def otsu(gray: Gray) -> int:
    """Otsu's threshold of a grayscale image."""
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    if total == 0:
        return INK_MAX
    levels = np.arange(256, dtype=np.float64)
    weight = np.cumsum(hist)
    mean = np.cumsum(hist * levels)
    between = np.zeros(256)
    valid = (weight > 0) & (weight < total)
    w0, m0 = weight[valid], mean[valid]
    between[valid] = (mean[-1] * w0 / total - m0) ** 2 / (w0 * (total - w0))
    return int(np.argmax(between))


def ink_mask(gray: Gray) -> Mask:
    threshold = min(max(otsu(gray), INK_MIN), INK_MAX)
    mask: Mask = gray < threshold
    return mask


# ---------------------------------------------------------------------------------------------------------
# 1-D morphology along an axis (windows by cumulative sums: linear in the image size)
# ---------------------------------------------------------------------------------------------------------


def _window_sums(mask: Mask, length: int, axis: int) -> npt.NDArray[np.int32]:
    """Sums of ``length`` consecutive values along ``axis`` (``n - length + 1`` of them)."""
    counts = np.cumsum(mask, axis=axis, dtype=np.int32)
    pad = [(0, 0), (0, 0)]
    pad[axis] = (1, 0)
    counts = np.pad(counts, pad)
    n = counts.shape[axis]
    upper = np.take(counts, np.arange(length, n), axis=axis)
    lower = np.take(counts, np.arange(0, n - length), axis=axis)
    return upper - lower


def opening(mask: Mask, length: int, axis: int) -> Mask:
    """Pixels covered by a run of at least ``length`` set pixels along ``axis``."""
    n = mask.shape[axis]
    if length <= 1:
        return mask.copy()
    if length > n:
        return np.zeros_like(mask)
    starts = _window_sums(mask, length, axis) == length  # a full run begins here
    pad = [(0, 0), (0, 0)]
    pad[axis] = (length - 1, length - 1)
    covered: Mask = _window_sums(np.pad(starts, pad), length, axis) > 0
    return covered


def closing(mask: Mask, length: int, axis: int) -> Mask:
    """Gaps shorter than ``length`` along ``axis`` filled."""
    closed: Mask = ~opening(~mask, length, axis)
    return closed


# ---------------------------------------------------------------------------------------------------------
# Ruling lines
# ---------------------------------------------------------------------------------------------------------


def _runs(mask: Mask, axis: int) -> list[tuple[int, int, int]]:
    """Runs of set pixels along ``axis``: (index across, start, end) sorted by index across."""
    m = mask if axis == 1 else mask.T
    padded = np.pad(m.astype(np.int8), ((0, 0), (1, 1)))
    diff = np.diff(padded, axis=1)
    rows_s, starts = np.nonzero(diff == 1)
    _, ends = np.nonzero(diff == -1)
    # nonzero walks row-major: the k-th start and the k-th end pair up (each row has as many of both)
    return [(int(r), int(s), int(e)) for r, s, e in zip(rows_s, starts, ends, strict=True)]


def _group_runs(runs: list[tuple[int, int, int]], horizontal: bool, max_thickness: int) -> list[Rule]:
    """Runs on neighbouring rows (columns) that overlap become one rule."""
    open_: list[list[int]] = []  # [first index, last index, start, end, sum of index * length, total length]
    done: list[list[int]] = []
    for index, start, end in runs:
        still: list[list[int]] = []
        for g in open_:
            (still if index - g[1] <= 2 else done).append(g)
        open_ = still
        for g in open_:
            overlap = min(end, g[3]) - max(start, g[2])
            if overlap >= 0.5 * min(end - start, g[3] - g[2]):
                g[1] = index
                g[2], g[3] = min(g[2], start), max(g[3], end)
                g[4] += index * (end - start)
                g[5] += end - start
                break
        else:
            open_.append([index, index, start, end, index * (end - start), end - start])
    rules: list[Rule] = []
    for g in done + open_:
        thickness = g[1] - g[0] + 1
        if thickness > max_thickness:
            continue  # a solid block (a stamp, a black bar), not a line
        rules.append(Rule(horizontal, g[4] / g[5], g[2], g[3], thickness))
    return rules


def _meets(h: Rule, v: Rule, tol: float) -> bool:
    return h.start - tol <= v.pos <= h.end + tol and v.start - tol <= h.pos <= v.end + tol


def find_rules(ink: Mask, min_rule: int, gap: int, max_thickness: int) -> tuple[list[Rule], list[Rule]]:
    """Horizontal and vertical ruling lines of a page (see the module docstring)."""
    found: list[list[Rule]] = []
    for axis in (1, 0):
        closed = closing(ink, gap, axis) if gap > 1 else ink
        lines = opening(closed, min_rule, axis)
        found.append(_group_runs(_runs(lines, axis), axis == 1, max_thickness))
    horizontal, vertical = found
    tol = 2.0 * max_thickness
    long_h = 0.25 * ink.shape[1]
    long_v = 0.25 * ink.shape[0]
    keep_h = [h for h in horizontal if h.length >= long_h or any(_meets(h, v, tol) for v in vertical)]
    keep_v = [v for v in vertical if v.length >= long_v or any(_meets(h, v, tol) for h in horizontal)]
    return keep_h, keep_v


def rule_mask(shape: tuple[int, int], rules: list[Rule], pad: int = 1) -> Mask:
    """The pixels the rules cover (widened by ``pad``), to take them out of the text ink."""
    mask = np.zeros(shape, dtype=np.bool_)
    for r in rules:
        half = r.thickness // 2 + pad
        lo, hi = max(round(r.pos) - half, 0), round(r.pos) + half + 1
        if r.horizontal:
            mask[lo:hi, max(r.start - pad, 0) : r.end + pad] = True
        else:
            mask[max(r.start - pad, 0) : r.end + pad, lo:hi] = True
    return mask


# ---------------------------------------------------------------------------------------------------------
# Text lines
# ---------------------------------------------------------------------------------------------------------


def spans(profile: npt.NDArray[np.int64], minimum: int = 1) -> list[tuple[int, int]]:
    """Runs of positions where ``profile >= minimum``: (start, end exclusive)."""
    on = np.concatenate(([0], (profile >= minimum).astype(np.int8), [0]))
    diff = np.diff(on)
    return list(zip(np.nonzero(diff == 1)[0].tolist(), np.nonzero(diff == -1)[0].tolist(), strict=True))


def text_lines(ink: Mask, box: PxBox, em: float, min_pixels: int = 4) -> list[InkLine]:
    """The text lines of the ink inside ``box`` (page pixels), top to bottom.

    ``em`` is the expected height of one line of text in pixels: row runs are joined while the result is no
    taller than 1.15 em (glyph strokes with gaps between them), never two real lines."""
    x0, top, x1, bottom = box
    region = ink[top:bottom, x0:x1]
    if region.size == 0 or int(region.sum()) < min_pixels:
        return []
    rows = spans(region.sum(axis=1))
    merged: list[list[int]] = [list(rows[0])]
    for start, end in rows[1:]:
        last = merged[-1]
        if end - last[0] <= 1.15 * em and start - last[1] <= 0.6 * em:
            last[1] = end
        else:
            merged.append([start, end])
    lines: list[InkLine] = []
    for start, end in merged:
        band = region[start:end]
        if int(band.sum()) < min_pixels:
            continue  # a speck
        cols = spans(band.sum(axis=0))
        segments: list[list[int]] = [list(cols[0])]
        for c0, c1 in cols[1:]:
            if c0 - segments[-1][1] > 1.5 * em:
                segments.append([c0, c1])
            else:
                segments[-1][1] = c1
        boxes = tuple((x0 + s0, top + start, x0 + s1, top + end) for s0, s1 in segments)
        counts = band.sum(axis=1)
        dense = np.nonzero(counts >= 0.15 * counts.max())[0]
        core = int(dense[-1] - dense[0] + 1) if dense.size else end - start
        lines.append(InkLine((boxes[0][0], top + start, boxes[-1][2], top + end), boxes, core))
    return lines


def typical_line_height(ink: Mask, box: PxBox, lo: float, hi: float) -> float:
    """The most common height of row runs in ``box`` between ``lo`` and ``hi`` pixels (0 when none)."""
    x0, top, x1, bottom = box
    region = ink[top:bottom, x0:x1]
    if region.size == 0:
        return 0.0
    heights = [e - s for s, e in spans(region.sum(axis=1), 2) if lo <= e - s <= hi]
    if not heights:
        return 0.0
    values, counts = np.unique(np.array(heights), return_counts=True)
    return float(values[int(np.argmax(counts))])

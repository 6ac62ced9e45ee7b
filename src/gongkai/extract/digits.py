"""Splitting runs of glued digits into table cells, letting the tables' identities choose.

Crawler renderings print a row's cells with nothing between them: ``3960181`` may be 396/0/181 or
3/960/181. Every way to cut a run into the row's cells is enumerated (no leading zero in a multi-digit
piece, decimals only in money columns, a printed space honoured as a cell boundary first), then the
identities of statute.md §4 keep the combinations that add up:

* every row of tables 三 and 四: 总计 = the other cells of the row added up;
* every column of table 三: 一 + 二 = （七）总计 + 四, and （七）总计 = the result rows （一）…（六） added up.

A cell whose value is the same in every surviving combination is certain. A cell that differs is flagged
uncertain (with the most plausible value under a stated prior): the document alone does not decide it.
Searches are bounded; when a bound is hit the identities are not used and every open cell is flagged.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from gongkai.extract.values import MAX_DIGITS

# Bounds of the search, named once.
MAX_COUNT_DIGITS = 8  # a count cell has at most this many digits
MAX_MONEY_DIGITS = 12  # integer digits of a money cell
SPLIT_BUDGET = 60_000  # recursion steps when enumerating the splits of one run
TABLE_BUDGET = 150_000  # recursion steps for all the runs of one table together
MAX_DECIMALS = 8  # decimals of a money cell
HEAD_BUDGET = 200_000  # combinations of rows 一、二、（七）、四 of table 三
STATE_BUDGET = 100_000  # partial column sums kept while combining the result rows of table 三
MAX_ROW_OPTIONS = 2_000  # splits of one row beyond which table 三's rows are not combined
BOUND = "bound"  # a search bound was hit
INCONSISTENT = "inconsistent"  # no combination satisfies the identities

NA_PIECES = frozenset({"/", "\\", "-", "--", "—", "——", "–"})
_NA_CHARS = frozenset("/\\-—–")
_NUMBER = re.compile(r"(-?)(0|[1-9]\d*)(?:\.(\d+))?")
_UNIT = re.compile(r"\s*(万元|元)\s*$")

AMBIGUOUS = "数字粘连，恒等式无法唯一确定拆分"
AMBIGUOUS_T2 = "数字粘连，表二没有恒等式可用于拆分"
IDENTITY_BROKEN = "数字粘连，且表内恒等式不成立，无法唯一确定拆分"
TOO_MANY = "数字粘连，可能的拆分过多，搜索已截断"
COUNT_MISMATCH = "数字个数与单元格数不符，无法确定哪些单元格为空"
DECIDED = "数字粘连，由表内恒等式唯一确定拆分"


@dataclass(frozen=True)
class Slot:
    """What a piece may look like in one column."""

    money: bool = False  # may carry decimals
    signed: bool = False  # may be negative


COUNT = Slot()


@dataclass(frozen=True)
class GluedRun:
    """A printed run of glued cells, ready to be cut: digits (and marks) without spaces, the spaces kept as
    positions where a boundary was printed, and a unit printed at the end (``75394432.52元``)."""

    raw: str
    chars: str
    breaks: frozenset[int] = frozenset()
    unit: str = ""


def glue(raw: str) -> GluedRun:
    """Prepare a printed run: ``'230 000023'`` → chars ``230000023`` with a boundary hint after ``230``."""
    text = unicodedata.normalize("NFKC", raw).replace("\u00a0", " ").replace("\u3000", " ")
    unit = ""
    m = _UNIT.search(text)
    if m:
        unit, text = m.group(1), text[: m.start()]
    chars: list[str] = []
    breaks: set[int] = set()
    for ch in text.strip():
        if ch.isspace():
            if chars:
                breaks.add(len(chars))
            continue
        if ch == ",":  # a thousands separator
            continue
        chars.append(ch)
    breaks.discard(len(chars))
    return GluedRun(raw, "".join(chars), frozenset(breaks), unit)


def is_na(piece: str) -> bool:
    return piece in NA_PIECES


@lru_cache(maxsize=8192)
def piece_value(piece: str) -> int | None:
    """The integer a piece prints (None for a not-applicable mark or a decimal)."""
    m = _NUMBER.fullmatch(piece)
    if not m or m.group(3) is not None or len(m.group(2)) > MAX_DIGITS:  # junk, past int()'s digit limit
        return None
    value = int(m.group(2))
    return -value if m.group(1) else value


def valid_piece(piece: str, slot: Slot) -> bool:
    if piece in NA_PIECES:
        return True
    m = _NUMBER.fullmatch(piece)
    if not m:
        return False
    if m.group(1) and not slot.signed:
        return False
    if m.group(3) is not None and (not slot.money or len(m.group(3)) > MAX_DECIMALS):
        return False
    return len(m.group(2)) <= (MAX_MONEY_DIGITS if slot.money else MAX_COUNT_DIGITS)


# ---------------------------------------------------------------------------------------------------------
# Enumerating the splits of one run
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Budget:
    """Recursion steps left, shared by every enumeration of one table so hostile input stays bounded."""

    steps: int = TABLE_BUDGET


@dataclass
class Splits:
    """The ways to cut one run, and how they were found."""

    pieces: list[tuple[str, ...]] = field(default_factory=list)
    capped: bool = False  # the budget ran out: the list may be incomplete
    honoured: bool = False  # printed spaces were taken as boundaries
    identity: bool = False  # every split satisfies the row identities


def enumerate_splits(
    run: GluedRun,
    slots: Sequence[Slot],
    groups: Sequence[int] = (),
    *,
    identity: bool = False,
    honour: bool = False,
    budget: int = SPLIT_BUDGET,
    shared: Budget | None = None,
) -> Splits:
    """Every cut of ``run`` into ``len(slots)`` valid pieces.

    ``groups`` gives the sizes of consecutive row groups (table 四 is one run of three rows of five); with
    ``identity`` the last piece of each group must be the sum of the others: it is forced, not searched,
    and in the final group it is a suffix of the run, so the addends are bounded by it. With ``honour`` a
    printed space is always a boundary. At most ``budget`` steps are taken (fewer when the ``shared`` budget
    of the table runs low); past that the result is marked ``capped``.
    """
    chars, n = run.chars, len(slots)
    size = len(chars)
    longest = sum(MAX_MONEY_DIGITS + 1 + MAX_DECIMALS if s.money else MAX_COUNT_DIGITS + s.signed for s in slots)
    if size > longest:
        return Splits(honoured=honour and bool(run.breaks), identity=identity)  # too long for any split
    if shared is not None:
        budget = min(budget, shared.steps)
    sizes = [g for g in groups if g > 0] or [n]
    group_end: list[int] = []
    for i, g in enumerate(sizes):
        group_end += [sum(sizes[: i + 1]) - 1] * g
    final_start = n - sizes[-1]
    next_break = [size] * (size + 1)
    nxt = size
    for pos in range(size, -1, -1):
        next_break[pos] = nxt
        if pos in run.breaks:
            nxt = pos
    others = [0] * (size + 1)  # characters other than ASCII digits before each position
    for i, ch in enumerate(chars):
        others[i + 1] = others[i] + (not ("0" <= ch <= "9"))
    out = Splits(honoured=honour and bool(run.breaks), identity=identity)
    steps = 0
    pieces: list[str] = []

    def check(pos: int, end: int, slot: Slot) -> tuple[bool, int | None]:
        """Whether chars[pos:end] is a valid piece for the slot, and its integer value (fast for digits)."""
        if others[end] == others[pos]:
            width = end - pos
            if (width > 1 and chars[pos] == "0") or width > (MAX_MONEY_DIGITS if slot.money else MAX_COUNT_DIGITS):
                return False, None
            return True, int(chars[pos:end])
        piece = chars[pos:end]
        return valid_piece(piece, slot), piece_value(piece)

    def rec(pos: int, k: int, gsum: int | None, target: int | None = None, stop: int = size) -> None:
        nonlocal steps
        steps += 1
        if steps > budget:
            out.capped = True
            return
        if k == n:
            if pos == size:
                out.pieces.append(tuple(pieces))
            return
        if pos >= size or size - pos < n - k:
            return
        end_k = group_end[k]
        if target is not None and k == end_k:
            # The final total, fixed when the group was entered.
            if pos == stop and (gsum is None or gsum == target):
                pieces.append(chars[stop:])
                rec(size, k + 1, 0)
                pieces.pop()
            return
        if identity and target is None and k == final_start and end_k > k:
            # The final group's total is a suffix of the run: try each, then fill the addends up to it.
            for length in range(1, min(MAX_COUNT_DIGITS, size - pos - (end_k - k)) + 1):
                total = chars[size - length :]
                value = piece_value(total)
                if value is None or not valid_piece(total, slots[end_k]):
                    continue
                if honour and next_break[size - length] < size:
                    continue  # a printed space inside the total
                rec(pos, k, 0, value, size - length)
                if out.capped:
                    return
            return
        if identity and k == end_k and gsum is not None:
            total = str(gsum)
            end = pos + len(total)
            limit = min(next_break[pos] if honour else size, size - (n - k - 1))
            if end <= limit and chars.startswith(total, pos) and valid_piece(total, slots[k]):
                pieces.append(total)
                rec(end, k + 1, 0)
                pieces.pop()
            return
        slot = slots[k]
        if target is not None and gsum is not None:
            if k == end_k - 1:
                # The last addend is forced: what the total still needs, exactly up to it.
                piece = chars[pos:stop]
                ok, value = check(pos, stop, slot) if stop > pos else (False, None)
                sums = value is None or gsum + value == target
                if ok and sums and (not honour or next_break[pos] >= stop):
                    pieces.append(piece)
                    rec(stop, k + 1, None if value is None else gsum + value, target, stop)
                    pieces.pop()
                return
            left = end_k - k  # addends still to place, this one included
            room = stop - pos - (left - 1)  # the most digits one of them can take
            if gsum + 10 ** min(room, MAX_COUNT_DIGITS) + 9 * left < target:
                return  # even the largest remaining pieces cannot reach the total
            longest = -(-(stop - pos) // left)  # some remaining piece has at least this many digits
            if longest > 1 and gsum + 10 ** (longest - 1) > target:
                return  # even the smallest remaining pieces overshoot the total
        limit = stop - (end_k - k - 1) if target is not None else size - (n - k - 1)
        if honour:
            limit = min(limit, next_break[pos])
        closes = k == end_k
        addends_left = end_k - k - 1  # addends of this group after this piece
        after = n - 1 - end_k  # slots of later groups
        for end in range(pos + 1, limit + 1):
            ok, value = check(pos, end, slot)
            if not ok:
                if chars[pos] == "0" and not slot.money:
                    break  # a leading zero only ever makes the single piece "0"
                continue
            piece = chars[pos:end]
            running = None if gsum is None or value is None else gsum + value
            if identity and not closes and running is not None:
                if target is not None and running > target:
                    break  # longer pieces only grow
                if target is None and size - end < addends_left + len(str(running)) + after:
                    break  # no room left for a total at least this large
            pieces.append(piece)
            rec(end, k + 1, 0 if closes else running, None if closes else target, stop)
            pieces.pop()
            if out.capped:
                return

    rec(0, 0, 0)
    if shared is not None:
        shared.steps -= steps
    return out


def candidates(
    run: GluedRun, slots: Sequence[Slot], groups: Sequence[int] = (), *, identity: bool = False,
    honour: bool = True, shared: Budget | None = None,
) -> Splits:
    """The splits to consider, preferring (in this order) honoured spaces and satisfied row identities.

    Spaces are a strong hint but not reliable; a row whose printed total disagrees with its cells still
    has to be read. The first non-empty list wins.
    """
    tries: list[tuple[bool, bool]] = []
    for ident in ((True, False) if identity else (False,)):
        for hon in ((True, False) if honour and run.breaks else (False,)):
            tries.append((hon, ident))
    last = Splits()
    for hon, ident in tries:
        found = enumerate_splits(run, slots, groups, identity=ident, honour=hon, shared=shared)
        if found.pieces or found.capped:
            return found
        last = found
    return last


# ---------------------------------------------------------------------------------------------------------
# Priors: the most plausible split when the identities leave several
# ---------------------------------------------------------------------------------------------------------

Prior = Callable[[tuple[str, ...]], tuple[int, ...]]


def zeros_prior(pieces: tuple[str, ...]) -> tuple[int, ...]:
    """Tables 三 and 四: most cells are 0 (most applicants are natural persons), then balanced lengths."""
    return (sum(1 for p in pieces if piece_value(p) != 0), sum(len(p) ** 2 for p in pieces))


def t2_prior(kind: str, slots: Sequence[Slot] = (), unit: str = "") -> Prior:
    """Table 二 (no identities). ``kind`` is "documents" (新制作/新公开/对外公开总数量), "documents2021"
    (本年制发/废止/现行有效) or anything else; ``slots`` and ``unit`` tell which piece is money and in what unit.

    Prior, in order: for document rows the last column (现行有效 / 对外公开总数量) is not smaller than the
    others, and in the 2021 template 本年制发 is not smaller than 本年废止; more cells are 0 (本年增/减 is
    usually 0); pieces as even as possible in digits, a money piece counted in the template's 万元; the last
    piece the longest.
    """

    def digits(piece: str, slot: Slot) -> int:
        if not slot.money:
            return len(piece)
        whole = len(piece.split(".")[0].lstrip("-"))
        return max(1, whole - 4) if unit == "元" else whole

    def cost(pieces: tuple[str, ...]) -> tuple[int, ...]:
        values = [piece_value(p) for p in pieces]
        bad = 0
        if kind.startswith("documents") and len(values) >= 3 and all(v is not None for v in values):
            last = values[-1]
            assert last is not None
            bad += sum(1 for v in values[:-1] if v is not None and v > last)
            if kind == "documents2021" and values[0] is not None and values[1] is not None:
                bad += values[0] < values[1]
        zeros = sum(1 for v in values if v == 0)
        kinds = list(slots) if len(slots) == len(pieces) else [COUNT] * len(pieces)
        lengths = [digits(p, s) for p, s in zip(pieces, kinds, strict=True)]
        return (bad, -zeros, max(lengths), -lengths[-1])

    return cost


# ---------------------------------------------------------------------------------------------------------
# Solutions
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowSolution:
    """The cells of one printed run: the chosen pieces, and which of them the document leaves open."""

    pieces: tuple[str | None, ...]  # None: nothing printed for that cell
    uncertain: tuple[bool, ...]
    reason: str = ""  # why the uncertain cells are uncertain
    note: str = ""  # how the split was decided
    options: int = 1  # surviving splits


def _alternatives(options: Sequence[tuple[str, ...]], limit: int = 3) -> str:
    shown = "；".join("/".join(p) for p in options[:limit])
    more = f" 等{len(options)}种" if len(options) > limit else ""
    return f"（可能的拆分：{shown}{more}）"


def settle(
    options: Sequence[tuple[str, ...]], prior: Prior, reason: str, *, capped: bool = False,
    chosen: tuple[str, ...] | None = None, before: int = 1,
) -> RowSolution:
    """Certain cells are those equal in every option; the others are uncertain, valued by the prior."""
    assert options
    pick = chosen if chosen is not None else min(options, key=prior)
    n = len(pick)
    open_ = tuple(capped or len({o[i] for o in options}) > 1 for i in range(n))
    if any(open_):
        shown = [pick, *sorted((o for o in options if o != pick), key=prior)]  # the pick first
        why = (TOO_MANY if capped else reason) + ("" if capped else _alternatives(shown))
        return RowSolution(pick, open_, why, options=len(options))
    return RowSolution(pick, open_, "", DECIDED if before > 1 else "", 1)


def unsplittable(run: GluedRun, n: int, *, total_last: bool, capped: bool = False) -> RowSolution:
    """No valid split at all (fewer digits than cells, stray characters): keep what was printed, flag all.

    Printed space-separated chunks (or single characters) go left to right; in a row whose last cell is a
    total (tables 三/四) the last chunk goes to the total."""
    chunks: list[str] = []
    start = 0
    for b in [*sorted(run.breaks), len(run.chars)]:
        if b > start:
            chunks.append(run.chars[start:b])
        start = b
    if len(chunks) > n:
        chunks = [*chunks[: n - 1], "".join(chunks[n - 1 :])]
    placed: list[str | None] = [None] * n
    if total_last and 2 <= len(chunks) < n:
        placed[: len(chunks) - 1] = chunks[:-1]
        placed[-1] = chunks[-1]
    else:
        placed[: len(chunks)] = chunks
    return RowSolution(tuple(placed), (True,) * n, TOO_MANY if capped else COUNT_MISMATCH, options=0)


def solve_row(
    run: GluedRun, slots: Sequence[Slot], groups: Sequence[int] = (), *, identity: bool = False,
    prior: Prior = zeros_prior, reason: str = AMBIGUOUS,
) -> RowSolution:
    """One run on its own: tables 二 and 四 (row identities only).

    Without an identity nothing checks a printed space (``1357539443 2.52元`` looks like two cells), so such
    a row is certain only where every split ignoring the spaces agrees; the spaces still guide the pick.
    """
    shared = Budget()
    found = candidates(run, slots, groups, identity=identity, shared=shared)
    if not found.pieces:
        return unsplittable(run, len(slots), total_last=identity, capped=found.capped)
    why = reason if (found.identity or not identity) else IDENTITY_BROKEN
    if not identity and found.honoured:
        loose = enumerate_splits(run, slots, groups, shared=shared)
        if loose.pieces:
            pick = min(found.pieces, key=prior)
            return settle(loose.pieces, prior, why, capped=loose.capped, chosen=pick)
    return settle(found.pieces, prior, why, capped=found.capped)


# ---------------------------------------------------------------------------------------------------------
# Table 三: rows and columns together
# ---------------------------------------------------------------------------------------------------------

Vec = tuple[int, ...]


def _vec(pieces: tuple[str, ...]) -> Vec:
    return tuple(piece_value(p) or 0 for p in pieces)


def _add(a: Vec, b: Vec) -> Vec:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _sub(a: Vec, b: Vec) -> Vec:
    return tuple(x - y for x, y in zip(a, b, strict=True))


def _fits(a: Vec, cap: Vec) -> bool:
    return all(x <= c for x, c in zip(a, cap, strict=True))


@dataclass
class _Search:
    survivors: list[list[int]]  # per row, indices of candidates used by some consistent combination
    best: list[int]  # per row, the candidate of the most plausible consistent combination


def _columns(options: list[list[tuple[str, ...]]]) -> _Search | str:
    """Combinations of one candidate per row satisfying the column identities of table 三.

    Rows: 0 一 (new), 1 二 (carried over), 2..m-3 the result rows, m-2 （七）总计, m-1 四 (carried forward).
    Returns ``INCONSISTENT`` when no combination satisfies the identities, ``BOUND`` when a bound is hit.
    """
    m = len(options)
    vecs = [[_vec(p) for p in opts] for opts in options]
    costs = [[nonzero * 1000 + spread for nonzero, spread in map(zeros_prior, opts)] for opts in options]
    head = [0, 1, m - 2, m - 1]
    if any(len(v) > MAX_ROW_OPTIONS for v in vecs):
        return BOUND
    if len(vecs[0]) * len(vecs[1]) * len(vecs[m - 2]) * len(vecs[m - 1]) > HEAD_BUDGET:
        return BOUND
    sums: dict[Vec, list[tuple[int, int]]] = {}
    for a, b in itertools.product(range(len(vecs[0])), range(len(vecs[1]))):
        sums.setdefault(_add(vecs[0][a], vecs[1][b]), []).append((a, b))
    tuples: list[tuple[int, int, int, int]] = []
    for t, f in itertools.product(range(len(vecs[m - 2])), range(len(vecs[m - 1]))):
        for a, b in sums.get(_add(vecs[m - 2][t], vecs[m - 1][f]), []):
            tuples.append((a, b, t, f))
    if not tuples:
        return INCONSISTENT
    targets = {vecs[m - 2][t] for _, _, t, _ in tuples}
    width = len(next(iter(targets)))
    cap = tuple(max(t[i] for t in targets) for i in range(width))
    results = list(range(2, m - 2))
    zero: Vec = (0,) * width
    # Forward: the cheapest way to reach each partial sum, with a pointer back.
    layers: list[dict[Vec, tuple[int, Vec | None, int]]] = [{zero: (0, None, -1)}]
    states = 0
    for r in results:
        layer: dict[Vec, tuple[int, Vec | None, int]] = {}
        for s, (cost, _, _) in layers[-1].items():
            for j, x in enumerate(vecs[r]):
                ns = _add(s, x)
                if not _fits(ns, cap):
                    continue
                c = cost + costs[r][j]
                if ns not in layer or c < layer[ns][0]:
                    layer[ns] = (c, s, j)
        states += len(layer)
        if states > STATE_BUDGET:
            return BOUND
        if not layer:
            return INCONSISTENT
        layers.append(layer)
    reachable = targets & set(layers[-1])
    if not reachable:
        return INCONSISTENT
    # Backward: the sums the remaining rows can still add.
    suffix: list[set[Vec]] = [set() for _ in range(len(results) + 1)]
    suffix[-1] = {zero}
    for k in range(len(results) - 1, -1, -1):
        nxt = {_add(x, s) for x in vecs[results[k]] for s in suffix[k + 1]}
        suffix[k] = {s for s in nxt if _fits(s, cap)}
        states += len(suffix[k])
        if states > 2 * STATE_BUDGET:
            return BOUND
    survivors: list[list[int]] = [[] for _ in range(m)]
    for k, r in enumerate(results):
        for j, x in enumerate(vecs[r]):
            if any(
                _sub(_sub(t, s), x) in suffix[k + 1] for s in layers[k] for t in reachable if _fits(_add(s, x), t)
            ):
                survivors[r].append(j)
    good = [tp for tp in tuples if vecs[m - 2][tp[2]] in reachable]
    for pos, row in enumerate(head):
        survivors[row] = sorted({tp[pos] for tp in good})

    def head_cost(tp: tuple[int, int, int, int]) -> int:
        return sum(costs[row][tp[pos]] for pos, row in enumerate(head)) + layers[-1][vecs[m - 2][tp[2]]][0]

    best_tuple = min(good, key=head_cost)
    best = [0] * m
    for pos, row in enumerate(head):
        best[row] = best_tuple[pos]
    state: Vec | None = vecs[m - 2][best_tuple[2]]
    for k in range(len(results), 0, -1):
        assert state is not None
        _, prev, j = layers[k][state]
        best[results[k - 1]] = j
        state = prev
    return _Search(survivors, best)


def solve_t3(runs: Sequence[GluedRun | None], width: int = 7) -> list[RowSolution | None]:
    """All rows of table 三 at once, in template order (一, 二, the result rows, （七）总计, 四).

    A row printed without any digit is None (its cells are blank) and counts as zeros in the column
    identities. Printed spaces are honoured first; when that leaves no consistent table they are ignored.
    When no combination is consistent (a misprinted table) or a bound is hit, each row stands alone.
    """
    slots = (COUNT,) * width
    zero_row = ("0",) * width
    shared = Budget()
    first = [candidates(r, slots, identity=True, shared=shared) if r is not None else None for r in runs]
    attempts = [first]
    if any(r is not None and r.breaks for r in runs):
        second: list[Splits | None] = []
        for run, f in zip(runs, first, strict=True):
            loose = (
                enumerate_splits(run, slots, identity=True, shared=shared) if run is not None and run.breaks else None
            )
            second.append(loose if loose is not None and (loose.pieces or loose.capped) else f)
        attempts.append(second)
    failure = INCONSISTENT
    for found in attempts:
        if any(f is not None and (f.capped or not f.pieces) for f in found):
            failure = BOUND if any(f is not None and f.capped for f in found) else failure
            continue
        options = [f.pieces if f is not None else [zero_row] for f in found]
        search = _columns(options)
        if isinstance(search, str):
            failure = BOUND if search == BOUND else failure
            continue
        out: list[RowSolution | None] = []
        for i, run in enumerate(runs):
            if run is None:
                out.append(None)
                continue
            kept = [options[i][j] for j in search.survivors[i]]
            best = options[i][search.best[i]]
            out.append(settle(kept, zeros_prior, AMBIGUOUS, chosen=best, before=len(options[i])))
        return out
    solved: list[RowSolution | None] = []
    why = TOO_MANY if failure == BOUND else IDENTITY_BROKEN
    for run, f in zip(runs, first, strict=True):
        if run is None or f is None:
            solved.append(None)
        elif not f.pieces:
            solved.append(unsplittable(run, width, total_last=True, capped=f.capped))
        else:
            solved.append(settle(f.pieces, zeros_prior, why, capped=f.capped))
    return solved

"""How sure the OCR is of a piece of text, carried to the interpreter, and when that is too unsure to use.

Light on purpose (no numpy, no OCR engine): the interpreter imports it for every report.

Until the model has a ``Provenance.confidence`` field, text read by OCR carries an ``OcrProvenance`` — a
``Provenance`` with the confidence added — and flows unchanged through ``GridCell`` → ``Piece`` → ``Cell``.
``ocr_doubt`` reads the confidence from either (the subclass now, the model field later), so the interpreter's
one call (in ``extract.tables.make_cell``) stays the same when the field moves into the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gongkai.model.report import Provenance

# Below this, a recognised cell is reported as uncertain instead of being used silently. The confidence is
# the lowest per-character probability the recogniser gave (0 when a cell shows ink but nothing could be
# read). On the corpus rendered to images every wrongly read value had a character below 0.9, and every
# correctly read one stayed above it (see the figures in ``gongkai.readers.ocr``).
LOW_CONFIDENCE = 0.9
OCR_READER = "pdf-ocr"


@dataclass(frozen=True)
class OcrProvenance(Provenance):
    """A position on a scanned page, with the OCR's confidence in the text read there (0–1)."""

    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if self.confidence is not None:
            out["confidence"] = round(self.confidence, 4)
        return out


def confidence_of(provenance: Provenance) -> float | None:
    """The OCR confidence recorded on a provenance, or None for text that was not recognised from pixels."""
    value = getattr(provenance, "confidence", None)
    return float(value) if isinstance(value, int | float) else None


def ocr_doubt(provenance: Provenance, threshold: float = LOW_CONFIDENCE) -> str:
    """A Chinese reason when the text at ``provenance`` was recognised with low confidence, else ``""``.

    The interpreter marks a cell with such a reason ``uncertain`` (reported by rule GK205): an OCR misreading
    is never passed on as a printed value."""
    confidence = confidence_of(provenance)
    if confidence is None or confidence >= threshold:
        return ""
    where = provenance.where()
    if confidence <= 0.0:
        return f"扫描件 OCR：该格有字迹但未能识别（{where}），请核对原件"
    return f"扫描件 OCR 识别置信度低（{confidence:.2f}，{where}），该格数值可能有误，请核对原件"

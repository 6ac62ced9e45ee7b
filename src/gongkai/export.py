"""Plain serialisations of a report used by the command line and the API: the ``cells`` interchange line."""

from __future__ import annotations

from typing import Any

from gongkai.model.report import Report, json_number


def cells_record(report: Report) -> dict[str, Any]:
    """The ``cells`` interchange record: meta, every cell id with its number (or null) and the uncertain ids.

    A blank, a not-applicable mark and text all export as null: only printed numbers are numbers.
    """
    meta = report.meta
    return {
        "source": report.source,
        "meta": {
            "agency": meta.agency,
            "year": meta.year,
            "t2_template": meta.t2_template.value if meta.t2_template else "none",
            "t3_template": meta.t3_template.value if meta.t3_template else "none",
        },
        "cells": {cid: json_number(v) for cid, v in report.numbers().items()},
        "uncertain": report.uncertain,
    }

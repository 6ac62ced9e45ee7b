import json

import pytest
from tests.conftest import shared_path

from gongkai.model.templates import ALL_TEMPLATES, T2_2019, T2_2021, T3_2019, T3_2021, T4, cell_spec

SPEC = {"t2_2021": T2_2021, "t2_2019": T2_2019, "t3_2021": T3_2021, "t3_2019": T3_2019, "t4": T4}


@pytest.mark.parametrize("name", sorted(SPEC))
def test_cell_ids_and_labels_match_the_interchange_spec(name: str) -> None:
    spec = json.loads(shared_path("spec", "cells.json").read_text(encoding="utf-8"))
    mine = [(c.id, c.label) for c in SPEC[name].cells]
    assert mine == [(c["id"], c["label"]) for c in spec[name]]


def test_cell_counts() -> None:
    assert [len(t.cells) for t in ALL_TEMPLATES] == [10, 22, 175, 161, 15]


def test_cell_spec_knows_money_and_signed_columns() -> None:
    assert cell_spec("t2.fees.amount").money
    assert cell_spec("t2.procurement.amount").money
    assert cell_spec("t2.licensing.change").signed
    assert not cell_spec("t3.new.total").money
    with pytest.raises(KeyError):
        cell_spec("t3.nonsense.total")

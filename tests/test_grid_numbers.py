"""Every grid on every page writes counts with thousands separators, as the cards do (the
rates table read 2419 beside a card's 2,419), and ids without (load 1047 is no count)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from app_support import PAGE_MODULES, each_section, page_test


@pytest.mark.parametrize("page", PAGE_MODULES)
def test_counts_have_separators_and_ids_none(dashboard_db, monkeypatch, page):
    at = page_test(page, dashboard_db, monkeypatch).run()
    assert not at.exception
    checked = 0
    for grid in [grid for shown in each_section(at) for grid in shown.dataframe]:
        config = json.loads(grid.proto.columns)
        for column in grid.value.columns:
            if not pd.api.types.is_integer_dtype(grid.value[column]):
                continue
            shown = (config.get(column, {}).get("type_config") or {}).get("format")
            if str(shown).startswith("%+"):
                continue  # a signed change: 'localized' cannot write its plus sign
            is_id = column == "id" or column.endswith("_id")
            assert (shown == "localized") is not is_id, (page, column, shown)
            checked += 1
    assert checked, "every page has a grid with a count (or an id)"

"""Every grid on every page writes counts with thousands separators, as the cards do (the
rates table read 2419 beside a card's 2,419), and ids without (load 1047 is no count); and
every other number in a printf format with them too (a risk of 12,300 read 12300)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from app_support import PAGE_MODULES, each_section, page_test

from app.widgets import _with_separators


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


def test_printf_numbers_have_separators(dashboard_db, monkeypatch):
    # every page in one test: the Data page has no printf format, and alone could not fail
    checked = 0
    for page in PAGE_MODULES:
        at = page_test(page, dashboard_db, monkeypatch).run()
        assert not at.exception
        for grid in [grid for shown in each_section(at) for grid in shown.dataframe]:
            for column, settings in json.loads(grid.proto.columns).items():
                shown = str((settings.get("type_config") or {}).get("format"))
                if shown.startswith("%") and "%%" not in shown:  # a share in percent is at most 100
                    assert "," in shown, (page, column, shown)
                    checked += 1
    assert checked, "the pages have printf number formats to check"


@pytest.mark.parametrize(("given", "shown"), [
    ("%.0f", "%,.0f"), ("%.3g", "%,.3g"), ("%+.2f", "%+,.2f"), ("%.0f min", "%,.0f min"), ("%+d", "%+,d"),
    ("%,.3g", "%,.3g"), ("%.1f%%", "%.1f%%"), ("localized", "localized"), ("percent", "percent"),
])
def test_a_printf_format_gets_the_thousands_flag_once(given, shown):
    assert _with_separators({"type_config": {"format": given}})["type_config"]["format"] == shown


@pytest.mark.parametrize("page", ["ghost_town", "audit"])
def test_a_number_with_decimals_has_a_format(dashboard_db, monkeypatch, page):
    """A float column the grid shows as it is reads '828.6667' and '5136.2': four decimals and no
    separators, where the same column elsewhere reads '829' (the audit's deflections' response
    minutes beside Ghost Town's) or '5,136.2' (an ignored complaint's age beside the queue's and
    the report's). Every column with a fraction in it is shown through a number format."""
    at = page_test(page, dashboard_db, monkeypatch).run()
    assert not at.exception
    checked = 0
    for grid in [grid for shown in each_section(at) for grid in shown.dataframe]:
        config = json.loads(grid.proto.columns)
        for column in list(grid.proto.column_order) or grid.value.columns:  # those on screen
            values = grid.value[column]
            if not pd.api.types.is_float_dtype(values) or (values.dropna() == values.dropna().round()).all():
                continue
            assert (config.get(column, {}).get("type_config") or {}).get("format"), (page, column)
            checked += 1
    assert checked

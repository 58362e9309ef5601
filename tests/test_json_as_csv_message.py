"""A JSON file loaded as csv: the message quotes the start of its first line and says to load it
as JSON, and no more (a review: 300 characters of JSON, then '--map COLUMN=platform')."""

from __future__ import annotations

from support import FIXTURES, load


def test_a_json_file_loaded_as_csv_is_told_its_format_alone(tmp_path):
    [report] = load(tmp_path / "w.duckdb", "csv", FIXTURES / "twitter_v1.jsonl")
    assert report.status == "failed"
    first_line = (FIXTURES / "twitter_v1.jsonl").read_text().splitlines()[0]
    assert report.message.endswith(
        "missing column(s) mention_id, platform, author_id, created_at, text; the header line is "
        f"{first_line[:80]}... (this looks like JSON: load it as twitter-json or facebook-json)")
    assert "--map" not in report.message and "platform is each row's" not in report.message

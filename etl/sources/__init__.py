"""Parsers, one per input format. Each turns a file into Record, Reject, Account and Blank
items; none of them touches the database."""

from . import canonical_csv, facebook_json, twcs, twitter_json

FORMATS = {
    "twcs": twcs.parse,
    "twitter-json": twitter_json.parse,
    "facebook-json": facebook_json.parse,
    "csv": canonical_csv.parse,
}

# Formats whose files are complete exports of their pages over the period they cover.
COMPLETE_EXPORTS = {"facebook-json"}

# Formats whose header line names their columns: a file of another format fails on it (its
# missing columns named), so a file of these that loads no record is of the right format.
HEADED_FORMATS = {"csv", "twcs"}

"""The straightforward script a user would write, as the baseline of bench_pipeline.py:
read the CSV, VADER row by row with apply, merge brand replies onto what they answer,
group by brand, store in DuckDB. Usage: baseline_pandas.py IN.csv OUT.duckdb"""

import sys

import duckdb
import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


def per_brand(mentions: pd.DataFrame) -> pd.DataFrame:
    """Requests, answered, median reply minutes, sentiment and ghost-town rate per brand."""
    customer = mentions[~mentions["is_brand"] & (mentions["kind"] != "share")]
    replies = mentions[mentions["is_brand"]][["parent_id", "created_at"]].rename(
        columns={"parent_id": "mention_id", "created_at": "replied_at"})
    first_reply = replies.groupby("mention_id", as_index=False)["replied_at"].min()
    care = customer.merge(first_reply, on="mention_id", how="left")
    care["minutes"] = (care["replied_at"] - care["created_at"]).dt.total_seconds() / 60
    out = care.groupby("brand").agg(requests=("mention_id", "size"),
                                    answered=("replied_at", "count"),
                                    median_minutes=("minutes", "median"),
                                    sentiment=("compound", "mean")).reset_index()
    out["ghost_town_rate"] = 1 - out["answered"] / out["requests"]
    return out


def main(source: str, target: str) -> None:
    mentions = pd.read_csv(source, dtype=str, keep_default_na=False)
    mentions["created_at"] = pd.to_datetime(mentions["created_at"], utc=True)
    analyzer = SentimentIntensityAnalyzer()
    mentions["compound"] = mentions["text"].apply(lambda t: analyzer.polarity_scores(t)["compound"])
    mentions["is_brand"] = mentions["is_brand"] == "true"
    brands = per_brand(mentions)
    con = duckdb.connect(target)
    con.register("m", mentions)
    con.execute("CREATE OR REPLACE TABLE mentions AS SELECT * FROM m")
    con.register("b", brands)
    con.execute("CREATE OR REPLACE TABLE per_brand AS SELECT * FROM b")
    con.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])

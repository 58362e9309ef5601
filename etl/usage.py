"""UsageError: the command line is wrong, whatever the database or the files hold."""


class UsageError(ValueError):
    """An option's value it cannot take (--by foo, --as-of yesterday, --horizon -5) or options that
    contradict each other (--since after --as-of). `python -m etl` exits 2 (usage error) for it, as
    for what argparse refuses; a value the data does not have (an unknown --brand, a --week before
    the first mention) is a failure (1). A ValueError, so callers that catch those (the dashboard)
    are unchanged."""

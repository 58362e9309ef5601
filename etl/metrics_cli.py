"""`python -m etl metrics ...` and `python -m etl snapshot`: the care metrics on the
command line. etl/cli.py calls add_commands(); output goes through cli_output.write_frame."""

from __future__ import annotations

import json
import math
import sys
from datetime import datetime, timezone

from . import warehouse
from .care_definitions import DEFAULT_HORIZON_HOURS, DEFAULT_SLA_MINUTES
from .cli_output import db_option, format_option, write_frame
from .csv_out import as_written
from .usage import UsageError


EXIT_OK = 0
HORIZON_HELP = f"hours after which an unanswered request is ignored (default {DEFAULT_HORIZON_HOURS:g})"


def add_commands(commands) -> None:
    """Register `metrics` (with its sub-commands) and `snapshot` on the CLI's subparsers."""
    metrics_cmd = commands.add_parser("metrics", help="care metrics and other reports")
    kinds = metrics_cmd.add_subparsers(dest="metric", required=True)
    _add_ghost_town(kinds)
    _add_coverage(kinds)
    _add_vendor(kinds)
    _add_deleted(kinds)
    _add_static(kinds, "references", "industry reference lines with their sources",
                lambda: _definitions().reference_lines())
    _add_static(kinds, "definitions", "the metric definitions, versioned (care metrics, "
                "the text scorer's labels, cascades and risk)", _all_definitions)
    _add_cascades(kinds)
    _add_backtest(kinds)
    _add_snapshot(commands)


def _metrics():
    from . import metrics
    return metrics


def _definitions():
    from . import care_definitions
    return care_definitions


def _all_definitions():
    import pandas as pd

    from . import cascade_definitions, text
    return pd.concat([_definitions().definitions(), text.definitions(), cascade_definitions.definitions()],
                     ignore_index=True)


def _common(cmd) -> None:
    db_option(cmd)
    format_option(cmd)


def _care_options(cmd) -> None:
    _common(cmd)
    cmd.add_argument("--as-of", metavar="T", help="evaluate as of this ISO 8601 moment "
                     "(no offset means UTC; default, and at most: the newest mention, as on the dashboard)")
    cmd.add_argument("--horizon", type=float, default=DEFAULT_HORIZON_HOURS, metavar="H",
                     help=HORIZON_HELP)
    cmd.add_argument("--requests", choices=("needs-reply", "all"), default="needs-reply",
                     help="which care requests count: needs-reply (default), those with a complaint or "
                          "question; all, every one, whether a message of it needs a reply or not")


def _add_ghost_town(kinds) -> None:
    cmd = kinds.add_parser("ghost-town", help="answered, ignored and pending care requests, "
                           "response times, SLA and deflection")
    _care_options(cmd)
    cmd.add_argument("--by", default="", metavar="COLUMNS",
                     help="comma list of brand, page, platform, week, hour_of_week (default: none, one "
                          "row over everything)")
    _sla_option(cmd)
    _scope_options(cmd)
    cmd.set_defaults(run=_run_ghost_town)


def _sla_option(cmd) -> None:
    cmd.add_argument("--sla", type=float, default=None, metavar="MINUTES",
                     help=f"SLA for sla_rate (default {DEFAULT_SLA_MINUTES:g}, or the horizon when shorter)")


def _scope_options(cmd, brand_help: str = "only this brand", brand_required: bool = False) -> None:
    """The dashboard's selection on the command line: a brand, a page, and with --as-of a date
    range, so a number the pages show for a selection can be reproduced (a user review found
    coverage and vendor without them)."""
    cmd.add_argument("--brand", required=brand_required, type=as_written, help=brand_help)
    cmd.add_argument("--page", type=as_written, help="only this page")
    cmd.add_argument("--since", metavar="T", help="only requests made from this ISO 8601 moment "
                     "on (no offset means UTC); with --as-of, a dashboard date range: its first "
                     "instant and its last microsecond")


def _run_ghost_town(args) -> int:
    def compute(con):
        _check_selection(con, args)
        frame = _metrics().ghost_town(con, args.by, within_data(con, args.as_of), args.horizon, args.requests,
                                      args.sla, brand=args.brand, page=args.page, since=args.since)
        if frame.empty and _metrics().mention_span(con)[0] is None:
            # not 'no mention is scored yet ... --requests all': there is nothing to score or count
            print("etl: the database has no mentions yet: load data first (`python -m etl loads` lists "
                  "what each load read, loaded and quarantined)", file=sys.stderr)
        elif frame.empty and args.requests == "needs-reply" and not _any_scores(con):
            print("etl: no mention is scored yet, so no request is known to need a reply; "
                  "--requests all counts every inbound run", file=sys.stderr)
        if frame.empty and (unbranded := _mentions_of_no_brand(con)):
            print(f"etl: {unbranded:,} mentions have no brand (their file named none, and it was loaded without "
                  "--brand or --brand-account), so no request of them is counted: load it again with "
                  "--brand NAME --brand-account HANDLE", file=sys.stderr)
        silent = _metrics().brands_without_replies(con, [args.brand] if args.brand else [])
        if note := _metrics().no_replies_note(silent):
            print(f"etl: {note[0].lower()}{note[1:]}", file=sys.stderr)
        return frame
    return _emit(args, compute)


def _mentions_of_no_brand(con) -> int:
    """How many stored mentions no load gave a brand (the auspol tweets loaded bare)."""
    return con.execute("SELECT count(*) FROM mentions WHERE brand IS NULL").fetchall()[0][0]


def _check_selection(con, args) -> None:
    """The options of _scope_options, checked: a brand and page that exist, a range that holds
    a moment."""
    _check_scope(con, args.brand, args.page)
    _check_range(con, args.since, args.as_of)


def _check_scope(con, brand: str | None, page: str | None) -> None:
    """An unknown --brand or --page is a mistake to say, not an empty table to print."""
    if brand is None and page is None:
        return
    from app.audit import brand_pages, first_names, known_brands
    if brand is not None and brand not in (brands := known_brands(con)):
        raise ValueError(f"--brand {brand!r}: no such brand; brands in this database: {first_names(brands)}")
    if page is not None:
        pages = brand_pages(con)
        scope = pages if brand is None else pages[pages["brand"] == brand]
        if not (scope["page"] == page).any():
            raise ValueError(f"--page {page!r}: no such page or handle"
                             + (f" of {brand!r}" if brand is not None else ""))


def _check_range(con, since: str | None, as_of: str | None) -> None:
    """--since after --as-of is a mistake (a --since after the data, on its own, is an empty
    answer: the dashboard asks that of a range past the newest mention)."""
    if since is None or as_of is None:
        return
    start, moment = _metrics().resolve_as_of(con, since, "--since"), _metrics().resolve_as_of(con, as_of)
    if start > moment:
        raise UsageError(f"--since {start.isoformat()} is after --as-of {moment.isoformat()}: "
                         "the range holds no moment")


AGES_REQUESTS = "a later moment would count requests still pending as ignored"


def within_data(con, as_of: str | None, why: str = AGES_REQUESTS):
    """--as-of, or the newest mention where --as-of is later, said on stderr with `why`: the
    dashboard caps a date range at the newest mention the same way, since a later moment ages
    what is still open (pending requests, spreading cascades) with no data to show it ended.
    One before the first mention is said too: it answers with nothing."""
    if as_of is None:
        return None
    moment = _metrics().resolve_as_of(con, as_of)
    first, newest = _metrics().mention_span(con)
    if newest is None:
        return as_of
    if moment < first:  # it printed the header alone and no reason
        print(f"etl: --as-of {moment:%Y-%m-%d %H:%M:%S} UTC is before the first mention "
              f"({first:%Y-%m-%d %H:%M:%S} UTC): nothing had been posted then, so there is nothing "
              "to count", file=sys.stderr)
    if moment <= newest:
        return as_of
    print(f"etl: --as-of {moment:%Y-%m-%d %H:%M:%S} UTC is after the newest mention "
          f"({newest:%Y-%m-%d %H:%M:%S} UTC): the numbers are as of the newest mention, as the "
          f"dashboard's are; {why}", file=sys.stderr)
    return newest


def _any_scores(con) -> bool:
    return con.execute("SELECT count(*) > 0 FROM mention_scores").fetchall()[0][0]


def _add_coverage(kinds) -> None:
    cmd = kinds.add_parser("coverage", help="response rate and times by hour of week in the "
                           "brand's time zone")
    _care_options(cmd)
    _sla_option(cmd)
    _scope_options(cmd, brand_help="the brand whose hours to show", brand_required=True)
    cmd.set_defaults(run=_run_coverage)


def _run_coverage(args) -> int:
    def compute(con):
        _check_selection(con, args)
        return _metrics().coverage(con, args.brand, within_data(con, args.as_of), args.horizon, args.requests,
                                   args.sla, page=args.page, since=args.since)
    return _emit(args, compute)


def _add_vendor(kinds) -> None:
    cmd = kinds.add_parser("vendor", help="our response times beside common tools' definitions")
    _care_options(cmd)
    cmd.add_argument("--by", default="brand", metavar="COLUMNS",
                     help="comma list of brand, page, platform, week, hour_of_week (default: brand)")
    _scope_options(cmd)
    cmd.set_defaults(run=_run_vendor)


def _run_vendor(args) -> int:
    def compute(con):
        _check_selection(con, args)
        return _metrics().vendor_definitions(con, args.by, within_data(con, args.as_of), args.horizon,
                                             args.requests, brand=args.brand, page=args.page, since=args.since)
    return _emit(args, compute)


def _add_deleted(kinds) -> None:
    cmd = kinds.add_parser("deleted", help="comments deleted from pages, per brand")
    _common(cmd)
    cmd.add_argument("--as-of", metavar="T", help="count comments posted, and found deleted by an export, up to "
                     "this ISO 8601 moment (no offset means UTC; default: the newest mention)")
    cmd.add_argument("--brand", type=as_written, help="only this brand")
    cmd.set_defaults(run=lambda args: _emit(args, lambda con: (
        _check_scope(con, args.brand, None), _metrics().deleted_comments(con, args.as_of, args.brand))[1]))


def _add_static(kinds, name: str, help_text: str, build) -> None:
    cmd = kinds.add_parser(name, help=help_text)
    _common(cmd)  # --db is accepted like everywhere (SPEC 5), though these do not read data
    cmd.set_defaults(run=lambda args: _write(build(), args))


def _add_cascades(kinds) -> None:
    cmd = kinds.add_parser("cascades", help="per-cascade metrics and predictions")
    _common(cmd)
    cmd.add_argument("--as-of", metavar="T",
                     help="cascades and forecasts from the mentions posted up to T (ISO 8601, naive = UTC; "
                          "default and latest: the newest mention); follower and other counts are the "
                          "latest loaded (a later export's win), not those of T")

    def run(args) -> int:
        from .cascade_definitions import blank_unknown_reach, forecast_basis, forecast_basis_warning
        from .cascade_metrics import cascade_frame

        def frame(con):
            as_of = within_data(con, args.as_of, "a later moment would count cascades still "
                                "spreading as complete, with no risk left")
            moment = _metrics().resolve_as_of(con, as_of)
            cascades = cascade_frame(con, as_of=None if as_of is None else moment)
            # the pages say so of the warehouse; an earlier --as-of may have had too few to learn from.
            # A warehouse with no mention has no moment (None) and no forecast to warn of: its
            # time is not formatted, which raised a TypeError over an empty load
            if moment is not None and (warning := forecast_basis_warning(
                    *forecast_basis(cascades, moment), at=f"{moment:%Y-%m-%d %H:%M} UTC")):
                print(f"etl: {warning}", file=sys.stderr)
            # a reach no follower count measures is unknown, not 0: empty, as the dashboard shows it blank.
            # The known one is a count of followers, stored as a double: written 17774, not 17774.0
            cascades = blank_unknown_reach(cascades).astype({"potential_reach": "Int64"})
            return cascades.assign(deleted_by_author=_deleted_by_author(con, cascades["root_id"], moment))
        return _emit(args, frame)
    cmd.set_defaults(run=run)


def _deleted_by_author(con, root_ids, moment):
    """Whether each root's author deleted it, as known at `moment` (a deletion found by an
    export covering up to then; at the newest mention, every one found, as the care queue
    takes them): the queue leaves those complaints out, and without this column its count
    (4,305 open complaints of the demo) could not be had from is_complaint and answered
    (4,449: 144 deleted). The Cascades list names it likewise (app/sql/risk_cascades.sql)."""
    newest = _metrics().mention_span(con)[1]
    known_by = None if moment is None or newest is None or moment >= newest else moment
    return root_ids.isin(_metrics().deleted_ids(con, known_by)).astype(bool)


def _add_backtest(kinds) -> None:
    cmd = kinds.add_parser("backtest", help="how well the spread forecast did on this history: each "
                           "cascade seen for --observe seconds, forecast by a model calibrated on the "
                           "others, against naive forecasts (final = current, current x growth)")
    _common(cmd)
    cmd.add_argument("--observe", type=float, default=3600.0, metavar="SECONDS",
                     help="how long after its root each cascade is seen (default 3600)")
    cmd.add_argument("--min-observed", type=int, nargs="+", default=[5, 20], metavar="N",
                     help="score only the cascades of at least N mentions when seen, one row each "
                          "(default 5 and 20: most cascades never spread, and their error is 0 "
                          "whatever the forecast)")

    def run(args) -> int:
        import pandas as pd

        from .cascade_metrics import history_backtest
        if not (math.isfinite(args.observe) and args.observe > 0):
            raise UsageError(f"--observe {args.observe}: must be a positive number of seconds")
        if min(args.min_observed) < 1:
            raise UsageError(f"--min-observed {min(args.min_observed)}: must be at least 1 mention")
        print(f"etl: median relative error of the final size of the cascades seen {args.observe:g} s "
              "after their root (of at least min_observed mentions then), forecast by a model "
              "calibrated on the other cascades, beside the naive forecasts: final = current, "
              "current x typical growth, current x its size band's growth; and the share of them whose "
              "final size fell within the forecast's 80% interval (interval_coverage)", file=sys.stderr)

        def frame(con):
            return pd.DataFrame([{"min_observed": n, **history_backtest(con, observe_age=args.observe,
                                                                         min_observed=n)}
                                 for n in args.min_observed])
        return _emit(args, frame)
    cmd.set_defaults(run=run)


def _add_snapshot(commands) -> None:
    cmd = commands.add_parser("snapshot", help="materialise the weekly snapshot")
    _common(cmd)
    cmd.add_argument("--week", metavar="YYYY-Www",
                     help="ISO week (UTC); default: the last complete week in the data")
    cmd.add_argument("--horizon", type=float, default=DEFAULT_HORIZON_HOURS, metavar="H",
                     help=f"{HORIZON_HELP}; a week already stored closed keeps the horizon it was stored with")
    cmd.set_defaults(run=_run_snapshot)


def _last_complete_week(db) -> str:
    """The week a snapshot without --week stored, named where it has no row to name it (a week with
    no mention read 'snapshot the last complete week: 0 brands', leaving the user to work out which)."""
    from .snapshot import last_complete_week
    with warehouse.connect_readonly(db) as con:
        return last_complete_week(con)


def _run_snapshot(args) -> int:
    from .snapshot import DELETED_SPAN, NoCompleteWeek, added_late, materialise
    resolve_numbers(args)
    current_models(args.db)  # says so on stderr; materialise then finds nothing to rebuild
    started = datetime.now(timezone.utc)
    try:
        frame = materialise(args.db, args.week, args.horizon)
    except NoCompleteWeek as nothing_yet:  # a new client's first nights: not a failed nightly job
        print(f"etl: snapshot: nothing stored: {nothing_yet}", file=sys.stderr)
        return 0
    week = frame["week"].iloc[0] if not frame.empty else args.week or _last_complete_week(args.db)
    # an empty week long past read '(still open)' (twcs' 2011-W35): no row says either
    state = "no mention that week" if frame.empty else "closed" if frame["closed"].all() else "still open"
    print(f"etl: snapshot {week}: {len(frame)} brands ({state})", file=sys.stderr)
    if not frame.empty and (note := _part_week_note(args.db, week)):
        print(f"etl: snapshot {week}: {note[0].lower()}{note[1:]}", file=sys.stderr)
    unchecked = list(frame.loc[frame["deleted_comments"].isna(), "brand"]) if len(frame) else []
    if unchecked:  # an empty field, said why, not read as a fault or as none deleted
        from app.audit_rules import not_checked_said  # the pages' wording of it
        said = not_checked_said(f"deleted_comments (empty) of {', '.join(unchecked)}", DELETED_SPAN)
        print(f"etl: snapshot {week}: {said}", file=sys.stderr)
    late = added_late(frame)
    if len(late):  # a week read 'final' has gained brands since it was first stored
        print(f"etl: snapshot {week}: added after the week was stored, when their data arrived: "
              f"{', '.join(late['brand'])}", file=sys.stderr)
    if len(frame) and frame["closed"].all() and frame["computed_at"].min() < started:
        if changed := _changed_since_stored(args.db, week):  # a newer export of the week's history, or a late load
            print(f"etl: snapshot {week}: printed as stored; the data of this week has changed since, "
                  f"computed now: {changed}", file=sys.stderr)
    stored_at = set(frame["horizon_hours"]) - {args.horizon} if not frame.empty else set()
    if stored_at:  # a closed week is final: say so rather than print it as if at --horizon
        print(f"etl: snapshot {week} was stored closed with horizon H = {max(stored_at):g} h; "
              f"those final figures are printed, not figures at --horizon {args.horizon:g}",
              file=sys.stderr)
    if args.output_format == "json":  # a list in the JSON, not JSON text inside it
        frame = frame.assign(top_risks=[json.loads(risks) for risks in frame["top_risks"]])
    return _write(frame, args)


def _changed_since_stored(db, week: str) -> str | None:
    """snapshot.changed_since_stored, on a read-only connection (the Weekly page says it too)."""
    from .snapshot import changed_since_stored
    with warehouse.connect_readonly(db) as con:
        return changed_since_stored(con, week)


def _part_week_note(db, week: str) -> str | None:
    """The Weekly page's note on a week the data covers in part (its first or last days, or the
    week before's, which the changes compare with), for the command line too: its CSV has no
    column that says so, and a week at the data's edge read as a whole one."""
    from .snapshot import part_week_note
    with warehouse.connect_readonly(db) as con:
        return part_week_note(week, *_metrics().mention_span(con))


def resolve_numbers(args) -> None:
    """--horizon and --sla as the metrics take them: positive, finite ('nan' and 'inf' parse
    as floats, and compare false with everything, so the metrics' own check let them by),
    and no SLA longer than the horizon (a response after H leaves its request ignored, so
    such an SLA would count only responses within H while its column said otherwise). An SLA
    not given is DEFAULT_SLA_MINUTES, or H when that is shorter (as the dashboard takes it)."""
    for option, unit in (("horizon", "hours"), ("sla", "minutes")):
        value = getattr(args, option, None)
        if value is not None and not (math.isfinite(value) and value > 0):
            raise UsageError(f"--{option} {value}: must be a positive number of {unit}")
    horizon, sla = getattr(args, "horizon", None), getattr(args, "sla", None)
    if horizon is None or not hasattr(args, "sla"):
        return
    if sla is None:
        args.sla = min(DEFAULT_SLA_MINUTES, horizon * 60)
    elif sla > horizon * 60:
        raise UsageError(f"--sla {sla:g} minutes is longer than --horizon {horizon:g} h: a response "
                         "after the horizon leaves its request ignored, so it can meet no SLA")


def _emit(args, compute) -> int:
    resolve_numbers(args)
    current_models(args.db)
    with warehouse.connect_readonly(args.db) as con:
        frame = compute(con)
    return _write(frame, args)


def current_models(db) -> None:
    """A warehouse loaded by an older version may hold text scores of an older scorer or
    cascades of older code (its numbers would not follow this version's definitions), or
    derived tables of an older shape, on which these queries fail with DuckDB's binder error:
    they are brought up to this version first, once, as the dashboard does on its first start
    (app.startup.ensure_models; nothing is written when all are current)."""
    from .models import refresh_stale
    from .pipeline import refresh_outdated
    if steps := refresh_outdated(db):
        print(f"etl: {db}: its text scores or cascades were made by an older version; recomputed "
              f"them (once: {', '.join(steps)})", file=sys.stderr)
    if refresh_stale(db):
        print(f"etl: {db}: its derived tables were made by an older version; rebuilt them (once)",
              file=sys.stderr)


def _write(frame, args) -> int:
    write_frame(frame, args.output_format)
    return EXIT_OK

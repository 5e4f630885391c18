"""``corridor reports list|show|resolve|reject``: review the data-error reports readers sent."""

from __future__ import annotations

import json
import re

HELP = "review data-error reports sent from the web page and HTML reports"
DB_HELP = ("reports database: a file path, sqlite:///PATH or postgresql://... "
           "(default: $CORRIDOR_REPORTS_DB, else reports.sqlite3 in the user data folder)")


def register(sub) -> None:
    p = sub.add_parser("reports", help=HELP, description=HELP)
    actions = p.add_subparsers(dest="action", required=True)
    ls = actions.add_parser("list", help="list reports, newest first")
    ls.add_argument("--status", default="new", choices=["new", "resolved", "rejected", "all"],
                    help="which reports (default: new)")
    ls.add_argument("--limit", type=int, default=100)
    ls.add_argument("--json", action="store_true", help="one JSON array of reports")
    show = actions.add_parser("show", help="one report in full, with its route query re-run now")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true")
    for verb, what in (("resolve", "the data was wrong; --note records the correction"),
                       ("reject", "the data was right or the report is not usable; --note says why")):
        a = actions.add_parser(verb, help=f"{verb} a report: {what}")
        a.add_argument("id", type=int)
        a.add_argument("--note", default="", help="correction or reason, kept with the report")
    for a in (ls, show, *(actions.choices[v] for v in ("resolve", "reject"))):
        a.add_argument("--db", metavar="URL", help=DB_HELP)


def _flat(text: str) -> str:
    """Runs of whitespace (newlines too) as one space, so each report stays on its lines."""
    return re.sub(r"\s+", " ", text)


def _one_line(text: str, width: int) -> str:
    text = _flat(text).strip()
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _in_context(r, width: int = 40) -> str:
    before = _flat(r.context_before)[-width:]
    after = _flat(r.context_after)[:width]
    return f"\u2026{before}[{_flat(r.selected_text)}]{after}\u2026"


def _print_full(r, found) -> None:
    print(f"report {r.id} ({r.status}) sent {r.created_at} by {r.client or '?'}")
    print(f"  selected: {r.selected_text}")
    print(f"  context:  {_in_context(r, 200)}")
    print(f"  comment:  {r.comment or '(none)'}")
    print(f"  source:   {r.source_url or '-'}")
    print(f"  page:     {r.page or '-'}")
    print(f"  query:    {r.query or '-'}")
    print(f"  data:     {r.data_version or '?'}")
    if r.status != "new":
        print(f"  {r.status} {r.resolved_at}: {r.resolution or '(no note)'}")
    if found is None:
        return
    if "error" in found:
        print(f"  now:      no answer on network {found['network']}: {found['error']}")
        return
    rt = found["route"]
    print(f"  now:      {rt['distance_km']:,.1f} km, {rt['distance_nmi']:,.1f} nmi, {rt['duration_h'] / 24:.2f} d, "
          f"passages: {', '.join(rt['passages']) or 'none'} (network {found['network']})")


def run(args) -> int:
    from corridor.reports.recheck import recheck
    from corridor.reports.store import open_store

    with open_store(args.db) as store:
        if args.action == "list":
            reports = store.list(None if args.status == "all" else args.status, limit=args.limit)
            if args.json:
                print(json.dumps([r.to_dict() for r in reports], ensure_ascii=False))
                return 0
            if not reports:
                print(f"no {'' if args.status == 'all' else args.status + ' '}reports in {store.url}")
                return 0
            print(f"{'id':>5}  {'sent':20}  {'status':8}  selection in context / comment")
            for r in reports:
                print(f"{r.id:>5}  {r.created_at:20}  {r.status:8}  {_in_context(r)}")
                if r.comment:
                    print(f"{'':38}  {_one_line(r.comment, 100)}")
            return 0
        if args.action == "show":
            r = store.get(args.id)
            found = recheck(r.query, r.page)
            if args.json:
                print(json.dumps({**r.to_dict(), "recheck": found}, ensure_ascii=False))
            else:
                _print_full(r, found)
            return 0
        r = store.review(args.id, "resolved" if args.action == "resolve" else "rejected", args.note)
        print(f"report {r.id} {r.status}" + (f": {r.resolution}" if r.resolution else ""))
        return 0

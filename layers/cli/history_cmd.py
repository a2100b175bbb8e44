"""``python -m layers history ID --store URL``: every change of one incident, oldest first.

One line per insert, update or delete of the incident, its sources and figures: when,
the database role (and the app's user name), what, from which file, and for updates
the fields that changed with their old and new values.
"""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``history`` command."""
    parser = subparsers.add_parser("history", help="the audit trail of one incident in a PostGIS store")
    parser.add_argument("id", metavar="ID", help="the incident's id")
    parser.add_argument("--store", required=True, metavar="URL", help="the postgresql://… store")
    parser.add_argument("--dataset", default=None, help="only this dataset (ids are unique within a dataset)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the history; return 0, or 1 when the store has no record of the id."""
    from layers.pgstore import PostgisStore, describe_history

    with PostgisStore(args.store) as store:
        lines = describe_history(store.history(args.id, args.dataset))
    if not lines:
        print(f"no change of {args.id!r} is recorded in the store")
        return 1
    print("\n".join(lines))
    return 0

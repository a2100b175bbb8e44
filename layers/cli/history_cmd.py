"""``python -m layers history ID --store URL|FILE.gpkg``: every change of one incident, oldest first.

One line per insert, update or delete of the incident, its sources and figures: when,
the database role or the account (and the app's user name), what, from which file, and for updates
the fields that changed with their old and new values.
"""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``history`` command."""
    parser = subparsers.add_parser("history", help="the audit trail of one incident in a store")
    parser.add_argument("id", metavar="ID", help="the incident's id")
    parser.add_argument(
        "--store", required=True, metavar="STORE", help="the store: a postgresql://… URL or a .gpkg file"
    )
    parser.add_argument("--dataset", default=None, help="only this dataset (ids are unique within a dataset)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the history; return 0, or 1 when the store has no record of the id."""
    from layers.gpkg_store import describe_history
    from layers.store import open_store

    store = open_store(args.store, read_only=True)
    try:
        lines = describe_history(store.history(args.id, args.dataset))
    finally:
        store.close()
    if not lines:
        print(f"no change of {args.id!r} is recorded in the store")
        return 1
    print("\n".join(lines))
    return 0

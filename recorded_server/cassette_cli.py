"""The record, replay and verify subcommands: placeholder until they land."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the cassette subcommands to the ``recorded-server`` parser."""

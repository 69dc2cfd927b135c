"""Argument types shared by the batch commands (``analyze``, ``classify``)."""

from __future__ import annotations

import argparse


def positive_int(value: str) -> int:
    """An ``argparse`` type: a whole number of at least 1 (workers, batch sizes).

    Raises:
        argparse.ArgumentTypeError: ``value`` is not such a number; argparse turns it into a
            usage error that names the option.
    """
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' không phải số nguyên") from None
    if number < 1:
        raise argparse.ArgumentTypeError("phải là số nguyên dương")
    return number

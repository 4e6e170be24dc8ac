"""Errors for people: one ``error: ...`` line and exit code 2, never a traceback.

:class:`UserError` is what a command raises for a request it refuses. :class:`SafeGroup` is the
top-level command group: it turns the errors that come from the outside world (a file that cannot
be read or written, bytes that are not UTF-8, YAML that does not parse) into the same kind of line,
so no input a user can give ends in a traceback.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys

import click
import yaml

# Longest echo of a user's value in a message: a 5,000-digit number or an expanded YAML alias must
# not turn one error line into megabytes.
ECHO_LIMIT = 80


class UserError(click.ClickException):
    """A request refused with a message saying what was wrong and what is allowed (exit code 2)."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True, file=file)


def shown(value: object, limit: int = ECHO_LIMIT) -> str:
    """``repr(value)``, cut to ``limit`` characters; the repr of a huge container is never built whole."""
    if isinstance(value, (list, tuple, dict, set)) and len(value) > limit:
        text = f"<{type(value).__name__} of {len(value)} items>"
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 4 * limit:
        text = f"<whole number of about {int(value.bit_length() * 0.30103)} digits>"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clipped(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text`` as it is (a path, say), cut to ``limit`` characters from the left: the end of a path names
    the file or folder a message is about, so it is the part kept ('…/pytest-0/test_x/none')."""
    return text if len(text) <= limit else "…" + text[len(text) - limit + 1 :]


def describe(error: BaseException) -> str:
    """One line for an error from the outside world."""
    if isinstance(error, UnicodeDecodeError):
        return (
            f"a file is not UTF-8 text (byte {error.object[error.start : error.start + 1]!r} at offset {error.start})"
        )
    if isinstance(error, yaml.YAMLError):
        return "not valid YAML: " + " ".join(str(error).split())[:300]
    if isinstance(error, shutil.Error) and error.args and isinstance(error.args[0], list) and error.args[0]:
        # copytree's list of (source, destination, reason) for every file it could not copy: the first, and a count.
        first = error.args[0][0]
        more = len(error.args[0]) - 1
        reason = " ".join(str(first[-1]).split()) if isinstance(first, tuple) else str(first)
        where = f"{clipped(str(first[1]))}: " if isinstance(first, tuple) and len(first) == 3 else ""
        reason = reason.split("] ", 1)[-1].split(": '", 1)[0]
        return f"{where}{reason}" + (f" (and {more} more file(s) not copied)" if more else "")
    if isinstance(error, OSError):
        reason = (error.strerror or os.strerror(error.errno)) if error.errno else str(error)
        return f"{clipped(str(error.filename))}: {reason}" if error.filename else reason
    return str(error)


def reader_gone() -> None:
    """End quietly when the reader of the output stopped reading (``runthenumbers facts | head``): no
    message, and the exit status of a command stopped by SIGPIPE (141), as ``cat`` or ``seq`` give."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
    except (OSError, ValueError):
        pass
    sys.exit(128 + signal.SIGPIPE)


class SafeGroup(click.Group):
    """A command group that reports OS, encoding and YAML errors, and a fact the code needs but the
    ledger lacks, as ``error:`` lines (exit 2); output into a closed pipe ends quietly (:func:`reader_gone`)."""

    def invoke(self, ctx: click.Context):
        from .data import MissingFact  # imported here: this module stays free of the ledger at import time

        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            reader_gone()
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise UserError(describe(error)) from None
        except MissingFact as missing:
            command = f"`runthenumbers {ctx.invoked_subcommand}`" if ctx.invoked_subcommand else "this command"
            raise UserError(str(type(missing)(missing.file, missing.fact_id, missing.needed_by or command))) from None
        except RecursionError:
            raise UserError("an input is nested too deeply to read") from None

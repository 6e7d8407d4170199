"""
Redirects as a CSV file, written and read back the same: the desk exports the table,
edits it in a spreadsheet, imports it again. An import is all or nothing: every bad line
is reported with its number, and then nothing is imported.
"""

import csv
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Redirect, kept_old_path, target_of

COLUMNS = ["old_path", "target", "status", "hits", "last_hit_at", "source", "created_at"]
# Those an import reads; the others are the table's own record, written for reading.
READ_COLUMNS = ("old_path", "target", "status")
# An import runs in the request: bounded so that it ends well within the request's time.
MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000


class Refused(Exception):
    """The file as a whole, or some of its lines: ``problems`` says each in French."""

    def __init__(self, problems):
        super().__init__(problems)
        self.problems = problems


def write_csv(redirects, out):
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for redirect in redirects:
        writer.writerow(
            [
                redirect.old_path,
                redirect.target,
                redirect.status,
                redirect.hits,
                redirect.last_hit_at.isoformat() if redirect.last_hit_at else "",
                redirect.source,
                redirect.created_at.isoformat(),
            ]
        )


def import_csv(upload):
    """
    Make the redirects ``upload`` (a file of bytes) lists, all or none; return how many.
    Raises Refused with every problem found, each line's with its number.
    """
    rows = _read_rows(upload)
    problems = []
    entries = []
    seen = {}
    for line, row in rows:
        try:
            entry = _entry(row)
        except ValidationError as error:
            problems += [_line_problem(line, message) for message in error.messages]
            continue
        if entry[0] in seen:
            problems.append(
                _line_problem(
                    line,
                    _("« %(old_path)s » is already on line %(first)s.")
                    % {"old_path": entry[0], "first": seen[entry[0]]},
                )
            )
            continue
        seen[entry[0]] = line
        entries.append((line, entry))
    if problems:
        raise Refused(problems)
    with transaction.atomic():
        for line, (old_path, target, status) in entries:
            try:
                if status == Redirect.Status.GONE:
                    Redirect.objects.gone(old_path, source=Redirect.Source.CSV)
                else:
                    Redirect.objects.point(old_path, target, status, source=Redirect.Source.CSV)
            except ValidationError as error:
                # A loop through the table or through earlier lines: each is reported,
                # then the whole import is undone.
                problems += [_line_problem(line, message) for message in error.messages]
        if problems:
            transaction.set_rollback(True)
            raise Refused(problems)
    return len(entries)


def _read_rows(upload):
    if upload.size > MAX_BYTES:
        raise Refused(
            [
                _("The file weighs %(size)s KB: %(max)s KB at most, so split it in several.")
                % {"size": upload.size // 1024, "max": MAX_BYTES // 1024}
            ]
        )
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused(
            [_("The file is not UTF-8 text: save it from the spreadsheet as « CSV UTF-8 ».")]
        ) from None
    # A French spreadsheet separates its columns with semicolons.
    first_line = text.partition("\n")[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in READ_COLUMNS if name not in header]
    if missing:
        raise Refused(
            [
                _(
                    "Line 1 must name the columns, as an export does: %(columns)s. "
                    "Missing: %(missing)s."
                )
                % {"columns": ", ".join(READ_COLUMNS), "missing": ", ".join(missing)}
            ]
        )
    positions = [header.index(name) for name in READ_COLUMNS]
    rows = []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(rows) == MAX_ROWS:
            raise Refused(
                [
                    ngettext(
                        "The file has more than %(max)s line of redirects: split it in several.",
                        "The file has more than %(max)s lines of redirects: split it in several.",
                        MAX_ROWS,
                    )
                    % {"max": MAX_ROWS}
                ]
            )
        rows.append((line, [row[i].strip() if i < len(row) else "" for i in positions]))
    if not rows:
        raise Refused([_("The file lists no redirect under its first line.")])
    return rows


def _entry(row):
    """(old path, target, status) from a row, or a ValidationError saying what is wrong."""
    old_path, target, status = row
    if not old_path.startswith("/"):
        raise ValidationError(
            _("the old address « %(old_path)s » does not start with « / ».")
            % {"old_path": old_path}
        )
    old_path = kept_old_path(old_path)
    try:
        status = Redirect.Status(int(status or Redirect.Status.MOVED_PERMANENTLY))
    except ValueError:
        raise ValidationError(
            _("the answer « %(status)s » is none of 301, 302 or 410.") % {"status": status}
        ) from None
    if status == Redirect.Status.GONE:
        return old_path, "", status
    if not target:
        raise ValidationError(_("a redirect answering 301 or 302 needs a new address."))
    return old_path, target_of(target), status


def _line_problem(line, message):
    return _("Line %(line)s: %(problem)s") % {"line": line, "problem": message}

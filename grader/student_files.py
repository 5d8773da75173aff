"""Reading the files students hand in, whatever editor saved them.

A student's file may carry a byte-order mark, be saved as UTF-16 (Windows Notepad), use CRLF line
endings or a legacy code page. It is read once here, into text with plain newlines; the original
file is never written to.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 1 << 20

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class StudentFileError(Exception):
    """A student's file that cannot be read; the message is written for the student."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


def decode_student_bytes(data: bytes) -> tuple[str, str | None]:
    """Text from a student's file's bytes, and a note when the encoding was not plain UTF-8."""
    note = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(encoding, errors="replace")
            if encoding != "utf-8":
                note = f"saved as {encoding.upper()[:6]}; read it as text all the same"
            break
    else:
        if _looks_like_utf16(data):
            text = data.decode("utf-16-le" if data[1:2] == b"\0" else "utf-16-be",
                               errors="replace")
            note = "saved as UTF-16; read it as text all the same"
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("cp1252", errors="replace")
                note = "not saved as UTF-8; read it as Windows-1252 (save as UTF-8 to be sure)"
    return text.replace("\r\n", "\n").replace("\r", "\n"), note


def _looks_like_utf16(data: bytes) -> bool:
    sample = data[:200]
    if len(sample) < 4 or len(sample) % 2:
        return False
    zeros_odd = sample[1::2].count(0)
    zeros_even = sample[0::2].count(0)
    half = len(sample) // 2
    return max(zeros_odd, zeros_even) > 0.8 * half and min(zeros_odd, zeros_even) == 0


def read_student_text(path: Path, display: str, max_bytes: int = MAX_FILE_BYTES) -> tuple[
    str, str | None
]:
    """The text of a student's file and an encoding note; StudentFileError if it cannot be read.

    Only a regular file is read: a link (which could point at the solutions, or at a secret of
    the machine), a device or a pipe (which could block for ever) is refused, not followed.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise StudentFileError(f"{display} was not found", missing=True) from None
    except OSError as error:
        raise StudentFileError(f"{display} could not be read: {error.strerror or error}") from None
    if stat.S_ISLNK(info.st_mode):
        raise StudentFileError(f"{display} is a link to another file; hand in the file itself")
    if stat.S_ISDIR(info.st_mode):
        raise StudentFileError(f"{display} is a folder; it should be a file")
    if not stat.S_ISREG(info.st_mode):
        raise StudentFileError(f"{display} is not a regular file (a device or a pipe, say); "
                               "hand in a text file")
    if info.st_size > max_bytes:
        raise StudentFileError(
            f"{display} is too large to grade ({info.st_size:,} bytes; the limit is "
            f"{max_bytes:,})"
        )
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(
        os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped since lstat
                raise StudentFileError(f"{display} is not a regular file; hand in a text file")
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise StudentFileError(f"{display} could not be read: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise StudentFileError(
            f"{display} is too large to grade (the limit is {max_bytes:,} bytes)"
        )
    text, note = decode_student_bytes(data)
    if "\0" in text:
        raise StudentFileError(
            f"{display} is a binary file, not text: save it from a text editor (as UTF-8)"
        )
    return text, note

"""Errors the extractor raises on purpose.

Every message names the file and says what the user can do about it, so the CLI can print
`str(error)` as is. Code that branches on the cause reads `InputError.reason`, a short stable
machine code, never the message.
"""

from __future__ import annotations

from typing import Any, Final

# The machine codes ingest puts in InputError.reason. Later subclasses add their own
# (e.g. NotAnnualReportError).
INPUT_REASONS: Final = frozenset(
    {
        "empty",  # no bytes, only whitespace, or no text at all
        "binary",  # bytes that are none of the supported formats (NULs, undecodable)
        "unsupported_format",  # a format we recognise but do not read (.doc, images, .xlsx)
        "no_text_layer",  # a PDF of scanned images
        "too_large",  # over max_bytes (checked before reading)
        "unreadable",  # missing, a directory, no permission, corrupt or encrypted
        "encoding",  # looks like text but no encoding decodes it
    }
)


def _rebuild(cls: type[InputError], args: tuple[Any, ...], state: dict[str, Any]) -> InputError:
    err = cls.__new__(cls)
    Exception.__init__(err, *args)
    err.__dict__.update(state)
    return err


class ExtractorError(Exception):
    """Base class of every error the extractor raises deliberately."""


class InputError(ExtractorError):
    """The input file cannot be turned into text.

    `path`: the file as given; `reason`: a machine code (see INPUT_REASONS); `message`: the
    human sentence, also `str(error)`.
    """

    def __init__(self, path: str, reason: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.reason = reason
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        # Subclasses have other __init__ signatures; rebuild from state so errors survive a
        # multiprocessing pool (default exception pickling re-calls __init__ with args).
        return (_rebuild, (type(self), self.args, self.__dict__))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(path={self.path!r}, reason={self.reason!r})"


class NoTextLayerError(InputError):
    """A PDF that holds only images of text (or text that cannot be mapped to characters)."""

    def __init__(self, path: str, detail: str = "has no text layer") -> None:
        super().__init__(
            path,
            "no_text_layer",
            f"{path}: the PDF {detail} (it is probably scanned); run OCR first, e.g. "
            f"`ocrmypdf -l chi_sim --force-ocr {path} out.pdf`, then read out.pdf.",
        )


class FileTooLargeError(InputError):
    """The file is bigger than the caller allowed."""

    def __init__(self, path: str, size: int, max_bytes: int) -> None:
        super().__init__(
            path,
            "too_large",
            f"{path}: the file is {size:,} bytes, over the limit of {max_bytes:,} bytes; "
            "check it is a single report, or raise max_bytes.",
        )
        self.size = size
        self.max_bytes = max_bytes


# NotAnnualReportError(InputError) and other later errors go below.

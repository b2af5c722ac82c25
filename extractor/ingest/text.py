"""Bytes → str for plain-text and HTML files.

Order of trust: a byte-order mark; strict UTF-8 (valid UTF-8 with non-ASCII bytes is almost never
anything else, and pages re-saved as UTF-8 often keep a stale `charset=gbk`); UTF-8 with a
couple of bad bytes (a truncated download), which become U+FFFD; the charset the page declares,
if it decodes cleanly; GB18030, strict and then with a couple of bad bytes; only then
charset-normalizer. Mainland reports that are not UTF-8 are GBK, and asked first, the detector
calls short GBK text UTF-16-BE, cp949 or Big5. (So undeclared Big5 reads as GB18030 garbage: out
of scope.) GBK and GB2312 are decoded as GB18030, their superset, so rarer characters do not fail.
"""

from __future__ import annotations

import codecs
import itertools
import re

import charset_normalizer

from extractor.exceptions import InputError

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32-LE's BOM starts with UTF-16-LE's, so it is tested first.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Declarations that decode any byte string, so "decodes cleanly" proves nothing for them; a
# Chinese page that says iso-8859-1 was mislabelled by its CMS.
_UNTRUSTED_DECLARED = frozenset({"latin-1", "iso8859-15", "cp1252", "cp1250", "cp1251"})

# Characters outside what a Chinese report holds: ASCII, CJK punctuation and ideographs,
# full-width forms, general punctuation.
_NOT_CJK_OR_ASCII = re.compile("[^\t\n\r\x20-\x7e\xa0-\xff\u2000-\u206f\u3000-\u9fff\uff00-\uffef]")

_SUPERSETS = {"gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030", "hz": "gb18030"}

# C0 controls that plain text does not contain (TAB, LF, VT, FF, CR are allowed; so is ESC, for
# the odd colour code in a console dump).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def canonical_codec(name: str) -> str | None:
    """Python's name for an encoding label ('GB2312' → 'gb18030'); None if Python lacks it."""
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None
    return _SUPERSETS.get(codec, codec)


def decode_bytes(data: bytes, path: str, declared: str | None = None) -> tuple[str, str]:
    """Decode a text or HTML file; returns (text, codec name). `declared`: an HTML charset.

    Raises InputError 'binary' for bytes that are not text, 'encoding' for text that no
    candidate encoding decodes.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(codec), path), codec
            except UnicodeDecodeError as e:
                raise InputError(
                    path,
                    "encoding",
                    f"{path}: starts with a {codec} byte-order mark but is not valid {codec} "
                    f"(byte {e.start}); re-save it as UTF-8.",
                ) from e

    if b"\x00" in data:
        # NULs: UTF-16 without a BOM (NUL high bytes of ASCII) or binary junk.
        guessed = _utf16_without_bom(data)
        if guessed is None:
            raise _binary(path)
        return _checked(guessed[0], path), guessed[1]

    if (read := _as(data, "utf-8", path)) is not None:
        return read
    if (codec := _declared_codec(declared)) is not None:
        try:
            return _checked(data.decode(codec), path), codec
        except UnicodeDecodeError:
            pass

    if (read := _as(data, "gb18030", path)) is not None:
        return read
    best = charset_normalizer.from_bytes(data).best()
    if best is not None and (codec := canonical_codec(best.encoding)) is not None:
        try:
            return _checked(data.decode(codec), path), codec
        except UnicodeDecodeError:
            pass
    if _looks_binary(data.decode("latin-1")):
        raise _binary(path)
    raise InputError(
        path,
        "encoding",
        f"{path}: the text is neither UTF-8 nor GB18030/GBK nor Big5, and its encoding could not "
        "be detected; convert it to UTF-8 (e.g. with iconv) and try again.",
    )


def _declared_codec(declared: str | None) -> str | None:
    codec = canonical_codec(declared) if declared else None
    return None if codec in _UNTRUSTED_DECLARED or codec == "utf-8" else codec


def _as(data: bytes, codec: str, path: str) -> tuple[str, str] | None:
    """The text in `codec`: decoded cleanly, or nearly so (`_nearly`); None when it is not."""
    try:
        return _checked(data.decode(codec), path), codec
    except UnicodeDecodeError:
        pass
    if (lossy := _nearly(data, codec)) is not None:
        return _checked(lossy, path), codec
    return None


def _nearly(data: bytes, codec: str) -> str | None:
    """The text with U+FFFD for bad bytes, if there are only a few among many good non-ASCII
    characters: a download cut mid-character or one damaged byte should not lose the report,
    but a GBK page with a handful of Chinese characters must not pass as damaged UTF-8."""
    text = data.decode(codec, "replace")
    clean = data.decode(codec, "ignore")
    bad = text.count("\ufffd") - clean.count("\ufffd")
    good = len(clean) - len(clean.encode("ascii", "ignore"))
    return text if bad <= max(2, len(data) // 4000) and good >= 20 * bad else None


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, codec) if the bytes read as UTF-16 without a BOM, else None.

    ASCII characters (digits, newlines, spaces) put NULs in every other byte; CJK characters
    put some on the other parity (一 U+4E00, 开 U+5F00, U+3000), so the NULs must sit mostly,
    not only, on one side; and the result must read as Chinese or ASCII text.
    """
    if len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd > 2 * even:
        codec = "utf-16-le"
    elif even > 2 * odd:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    if _looks_binary(text) or len(_NOT_CJK_OR_ASCII.findall(text)) > len(text) // 10:
        return None
    return text, codec


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    limit = max(8, len(text) // 1000)
    return next(itertools.islice(_CONTROL.finditer(text), limit, None), None) is not None


def _checked(text: str, path: str) -> str:
    if _looks_binary(text):
        raise _binary(path)
    return text


def _binary(path: str) -> InputError:
    return InputError(
        path,
        "binary",
        f"{path}: binary data that is not a PDF, Word (.docx), HTML or text file; check that the "
        "download is complete and the file is what its name says.",
    )

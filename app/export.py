"""Static export of plotly figures (PNG, PDF) through kaleido and the system Chromium.

kaleido 1.x drives a Chrome/Chromium it finds on the machine; it reads the browser's path from
the BROWSER_PATH environment variable. We point it at Debian's /usr/bin/chromium (or whatever
BROWSER_PATH already names) and never download a browser: with none installed, available()
says why and the exports raise ExportUnavailable.

browser_path is the one Chromium finder: the audit report's PDF (app/report.py) prints with the
same browser, and browser_available says whether there is one. plotly is imported when a figure
is rendered, so the audit CLI, which only prints HTML, does not load it.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import plotly.graph_objects as go

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")


class ExportUnavailable(RuntimeError):
    """No browser for kaleido to render with (or it failed to start)."""


def browser_path() -> str | None:
    """The Chromium kaleido will use: BROWSER_PATH if it names a program, else the system's."""
    for candidate in (os.environ.get("BROWSER_PATH"), str(SYSTEM_CHROMIUM),
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def browser_available(what: str = "PDF export") -> tuple[bool, str]:
    """(there is a Chromium to print with, reason shown when there is none): all the audit
    report's PDF needs (it prints HTML with the browser itself, no kaleido)."""
    if browser_path() is None:
        return False, (f"{what} needs Chromium ({SYSTEM_CHROMIUM}, e.g. `apt-get install "
                       "chromium`), or BROWSER_PATH set to a Chrome/Chromium; none was found.")
    return True, ""


# Emoji the customers write, from three blocks: a font with all of them is an emoji font. DejaVu
# Sans, here, has some faces (U+1F600-1F64F) but not 👍 or 🤬, which printed as empty boxes (a review)
EMOJI_PROBE = "1f44d 1f525 1f644 1f92c"


def emoji_font_note(what: str = "PDF") -> str | None:
    """Why customers' emoji print as empty boxes in the `what` this machine prints (Chromium draws
    with its fonts), for the PDF button's caption; None when fontconfig finds an emoji font, or
    when there is no fontconfig to ask (no warning that may be wrong)."""
    if _has_emoji_font() is not False:
        return None
    return (f"Emoji in what customers wrote print as empty boxes in the {what}: this machine has no emoji font "
            "(e.g. `apt-get install fonts-noto-color-emoji`).")


@functools.lru_cache(maxsize=1)
def _has_emoji_font() -> bool | None:
    """Whether a font has every EMOJI_PROBE character (fc-list, once: fonts come with the machine);
    None when fc-list is missing or fails."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        found = subprocess.run([fc_list, f":charset={EMOJI_PROBE}", "family"], capture_output=True,
                               text=True, timeout=2, check=True).stdout  # asked during a render
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(found.strip())


def available() -> tuple[bool, str]:
    """(can export figures, reason shown when it cannot)."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return False, "PDF/PNG export needs the kaleido package, which is not installed."
    return browser_available("PDF/PNG export")


def _render(figure: go.Figure, fmt: str, width: int | None, height: int | None,
            scale: float) -> bytes:
    ok, reason = available()
    if not ok:
        raise ExportUnavailable(reason)
    return _rendered(figure.to_json(), fmt, width, height, scale)


# A render starts Chromium (2-3 s on a quiet machine, 13 s on a busy one): the same figure
# downloaded again, or as the other format after a preview, is served from here.
@functools.lru_cache(maxsize=8)
def _rendered(figure_json: str, fmt: str, width: int | None, height: int | None,
              scale: float) -> bytes:
    os.environ["BROWSER_PATH"] = browser_path()
    import plotly.io as pio
    try:
        return pio.to_image(pio.from_json(figure_json), format=fmt, width=width, height=height,
                            scale=scale)
    except Exception as error:  # kaleido/chromium failed to start or render
        raise ExportUnavailable(f"{fmt.upper()} export failed: {error}") from error


def to_png(figure: go.Figure, width: int | None = None, height: int | None = None,
           scale: float = 2.0) -> bytes:
    """The figure as PNG bytes (width/height default to the figure's layout)."""
    return _render(figure, "png", width, height, scale)


def to_pdf(figure: go.Figure, width: int | None = None, height: int | None = None,
           title: str | None = None, page_width_mm: float | None = None, alt_text: str | None = None) -> bytes:
    """The figure as a one-page PDF (vector), titled `title` (else Kaleido's page title,
    'Kaleido-fier', is what a PDF viewer shows), on a page `page_width_mm` wide (its height in
    the figure's proportion) when given: else a pixel is a CSS pixel, and the 1240 px one-pager
    made a 328 x 464 mm page, which a printer set to actual size cut to A4. alt_text, with a
    title: the figure's text alternative (with_pdf_title)."""
    scale = 1.0 if page_width_mm is None else _page_scale(page_width_mm, width or figure.layout.width)
    pdf = _render(figure, "pdf", width, height, scale)
    if not title:
        return pdf
    try:
        return with_pdf_title(pdf, title, alt_text)
    except ValueError:  # a PDF this cannot title: the download untitled rather than failed
        return pdf


CSS_PX_PER_MM = 96 / 25.4  # Kaleido's PDF page is the figure's size in CSS pixels, times the scale


def _page_scale(page_width_mm: float, width_px: float | None) -> float:
    """The scale that prints a figure `width_px` wide on a page `page_width_mm` wide."""
    if not width_px:
        raise ValueError("a page width needs the figure's width in pixels")
    return page_width_mm * CSS_PX_PER_MM / width_px


_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$", re.S)


def with_pdf_title(pdf: bytes, title: str, alt_text: str | None = None) -> bytes:
    """The PDF with its document title set, by an incremental update (a new Info dictionary, an
    xref section for it and a trailer pointing back to the old one, appended): the bytes before
    stay as they are, so no offset in them needs rewriting. alt_text: the text alternative (/Alt)
    of the PDF's one Figure structure element, as a new revision of that object: Chromium tags a
    printed figure as a Figure without one, which a screen reader announces as an unnamed picture
    and skips. Raises ValueError for a PDF whose end is not a classic trailer (Chromium's is)."""
    last = pdf.rfind(b"trailer")  # the newest revision's trailer (an updated PDF has several)
    found = _TRAILER.match(pdf, last) if last >= 0 else None
    root = re.search(rb"/Root\s+(\d+\s+\d+\s+R)", found.group(1)) if found else None
    size = re.search(rb"/Size\s+(\d+)", found.group(1)) if found else None
    if not (root and size):
        raise ValueError("PDF without a classic trailer: cannot set its title")
    number = int(size.group(1))
    objects = [(number, b"<</Title %s>>" % _pdf_text(title))]
    if alt_text and (figure := _untitled_figure(pdf)):
        objects.append((figure[0], b"<<%s /Alt %s>>" % (figure[1], _pdf_text(alt_text))))
    body = _old_title_blanked(pdf, found.group(1))
    body = body if body.endswith(b"\n") else body + b"\n"
    added, sections = b"", b""
    for object_number, dictionary in objects:
        sections += b"%d 1\n%010d 00000 n \n" % (object_number, len(body) + len(added))
        added += b"%d 0 obj\n%s\nendobj\n" % (object_number, dictionary)
    update = (b"xref\n%strailer\n<</Size %d /Root %s /Info %d 0 R /Prev %s>>\nstartxref\n%d\n%%%%EOF\n"
              % (sections, number + 1, root.group(1), number, found.group(2), len(body) + len(added)))
    return body + added + update


_TITLE_TEXT = re.compile(rb"/Title\s*(?:\(((?:[^()\\]|\\.)*)\)|<([0-9A-Fa-f\s]*)>)")


def _old_title_blanked(pdf: bytes, trailer: bytes) -> bytes:
    """The PDF with the title of the Info dictionary its trailer names blanked where it stands, to
    as many spaces (nothing moves, so every offset holds): superseded by the new one, Kaleido's
    'Kaleido-fier' was still in the file, what `strings` and a reader ignoring updates found (a
    review). Unchanged when the trailer names no Info or it has no title."""
    info = re.search(rb"/Info\s+(\d+)\s+0\s+R", trailer)
    # the newest copy of that object: a file updated before holds older ones first
    found = info and next(reversed(list(re.finditer(rb"(?:^|\s)%s 0 obj\s*<<" % info.group(1), pdf))), None)
    title = found and _TITLE_TEXT.search(pdf, found.end(), pdf.find(b"endobj", found.end()))
    if not title:
        return pdf
    which = 1 if title.group(1) is not None else 2
    start, end = title.span(which)
    return pdf[:start] + b" " * (end - start) + pdf[end:]


def _pdf_text(text: str) -> bytes:
    """A PDF text string of any text: UTF-16BE with its byte-order mark, in hex (nothing to escape)."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


_FIGURE = re.compile(rb"(?:^|\s)(\d+) 0 obj\s*<<(/Type /StructElem\s*/S /Figure\b[^<>]*)>>\s*endobj")


def _untitled_figure(pdf: bytes) -> tuple[int, bytes] | None:
    """(object number, dictionary's entries) of the PDF's Figure structure element when it has
    exactly one, without a text alternative; None otherwise (no tags, or several figures, whose
    one text would not fit them all)."""
    figures = _FIGURE.findall(pdf)
    if len(figures) != 1 or b"/Alt" in figures[0][1]:
        return None
    return int(figures[0][0]), figures[0][1]

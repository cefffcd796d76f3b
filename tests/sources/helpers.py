"""Shared helpers for the source tests: a tiny hand-written PDF, the practice tree, the command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import REPO

FIXTURES = Path(__file__).parent / "fixtures"
PAGE = FIXTURES / "coastal-herald.html"
PRACTICE = REPO / "tests/contrib/fixtures/records"


def practice(tmp_path: Path) -> Path:
    """A copy of the contributors' practice tree (tests/contrib/fixtures/records)."""
    records = tmp_path / "records"
    shutil.copytree(PRACTICE, records)
    return records


def build(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text("utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def write_pdf(path: Path, pages: list[list[str]], *, title: str | None = None) -> None:
    """A minimal PDF, written by hand: one line of Helvetica text per item, top to bottom, per page.

    Only ASCII text (the standard font's encoding); an empty item leaves a blank line."""
    objects: list[str] = []
    font = 3 + 2 * len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append("<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>")
    for i, lines in enumerate(pages):
        body = ["BT", "/F1 11 Tf", "14 TL", "50 780 Td"]
        for line in lines:
            body.append(f"{_pdf_string(line)} Tj T*" if line else "T*")
        body.append("ET")
        stream = "\n".join(body)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 {font} 0 R >> >> /Contents {4 + 2 * i} 0 R >>"
        )
        objects.append(f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    info = None
    if title is not None:
        objects.append(f"<< /Title {_pdf_string(title)} >>")
        info = len(objects)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R" + (f" /Info {info} 0 R" if info else "") + " >>"
    out += f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))

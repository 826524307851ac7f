"""Reading user files (TOML or JSON) into plain mappings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ditf._errors import DataError
from ditf.data._mapping import mapping_format, parse_mapping


def read_mapping(path: str | Path) -> dict[str, Any]:
    """Read a ``.toml`` or ``.json`` file whose top level is a table/object.

    Raises
    ------
    DataError
        If the file cannot be read, has another extension, or does not parse.
    """
    file = Path(path)
    mapping_format(file.name)  # the extension first: an unreadable .txt is named as a .txt
    try:
        text = file.read_text(encoding="utf-8-sig")  # a BOM (Windows editors) is skipped
    except IsADirectoryError:
        shown = f"Cannot read {str(file)!r}: it is a folder; give the file inside it."
        raise DataError(shown) from None
    except OSError as exc:
        raise DataError(f"Cannot read {str(file)!r}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError as exc:
        raise DataError(
            f"Cannot read {str(file)!r}: it is not UTF-8 text ({exc.reason} at byte "
            f"{exc.start}); save it as UTF-8 from your editor."
        ) from None
    return parse_mapping(text, file.name)

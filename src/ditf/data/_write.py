"""Writing a set of generated text files (an exported project) into a folder."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from ditf._errors import DataError, InvalidParameterError


def _relative(path: object) -> PurePosixPath:
    """``path`` as a safe relative POSIX path (no ``..``, not absolute, not empty)."""
    rel = PurePosixPath(path) if isinstance(path, str) else None
    if (
        rel is None
        or not str(path)
        or rel.is_absolute()
        or any(c in str(path) for c in "\\:")
        or any(part in ("", ".", "..") for part in str(path).split("/"))
    ):
        raise InvalidParameterError(
            "The keys of the 'files' parameter of write_files must be relative POSIX paths "
            f"without '.', '..' or empty parts. Got {path!r} instead."
        )
    return rel


def _staging_dir(parent: Path, name: str) -> Path:
    """A new, uniquely named folder next to the output (same filesystem: renames are atomic)."""
    while True:
        staging = parent / f".{name}.tmp-{secrets.token_hex(4)}"
        try:
            staging.mkdir()  # not tempfile.mkdtemp: its 0o700 mode would end up on the output
        except FileExistsError:  # pragma: no cover - 2**32 names
            continue
        return staging


def _move_into(staging: Path, out: Path, relative: list[PurePosixPath], *, undo: bool) -> None:
    """Move the staged files into ``out``; if that fails and ``undo``, empty ``out`` again."""
    try:
        for rel in relative:
            target = out.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging.joinpath(*rel.parts), target)
    except OSError:
        if undo:  # ``out`` was empty: whatever is in it now is ours
            for child in out.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        raise


def write_files(
    files: Mapping[str, str], outdir: str | Path, *, overwrite: bool = False
) -> list[Path]:
    r"""Write text files (relative path -> text, UTF-8) into ``outdir``, all or nothing.

    The files are first written into a staging folder next to ``outdir``, which is then
    renamed to ``outdir`` (if it does not exist) or whose files are moved into it (if it is
    empty), so a failure leaves nothing behind. With ``overwrite=True`` and a non-empty
    ``outdir``, each staged file replaces its namesake atomically; other files in ``outdir``
    (a database, earlier exports) are kept.

    Parameters
    ----------
    files : mapping of str to str
        File texts keyed by relative POSIX paths (``"app/__init__.py"``).
    outdir : str or Path
        The folder to write; created with its parents if missing.
    overwrite : bool, default False
        Whether to write into a non-empty ``outdir``, replacing the files named in ``files``.

    Returns
    -------
    list of Path
        The written files, in the order of ``files``.

    Raises
    ------
    InvalidParameterError
        If a key of ``files`` is not a safe relative path or a value is not a string.
    DataError
        If ``outdir`` is a file, is not empty (without ``overwrite``), or cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_files({"app/__init__.py": "x = 1\n"}, Path(tmp) / "project")
    ...     [p.relative_to(tmp).as_posix() for p in paths], paths[0].read_text()
    (['project/app/__init__.py'], 'x = 1\n')
    """
    relative = [_relative(path) for path in files]
    for path, text in files.items():
        if not isinstance(text, str):
            raise InvalidParameterError(
                f"The values of the 'files' parameter of write_files must be strings. Got "
                f"{type(text).__name__} for {path!r} instead."
            )
    if not isinstance(overwrite, bool):
        raise InvalidParameterError(
            f"The 'overwrite' parameter of write_files must be a bool. Got {overwrite!r} instead."
        )
    out = Path(outdir).absolute()
    staging: Path | None = None
    try:
        if out.exists() and not out.is_dir():
            raise DataError(f"{str(out)!r} is a file; give a folder to write the project into.")
        non_empty = out.is_dir() and any(out.iterdir())
        if non_empty and not overwrite:
            raise DataError(
                f"{str(out)!r} is not empty. Give a new or empty folder, or allow overwriting "
                "(--overwrite; overwrite=True in Python): the files ditf writes are replaced, "
                "others are kept."
            )
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = _staging_dir(out.parent, out.name)
        for rel, text in zip(relative, files.values(), strict=True):
            target = staging.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
        if not out.exists():
            staging.rename(out)
            staging = None
        else:
            # Moved in, not renamed over: ``outdir`` may be someone's working directory.
            _move_into(staging, out, relative, undo=not non_empty)
    except UnicodeEncodeError as exc:  # a lone surrogate, say, from a JSON escape
        raise DataError(f"The text to write is not valid UTF-8: {exc}.") from exc
    except OSError as exc:
        raise DataError(
            f"Cannot write the files into {str(out)!r}: {exc}. Check that the folder is "
            "writable and the disk is not full."
        ) from exc
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return [out.joinpath(*rel.parts) for rel in relative]

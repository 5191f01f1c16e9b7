"""What a cached result was made by: Hearth's code, the theme, the settings, the libraries.

Everything kept in ``cache/`` from one command to the next is stored with a key made
here and used again only when the key is equal. A version number would not do: an
author edits a template or a plugin without changing one, and `pip install -U` moves
a library under a pinned Hearth. So the key is a digest of

- every file under ``plugins/`` (Hearth's code, whatever its version says), and
  under any other folder of the settings' PLUGIN_PATHS;
- every file of the theme;
- the settings as Pelican loaded them (pelicanconf.py or publishconf.py, with the
  environment they read and the overrides a task gives);
- the name and version of every installed distribution, and Python's own version.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

PLUGINS = Path(__file__).resolve().parents[1]
# Settings that hold this build's objects, not values that change what it makes.
_NOT_SETTINGS = frozenset({"HEARTH_STATE"})
# A default repr names the object's address, which differs from run to run.
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_METADATA_FOLDERS = (".dist-info", ".egg-info")


def _new() -> Any:
    return hashlib.blake2b(digest_size=16)


def files_digest(folder: Path) -> bytes:
    """Every file under ``folder``, by its path inside it and its bytes; not Python's
    compiled copies, which follow the sources."""
    digest = _new()
    for name, data in sorted(_files(folder)):
        digest.update(f"{name}\0".encode() + data + b"\0")
    return digest.digest()


def _files(folder: Path) -> Iterator[tuple[str, bytes]]:
    """Each file under ``folder`` (not in ``__pycache__``): its path there and its bytes."""
    top = os.fspath(folder)
    prefix = len(os.path.join(top, ""))
    # Walked as text: pathlib's parsing was half the time on a thousand files.
    for root, folders, names in os.walk(top):
        folders[:] = [name for name in folders if name != "__pycache__"]
        for name in names:
            path = os.path.join(root, name)
            try:
                with open(path, "rb") as file:
                    data = file.read()
            except OSError:
                continue  # gone since the folder was listed, or not a file to read
            yield path[prefix:].replace(os.sep, "/"), data


def file_digests(folder: Path) -> dict[str, bytes]:
    """Each file under ``folder``, by its path inside it: a digest of its bytes."""
    return {name: bytes_digest(data) for name, data in _files(folder)}


def bytes_digest(data: bytes) -> bytes:
    """The digest ``file_digests`` gives a file of ``data``."""
    return hashlib.blake2b(data, digest_size=16).digest()


def digests_digest(digests: Mapping[str, bytes]) -> bytes:
    """One digest of ``file_digests``' answer: names and contents."""
    digest = _new()
    for name in sorted(digests):
        digest.update(f"{name}\0".encode() + digests[name])
    return digest.digest()


def installed_distributions(path: Iterable[str] | None = None) -> list[str]:
    """Every distribution Python can import from, as its metadata folder names it
    (``pelican-4.12.0.dist-info``: its name and version).

    importlib.metadata would parse each one's METADATA file: a twentieth of a second
    for a hundred distributions, on every command; their folders' names say as much.
    """
    found: set[str] = set()
    for folder in sys.path if path is None else path:
        try:
            with os.scandir(folder or ".") as entries:
                found.update(entry.name for entry in entries if _versioned_metadata(entry.name))
        except OSError:
            continue  # a zip file, or a folder that is not there
    return sorted(found)


def _versioned_metadata(name: str) -> bool:
    """A metadata folder that names a version: an installed distribution's.

    ``pip install -e .`` also leaves ``hearth.egg-info`` in the project's own folder,
    which is on sys.path in some processes and not in others (invoke puts tasks.py's
    folder there while a build runs): counted, it made the key of a build differ from
    itself. Its code is digested as ``plugins/`` already.
    """
    if not name.endswith(_METADATA_FOLDERS):
        return False
    return "-" in name.removesuffix(".egg-info").removesuffix(".dist-info")


def libraries_digest(path: Iterable[str] | None = None) -> bytes:
    """The name and version of every installed distribution, and Python's version."""
    named = installed_distributions(path)
    return hashlib.blake2b("\n".join([sys.version, *named]).encode(), digest_size=16).digest()


def code_version() -> bytes:
    """Hearth's code and the libraries it runs on: what any kept result depends on."""
    return _new_with(files_digest(PLUGINS), libraries_digest())


def stable(value: Any) -> str:
    """``value`` as text that is equal from one process to the next when it is."""
    if isinstance(value, Mapping):
        items = sorted((str(key), stable(item)) for key, item in value.items())
        return "{" + ", ".join(f"{key!r}: {item}" for key, item in items) + "}"
    if isinstance(value, list | tuple | set | frozenset):
        listed = [stable(item) for item in value]
        if isinstance(value, set | frozenset):
            listed.sort()
        return f"{type(value).__name__}[{', '.join(listed)}]"
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    return _ADDRESS.sub("", repr(value))


def settings_digest(settings: Mapping[str, Any]) -> bytes:
    """The settings' values, without the build's own objects (its state)."""
    kept = {key: value for key, value in settings.items() if key not in _NOT_SETTINGS}
    return hashlib.blake2b(stable(kept).encode(), digest_size=16).digest()


def theme_folder(settings: Mapping[str, Any]) -> Path:
    return Path(str(settings.get("THEME") or ""))


def plugin_folders(settings: Mapping[str, Any]) -> list[Path]:
    """The folders Pelican loads plugins from, besides Hearth's own."""
    folders = {Path(folder).resolve() for folder in settings.get("PLUGIN_PATHS") or ()}
    return sorted(folders - {PLUGINS})


def build_key(settings: Mapping[str, Any], code: bytes | None = None) -> bytes:
    """Everything besides the content that can change what a build writes: Hearth's
    code and libraries (``code``, ``code_version()`` by default), any other plugin,
    the theme and the settings."""
    code = code if code is not None else code_version()
    plugins = [files_digest(folder) for folder in plugin_folders(settings)]
    theme = files_digest(theme_folder(settings))
    return _new_with(code, *plugins, theme, settings_digest(settings))


def templates_key(settings: Mapping[str, Any]) -> bytes:
    """Everything that can change how a template compiles: Jinja and Hearth's code, other
    plugins (which may add Jinja extensions) and the settings (the environment's
    options). Not the theme: Jinja compares each compiled template's source with its own."""
    plugins = [files_digest(folder) for folder in plugin_folders(settings)]
    return _new_with(code_version(), *plugins, settings_digest(settings))


def _new_with(*parts: bytes) -> bytes:
    digest = _new()
    for part in parts:
        digest.update(part)
    return digest.digest()

"""Where a setting is written: the file and line a SettingsError points at.

The settings files are Python, and a command has already run them; here they are only
parsed (``ast``), never run again. A name's value is the one its last top-level binding
gave it: an assignment in the file, or a ``from pelicanconf import *`` that came after
the file's own assignments. Inside a dict literal, the key's own line; where the value
was built some other way (from the environment, in a loop), the file without a line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from hearth_core.problems import display_path
from hearth_core.settings import SettingsError

Key = str | int


@dataclass(frozen=True)
class Place:
    path: Path
    line: int | None  # None: the file holds the setting, but no line of it can be named


@dataclass(frozen=True)
class _Binding:
    """One top-level statement that gives ``name`` its value or changes it."""

    path: Path
    statement: ast.stmt


def setting_place(config: str | Path, name: str, key: Sequence[Key] = ()) -> Place:
    """Where ``name`` (and ``key`` inside it) is set, as a command loading ``config`` sees it.

    Never raises: a file that cannot be read or parsed is passed over, and a setting
    no top-level statement sets is placed in the file that mentions it, or ``config``.
    """
    config = Path(config)
    bindings = _bindings(config, name, frozenset())
    if not bindings:
        return Place(_mentioning_file(config, name) or config, None)
    return _place_in(bindings, name, list(key))


def _bindings(path: Path, name: str, seen: frozenset[Path]) -> list[_Binding]:
    """``name``'s top-level bindings in the order they run, star-imported ones included;
    a star import of a file that sets ``name`` replaces what came before it."""
    tree = _parsed(path)
    if tree is None:
        return []
    found: list[_Binding] = []
    for statement in tree.body:
        imported = _star_imported(path, statement)
        if imported is not None and imported.resolve() not in seen:
            from_there = _bindings(imported, name, seen | {path.resolve()})
            if from_there:
                found = from_there
        elif _binds(statement, name):
            found = [*found, _Binding(path, statement)]
    return found


def _parsed(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None


def _star_imported(path: Path, statement: ast.stmt) -> Path | None:
    """The sibling file ``from pelicanconf import *`` reads, as publishconf.py does."""
    if not isinstance(statement, ast.ImportFrom) or statement.level or not statement.module:
        return None
    if [alias.name for alias in statement.names] != ["*"]:
        return None
    return path.parent / f"{statement.module.replace('.', '/')}.py"


def _binds(statement: ast.stmt, name: str) -> bool:
    """``NAME = ...``, ``NAME: T = ...``, ``NAME |= ...``, ``NAME[...] = ...``,
    ``NAME.update(...)``."""
    if isinstance(statement, ast.Assign):
        return any(_names(target, name) for target in statement.targets)
    if isinstance(statement, ast.AnnAssign | ast.AugAssign):
        return statement.value is not None and _names(statement.target, name)
    return _update_call(statement, name) is not None


def _names(target: ast.expr, name: str) -> bool:
    if isinstance(target, ast.Name):
        return target.id == name
    if isinstance(target, ast.Subscript):
        return isinstance(target.value, ast.Name) and target.value.id == name
    return False


def _update_call(statement: ast.stmt, name: str) -> ast.Call | None:
    if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Call):
        return None
    call = statement.value
    function = call.func
    if (
        isinstance(function, ast.Attribute)
        and function.attr == "update"
        and isinstance(function.value, ast.Name)
        and function.value.id == name
    ):
        return call
    return None


def _place_in(bindings: list[_Binding], name: str, key: list[Key]) -> Place:
    """The line of ``key`` in the last binding that gives it, else of the last binding."""
    last = bindings[-1]
    if not key:
        return Place(last.path, last.statement.lineno)
    for binding in reversed(bindings):
        found = _key_in_statement(binding.statement, name, key)
        if found is _EARLIER:
            continue  # the key comes from the value before this statement
        return Place(binding.path, found if isinstance(found, int) else binding.statement.lineno)
    return Place(last.path, last.statement.lineno)


class _Earlier:
    """The key is not set here: look at the statements before this one."""


_EARLIER = _Earlier()


def _key_in_statement(statement: ast.stmt, name: str, key: list[Key]) -> int | _Earlier | None:
    """The line of ``key`` in what ``statement`` sets; None if it sets the whole value in a
    way that names no line for the key (the statement's own line is then the best)."""
    if isinstance(statement, ast.Assign | ast.AnnAssign):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        subscript = next((t for t in targets if isinstance(t, ast.Subscript)), None)
        if subscript is not None:
            return _key_in_item(subscript, statement.value, key)
        return _key_in_value(statement.value, name, key) if statement.value else None
    if isinstance(statement, ast.AugAssign):
        found = _key_in_value(statement.value, name, key)
        return _EARLIER if found is None else found  # ``|= {...}`` without the key
    call = _update_call(statement, name)
    if call is not None:
        return _key_in_update(call, name, key)
    return None


def _key_in_item(target: ast.Subscript, value: ast.expr | None, key: list[Key]) -> int | _Earlier:
    """``NAME["limit"] = 3``: this line sets that key, and only that one."""
    if not isinstance(target.slice, ast.Constant) or target.slice.value != key[0]:
        return _EARLIER
    deeper = _key_in_value(value, "", key[1:]) if value is not None and key[1:] else None
    return deeper if isinstance(deeper, int) else target.lineno


def _key_in_update(call: ast.Call, name: str, key: list[Key]) -> int | _Earlier:
    for keyword in reversed(call.keywords):
        if keyword.arg == key[0]:
            return _deeper(keyword.value, key[1:], keyword.value.lineno)
    for argument in reversed(call.args):
        found = _key_in_value(argument, name, key)
        if isinstance(found, int):
            return found
    return _EARLIER


def _key_in_value(value: ast.expr, name: str, key: list[Key]) -> int | _Earlier | None:
    """The line of ``key`` in an expression: a dict literal (its splats included),
    ``dict(...)``, ``a | b``; _EARLIER if it extends ``name``'s earlier value without
    the key; None if the expression names no line for it."""
    if not key:
        return value.lineno
    if isinstance(value, ast.Dict):
        return _key_in_dict(value, name, key)
    if isinstance(value, ast.List | ast.Tuple) and isinstance(key[0], int):
        return _key_in_list(value, key)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        if value.func.id == "dict":
            return _key_in_update(value, name, key)
        return None
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.BitOr):
        right = _key_in_value(value.right, name, key)
        return right if isinstance(right, int) else _key_in_value(value.left, name, key)
    if isinstance(value, ast.Name) and value.id == name:
        return _EARLIER
    return None


def _key_in_dict(value: ast.Dict, name: str, key: list[Key]) -> int | _Earlier | None:
    # The last mention of a key wins, as it does when Python builds the dict.
    for written, item in zip(reversed(value.keys), reversed(value.values), strict=True):
        if written is None:  # ``**something``
            found = _key_in_value(item, name, key)
            if found is not None:
                return found
        elif isinstance(written, ast.Constant) and written.value == key[0]:
            return _deeper(item, key[1:], written.lineno)
    return None


def _key_in_list(value: ast.List | ast.Tuple, key: list[Key]) -> int | None:
    index = key[0]
    assert isinstance(index, int)
    if any(isinstance(item, ast.Starred) for item in value.elts):
        return None  # the position of an item after a splat is not in the text
    if not -len(value.elts) <= index < len(value.elts):
        return None
    item = value.elts[index]
    return _deeper(item, key[1:], item.lineno)


def _deeper(value: ast.expr, key: list[Key], line: int) -> int:
    """The line of the rest of ``key`` inside ``value``, or ``line`` when it cannot say."""
    found = _key_in_value(value, "", key) if key else None
    return found if isinstance(found, int) else line


def _mentioning_file(config: Path, name: str) -> Path | None:
    """The first file, ``config`` and then what it star-imports, that assigns ``name``
    anywhere (in a loop, under an ``if``): the author's place to look."""
    for path in _files_read(config, frozenset()):
        tree = _parsed(path)
        if tree is not None and any(
            isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store)
            for node in ast.walk(tree)
        ):
            return path
    return None


def _files_read(path: Path, seen: frozenset[Path]) -> Iterator[Path]:
    yield path
    tree = _parsed(path)
    for statement in tree.body if tree is not None else []:
        imported = _star_imported(path, statement)
        if imported is not None and imported.resolve() not in seen | {path.resolve()}:
            yield from _files_read(imported, seen | {path.resolve()})


def placed(error: SettingsError, config: str | Path) -> SettingsError:
    """``error`` at the file and line where a command that loaded ``config`` finds its
    setting; an error about no setting (an environment variable's) as it is."""
    if not error.setting:
        return error
    place = setting_place(config, error.setting, error.key)
    return error.placed(display_path(place.path), place.line)

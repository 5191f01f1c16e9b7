"""A digest of a page's inputs that is equal from one process to the next only when
the inputs are.

A live preview compares a page's inputs as values (``hearth_site.pagememo``); a fresh
`invoke build` has only what the last build stored, so it compares digests. The
digest is of the inputs pickled by a pickler that accepts only values whose pickle is
all of their state: plain data, dates, Markup, Hearth's own records (named tuples and
dataclasses, whose pickle is their fields), and functions and classes by their
qualified names (their code is in the build key). Anything else (an object of a
library that could render from state its pickle leaves out, or one that pickles its
address) makes the page undigestible: it is written, as without the memo.

Equal bytes mean equal values. Equal values may give other bytes (a set's order, an
object shared in one build and copied in the other): then a page is written again,
never wrongly kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import pickle
import types
from datetime import date, datetime, time, timedelta, timezone
from enum import Enum
from pathlib import PurePath
from typing import IO, Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

# Values pickled with all that they hold. (Exact str, int, float, bytes, bool, None,
# tuple, list, dict, set and frozenset never reach ``reducer_override``.)
_WHOLE = (
    date,
    datetime,
    time,
    timedelta,
    timezone,
    ZoneInfo,
    Markup,
    PurePath,
    types.MappingProxyType,
)
# Pickled by reference: a name that the next process imports from the same code.
_BY_NAME = (type, types.FunctionType, types.BuiltinFunctionType)
_ACCEPTED = (*_WHOLE, *_BY_NAME, Enum, types.MethodType)


class Undigestible(Exception):
    """A value whose pickle might not hold all that a page can show of it."""


def _hearth_record(value: Any) -> bool:
    kind = type(value)
    if not kind.__module__.startswith("hearth_"):
        return False
    named_tuple = isinstance(value, tuple) and hasattr(kind, "_fields")
    # A dataclass of Hearth's own, pickled with its fields, unless it says otherwise.
    plain = dataclasses.is_dataclass(value) and not _pickles_its_own_way(kind)
    return named_tuple or plain


def _pickles_its_own_way(kind: type) -> bool:
    return any(
        getattr(vars(base)[name], "__name__", "") not in _DATACLASS_OWN
        for base in kind.__mro__[:-1]
        for name in _OWN_WAY
        if name in vars(base)
    )


_OWN_WAY = ("__reduce__", "__reduce_ex__", "__getstate__")
# What dataclass(slots=True) adds: every field.
_DATACLASS_OWN = frozenset({"_dataclass_getstate"})


def _accepted(value: Any) -> bool:
    return isinstance(value, _ACCEPTED) or _hearth_record(value)


_IMMUTABLE = (str, int, float, bool, bytes, type(None), *_WHOLE)


def _immutable(value: Any) -> bool:
    """Whether nothing ``value`` holds can change: plain values and tuples of them."""
    if isinstance(value, tuple):
        return all(_immutable(item) for item in value)
    return isinstance(value, _IMMUTABLE)


def _record_digest(value: bytes) -> bytes:
    """What a Hearth record stands as in a pickle: its own digest (see ``_Pickler``)."""
    return value


# A record's digest, kept by its identity (with the record, so that no other takes
# its id) for one build's pages.
Records = dict[int, tuple[Any, bytes]]


class _Pickler(pickle.Pickler):
    """A pickler that refuses what ``digest`` cannot stand for, and writes no memo.

    A Hearth named tuple that holds only immutable values stands in the pickle as its
    own digest, made once per build (``records``): the 20,000 links of the benchmark
    are read by every month's, topic's and member's page, and pickling each every time
    cost about as much as rendering the pages.
    """

    def __init__(self, file: IO[bytes], records: Records) -> None:
        super().__init__(file, pickle.HIGHEST_PROTOCOL)
        # No memo: a value seen twice is written twice, so the bytes follow the values
        # alone, not which of them this process happens to share (a string read from
        # the cache in one build, made afresh in the next). A value that holds itself fails.
        self.fast = True
        # Each type is judged by its kind alone: once per pickle, not per object.
        self._accepted: set[type] = set()
        self._records = records

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if kind not in self._accepted:
            if not _accepted(obj):
                raise Undigestible(kind.__qualname__)
            self._accepted.add(kind)
        if isinstance(obj, tuple) and kind is not tuple:  # a Hearth named tuple
            known = self._records.get(id(obj))
            if known is not None and known[0] is obj:
                return _record_digest, (known[1],)
            if _immutable(obj):
                made = _digest(kind, tuple(obj), self._records)
                self._records[id(obj)] = (obj, made)
                return _record_digest, (made,)
        # Pickle's own way; for a method, its object and name (the object is judged in turn).
        return NotImplemented


_FAILED = (
    Undigestible,
    pickle.PicklingError,
    TypeError,
    AttributeError,
    RecursionError,
    ValueError,
)


def _digest(kind: type | None, value: Any, records: Records) -> bytes:
    buffer = io.BytesIO()
    if kind is not None:
        buffer.write(f"{kind.__module__}.{kind.__qualname__}\0".encode())
    _Pickler(buffer, records).dump(value)
    return hashlib.blake2b(buffer.getbuffer(), digest_size=16).digest()


def digest(value: Any, records: Records | None = None) -> bytes | None:
    """A digest of ``value``; None if it holds anything ``Undigestible``.

    ``records`` keeps the digests of Hearth's records for the next call: pass the
    same one for the values of one build, whose records do not change."""
    try:
        return _digest(None, value, {} if records is None else records)
    except _FAILED:
        return None

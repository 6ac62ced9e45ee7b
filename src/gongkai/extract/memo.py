"""A cached property without a lock.

``functools.cached_property`` takes a re-entrant lock on every first access in Python 3.11 (the lock was
removed in 3.12). The interpreter builds thousands of short-lived lines and pieces per report, each property
read once or twice, so the lock costs more than most of the properties themselves. Objects here are not
shared between threads while they are being built, and a property computed twice gives the same value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Self, TypeVar, overload

T = TypeVar("T")


class cached(Generic[T]):
    """Computes the value on first access and stores it in the instance ``__dict__`` (which then shadows
    this non-data descriptor: later reads are plain attribute reads). Works on frozen dataclasses."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> Self: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> T | Self:
        if instance is None:
            return self
        value = self.func(instance)
        instance.__dict__[self.name] = value
        return value

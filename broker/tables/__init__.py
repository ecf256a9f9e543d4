"""SQLModel tables, one module per area. ``load_all()`` imports every module so the metadata is complete."""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy import MetaData
from sqlmodel import SQLModel


def load_all() -> MetaData:
    """Import every table module of this package and return the shared SQLModel metadata."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return SQLModel.metadata

"""The export's use of the second core: peacetalks/parallel.py (shared with the check)."""

from __future__ import annotations

from ..parallel import beside, can_fork

__all__ = ["beside", "can_fork"]

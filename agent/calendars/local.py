"""Local calendars: one .ics file, or a vdir folder of .ics files (one event per file)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from agent.config.types import CalendarConfig
from agent.errors import AgentError

log = logging.getLogger(__name__)

MAX_LOCAL_BYTES = 20 * 1024 * 1024


@dataclass
class LocalCalendar:
    """A local .ics file, or a vdir folder of .ics files (one event per file)."""

    config: CalendarConfig
    _signature: tuple[tuple[str, int, int], ...] | None = field(default=None, repr=False)

    def texts(self) -> list[str] | None:
        path = self.config.path or Path(self.config.url).expanduser()
        try:
            files = sorted(path.glob("*.ics")) if path.is_dir() else [path]
            stats = [(f, f.stat()) for f in files]
        except OSError as exc:
            raise AgentError(
                f"calendar {self.config.name}: cannot read {path}: {exc.strerror}"
            ) from None
        signature = tuple((f.name, s.st_mtime_ns, s.st_size) for f, s in stats)
        if signature == self._signature:
            return None
        texts = []
        for file, stat in stats:
            if stat.st_size > MAX_LOCAL_BYTES:
                log.warning(
                    "calendar %s: %s is larger than %d MB; skipped",
                    self.config.name,
                    file.name,
                    MAX_LOCAL_BYTES // (1024 * 1024),
                )
                continue
            try:
                texts.append(file.read_text(encoding="utf-8", errors="replace"))
            except OSError as exc:  # removed between listing and reading: next poll sees it
                log.info("calendar %s: %s: %s", self.config.name, file.name, exc.strerror)
        self._signature = signature
        return texts

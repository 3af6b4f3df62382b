"""The service catalog as the back-office serves it, cached in the action server and refreshed by ETag."""

from __future__ import annotations

import asyncio
import logging
import os
import time

from actions.backoffice_api import BackOffice, backoffice
from catalog import Catalog, CatalogError
from catalog.loader import service_from_data

log = logging.getLogger(__name__)


class CatalogSource:
    """Keeps the last catalog; asks the back-office again (If-None-Match) at most every `max_age` seconds."""

    def __init__(self, client: BackOffice, max_age: float | None = None):
        self.client = client
        self.max_age = float(os.environ.get("CATALOG_REFRESH_SECONDS", "60")) if max_age is None else max_age
        self._catalog: Catalog | None = None
        self._etag: str | None = None
        self._checked_at = 0.0
        self._lock: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    async def get(self) -> Catalog:
        """The current catalog; raises BackOfficeUnavailable only when none was ever fetched."""
        if self._catalog is not None and time.monotonic() - self._checked_at < self.max_age:
            return self._catalog
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock[0] is not loop:  # a lock belongs to one loop; tests run several
            self._lock = (loop, asyncio.Lock())
        async with self._lock[1]:  # one refresh at a time; the others reuse its result
            if self._catalog is None or time.monotonic() - self._checked_at >= self.max_age:
                await self._refresh()
        assert self._catalog is not None
        return self._catalog

    async def _refresh(self) -> None:
        try:
            services, etag = await self.client.catalog(self._etag if self._catalog is not None else None)
        except Exception:
            if self._catalog is None:
                raise
            log.warning("catalog refresh failed; keeping the cached one")
            self._checked_at = time.monotonic()
            return
        if services is not None:
            try:
                self._catalog = Catalog([service_from_data(data) for data in services])
            except CatalogError:
                if self._catalog is None:
                    raise
                log.exception("the back-office served a broken catalog; keeping the cached one")
            self._etag = etag
        self._checked_at = time.monotonic()


catalog_source = CatalogSource(backoffice)

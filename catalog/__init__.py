"""The service catalog: one YAML file per service, checked against a schema and loaded as typed objects."""

from catalog.loader import CatalogError, load_catalog
from catalog.model import Catalog, Service

__all__ = ["Catalog", "CatalogError", "Service", "load_catalog"]

"""BigCommerce adapter: the httpx client of the BigCommerce port."""

from .client import HttpBigCommerce

__all__ = ["HttpBigCommerce"]

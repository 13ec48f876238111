"""WordPress eXtended RSS (WXR): read exports as a stream and import them."""

from .reader import WXRError, check

__all__ = ["WXRError", "check"]

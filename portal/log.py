"""Logging helpers the settings' LOGGING names."""

from __future__ import annotations

import logging


class ClientErrorsInOneLine(logging.Filter):
    """A 4xx answer (a 403, a 404) logs one line: its traceback would only show where
    Django raised PermissionDenied or Http404, which the line already says."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True

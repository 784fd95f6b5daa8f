"""Personal data never reaches a log in clear: phone and ID numbers in log records (an access
log line with `?phone=13800138000`, an error message) are masked as they are shown elsewhere."""

from __future__ import annotations

import logging

from ..security import mask_text

LOGGERS = ("uvicorn.access", "uvicorn.error", "huiyuan", "huiyuan.api")


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_text(record.msg)
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(mask_text(a) if isinstance(a, str) else a for a in args)
        return True


def install_log_masking() -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskPersonalData) for f in logger.filters):
            logger.addFilter(MaskPersonalData())

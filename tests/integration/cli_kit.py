"""What the command-line tests share with their fixtures (conftest.py): the secret key."""

from __future__ import annotations

import base64

KEY = base64.b64encode(b"c" * 32).decode()

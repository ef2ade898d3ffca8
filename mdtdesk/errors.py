"""The one root for refusals a person can act on.

A `Refusal` carries a message written for the person at the screen or the command
line: what is wrong and what to do. It is shown as it is. Anything else that goes
wrong is unexpected: the app says so in general words and writes the details to the
local log (see `mdtdesk.logs`), never the exception's text, which may hold patient
data.
"""

from __future__ import annotations


class Refusal(Exception):
    """Something was refused for a reason the person can act on; nothing was changed."""

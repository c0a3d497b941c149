"""Keep whole resident ID numbers out of the logs.

A log line may carry a request path, a form's data or an exception message
with an ID number in it; logs are read by operators who may not see one
(core/people/services.py `may_see_id_number`). `MaskIdNumbers` rewrites every
18-character ID number in a record to its masked form (birth date hidden, as
`Person.id_number_masked`) before any handler writes it. Installed on the
handlers in LOGGING (see docs/security.md).
"""

import logging
import re

from core.people.idnumber import mask

# 17 digits and a digit or X, not inside a longer run of digits (an order number).
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def mask_id_numbers(text: str) -> str:
    return ID_NUMBER.sub(lambda found: mask(found.group(0)), text)


class MaskIdNumbers(logging.Filter):
    """Mask the message and its arguments, and any traceback text, of each record."""

    def filter(self, record):
        record.msg = mask_id_numbers(str(record.getMessage()))
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_id_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_id_numbers(record.stack_info)
        return True

"""Signals `recommendations` sends for other apps to listen to (it imports none of them).

`action_written`: an action's row was changed by one of `Action`'s guarded writes (an edit, the
admin's save, a status change), which run as UPDATEs and so send no `post_save`. `fields` holds the
names of the fields written (attribute names, e.g. "lead_officer_id"); `by` is who wrote them.
Sent after the write, inside its transaction.
"""

from django.dispatch import Signal

action_written = Signal()

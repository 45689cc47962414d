"""Sessions that end after a period of inactivity, without a database write on every request.

Django's SESSION_SAVE_EVERY_REQUEST would slide the expiry on every request, at
the cost of an UPDATE per page. This middleware slides it at most once a
minute instead: the session ends SESSION_COOKIE_AGE after the last activity,
give or take `TOUCH_EVERY`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

TOUCH_EVERY = 60  # seconds
_KEY = "_touched"


class SlidingSessionMiddleware:
    """Marks a signed-in user's session as modified when it was last saved over a minute ago.

    Saving a modified session pushes its expiry SESSION_COOKIE_AGE into the future
    (in the database and on the cookie). Right after sign-in the last save is the
    sign-in itself, read from `last_login`, so the first pages write nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is not None and user is not None and user.is_authenticated:
            now = time.time()
            last = session.get(_KEY)
            if last is None and user.last_login is not None:
                last = user.last_login.timestamp()
            if last is None or now - last >= TOUCH_EVERY:
                session[_KEY] = now
        return response

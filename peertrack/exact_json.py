"""A JSON serialization format for backups that keeps times to the microsecond.

Django's own JSON format rounds datetimes to milliseconds, which would change every timestamp on
restore (and could reorder progress updates made within the same millisecond). Registered as the
"exact_json" format in settings.SERIALIZATION_MODULES; reading uses Django's JSON deserializer,
which parses the full ISO 8601 value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer

__all__ = ["Deserializer", "Serializer"]


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, (dt.datetime, dt.time)):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self) -> None:
        self.options["cls"] = ExactEncoder
        super()._init_options()  # type: ignore[misc]  # missing from django-stubs

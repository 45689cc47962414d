from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # The receivers that turn saves in recommendations and reviews into notifications, and the
        # tasks (imported so the failed tasks page knows their names).
        from notifications import signals, tasks  # noqa: F401

        signals.connect()

from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = "Challenges and action plans"

    def ready(self) -> None:
        # Every write to a challenge bumps its cache version (peertrack/caching.py, ADR 0026).
        from peertrack import caching

        caching.connect()
        # Registers the deploy check that PEERTRACK_BASE_URL is set (peertrack.W001).
        from peertrack import absolute_urls  # noqa: F401

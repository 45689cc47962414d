from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = "Challenges and action plans"

    def ready(self) -> None:
        from peertrack import caching, inputs

        # "<id:...>" (peertrack/inputs.py) for every URL module, registered before any of them can be imported.
        inputs.register_id_converter()
        # Every write to a challenge bumps its cache version (peertrack/caching.py, ADR 0026).
        caching.connect()
        # Registers the deploy check that PEERTRACK_BASE_URL is set (peertrack.W001).
        from peertrack import absolute_urls  # noqa: F401

"""URL configuration for peertrack."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from peertrack import inputs
from peertrack import views as site_views
from recommendations.admin_scope import view_on_site
from recommendations.forms import SignInForm

inputs.register_id_converter()

urlpatterns = [
    # Before the admin's own "View on site" route, which would redirect to any council's pages.
    path("admin/r/<id:content_type_id>/<path:object_id>/", admin.site.admin_view(view_on_site)),
    path("admin/", admin.site.urls),
    path("healthz", site_views.healthz, name="healthz"),
    path("background-tasks/", site_views.failed_tasks, name="failed_tasks"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True,
                                     authentication_form=SignInForm, extra_context={
                                         "lockout_failures": settings.AXES_FAILURE_LIMIT,
                                         "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
                                         "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60,
                                     }),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/changed/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("", include("recommendations.urls")),
    path("", include("reviews.packs.urls")),
    path("", include("reviews.progress.urls")),
    path("", include("notifications.urls")),
]

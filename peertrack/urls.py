"""URL configuration for peertrack."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from peertrack import oidc
from peertrack import views as site_views
from recommendations.admin_scope import view_on_site
from recommendations.forms import SignInForm
from recommendations.people import reset

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
    # Ends the provider's session too after a single sign-on (peertrack/oidc.py).
    path("sign-out/", oidc.sign_out, name="logout"),
    path("sign-in/sso/", oidc.StartView.as_view(), name="sso_start"),
    path("sign-in/sso/callback/", oidc.CallbackView.as_view(), name="sso_callback"),
    # Self-service password reset by email (recommendations/people/reset.py).
    path("account/password/reset/", reset.ResetRequestView.as_view(), name="password_reset"),
    path("account/password/reset/sent/", reset.ResetDoneView.as_view(), name="password_reset_done"),
    path("account/password/reset/<uidb64>/<token>/", reset.ResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("account/password/reset/done/", reset.ResetCompleteView.as_view(), name="password_reset_complete"),
    path("account/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/changed/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("", include("recommendations.urls")),
    path("", include("reviews.packs.urls")),
    path("", include("reviews.progress.urls")),
    path("", include("reviews.meetings.urls")),
    path("", include("notifications.urls")),
    path("", include("recommendations.people.urls")),
]

from django.urls import include, path

from notifications import views

# Under notifications/.
notification_urls = [
    path("", views.notification_list, name="notifications"),
    path("read/", views.mark_read, name="notification_read"),
    path("read-all/", views.mark_all_read, name="notifications_read_all"),
    path("settings/", views.settings_page, name="notification_settings"),
    path("settings/councils/<slug:council_slug>/", views.council_settings, name="council_notification_settings"),
]

urlpatterns = [path("notifications/", include(notification_urls))]

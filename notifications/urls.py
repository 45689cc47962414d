from django.urls import path

from notifications import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.mark_read, name="notification_read"),
    path("notifications/read-all/", views.mark_all_read, name="notifications_read_all"),
    path("notifications/settings/", views.settings_page, name="notification_settings"),
    path("notifications/settings/councils/<slug:council_slug>/", views.council_settings,
         name="council_notification_settings"),
]

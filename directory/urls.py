from django.urls import path

from directory import views

app_name = "directory"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("request/", views.request_directory_change, name="request"),
    path("requests/", views.change_requests, name="requests"),
]

from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("<uuid:job_id>/", views.export_page, name="export"),
    path("<uuid:job_id>/download", views.download, name="download"),
]

from django.urls import path

from calllog import views

app_name = "calllog"

urlpatterns = [
    path("", views.call_list, name="list"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("email-report", views.email_report, name="email_report"),
    path("<int:call_id>/", views.call_detail, name="detail"),
    path("<int:call_id>/recording", views.call_recording, name="recording"),
]

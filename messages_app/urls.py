from django.urls import path

from messages_app import views

app_name = "messages"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:message_id>/", views.detail, name="detail"),
    path("<int:message_id>/unread/", views.unread, name="unread"),
    path("<int:message_id>/acknowledge", views.acknowledge, name="acknowledge"),
    path("poll", views.poll, name="poll"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("export.pdf", views.export, {"fmt": "pdf"}, name="export_pdf"),
    path("email/", views.email_report, name="email"),
]

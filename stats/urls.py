from django.urls import path

from stats import views

app_name = "stats"

urlpatterns = [
    path("", views.statistics, name="statistics"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("export.pdf", views.export_pdf, name="export_pdf"),
]

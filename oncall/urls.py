from django.urls import path

from oncall import views

app_name = "oncall"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:schedule_id>/", views.schedule_view, name="schedule"),
    path("<int:schedule_id>/export.pdf", views.export_pdf, name="export_pdf"),
    path("<int:schedule_id>/shifts/<int:shift_id>/", views.shift_view, name="shift"),
]

from django.urls import path

from oncall import views

app_name = "oncall"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:schedule_id>/", views.schedule_view, name="schedule"),
    path("<int:schedule_id>/export.pdf", views.export_pdf, name="export_pdf"),
    path("<int:schedule_id>/feeds/", views.feed_create, name="feed_create"),
    path("<int:schedule_id>/feeds/<int:feed_id>/revoke/", views.feed_revoke, name="feed_revoke"),
    path("<int:schedule_id>/shifts/<int:shift_id>/", views.shift_view, name="shift"),
    path("<int:schedule_id>/shifts/<int:shift_id>/assign/", views.assign, name="assign"),
    path("<int:schedule_id>/shifts/<int:shift_id>/override/", views.override, name="override"),
    path("<int:schedule_id>/shifts/<int:shift_id>/unassign/", views.unassign, name="unassign"),
    path("<int:schedule_id>/shifts/<int:shift_id>/comment/", views.comment, name="comment"),
]

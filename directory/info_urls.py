from django.urls import path

from directory import views

app_name = "info"

urlpatterns = [
    path("", views.info_list, name="list"),
    path("<int:page_id>/", views.info_page, name="page"),
    path("<int:page_id>/request/", views.request_info_change, name="request"),
]

app_name = "oncall"

urlpatterns: list = []

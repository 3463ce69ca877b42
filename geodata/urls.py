"""Public pages of plans, layers and versions."""

app_name = "plans"
urlpatterns: list = []

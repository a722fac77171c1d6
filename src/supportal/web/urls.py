from django.urls import path

from supportal.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisation/escalation/", views.escalation_matrix, name="escalation_matrix"),
]

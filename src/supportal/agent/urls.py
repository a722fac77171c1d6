from django.urls import path

from supportal.agent import views

app_name = "agent"

urlpatterns = [
    path("", views.home, name="home"),
    path("registrations/", views.registrations, name="registrations"),
    path("registrations/<int:request_id>/", views.registration, name="registration"),
]

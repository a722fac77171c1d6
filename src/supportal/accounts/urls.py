"""Sign-in and onboarding pages of our own, mounted at /accounts/ before allauth's."""

from django.urls import path

from supportal.accounts import views

urlpatterns = [
    path("staff/login/", views.staff_login, name="staff_login"),
    path("invitation/<str:uidb36>/<str:key>/", views.invitation, name="account_invitation"),
    path("register/", views.register, name="account_register"),
    path("register/received/", views.register_done, name="account_register_done"),
]

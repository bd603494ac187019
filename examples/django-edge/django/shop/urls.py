from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

# The Worker answers /cart, /cart/add and /badge itself, and refuses
# anonymous users on /account/ before they get here; the rest is Django's.
urlpatterns = [
    path("", views.home),
    path("account/", views.account),
    path("accounts/login/", auth_views.LoginView.as_view()),
    path("accounts/logout/", auth_views.LogoutView.as_view()),
]

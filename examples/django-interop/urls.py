from django.urls import path

import views

urlpatterns = [
    path("session", views.session),
    path("set", views.set_keys),
    path("cart/add", views.cart_add),
    path("expiry", views.expiry),
    path("flush", views.flush),
    path("login", views.login),
    path("logout", views.logout),
    path("whoami", views.whoami),
    path("form", views.form),
    path("test/verify", views.verify),
    path("test/pickle", views.pickled),
    path("test/user", views.create_user),
    path("test/password", views.set_password),
    path("test/csrf-reason/<str:probe>", views.csrf_reason),
]

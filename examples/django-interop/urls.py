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
    path("verify", views.verify),
]

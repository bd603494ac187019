from django.contrib.auth.decorators import login_required
from django.shortcuts import render


def home(request):
    # The form posts to /cart/add, which the Worker answers: Django's
    # {% csrf_token %} is checked there by the edge's csrfProtect.
    return render(request, "home.html", {"cart": request.session.get("cart", [])})


@login_required
def account(request):
    # The cart the Worker wrote, read by Django from the same session.
    return render(request, "account.html", {"cart": request.session.get("cart", [])})

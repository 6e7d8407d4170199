from django.http import HttpResponse
from django.views.generic import TemplateView


def subscribe(request):
    return HttpResponse()


class SubscribedView(TemplateView):
    template_name = "newsletter/subscribed.html"


def confirm(request, token):
    return HttpResponse()


def preferences(request, token):
    return HttpResponse()


def download(request, token):
    return HttpResponse()


def unsubscribe(request, token):
    return HttpResponse()

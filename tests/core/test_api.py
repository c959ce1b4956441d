"""The API's exception handler: a service's ValidationError is a 400 with its messages."""

from django.core.exceptions import ValidationError
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from spotcheck.core.api import exception_handler


def _response(exc):
    view = APIView()
    request = APIRequestFactory().post("/")
    return exception_handler(exc, {"view": view, "request": request})


def test_field_errors_keep_their_fields():
    response = _response(ValidationError({"title": ["请填写任务名称。"], "__all__": ["整体问题"]}))
    assert response.status_code == 400
    assert response.data == {"title": ["请填写任务名称。"], "__all__": ["整体问题"]}


def test_other_errors_are_the_detail():
    response = _response(ValidationError(["计划至少要有一个条目。", "第二条"]))
    assert response.status_code == 400 and response.data == {"detail": ["计划至少要有一个条目。", "第二条"]}

from rest_framework.routers import SimpleRouter

from spotcheck.draws.api import TaskViewSet

router = SimpleRouter()
router.register("tasks", TaskViewSet, basename="tasks")

urlpatterns = router.urls

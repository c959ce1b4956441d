"""The staff API's interactive documentation (Swagger UI from drf-spectacular's sidecar, served
here: no CDN). Behind the login like the rest of the workspace; the page's script is served as
its own file (the split view), so the Content-Security-Policy needs no inline script."""

from django.contrib.auth.decorators import login_required
from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    # Extends the sidecar's page only to give its one inline <style> the response's CSP nonce.
    template_name = "api/docs.html"


api_docs = login_required(ApiDocsView.as_view(url_name="api:schema"))

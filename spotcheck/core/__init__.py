"""The bottom floor: helpers every app may import, importing no app of the project.

``choices`` (the Chinese source labels of choices), ``fields`` (the compressed JSON field),
``bulk`` (COPY and batch writes, the bulk load), ``codes`` and ``models`` (the one code
counter), ``reasons`` (a reason a user must give), ``forms`` (a service's errors on a form),
``messages`` (a service's outcome as flash messages), ``api`` (a service's errors as the API's
400), ``updates`` (``model_update``), ``filing`` (the filing statuses of items and plans), ``net``
(the client's address of a request, through the configured reverse proxies).
"""

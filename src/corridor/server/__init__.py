"""corridor over HTTP: ``/route``, ``/table``, ``/nearest``, ``/places``, ``/passages``, ``/health``
and a web map at ``/``; start it with ``corridor serve``.

One module per service in :mod:`corridor.server.services`, shaped like OSRM's; the app
factory is :func:`corridor.server.app.create_app`.
"""

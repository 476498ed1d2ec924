"""The bundled demo news portal (潍坊广电网) that stands in for the web in demos and tests.

``content`` writes deterministic articles, ``pages`` renders them, ``portal`` serves them
(``PortalState``, ``create_portal_app``), ``sources`` gives the matching sources entries.
"""

"""The routing engine below the planner: how places join the network (:mod:`.access`), what a
request closes (:mod:`.restrictions`), the hierarchies loaded at run time (:mod:`.hierarchies`)
and the search between two accesses (:mod:`.search`). Nothing here imports the planner or the
layers above it (alternatives, what-if, transit policy); ``tests/test_imports.py`` checks it."""

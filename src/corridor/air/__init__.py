"""Air: the modelled network of scheduled flights, OpenFlights route import, and the query-time overlay."""

"""Use cases: each orchestrates domain rules over the ports, one verb per module."""

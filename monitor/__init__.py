"""The Monitor platform: research and publishing for the Landmine and Cluster Munition Monitor."""

__version__ = "0.1.0"

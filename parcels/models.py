"""The parcel registry (cadastral numbers, status, geometry) comes with the queues issue."""

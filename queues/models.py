"""Land-plot queues and applications come with the queues issue."""

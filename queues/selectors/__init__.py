"""Every non-trivial read of the queues, by concept; nothing here writes."""

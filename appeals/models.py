"""Citizen appeals come with the appeals issue."""

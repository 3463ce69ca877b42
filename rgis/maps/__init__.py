"""The map shell, by job: layers.py (the registry apps fill), basemap.py (every map's
frame), render.py (maps rendered for a page, feature maps), home.py (the home map)."""
